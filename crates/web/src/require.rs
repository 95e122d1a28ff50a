//! Extractors that decide before a handler runs, so a handler states what it needs in its
//! signature and its body starts with the work: [`Require<P>`] — a signed-in user whose role has
//! permission `P` (else 403) — and [`Submitted<P, T>`] — the same, for a form `T` that changes
//! something, whose CSRF token must be the session's (checked first, else 403 with why).
//! `P` is one of the marker types in [`need`], one per `domain::Permission`, made from the list
//! `domain::with_permissions!` keeps (so the two cannot drift apart).

use crate::AppState;
use crate::auth::{SignedIn, csrf_ok, csrf_rejected, forbidden, forbidden_in_a_commune};
use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use domain::Permission;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::sync::Arc;

/// A permission as a type, for [`Require`] and [`Submitted`].
pub trait Needs: Send + Sync + 'static {
    /// Whether an account may go on (its role, narrowed for a commune's account).
    fn allows(user: &domain::User) -> bool;
}

/// One marker type per permission.
pub mod need {
    use super::{Needs, Permission};

    macro_rules! needs {
        ($($(#[$doc:meta])* $name:ident,)*) => {
            $(
                #[doc = concat!("`Permission::", stringify!($name), "`.")]
                pub struct $name;
                impl Needs for $name {
                    fn allows(user: &domain::User) -> bool {
                        user.can(Permission::$name)
                    }
                }
            )*
        };
    }

    /// Any signed-in user (signing out, one's own password): the form's token is still checked.
    pub struct SignedIn;
    impl Needs for SignedIn {
        fn allows(_: &domain::User) -> bool {
            true
        }
    }

    /// `P`, for an account of no commune only: a page of an alert or case permission whose
    /// data is still the whole province's (the tip line, warnings to citizens, sources,
    /// sharing, impersonation review, periodic checks, the province's overview).
    pub struct Province<P>(std::marker::PhantomData<P>);
    impl<P: Needs> Needs for Province<P> {
        fn allows(user: &domain::User) -> bool {
            user.commune.is_none() && P::allows(user)
        }
    }

    // One marker per permission, from the list `domain` keeps.
    domain::with_permissions!(needs);
}

/// A signed-in user whose role may do `P`.
pub struct Require<P>(pub SignedIn, pub PhantomData<P>);

impl<P: Needs> FromRequestParts<Arc<AppState>> for Require<P> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let user = SignedIn::from_request_parts(parts, state).await?;
        if !P::allows(&user.session.user) {
            return Err(refused::<P>(&user.session.user));
        }
        Ok(Require(user, PhantomData))
    }
}

/// Why an account may not go on: its role, or its commune.
fn refused<P: Needs>(user: &domain::User) -> Response {
    let as_province = domain::User {
        commune: None,
        ..user.clone()
    };
    if user.commune.is_some() && P::allows(&as_province) {
        forbidden_in_a_commune()
    } else {
        forbidden()
    }
}
/// A form that carries the session's anti-forgery token in its `csrf` field.
pub trait HasCsrf {
    fn csrf(&self) -> &str;
}

/// Implements [`HasCsrf`] for forms with a `csrf: String` field.
macro_rules! has_csrf {
    ($($form:ty),* $(,)?) => {
        $(impl $crate::require::HasCsrf for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })*
    };
}
pub(crate) use has_csrf;

/// A form `T` submitted by a signed-in user whose role may do `P`, with the session's token.
pub struct Submitted<P, T>(pub SignedIn, pub T, pub PhantomData<P>);

impl<P, T> FromRequest<Arc<AppState>> for Submitted<P, T>
where
    P: Needs,
    T: DeserializeOwned + HasCsrf + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = SignedIn::from_request_parts(&mut parts, state).await?;
        let Form(form) = Form::<T>::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        if !csrf_ok(&user.session, form.csrf()) {
            return Err(csrf_rejected());
        }
        if !P::allows(&user.session.user) {
            return Err(refused::<P>(&user.session.user));
        }
        Ok(Submitted(user, form, PhantomData))
    }
}
