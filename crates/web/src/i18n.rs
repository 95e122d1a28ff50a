//! The language switch: Vietnamese first, English on request. The choice is a cookie
//! (`sokenh_ngon_ngu`, set by `/ngon-ngu/en` or `/ngon-ngu/vi`); the message catalogue is keyed
//! by the Vietnamese text itself (gettext style), so a message missing from the English column
//! shows in Vietnamese rather than as a key. What is translated: the page shell (navigation,
//! titles, sign-out), sign-in, headings, table headers, form labels, choices and buttons. Still
//! Vietnamese: running text and messages (notes, explanations, the results of a form), and the
//! labels of the domain's vocabularies (platform, status, category names) — the catalogue is the
//! place to add them.

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
    ("Báo cáo", "Reports"),
    ("Phân tích", "Analytics"),
    ("Rà soát trang giả mạo", "Impostor review"),
    ("Bài đăng theo ngày", "Posts by day"),
    ("Đột biến", "Spikes"),
    ("Dự báo 7 ngày tới", "Next 7 days forecast"),
    (
        "Chủ đề nổi lên so với kỳ trước",
        "Topics rising against the previous period",
    ),
    ("Theo nền tảng", "By platform"),
    ("Bài có dấu hiệu theo loại", "Flagged posts by category"),
    ("Nội dung lan rộng", "Spreading content"),
    ("Tất cả đơn vị", "All units"),
    ("Trang nghi giả mạo", "Suspected page"),
    ("Trang của đơn vị ta", "Our unit's page"),
    (
        "trang của đơn vị ta, không phải kênh chính thức",
        "our unit's page, not an official channel",
    ),
    ("Đánh dấu giả mạo", "Mark as impostor"),
    ("Giả mạo và mở hồ sơ", "Impostor, open a case"),
    ("Không phải giả mạo", "Not an impostor"),
    (
        "Ảnh đại diện (chỉ giữ mã PDQ)",
        "Avatar (only its PDQ hash is kept)",
    ),
    ("Tải ảnh lên", "Upload the picture"),
    ("Báo cáo định kỳ", "Periodic report"),
    (
        "Kỳ báo cáo (2026-11, 2026-Q4 hoặc 2026)",
        "Period (2026-11, 2026-Q4 or 2026)",
    ),
    ("Xem", "Show"),
    ("Số liệu", "Figure"),
    ("Giá trị", "Value"),
    ("Bài đăng công khai", "Public posts"),
    ("Bài có dấu hiệu vi phạm", "Flagged posts"),
    (
        "Trang, kênh, nhóm trong sổ",
        "Pages, channels and groups registered",
    ),
    ("Kênh chính thức", "Official channels"),
    ("Trang giả mạo", "Impostor pages"),
    ("Kiểm tra ảnh", "Media check"),
    ("Bài mới đã lưu", "New posts stored"),
    ("Các lần tải lên gần đây", "Recent uploads"),
    ("Dòng bị từ chối", "Lines rejected"),
    ("Dấu hiệu phát hiện", "Signals found"),
    ("Trang mới vào sổ", "New pages registered"),
    ("Trùng (đã có)", "Duplicates (already stored)"),
    ("Tải lên tệp bài đăng", "Upload a file of posts"),
    ("Tải lên và đọc", "Upload and read"),
    (
        "Tệp xuất dữ liệu: JSONL, CSV, result.json của Telegram, tệp «Tải thông tin của bạn» của Facebook, JSON của YouTube API (tối đa 512 MB). Bài đăng được lưu, lập chỉ mục và rà soát như lệnh sokenh ingest; trang theo dõi cho biết tiến độ.",
        "Export files: JSONL, CSV, Telegram's result.json, Facebook's \"Download your information\", YouTube API JSON (up to 512 MB). Posts are stored, indexed and screened as by sokenh ingest; the job's page shows the progress.",
    ),
    ("Đã lập chỉ mục", "Indexed"),
    ("Đã đọc", "Read"),
    ("← Tải lên tệp khác", "← Upload another file"),
    ("Tải lên tệp", "Upload files"),
    (
        "đã đọc chữ trong ảnh, rà soát cùng nội dung",
        "its text read and screened with the post",
    ),
    ("Ghi nhận bài đăng", "Capture a post"),
    (
        "Dán đường dẫn bài đăng đã thấy trên Facebook, Zalo, TikTok, YouTube hoặc Telegram, kèm nội dung và/hoặc ảnh chụp màn hình. Bài đăng được lưu dưới trang của nó (trang chưa có sẽ vào sổ với trạng thái chưa rõ), ảnh chụp được giữ làm chứng cứ và rà soát ngay.",
        "Paste the link of a post seen on Facebook, Zalo, TikTok, YouTube or Telegram, with its text and/or screenshots. The post is stored under its page (a page not yet registered goes in with status unknown), screenshots are kept as evidence, and it is screened at once.",
    ),
    ("Ghi nhận và rà soát", "Capture and screen"),
    (
        "Không phát hiện dấu hiệu nào trong nội dung này.",
        "No signal found in this content.",
    ),
    ("Kết quả rà soát", "Screening result"),
    ("Lập hoặc bổ sung hồ sơ", "Open or add to a case"),
    ("Lập hồ sơ mới", "New case"),
    ("Nội dung bài đăng", "The post's text"),
    (
        "Tiêu đề hồ sơ mới (để trống: theo cảnh báo)",
        "New case's title (empty: from the alert)",
    ),
    (
        "Trang này chưa có trong sổ: đã thêm với trạng thái chưa rõ, cần phân loại.",
        "This page was not registered: added with status unknown, to be classified.",
    ),
    ("Đã ghi nhận bài đăng", "Post captured"),
    ("Đưa vào hồ sơ", "Into a case"),
    ("Đường dẫn bài đăng", "The post's link"),
    (
        "Đường dẫn trang, kênh (khi đường dẫn bài không cho biết, như video YouTube)",
        "The page's or channel's link (when the post's link does not say, as for a YouTube video)",
    ),
    (
        "Ảnh chụp màn hình (tối đa 5 ảnh, mỗi ảnh 10 MB)",
        "Screenshots (up to 5, 10 MB each)",
    ),
    (
        "Ảnh chụp đã lưu làm chứng cứ",
        "Screenshots kept as evidence",
    ),
    ("← Ghi nhận bài khác", "← Capture another post"),
    (
        "Chỉ cảnh báo về bài trên trang",
        "Only alerts about posts on the page",
    ),
    ("bỏ lọc theo trang", "every page"),
    ("Các cảnh báo của trang này", "This page's alerts"),
    ("Kiểm tra", "Check"),
    (
        "Ảnh (PNG, JPEG, WebP, GIF; tối đa 10 MB)",
        "Picture (PNG, JPEG, WebP, GIF; up to 10 MB)",
    ),
    (
        "Giống ảnh đại diện của trang trong sổ",
        "Like the avatar of a registered page",
    ),
    ("Trang", "Page"),
    ("Khác biệt", "Apart"),
    ("Nguồn gốc", "Provenance"),
    ("Chữ trong ảnh", "Text in the picture"),
    (
        "Trùng ảnh trong sổ kiểm chứng",
        "Pictures in the fact-check register",
    ),
    ("chất lượng", "quality"),
    ("Sự kiện nhật ký", "Audit events"),
    ("Tải DOCX", "Download DOCX"),
    ("Tải XLSX (phụ lục)", "Download XLSX (appendix)"),
    ("Tải PDF", "Download PDF"),
    ("Duyệt báo cáo kỳ này", "Approve this period's report"),
    ("Báo cáo đã lập và đã duyệt", "Reports made and approved"),
    ("Chưa có báo cáo nào.", "No report yet."),
    ("Kỳ", "Period"),
    ("Định dạng", "Format"),
    ("Neo nhật ký", "Audit anchor"),
    ("Duyệt", "Approved"),
    ("Lập", "Made"),
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
        "Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng.",
        "Wrong username, password or code.",
    ),
    (
        "Mã xác thực (khi đã bật xác thực hai bước)",
        "Code (when two-step verification is on)",
    ),
    ("Xác thực hai bước", "Two-step verification"),
    (
        "Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên.",
        "This account is disabled. Ask the administrator.",
    ),
    ("Đã khóa", "Disabled"),
    ("Mở khóa", "Enable"),
    ("Khóa", "Disable"),
    ("Đang dùng", "In use"),
    ("Đổi vai trò", "Change role"),
    ("Vai trò mới", "New role"),
    ("Lý do (lưu vào nhật ký)", "Reason (kept in the audit log)"),
    ("Hết hạn", "Expires"),
    ("Hạn xử lý", "Due"),
    ("Quá hạn", "Overdue"),
    ("Đã gộp vào", "Merged into"),
    ("Hồ sơ đã gộp vào đây", "Cases merged into this one"),
    ("Tách ra như trước", "Take out again"),
    (
        "Gộp hồ sơ khác vào hồ sơ này",
        "Merge another case into this one",
    ),
    ("Gộp", "Merge"),
    ("Hồ sơ quá hạn", "Overdue cases"),
    (
        "Có hồ sơ giao cho bạn đã quá hạn xử lý.",
        "A case assigned to you is overdue.",
    ),
    ("Thư viện văn bản", "Rules library"),
    ("Tin báo của người dân", "Citizens' tips"),
    ("Việc nền của máy chủ", "Servers' background work"),
    (
        "Mỗi việc do một máy chủ nhận và chạy; việc lỗi được chạy lại sau 1, 2, 4, 8 phút, tối đa 5 lần; máy chủ dừng giữa chừng thì máy khác nhận lại sau 30 phút.",
        "Each job is claimed and run by one server; a failed job runs again after 1, 2, 4, 8 minutes, at most 5 times; a job whose server stopped is claimed by another after 30 minutes.",
    ),
    ("Chờ chạy", "Queued"),
    ("Lập trong nền", "Make in the background"),
    (
        "Lập trong nền: máy chủ lập báo cáo như một việc nền và giữ tệp; tệp có trong danh sách bên dưới khi xong. Báo cáo của tháng vừa qua được lập như vậy vào đầu tháng sau.",
        "In the background: the servers make the report as a job and keep the file; it appears in the list below when done. Last month's report is made so at the start of the next.",
    ),
    ("Báo cáo đang lập", "Reports being made"),
    ("cho", "for"),
    ("Tải", "Download"),
    ("Đang chạy", "Running"),
    ("Xong", "Done"),
    ("Thất bại", "Failed"),
    ("Lần thử", "Attempts"),
    ("Chạy lúc", "Runs at"),
    ("Máy chủ", "Server"),
    ("Loại việc", "Job"),
    ("Kéo kênh chính thức", "Pull of an official channel"),
    ("Theo dõi sổ đăng ký", "Watch on the register"),
    ("Trao đổi dấu hiệu", "Exchange of indicators"),
    ("Trả lời tin báo qua chat", "Answers owed in chats"),
    ("Xóa liên hệ quá hạn", "Purge of expired contacts"),
    (
        "Xóa dữ liệu quá hạn lưu giữ",
        "Purge of data past its retention",
    ),
    ("Thời hạn lưu giữ dữ liệu", "Data retention"),
    ("Toàn tỉnh theo xã, phường", "The province by commune"),
    (
        "Cơ sở dữ liệu này là của một xã: chưa có xã, phường nào khác để tổng hợp. Khi các xã được chuyển vào cơ sở dữ liệu của tỉnh (sokenh migrate), trang này tổng hợp từng xã.",
        "This database is one commune's: there is no other commune to sum up. Once the communes are moved into the province's database (sokenh migrate), this page sums up each.",
    ),
    (
        "Chỉ có số đếm, không có thông tin về từng người. Bài đăng: 30 ngày qua.",
        "Counts only, nothing about any person. Posts: the last 30 days.",
    ),
    ("Xã, phường", "Commune"),
    ("Cán bộ", "Members"),
    ("Bài đăng", "Posts"),
    ("Hồ sơ đang xử lý", "Open cases"),
    ("Cả tỉnh", "The province"),
    (
        "Hằng ngày máy chủ xóa dữ liệu quá hạn, từng đợt, mỗi đợt ghi vào nhật ký với số lượng; bài đăng của trang thuộc hồ sơ vụ việc, hoặc nằm sau cảnh báo đã vào hồ sơ, được giữ lại. Để trống là giữ mãi.",
        "Every day the servers purge what is past its retention, in batches, each recorded in the audit log with its counts; posts of a page a case is about, or behind an alert a case holds, are kept. Empty means kept for ever.",
    ),
    (
        "Bài đăng của các trang không thuộc hồ sơ vụ việc nào",
        "posts of pages in no case",
    ),
    (
        "Nhật ký kiểm toán cũ (để lại một mốc giữ chuỗi kiểm chứng được)",
        "the audit log's oldest events (behind a checkpoint that keeps the chain verifiable)",
    ),
    (
        "Nhật ký kiểm toán giữ ít nhất 24 tháng, và không xóa từ lúc mở một hồ sơ còn đang xử lý.",
        "The audit log is kept at least 24 months, and nothing from the opening of a case still being handled is purged.",
    ),
    ("số tháng giữ lại", "months kept"),
    ("Đặt bởi", "Set by"),
    ("Chưa đặt: giữ mãi.", "Not set: kept for ever."),
    ("Lưu thời hạn", "Save"),
    ("Xóa dữ liệu quá hạn ngay", "Purge now"),
    ("Khác", "Other"),
    (
        "Bình luận của người dân theo ngày",
        "The public's comments by day",
    ),
    (
        "Phản hồi trên kênh chính thức",
        "Feedback on the official channels",
    ),
    ("Dừng nguồn", "Stop the source"),
    ("Đã dừng", "Stopped"),
    ("Kiểm tra định kỳ", "Periodic checks"),
    ("trang đến hạn kiểm tra.", "pages due for a check."),
    ("Lần kiểm tra trước", "Last check"),
    ("chưa có", "none"),
    ("Như cũ", "As before"),
    ("Đổi tên", "Renamed"),
    ("Thay đổi khác", "Changed otherwise"),
    ("Không còn", "Gone"),
    ("Tên đang hiện (nếu đổi)", "Name shown (if changed)"),
    ("Số thành viên, người theo dõi", "Members, followers"),
    ("Điều đã thấy", "What you saw"),
    ("Ảnh chụp màn hình", "Screenshot"),
    ("Ghi kết quả kiểm tra", "Record the check"),
    (
        "Đã đăng lên kênh chính thức",
        "Published on the official channel",
    ),
    ("Đăng lên", "Publish on"),
    (
        "Phản hồi trên kênh chính thức, 30 ngày qua",
        "Feedback on the official channels, last 30 days",
    ),
    ("bình luận của người dân", "comments by the public"),
    ("được kênh trả lời", "answered by the channel"),
    ("Bài được bàn nhiều", "Most discussed posts"),
    ("Bình luận", "Comments"),
    ("Nguồn từ kênh chính thức", "Sources: official channels"),
    ("Kênh", "Channel"),
    ("Mã truy cập", "Access token"),
    ("Lần kéo cuối", "Last pull"),
    ("Đơn vị API hôm nay", "API units today"),
    ("Kéo ngay", "Pull now"),
    ("Chưa có nguồn nào.", "No sources yet."),
    ("Thêm nguồn", "Add a source"),
    (
        "Đường dẫn kênh chính thức (trong sổ đăng ký)",
        "The official channel's link (in the register)",
    ),
    ("Kéo mỗi (giây)", "Pull every (seconds)"),
    ("Cảnh báo cho người dân", "Warnings for the public"),
    ("Bản tin cảnh báo tuần này", "This week's warning digest"),
    ("Hồ sơ số", "Case number"),
    ("Kiểu cảnh báo", "Kind of warning"),
    ("Theo vụ việc", "Case-led"),
    ("Theo thủ đoạn", "Tactic-led"),
    ("Soạn cảnh báo", "Draft a warning"),
    ("Kiểu", "Kind"),
    ("Đã duyệt", "Approved"),
    ("Bản nháp", "Draft"),
    ("Chưa có cảnh báo nào.", "No warnings yet."),
    (
        "Tải văn bản (Facebook, Zalo)",
        "Download the text (Facebook, Zalo)",
    ),
    (
        "Tải ảnh thẻ cảnh báo (PNG)",
        "Download the warning card (PNG)",
    ),
    ("Lưu bản nháp", "Save the draft"),
    ("Duyệt cảnh báo", "Approve the warning"),
    (
        "Soạn cảnh báo cho người dân",
        "Draft a warning for the public",
    ),
    (
        "Lập hồ sơ vụ việc (khi là lừa đảo)",
        "Open a case (when it is a scam)",
    ),
    (
        "Ảnh chụp màn hình người dân gửi",
        "A screenshot a citizen sent",
    ),
    ("Người dân viết", "What they wrote"),
    ("Số tin", "Tips"),
    ("Số người gửi", "Senders"),
    ("Chưa có tin báo.", "No tips yet."),
    ("Chia sẻ chỉ báo", "Shared indicators"),
    ("Chỉ báo", "Indicators"),
    ("Của đơn vị", "Ours"),
    ("Nhận được", "Received"),
    ("Đang hiệu lực", "In force"),
    ("Đã thu hồi", "Revoked"),
    ("Nhận từ", "Received from"),
    ("Đơn vị công bố", "Published by"),
    ("Nơi đã gặp", "Where they were seen"),
    ("Số đơn vị đã gặp", "Offices that saw it"),
    ("Đơn vị (số bài)", "Offices (posts)"),
    ("Đối tác trao đổi", "Exchange partners"),
    ("Đối tác", "Partner"),
    ("Địa chỉ TAXII", "TAXII address"),
    ("Mã cấp cho đối tác", "Their token may"),
    ("Lần lấy cuối", "Last pull"),
    ("Lần gửi cuối", "Last push"),
    ("Đã lấy / đã gửi", "Pulled / pushed"),
    (
        "Trao đổi ngay (lấy rồi gửi)",
        "Exchange now (pull, then push)",
    ),
    ("Chưa có chỉ báo nào.", "No indicators yet."),
    ("Đánh giá năm", "Year-end evaluation"),
    ("Tiêu chí", "Criterion"),
    ("Tối đa", "Maximum"),
    ("Đề xuất", "Proposed"),
    ("Điểm", "Points"),
    ("Điều chỉnh", "Adjust"),
    ("Tải XLSX", "Download XLSX"),
    ("Điểm đề xuất", "Proposed points"),
    ("Ký lại cam kết theo đơn vị", "Re-signing by unit"),
    ("Thêm phiên bản văn bản", "Add a version of a document"),
    ("Lưu văn bản", "Keep the document"),
    ("Hiệu lực từ", "In effect from"),
    (
        "Hiệu lực (ngày, tối đa 730)",
        "Valid for (days, at most 730)",
    ),
    (
        "Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.",
        "Too many failed sign-ins. Try again in 15 minutes.",
    ),
    (
        "Phiên của trang đăng nhập đã hết. Hãy đăng nhập lại.",
        "The sign-in page had expired. Please sign in again.",
    ),
    ("Đổi mật khẩu", "Change password"),
    (
        "Tài khoản cá nhân khai là của mình",
        "Personal accounts members declared as their own",
    ),
    ("Tài khoản", "Account"),
    ("Báo nhầm đã ghi nhận", "Known false matches"),
    ("Xác nhận", "Confirm"),
    ("Từ chối", "Reject"),
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
    (
        "Mật khẩu mới (ít nhất 12 ký tự)",
        "New password (at least 12 characters)",
    ),
    ("Nhập lại", "Repeat it"),
    ("Nền tảng", "Platform"),
    ("Số lượng", "Count"),
    ("Tình trạng", "Status"),
    ("Đơn vị", "Unit"),
    ("Số người", "People"),
    ("Đã kê khai", "Declared"),
    ("Đã ký cam kết", "Signed the commitment"),
    ("Loại", "Category"),
    ("Số cảnh báo", "Alerts"),
    ("Số bài", "Posts"),
    ("Tìm", "Search"),
    ("Tất cả", "All"),
    (
        "Nhập từ bảng tính (.xlsx, .ods, .csv)",
        "Import a spreadsheet (.xlsx, .ods, .csv)",
    ),
    ("Xuất Excel", "Export to Excel"),
    ("Tên", "Name"),
    ("Phân loại", "Classification"),
    ("Thành viên", "Members"),
    ("Lúc", "When"),
    ("Người", "Who"),
    ("Việc", "Action"),
    ("Đối tượng", "Object"),
    (
        "Trang, kênh, hội, nhóm tôi quản trị hoặc tham gia",
        "Pages, channels and groups I run or belong to",
    ),
    ("Đường dẫn", "Link"),
    ("Vai trò", "Role"),
    ("Cam kết", "Commitment"),
    ("Trạng thái", "Status"),
    ("Chưa xử lý", "Open"),
    ("Đã bỏ qua", "Dismissed"),
    ("Đã lập hồ sơ", "In a case"),
    (
        "Đưa các cảnh báo đã chọn vào",
        "Put the checked alerts into",
    ),
    ("Hồ sơ mới", "A new case"),
    (
        "Tiêu đề hồ sơ mới (để trống: theo cảnh báo đầu)",
        "New case title (empty: from the first alert)",
    ),
    ("Chọn", "Pick"),
    ("Mức", "Severity"),
    ("Nội dung", "Finding"),
    ("Bài", "Posts"),
    ("Thời gian", "Time"),
    ("Quyết định", "Decision"),
    ("Quay lại sổ đăng ký", "Back to the register"),
    (
        "Dòng bị từ chối (không ghi vào sổ)",
        "Rows refused (not written)",
    ),
    ("Dòng", "Row"),
    ("Cột", "Column"),
    ("Lý do", "Reason"),
    ("Xem sổ đăng ký", "Open the register"),
    ("Thông báo từ hồ sơ xử lý", "Notices from cases"),
    ("Họ tên", "Full name"),
    ("Kê khai", "Declare"),
    ("Từ khóa", "Words"),
    ("Từ ngày", "Since"),
    ("Đến ngày", "Until"),
    ("Chưa đóng", "Not closed"),
    ("Số", "No."),
    ("Tiêu đề", "Title"),
    ("Người xử lý", "Assignee"),
    ("Cập nhật", "Updated"),
    ("← Danh sách hồ sơ", "← All cases"),
    ("Trang, kênh, nhóm", "Page, channel or group"),
    ("Mở bởi", "Opened by"),
    ("Kết quả", "Outcome"),
    ("Tách", "Split"),
    ("Căn cứ", "Grounds"),
    ("Bài đăng và căn cứ", "Posts and grounds"),
    ("Tệp", "File"),
    ("Dung lượng", "Size"),
    ("Người thêm", "Added by"),
    (
        "Thêm chứng cứ (ảnh chụp màn hình, PDF, video, tối đa 25 MB)",
        "Add evidence (screenshot, PDF, video; at most 25 MB)",
    ),
    ("Xử lý", "Actions"),
    ("Giao cho", "Assign to"),
    ("— Chưa giao —", "— nobody —"),
    ("Biện pháp", "Measure"),
    (
        "Đơn vị được thông báo (khi thông báo đơn vị)",
        "Unit to notify (for «notify the unit»)",
    ),
    ("Ghi chú", "Note"),
    ("Kết quả xử lý", "Outcome"),
    ("hàng đợi cảnh báo", "the alert queue"),
    ("Diễn biến", "Timeline"),
    ("← Hàng đợi cảnh báo", "← Alert queue"),
    ("Tiêu đề hồ sơ", "Case title"),
    ("Lý do bỏ qua", "Why dismiss"),
    ("← Sổ đăng ký", "← Register"),
    (
        "Sửa, phân loại, đánh dấu kênh chính thức",
        "Edit, classify, mark as official",
    ),
    ("Lịch sử tên", "Name history"),
    ("Thời điểm", "When"),
    ("Tên cũ", "Old name"),
    ("Tên mới", "New name"),
    ("Số thành viên theo thời gian", "Members over time"),
    ("Chức vụ", "Position"),
    ("Nguồn", "Source"),
    (
        "Dấu hiệu trên bài đăng (mới nhất)",
        "Signals on its posts (newest)",
    ),
    (
        "Đường dẫn (để trống nếu nhóm không có đường dẫn công khai)",
        "Link (empty for a group with no public link)",
    ),
    (
        "Nền tảng (khi không có đường dẫn)",
        "Platform (when there is no link)",
    ),
    ("Đơn vị quản lý", "Managing unit"),
    (
        "Kênh chính thức của đơn vị (khi phân loại là chính thức)",
        "Official channel of (when classified official)",
    ),
    ("Số thành viên", "Members"),
    (
        "Nhập sổ kiểm chứng (CSV hoặc ClaimReview JSON)",
        "Import the fact-check register (CSV or ClaimReview JSON)",
    ),
    ("Mã", "Id"),
    ("Nội dung đã kiểm chứng", "Checked claim"),
    ("Kết luận", "Verdict"),
    ("Thông tin đúng", "Correction"),
    ("Ngày", "Date"),
    (
        "Nhập bộ luật của đơn vị (.toml)",
        "Import the office's rule pack (.toml)",
    ),
    ("Luật", "Rule"),
    ("Phiên bản", "Version"),
    ("Trọng số", "Weight"),
    ("Chế độ", "Mode"),
    ("Đặt lại mật khẩu", "Reset password"),
    ("Tạo tài khoản", "Create account"),
    (
        "Đơn vị (bắt buộc với quản trị đơn vị)",
        "Unit (required for a unit admin)",
    ),
    (
        "Số bài đăng, kênh chính thức, cảnh báo trong tháng và bài có dấu hiệu dưới đây là của cả tỉnh; sổ đăng ký, kê khai, cảnh báo chờ xử lý và hồ sơ là của xã, phường.",
        "The month's posts, official channels, alerts and flagged posts below are the whole province's; the register, declarations, waiting alerts and cases are the commune's.",
    ),
    ("Theo từng xã, phường:", "By commune:"),
    (
        "trang Toàn tỉnh (lãnh đạo, công an, kiểm tra)",
        "the province's overview (leaders, officers, inspectors)",
    ),
    (
        "Ở cơ sở dữ liệu của tỉnh: tài khoản lãnh đạo, công an, phân tích, kiểm tra gắn với một đơn vị của xã, phường chỉ thấy xã, phường đó; không gắn đơn vị thì thấy cả tỉnh.",
        "In a province database: a leader's, officer's, analyst's or inspector's account placed in a unit of a commune sees that commune only; with no unit, the whole province.",
    ),
    (
        "Mật khẩu tạm (ít nhất 12 ký tự; phải đổi khi đăng nhập lần đầu)",
        "Temporary password (at least 12 characters; changed at first sign-in)",
    ),
    ("Trực thuộc", "Under"),
    ("Mã xã, phường (GSO)", "Ward code (GSO)"),
    ("Thêm đơn vị", "Add unit"),
    ("Tên đơn vị", "Unit name"),
    ("Tạo bởi", "Created by"),
    ("Tạo mã truy cập API", "Create an API token"),
    ("Dùng cho", "For"),
    ("Lọc", "Filter"),
    ("Tải lên", "Upload"),
    ("Lưu", "Save"),
    ("Nhập", "Import"),
    ("Bỏ qua", "Dismiss"),
    ("Lập hồ sơ", "Open a case"),
    ("Giao", "Assign"),
    ("Ghi nhận", "Record"),
    ("Đóng hồ sơ", "Close the case"),
    ("Mở lại hồ sơ", "Reopen the case"),
    (
        "Tạo công văn đề nghị gỡ bỏ (DOCX)",
        "Takedown request letter (DOCX)",
    ),
    (
        "Tách các cảnh báo đã chọn sang hồ sơ mới",
        "Move the checked alerts to a new case",
    ),
    ("Thêm vào sổ", "Add to the register"),
    ("Tạo mã", "Create token"),
    ("Đặt lại", "Reset"),
    ("Thu hồi", "Revoke"),
    ("Xem thêm kết quả", "More results"),
    ("Nhắc nhở", "Remind"),
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
