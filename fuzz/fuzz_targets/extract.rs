//! The extractor on any input: no panic, and every span is the text it names.
#![no_main]
libfuzzer_sys::fuzz_target!(|s: &str| {
    for e in text::extract(s) {
        assert_eq!(&s[e.start..e.end], e.text);
    }
});
