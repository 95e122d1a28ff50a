//! The DOCX writers' escaping (`text::xml_escape`, used for every run of the report and the
//! letter) on any text: the escaped text inside an element and an attribute must parse with a
//! strict reader and read back as the text with only forbidden characters replaced.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let e = text::xml_escape(&s);
    let xml = format!("<w:p xmlns:w=\"w\" w:v=\"{e}\"><w:t xml:space=\"preserve\">{e}</w:t></w:p>");
    let doc = match roxmltree::Document::parse(&xml) {
        Ok(d) => d,
        Err(err) => panic!("not well-formed: {err}"),
    };
    let expected = text::xml_safe(&s);
    let t = doc.root_element().first_child().and_then(|n| n.text()).unwrap_or("");
    // A conforming reader turns CR LF and a lone CR into LF in text (roxmltree keeps them):
    // compare both sides with line ends made one.
    let lines = |x: &str| x.replace("\r\n", "\n").replace('\r', "\n");
    assert_eq!(lines(t), lines(&expected));
});
