//! The rules of an account's name and password, written once for the web forms and the CLI.

/// Why a username or a password is refused, in words the form shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("Tên đăng nhập không được trống, có khoảng trắng hay dài quá {MAX_USERNAME} ký tự.")]
    Username,
    #[error("Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự (và không quá {MAX_PASSWORD} byte).")]
    Password,
    #[error(
        "Mật khẩu này quá dễ đoán (nằm trong danh sách mật khẩu hay dùng, hoặc chỉ lặp lại vài ký tự): hãy chọn một cụm từ dài khác."
    )]
    Common,
}

/// The longest username, in characters.
pub const MAX_USERNAME: usize = 64;
/// The shortest password, in characters.
pub const MIN_PASSWORD: usize = 12;
/// The longest password, in bytes (longer ones are not hashed at all).
pub const MAX_PASSWORD: usize = 1024;

/// A username as accounts are made with it: trimmed, no whitespace inside, 1 to 64 characters.
pub fn check_username(name: &str) -> Result<&str, AccountError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().any(char::is_whitespace)
        || name.chars().count() > MAX_USERNAME
    {
        return Err(AccountError::Username);
    }
    Ok(name)
}

/// Passwords that guessing tries first (`data/common-passwords.txt`: zxcvbn's list of 30,000,
/// then Vietnamese ones), lower case.
const COMMON: &str = include_str!("../data/common-passwords.txt");

fn common() -> &'static std::collections::HashSet<&'static str> {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| COMMON.lines().filter(|l| !l.starts_with('#')).collect())
}

/// A password as it may be set: at least 12 characters (ASVS 2.1.1), at most 1,024 bytes, not
/// one of the common passwords whatever its case, nor one with only digits and signs around it
/// ("Dragon2026!!!"), nor a run of one to three characters repeated ("aaaaaaaaaaaa",
/// "abcabcabcabc"). No rule about which kinds of characters it must mix: a long phrase is the
/// advice.
pub fn check_password(password: &str) -> Result<&str, AccountError> {
    if password.chars().count() < MIN_PASSWORD || password.len() > MAX_PASSWORD {
        return Err(AccountError::Password);
    }
    let lower = password.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let repeated = (1..=3).any(|period| {
        chars
            .iter()
            .enumerate()
            .all(|(i, c)| *c == chars[i % period])
    });
    let letters = lower.trim_matches(|c: char| !c.is_alphabetic());
    if repeated || common().contains(lower.as_str()) || common().contains(letters) {
        return Err(AccountError::Common);
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_passwords_by_the_one_rule() {
        assert_eq!(check_username("  canbo.moi "), Ok("canbo.moi"));
        for bad in ["", "  ", "can bo", &"a".repeat(65)] {
            assert_eq!(check_username(bad), Err(AccountError::Username), "{bad:?}");
        }
        assert!(check_password("mật khẩu dài").is_ok());
        assert_eq!(check_password("ngắn-quá"), Err(AccountError::Password));
        assert_eq!(
            check_password(&"x".repeat(1025)),
            Err(AccountError::Password)
        );
        assert!(AccountError::Password.to_string().contains("12 ký tự"));
        for common in [
            "qwerty123456",
            "1QAZ2WSX3EDC",
            "matkhau12345",
            "AnhYeuEm1234",
            "aaaaaaaaaaaa",
            "abcabcabcabc",
            "121212121212",
            "Dragon2026!!!",
            "2026-password-2026",
        ] {
            assert_eq!(
                check_password(common),
                Err(AccountError::Common),
                "{common}"
            );
        }
        for fine in [
            "ruộng lúa thôn Quảng Tâm",
            "demo-congan-2026",
            "tam-thoi-123",
        ] {
            assert!(check_password(fine).is_ok(), "{fine}");
        }
    }
}
