//! What the STS remembers, behind one mutex: roles, OIDC providers, disabled regions, issued
//! credentials, faults and counters.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, SystemTime};

use iam_policy::{Arn, PolicyDocument, RoleArn};
use secrecy::SecretString;

use super::faults::{CallCounts, Faults};
use super::mint::IdGenerator;
use crate::oidc::Jwks;
use crate::{ProviderError, ProviderErrorKind, TemporaryCredentials};

/// A role of some account.
#[derive(Debug)]
pub(super) struct Role {
    /// The ARN exactly as created (path and case included).
    pub(super) arn: RoleArn,
    /// `AROA...`: stable for the role's life, new when a role of the same name is recreated.
    pub(super) unique_id: String,
    pub(super) trust: PolicyDocument,
    pub(super) max_session: Duration,
}

/// An IAM OIDC identity provider: its client ids and the issuer's JWKS (as AWS fetched it).
#[derive(Debug)]
pub(super) struct OidcProvider {
    pub(super) audiences: Vec<String>,
    pub(super) jwks: Jwks,
}

/// Credentials this STS issued. The secrets are kept in `secrecy` types.
pub(super) struct Issued {
    pub(super) secret_access_key: SecretString,
    pub(super) session_token: SecretString,
    pub(super) role: RoleArn,
    pub(super) role_id: String,
    pub(super) session_name: String,
    pub(super) expires: SystemTime,
}

pub(super) struct State {
    /// Who calls `AssumeRole` (the vendor's own identity).
    pub(super) caller: Arn,
    /// Keyed by [`role_key`].
    pub(super) roles: BTreeMap<String, Role>,
    /// (account, issuer host and path) to the provider.
    pub(super) oidc: BTreeMap<(String, String), OidcProvider>,
    /// (account, region) where STS is deactivated.
    pub(super) disabled_regions: BTreeSet<(String, String)>,
    /// By access key id.
    pub(super) issued: HashMap<String, Issued>,
    pub(super) faults: Faults,
    pub(super) ids: IdGenerator,
    pub(super) calls: CallCounts,
    pub(super) last_denial: Option<String>,
}

impl State {
    /// Mints credentials for a session of `role` and remembers them by access key id.
    pub(super) fn issue(
        &mut self,
        role: &RoleArn,
        role_id: &str,
        session_name: &str,
        now: SystemTime,
        duration: Duration,
    ) -> Result<TemporaryCredentials, ProviderError> {
        let expires = now.checked_add(duration).ok_or_else(|| {
            ProviderError::new(
                ProviderErrorKind::Other,
                "the session would end after the end of representable time",
            )
        })?;
        let access_key_id = self.ids.access_key_id();
        let secret_access_key = self.ids.secret_access_key();
        let session_token = self.ids.session_token();
        let credentials = TemporaryCredentials::new(
            access_key_id.clone(),
            secret_access_key.clone(),
            session_token.clone(),
            expires,
        );
        self.issued.insert(
            access_key_id,
            Issued {
                secret_access_key: SecretString::from(secret_access_key),
                session_token: SecretString::from(session_token),
                role: role.clone(),
                role_id: role_id.to_owned(),
                session_name: session_name.to_owned(),
                expires,
            },
        );
        Ok(credentials)
    }
}

/// IAM role names are unique per account regardless of case.
pub(super) fn role_key(role: &RoleArn) -> String {
    format!(
        "{}:{}:{}",
        role.partition(),
        role.account_id(),
        role.role_name().to_ascii_lowercase()
    )
}

/// An OIDC issuer as IAM names it in ARNs and condition keys: host and path, no `https://`
/// and no trailing `/`. Rules from IAM `CreateOpenIDConnectProvider`.
pub(super) fn issuer_host_path(issuer: &str) -> Result<String, &'static str> {
    if issuer.len() > 255 {
        return Err("an OIDC provider URL is at most 255 characters");
    }
    let rest = match issuer.split_once("://") {
        Some(("https", rest)) => rest,
        Some(_) => return Err("an OIDC provider URL must use https://"),
        None => issuer,
    };
    let rest = rest.trim_end_matches('/');
    let host = rest.split('/').next().unwrap_or(rest);
    let host_ok = host.contains('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if !host_ok {
        return Err(
            "the issuer needs a DNS host name such as id.example.com (no port or user info)",
        );
    }
    if rest.contains(['?', '#', ' ', '"', '\\']) || rest.chars().any(char::is_control) {
        return Err("the issuer URL cannot hold a query, a fragment, spaces or quotes");
    }
    Ok(rest.to_owned())
}

/// Best effort for tokens: whatever the test passes, as the claim STS would compare.
pub(super) fn issuer_claim(issuer: &str) -> String {
    issuer_host_path(issuer).unwrap_or_else(|_| {
        issuer
            .strip_prefix("https://")
            .unwrap_or(issuer)
            .trim_end_matches('/')
            .to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_are_named_like_iam() {
        assert_eq!(
            issuer_host_path("https://id.example.com/").as_deref(),
            Ok("id.example.com")
        );
        assert_eq!(
            issuer_host_path("id.example.com/tenant").as_deref(),
            Ok("id.example.com/tenant")
        );
        assert!(issuer_host_path("http://id.example.com").is_err());
        assert!(issuer_host_path("https://localhost:8080").is_err());
        assert!(issuer_host_path("https://id.example.com/?q=1").is_err());
        assert_eq!(issuer_claim("https://x/"), "x");
    }

    #[test]
    fn role_names_are_case_insensitive_per_account() {
        let a: RoleArn = "arn:aws:iam::111122223333:role/Vendor".parse().unwrap();
        let b: RoleArn = "arn:aws:iam::111122223333:role/path/vendor"
            .parse()
            .unwrap();
        let c: RoleArn = "arn:aws:iam::444455556666:role/vendor".parse().unwrap();
        assert_eq!(role_key(&a), role_key(&b));
        assert_ne!(role_key(&a), role_key(&c));
    }
}
