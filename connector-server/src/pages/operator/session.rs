//! How an operator is recognised on a request: either `Authorization: Bearer op.…` (for
//! scripts; not sent by browsers on their own, so no CSRF token is needed with it), or the
//! session cookie the login form sets.
//!
//! The cookie (`connector_operator`, `HttpOnly`, `SameSite=Strict`, `Path=/operator`,
//! `Secure` when the public URL is `https`) holds `ID.EXPIRES.MAC`: the operator key's id,
//! the session's end (Unix seconds, 8 hours after login) and an HMAC-SHA-256 of both under
//! the server's key made at start ([`AppState::csrf_token`]). It carries no secret, cannot
//! be forged or extended without the server's key, stops at its end, and stops at once when
//! the operator key is no longer configured. Forms of a cookie session carry a CSRF token
//! bound to that session.

use axum::http::{HeaderMap, HeaderValue, header};

use super::credential::{OperatorKey, authenticate};
use crate::state::AppState;

/// The cookie's name.
pub(crate) const COOKIE: &str = "connector_operator";
/// How long a login lasts.
pub(crate) const SESSION_SECONDS: u64 = 8 * 3600;

/// An operator recognised on a request.
#[derive(Debug, Clone)]
pub(crate) struct Operator {
    /// The operator's key.
    pub(crate) key: OperatorKey,
    /// The session cookie's value, when it came by cookie (`None`: by bearer header).
    pub(crate) session: Option<String>,
}

/// Why a request is not an operator's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denied {
    /// Nothing presented, or a cookie that no longer works: the login form.
    Login,
    /// A bearer credential that is no operator key (a tenant key, a forged key): 401.
    BadBearer,
}

fn session_mac(state: &AppState, id: &str, expires: u64) -> String {
    state.csrf_token(&format!("operator-session:{id}:{expires}"))
}

/// A new session cookie's value for `key`, from `now`.
pub(crate) fn new_session(state: &AppState, key: &OperatorKey, now: u64) -> String {
    let expires = now.saturating_add(SESSION_SECONDS);
    format!(
        "{}.{expires}.{}",
        key.id,
        session_mac(state, &key.id, expires)
    )
}

/// The `Set-Cookie` header of `value` (`None`: the cookie removed).
pub(crate) fn set_cookie(state: &AppState, value: Option<&str>) -> Option<HeaderValue> {
    let secure = if state.config().public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let text = match value {
        Some(value) => format!(
            "{COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/operator; Max-Age={SESSION_SECONDS}{secure}"
        ),
        None => format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/operator; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&text).ok()
}

fn cookie_value(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

/// The operator key a session cookie value stands for, when it is live.
fn session_key(state: &AppState, value: &str, now: u64) -> Option<OperatorKey> {
    let mut parts = value.splitn(3, '.');
    let (id, expires, mac) = (parts.next()?, parts.next()?, parts.next()?);
    let expires: u64 = expires.parse().ok()?;
    if now >= expires || expires > now.saturating_add(SESSION_SECONDS) {
        return None;
    }
    if !state.csrf_valid(&format!("operator-session:{id}:{expires}"), mac) {
        return None;
    }
    state.pages().operators.iter().find(|k| k.id == id).cloned()
}

/// The operator making the request with `headers`.
pub(crate) fn operator(state: &AppState, headers: &HeaderMap) -> Result<Operator, Denied> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let presented = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(Denied::BadBearer)?;
        return authenticate(&state.pages().operators, presented)
            .map(|key| Operator {
                key: key.clone(),
                session: None,
            })
            .ok_or(Denied::BadBearer);
    }
    let value = cookie_value(headers).ok_or(Denied::Login)?;
    let key = session_key(state, value, state.now()).ok_or(Denied::Login)?;
    Ok(Operator {
        key,
        session: Some(value.to_owned()),
    })
}

impl Operator {
    /// The CSRF token of this session's forms (none needed with a bearer header).
    pub(crate) fn csrf(&self, state: &AppState) -> String {
        match &self.session {
            Some(session) => state.csrf_token(&format!("operator-form:{session}")),
            None => String::new(),
        }
    }

    /// True when a form's `presented` token may act for this operator.
    pub(crate) fn csrf_valid(&self, state: &AppState, presented: &str) -> bool {
        match &self.session {
            Some(session) => state.csrf_valid(&format!("operator-form:{session}"), presented),
            None => true,
        }
    }
}

/// The login form's CSRF token: one per server start (it protects the login from being
/// posted by another site; the `Sec-Fetch-Site` check does the same in browsers that send
/// it).
pub(crate) fn login_csrf(state: &AppState) -> String {
    state.csrf_token("operator-login")
}

/// True unless the browser says the request came from another site.
pub(crate) fn same_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|site| matches!(site, "same-origin" | "none"))
}
