//! URL canonicalisation on any input: no panic, and canonicalising twice changes nothing.
#![no_main]
libfuzzer_sys::fuzz_target!(|s: &str| {
    if let Ok(u) = domain::CanonicalUrl::parse(s) {
        let again = domain::CanonicalUrl::parse(u.as_str()).expect("a canonical URL parses");
        assert_eq!(u, again);
    }
});
