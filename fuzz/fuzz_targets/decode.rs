//! The legacy decoder on any bytes: no panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|b: &[u8]| {
    let _ = text::decode_bytes(b);
    if let Ok(s) = std::str::from_utf8(b) {
        let _ = text::decode_str(s);
    }
});
