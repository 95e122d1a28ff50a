//! Makes `tests/fixtures/provenance/c2pa-ai-generated.png`: signs a PNG with a C2PA manifest
//! declaring it `trainedAlgorithmicMedia`, with the `c2pa` crate's ephemeral test certificate (so
//! the signature is valid and the signer untrusted, as the test expects).
//!
//!     cargo run -p media --features c2pa --example c2pa_sign -- IN.png OUT.png
use std::io::Cursor;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = (&args[1], &args[2]);
    let definition = r#"{
        "title": "ai-poster.png",
        "claim_generator_info": [{"name": "Test AI image generator", "version": "1.0"}],
        "assertions": [{
            "label": "c2pa.actions",
            "data": {"actions": [{
                "action": "c2pa.created",
                "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
                "softwareAgent": {"name": "Test AI image generator", "version": "1.0"}
            }]}
        }]
    }"#;
    let mut builder =
        c2pa::Builder::from_context(c2pa::Context::new()).with_definition(definition)?;
    let signer = c2pa::EphemeralSigner::new("sokenh.test")?;
    let mut dest = Cursor::new(Vec::new());
    builder.sign(
        &signer,
        "image/png",
        &mut Cursor::new(std::fs::read(input)?),
        &mut dest,
    )?;
    std::fs::write(output, dest.into_inner())?;
    Ok(())
}
