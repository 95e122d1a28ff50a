//! The language switch: Vietnamese first, English on request. The choice is a cookie
//! (`sokenh_ngon_ngu`, set by `/ngon-ngu/en` or `/ngon-ngu/vi`); the message catalogue is keyed
//! by the Vietnamese text itself (gettext style), so a message missing from the English column
//! shows in Vietnamese rather than as a key. What is translated: the page shell (navigation,
//! titles, sign-out), the sign-in and error pages, and each page's heading; page bodies are
//! Vietnamese — the people who use sokenh work in Vietnamese, the switch is for visitors.

use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

pub const COOKIE: &str = "sokenh_ngon_ngu";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// From the request's cookie; Vietnamese when there is none.
    pub fn of(parts: &Parts) -> Lang {
        let en = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .any(|(k, v)| k == COOKIE && v == "en");
        if en { Lang::En } else { Lang::Vi }
    }
}

/// Vietnamese → English.
const EN: &[(&str, &str)] = &[
    ("Sổ kênh", "Channel register"),
    ("Kê khai của tôi", "My declarations"),
    ("Tổng quan", "Dashboard"),
    ("Sổ đăng ký", "Register"),
    ("Tìm bài đăng", "Search posts"),
    ("Cảnh báo", "Alerts"),
    ("Hồ sơ", "Cases"),
    ("Kiểm chứng", "Fact-checks"),
    ("Đôn đốc kê khai", "Declaration follow-up"),
    ("Nhật ký", "Audit log"),
    ("Quản trị", "Administration"),
    ("Đăng xuất", "Sign out"),
    ("Đăng nhập", "Sign in"),
    ("Tên đăng nhập", "Username"),
    ("Mật khẩu", "Password"),
    ("Lỗi", "Error"),
    ("Không có trang này.", "There is no such page."),
    (
        "Có lỗi khi xử lý yêu cầu. Hãy thử lại hoặc báo quản trị.",
        "Something went wrong. Try again or tell the administrator.",
    ),
    (
        "Tên đăng nhập hoặc mật khẩu không đúng.",
        "Wrong username or password.",
    ),
    (
        "Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.",
        "Too many failed sign-ins. Try again in 15 minutes.",
    ),
    ("Đổi mật khẩu", "Change password"),
    ("Kiểm chứng và bộ luật", "Fact-checks and rules"),
    ("Thêm trang, kênh, nhóm", "Add a page, channel or group"),
    ("Hàng đợi cảnh báo", "Alert queue"),
    ("Hồ sơ xử lý", "Cases"),
    (
        "Sổ đăng ký trang, kênh, hội, nhóm",
        "Register of pages, channels and groups",
    ),
    ("Nhật ký kiểm tra", "Audit log"),
    (
        "Người dùng, đơn vị, mã truy cập API",
        "Users, units and API tokens",
    ),
    (
        "Sổ kiểm chứng và bộ luật phát hiện",
        "Fact-check register and detection rules",
    ),
    ("Tổng quan tháng", "Dashboard for"),
    ("Sổ đăng ký theo nền tảng", "Register by platform"),
    ("Theo tình trạng", "By status"),
    (
        "Kê khai và cam kết theo đơn vị",
        "Declarations and commitments by unit",
    ),
    ("Cảnh báo chờ xử lý theo loại", "Open alerts by category"),
    ("Hồ sơ gần đây", "Recent cases"),
    (
        "Bài đăng có dấu hiệu trong tháng, theo loại",
        "Flagged posts this month, by category",
    ),
    (
        "trang, kênh, hội, nhóm trong sổ",
        "pages, channels and groups registered",
    ),
    ("trang, kênh chính thức", "official channels"),
    ("bài đăng công khai trong tháng", "public posts this month"),
    ("cảnh báo trong tháng", "alerts this month"),
    ("English", "English"),
    ("Tiếng Việt", "Tiếng Việt"),
];

/// The message in the language; Vietnamese when the catalogue has no English for it.
pub fn tr(lang: Lang, vi: &str) -> &str {
    match lang {
        Lang::Vi => vi,
        Lang::En => EN.iter().find(|(v, _)| *v == vi).map_or(vi, |(_, en)| en),
    }
}

/// `GET /ngon-ngu/{en|vi}`: remembers the choice for a year and goes to the start page.
pub async fn switch(axum::extract::Path(code): axum::extract::Path<String>) -> Response {
    let value = if code == "en" { "en" } else { "vi" };
    let mut r = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Strict; HttpOnly"
    )) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_where_the_catalogue_has_it_vietnamese_otherwise() {
        assert_eq!(tr(Lang::En, "Tổng quan"), "Dashboard");
        assert_eq!(tr(Lang::Vi, "Tổng quan"), "Tổng quan");
        assert_eq!(tr(Lang::En, "Chưa dịch"), "Chưa dịch");
    }

    #[test]
    fn every_entry_is_listed_once() {
        let mut keys: Vec<&str> = EN.iter().map(|(v, _)| *v).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
