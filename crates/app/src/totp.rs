//! A second factor for administrator and leader accounts: time-based one-time passwords
//! (RFC 6238, over RFC 4226's HOTP) as every authenticator app computes them — HMAC-SHA-1, six
//! digits, 30-second steps — with the secret shown as base32 and as an `otpauth://` link. A code
//! is accepted one step either side of now (clocks drift), and only once (the step is recorded
//! by the store). Turning it on asks for a code, so a secret is never kept that the person's app
//! does not have; an administrator's password reset turns it off (a lost telephone).

use crate::{Actor, App, Error, ErrorKind};
use domain::Role;
use ring::hmac;

/// Seconds per step.
pub const STEP: u64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Bytes of a new secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;

/// The HMAC of an RFC 6238 code.
#[derive(Clone, Copy, Debug)]
pub enum Algorithm {
    Sha1,
    Sha256,
    Sha512,
}

/// RFC 4226's HOTP: the `digits`-digit code of `counter`.
pub fn hotp(algorithm: Algorithm, key: &[u8], counter: u64, digits: u32) -> u32 {
    let algorithm = match algorithm {
        Algorithm::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        Algorithm::Sha256 => hmac::HMAC_SHA256,
        Algorithm::Sha512 => hmac::HMAC_SHA512,
    };
    let tag = hmac::sign(&hmac::Key::new(algorithm, key), &counter.to_be_bytes());
    let h = tag.as_ref();
    let at = usize::from(h[h.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([h[at] & 0x7f, h[at + 1], h[at + 2], h[at + 3]]);
    binary % 10u32.pow(digits)
}

/// RFC 6238's TOTP at `unix` seconds.
pub fn totp(algorithm: Algorithm, key: &[u8], unix: u64, digits: u32) -> u32 {
    hotp(algorithm, key, unix / STEP, digits)
}

/// The step a six-digit code is right for, one step either side of `unix`; None when it is
/// right for none of them.
pub fn matching_step(key: &[u8], code: &str, unix: u64) -> Option<u64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    let now = unix / STEP;
    [now, now.saturating_sub(1), now + 1]
        .into_iter()
        .find(|step| hotp(Algorithm::Sha1, key, *step, DIGITS) == wanted)
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as authenticator apps take secrets.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Reads base32 (any case, spaces and padding ignored); None for another character.
pub fn from_base32(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in s.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = BASE32
            .iter()
            .position(|x| *x as char == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | v as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `otpauth://` link an authenticator app reads (typed in, or from a QR code).
pub fn uri(issuer: &str, account: &str, secret: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
        percent(issuer),
        percent(account),
        percent(issuer)
    )
}

/// A new secret offered to an account: base32, and its link.
#[derive(Debug, Clone)]
pub struct Offer {
    pub secret: String,
    pub uri: String,
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether this role may (and should) use a second factor: administrators and leaders.
pub fn offered_to(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Leader)
}

impl App {
    /// Whether the account's second factor is on.
    pub fn totp_on(&self, user: i64) -> Result<bool, Error> {
        Ok(self.store()?.totp_secret(user)?.is_some())
    }

    /// A new secret for the actor's own account (an administrator's or a leader's).
    pub fn totp_offer(&self, actor: &Actor) -> Result<Offer, Error> {
        if !offered_to(actor.role) {
            return Err(Error::new(
                ErrorKind::Forbidden,
                "Xác thực hai bước dành cho tài khoản quản trị và lãnh đạo.",
            ));
        }
        let mut key = [0u8; SECRET_BYTES];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut key)
            .map_err(|_| anyhow::anyhow!("the OS random source failed"))?;
        let secret = base32(&key);
        Ok(Offer {
            uri: uri("Sổ kênh", &actor.name, &secret),
            secret,
        })
    }

    /// Turns the second factor on for the actor's own account (`user`) when `code` is right for
    /// `secret` now; the code's step counts as used.
    pub fn totp_enable(
        &self,
        actor: &Actor,
        user: i64,
        secret: &str,
        code: &str,
    ) -> Result<(), Error> {
        if !offered_to(actor.role) {
            return Err(Error::new(
                ErrorKind::Forbidden,
                "Xác thực hai bước dành cho tài khoản quản trị và lãnh đạo.",
            ));
        }
        let key = from_base32(secret)
            .filter(|k| k.len() == SECRET_BYTES)
            .ok_or_else(|| {
                Error::invalid("secret", "Khóa bí mật không hợp lệ: hãy tải lại trang.")
            })?;
        let step = matching_step(&key, code, unix_now()).ok_or_else(|| {
            Error::invalid(
                "code",
                "Mã không đúng: kiểm tra giờ trên điện thoại và nhập mã đang hiện (6 chữ số).",
            )
        })?;
        let mut store = self.store()?;
        store.set_totp(&actor.name, user, Some(secret))?;
        store.use_totp_step(user, step as i64)?;
        Ok(())
    }

    /// Turns the second factor off for the actor's own account.
    pub fn totp_disable(&self, actor: &Actor, user: i64) -> Result<(), Error> {
        Ok(self.store()?.set_totp(&actor.name, user, None)?)
    }

    /// A sign-in's second factor: true when the account has none, or `code` is right now and
    /// was not used before.
    pub fn second_factor_ok(&self, user: i64, code: Option<&str>) -> Result<bool, Error> {
        let mut store = self.store()?;
        let Some(secret) = store.totp_secret(user)? else {
            return Ok(true);
        };
        let Some(key) = from_base32(&secret) else {
            return Ok(false);
        };
        match code.and_then(|c| matching_step(&key, c, unix_now())) {
            Some(step) => Ok(store.use_totp_step(user, step as i64)?),
            None => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: every time and algorithm of the reference table, eight digits.
    #[test]
    fn the_rfc_6238_vectors() {
        let sha1 = b"12345678901234567890";
        let sha256 = b"12345678901234567890123456789012";
        let sha512 = b"1234567890123456789012345678901234567890123456789012345678901234";
        for (time, a, b, c) in [
            (59u64, 94287082, 46119246, 90693936),
            (1111111109, 7081804, 68084774, 25091201),
            (1111111111, 14050471, 67062674, 99943326),
            (1234567890, 89005924, 91819424, 93441116),
            (2000000000, 69279037, 90698825, 38618901),
            (20000000000, 65353130, 77737706, 47863826),
        ] {
            assert_eq!(totp(Algorithm::Sha1, sha1, time, 8), a, "SHA1 at {time}");
            assert_eq!(
                totp(Algorithm::Sha256, sha256, time, 8),
                b,
                "SHA256 at {time}"
            );
            assert_eq!(
                totp(Algorithm::Sha512, sha512, time, 8),
                c,
                "SHA512 at {time}"
            );
        }
        // RFC 4226, appendix D: HOTP of the same secret, six digits.
        let hotp6: Vec<u32> = (0..10).map(|c| hotp(Algorithm::Sha1, sha1, c, 6)).collect();
        assert_eq!(
            hotp6,
            [
                755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489
            ]
        );
    }

    #[test]
    fn codes_match_one_step_either_side_and_secrets_read_back() {
        let key = b"12345678901234567890";
        let at = 1_111_111_111;
        let code = |t: u64| format!("{:06}", totp(Algorithm::Sha1, key, t, 6));
        assert_eq!(matching_step(key, &code(at), at), Some(at / STEP));
        assert_eq!(matching_step(key, &code(at - 30), at), Some(at / STEP - 1));
        assert_eq!(matching_step(key, &code(at + 30), at), Some(at / STEP + 1));
        assert_eq!(matching_step(key, &code(at - 90), at), None);
        assert_eq!(matching_step(key, "12345", at), None);
        assert_eq!(matching_step(key, "abcdef", at), None);
        // RFC 4648's base32 vectors, and a secret read back.
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(from_base32("mzxw 6ytb oi======").unwrap(), b"foobar");
        assert_eq!(from_base32("MZXW1"), None);
        assert_eq!(
            uri("Sổ kênh", "quantri", "MZXW6YTBOI"),
            "otpauth://totp/S%E1%BB%95%20k%C3%AAnh:quantri?secret=MZXW6YTBOI&issuer=S%E1%BB%95%20k%C3%AAnh&algorithm=SHA1&digits=6&period=30"
        );
    }
}
