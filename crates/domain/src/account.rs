//! The rules of an account's name and password, written once for the web forms and the CLI.

/// Why a username or a password is refused, in words the form shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("Tên đăng nhập không được trống, có khoảng trắng hay dài quá {MAX_USERNAME} ký tự.")]
    Username,
    #[error("Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự (và không quá {MAX_PASSWORD} byte).")]
    Password,
}

/// The longest username, in characters.
pub const MAX_USERNAME: usize = 64;
/// The shortest password, in characters.
pub const MIN_PASSWORD: usize = 10;
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

/// A password as it may be set: at least 10 characters, at most 1,024 bytes.
pub fn check_password(password: &str) -> Result<&str, AccountError> {
    if password.chars().count() < MIN_PASSWORD || password.len() > MAX_PASSWORD {
        return Err(AccountError::Password);
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
        assert!(AccountError::Password.to_string().contains("10 ký tự"));
    }
}
