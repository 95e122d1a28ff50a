//! Accounts: the password hash (Argon2id) and making an account, by the one rule both front
//! ends follow (`domain::check_username`, `domain::check_password`, a unit for a unit
//! administrator and none for a role that sees every unit).

use crate::{Actor, App, Error};
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use domain::{Permission, Role, UnitId, User};

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
    /// (`username`, `password`), a unit administrator without a unit or a unit given to a role
    /// that sees every unit (`unit`), a name already taken (conflict).
    pub fn create_account(&self, actor: &Actor, new: NewAccount) -> Result<User, Error> {
        actor.require(Permission::Administer)?;
        let username = domain::check_username(&new.username)
            .map_err(|e| Error::invalid("username", e.to_string()))?
            .to_owned();
        domain::check_password(&new.password)
            .map_err(|e| Error::invalid("password", e.to_string()))?;
        if new.role == Role::UnitAdmin && new.unit.is_none() {
            return Err(Error::invalid("unit", "Quản trị đơn vị cần chọn đơn vị."));
        }
        if new.unit.is_some() && (new.role.sees_all_units() || new.role == Role::Analyst) {
            return Err(Error::invalid(
                "unit",
                format!(
                    "Vai trò «{}» xem mọi đơn vị; không gán đơn vị cho vai trò này.",
                    new.role.label_vi()
                ),
            ));
        }
        let mut store = self.store()?;
        if let Some(unit) = new.unit
            && !store.units()?.iter().any(|u| u.id == unit)
        {
            return Err(Error::invalid("unit", "Đơn vị không có."));
        }
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
        };
        user.id = store
            .create_user(&actor.name, &user, &hash)
            .map_err(|e| match e {
                // Taken by another process between the look and the write.
                store::StoreError::Conflict { .. } => Error::conflict("Tên đăng nhập này đã có."),
                e => e.into(),
            })?;
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn app() -> (App, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = store::Store::new(Box::new(store_sqlite::open_in_memory().unwrap()));
        (App::new(store, dir.path()), dir)
    }

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
            kind(app.create_account(&admin, account("lanhdao", Role::Leader, Some(unit)))),
            ErrorKind::Invalid { field: "unit" }
        );
        let officer = Actor {
            name: "canbo".into(),
            role: Role::Officer,
            unit: None,
        };
        assert_eq!(
            kind(app.create_account(&officer, account("khac", Role::Officer, None))),
            ErrorKind::Forbidden
        );
        assert_eq!(app.store().unwrap().users().unwrap().len(), 1);
    }
}
