//! Prints `hex quality file` for each picture named, as the reference `pdq-photo-hasher` does.
fn main() {
    for arg in std::env::args().skip(1) {
        match media::hash_file(std::path::Path::new(&arg)) {
            Ok(p) => println!("{},{},{}", p.hash, p.quality, arg),
            Err(e) => eprintln!("{arg}: {e}"),
        }
    }
}
