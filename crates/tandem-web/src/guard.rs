//! The guard every request passes: it finds the route's entry in
//! [`ROUTES`](crate::routes::ROUTES) (an unlisted route is refused),
//! identifies the caller (session cookie or API token), checks the CSRF
//! token and origin of every state-changing browser request, and sets the
//! security headers on every response.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use subtle::ConstantTimeEq;
use tandem_core::auth::Principal;

use crate::routes::{self, Access};
use crate::{AppError, AppState};

pub const SESSION_COOKIE: &str = "tandem_session";
/// Before sign-in there is no session to hold a CSRF token, so the sign-in
/// form carries one that must match this cookie (double submit).
pub const PRE_SESSION_COOKIE: &str = "tandem_presession";
/// The largest form body the guard reads to find a CSRF token.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// The caller, when signed in. Handlers of signed-in routes take this.
#[derive(Clone)]
pub struct Actor(pub Principal);

/// The caller's network address, for per-address limits.
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Actor {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Actor>().cloned())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Ok(parts
            .extensions
            .get::<ClientAddress>()
            .cloned()
            .unwrap_or(ClientAddress("unknown".into())))
    }
}

/// The value of one cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A request whose Origin (or, lacking it, Referer) names another site is
/// refused before anything else.
pub(crate) fn cross_site(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match source {
        None => false,
        Some("null") => true,
        Some(s) => {
            let without_scheme = s.split_once("://").map(|(_, rest)| rest).unwrap_or(s);
            let authority = without_scheme.split('/').next().unwrap_or("");
            authority != host
        }
    }
}

pub(crate) fn csrf_field(body: &[u8]) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
}

fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let method = if request.method() == Method::HEAD {
        Method::GET
    } else {
        request.method().clone()
    };

    // Unknown addresses fall through to the not-found handler; a matched
    // route without a policy entry is refused.
    let access = match &matched {
        None => Access::Public,
        Some(m) => match routes::find(method.as_str(), m) {
            Some(spec) => spec.access,
            None => {
                tracing::error!(route = %m, method = %method, "route has no policy entry; refused");
                return AppError::Forbidden.into_response();
            }
        },
    };

    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    request.extensions_mut().insert(ClientAddress(address));

    // Who is calling: an API token (API only), else the session cookie.
    let headers = request.headers().clone();
    let via_token = is_api(&path) && bearer(&headers).is_some();
    let principal = if let Some(token) = bearer(&headers).filter(|_| is_api(&path)) {
        match state.auth.from_api_token(token).await {
            Ok(p) => p,
            Err(e) => return AppError::from(e).into_response(),
        }
    } else if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        match state.auth.from_session(token).await {
            Ok(p) => p,
            Err(e) => return AppError::from(e).into_response(),
        }
    } else {
        None
    };

    // An API call that needs a signed-in caller and names none is
    // unauthenticated (401, so a client knows to send a token), whatever its
    // method: answering a tokenless write with the CSRF refusal (403) would
    // tell it that it was forbidden instead. Nothing happens either way, and
    // the CSRF check below still guards every write made with a session.
    if principal.is_none()
        && is_api(&path)
        && matches!(access, Access::SignedIn | Access::Policy(_))
    {
        return AppError::Unauthenticated.into_response();
    }

    // State-changing browser requests: same origin, and the CSRF token of
    // the session (or, for signing in, of the pre-session cookie).
    if !safe_method(&method) && !via_token {
        if cross_site(&headers) {
            return AppError::CsrfRejected.into_response();
        }
        let (parts, body) = request.into_parts();
        let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
            Ok(b) => b,
            Err(_) => return AppError::BadRequest("the form is too large".into()).into_response(),
        };
        let sent = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| csrf_field(&bytes));
        let expected = match &principal {
            Some(p) => p.csrf_token.clone(),
            None => cookie(&headers, PRE_SESSION_COOKIE).map(str::to_string),
        };
        let valid = matches!((&sent, &expected), (Some(s), Some(e)) if tokens_match(s, e));
        if !valid {
            return AppError::CsrfRejected.into_response();
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }

    let nav = principal.as_ref().map(crate::pages::Nav::for_principal);
    let signed_in = principal.is_some();
    match (access, principal) {
        (_, Some(p)) => {
            request.extensions_mut().insert(Actor(p));
        }
        (Access::Public, None) => {}
        // (API calls without a caller were answered 401 above.)
        (Access::SignedIn | Access::Policy(_), None) => {
            let next_path = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = format!("/sign-in?next={}", crate::pages::percent_encode(next_path));
            return Redirect::to(&target).into_response();
        }
    }

    let mut response = match nav {
        Some(nav) => {
            crate::pages::REQUEST_NAV
                .scope(nav, next.run(request))
                .await
        }
        None => next.run(request).await,
    };
    let h = response.headers_mut();
    if signed_in || matches!(access, Access::SignedIn | Access::Policy(_)) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// The `Set-Cookie` value for a session.
pub fn session_cookie(token: &str, secure: bool, max_age_seconds: i64) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes a cookie.
pub fn expired_cookie(name: &str) -> String {
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}
