//! The operator's checks (`sokenh doctor`): what the person who installs and keeps sokenh needs
//! to know is wrong before the officers notice — the database reachable and migrated, the audit
//! chain whole, room on the disk, the search index in step with the store, the server's
//! certificate far from its end, the optional tools present, the clock right. Each check says in one line what it found; none changes anything
//! beyond what opening the store always does (its migrations; the index is read, not caught
//! up), and a check that cannot run is a failed check saying why.

use std::path::Path;
use std::process::Command;

use serde::Serialize;

/// One check's outcome.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Check {
    /// A stable name: `data_dir`, `database`, `audit_chain`, `index`, `commune_role` (on a
    /// province database), `disk`, `tls` (when a certificate is given), `ocr`, `libreoffice`,
    /// `clock`.
    pub check: &'static str,
    pub ok: bool,
    /// What was found, in Vietnamese; what to do when it is wrong.
    pub detail: String,
}

fn check(check: &'static str, ok: bool, detail: impl Into<String>) -> Check {
    Check {
        check,
        ok,
        detail: detail.into(),
    }
}

/// Free space under which the disk check fails, by default: 1 GiB.
pub const MIN_FREE_BYTES: u64 = 1 << 30;

/// A certificate this close to its end fails the TLS check.
pub const TLS_RENEW_DAYS: i64 = 14;

/// Every check of the data dir and database (the URL's, else the data dir's SQLite file), and
/// of the server's certificate when one is given. `min_free` is the free space the disk check
/// asks for.
pub fn run(
    data_dir: &Path,
    database_url: Option<&str>,
    min_free: u64,
    tls_cert: Option<&Path>,
) -> Vec<Check> {
    let mut out = Vec::new();
    if !data_dir.is_dir() {
        out.push(check(
            "data_dir",
            false,
            format!(
                "không có thư mục dữ liệu {}: chạy `sokenh import` hoặc `sokenh demo`, hoặc chỉ đúng --data",
                data_dir.display()
            ),
        ));
        out.push(clock());
        return out;
    }
    out.push(check(
        "data_dir",
        true,
        format!("thư mục dữ liệu {}", data_dir.display()),
    ));
    match crate::db::open(data_dir, database_url) {
        Err(e) => out.push(check(
            "database",
            false,
            without_password(&format!("{e:#}")),
        )),
        Ok(mut store) => {
            let which = match database_url {
                Some(u) if u.starts_with("postgres") => {
                    format!("PostgreSQL {}", without_password(u))
                }
                Some(u) => u.to_owned(),
                None => format!("SQLite {}", data_dir.join("sokenh.db").display()),
            };
            out.push(check(
                "database",
                true,
                format!("{which}: mở được, lược đồ đã cập nhật"),
            ));
            out.push(match store.verify_audit() {
                Ok(v) if v.ok => check(
                    "audit_chain",
                    true,
                    format!("{} sự kiện, chuỗi băm khớp", v.events),
                ),
                Ok(v) => check(
                    "audit_chain",
                    false,
                    format!(
                        "chuỗi nhật ký bị sửa hoặc thiếu từ sự kiện #{} (trong {} sự kiện): giữ nguyên hiện trạng và báo người phụ trách",
                        v.first_bad.unwrap_or(0),
                        v.events
                    ),
                ),
                Err(e) => check("audit_chain", false, format!("không đọc được nhật ký: {e}")),
            });
            out.push(index(&mut store, data_dir));
            if let Some(c) = commune_role(&mut store) {
                out.push(c);
            }
        }
    }
    out.push(disk(data_dir, min_free));
    if let Some(cert) = tls_cert {
        out.push(tls(cert));
    }
    out.push(ocr());
    out.push(libreoffice());
    out.push(clock());
    out
}

/// On a province database: whether the server may read as a commune (the role
/// `sokenh_commune`, which a commune's accounts' reads of its people take); none elsewhere.
fn commune_role(store: &mut store::Store) -> Option<Check> {
    let tenant = match store.first_tenant() {
        Ok(t) => t?,
        Err(e) => return Some(check("commune_role", false, e.to_string())),
    };
    Some(match store.as_commune(tenant, |s| s.units()) {
        Ok(units) => check(
            "commune_role",
            true,
            format!(
                "đọc được dưới vai trò của xã (sokenh_commune): {} đơn vị của xã đầu tiên",
                units.len()
            ),
        ),
        Err(e) => check("commune_role", false, e.to_string()),
    })
}

/// A database URL with its password hidden.
fn without_password(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(a), Some(c)) if c < a => {
                out.push_str(&authority[..c]);
                out.push_str(":***");
                out.push_str(&authority[a..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The search index in step with the store: its posts, and the purge log it follows.
pub(crate) fn index(store: &mut store::Store, data_dir: &Path) -> Check {
    let dir = crate::posts::index_dir(data_dir);
    let stored = match store.item_count() {
        Ok(n) => n,
        Err(e) => return check("index", false, format!("không đếm được bài đăng: {e}")),
    };
    if !dir.exists() {
        return if stored == 0 {
            check("index", true, "chưa có bài đăng, chưa có chỉ mục")
        } else {
            check(
                "index",
                false,
                format!(
                    "không có chỉ mục tìm kiếm ({}) cho {stored} bài đăng: chạy `sokenh reindex`",
                    dir.display()
                ),
            )
        };
    }
    let positions = search::SearchIndex::open(&dir)
        .and_then(|i| Ok((i.last_item_id()?, i.purged_seq()?, i.newest_first())));
    let (last, purged, newest_first) = match positions {
        Ok(l) => l,
        Err(e) => {
            return check(
                "index",
                false,
                format!(
                    "không đọc được chỉ mục {}: {e} — chạy `sokenh reindex`",
                    dir.display()
                ),
            );
        }
    };
    // The purge log forgotten past where this index had followed it: it may still hold posts
    // purged since, and cannot learn which.
    match store.first_purged_seq() {
        Ok(Some(first)) if purged < first - 1 => {
            return check(
                "index",
                false,
                format!(
                    "chỉ mục chưa theo kịp các lần xóa theo thời hạn lưu giữ (vị trí {purged}, nhật ký xóa còn từ {first}): chạy `sokenh reindex`"
                ),
            );
        }
        Ok(_) => {}
        Err(e) => return check("index", false, format!("không đọc được nhật ký xóa: {e}")),
    }
    match store.items_after(last, 1000) {
        Ok(behind) if behind.is_empty() => check(
            "index",
            true,
            format!(
                "chỉ mục có đủ {stored} bài đăng của cơ sở dữ liệu{}",
                if newest_first {
                    ""
                } else {
                    " (làm từ bản cũ, chưa xếp bài mới trước: trang tìm kiếm chậm trên nhiều bài — chạy `sokenh reindex` để làm lại)"
                }
            ),
        ),
        Ok(behind) => check(
            "index",
            false,
            format!(
                "chỉ mục thiếu {}{} bài đăng mới nhất (sau bài #{last}): chạy `sokenh reindex` hoặc để `sokenh serve` tự bổ sung",
                behind.len(),
                if behind.len() == 1000 { "+" } else { "" }
            ),
        ),
        Err(e) => check("index", false, format!("không đọc được bài đăng: {e}")),
    }
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

fn disk(data_dir: &Path, min_free: u64) -> Check {
    match fs4::available_space(data_dir) {
        Ok(free) if free >= min_free => check(
            "disk",
            true,
            format!("còn trống {} (cần ít nhất {})", gib(free), gib(min_free)),
        ),
        Ok(free) => check(
            "disk",
            false,
            format!(
                "chỉ còn trống {} ở {}, dưới mức {}: dọn bớt hoặc thêm đĩa trước khi cơ sở dữ liệu đầy",
                gib(free),
                data_dir.display(),
                gib(min_free)
            ),
        ),
        Err(e) => check("disk", false, format!("không đọc được dung lượng đĩa: {e}")),
    }
}

fn tls(cert: &Path) -> Check {
    let end = match not_after(cert) {
        Ok(end) => end,
        Err(why) => {
            return check(
                "tls",
                false,
                format!("không đọc được chứng chỉ {}: {why}", cert.display()),
            );
        }
    };
    let days = (end - chrono::Utc::now()).num_days();
    let shown = end.format("%Y-%m-%d");
    if days < 0 {
        check(
            "tls",
            false,
            format!(
                "chứng chỉ {} đã hết hạn ngày {shown}: trình duyệt sẽ chặn — gia hạn hoặc tạo lại",
                cert.display()
            ),
        )
    } else if days < TLS_RENEW_DAYS {
        check(
            "tls",
            false,
            format!(
                "chứng chỉ {} hết hạn ngày {shown}, còn {days} ngày: gia hạn ngay",
                cert.display()
            ),
        )
    } else {
        check(
            "tls",
            true,
            format!("chứng chỉ hết hạn ngày {shown} (còn {days} ngày)"),
        )
    }
}

/// When the first certificate of a PEM file ends (its validity's notAfter), read from the DER
/// structure: Certificate → tbsCertificate → [version] serial signature issuer validity.
fn not_after(path: &Path) -> Result<chrono::DateTime<chrono::Utc>, String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let der = CertificateDer::from_pem_file(path).map_err(|e| e.to_string())?;
    let bad = || "không phải chứng chỉ X.509".to_owned();
    let (_, cert, _) = tlv(&der).ok_or_else(bad)?;
    let (_, mut tbs, _) = tlv(cert).ok_or_else(bad)?;
    let (tag, _, rest) = tlv(tbs).ok_or_else(bad)?;
    if tag == 0xA0 {
        tbs = rest; // the explicit version
    }
    for _ in 0..3 {
        tbs = tlv(tbs).ok_or_else(bad)?.2; // serial, signature, issuer
    }
    let (_, validity, _) = tlv(tbs).ok_or_else(bad)?;
    let (_, _, after) = tlv(validity).ok_or_else(bad)?;
    let (tag, time, _) = tlv(after).ok_or_else(bad)?;
    let text = std::str::from_utf8(time).map_err(|_| bad())?;
    let full = match tag {
        // UTCTime: two-digit years, 50–99 in the 1900s.
        0x17 if text.len() >= 2 => {
            let yy: u32 = text[..2].parse().map_err(|_| bad())?;
            format!("{}{text}", if yy >= 50 { "19" } else { "20" })
        }
        0x18 => text.to_owned(),
        _ => return Err(bad()),
    };
    chrono::NaiveDateTime::parse_from_str(full.trim_end_matches('Z'), "%Y%m%d%H%M%S")
        .map(|t| t.and_utc())
        .map_err(|_| bad())
}

/// One DER element: (tag, contents, what follows).
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &x| (acc << 8) | usize::from(x));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// Whether a program runs (`--version` answers), with its first line.
fn program(name: &str, arg: &str) -> Option<String> {
    let out = Command::new(name).arg(arg).output().ok()?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    Some(text)
}

fn ocr() -> Check {
    let built = cfg!(feature = "ocr");
    match program("tesseract", "--list-langs") {
        Some(langs) if langs.lines().any(|l| l.trim() == "vie") => {
            check("ocr", true, "tesseract có tiếng Việt (vie)")
        }
        Some(_) => check(
            "ocr",
            !built,
            "tesseract thiếu gói tiếng Việt: cài tesseract-ocr-vie",
        ),
        None if built => check(
            "ocr",
            false,
            "bản dựng này đọc chữ trong ảnh nhưng chưa cài tesseract: cài tesseract-ocr và tesseract-ocr-vie",
        ),
        None => check(
            "ocr",
            true,
            "không dùng (bản dựng không có tính năng ocr; tùy chọn)",
        ),
    }
}

fn libreoffice() -> Check {
    match program("soffice", "--version") {
        Some(v) => check(
            "libreoffice",
            true,
            v.lines().next().unwrap_or("LibreOffice").trim().to_owned(),
        ),
        None => check(
            "libreoffice",
            true,
            "chưa cài (tùy chọn): báo cáo PDF sẽ không xuất được — cài libreoffice-writer-nogui",
        ),
    }
}

/// The clock: a year before sokenh existed means an unsynchronised clock, and every date in the
/// audit log and the reports would be wrong.
fn clock() -> Check {
    let now = chrono::Utc::now().with_timezone(&ingest::posts::vietnam());
    let local = std::env::var("TZ").unwrap_or_else(|_| "mặc định của máy".to_owned());
    let year = chrono::Datelike::year(&now);
    let detail = format!(
        "giờ Việt Nam {} (UTC+7, sokenh tự tính; múi giờ máy: {local})",
        now.format("%Y-%m-%d %H:%M")
    );
    if (2025..2100).contains(&year) {
        check("clock", true, detail)
    } else {
        check(
            "clock",
            false,
            format!("{detail}: đồng hồ máy sai năm — bật đồng bộ giờ (NTP)"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_database_urls_are_hidden() {
        assert_eq!(
            without_password(
                "không kết nối được postgres://sokenh:bi-mat@db.xa:5432/sokenh: timeout"
            ),
            "không kết nối được postgres://sokenh:***@db.xa:5432/sokenh: timeout"
        );
        assert_eq!(
            without_password("postgres://db.xa/sokenh"),
            "postgres://db.xa/sokenh"
        );
    }
}
