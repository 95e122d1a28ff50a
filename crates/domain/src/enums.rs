//! The closed sets of the register (platform, kind, classification, status, participation role
//! and source), each with its stable English identifier, its Vietnamese label, and a parser that
//! accepts what offices write in their sheets ("FB", "Trang", "chính thức", "giả mạo").

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $id:literal, $label:literal, [$($word:literal),*];)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// The stable English identifier (stored, and printed by `--json`).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id,)+ }
            }
            /// The Vietnamese label the UI and exports show.
            pub fn label_vi(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
            /// Reads an identifier, a Vietnamese label or a common word for it, with or without
            /// diacritics, in any case.
            pub fn parse_word(s: &str) -> Option<$name> {
                let f = text::fold(s);
                if f.is_empty() { return None; }
                $(
                    if f == $id.replace('_', " ") || f == text::fold($label) $(|| f == $word)* {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $name::parse_word(s).ok_or_else(|| format!("giá trị không hợp lệ «{s}» / unknown {}", stringify!($name)))
            }
        }
    };
}

vocabulary! {
    /// Where a community lives.
    Platform {
        Facebook = "facebook", "Facebook", ["fb", "face", "facebook com", "fanpage"];
        Zalo = "zalo", "Zalo", ["zalo group", "zl"];
        Youtube = "youtube", "YouTube", ["yt", "you tube", "youtube com"];
        Tiktok = "tiktok", "TikTok", ["tik tok", "tt"];
        Telegram = "telegram", "Telegram", ["tele", "tg"];
        Website = "website", "Trang web", ["web", "trang thong tin dien tu", "cong thong tin", "cong thong tin dien tu", "site", "blog"];
        Other = "other", "Khác", ["khac"];
    }
}

vocabulary! {
    /// What kind of community it is.
    Kind {
        Page = "page", "Trang", ["fanpage", "trang facebook"];
        Channel = "channel", "Kênh", ["kenh youtube", "kenh tiktok", "kenh telegram"];
        Group = "group", "Nhóm", ["hoi", "hoi nhom", "nhom zalo", "nhom facebook", "group chat", "cong dong"];
        Account = "account", "Tài khoản", ["tai khoan ca nhan", "trang ca nhan", "profile", "official account", "oa"];
        Site = "site", "Trang thông tin điện tử", ["website", "web", "trang web", "cong thong tin"];
    }
}

vocabulary! {
    /// What the community is to the office.
    Classification {
        Official = "official", "Chính thức của đơn vị", ["chinh thuc", "chinh thong", "official"];
        Press = "press", "Báo chí", ["bao", "bao chi", "co quan bao chi"];
        Community = "community", "Cộng đồng", ["cong dong", "dan cu", "nguoi dan"];
        Commercial = "commercial", "Thương mại", ["kinh doanh", "ban hang", "thuong mai"];
        Unknown = "unknown", "Chưa phân loại", ["chua ro", "khong ro", "chua xac dinh"];
    }
}

vocabulary! {
    /// Where the office stands with the community.
    Status {
        Verified = "verified", "Đã xác minh", ["chinh thuc", "da xac minh", "xac minh", "binh thuong", "hoat dong"];
        Watch = "watch", "Theo dõi", ["theo doi", "can theo doi"];
        Suspicious = "suspicious", "Nghi vấn", ["nghi van", "dang nghi", "nghi ngo"];
        Impersonating = "impersonating", "Giả mạo", ["gia mao", "mao danh", "trang gia"];
        Reported = "reported", "Đã báo cáo nền tảng", ["da bao cao", "da report", "bao cao"];
        Removed = "removed", "Đã gỡ bỏ", ["da go", "go bo", "da xoa", "ngung hoat dong", "khong con hoat dong"];
        Unknown = "unknown", "Chưa xác định", ["chua ro", "khong ro", "chua xac dinh", "moi"];
    }
}

vocabulary! {
    /// What a user of the web application may do (DESIGN.md, "Users and roles").
    Role {
        Admin = "admin", "Quản trị hệ thống", ["quan tri", "administrator"];
        Leader = "leader", "Ban Thường vụ", ["lanh dao", "thuong vu"];
        Officer = "officer", "Công an xã", ["can bo cong an", "cong an"];
        Analyst = "analyst", "Ban Xây dựng Đảng", ["phan tich", "xay dung dang"];
        Inspector = "inspector", "Ủy ban Kiểm tra", ["kiem tra"];
        UnitAdmin = "unit_admin", "Quản trị đơn vị", ["quan tri don vi", "truong don vi"];
        Member = "member", "Cán bộ, đảng viên", ["dang vien", "can bo", "thanh vien"];
    }
}

impl Role {
    /// Sees every unit (the others see their unit's subtree, or only themselves).
    pub fn sees_all_units(self) -> bool {
        matches!(
            self,
            Role::Admin | Role::Leader | Role::Officer | Role::Inspector
        )
    }
}

vocabulary! {
    /// A member's role in a community.
    ParticipationRole {
        Owner = "owner", "Chủ sở hữu", ["chu", "chu trang", "nguoi lap", "so huu"];
        Admin = "admin", "Quản trị viên", ["quan tri", "qtv", "administrator"];
        Moderator = "moderator", "Kiểm duyệt viên", ["kiem duyet", "mod"];
        Member = "member", "Thành viên", ["thanh vien", "tham gia"];
        Follower = "follower", "Người theo dõi", ["theo doi", "follow"];
    }
}

vocabulary! {
    /// Who recorded a participation.
    ParticipationSource {
        SelfDeclared = "self_declared", "Tự kê khai", ["tu khai", "ca nhan ke khai"];
        DeclaredByUnit = "declared_by_unit", "Đơn vị kê khai", ["don vi khai"];
        Discovered = "discovered", "Phát hiện", ["phat hien qua ra soat"];
    }
}

vocabulary! {
    /// The detection taxonomy (DESIGN.md). Fixed: extend only by a documented decision. There is
    /// no political-opinion category, and none may be added.
    Category {
        Scam = "scam", "Lừa đảo", ["lua dao", "gian lan", "fraud", "phishing"];
        Impersonation = "impersonation", "Mạo danh", ["mao danh", "gia mao", "trang gia"];
        SecretLeak = "secret_leak", "Lộ bí mật, tài liệu nội bộ", ["lo bi mat", "lo tai lieu", "secret leak"];
        PersonalData = "personal_data", "Lộ dữ liệu cá nhân", ["du lieu ca nhan", "thong tin ca nhan", "personal data"];
        FalseClaim = "false_claim", "Thông tin đã kiểm chứng là sai", ["tin gia", "tin sai su that", "false claim"];
        AiForgery = "ai_forgery", "Giả mạo bằng AI", ["ai", "deepfake", "gia mao ai"];
        Threat = "threat", "Đe dọa bạo lực", ["de doa", "threat"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_offices_write() {
        assert_eq!(Platform::parse_word("FB"), Some(Platform::Facebook));
        assert_eq!(Platform::parse_word("Youtube"), Some(Platform::Youtube));
        assert_eq!(Kind::parse_word("Trang"), Some(Kind::Page));
        assert_eq!(Kind::parse_word("Kênh"), Some(Kind::Channel));
        assert_eq!(Kind::parse_word("Nhóm"), Some(Kind::Group));
        assert_eq!(Kind::parse_word("Hội"), Some(Kind::Group));
        assert_eq!(Status::parse_word("giả mạo"), Some(Status::Impersonating));
        assert_eq!(Status::parse_word("GIA MAO"), Some(Status::Impersonating));
        assert_eq!(Status::parse_word("Theo dõi"), Some(Status::Watch));
        assert_eq!(
            Classification::parse_word("chính thức"),
            Some(Classification::Official)
        );
        assert_eq!(
            ParticipationRole::parse_word("Quản trị viên"),
            Some(ParticipationRole::Admin)
        );
        assert_eq!(Status::parse_word("xyz"), None);
        for s in Status::ALL {
            assert_eq!(Status::parse_word(s.as_str()), Some(*s));
            assert_eq!(Status::parse_word(s.label_vi()), Some(*s));
        }
    }
}

vocabulary! {
    /// What a document of the rules library is: the directive, the code of conduct members sign,
    /// the Ministry's rules of conduct on social networks, or a unit's own rules.
    DocumentKind {
        Directive = "directive", "Chỉ thị, nghị quyết", ["chi thi", "nghi quyet", "van ban chi dao"];
        CodeOfConduct = "code_of_conduct", "Quy tắc ứng xử, cam kết", ["quy tac ung xu", "cam ket", "bo quy tac"];
        MinistryRules = "ministry_rules", "Quy tắc của Bộ", ["bo tttt", "quy tac cua bo", "bo thong tin va truyen thong"];
        UnitRules = "unit_rules", "Quy chế của đơn vị", ["quy che", "noi quy", "quy dinh cua don vi"];
    }
}

impl DocumentKind {
    /// The kind a document's title says, when it says one (`None`: ask).
    pub fn from_title(title: &str) -> Option<DocumentKind> {
        let f = text::fold(title);
        let has = |w: &str| f.contains(w);
        if has("bo thong tin") || has("bttt") || has("874") {
            Some(DocumentKind::MinistryRules)
        } else if has("quy tac ung xu") || has("cam ket") {
            Some(DocumentKind::CodeOfConduct)
        } else if has("chi thi") || has("nghi quyet") || has("ket luan") {
            Some(DocumentKind::Directive)
        } else if has("quy che") || has("noi quy") {
            Some(DocumentKind::UnitRules)
        } else {
            None
        }
    }
}
