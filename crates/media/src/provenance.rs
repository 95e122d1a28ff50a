//! Provenance: what a picture's own file says about how it was made — a C2PA manifest (read and
//! its signature checked with the `c2pa` crate when built with the `c2pa` feature), IPTC digital
//! source types in XMP, generator settings that AI tools leave in PNG text chunks
//! (`parameters`, `prompt`, `workflow`…), and the EXIF/XMP software fields.
//!
//! It reports evidence and what each piece means, never more: metadata can be stripped or forged,
//! so its absence proves nothing and its presence is a declaration, not a proof — except a C2PA
//! signature, which proves who signed, not that the signer told the truth. The summary says so.

use serde::Serialize;

use crate::{Format, MediaError};

/// IPTC digital source types (<http://cv.iptc.org/newscodes/digitalsourcetype/>) and what they
/// declare, in Vietnamese; `ai` when the declaration is of generative AI.
const SOURCE_TYPES: &[(&str, &str, bool)] = &[
    (
        "trainedAlgorithmicMedia",
        "do AI tạo sinh tạo ra hoàn toàn",
        true,
    ),
    (
        "compositeWithTrainedAlgorithmicMedia",
        "ghép/sửa có thành phần do AI tạo sinh",
        true,
    ),
    (
        "algorithmicallyEnhanced",
        "được thuật toán (có thể là AI) làm nét/chỉnh sửa",
        false,
    ),
    (
        "algorithmicMedia",
        "tạo bằng thuật toán, không dùng mô hình học máy",
        false,
    ),
    (
        "compositeSynthetic",
        "ghép từ nhiều thành phần tổng hợp",
        false,
    ),
    ("composite", "ảnh ghép", false),
    ("digitalCapture", "chụp bằng thiết bị số", false),
    ("negativeFilm", "quét từ phim âm bản", false),
    ("positiveFilm", "quét từ phim dương bản", false),
    ("print", "quét từ ảnh in", false),
    ("minorHumanEdits", "người chỉnh sửa nhỏ", false),
    ("humanEdits", "người chỉnh sửa", false),
    ("digitalCreation", "người tạo bằng công cụ số", false),
    ("screenCapture", "ảnh chụp màn hình", false),
    ("virtualRecording", "ghi lại từ môi trường ảo", false),
    ("dataDrivenMedia", "tạo từ dữ liệu", false),
];

/// Names of generative tools as they appear in software fields.
const GENERATORS: &[&str] = &[
    "stable diffusion",
    "midjourney",
    "dall-e",
    "dall·e",
    "dalle",
    "firefly",
    "imagen",
    "bing image creator",
    "image creator",
    "leonardo",
    "novelai",
    "comfyui",
    "automatic1111",
    "invokeai",
    "flux",
    "ideogram",
    "gemini",
    "chatgpt",
    "openai",
    "sora",
    "runway",
    "kling",
    "dreamstudio",
    "nightcafe",
    "playground ai",
    "sdxl",
    "sd_xl",
];

/// PNG text keywords that AI front-ends write their generation settings under.
const GENERATOR_KEYS: &[&str] = &[
    "parameters",
    "prompt",
    "workflow",
    "dream",
    "sd-metadata",
    "invokeai_metadata",
    "generation_data",
];

/// One piece of metadata read from the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Where it was: `png:tEXt`, `png:iTXt`, `exif`, `xmp`, `webp:EXIF`…
    pub source: String,
    pub key: String,
    pub value: String,
}

/// Something that bears on whether the picture was made by generative AI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub source: String,
    /// What was found, verbatim (shortened).
    pub evidence: String,
    /// What it means, in Vietnamese, without claiming more.
    pub meaning: String,
    /// Whether it declares generative AI.
    pub ai: bool,
}

/// What the C2PA manifest store says (feature `c2pa`), or that one is there (without it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct C2pa {
    /// Whether the manifest was read and validated (false: only its presence is known).
    pub read: bool,
    pub claim_generator: Option<String>,
    pub title: Option<String>,
    pub actions: Vec<String>,
    pub digital_source_types: Vec<String>,
    pub signer: Option<String>,
    pub signature_valid: Option<bool>,
    pub trusted_signer: Option<bool>,
    /// Validation codes that are not successes (e.g. `signingCredential.untrusted`).
    pub validation_issues: Vec<String>,
}

/// Everything found, and what it adds up to.
#[derive(Clone, Debug, Serialize)]
pub struct Provenance {
    pub format: Format,
    pub sha256: String,
    pub c2pa: Option<C2pa>,
    pub metadata: Vec<Field>,
    pub indicators: Vec<Indicator>,
    /// `ai_declared` (a C2PA or IPTC declaration of generative AI), `ai_metadata` (a generator's
    /// traces), `other_declared` (a declared non-AI source), or `none_found`.
    pub verdict: &'static str,
    /// One or two sentences for the officer, in Vietnamese.
    pub summary: String,
}

/// Reads a picture's provenance from its bytes.
pub fn inspect(bytes: &[u8]) -> Result<Provenance, MediaError> {
    let format = Format::sniff(bytes).ok_or(MediaError::NotAnImage)?;
    let mut metadata = Vec::new();
    let mut c2pa_present = false;
    match format {
        Format::Png => png_fields(bytes, &mut metadata, &mut c2pa_present),
        Format::Jpeg => jpeg_fields(bytes, &mut metadata, &mut c2pa_present),
        Format::Webp => webp_fields(bytes, &mut metadata, &mut c2pa_present),
        Format::Gif => {}
    }
    let c2pa = if c2pa_present {
        Some(read_c2pa(bytes, format))
    } else {
        None
    };
    let mut indicators = Vec::new();
    if let Some(c) = &c2pa {
        c2pa_indicators(c, &mut indicators);
    }
    for f in &metadata {
        field_indicators(f, &mut indicators);
    }
    indicators.dedup();
    let (verdict, summary) = conclude(c2pa.as_ref(), &indicators);
    Ok(Provenance {
        format,
        sha256: crate::sha256_hex(bytes),
        c2pa,
        metadata,
        indicators,
        verdict,
        summary,
    })
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

fn source_type_meaning(uri: &str) -> Option<(&'static str, &'static str, bool)> {
    let code = uri.rsplit('/').next().unwrap_or(uri).trim();
    SOURCE_TYPES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(c, m, ai)| (*c, *m, *ai))
}

fn c2pa_indicators(c: &C2pa, out: &mut Vec<Indicator>) {
    let signed = match (c.read, c.signature_valid, c.trusted_signer) {
        (false, _, _) => "chưa đọc được (bản dựng không có C2PA)".to_owned(),
        (true, Some(true), Some(true)) => "chữ ký hợp lệ, người ký được tin cậy".to_owned(),
        (true, Some(true), _) => {
            "chữ ký hợp lệ, người ký chưa nằm trong danh sách tin cậy".to_owned()
        }
        (true, Some(false), _) => {
            "chữ ký KHÔNG hợp lệ — tệp có thể đã bị sửa sau khi ký".to_owned()
        }
        (true, None, _) => "chưa kiểm được chữ ký".to_owned(),
    };
    if !c.read {
        out.push(Indicator {
            source: "c2pa".into(),
            evidence: "có khối C2PA (JUMBF) trong tệp".into(),
            meaning: format!("tệp có bản kê nguồn gốc C2PA; {signed}"),
            ai: false,
        });
    }
    for t in &c.digital_source_types {
        let (code, meaning, ai) =
            source_type_meaning(t).unwrap_or(("?", "loại nguồn không rõ", false));
        out.push(Indicator {
            source: "c2pa".into(),
            evidence: format!("digitalSourceType {code}"),
            meaning: format!(
                "bản kê C2PA{} khai ảnh {meaning}; {signed}",
                c.claim_generator
                    .as_deref()
                    .map(|g| format!(" do «{g}» tạo"))
                    .unwrap_or_default()
            ),
            ai,
        });
    }
    if c.read && c.digital_source_types.is_empty() {
        out.push(Indicator {
            source: "c2pa".into(),
            evidence: format!(
                "bản kê của «{}»",
                c.claim_generator.as_deref().unwrap_or("?")
            ),
            meaning: format!("có bản kê C2PA nhưng không khai loại nguồn; {signed}"),
            ai: false,
        });
    }
}

fn field_indicators(f: &Field, out: &mut Vec<Indicator>) {
    let lower = f.value.to_lowercase();
    if f.key.eq_ignore_ascii_case("DigitalSourceType") {
        if let Some((code, meaning, ai)) = source_type_meaning(&f.value) {
            out.push(Indicator {
                source: f.source.clone(),
                evidence: format!("DigitalSourceType {code}"),
                meaning: format!(
                    "siêu dữ liệu IPTC khai ảnh {meaning} (lời khai, có thể bị sửa hoặc xóa)"
                ),
                ai,
            });
        }
        return;
    }
    let key_lower = f.key.to_lowercase();
    if f.source.starts_with("png") && GENERATOR_KEYS.contains(&key_lower.as_str()) {
        out.push(Indicator {
            source: f.source.clone(),
            evidence: format!("{}: {}", f.key, shorten(&f.value, 80)),
            meaning: "thông số sinh ảnh mà các công cụ AI (Stable Diffusion, ComfyUI…) ghi vào tệp PNG — dấu vết của công cụ tạo ảnh".into(),
            ai: true,
        });
        return;
    }
    if let Some(g) = GENERATORS.iter().find(|g| lower.contains(*g)) {
        out.push(Indicator {
            source: f.source.clone(),
            evidence: format!("{}: {}", f.key, shorten(&f.value, 80)),
            meaning: format!(
                "trường phần mềm ghi công cụ tạo ảnh AI «{g}» (lời khai, có thể bị sửa hoặc xóa)"
            ),
            ai: true,
        });
    }
}

fn conclude(c2pa: Option<&C2pa>, indicators: &[Indicator]) -> (&'static str, String) {
    const CAVEAT: &str =
        "Siêu dữ liệu có thể bị xóa hoặc làm giả: không có dấu hiệu không chứng minh ảnh là thật.";
    let declared_ai = indicators
        .iter()
        .any(|i| i.ai && (i.source == "c2pa" || i.evidence.starts_with("DigitalSourceType")));
    if declared_ai {
        let how = match c2pa {
            Some(C2pa {
                read: true,
                signature_valid: Some(true),
                ..
            }) => "trong bản kê C2PA có chữ ký hợp lệ",
            Some(C2pa {
                read: true,
                signature_valid: Some(false),
                ..
            }) => "trong bản kê C2PA có chữ ký không hợp lệ",
            _ => "trong siêu dữ liệu",
        };
        return (
            "ai_declared",
            format!(
                "Tệp tự khai là ảnh do AI tạo hoặc có thành phần AI ({how}). Cần người xem xét trước khi kết luận."
            ),
        );
    }
    if indicators.iter().any(|i| i.ai) {
        return (
            "ai_metadata",
            format!("Tệp mang dấu vết của công cụ tạo ảnh AI trong siêu dữ liệu. {CAVEAT}"),
        );
    }
    if !indicators.is_empty() {
        return (
            "other_declared",
            format!("Tệp có thông tin nguồn gốc nhưng không khai dùng AI tạo sinh. {CAVEAT}"),
        );
    }
    (
        "none_found",
        format!("Không tìm thấy bản kê C2PA hay dấu vết công cụ AI. {CAVEAT}"),
    )
}

// ---- reading the containers ---------------------------------------------------------------

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

fn png_fields(bytes: &[u8], out: &mut Vec<Field>, c2pa: &mut bool) {
    let mut pos = 8;
    while pos + 12 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]])
            as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let Some(data) = bytes.get(pos + 8..pos + 8 + len) else {
            break;
        };
        match kind {
            b"tEXt" => {
                if let Some(nul) = data.iter().position(|&b| b == 0) {
                    out.push(Field {
                        source: "png:tEXt".into(),
                        key: latin1(&data[..nul]),
                        value: latin1(&data[nul + 1..]),
                    });
                }
            }
            b"iTXt" => {
                // keyword \0 compressed method language \0 translated \0 text
                if let Some(nul) = data.iter().position(|&b| b == 0)
                    && data.len() > nul + 2
                {
                    let key = latin1(&data[..nul]);
                    let compressed = data[nul + 1] == 1;
                    let rest = &data[nul + 3..];
                    let mut parts = rest.splitn(3, |&b| b == 0);
                    let (_lang, _translated, text) =
                        (parts.next(), parts.next(), parts.next().unwrap_or(&[]));
                    let value = if compressed {
                        "(nén — không đọc)".to_owned()
                    } else {
                        String::from_utf8_lossy(text).into_owned()
                    };
                    if key == "XML:com.adobe.xmp" && !compressed {
                        xmp_fields(&value, "png:XMP", out);
                    } else {
                        out.push(Field {
                            source: "png:iTXt".into(),
                            key,
                            value,
                        });
                    }
                }
            }
            b"zTXt" => {
                if let Some(nul) = data.iter().position(|&b| b == 0) {
                    out.push(Field {
                        source: "png:zTXt".into(),
                        key: latin1(&data[..nul]),
                        value: "(nén — không đọc)".into(),
                    });
                }
            }
            b"eXIf" => exif_fields(data, "png:eXIf", out),
            b"caBX" => *c2pa = true,
            b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
}

fn jpeg_fields(bytes: &[u8], out: &mut Vec<Field>, c2pa: &mut bool) {
    let mut pos = 2;
    while pos + 4 <= bytes.len() && bytes[pos] == 0xFF {
        let marker = bytes[pos + 1];
        if marker == 0xD9 || marker == 0xDA {
            break; // end of image, or start of scan: no more metadata segments
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            pos += 2;
            continue;
        }
        let len = u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]) as usize;
        let Some(data) = bytes.get(pos + 4..pos + 2 + len) else {
            break;
        };
        match marker {
            0xE1 if data.starts_with(b"Exif\0\0") => exif_fields(&data[6..], "exif", out),
            0xE1 if data.starts_with(b"http://ns.adobe.com/xap/1.0/\0") => {
                xmp_fields(&String::from_utf8_lossy(&data[29..]), "xmp", out)
            }
            0xEB if data.starts_with(b"JP") && data.windows(4).any(|w| w == b"jumb") => {
                *c2pa = true
            }
            0xFE => out.push(Field {
                source: "jpeg:COM".into(),
                key: "Comment".into(),
                value: String::from_utf8_lossy(data).into_owned(),
            }),
            _ => {}
        }
        pos += 2 + len;
    }
}

fn webp_fields(bytes: &[u8], out: &mut Vec<Field>, c2pa: &mut bool) {
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let kind = &bytes[pos..pos + 4];
        let len = u32::from_le_bytes([
            bytes[pos + 4],
            bytes[pos + 5],
            bytes[pos + 6],
            bytes[pos + 7],
        ]) as usize;
        let Some(data) = bytes.get(pos + 8..pos + 8 + len) else {
            break;
        };
        match kind {
            b"EXIF" => exif_fields(
                data.strip_prefix(b"Exif\0\0").unwrap_or(data),
                "webp:EXIF",
                out,
            ),
            b"XMP " => xmp_fields(&String::from_utf8_lossy(data), "webp:XMP", out),
            b"C2PA" => *c2pa = true,
            _ => {}
        }
        pos += 8 + len + (len & 1);
    }
}

/// IFD0 text tags of a TIFF/EXIF block that say who or what made the picture.
fn exif_fields(tiff: &[u8], source: &str, out: &mut Vec<Field>) {
    const TAGS: &[(u16, &str)] = &[
        (0x010E, "ImageDescription"),
        (0x010F, "Make"),
        (0x0110, "Model"),
        (0x0131, "Software"),
        (0x013B, "Artist"),
        (0x8298, "Copyright"),
    ];
    if tiff.len() < 8 {
        return;
    }
    let le = match &tiff[..2] {
        b"II" => true,
        b"MM" => false,
        _ => return,
    };
    let u16_at = |p: usize| {
        tiff.get(p..p + 2).map(|b| {
            if le {
                u16::from_le_bytes([b[0], b[1]])
            } else {
                u16::from_be_bytes([b[0], b[1]])
            }
        })
    };
    let u32_at = |p: usize| {
        tiff.get(p..p + 4).map(|b| {
            if le {
                u32::from_le_bytes([b[0], b[1], b[2], b[3]])
            } else {
                u32::from_be_bytes([b[0], b[1], b[2], b[3]])
            }
        })
    };
    let Some(ifd) = u32_at(4).map(|o| o as usize) else {
        return;
    };
    let Some(count) = u16_at(ifd) else { return };
    for k in 0..count as usize {
        let entry = ifd + 2 + 12 * k;
        let (Some(tag), Some(kind), Some(n)) =
            (u16_at(entry), u16_at(entry + 2), u32_at(entry + 4))
        else {
            return;
        };
        let Some((_, name)) = TAGS.iter().find(|(t, _)| *t == tag) else {
            continue;
        };
        if kind != 2 {
            continue; // ASCII only
        }
        let n = n as usize;
        let value = if n <= 4 {
            tiff.get(entry + 8..entry + 8 + n)
        } else {
            u32_at(entry + 8).and_then(|o| tiff.get(o as usize..o as usize + n))
        };
        if let Some(v) = value {
            let text = String::from_utf8_lossy(v)
                .trim_end_matches('\0')
                .trim()
                .to_owned();
            if !text.is_empty() {
                out.push(Field {
                    source: source.into(),
                    key: (*name).into(),
                    value: text,
                });
            }
        }
    }
}

/// The XMP properties that bear on provenance, as attributes or elements.
fn xmp_fields(xml: &str, source: &str, out: &mut Vec<Field>) {
    const PROPS: &[(&str, &str)] = &[
        ("Iptc4xmpExt:DigitalSourceType", "DigitalSourceType"),
        ("xmp:CreatorTool", "CreatorTool"),
        ("tiff:Software", "Software"),
        ("photoshop:Credit", "Credit"),
        ("dc:creator", "Creator"),
    ];
    for (prop, key) in PROPS {
        // Attribute form: prop="value"
        let attr = format!("{prop}=\"");
        let mut rest = xml;
        while let Some(i) = rest.find(&attr) {
            let after = &rest[i + attr.len()..];
            if let Some(end) = after.find('"') {
                out.push(Field {
                    source: source.into(),
                    key: (*key).into(),
                    value: after[..end].to_owned(),
                });
            }
            rest = after;
        }
        // Element form: <prop>value</prop> or <prop rdf:resource="value"/>
        let open = format!("<{prop}");
        let mut rest = xml;
        while let Some(i) = rest.find(&open) {
            let after = &rest[i + open.len()..];
            if let Some(gt) = after.find('>') {
                let tag = &after[..gt];
                if let Some(r) = tag.find("rdf:resource=\"") {
                    let v = &tag[r + 14..];
                    if let Some(end) = v.find('"') {
                        out.push(Field {
                            source: source.into(),
                            key: (*key).into(),
                            value: v[..end].to_owned(),
                        });
                    }
                } else if !tag.ends_with('/') {
                    let body = &after[gt + 1..];
                    if let Some(end) = body.find(&format!("</{prop}>")) {
                        let inner = strip_tags(&body[..end]);
                        if !inner.is_empty() {
                            out.push(Field {
                                source: source.into(),
                                key: (*key).into(),
                                value: inner,
                            });
                        }
                    }
                }
            }
            rest = after;
        }
    }
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(feature = "c2pa")]
fn read_c2pa(bytes: &[u8], format: Format) -> C2pa {
    let mime = match format {
        Format::Png => "image/png",
        Format::Jpeg => "image/jpeg",
        Format::Webp => "image/webp",
        Format::Gif => "image/gif",
    };
    let reader = match c2pa::Reader::from_context(c2pa::Context::new())
        .with_stream(mime, std::io::Cursor::new(bytes))
    {
        Ok(r) => r,
        Err(e) => {
            return C2pa {
                read: false,
                validation_issues: vec![format!("không đọc được: {e}")],
                ..C2pa::default()
            };
        }
    };
    let json: serde_json::Value = serde_json::from_str(&reader.json()).unwrap_or_default();
    let active = json["active_manifest"].as_str().unwrap_or_default();
    let manifest = &json["manifests"][active];
    let mut out = C2pa {
        read: true,
        ..C2pa::default()
    };
    out.claim_generator = manifest["claim_generator_info"][0]["name"]
        .as_str()
        .or_else(|| manifest["claim_generator"].as_str())
        .map(str::to_owned);
    out.title = manifest["title"].as_str().map(str::to_owned);
    out.signer = manifest["signature_info"]["common_name"]
        .as_str()
        .or_else(|| manifest["signature_info"]["issuer"].as_str())
        .map(str::to_owned);
    for a in manifest["assertions"].as_array().into_iter().flatten() {
        if a["label"]
            .as_str()
            .is_some_and(|l| l.starts_with("c2pa.actions"))
        {
            for action in a["data"]["actions"].as_array().into_iter().flatten() {
                if let Some(name) = action["action"].as_str() {
                    out.actions.push(name.to_owned());
                }
                if let Some(t) = action["digitalSourceType"].as_str() {
                    out.digital_source_types.push(t.to_owned());
                }
            }
        }
    }
    let issues: Vec<String> = json["validation_status"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["code"].as_str().map(str::to_owned))
        .collect();
    let state = reader.validation_state();
    out.signature_valid = Some(state != c2pa::ValidationState::Invalid);
    out.trusted_signer = Some(state == c2pa::ValidationState::Trusted);
    out.validation_issues = issues;
    out
}

#[cfg(not(feature = "c2pa"))]
fn read_c2pa(_bytes: &[u8], _format: Format) -> C2pa {
    C2pa {
        read: false,
        ..C2pa::default()
    }
}
