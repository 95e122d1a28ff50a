//! Accounts: the password hash (Argon2id) and making an account, by the one rule both front
//! ends follow (`domain::check_username`, `domain::check_password`, a unit for a unit
//! administrator and none for the system administrator; in a province database a unit inside
//! a commune makes an account that commune's).

use crate::{Actor, App, Error};
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use domain::{ApiToken, Permission, Role, UnitId, User};
use sha2::Digest;

/// Argon2id with the crate's defaults (19 MiB, 2 passes), as a PHC string.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("không băm được mật khẩu: {e}"))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A new API token: `sk_` and 32 random bytes in hex, and its SHA-256 (all the store keeps).
pub fn new_token() -> (String, String) {
    let mut b = [0u8; 32];
    argon2::password_hash::rand_core::RngCore::fill_bytes(
        &mut argon2::password_hash::rand_core::OsRng,
        &mut b,
    );
    let token = format!("sk_{}", hex::encode(b));
    let sha = token_sha256(&token);
    (token, sha)
}

pub fn token_sha256(token: &str) -> String {
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// The unit rule of accounts and tokens alike: a unit administrator needs its unit, the system
/// administrator takes none (it administers the whole database), and a unit named must exist.
/// The other roles that see every unit may take one: in a province database, a unit inside a
/// commune makes the account that commune's (it sees that commune only:
/// `domain::User::commune`); on a commune's own database the unit changes nothing they see.
fn check_unit(store: &mut store::Store, role: Role, unit: Option<UnitId>) -> Result<(), Error> {
    if role == Role::UnitAdmin && unit.is_none() {
        return Err(Error::invalid("unit", "Quản trị đơn vị cần chọn đơn vị."));
    }
    if unit.is_some() && role == Role::Admin {
        return Err(Error::invalid(
            "unit",
            format!(
                "Vai trò «{}» quản trị cả cơ sở dữ liệu; không gán đơn vị cho vai trò này.",
                role.label_vi()
            ),
        ));
    }
    if let Some(unit) = unit
        && !store.units()?.iter().any(|u| u.id == unit)
    {
        return Err(Error::invalid("unit", "Đơn vị không có."));
    }
    Ok(())
}

/// How long a token lives unless its maker says otherwise (days).
pub const TOKEN_DAYS: u32 = 365;
/// The longest a token may live (days): a token is a password that never changes, so it ends.
pub const TOKEN_DAYS_MAX: u32 = 730;

/// An API token to make, for a script or another office's system.
#[derive(Clone, Debug)]
pub struct NewToken {
    /// What it is for.
    pub name: String,
    pub role: Role,
    pub unit: Option<UnitId>,
    /// Days until it is refused (1 to [`TOKEN_DAYS_MAX`]).
    pub valid_days: u32,
}

/// An account to make; its first password is temporary (changed at the first sign-in).
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub unit: Option<UnitId>,
}

impl App {
    /// Makes an account; returns its id. Refused: a name or password against the rule
    /// (`username`, `password`), a unit administrator without a unit or a unit given to the
    /// system administrator (`unit`), a name already taken (conflict).
    pub fn create_account(&self, actor: &Actor, new: NewAccount) -> Result<User, Error> {
        actor.require(Permission::Administer)?;
        let username = domain::check_username(&new.username)
            .map_err(|e| Error::invalid("username", e.to_string()))?
            .to_owned();
        domain::check_password(&new.password)
            .map_err(|e| Error::invalid("password", e.to_string()))?;
        let mut store = self.store()?;
        check_unit(&mut store, new.role, new.unit)?;
        if store.user_by_name(&username)?.is_some() {
            return Err(Error::conflict("Tên đăng nhập này đã có."));
        }
        let hash = hash_password(&new.password)?;
        let mut user = User {
            id: 0,
            username,
            role: new.role,
            unit: new.unit,
            member: None,
            must_change: true,
            disabled_at: None,
            commune: None,
        };
        user.id = store
            .create_user(&actor.name, &user, &hash)
            .map_err(|e| match e {
                // Taken by another process between the look and the write.
                store::StoreError::Conflict { .. } => Error::conflict("Tên đăng nhập này đã có."),
                e => e.into(),
            })?;
        // As the store reads it: with the commune its unit places it in.
        Ok(store.user_by_name(&user.username)?.map_or(user, |(u, _)| u))
    }

    /// Makes an API token; returns its id and the token, shown once (the store keeps only its
    /// SHA-256). Refused: a member's token (members declare in the browser), no name, the unit
    /// rule of accounts.
    pub fn create_token(&self, actor: &Actor, new: NewToken) -> Result<(i64, String), Error> {
        actor.require(Permission::Administer)?;
        if new.role == Role::Member {
            return Err(Error::invalid(
                "role",
                "Không cấp mã API cho vai trò đảng viên (đảng viên dùng trang Kê khai).",
            ));
        }
        let name = new.name.trim();
        if name.is_empty() {
            return Err(Error::invalid("name", "Cần ghi mã dùng cho việc gì."));
        }
        if !(1..=TOKEN_DAYS_MAX).contains(&new.valid_days) {
            return Err(Error::invalid(
                "valid_days",
                format!("Thời hạn của mã từ 1 đến {TOKEN_DAYS_MAX} ngày."),
            ));
        }
        let mut store = self.store()?;
        check_unit(&mut store, new.role, new.unit)?;
        let expires_at = crate::utc_stamp(
            chrono::Utc::now() + chrono::Duration::days(i64::from(new.valid_days)),
        );
        let (token, sha) = new_token();
        let t = ApiToken {
            id: 0,
            name: name.to_owned(),
            role: new.role,
            unit: new.unit,
            created_by: String::new(),
            created_at: String::new(),
            revoked: false,
            expires_at: Some(expires_at),
            commune: None,
        };
        let id = store.create_token(&actor.name, &t, &sha)?;
        Ok((id, token))
    }

    /// The administration page: every account, unit and API token.
    pub fn accounts(&self, actor: &Actor) -> Result<Accounts, Error> {
        actor.require(Permission::Administer)?;
        let mut store = self.store()?;
        Ok(Accounts {
            users: store.users()?,
            units: store.units()?,
            tokens: store.tokens()?,
        })
    }

    /// An account's password set by an administrator, to be changed at its next sign-in;
    /// returns the account (whose sessions the front end ends). Refused: a password against the
    /// rule, no such account.
    pub fn reset_password(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
    ) -> Result<User, Error> {
        actor.require(Permission::Administer)?;
        domain::check_password(password).map_err(|e| Error::invalid("password", e.to_string()))?;
        let mut store = self.store()?;
        let Some((user, _)) = store.user_by_name(username.trim())? else {
            return Err(Error::new(
                crate::ErrorKind::NotFound,
                "Không có tài khoản này.",
            ));
        };
        let hash = hash_password(password)?;
        store.set_password(&actor.name, user.id, &hash, true)?;
        // A reset is how a lost telephone is recovered from: the second factor starts again.
        if store.totp_secret(user.id)?.is_some() {
            store.set_totp(&actor.name, user.id, None)?;
        }
        Ok(user)
    }

    /// An account disabled, with the reason: it signs in no more and its sessions end (the
    /// store does both in one transaction). Refused: no reason, one's own account, the last
    /// administrator who can still sign in (so the office is never locked out of its own
    /// administration), an account disabled already (conflict), no such account.
    pub fn disable_account(
        &self,
        actor: &Actor,
        username: &str,
        reason: &str,
    ) -> Result<User, Error> {
        actor.require(Permission::Administer)?;
        let reason = needs_reason(reason)?;
        let mut store = self.store()?;
        let user = account_named(&mut store, username)?;
        not_ones_own(actor, &user, "Không tự khóa tài khoản của mình.")?;
        if user.disabled_at.is_some() {
            return Err(Error::conflict("Tài khoản này đã bị khóa."));
        }
        keeps_an_administrator(&mut store, &user)?;
        store.set_disabled(&actor.name, user.id, true, reason)?;
        Ok(user)
    }

    /// A disabled account enabled again (its password as it was). Refused: an account not
    /// disabled (conflict), no such account.
    pub fn enable_account(&self, actor: &Actor, username: &str) -> Result<User, Error> {
        actor.require(Permission::Administer)?;
        let mut store = self.store()?;
        let user = account_named(&mut store, username)?;
        if !store.set_disabled(&actor.name, user.id, false, "")? {
            return Err(Error::conflict("Tài khoản này không bị khóa."));
        }
        Ok(user)
    }

    /// An account given another role and unit, with the reason (audited with what it was).
    /// Refused: no reason; one's own account; a member's account, or another made a member's
    /// (a member's account speaks for its member record: make a new account instead); the unit
    /// rule of accounts; the last administrator who can sign in made something else; nothing
    /// changed (conflict); no such account.
    pub fn change_role(
        &self,
        actor: &Actor,
        username: &str,
        role: Role,
        unit: Option<UnitId>,
        reason: &str,
    ) -> Result<User, Error> {
        actor.require(Permission::Administer)?;
        let reason = needs_reason(reason)?;
        let mut store = self.store()?;
        let user = account_named(&mut store, username)?;
        not_ones_own(
            actor,
            &user,
            "Không tự đổi vai trò của mình; nhờ quản trị viên khác.",
        )?;
        if user.role == Role::Member || role == Role::Member {
            return Err(Error::invalid(
                "role",
                "Tài khoản đảng viên gắn với hồ sơ đảng viên: không đổi sang hoặc từ vai trò này; hãy tạo tài khoản mới.",
            ));
        }
        check_unit(&mut store, role, unit)?;
        if user.role == role && user.unit == unit {
            return Err(Error::conflict("Vai trò và đơn vị không đổi."));
        }
        keeps_an_administrator(&mut store, &user)?;
        store.set_role(&actor.name, &user, role, unit, reason)?;
        Ok(User { role, unit, ..user })
    }

    /// A unit under `parent`, its name written as the register writes names. Refused: no name,
    /// no such parent, a unit of that name already (folded: accents and case aside).
    pub fn create_unit(&self, actor: &Actor, name: &str, parent: UnitId) -> Result<String, Error> {
        actor.require(Permission::Administer)?;
        let name = text::canonical(name.trim());
        if name.is_empty() {
            return Err(Error::invalid("name", "Cần ghi tên đơn vị."));
        }
        let mut store = self.store()?;
        let units = store.units()?;
        if !units.iter().any(|u| u.id == parent) {
            return Err(Error::invalid("parent", "Đơn vị trực thuộc không có."));
        }
        if units
            .iter()
            .any(|u| text::fold(&u.name) == text::fold(&name))
        {
            return Err(Error::conflict("Đã có đơn vị này."));
        }
        store.create_unit(&actor.name, &name, Some(parent), None)?;
        Ok(name)
    }

    /// An API token revoked. Refused: no such token, or revoked already (not found).
    pub fn revoke_token(&self, actor: &Actor, id: i64) -> Result<(), Error> {
        actor.require(Permission::Administer)?;
        if self.store()?.revoke_token(&actor.name, id)? {
            Ok(())
        } else {
            Err(Error::new(
                crate::ErrorKind::NotFound,
                format!("Không có mã #{id} hoặc mã đã bị thu hồi."),
            ))
        }
    }
}

fn needs_reason(reason: &str) -> Result<&str, Error> {
    match reason.trim() {
        "" => Err(Error::invalid("reason", "Cần ghi lý do (lưu vào nhật ký).")),
        r => Ok(r),
    }
}

fn account_named(store: &mut store::Store, username: &str) -> Result<User, Error> {
    store
        .user_by_name(username.trim())?
        .map(|(u, _)| u)
        .ok_or_else(|| Error::new(crate::ErrorKind::NotFound, "Không có tài khoản này."))
}

/// Refuses a change an administrator would make to their own account.
fn not_ones_own(actor: &Actor, user: &User, why: &str) -> Result<(), Error> {
    if user.username == actor.name {
        return Err(Error::invalid("username", why));
    }
    Ok(())
}

/// Refuses to take away the last administrator who can still sign in: the office is never
/// locked out of its own administration.
fn keeps_an_administrator(store: &mut store::Store, user: &User) -> Result<(), Error> {
    let enabled = store
        .users()?
        .iter()
        .filter(|u| u.role == Role::Admin && u.disabled_at.is_none())
        .count();
    if user.role == Role::Admin && user.disabled_at.is_none() && enabled <= 1 {
        return Err(Error::conflict(
            "Đây là quản trị viên duy nhất còn đăng nhập được; tạo quản trị viên khác trước.",
        ));
    }
    Ok(())
}

/// Every account, unit and API token (the administration page).
#[derive(Debug)]
pub struct Accounts {
    pub users: Vec<User>,
    pub units: Vec<domain::Unit>,
    pub tokens: Vec<ApiToken>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::{actor, app};

    fn account(username: &str, role: Role, unit: Option<UnitId>) -> NewAccount {
        NewAccount {
            username: username.into(),
            password: "mat-khau-dai-2026".into(),
            role,
            unit,
        }
    }

    #[test]
    fn an_account_is_made_once_by_an_administrator_by_the_one_rule() {
        let (app, _dir) = app();
        let unit = app
            .store()
            .unwrap()
            .create_unit("t", "Chi bộ thôn 1", None, None)
            .unwrap()
            .id;
        let admin = Actor::cli();
        let made = app
            .create_account(&admin, account(" canbo.moi ", Role::UnitAdmin, Some(unit)))
            .unwrap();
        assert_eq!(made.username, "canbo.moi");
        assert!(made.must_change);
        let (_, hash) = app
            .store()
            .unwrap()
            .user_by_name("canbo.moi")
            .unwrap()
            .unwrap();
        assert!(verify_password("mat-khau-dai-2026", &hash));

        let kind = |r: Result<User, Error>| r.unwrap_err().kind;
        assert_eq!(
            kind(app.create_account(&admin, account("canbo.moi", Role::Officer, None))),
            ErrorKind::Conflict
        );
        let mut short = account("ngan", Role::Officer, None);
        short.password = "ngan".into();
        assert_eq!(
            kind(app.create_account(&admin, short)),
            ErrorKind::Invalid { field: "password" }
        );
        assert_eq!(
            kind(app.create_account(&admin, account("hai tu", Role::Officer, None))),
            ErrorKind::Invalid { field: "username" }
        );
        assert_eq!(
            kind(app.create_account(&admin, account("qtdv", Role::UnitAdmin, None))),
            ErrorKind::Invalid { field: "unit" }
        );
        assert_eq!(
            kind(app.create_account(&admin, account("quantri2", Role::Admin, Some(unit)))),
            ErrorKind::Invalid { field: "unit" }
        );
        // A leader may be placed in a unit (in a province database, its commune); on a
        // commune's own database that makes it no commune's account.
        let leader = app
            .create_account(&admin, account("lanhdao", Role::Leader, Some(unit)))
            .unwrap();
        assert_eq!((leader.unit, leader.commune), (Some(unit), None));
        let officer = actor(Role::Officer);
        assert_eq!(
            kind(app.create_account(&officer, account("khac", Role::Officer, None))),
            ErrorKind::Forbidden
        );
        assert_eq!(app.store().unwrap().users().unwrap().len(), 2);
    }

    #[test]
    fn administrators_reset_passwords_add_units_and_revoke_tokens_and_say_why_not() {
        let (app, _dir) = app();
        let admin = Actor::cli();
        let root = app
            .store()
            .unwrap()
            .create_unit("t", "Đảng ủy xã", None, None)
            .unwrap()
            .id;
        let made = app
            .create_account(&admin, account("canbo", Role::Officer, None))
            .unwrap();
        let kind = |e: Error| e.kind;

        // A password reset: by the rule, to be changed at the next sign-in.
        assert_eq!(
            kind(app.reset_password(&admin, "canbo", "ngan").unwrap_err()),
            ErrorKind::Invalid { field: "password" }
        );
        assert_eq!(
            kind(
                app.reset_password(&admin, "khong-co", "mat-khau-moi-2026")
                    .unwrap_err()
            ),
            ErrorKind::NotFound
        );
        let reset = app
            .reset_password(&admin, " canbo ", "mat-khau-moi-2026")
            .unwrap();
        assert_eq!(reset.id, made.id);
        let (u, hash) = app.store().unwrap().user_by_name("canbo").unwrap().unwrap();
        assert!(u.must_change && verify_password("mat-khau-moi-2026", &hash));

        // A unit: named as the register names, once (accents and case aside), under a parent.
        assert_eq!(
            app.create_unit(&admin, "  Chi bộ thôn Đông  ", root)
                .unwrap(),
            "Chi bộ thôn Đông"
        );
        assert_eq!(
            kind(
                app.create_unit(&admin, "chi bo thon dong", root)
                    .unwrap_err()
            ),
            ErrorKind::Conflict
        );
        assert_eq!(
            kind(
                app.create_unit(&admin, "Chi bộ thôn Tây", UnitId(999))
                    .unwrap_err()
            ),
            ErrorKind::Invalid { field: "parent" }
        );
        assert_eq!(
            kind(app.create_unit(&admin, "  ", root).unwrap_err()),
            ErrorKind::Invalid { field: "name" }
        );
        assert_eq!(app.accounts(&admin).unwrap().units.len(), 2);

        // A token revoked once; the second time there is none to revoke.
        let (id, _) = app
            .create_token(
                &admin,
                NewToken {
                    name: "tỉnh".into(),
                    role: Role::Analyst,
                    unit: None,
                    valid_days: TOKEN_DAYS,
                },
            )
            .unwrap();
        app.revoke_token(&admin, id).unwrap();
        assert!(app.accounts(&admin).unwrap().tokens[0].revoked);
        assert_eq!(
            kind(app.revoke_token(&admin, id).unwrap_err()),
            ErrorKind::NotFound
        );

        // Nobody but an administrator.
        let officer = actor(Role::Officer);
        assert_eq!(
            kind(app.accounts(&officer).unwrap_err()),
            ErrorKind::Forbidden
        );
        assert_eq!(
            kind(app.revoke_token(&officer, id).unwrap_err()),
            ErrorKind::Forbidden
        );
        assert_eq!(
            kind(
                app.create_unit(&officer, "Chi bộ thôn Nam", root)
                    .unwrap_err()
            ),
            ErrorKind::Forbidden
        );
    }

    #[test]
    fn an_account_is_disabled_enabled_and_given_another_role_with_its_reason_on_record() {
        let (app, _dir) = app();
        let admin = Actor::cli();
        let unit = app
            .store()
            .unwrap()
            .create_unit("t", "Công an xã", None, None)
            .unwrap()
            .id;
        app.create_account(&admin, account("quantri", Role::Admin, None))
            .unwrap();
        let officer = app
            .create_account(&admin, account("canbo", Role::Officer, None))
            .unwrap();
        let kind = |r: Result<User, Error>| r.unwrap_err().kind;
        let quantri = Actor {
            name: "quantri".into(),
            ..Actor::cli()
        };

        // Disabled with a reason; its sessions end with it.
        let session = store::StoredSession {
            id_sha256: "s1".into(),
            user_id: officer.id,
            csrf: "c".into(),
            created_ms: 0,
            seen_ms: 0,
        };
        app.store().unwrap().open_session(&session).unwrap();
        assert!(app.store().unwrap().session("s1").unwrap().is_some());
        assert_eq!(
            kind(app.disable_account(&admin, "canbo", "  ")),
            ErrorKind::Invalid { field: "reason" }
        );
        app.disable_account(&admin, " canbo ", "nghỉ hưu từ 01/12")
            .unwrap();
        assert!(app.store().unwrap().session("s1").unwrap().is_none());
        let (u, _) = app.store().unwrap().user_by_name("canbo").unwrap().unwrap();
        assert!(u.disabled_at.is_some());
        assert_eq!(
            kind(app.disable_account(&admin, "canbo", "lần nữa")),
            ErrorKind::Conflict
        );
        // A session opened for it now is not one.
        app.store().unwrap().open_session(&session).unwrap();
        assert!(app.store().unwrap().session("s1").unwrap().is_none());
        app.enable_account(&admin, "canbo").unwrap();
        assert!(app.store().unwrap().session("s1").unwrap().is_some());
        assert_eq!(
            kind(app.enable_account(&admin, "canbo")),
            ErrorKind::Conflict
        );

        // The last administrator who can sign in stays one, and nobody disables themself.
        assert_eq!(
            kind(app.disable_account(&admin, "quantri", "thử")),
            ErrorKind::Conflict
        );
        assert_eq!(
            kind(app.change_role(&admin, "quantri", Role::Leader, None, "thử")),
            ErrorKind::Conflict
        );
        assert_eq!(
            kind(app.disable_account(&quantri, "quantri", "thử")),
            ErrorKind::Invalid { field: "username" }
        );

        // A role change: by the unit rule, never to or from a member's, with what it was.
        assert_eq!(
            kind(app.change_role(&admin, "canbo", Role::UnitAdmin, None, "chuyển công tác")),
            ErrorKind::Invalid { field: "unit" }
        );
        assert_eq!(
            kind(app.change_role(&admin, "canbo", Role::Member, None, "x")),
            ErrorKind::Invalid { field: "role" }
        );
        assert_eq!(
            kind(app.change_role(&admin, "canbo", Role::Officer, None, "x")),
            ErrorKind::Conflict
        );
        let changed = app
            .change_role(
                &admin,
                "canbo",
                Role::UnitAdmin,
                Some(unit),
                "chuyển công tác",
            )
            .unwrap();
        assert_eq!((changed.role, changed.unit), (Role::UnitAdmin, Some(unit)));
        let (u, _) = app.store().unwrap().user_by_name("canbo").unwrap().unwrap();
        assert_eq!((u.role, u.unit), (Role::UnitAdmin, Some(unit)));
        let events = app.store().unwrap().audit_events().unwrap();
        // Compared as JSON: the key order depends on serde_json's features in the build.
        let actions: Vec<(String, serde_json::Value)> = events
            .iter()
            .filter(|e| e.entity == "user" && e.entity_id == officer.id.to_string())
            .map(|e| (e.action.clone(), serde_json::from_str(&e.details).unwrap()))
            .collect();
        let expected = [
            (
                "user.create",
                serde_json::json!({"role": "officer", "unit": null, "username": "canbo"}),
            ),
            (
                "user.disable",
                serde_json::json!({"reason": "nghỉ hưu từ 01/12"}),
            ),
            ("user.enable", serde_json::json!({"reason": ""})),
            (
                "user.role",
                serde_json::json!({
                    "from": {"role": "officer", "unit": null},
                    "to": {"role": "unit_admin", "unit": unit.0},
                    "reason": "chuyển công tác",
                }),
            ),
        ]
        .map(|(a, v)| (a.to_owned(), v));
        assert_eq!(actions, expected);

        // Only an administrator.
        let leader = actor(Role::Leader);
        assert_eq!(
            kind(app.disable_account(&leader, "canbo", "x")),
            ErrorKind::Forbidden
        );
        assert_eq!(
            kind(app.change_role(&leader, "canbo", Role::Officer, None, "x")),
            ErrorKind::Forbidden
        );
    }

    #[test]
    fn a_token_ends_and_is_refused_after_its_end() {
        let (app, _dir) = app();
        let admin = Actor::cli();
        let new = |valid_days| NewToken {
            name: "tỉnh".into(),
            role: Role::Analyst,
            unit: None,
            valid_days,
        };
        for days in [0, TOKEN_DAYS_MAX + 1] {
            assert_eq!(
                app.create_token(&admin, new(days)).unwrap_err().kind,
                ErrorKind::Invalid {
                    field: "valid_days"
                }
            );
        }
        let (_, t) = app.create_token(&admin, new(30)).unwrap();
        let kept = app
            .store()
            .unwrap()
            .token_by_hash(&token_sha256(&t))
            .unwrap()
            .unwrap();
        let end = chrono::DateTime::parse_from_rfc3339(kept.expires_at.as_deref().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc);
        let days = (end - chrono::Utc::now()).num_hours();
        assert!((29 * 24..=30 * 24).contains(&days), "{days} hours");

        // One whose end has passed is no token; one made before tokens had an end still is.
        let mut store = app.store().unwrap();
        let token = |expires_at: Option<&str>| ApiToken {
            id: 0,
            name: "cũ".into(),
            role: Role::Analyst,
            unit: None,
            created_by: String::new(),
            created_at: String::new(),
            revoked: false,
            expires_at: expires_at.map(str::to_owned),
            commune: None,
        };
        store
            .create_token("t", &token(Some("2026-01-01T00:00:00.000Z")), "ended")
            .unwrap();
        store.create_token("t", &token(None), "endless").unwrap();
        assert!(store.token_by_hash("ended").unwrap().is_none());
        assert!(store.token_by_hash("endless").unwrap().is_some());
    }

    #[test]
    fn a_token_is_made_once_by_the_rule_and_kept_only_by_its_hash() {
        let (app, _dir) = app();
        let admin = Actor::cli();
        let token = |name: &str, role: Role, unit: Option<UnitId>| NewToken {
            name: name.into(),
            role,
            unit,
            valid_days: TOKEN_DAYS,
        };
        let (id, t) = app
            .create_token(&admin, token(" tỉnh ", Role::Analyst, None))
            .unwrap();
        assert!(t.starts_with("sk_") && t.len() == 67, "{t}");
        let kept = app
            .store()
            .unwrap()
            .token_by_hash(&token_sha256(&t))
            .unwrap()
            .expect("found by its hash");
        assert_eq!((kept.id, kept.name.as_str()), (id, "tỉnh"));
        let kind = |r: Result<(i64, String), Error>| r.unwrap_err().kind;
        assert_eq!(
            kind(app.create_token(&admin, token("x", Role::Member, None))),
            ErrorKind::Invalid { field: "role" }
        );
        assert_eq!(
            kind(app.create_token(&admin, token("  ", Role::Officer, None))),
            ErrorKind::Invalid { field: "name" }
        );
        assert_eq!(
            kind(app.create_token(&admin, token("x", Role::UnitAdmin, None))),
            ErrorKind::Invalid { field: "unit" }
        );
        let analyst = actor(Role::Analyst);
        assert_eq!(
            kind(app.create_token(&analyst, token("x", Role::Officer, None))),
            ErrorKind::Forbidden
        );
    }
}
