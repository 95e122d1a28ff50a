//! Warnings for the public: from a confirmed case or tip group, a draft in one of the two shapes
//! police warnings take — `case` (what happened: initials and commune only, numbers masked) or
//! `tactic` (the trick, the office's real official channels, numbered advice, where to report)
//! — which an officer edits and approves (each step audited with the words). Every text saved
//! passes [`mask_public`]: phone numbers, citizen IDs, bank accounts and e-mail addresses
//! masked, a person's full name cut to initials, links other than the office's own defanged,
//! so no draft or approved warning carries them whatever an officer typed. An approved warning
//! is exported as text for Facebook and Zalo, as a PNG card, and in the week's digest.

use crate::{Actor, App, Error};
use domain::{Classification, Permission, Warning};

/// The two shapes.
pub const SHAPES: [&str; 2] = ["case", "tactic"];

/// The longest title and body a warning keeps (characters).
pub const MAX_TITLE: usize = 200;
pub const MAX_BODY: usize = 4_000;

/// Words before a capitalised run that make it a place, not a person ("xã Thạch Quảng").
const PLACE_WORDS: &[&str] = &[
    "xa", "phuong", "tinh", "huyen", "thon", "ban", "ap", "duong", "pho", "quan", "tp", "thi",
    "tran", "xom", "lang", "khu", "to", "song", "cau", "cho", "truong", "nganh", "vien", "dao",
];

/// Runs that look like a name but are not a person's.
const NOT_PERSONS: &[&str] = &["ho chi minh"];

/// A text made fit for the public (see the module's doc); `keep` are links shown as they are
/// (the office's official channels).
pub fn mask_public(text: &str, keep: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let kept = |url: &str| {
        let bare = detect::urls::without_scheme(url);
        keep.iter().any(|k| {
            detect::urls::without_scheme(k).trim_end_matches('/') == bare.trim_end_matches('/')
        })
    };
    for e in ::text::extract(text) {
        use ::text::EntityKind::*;
        if e.start < at {
            continue;
        }
        let replaced = match e.kind {
            Phone | CitizenId | BankAccount => mask_digits(&e.text),
            Email => match e.text.split_once('@') {
                Some((_, domain)) => format!("***@{domain}"),
                None => "***".to_owned(),
            },
            Url if !kept(&e.text) => defang(&e.text),
            _ => continue,
        };
        out.push_str(&text[at..e.start]);
        out.push_str(&replaced);
        at = e.end;
    }
    out.push_str(&text[at..]);
    initials(&long_numbers(&out))
}

/// Digits kept at each end: three of a number of ten or more, else two.
fn mask_digits(s: &str) -> String {
    let n = s.chars().filter(char::is_ascii_digit).count();
    if n >= 10 {
        detect::mask(s, 3, 3)
    } else {
        detect::mask(s, 2, 2)
    }
}

/// A link made unclickable: no scheme, its dots as `[.]`.
fn defang(url: &str) -> String {
    detect::urls::without_scheme(url).replace('.', "[.]")
}

/// Any run of nine digits or more (spaces, dots or dashes between them) the extractor did not
/// take is masked too, unless it is an amount of money (followed by đ, đồng, VND).
fn long_numbers(text: &str) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if !c.is_ascii_digit() || (i > 0 && chars[i - 1].1.is_alphanumeric()) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0;
        let mut end = i;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_ascii_digit() {
                digits += 1;
                end = j;
                j += 1;
            } else if matches!(c, ' ' | '.' | '-')
                && chars.get(j + 1).is_some_and(|(_, n)| n.is_ascii_digit())
            {
                j += 1;
            } else {
                break;
            }
        }
        let stop = chars.get(end + 1).map_or(text.len(), |(b, _)| *b);
        let after = ::text::fold(text[stop..].trim_start());
        let money = ["d ", "dong", "vnd", "d.", "d,", "trieu", "nghin", "ngan"]
            .iter()
            .any(|m| after.starts_with(m))
            || after == "d";
        if digits >= 9 && !money {
            out.push_str(&text[copied..start]);
            out.push_str(&mask_digits(&text[start..stop]));
            copied = stop;
        }
        i = end + 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// A word written as part of a name: a capital then small letters ("Nguyễn"), or all
/// capitals ("NGUYỄN"); one capital letter too ("Nguyễn Văn A").
fn name_word(w: &str) -> Option<bool> {
    let mut chars = w.chars();
    let first = chars.next()?;
    if !first.is_uppercase() || !w.chars().all(char::is_alphabetic) {
        return None;
    }
    let rest: Vec<char> = chars.collect();
    if rest.iter().all(|c| c.is_lowercase()) {
        Some(false)
    } else if rest.iter().all(|c| c.is_uppercase()) {
        Some(true)
    } else {
        None
    }
}

/// A person's full name (a family name then one to three more name words, all written alike)
/// cut to initials: "Nguyễn Thị Hoa" → "N.T.H."; places ("xã Lê Lợi") and the names of
/// communes and provinces are left.
fn initials(text: &str) -> String {
    // Words with their byte spans (letters only; signs end a word).
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, text.len()));
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < words.len() {
        let (s, e) = words[i];
        let w = &text[s..e];
        let folded = ::text::fold(w);
        let Some(caps) =
            name_word(w).filter(|_| detect::impersonation::SURNAMES.contains(&folded.as_str()))
        else {
            i += 1;
            continue;
        };
        // The run: following words joined by one space, written the same way.
        let mut j = i + 1;
        while j < words.len()
            && j - i < 4
            && &text[words[j - 1].1..words[j].0] == " "
            && name_word(&text[words[j].0..words[j].1]) == Some(caps)
        {
            j += 1;
        }
        let run = &text[s..words[j - 1].1];
        let before = (i > 0)
            .then(|| ::text::fold(&text[words[i - 1].0..words[i - 1].1]))
            .filter(|_| {
                text[words[i - 1].1..s].trim().is_empty() || &text[words[i - 1].1..s] == ". "
            });
        let place = before.as_deref().is_some_and(|b| PLACE_WORDS.contains(&b))
            || NOT_PERSONS.contains(&::text::fold(run).as_str())
            || !domain::wards_named(run).is_empty()
            || domain::admin_units()
                .iter()
                .any(|u| ::text::fold(&u.province_name).ends_with(&::text::fold(run)));
        if j - i < 2 || place {
            i = j;
            continue;
        }
        out.push_str(&text[copied..s]);
        for (ws, we) in &words[i..j] {
            if let Some(c) = text[*ws..*we].chars().next() {
                out.extend(c.to_uppercase());
                out.push('.');
            }
        }
        copied = words[j - 1].1;
        // "N.T.H.." at a sentence's end reads as one stop.
        if text[copied..].starts_with('.') {
            copied += 1;
        }
        i = j;
    }
    out.push_str(&text[copied..]);
    out
}

/// `2026-11-30T…` as `30/11/2026`.
fn vn_date(stamp: &str) -> String {
    match (stamp.get(0..4), stamp.get(5..7), stamp.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => stamp.to_owned(),
    }
}

/// What a draft is made from.
struct Source {
    date: String,
    category: domain::Category,
    title: Option<String>,
    reports: i64,
    said: Option<String>,
    /// Numbers, accounts and links of the scammers, in words (masked later).
    used: Vec<String>,
}

/// The office (the root unit's name), where it is (its commune and province), and its
/// official channels' names and addresses.
struct Office {
    name: String,
    place: String,
    channels: Vec<(String, String)>,
}

impl Office {
    /// The official channels' addresses: links a warning shows as they are.
    fn links(&self) -> Vec<String> {
        self.channels.iter().map(|(_, u)| u.clone()).collect()
    }
}

impl App {
    fn office(&self) -> Result<Office, Error> {
        let mut s = self.store()?;
        let units = s.units()?;
        let root = units.iter().find(|u| u.parent.is_none());
        let name = root.map_or_else(|| "Đơn vị".to_owned(), |u| u.name.clone());
        let place = root
            .and_then(|u| domain::ward_by_code(u.locality_code?))
            .map_or_else(
                || "địa bàn".to_owned(),
                |w| {
                    format!(
                        "{} {}, {}",
                        w.ward_type,
                        w.ward_name
                            .trim_start_matches("Xã ")
                            .trim_start_matches("Phường "),
                        w.province_name
                    )
                },
            );
        let channels = s
            .communities()?
            .into_iter()
            .filter(|c| c.classification == Classification::Official && c.url.is_some())
            .take(3)
            .map(|c| (c.name, c.url.unwrap_or_default()))
            .collect();
        Ok(Office {
            name,
            place,
            channels,
        })
    }

    fn source(&self, case: Option<i64>, group: Option<i64>) -> Result<Source, Error> {
        let mut s = self.store()?;
        let case = match case {
            Some(id) => Some(s.case(id)?.ok_or_else(|| Error::not_found("hồ sơ", id))?),
            None => None,
        };
        let mut groups: Vec<domain::TipGroup> = Vec::new();
        if let Some(g) = group {
            groups.push(
                s.tip_group(g)?
                    .ok_or_else(|| Error::not_found("nhóm tin báo", g))?,
            );
        }
        if let Some(c) = &case {
            for g in s.tip_groups()? {
                if g.case_id == Some(c.id) && !groups.iter().any(|k| k.id == g.id) {
                    groups.push(g);
                }
            }
        }
        if case.is_none() && groups.is_empty() {
            return Err(Error::invalid(
                "case",
                "Cảnh báo được soạn từ một hồ sơ hoặc một nhóm tin báo.",
            ));
        }
        let mut used: Vec<String> = Vec::new();
        let mut said = None;
        for g in &groups {
            used.push(crate::tips::group_label(&g.key));
            if said.is_none() {
                said = s
                    .tips_of_group(g.id)?
                    .into_iter()
                    .map(|t| t.text)
                    .find(|t| !t.trim().is_empty())
                    .map(|t| crate::screening::opening_words(&t, 300));
            }
        }
        if let Some(c) = &case {
            let reference = format!("case:{}", c.id);
            for i in s.indicators()? {
                if i.local && !i.revoked && i.case_ref.as_deref() == Some(reference.as_str()) {
                    let words = crate::tips::group_label(&format!(
                        "{}:{}",
                        match i.kind.as_str() {
                            "bank_account" => "account",
                            "url" | "domain" => "link",
                            k => k,
                        },
                        i.value
                    ));
                    if !used.contains(&words) {
                        used.push(words);
                    }
                }
            }
        }
        used.retain(|u| !u.starts_with("ảnh chụp") && !u.starts_with("nội dung"));
        Ok(Source {
            date: vn_date(
                case.as_ref()
                    .map(|c| c.opened_at.as_str())
                    .or(groups.first().map(|g| g.created_at.as_str()))
                    .unwrap_or_default(),
            ),
            category: case.as_ref().map_or(domain::Category::Scam, |c| c.category),
            title: case.map(|c| c.title),
            reports: groups.iter().map(|g| g.tips).sum(),
            said,
            used,
        })
    }

    /// A warning drafted from a case or a tip group in `shape` (`case` or `tactic`), masked
    /// and kept as a draft (audited).
    pub fn draft_warning(
        &self,
        actor: &Actor,
        shape: &str,
        case: Option<i64>,
        group: Option<i64>,
    ) -> Result<Warning, Error> {
        actor.require_province(Permission::Triage)?;
        if !SHAPES.contains(&shape) {
            return Err(Error::invalid("shape", "Kiểu cảnh báo: case hoặc tactic."));
        }
        let source = self.source(case, group)?;
        let Office {
            name: office,
            place,
            channels,
        } = self.office()?;
        let what = source.category.label_vi().to_lowercase();
        let (title, body) = if shape == "case" {
            let mut body = format!(
                "Ngày {}, {office} nhận được {} tin báo của người dân về một vụ {what} trên địa bàn {place}.",
                source.date,
                source.reports.max(1)
            );
            if let Some(said) = &source.said {
                body.push_str(&format!("\nTheo người báo tin: «{said}»."));
            }
            if !source.used.is_empty() {
                body.push_str(&format!("\nĐối tượng sử dụng {}.", source.used.join("; ")));
            }
            body.push_str(&format!(
                "\n{office} đề nghị người dân không liên lạc, không chuyển tiền theo các thông tin trên. Ai đã bị lừa hoặc nhận được cuộc gọi, tin nhắn tương tự, hãy báo ngay cho Công an xã hoặc gửi tin báo tại trang «Báo tin» của đơn vị."
            ));
            let title = match source.used.first() {
                Some(u) => format!("CẢNH BÁO: {} qua {u}", source.category.label_vi()),
                None => format!(
                    "CẢNH BÁO: {}",
                    source
                        .title
                        .as_deref()
                        .unwrap_or(source.category.label_vi())
                ),
            };
            (title, body)
        } else {
            let mut body =
                format!("Thời gian gần đây, trên địa bàn {place} xuất hiện thủ đoạn {what}");
            match &source.said {
                Some(said) => body.push_str(&format!(": «{said}».")),
                None => body.push('.'),
            }
            if !channels.is_empty() {
                body.push_str(&format!("\nKênh chính thức của {office}:"));
                for (name, url) in &channels {
                    body.push_str(&format!("\n- {name}: {url}"));
                }
            }
            body.push_str(
                "\nĐể không bị lừa, người dân cần:\
                 \n1. Không chuyển tiền, không cung cấp mã OTP, mật khẩu, số thẻ cho bất kỳ ai qua điện thoại, tin nhắn hay mạng xã hội.\
                 \n2. Không bấm vào đường dẫn lạ, không cài ứng dụng theo hướng dẫn của người lạ.\
                 \n3. Cơ quan nhà nước, công an không giải quyết công việc và không yêu cầu chuyển tiền qua điện thoại hay mạng xã hội.\
                 \n4. Khi nghi ngờ, kiểm tra lại qua kênh chính thức của đơn vị hoặc hỏi người thân.",
            );
            body.push_str("\nNơi báo tin: Công an xã nơi gần nhất, gọi 113, hoặc gửi tin báo tại trang «Báo tin» của đơn vị.");
            (
                format!(
                    "CẢNH BÁO THỦ ĐOẠN {}",
                    source.category.label_vi().to_uppercase()
                ),
                body,
            )
        };
        let keep: Vec<String> = channels.into_iter().map(|(_, u)| u).collect();
        let draft = Warning {
            id: 0,
            shape: shape.to_owned(),
            case_id: case,
            group_id: group,
            title: mask_public(&title, &keep),
            body: mask_public(&body, &keep),
            status: String::new(),
            drafted_by: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            approved_by: None,
            approved_at: None,
            published: None,
        };
        let id = self.store()?.add_warning(&actor.name, &draft)?;
        self.warning(actor, id)
    }

    /// A warning's words saved as the officer wrote them, masked ([`mask_public`]), and
    /// (`approve`) approved; refused when empty, too long, or already approved.
    pub fn save_warning(
        &self,
        actor: &Actor,
        id: i64,
        title: &str,
        body: &str,
        approve: bool,
    ) -> Result<Warning, Error> {
        actor.require_province(Permission::Triage)?;
        let (title, body) = (title.trim(), body.trim().replace("\r\n", "\n"));
        if title.is_empty() || body.is_empty() {
            return Err(Error::invalid(
                "body",
                "Cảnh báo cần có tiêu đề và nội dung.",
            ));
        }
        if title.chars().count() > MAX_TITLE || body.chars().count() > MAX_BODY {
            return Err(Error::invalid(
                "body",
                format!("Tiêu đề tối đa {MAX_TITLE} ký tự, nội dung tối đa {MAX_BODY} ký tự."),
            ));
        }
        let keep = self.office()?.links();
        Ok(self.store()?.save_warning(
            &actor.name,
            id,
            &mask_public(title, &keep),
            &mask_public(&body, &keep),
            approve,
        )?)
    }

    /// Every warning, newest first.
    pub fn warnings(&self, actor: &Actor) -> Result<Vec<Warning>, Error> {
        actor.require_province(Permission::Triage)?;
        Ok(self.store()?.warnings()?)
    }

    pub fn warning(&self, actor: &Actor, id: i64) -> Result<Warning, Error> {
        actor.require_province(Permission::Triage)?;
        self.store()?
            .warnings()?
            .into_iter()
            .find(|w| w.id == id)
            .ok_or_else(|| Error::not_found("cảnh báo", id))
    }

    /// Approved warnings, newest first, at most `n`: what the public tip page shows (no account).
    pub fn public_warnings(&self, n: usize) -> Result<Vec<Warning>, Error> {
        Ok(self
            .store()?
            .warnings()?
            .into_iter()
            .filter(|w| w.status == "approved")
            .take(n)
            .collect())
    }

    fn approved(&self, actor: &Actor, id: i64) -> Result<Warning, Error> {
        let w = self.warning(actor, id)?;
        if w.status != "approved" {
            return Err(Error::invalid(
                "status",
                format!("Cảnh báo #{id} chưa được duyệt: chỉ xuất cảnh báo đã duyệt."),
            ));
        }
        Ok(w)
    }

    /// An approved warning as text to post on Facebook or Zalo.
    pub fn warning_text(&self, actor: &Actor, id: i64) -> Result<String, Error> {
        let w = self.approved(actor, id)?;
        let office = self.office()?.name;
        Ok(format!(
            "{}\n\n{}\n\n— {office}, {}\n",
            w.title,
            w.body,
            vn_date(w.approved_at.as_deref().unwrap_or_default())
        ))
    }

    /// An approved warning as a PNG card (1080 px wide) to post where pictures travel better.
    pub fn warning_png(&self, actor: &Actor, id: i64) -> Result<Vec<u8>, Error> {
        let w = self.approved(actor, id)?;
        let office = self.office()?.name;
        let svg = card_svg(
            &w,
            &format!(
                "{office} · {}",
                vn_date(w.approved_at.as_deref().unwrap_or_default())
            ),
        );
        Ok(report::chart::png(&svg, 1.0)?.0)
    }

    /// The week's digest from `monday`: every warning approved in those seven days, as text.
    pub fn warning_digest(
        &self,
        actor: &Actor,
        monday: chrono::NaiveDate,
    ) -> Result<String, Error> {
        actor.require_province(Permission::Triage)?;
        let end = monday + chrono::Duration::days(7);
        let (from, to) = (
            monday.format("%Y-%m-%d").to_string(),
            end.format("%Y-%m-%d").to_string(),
        );
        let mut week: Vec<Warning> = self
            .store()?
            .warnings()?
            .into_iter()
            .filter(|w| {
                w.approved_at
                    .as_deref()
                    .is_some_and(|a| a >= from.as_str() && a < to.as_str())
            })
            .collect();
        week.reverse();
        let office = self.office()?.name;
        let mut out = format!(
            "BẢN TIN CẢNH BÁO TUẦN {} – {}\n{office}\n",
            monday.format("%d/%m"),
            (end - chrono::Duration::days(1)).format("%d/%m/%Y")
        );
        if week.is_empty() {
            out.push_str("\nTrong tuần không có cảnh báo mới.\n");
        }
        for (n, w) in week.iter().enumerate() {
            out.push_str(&format!("\n{}. {}\n{}\n", n + 1, w.title, w.body));
        }
        Ok(out)
    }
}

/// Lines of at most `width` characters, broken at spaces (a longer word is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let mut word = word.to_owned();
            while word.chars().count() > width {
                let cut: String = word.chars().take(width).collect();
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                lines.push(cut.clone());
                word = word.chars().skip(width).collect();
            }
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    lines
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The card: a red band, the title, the body (at most 30 lines, then "…"), the office and date.
fn card_svg(w: &Warning, footer: &str) -> String {
    // DejaVu first: Debian's first Liberation Sans (fonts-liberation 1.x) has no Vietnamese.
    const FONT: &str = "font-family=\"DejaVu Sans, Liberation Sans, sans-serif\"";
    let title = wrap(&w.title, 38);
    let mut body = wrap(&w.body, 52);
    if body.len() > 30 {
        body.truncate(29);
        body.push("… (xem đầy đủ trên trang của đơn vị)".to_owned());
    }
    let height = 140 + title.len() * 56 + 30 + body.len() * 44 + 120;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1080\" height=\"{height}\" viewBox=\"0 0 1080 {height}\">\
         <rect width=\"1080\" height=\"{height}\" fill=\"#fffdf7\"/>\
         <rect width=\"1080\" height=\"110\" fill=\"#b3261e\"/>\
         <text x=\"60\" y=\"74\" {FONT} font-size=\"48\" font-weight=\"bold\" fill=\"#ffffff\">⚠ CẢNH BÁO</text>"
    );
    let mut y = 140 + 44;
    for line in &title {
        svg.push_str(&format!(
            "<text x=\"60\" y=\"{y}\" {FONT} font-size=\"44\" font-weight=\"bold\" fill=\"#1d1b16\">{}</text>",
            xml(line)
        ));
        y += 56;
    }
    y += 30;
    for line in &body {
        svg.push_str(&format!(
            "<text x=\"60\" y=\"{y}\" {FONT} font-size=\"32\" fill=\"#1d1b16\">{}</text>",
            xml(line)
        ));
        y += 44;
    }
    svg.push_str(&format!(
        "<rect y=\"{}\" width=\"1080\" height=\"4\" fill=\"#b3261e\"/>\
         <text x=\"60\" y=\"{}\" {FONT} font-size=\"28\" fill=\"#49454f\">{}</text></svg>",
        height - 100,
        height - 44,
        xml(footer)
    ));
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_takes_numbers_names_and_links_and_leaves_places_and_money() {
        let keep = vec!["https://www.facebook.com/congan.thachquang".to_owned()];
        let masked = mask_public(
            "Bà Nguyễn Thị Hoa (xã Thạch Quảng, TP Hồ Chí Minh) bị gọi từ 0912.345.678, chuyển 15.000.000 đồng vào STK 0123456789012, CCCD 038095001234, thư hoa@gmail.com; trang giả https://congan-thachquang.top/nhan-tien; trang thật https://www.facebook.com/congan.thachquang. Số 113.",
            &keep,
        );
        assert_eq!(
            masked,
            "Bà N.T.H. (xã Thạch Quảng, TP Hồ Chí Minh) bị gọi từ 091***678, chuyển 15.000.000 đồng vào STK 012***012, CCCD 038***234, thư ***@gmail.com; trang giả congan-thachquang[.]top/nhan-tien; trang thật https://www.facebook.com/congan.thachquang. Số 113."
        );
        assert_eq!(
            mask_public("Anh LÊ VĂN BÌNH ở Thanh Hóa.", &[]),
            "Anh L.V.B. ở Thanh Hóa."
        );
        assert_eq!(
            mask_public("gọi 0356 111 222 ngay", &[]),
            "gọi 035***222 ngay"
        );
        assert_eq!(mask_public("mã 1234 5678 9012", &[]), "mã 123***012");
    }

    #[test]
    fn wrapping_keeps_every_word_within_the_width() {
        let lines = wrap("một hai ba bốn năm sáu bảy tám chín mười\nmột", 12);
        assert_eq!(
            lines,
            ["một hai ba", "bốn năm sáu", "bảy tám chín", "mười", "một"]
        );
    }

    fn app() -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(dir.path(), None).unwrap();
        app.store()
            .unwrap()
            .create_unit("t", "Đảng bộ xã Thạch Quảng", None, Some(15199))
            .unwrap();
        (dir, app)
    }

    /// A confirmed group opened into a case, from a reporter's words.
    fn confirmed(app: &App, phone: &str, text: &str) -> (i64, i64) {
        app.submit_tip(crate::tips::NewTip {
            phone: phone.into(),
            text: text.into(),
            sender: "a".into(),
            ..Default::default()
        })
        .unwrap();
        let group = app
            .tip_groups(&Actor::cli())
            .unwrap()
            .into_iter()
            .find(|g| g.answer.is_none())
            .unwrap()
            .id;
        let case = app
            .answer_tips(&Actor::cli(), group, "confirmed", "Lừa đảo.", true)
            .unwrap()
            .unwrap();
        (group, case)
    }

    #[test]
    fn a_warning_is_drafted_edited_approved_and_exported() {
        let (_dir, app) = app();
        let (group, case) = confirmed(
            &app,
            "0356 111 222",
            "Mẹ tôi là Trần Thị Mai bị gọi từ số 0356111222 bảo là công an, đòi chuyển tiền vào STK 0123456789012",
        );
        let actor = Actor::cli();
        let draft = app
            .draft_warning(&actor, "case", Some(case), Some(group))
            .unwrap();
        assert_eq!(draft.status, "draft");
        assert_eq!(draft.title, "CẢNH BÁO: Lừa đảo qua số điện thoại 035***222");
        assert!(
            draft
                .body
                .contains("trên địa bàn xã Thạch Quảng, Thanh Hóa"),
            "{}",
            draft.body
        );
        assert!(
            draft.body.contains("Mẹ tôi là T.T.M. bị gọi từ số 03***22"),
            "{}",
            draft.body
        );
        let tactic = app
            .draft_warning(&actor, "tactic", None, Some(group))
            .unwrap();
        assert!(
            tactic.body.contains("\n1. Không chuyển tiền"),
            "{}",
            tactic.body
        );
        assert!(
            app.draft_warning(&actor, "opinion", Some(case), None)
                .is_err()
        );
        assert!(app.draft_warning(&actor, "case", None, None).is_err());
        // Not exported before approval.
        assert!(app.warning_text(&actor, draft.id).is_err());
        // The officer's edit, raw numbers and a name typed in, comes back masked.
        let edited = app
            .save_warning(
                &actor,
                draft.id,
                &draft.title,
                &format!("{}\nNạn nhân: Trần Thị Mai, 0356.111.222.", draft.body),
                false,
            )
            .unwrap();
        assert!(
            edited.body.ends_with("Nạn nhân: T.T.M., 035***222."),
            "{}",
            edited.body
        );
        let approved = app
            .save_warning(&actor, draft.id, &edited.title, &edited.body, true)
            .unwrap();
        assert_eq!(approved.status, "approved");
        assert!(
            app.save_warning(&actor, draft.id, "x", "y", false).is_err(),
            "approved stays"
        );
        let text = app.warning_text(&actor, draft.id).unwrap();
        assert!(
            text.starts_with("CẢNH BÁO: Lừa đảo qua số điện thoại 035***222\n\nNgày "),
            "{text}"
        );
        assert!(text.contains("— Đảng bộ xã Thạch Quảng, "));
        let png = app.warning_png(&actor, draft.id).unwrap();
        let card = media::decode(&png).unwrap();
        assert_eq!(card.width(), 1080);
        assert!(card.height() > 500);
        // The week's digest has the approved one, not the draft.
        let monday = chrono::Utc::now().date_naive()
            - chrono::Duration::days(
                chrono::Datelike::weekday(&chrono::Utc::now().date_naive())
                    .num_days_from_monday()
                    .into(),
            );
        let digest = app.warning_digest(&actor, monday).unwrap();
        assert!(
            digest.contains("\n1. CẢNH BÁO: Lừa đảo qua số điện thoại 035***222\n"),
            "{digest}"
        );
        assert!(!digest.contains("THỦ ĐOẠN"), "{digest}");
        let empty = app
            .warning_digest(&actor, monday - chrono::Duration::days(7))
            .unwrap();
        assert!(
            empty.ends_with("Trong tuần không có cảnh báo mới.\n"),
            "{empty}"
        );
        let events: Vec<String> = app
            .store()
            .unwrap()
            .audit_events()
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .filter(|a| a.starts_with("warning."))
            .collect();
        assert_eq!(
            events,
            [
                "warning.draft",
                "warning.draft",
                "warning.edit",
                "warning.approve"
            ]
        );
    }

    const SURNAMES: &[&str] = &[
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
        "Hồ", "Ngô", "Dương", "Lý",
    ];
    const MIDDLE: &[&str] = &[
        "Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh", "Thanh", "Quốc", "Thu",
    ];
    const GIVEN: &[&str] = &[
        "Hoa", "Lan", "Hùng", "Dũng", "Bình", "An", "Tuấn", "Hương", "Mai", "Nam", "Sơn", "Hà",
        "Phúc",
    ];

    /// Digits of every run of digits (spaces, dots, dashes between them) in a text.
    fn digit_runs(text: &str) -> Vec<String> {
        let mut runs = Vec::new();
        let mut run = String::new();
        let chars: Vec<char> = text.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if c.is_ascii_digit() {
                run.push(*c);
            } else if matches!(c, ' ' | '.' | '-' | '+')
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            {
            } else if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
        }
        runs.push(run);
        runs
    }

    fn written(digits: &str, form: u8) -> String {
        match form % 4 {
            0 => digits.to_owned(),
            1 => format!("{}.{}.{}", &digits[..4], &digits[4..7], &digits[7..]),
            2 => format!("{} {} {}", &digits[..4], &digits[4..7], &digits[7..]),
            _ => format!("+84 {}", &digits[1..]),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 40, ..Default::default() })]

        /// No approved warning, of either shape, drafted from a case whose reporters wrote a
        /// victim's name, phone number, citizen ID and bank account — and edited by an officer
        /// who typed them in again — contains any of them.
        #[test]
        fn no_approved_warning_carries_personal_data(
            s in 0..SURNAMES.len(), m in 0..MIDDLE.len(), g in 0..GIVEN.len(),
            phone in "0[35789][0-9]{8}", id in "0[0-9]{11}", account in "[1-9][0-9]{8,13}",
            form in 0u8..4, caps in proptest::bool::ANY, shape in 0usize..2,
        ) {
            let (_dir, app) = app();
            let name = format!("{} {} {}", SURNAMES[s], MIDDLE[m], GIVEN[g]);
            let name = if caps { name.to_uppercase() } else { name };
            let said = format!(
                "Tôi là {name}, CCCD {id}, bị đối tượng gọi từ số {} bảo chuyển tiền vào STK {account}, mất 15 triệu đồng",
                written(&phone, form)
            );
            let (group, case) = confirmed(&app, &phone, &said);
            let actor = Actor::cli();
            let draft = app.draft_warning(&actor, SHAPES[shape], Some(case), Some(group)).unwrap();
            let typed = format!("{}\nNạn nhân {name} (CCCD: {id}; số {}; tài khoản {account}).", draft.body, written(&phone, form + 1));
            let approved = app.save_warning(&actor, draft.id, &format!("{} — {name}", draft.title), &typed, true).unwrap();
            let all = format!("{}\n{}", approved.title, approved.body);
            proptest::prop_assert!(!all.contains(&name), "{}", all);
            let runs = digit_runs(&all);
            for secret in [phone.clone(), format!("84{}", &phone[1..]), id.clone(), account.clone()] {
                proptest::prop_assert!(!runs.iter().any(|r| r.contains(&secret)), "{} in {}", secret, all);
            }
        }
    }
}
