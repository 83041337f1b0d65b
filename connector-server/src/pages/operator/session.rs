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
        key.id(),
        session_mac(state, key.id(), expires)
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
    let (id, end, mac) = (parts.next()?, parts.next()?, parts.next()?);
    // The MAC covers the end as written, and only digits are taken (`+29800` would read as
    // 29800): one session, one spelling.
    if !end.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let expires: u64 = end.parse().ok()?;
    if now >= expires || expires > now.saturating_add(SESSION_SECONDS) {
        return None;
    }
    if !state.csrf_valid(&format!("operator-session:{id}:{end}"), mac) {
        return None;
    }
    state
        .pages()
        .operators
        .iter()
        .find(|k| k.id() == id)
        .cloned()
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use connector_core::testing::InMemorySts;
    use connector_core::{Clock, Connector, InMemoryConnectionStore, SystemClock, VendorPrincipal};

    use super::*;
    use crate::ServerConfig;
    use crate::directory::InMemoryDirectory;

    fn state(public_url: &str, keys: &[&OperatorKey]) -> AppState {
        state_with(public_url, keys, None)
    }

    fn state_with(
        public_url: &str,
        keys: &[&OperatorKey],
        server_key: Option<crate::secret::ServerKey>,
    ) -> AppState {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let caller = "arn:aws:sts::999988887777:assumed-role/connector/server"
            .parse()
            .unwrap();
        let connector = Connector::builder(
            VendorPrincipal::account("999988887777".parse().unwrap()),
            Arc::new(InMemoryConnectionStore::new()),
            Arc::new(InMemorySts::new(clock, caller)),
        )
        .build();
        let mut builder = AppState::builder(connector, Arc::new(InMemoryDirectory::new()))
            .with_config(ServerConfig {
                public_url: public_url.to_owned(),
                ..ServerConfig::default()
            });
        for key in keys {
            builder = builder.with_operator_key((*key).clone());
        }
        if let Some(server_key) = server_key {
            builder = builder.with_server_key(server_key);
        }
        builder.build().unwrap()
    }

    #[test]
    fn instances_with_the_same_server_key_honour_each_others_sessions_and_forms() {
        use crate::secret::ServerKey;
        let (key, _) = OperatorKey::issue("oncall", true).unwrap();
        let shared = ServerKey::generate().unwrap();
        let text = shared.to_base64();
        let copy = || ServerKey::from_base64(secrecy::ExposeSecret::expose_secret(&text)).unwrap();
        let a = state_with("https://connector.example.com", &[&key], Some(copy()));
        let b = state_with("https://connector.example.com", &[&key], Some(copy()));
        let value = new_session(&a, &key, 1_000);
        assert!(session_key(&b, &value, 1_001).is_some());
        let form = a.csrf_token("page-token-id");
        assert!(b.csrf_valid("page-token-id", &form));
        assert!(!b.csrf_valid("another-page-token-id", &form));
        // An instance with its own key (none given, or another one) honours neither.
        for other in [
            state_with("https://connector.example.com", &[&key], None),
            state_with(
                "https://connector.example.com",
                &[&key],
                Some(ServerKey::generate().unwrap()),
            ),
        ] {
            assert!(session_key(&other, &value, 1_001).is_none());
            assert!(!other.csrf_valid("page-token-id", &form));
        }
    }

    #[test]
    fn the_session_cookie_is_secure_over_https_only() {
        let (key, _) = OperatorKey::issue("oncall", false).unwrap();
        let https = state("https://connector.example.com", &[&key]);
        let http = state("http://127.0.0.1:8080", &[&key]);
        let secure = set_cookie(&https, Some("v")).unwrap();
        assert!(secure.to_str().unwrap().ends_with("; Secure"));
        assert!(
            set_cookie(&https, None)
                .unwrap()
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
        let plain = set_cookie(&http, Some("v")).unwrap();
        assert!(!plain.to_str().unwrap().contains("Secure"));
        assert!(
            plain
                .to_str()
                .unwrap()
                .contains("HttpOnly; SameSite=Strict")
        );
    }

    #[test]
    fn a_session_ends_after_eight_hours() {
        let (key, _) = OperatorKey::issue("oncall", false).unwrap();
        let state = state("http://127.0.0.1:8080", &[&key]);
        let value = new_session(&state, &key, 1_000);
        assert!(session_key(&state, &value, 1_000).is_some());
        assert!(session_key(&state, &value, 1_000 + SESSION_SECONDS - 1).is_some());
        assert!(session_key(&state, &value, 1_000 + SESSION_SECONDS).is_none());
        // Made "in the future" (a clock gone back, or a forged end): refused too.
        assert!(session_key(&state, &value, 0).is_none());
    }

    #[test]
    fn a_session_of_a_key_no_longer_configured_or_of_another_server_opens_nothing() {
        let (kept, _) = OperatorKey::issue("kept", false).unwrap();
        let (removed, _) = OperatorKey::issue("removed", true).unwrap();
        let state_now = state("http://127.0.0.1:8080", &[&kept]);
        let value = new_session(&state_now, &removed, 1_000);
        assert!(session_key(&state_now, &value, 1_000).is_none());
        let other_server = state("http://127.0.0.1:8080", &[&kept]);
        let value = new_session(&other_server, &kept, 1_000);
        assert!(session_key(&state_now, &value, 1_000).is_none());
        for junk in ["", "x", "a.b.c", "0000000000000000.99999999999999999999.00"] {
            assert!(session_key(&state_now, junk, 1_000).is_none(), "{junk}");
        }
    }

    #[test]
    fn a_tenant_key_or_page_token_is_no_operator_key() {
        let (key, text) = OperatorKey::issue("oncall", true).unwrap();
        let keys = [key];
        assert!(authenticate(&keys, secrecy::ExposeSecret::expose_secret(&text)).is_some());
        let tenant = crate::secret::mint(crate::secret::SecretKind::ApiKey).unwrap();
        let page = crate::secret::mint(crate::secret::SecretKind::PageToken).unwrap();
        for other in [tenant.into_text(), page.into_text()] {
            let other = secrecy::ExposeSecret::expose_secret(&other).to_owned();
            assert!(authenticate(&keys, &other).is_none());
            // Even with the operator key's id spliced in.
            let spliced = format!("op.{}.{}", keys[0].id(), other.rsplit('.').next().unwrap());
            assert!(authenticate(&keys, &spliced).is_none());
        }
    }

    #[test]
    fn a_mac_in_another_spelling_is_not_the_mac() {
        // `from_str_radix` reads `+a` as `0a` and `A` as `a`: a token must not be accepted
        // spelled with a `+` for a leading `0`, or in capitals (one token, one spelling).
        let state = state("http://127.0.0.1:8080", &[]);
        let id = (0..1_000)
            .map(|i| format!("operator-session:{i}"))
            .find(|id| state.csrf_token(id).starts_with('0'))
            .unwrap();
        let token = state.csrf_token(&id);
        assert!(state.csrf_valid(&id, &token));
        assert!(!state.csrf_valid(&id, &format!("+{}", token.strip_prefix('0').unwrap())));
        assert!(!state.csrf_valid(&id, &token.to_uppercase()));
        // The session's end too: `+END` and `0END` are not `END`.
        let (key, _) = OperatorKey::issue("oncall", true).unwrap();
        let state = self::state("http://127.0.0.1:8080", &[&key]);
        let value = new_session(&state, &key, 1_000);
        let mut parts = value.splitn(3, '.');
        let (id, end, mac) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        for end in [format!("+{end}"), format!("0{end}")] {
            assert!(
                session_key(&state, &format!("{id}.{end}.{mac}"), 1_000).is_none(),
                "{end}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn a_session_value_changed_anywhere_opens_nothing(at in 0usize..200, byte in 0x21u8..0x7f) {
            let (key, _) = OperatorKey::issue("oncall", true).unwrap();
            let state = state("http://127.0.0.1:8080", &[&key]);
            let value = new_session(&state, &key, 1_000);
            let at = at % value.len();
            let mut bytes = value.clone().into_bytes();
            proptest::prop_assume!(bytes[at] != byte);
            bytes[at] = byte;
            let changed = String::from_utf8(bytes).unwrap();
            proptest::prop_assert!(session_key(&state, &changed, 1_000).is_none(), "{changed}");
        }

        #[test]
        fn arbitrary_text_is_no_session_and_no_operator_key(text in ".{0,200}") {
            let (key, _) = OperatorKey::issue("oncall", true).unwrap();
            let state = state("http://127.0.0.1:8080", &[&key]);
            proptest::prop_assert!(session_key(&state, &text, 1_000).is_none());
            proptest::prop_assert!(authenticate(&[key], &text).is_none());
        }
    }
}
