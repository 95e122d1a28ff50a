//! The normaliser on any input: no panic, and its forms are idempotent.
#![no_main]
libfuzzer_sys::fuzz_target!(|s: &str| {
    let c = text::canonical(s);
    assert_eq!(text::canonical(&c), c);
    let f = text::fold(s);
    assert_eq!(text::fold(&f), f);
    let k = text::skeleton(s);
    assert_eq!(text::skeleton(&k), k);
    let _ = text::tokens(s);
    let _ = text::matching_form(s);
});
