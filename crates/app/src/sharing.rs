//! Sharing confirmed indicators between offices as STIX 2.1 bundles: a scammer's URL, domain,
//! phone number or bank account an officer confirmed (never a victim's number, never a post, an
//! author or a member), as `indicator` objects with STIX patterns (`[url:value = '…']`,
//! `[domain-name:value = '…']`, and OpenCTI's shapes `[phone-number:value = '+84…']`,
//! `[bank-account:account_number = '…']`), created by the office's `identity` (from its GSO ward
//! code), marked with TLP 2.0 (`TLP:AMBER` by default; `TLP:RED` is never exported nor taken in),
//! ending (`valid_until`: a number or a URL sooner than a domain), with deterministic ids
//! (UUIDv5 of kind and value under the STIX namespace), so the same indicator from two offices
//! is one object and importing a bundle again adds nothing. A retraction is a newer version with
//! `revoked: true`; receivers stop matching it when they import it. Received and confirmed URLs
//! and domains feed screening's block list with their origin in the explanation
//! (`screening::engine_and_health`), and so do received phone numbers and accounts. How often
//! each was seen here travels as a STIX `sighting` (a count of posts, never the posts), and
//! others' sightings are kept so a province sees which communes met what. Every change is an
//! audit event.

use crate::{Actor, App, Error};
use domain::{Permission, SharedIndicator};
use serde_json::{Value, json};

/// The namespace STIX 2.1 gives for deterministic identifiers (§2.9).
pub const STIX_NAMESPACE: [u8; 16] = [
    0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7,
];

/// TLP 2.0 as STIX marking definitions (the ids FIRST and OASIS publish).
pub const MARKINGS: [(&str, &str); 5] = [
    (
        "TLP:CLEAR",
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    ),
    (
        "TLP:GREEN",
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    ),
    (
        "TLP:AMBER",
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    ),
    (
        "TLP:AMBER+STRICT",
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    ),
    (
        "TLP:RED",
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    ),
];

/// A name-based UUID (RFC 4122 version 5: SHA-1 of the namespace and the name).
pub fn uuid5(namespace: &[u8; 16], name: &str) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(namespace);
    ctx.update(name.as_bytes());
    let digest = ctx.finish();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest.as_ref()[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// A random UUID (version 4) from 16 random bytes.
pub fn uuid4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// The kinds of indicator shared, with how long each stays valid by default (days).
pub const KINDS: [(&str, u32); 8] = [
    ("url", 90),
    ("domain", 365),
    ("phone", 90),
    ("bank_account", 180),
    // A page impersonating one of our official channels (a STIX `user-account`).
    ("impostor", 180),
    // A scammer's number as a keyed hash (`KEY_ID:HEX`), for audiences that need not learn it.
    ("phone_hash", 90),
    ("bank_account_hash", 180),
    // An entry of the fact-check register (a STIX `note` carrying a schema.org ClaimReview).
    ("factcheck", 365),
];

/// A value in its canonical form for its kind, or why it is not one.
pub fn canonical(kind: &str, value: &str) -> Result<String, String> {
    let v = value.trim();
    match kind {
        "url" => {
            let full = if v.contains("://") {
                v.to_owned()
            } else {
                format!("http://{v}")
            };
            let host = detect::urls::host_of(&full);
            if !host.contains('.') || v.chars().any(char::is_whitespace) {
                return Err(format!("«{v}» không phải đường dẫn / not a URL"));
            }
            let (scheme, rest) = full.split_once("://").unwrap_or(("http", &full));
            let tail = &rest[rest.find(['/', '?', '#']).unwrap_or(rest.len())..];
            Ok(format!("{}://{host}{tail}", scheme.to_lowercase()))
        }
        "domain" => {
            let host = detect::urls::host_of(&if v.contains("://") {
                v.to_owned()
            } else {
                format!("http://{v}")
            });
            if !host.contains('.') || host.contains(char::is_whitespace) {
                return Err(format!("«{v}» không phải tên miền / not a domain"));
            }
            Ok(host)
        }
        "phone" => text::extract(v)
            .into_iter()
            .find(|e| e.kind == text::EntityKind::Phone)
            .map(|e| e.normalized)
            .ok_or_else(|| format!("«{v}» không phải số điện thoại Việt Nam / not a phone number")),
        "bank_account" => {
            let digits: String = v.chars().filter(char::is_ascii_digit).collect();
            if v.chars()
                .any(|c| !(c.is_ascii_digit() || " .-".contains(c)))
                || !(6..=19).contains(&digits.len())
            {
                return Err(format!(
                    "«{v}» không phải số tài khoản (6–19 chữ số) / not an account number"
                ));
            }
            Ok(digits)
        }
        "phone_hash" | "bank_account_hash" => {
            let ok = v.split_once(':').is_some_and(|(key, hex)| {
                (1..=40).contains(&key.len())
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && hex.len() == 64
                    && hex.chars().all(|c| c.is_ascii_hexdigit())
            });
            if ok {
                Ok(v.to_ascii_lowercase())
            } else {
                Err(format!(
                    "«{v}» không phải mã băm KHÓA:HEX / not a keyed hash"
                ))
            }
        }
        "factcheck" if !v.is_empty() && v.len() <= 120 && !v.chars().any(char::is_control) => {
            Ok(v.to_owned())
        }
        "factcheck" => Err(format!("«{v}» không phải mã mục kiểm chứng")),
        "impostor" => domain::CanonicalUrl::parse(v)
            .map(|u| u.as_str().to_owned())
            .map_err(|_| format!("«{v}» không phải đường dẫn của trang / not a page's link")),
        other => Err(format!(
            "loại «{other}» không có: url, domain, phone, bank_account, impostor"
        )),
    }
}

/// The STIX pattern of a value (quotes and backslashes escaped).
pub fn pattern(kind: &str, value: &str) -> String {
    let v = value.replace('\\', "\\\\").replace('\'', "\\'");
    match kind {
        "url" => format!("[url:value = '{v}']"),
        "domain" => format!("[domain-name:value = '{v}']"),
        "phone" => format!("[phone-number:value = '{v}']"),
        "impostor" => format!("[user-account:user_id = '{v}']"),
        "phone_hash" => format!("[phone-number:x_sokenh_keyed_hash = '{v}']"),
        "bank_account_hash" => format!("[bank-account:x_sokenh_keyed_hash = '{v}']"),
        _ => format!("[bank-account:account_number = '{v}']"),
    }
}

/// The kind and value a pattern of one of the four shapes names.
pub fn parse_pattern(p: &str) -> Option<(&'static str, String)> {
    let inner = p.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    let (lhs, rhs) = inner.split_once('=')?;
    let kind = match lhs.trim() {
        "url:value" => "url",
        "domain-name:value" => "domain",
        "phone-number:value" => "phone",
        "bank-account:account_number" => "bank_account",
        "user-account:user_id" => "impostor",
        "phone-number:x_sokenh_keyed_hash" => "phone_hash",
        "bank-account:x_sokenh_keyed_hash" => "bank_account_hash",
        _ => return None,
    };
    let quoted = rhs.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    let mut value = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(chars.next()?),
            '\'' => return None,
            c => value.push(c),
        }
    }
    Some((kind, value))
}

/// An indicator an officer confirms.
#[derive(Clone, Debug)]
pub struct NewIndicator {
    pub kind: String,
    pub value: String,
    /// Whose number it is: only a scammer's phone number or account is shared.
    pub role: String,
    /// `TLP:CLEAR`, `TLP:GREEN`, `TLP:AMBER` (default), `TLP:AMBER+STRICT`.
    pub marking: String,
    /// The case it was confirmed in (kept here, never exported).
    pub case: Option<i64>,
    /// A name for people ("Số tài khoản nhận tiền lừa đảo tuyển CTV"); empty: by its kind.
    pub name: String,
    /// Days until it ends; `None`: the kind's default ([`KINDS`]).
    pub valid_days: Option<u32>,
    /// For an impostor page: the link of the official channel in our register it imitates.
    pub impersonates: Option<String>,
    /// For a phone number or account: share it only as a keyed hash under this key's id.
    pub hash_key: Option<String>,
}

/// A fact-check register entry as a STIX `note` a receiver's screening can use: the claim as
/// its abstract, the correction as its content, the source as an external reference, and a
/// schema.org `ClaimReview` (`x_claimreview`: claimReviewed, reviewRating's alternateName the
/// national label, author the publishing office), with the entry itself in
/// `x_sokenh_factcheck` (verdict, variants).
fn factcheck_note(
    f: &domain::FactCheck,
    id: &str,
    origin: (&str, &str),
    at: (&str, &str),
    marking: &str,
) -> Value {
    json!({
        "type": "note",
        "spec_version": "2.1",
        "id": id,
        "created": at.0,
        "modified": at.1,
        "created_by_ref": origin.0,
        "abstract": format!("{}: {}", f.verdict.label_vi(), f.claim),
        "content": f.correction,
        "object_refs": [origin.0],
        "labels": ["fact-check"],
        "external_references": [{"source_name": "nguồn kiểm chứng", "url": f.source_url}],
        "object_marking_refs": [marking],
        "revoked": false,
        "x_claimreview": {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": f.claim,
            "datePublished": f.date,
            "url": f.source_url,
            "author": {"@type": "Organization", "name": origin.1},
            "reviewRating": {"@type": "Rating", "alternateName": f.verdict.label_vi()},
        },
        "x_sokenh_factcheck": {"id": f.id, "verdict": f.verdict, "variants": f.variants},
    })
}

/// The fact-check a received note carries (its ClaimReview and sokenh's entry), named after
/// the note so it never takes the place of one of the office's own entries.
pub fn factcheck_of_note(note: &Value, origin_name: &str) -> Option<domain::FactCheck> {
    let review = &note["x_claimreview"];
    let entry = &note["x_sokenh_factcheck"];
    let claim = review["claimReviewed"].as_str()?.trim();
    let verdict = serde_json::from_value::<domain::Verdict>(entry["verdict"].clone())
        .ok()
        .or_else(|| {
            review["reviewRating"]["alternateName"]
                .as_str()
                .and_then(domain::Verdict::parse)
        })?;
    if claim.is_empty() {
        return None;
    }
    Some(domain::FactCheck {
        id: format!(
            "{} ({origin_name})",
            entry["id"].as_str().unwrap_or(note["id"].as_str()?)
        ),
        claim: claim.to_owned(),
        verdict,
        correction: note["content"].as_str().unwrap_or("").to_owned(),
        source_url: review["url"].as_str().unwrap_or("").to_owned(),
        date: review["datePublished"].as_str().map(str::to_owned),
        variants: entry["variants"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        media_hashes: Vec::new(),
    })
}

/// This office's Ed25519 key for signing bundles (PKCS#8 in the data dir, owner-only, made
/// on first use).
fn signing_key(data_dir: &std::path::Path) -> Result<ring::signature::Ed25519KeyPair, Error> {
    let path = data_dir.join("share-signing.key");
    let der = match std::fs::read_to_string(&path) {
        Ok(hex_text) => {
            hex::decode(hex_text.trim()).map_err(|_| anyhow::anyhow!("share-signing.key hỏng"))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let doc =
                ring::signature::Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new())
                    .map_err(|_| anyhow::anyhow!("không tạo được khóa ký"))?;
            crate::posts::write_private(&path, &hex::encode(doc.as_ref()))?;
            doc.as_ref().to_vec()
        }
        Err(e) => return Err(anyhow::anyhow!("đọc share-signing.key: {e}").into()),
    };
    Ok(ring::signature::Ed25519KeyPair::from_pkcs8(&der)
        .map_err(|_| anyhow::anyhow!("share-signing.key hỏng"))?)
}

/// A detached signature of a bundle's exact bytes (what `share export --sign` writes beside
/// it as `FILE.sig`).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct BundleSignature {
    pub alg: String,
    /// The signer's Ed25519 public key, hex.
    pub public_key: String,
    pub signature: String,
}

/// Checks a bundle's detached signature against the public key expected of its publisher.
pub fn verify_bundle(bytes: &[u8], sig: &BundleSignature, expected_key: &str) -> Result<(), Error> {
    let refuse = |why: &str| Err(Error::invalid("signature", why.to_owned()));
    if sig.alg != "Ed25519" {
        return refuse("Chữ ký không phải Ed25519.");
    }
    if !sig.public_key.eq_ignore_ascii_case(expected_key.trim()) {
        return refuse("Gói được ký bằng khóa khác với khóa của đơn vị đã biết.");
    }
    let (Ok(key), Ok(signature)) = (hex::decode(&sig.public_key), hex::decode(&sig.signature))
    else {
        return refuse("Chữ ký hỏng.");
    };
    ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, key)
        .verify(bytes, &signature)
        .or_else(|_| {
            refuse("Chữ ký không khớp nội dung gói: gói đã bị sửa hoặc không phải của đơn vị này.")
        })
}

/// A key for keyed hashes of numbers (HMAC-SHA-256): made by one office, handed to its
/// partners out of band, kept in the data dir (`share-keys.json`, owner-only).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ShareKey {
    pub id: String,
    pub name: String,
    /// The key, hex (never printed, never in the audit log).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub key: String,
}

impl ShareKey {
    pub fn bytes(&self) -> Vec<u8> {
        hex::decode(&self.key).unwrap_or_default()
    }
}

/// The keys this office holds.
pub fn share_keys(data_dir: &std::path::Path) -> Result<Vec<ShareKey>, Error> {
    match std::fs::read_to_string(data_dir.join("share-keys.json")) {
        Ok(text) => Ok(serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("share-keys.json hỏng: {e}"))?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(anyhow::anyhow!("đọc share-keys.json: {e}").into()),
    }
}

fn write_share_keys(data_dir: &std::path::Path, keys: &[ShareKey]) -> Result<(), Error> {
    let path = data_dir.join("share-keys.json");
    let tmp = data_dir.join("share-keys.json.tmp");
    let _ = std::fs::remove_file(&tmp);
    crate::posts::write_private(
        &tmp,
        &serde_json::to_string_pretty(keys).unwrap_or_default(),
    )?;
    std::fs::rename(&tmp, &path).map_err(|e| anyhow::anyhow!("ghi share-keys.json: {e}"))?;
    Ok(())
}

impl App {
    /// This office's public key for bundle signatures (hex), made on first use.
    pub fn signing_public_key(&self) -> Result<String, Error> {
        use ring::signature::KeyPair;
        Ok(hex::encode(
            signing_key(self.data_dir())?.public_key().as_ref(),
        ))
    }

    /// A detached Ed25519 signature of a bundle's bytes with this office's key.
    pub fn sign_bundle(&self, actor: &Actor, bytes: &[u8]) -> Result<BundleSignature, Error> {
        actor.require_province(Permission::Triage)?;
        use ring::signature::KeyPair;
        let key = signing_key(self.data_dir())?;
        Ok(BundleSignature {
            alg: "Ed25519".into(),
            public_key: hex::encode(key.public_key().as_ref()),
            signature: hex::encode(key.sign(bytes).as_ref()),
        })
    }

    /// A new key for keyed hashes: 32 random bytes, an id, a name; audited (`share.key`, never
    /// the key).
    pub fn new_share_key(&self, actor: &Actor, name: &str) -> Result<ShareKey, Error> {
        actor.require(Permission::Administer)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid(
                "name",
                "Cần tên khóa (ví dụ «Tỉnh Thanh Hóa 2026»).",
            ));
        }
        let mut bytes = [0u8; 32];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
            .map_err(|_| anyhow::anyhow!("không lấy được số ngẫu nhiên"))?;
        let key = ShareKey {
            id: format!(
                "k{}",
                &hex::encode(ring::digest::digest(&ring::digest::SHA256, &bytes))[..12]
            ),
            name: name.to_owned(),
            key: hex::encode(bytes),
        };
        self.keep_share_key(actor, &key, "share.key")?;
        Ok(key)
    }

    fn keep_share_key(&self, actor: &Actor, key: &ShareKey, action: &str) -> Result<(), Error> {
        let mut keys = share_keys(self.data_dir())?;
        if keys.iter().any(|k| k.id == key.id) {
            return Err(Error::conflict(format!("Đã có khóa {}.", key.id)));
        }
        keys.push(key.clone());
        write_share_keys(self.data_dir(), &keys)?;
        self.store()?.record(
            &actor.name,
            action,
            "share_key",
            json!({"id": key.id, "name": key.name}),
        )?;
        Ok(())
    }

    /// A key as a file to hand to a partner (JSON with the key); audited.
    pub fn export_share_key(&self, actor: &Actor, id: &str) -> Result<String, Error> {
        actor.require(Permission::Administer)?;
        let key = share_keys(self.data_dir())?
            .into_iter()
            .find(|k| k.id == id.trim())
            .ok_or_else(|| Error::not_found("khóa", id.trim()))?;
        self.store()?.record(
            &actor.name,
            "share.key.export",
            "share_key",
            json!({"id": key.id, "name": key.name}),
        )?;
        Ok(serde_json::to_string_pretty(&json!({
            "type": "sokenh-share-key", "id": key.id, "name": key.name, "key": key.key,
        }))
        .unwrap_or_default())
    }

    /// A partner's key taken in (the file `export_share_key` wrote); audited.
    pub fn import_share_key(&self, actor: &Actor, text: &str) -> Result<ShareKey, Error> {
        actor.require(Permission::Administer)?;
        let v: Value = serde_json::from_str(text)
            .map_err(|e| Error::invalid("file", format!("Không phải JSON: {e}")))?;
        let (Some(id), Some(name), Some(key)) =
            (v["id"].as_str(), v["name"].as_str(), v["key"].as_str())
        else {
            return Err(Error::invalid("file", "Không phải tệp khóa của sokenh."));
        };
        if v["type"] != "sokenh-share-key"
            || hex::decode(key).map(|k| k.len()) != Ok(32)
            || canonical("phone_hash", &format!("{id}:{}", "0".repeat(64))).is_err()
        {
            return Err(Error::invalid(
                "file",
                "Tệp khóa hỏng (cần 32 byte hex và mã khóa hợp lệ).",
            ));
        }
        let key = ShareKey {
            id: id.to_owned(),
            name: name.to_owned(),
            key: key.to_ascii_lowercase(),
        };
        self.keep_share_key(actor, &key, "share.key.import")?;
        Ok(key)
    }

    /// The keys held (ids and names, never the keys).
    pub fn share_key_list(&self, actor: &Actor) -> Result<Vec<ShareKey>, Error> {
        actor.require_province(Permission::ViewCases)?;
        Ok(share_keys(self.data_dir())?
            .into_iter()
            .map(|k| ShareKey {
                key: String::new(),
                ..k
            })
            .collect())
    }
}

/// The objects that travel with an impostor page's indicator: the page as a STIX
/// `user-account` (its canonical URL as `user_id`), the official channel it imitates as an
/// `identity`, and an `impersonates` relationship from the one to the other (published and
/// marked as the indicator is). Nothing for the other kinds.
pub fn companions(indicator: &Value) -> Vec<Value> {
    let Some(("impostor", url)) = indicator["pattern"].as_str().and_then(parse_pattern) else {
        return Vec::new();
    };
    let official = &indicator["x_sokenh_impersonates"];
    let (Some(official_url), Some(official_name)) =
        (official["url"].as_str(), official["name"].as_str())
    else {
        return Vec::new();
    };
    let platform = domain::CanonicalUrl::parse(&url)
        .map(|u| u.platform().as_str().to_owned())
        .unwrap_or_else(|_| "website".into());
    // A cyber observable's id: UUIDv5 of its id-contributing properties as canonical JSON.
    let account = format!(
        "user-account--{}",
        uuid5(
            &STIX_NAMESPACE,
            &json!({"account_type": platform, "user_id": url}).to_string()
        )
    );
    let target = format!(
        "identity--{}",
        uuid5(&STIX_NAMESPACE, &format!("official:{official_url}"))
    );
    let relationship = format!(
        "relationship--{}",
        uuid5(&STIX_NAMESPACE, &format!("{account} impersonates {target}"))
    );
    vec![
        json!({
            "type": "user-account", "spec_version": "2.1", "id": account,
            "user_id": url, "account_type": platform,
            "display_name": indicator["x_sokenh_page_name"].as_str().unwrap_or(""),
        }),
        json!({
            "type": "identity", "spec_version": "2.1", "id": target,
            "created": "2025-07-01T00:00:00.000Z", "modified": "2025-07-01T00:00:00.000Z",
            "name": official_name, "identity_class": "organization",
            "contact_information": official_url,
        }),
        json!({
            "type": "relationship", "spec_version": "2.1", "id": relationship,
            "created": indicator["created"], "modified": indicator["modified"],
            "relationship_type": "impersonates",
            "source_ref": account, "target_ref": target,
            "created_by_ref": indicator["created_by_ref"],
            "object_marking_refs": indicator["object_marking_refs"],
        }),
    ]
}

/// The STIX marking definition of a TLP 2.0 level.
pub fn marking_ref(name: &str) -> Option<&'static str> {
    MARKINGS.iter().find(|(n, _)| *n == name).map(|(_, id)| *id)
}

/// A marking as an officer wrote it (`TLP:AMBER` when empty), with its STIX definition; refused
/// when it is not a TLP 2.0 level.
fn marking_asked(written: &str) -> Result<(String, &'static str), Error> {
    let marking = match written.trim() {
        "" => "TLP:AMBER".to_owned(),
        m => m.to_uppercase(),
    };
    match marking_ref(&marking) {
        Some(id) => Ok((marking, id)),
        None => Err(Error::invalid(
            "marking",
            "Mức TLP: TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED.",
        )),
    }
}

/// TLP 1.0 as STIX 2.1 defines it (what the `stix2` library's `TLP_*` are), read as their
/// TLP 2.0 levels.
const MARKINGS_V1: [(&str, &str); 4] = [
    (
        "TLP:CLEAR",
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    ),
    (
        "TLP:GREEN",
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    ),
    (
        "TLP:AMBER",
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    ),
    (
        "TLP:RED",
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
    ),
];

/// The TLP levels an object is marked with (TLP 2.0 or 1.0 definitions).
fn tlp_of(o: &Value) -> Vec<&'static str> {
    o["object_marking_refs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str().and_then(marking_name))
        .collect()
}

fn marking_name(id: &str) -> Option<&'static str> {
    MARKINGS
        .iter()
        .chain(&MARKINGS_V1)
        .find(|(_, i)| *i == id)
        .map(|(n, _)| *n)
}

impl App {
    /// This office's STIX identity: its id (UUIDv5 of its GSO ward code, a province office's
    /// province code, or its name without either) and its name (the root unit's).
    pub fn our_identity(&self) -> Result<(String, String, Value), Error> {
        let units = self.store()?.units()?;
        let Some(root) = units.iter().find(|u| u.parent.is_none()) else {
            return Err(Error::invalid(
                "unit",
                "Chưa có đơn vị gốc: nhập sổ đăng ký hoặc chạy demo trước.",
            ));
        };
        // A commune by its ward's GSO code; a province's office by its province's code; else
        // by its name.
        let key = match (root.locality_code, crate::exchange::province_of_root(root)) {
            (Some(c), _) => format!("vn-gso:{c}"),
            (None, Some(p)) => format!("vn-gso-province:{p}"),
            (None, None) => format!("name:{}", root.name),
        };
        let id = format!("identity--{}", uuid5(&STIX_NAMESPACE, &key));
        let object = json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": id,
            "created": "2025-07-01T00:00:00.000Z",
            "modified": "2025-07-01T00:00:00.000Z",
            "name": root.name,
            "identity_class": "organization",
            "sectors": ["government-local"],
            "x_sokenh_gso_code": root.locality_code,
            "x_sokenh_gso_province": crate::exchange::province_of_root(root),
        });
        Ok((id, root.name.clone(), object))
    }

    /// An indicator confirmed by an officer, ready to share (or a newer version of one already
    /// confirmed). Refused: a kind or value that is not one, a phone number or account that is
    /// not a scammer's (a victim's is never shared), an unknown marking.
    pub fn add_indicator(
        &self,
        actor: &Actor,
        new: NewIndicator,
    ) -> Result<SharedIndicator, Error> {
        actor.require_province(Permission::Triage)?;
        let kind = KINDS
            .iter()
            .find(|(k, _)| *k == new.kind.trim())
            .ok_or_else(|| {
                Error::invalid("kind", "Loại chỉ báo: url, domain, phone, bank_account.")
            })?;
        if kind.0 == "factcheck" {
            return self.add_factcheck_note(actor, &new);
        }
        if kind.0.ends_with("_hash") {
            return Err(Error::invalid(
                "kind",
                "Để chia sẻ dạng băm: --kind phone|bank_account --hash-key KHÓA.",
            ));
        }
        let value = canonical(kind.0, &new.value).map_err(|e| Error::invalid("value", e))?;
        if matches!(kind.0, "phone" | "bank_account") && new.role.trim() != "scammer" {
            return Err(Error::invalid(
                "role",
                "Chỉ chia sẻ số điện thoại, số tài khoản của đối tượng lừa đảo (--role scammer); số của nạn nhân không bao giờ được chia sẻ.",
            ));
        }
        let (marking, marking_ref) = marking_asked(&new.marking)?;
        let impersonated = if kind.0 == "impostor" {
            let wanted = new.impersonates.as_deref().unwrap_or("").trim();
            let wanted = domain::CanonicalUrl::parse(wanted).map(|u| u.as_str().to_owned());
            let official = self.store()?.communities()?.into_iter().find(|c| {
                c.classification == domain::Classification::Official
                    && c.url.is_some()
                    && wanted
                        .as_ref()
                        .is_ok_and(|w| c.url.as_deref() == Some(w.as_str()))
            });
            match official {
                Some(c) => Some((c.url.unwrap_or_default(), c.name)),
                None => {
                    return Err(Error::invalid(
                        "impersonates",
                        "Trang giả mạo cần --impersonates là đường dẫn một kênh chính thức trong sổ đăng ký.",
                    ));
                }
            }
        } else {
            None
        };
        // A number shared as a keyed hash: only the hash is kept and sent.
        let (kind, value, key_name) = match new.hash_key.as_deref().map(str::trim) {
            Some(id) if matches!(kind.0, "phone" | "bank_account") => {
                let key = share_keys(self.data_dir())?
                    .into_iter()
                    .find(|k| k.id == id)
                    .ok_or_else(|| Error::not_found("khóa", id))?;
                let hashed = KINDS
                    .iter()
                    .find(|(k, _)| *k == format!("{}_hash", kind.0))
                    .expect("a hashed kind");
                let hex = detect::numbers::keyed_hash(&key.bytes(), &value);
                (hashed, format!("{}:{hex}", key.id), Some(key.name))
            }
            Some(_) => {
                return Err(Error::invalid(
                    "hash_key",
                    "Chỉ số điện thoại và số tài khoản mới chia sẻ dạng băm.",
                ));
            }
            None => (kind, value, None),
        };
        let days = new.valid_days.unwrap_or(kind.1).clamp(1, 3650);
        let (origin, origin_name, _) = self.our_identity()?;
        let stix_id = format!(
            "indicator--{}",
            uuid5(&STIX_NAMESPACE, &format!("{}:{value}", kind.0))
        );
        let at = crate::now_utc();
        let created = self.first_created(&stix_id, &at)?;
        let until = crate::utc_stamp(chrono::Utc::now() + chrono::Duration::days(i64::from(days)));
        let name = match new.name.trim() {
            "" => match kind.0 {
                "url" => format!("Đường dẫn lừa đảo: {value}"),
                "domain" => format!("Tên miền lừa đảo: {value}"),
                "phone" => format!("Số điện thoại của đối tượng lừa đảo: {value}"),
                "impostor" => format!(
                    "Trang giả mạo {}: {value}",
                    impersonated.as_ref().map_or("", |(_, n)| n.as_str())
                ),
                "phone_hash" | "bank_account_hash" => format!(
                    "{} của đối tượng lừa đảo (dạng băm có khóa «{}»)",
                    if kind.0 == "phone_hash" {
                        "Số điện thoại"
                    } else {
                        "Số tài khoản"
                    },
                    key_name.as_deref().unwrap_or("")
                ),
                _ => format!("Số tài khoản của đối tượng lừa đảo: {value}"),
            },
            n => n.to_owned(),
        };
        let mut object = json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": stix_id,
            "created": created,
            "modified": at,
            "created_by_ref": origin,
            "name": name,
            "description": format!("Xác nhận bởi {origin_name}."),
            "indicator_types": ["malicious-activity"],
            "pattern": pattern(kind.0, &value),
            "pattern_type": "stix",
            "pattern_version": "2.1",
            "valid_from": created,
            "valid_until": until,
            "confidence": 85,
            "labels": ["scam"],
            "object_marking_refs": [marking_ref],
            "revoked": false,
        });
        if let Some((url, name)) = &impersonated {
            object["x_sokenh_impersonates"] = json!({"url": url, "name": name});
        }
        let i = SharedIndicator {
            stix_id,
            kind: kind.0.to_owned(),
            value,
            origin,
            origin_name,
            local: true,
            modified: at,
            valid_until: Some(until),
            revoked: false,
            marking,
            object: object.to_string(),
            case_ref: new.case.map(|c| format!("case:{c}")),
            added: String::new(),
        };
        self.store()?.keep_indicator(
            &actor.name,
            &i,
            "share.add",
            json!({"kind": i.kind, "marking": i.marking, "case": new.case, "valid_until": i.valid_until}),
        )?;
        self.tips_engine_changed();
        Ok(i)
    }

    /// When the object with this id was first created here (a new version keeps it), or `at`.
    fn first_created(&self, stix_id: &str, at: &str) -> Result<String, Error> {
        Ok(self
            .store()?
            .indicator(stix_id)?
            .and_then(|old| serde_json::from_str::<Value>(&old.object).ok())
            .and_then(|o| o["created"].as_str().map(str::to_owned))
            .unwrap_or_else(|| at.to_owned()))
    }

    /// An entry of our fact-check register confirmed for sharing, as a note (see
    /// [`factcheck_note`]); a newer version of it when shared already.
    fn add_factcheck_note(
        &self,
        actor: &Actor,
        new: &NewIndicator,
    ) -> Result<SharedIndicator, Error> {
        let wanted = new.value.trim();
        let Some(f) = self
            .store()?
            .factchecks()?
            .into_iter()
            .find(|f| f.id == wanted)
        else {
            return Err(Error::not_found("mục kiểm chứng", wanted));
        };
        let (marking, marking_id) = marking_asked(&new.marking)?;
        let (origin, origin_name, _) = self.our_identity()?;
        let stix_id = format!(
            "note--{}",
            uuid5(&STIX_NAMESPACE, &format!("factcheck:{origin}:{}", f.id))
        );
        let at = crate::now_utc();
        let created = self.first_created(&stix_id, &at)?;
        let object = factcheck_note(
            &f,
            &stix_id,
            (&origin, &origin_name),
            (&created, &at),
            marking_id,
        );
        let i = SharedIndicator {
            stix_id,
            kind: "factcheck".into(),
            value: f.id.clone(),
            origin,
            origin_name,
            local: true,
            modified: at,
            valid_until: None,
            revoked: false,
            marking,
            object: object.to_string(),
            case_ref: new.case.map(|c| format!("case:{c}")),
            added: String::new(),
        };
        self.store()?.keep_indicator(
            &actor.name,
            &i,
            "share.add",
            json!({"kind": i.kind, "marking": i.marking, "factcheck": f.id}),
        )?;
        self.tips_engine_changed();
        Ok(i)
    }

    /// An indicator confirmed here retracted: a newer version with `revoked: true`, which the
    /// next export carries to the others. Refused: none of ours by that id (not found), no reason.
    pub fn revoke_indicator(
        &self,
        actor: &Actor,
        stix_id: &str,
        reason: &str,
    ) -> Result<SharedIndicator, Error> {
        actor.require_province(Permission::Triage)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("reason", "Cần ghi lý do thu hồi."));
        }
        let mut s = self.store()?;
        let Some(mut i) = s.indicator(stix_id.trim())?.filter(|i| i.local) else {
            return Err(Error::not_found("chỉ báo của đơn vị", stix_id.trim()));
        };
        if i.revoked {
            return Err(Error::conflict("Chỉ báo này đã thu hồi."));
        }
        let at = crate::now_utc();
        let mut object: Value = serde_json::from_str(&i.object).unwrap_or_default();
        object["modified"] = json!(at);
        object["revoked"] = json!(true);
        i.modified = at;
        i.revoked = true;
        i.object = object.to_string();
        s.keep_indicator(&actor.name, &i, "share.revoke", json!({"reason": reason}))?;
        self.tips_engine_changed();
        Ok(i)
    }

    /// Every shared indicator, ours and received.
    pub fn indicators(&self, actor: &Actor) -> Result<Vec<SharedIndicator>, Error> {
        actor.require_province(Permission::ViewCases)?;
        Ok(self.store()?.indicators()?)
    }

    /// A STIX 2.1 bundle of what this office confirmed and may share: its identity, then its
    /// indicators changed since `since` (an ISO date; all without), revoked ones included so the
    /// others learn of the retraction, and its sightings (counted anew); `TLP:RED` never.
    /// Returns the bundle and how many indicators it holds; the export is audited.
    pub fn export_bundle(
        &self,
        actor: &Actor,
        since: Option<&str>,
    ) -> Result<(String, usize), Error> {
        actor.require_province(Permission::Triage)?;
        self.refresh_sightings(&actor.name)?;
        let (_, _, identity) = self.our_identity()?;
        let mut s = self.store()?;
        let indicators: Vec<Value> = s
            .indicators()?
            .into_iter()
            .filter(|i| i.local && i.marking != "TLP:RED")
            .filter(|i| since.is_none_or(|d| i.modified.as_str() >= d))
            .filter_map(|i| serde_json::from_str(&i.object).ok())
            .collect();
        let n = indicators.len();
        let mut mine: Vec<Value> = Vec::new();
        for o in indicators {
            let with = companions(&o);
            mine.push(o);
            mine.extend(with);
        }
        mine.extend(
            s.sightings()?
                .into_iter()
                .filter(|x| x.local && x.marking != "TLP:RED")
                .filter(|x| since.is_none_or(|d| x.last_seen.as_str() >= d))
                .filter_map(|x| serde_json::from_str::<Value>(&x.object).ok()),
        );
        let mut id = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut id)
            .map_err(|_| anyhow::anyhow!("không lấy được số ngẫu nhiên"))?;
        let bundle = json!({
            "type": "bundle",
            "id": format!("bundle--{}", uuid4(id)),
            "objects": std::iter::once(identity).chain(mine).collect::<Vec<_>>(),
        });
        s.record(
            &actor.name,
            "share.export",
            "indicator",
            json!({"indicators": n, "since": since}),
        )?;
        Ok((serde_json::to_string_pretty(&bundle).unwrap_or_default(), n))
    }

    /// A STIX 2.1 bundle from another office taken in: each indicator of the four shapes added,
    /// updated by a newer version, revoked, or left as it is; what cannot be taken is listed
    /// with why (a pattern of another shape, a value that is not one, `TLP:RED`, one of our own).
    /// Refused whole: a file that is not a STIX bundle.
    pub fn import_bundle(
        &self,
        actor: &Actor,
        text: &str,
    ) -> Result<store::ReceivedIndicators, Error> {
        actor.require_province(Permission::Triage)?;
        let bundle: Value = serde_json::from_str(text)
            .map_err(|e| Error::invalid("file", format!("Không phải JSON: {e}")))?;
        if bundle["type"] != "bundle" || !bundle["objects"].is_array() {
            return Err(Error::invalid(
                "file",
                "Không phải gói STIX 2.1 (cần \"type\": \"bundle\" và \"objects\").",
            ));
        }
        let objects = bundle["objects"].as_array().cloned().unwrap_or_default();
        let source = bundle["id"].as_str().unwrap_or("bundle");
        self.import_objects(&actor.name, source, &objects)
    }

    /// STIX objects from another office taken in (a bundle's, or a TAXII envelope's): see
    /// [`App::import_bundle`]. One transaction, one audit event (`share.import`) when anything
    /// changed or was refused.
    pub(crate) fn import_objects(
        &self,
        actor: &str,
        source: &str,
        objects: &[Value],
    ) -> Result<store::ReceivedIndicators, Error> {
        let (ours, _, _) = self.our_identity()?;
        let mut s = self.store()?;
        let mut known_names: std::collections::HashMap<String, String> = Default::default();
        let names: std::collections::HashMap<&str, &str> = objects
            .iter()
            .filter(|o| o["type"] == "identity")
            .filter_map(|o| Some((o["id"].as_str()?, o["name"].as_str()?)))
            .collect();
        let mut incoming = Vec::new();
        let mut rejected = Vec::new();
        let mut echoed = 0;
        for o in objects.iter().filter(|o| o["type"] == "indicator") {
            let id = o["id"].as_str().unwrap_or("").to_owned();
            let reject = |why: &str| (id.clone(), why.to_owned());
            if !id.starts_with("indicator--") || id.len() != 47 {
                rejected.push(reject("id không đúng dạng indicator--UUID"));
                continue;
            }
            if o["spec_version"] != "2.1" {
                rejected.push(reject("không phải STIX 2.1"));
                continue;
            }
            let Some(modified) = o["modified"]
                .as_str()
                .filter(|m| chrono::DateTime::parse_from_rfc3339(m).is_ok())
            else {
                rejected.push(reject("thiếu hoặc sai thời điểm modified"));
                continue;
            };
            let Some((kind, raw)) = o["pattern"]
                .as_str()
                .filter(|_| o["pattern_type"] == "stix")
                .and_then(parse_pattern)
            else {
                rejected.push(reject(
                    "mẫu (pattern) không thuộc năm dạng: url, domain-name, phone-number, bank-account, user-account",
                ));
                continue;
            };
            let value = match canonical(kind, &raw) {
                Ok(v) => v,
                Err(e) => {
                    rejected.push(reject(&e));
                    continue;
                }
            };
            let markings = tlp_of(o);
            if markings.contains(&"TLP:RED") {
                rejected.push(reject("TLP:RED: không được chia sẻ tiếp"));
                continue;
            }
            let origin = o["created_by_ref"].as_str().unwrap_or("").to_owned();
            if origin == ours {
                echoed += 1;
                continue;
            }
            let origin_name = match names.get(origin.as_str()) {
                Some(n) => (*n).to_owned(),
                None => {
                    if known_names.is_empty() {
                        known_names = s
                            .indicators()?
                            .into_iter()
                            .map(|i| (i.origin, i.origin_name))
                            .collect();
                        known_names.insert(String::new(), String::new());
                    }
                    known_names
                        .get(&origin)
                        .cloned()
                        .unwrap_or_else(|| origin.clone())
                }
            };
            incoming.push(SharedIndicator {
                stix_id: id.clone(),
                kind: kind.to_owned(),
                value,
                origin_name,
                origin,
                local: false,
                modified: modified.to_owned(),
                valid_until: o["valid_until"].as_str().map(str::to_owned),
                revoked: o["revoked"] == true,
                marking: markings.first().copied().unwrap_or("TLP:AMBER").to_owned(),
                object: o.to_string(),
                case_ref: None,
                added: String::new(),
            });
        }
        // Fact-checks as notes carrying a ClaimReview.
        for o in objects.iter().filter(|o| o["type"] == "note") {
            let id = o["id"].as_str().unwrap_or("").to_owned();
            let origin = o["created_by_ref"].as_str().unwrap_or("").to_owned();
            let origin_name = names
                .get(origin.as_str())
                .map_or_else(|| origin.clone(), |n| (*n).to_owned());
            let markings = tlp_of(o);
            let modified = o["modified"]
                .as_str()
                .filter(|m| chrono::DateTime::parse_from_rfc3339(m).is_ok());
            let why = if !id.starts_with("note--") || id.len() != 42 {
                Some("id không đúng dạng note--UUID")
            } else if factcheck_of_note(o, &origin_name).is_none() {
                Some("ghi chú không mang ClaimReview (claimReviewed, reviewRating) đọc được")
            } else if modified.is_none() {
                Some("thiếu hoặc sai thời điểm modified")
            } else if markings.contains(&"TLP:RED") {
                Some("TLP:RED: không được chia sẻ tiếp")
            } else {
                None
            };
            if let Some(why) = why {
                rejected.push((id, why.to_owned()));
                continue;
            }
            if origin == ours {
                echoed += 1;
                continue;
            }
            incoming.push(SharedIndicator {
                stix_id: id.clone(),
                kind: "factcheck".into(),
                value: id,
                origin,
                origin_name,
                local: false,
                modified: modified.unwrap_or_default().to_owned(),
                valid_until: None,
                revoked: o["revoked"] == true,
                marking: markings.first().copied().unwrap_or("TLP:AMBER").to_owned(),
                object: o.to_string(),
                case_ref: None,
                added: String::new(),
            });
        }
        let mut sightings = Vec::new();
        for o in objects.iter().filter(|o| o["type"] == "sighting") {
            let id = o["id"].as_str().unwrap_or("").to_owned();
            let of = o["sighting_of_ref"].as_str().unwrap_or("");
            let by = o["where_sighted_refs"][0]
                .as_str()
                .or(o["created_by_ref"].as_str())
                .unwrap_or("")
                .to_owned();
            let count = o["count"].as_i64().unwrap_or(1);
            let markings = tlp_of(o);
            let why = if !id.starts_with("sighting--") || id.len() != 46 {
                Some("id không đúng dạng sighting--UUID")
            } else if !of.starts_with("indicator--") || !by.starts_with("identity--") {
                Some("sighting cần sighting_of_ref là indicator và nơi gặp là identity")
            } else if !(0..=999_999_999).contains(&count) {
                Some("count ngoài 0–999.999.999")
            } else if markings.contains(&"TLP:RED") {
                Some("TLP:RED: không được chia sẻ tiếp")
            } else {
                None
            };
            if let Some(why) = why {
                rejected.push((id, why.to_owned()));
                continue;
            }
            if by == ours {
                continue;
            }
            let seen = |k: &str| {
                o[k].as_str()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| crate::utc_stamp(t.with_timezone(&chrono::Utc)))
            };
            let last = seen("last_seen")
                .or_else(|| seen("modified"))
                .unwrap_or_default();
            sightings.push(domain::IndicatorSighting {
                stix_id: id,
                indicator_id: of.to_owned(),
                sighted_by_name: names
                    .get(by.as_str())
                    .map_or_else(|| by.clone(), |n| (*n).to_owned()),
                sighted_by: by,
                count,
                first_seen: seen("first_seen").unwrap_or_else(|| last.clone()),
                last_seen: last,
                local: false,
                marking: markings.first().copied().unwrap_or("TLP:AMBER").to_owned(),
                object: o.to_string(),
                added: String::new(),
            });
        }
        let mut out = s.receive_indicators(actor, source, &incoming)?;
        self.tips_engine_changed();
        if !sightings.is_empty() {
            s.keep_sightings(actor, "share.sightings", source, &sightings)?;
        }
        out.unchanged += echoed;
        out.rejected.extend(rejected);
        Ok(out)
    }
}

/// The one TAXII collection sokenh serves: this office's shareable indicators.
pub fn collection_id() -> String {
    uuid5(&STIX_NAMESPACE, "sokenh:collection:indicators")
}

/// A page of the collection's objects for TAXII: what may be shared, in the order it was
/// added (its version's time), after `added_after` (RFC 3339), at most `limit`.
#[derive(Clone, Debug)]
pub struct TaxiiPage {
    pub objects: Vec<Value>,
    /// (id, date added, version) of each object, for the manifest.
    pub manifest: Vec<(String, String, String)>,
    pub more: bool,
    /// Where the next page starts (`date added|id` of this page's last object), when `more`.
    pub next: Option<String>,
    /// The dates added of the first and last objects (the `X-TAXII-Date-Added-*` headers).
    pub first: Option<String>,
    pub last: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid5_is_rfc_4122s() {
        // RFC 4122 appendix B's DNS namespace and the value Python's uuid.uuid5 gives.
        let dns = [
            0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4,
            0x30, 0xc8,
        ];
        assert_eq!(
            uuid5(&dns, "python.org"),
            "886313e1-3b8a-5372-9b90-0c9aee199e5d"
        );
    }

    #[test]
    fn values_are_canonical_and_patterns_round_trip() {
        assert_eq!(
            canonical("domain", "HTTPS://Vietcombank-XacThuc.top/login").unwrap(),
            "vietcombank-xacthuc.top"
        );
        assert_eq!(
            canonical("url", "Vietcombank-XacThuc.top/dang-nhap?x=1").unwrap(),
            "http://vietcombank-xacthuc.top/dang-nhap?x=1"
        );
        assert_eq!(canonical("phone", "0912 345 678").unwrap(), "+84912345678");
        assert_eq!(
            canonical("bank_account", "0123-4567-89").unwrap(),
            "0123456789"
        );
        assert!(canonical("phone", "123").is_err());
        assert!(canonical("bank_account", "12ab5678").is_err());
        assert!(canonical("domain", "localhost").is_err());
        assert_eq!(
            canonical(
                "impostor",
                "https://www.facebook.com/CongAn.ThachQuang.HoTro/"
            )
            .unwrap(),
            canonical("impostor", "facebook.com/CongAn.ThachQuang.HoTro").unwrap()
        );
        for (kind, value) in [
            ("url", "http://a.vn/x'y\\z"),
            ("domain", "vietcombank-xacthuc.top"),
            ("phone", "+84912345678"),
            ("bank_account", "0123456789"),
            ("impostor", "https://facebook.com/congan.thachquang.hotro"),
        ] {
            assert_eq!(
                parse_pattern(&pattern(kind, value)),
                Some((kind, value.to_owned())),
                "{kind}"
            );
        }
        assert_eq!(parse_pattern("[file:hashes.MD5 = 'ab']"), None);
        assert_eq!(parse_pattern("[url:value = 'a' OR url:value = 'b']"), None);
    }
}
