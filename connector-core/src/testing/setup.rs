//! Arranging the world: roles, OIDC providers, regions and test tokens, checked like IAM
//! checks them.

use std::time::{Duration, UNIX_EPOCH};

use iam_policy::{AccountId, PolicyDocument, PolicyKind, Region, RoleArn, Severity, Validator};

use super::state::{OidcProvider, Role, issuer_claim, issuer_host_path, role_key};
use super::token::{self, Claims};
use super::{DEFAULT_TEST_TOKEN_TTL, InMemorySts, SetupError};
use crate::oidc::Jwks;

/// IAM `CreateRole`: `MaxSessionDuration` is 3,600 to 43,200 seconds.
const ROLE_MAX_SESSION: std::ops::RangeInclusive<Duration> =
    Duration::from_secs(3_600)..=Duration::from_secs(43_200);

/// IAM `CreateOpenIDConnectProvider`: at most 100 client ids of 1 to 255 characters.
const MAX_AUDIENCES: usize = 100;

fn check_trust_policy(role: &RoleArn, trust: &PolicyDocument) -> Result<(), SetupError> {
    let findings: Vec<_> = Validator::new(PolicyKind::trust_policy())
        .validate(trust)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if findings.is_empty() {
        Ok(())
    } else {
        Err(SetupError::MalformedTrustPolicy {
            role: role.to_string(),
            findings,
        })
    }
}

impl InMemorySts {
    /// Creates a role with its trust policy and maximum session (IAM `CreateRole`).
    ///
    /// Refused, as IAM refuses them: a trust policy in which `iam_policy::Validator` with
    /// `PolicyKind::trust_policy()` finds errors (moto would accept it), a maximum session
    /// outside 3,600 to 43,200 seconds, and a role whose name (case-insensitive) the account
    /// already has.
    pub fn create_role(
        &self,
        role_arn: RoleArn,
        trust_policy: PolicyDocument,
        max_session: Duration,
    ) -> Result<(), SetupError> {
        check_trust_policy(&role_arn, &trust_policy)?;
        if !ROLE_MAX_SESSION.contains(&max_session) {
            return Err(SetupError::InvalidMaxSession {
                role: role_arn.to_string(),
                seconds: max_session.as_secs(),
            });
        }
        let mut state = self.state();
        let key = role_key(&role_arn);
        if state.roles.contains_key(&key) {
            return Err(SetupError::RoleAlreadyExists(role_arn.to_string()));
        }
        let unique_id = state.ids.role_id();
        state.roles.insert(
            key,
            Role {
                arn: role_arn,
                unique_id,
                trust: trust_policy,
                max_session,
            },
        );
        Ok(())
    }

    /// Replaces a role's trust policy (IAM `UpdateAssumeRolePolicy`), checked as in
    /// [`create_role`](Self::create_role). Sessions already issued keep working until they
    /// expire; the next `AssumeRole` is judged by the new policy.
    pub fn update_trust_policy(
        &self,
        role_arn: &RoleArn,
        trust_policy: PolicyDocument,
    ) -> Result<(), SetupError> {
        check_trust_policy(role_arn, &trust_policy)?;
        match self.state().roles.get_mut(&role_key(role_arn)) {
            Some(role) if role.arn == *role_arn => {
                role.trust = trust_policy;
                Ok(())
            }
            _ => Err(SetupError::NoSuchRole(role_arn.to_string())),
        }
    }

    /// Deletes a role (IAM `DeleteRole`): the customer revokes access. Later `AssumeRole`
    /// calls are denied; credentials already issued keep working until they expire.
    pub fn delete_role(&self, role_arn: &RoleArn) -> Result<(), SetupError> {
        let mut state = self.state();
        let key = role_key(role_arn);
        match state.roles.get(&key) {
            Some(role) if role.arn == *role_arn => {
                state.roles.remove(&key);
                Ok(())
            }
            _ => Err(SetupError::NoSuchRole(role_arn.to_string())),
        }
    }

    /// True when a role with exactly this ARN exists.
    pub fn role_exists(&self, role_arn: &RoleArn) -> bool {
        self.role_unique_id(role_arn).is_some()
    }

    /// The role's unique id (`AROA…`), which `GetCallerIdentity` reports as the first part of
    /// a session's user id.
    pub fn role_unique_id(&self, role_arn: &RoleArn) -> Option<String> {
        self.state()
            .roles
            .get(&role_key(role_arn))
            .filter(|role| role.arn == *role_arn)
            .map(|role| role.unique_id.clone())
    }

    /// Registers an OIDC identity provider in `account` (IAM `CreateOpenIDConnectProvider`):
    /// `issuer_url` is `https://HOST[/PATH]` (the scheme may be left out), `audiences` the
    /// client ids a token's `aud` must be one of. Its JWKS is that of this instance's test
    /// key, which signs [`issue_test_token`](Self::issue_test_token)'s tokens.
    pub fn create_oidc_provider(
        &self,
        account: &AccountId,
        issuer_url: &str,
        audiences: &[&str],
    ) -> Result<(), SetupError> {
        let jwks = token::jwks(self.test_key());
        self.create_oidc_provider_with_jwks(account, issuer_url, audiences, jwks)
    }

    /// Registers an OIDC identity provider whose issuer publishes `jwks` (what AWS fetches from
    /// the issuer's `jwks_uri`, e.g. [`Issuer::jwks`](crate::oidc::Issuer::jwks)). Checked as
    /// in [`create_oidc_provider`](Self::create_oidc_provider).
    pub fn create_oidc_provider_with_jwks(
        &self,
        account: &AccountId,
        issuer_url: &str,
        audiences: &[&str],
        jwks: Jwks,
    ) -> Result<(), SetupError> {
        let issuer = issuer_host_path(issuer_url).map_err(|rule| SetupError::InvalidIssuer {
            issuer: issuer_url.to_owned(),
            rule,
        })?;
        if audiences.len() > MAX_AUDIENCES {
            return Err(SetupError::InvalidAudience {
                audience: format!("{} client ids", audiences.len()),
                rule: "an OIDC provider has at most 100 client ids",
            });
        }
        if let Some(bad) = audiences
            .iter()
            .find(|a| a.is_empty() || a.len() > 255 || a.chars().any(char::is_control))
        {
            return Err(SetupError::InvalidAudience {
                audience: (*bad).to_owned(),
                rule: "a client id is 1 to 255 characters without control characters",
            });
        }
        let mut state = self.state();
        let key = (account.to_string(), issuer);
        if state.oidc.contains_key(&key) {
            return Err(SetupError::OidcProviderAlreadyExists {
                account: key.0,
                issuer: key.1,
            });
        }
        state.oidc.insert(
            key,
            OidcProvider {
                audiences: audiences.iter().map(|a| (*a).to_owned()).collect(),
                jwks,
            },
        );
        Ok(())
    }

    /// Replaces the JWKS of `account`'s provider for `issuer_url`: AWS refetching the issuer's
    /// keys (after a rotation, or once its cache expired).
    pub fn set_oidc_provider_jwks(
        &self,
        account: &AccountId,
        issuer_url: &str,
        jwks: Jwks,
    ) -> Result<(), SetupError> {
        let issuer = issuer_claim(issuer_url);
        match self
            .state()
            .oidc
            .get_mut(&(account.to_string(), issuer.clone()))
        {
            Some(provider) => {
                provider.jwks = jwks;
                Ok(())
            }
            None => Err(SetupError::NoSuchOidcProvider {
                account: account.to_string(),
                issuer,
            }),
        }
    }

    /// Removes an OIDC provider (IAM `DeleteOpenIDConnectProvider`): its tokens are no longer
    /// accepted in `account`.
    pub fn delete_oidc_provider(
        &self,
        account: &AccountId,
        issuer_url: &str,
    ) -> Result<(), SetupError> {
        let issuer = issuer_claim(issuer_url);
        match self
            .state()
            .oidc
            .remove(&(account.to_string(), issuer.clone()))
        {
            Some(_) => Ok(()),
            None => Err(SetupError::NoSuchOidcProvider {
                account: account.to_string(),
                issuer,
            }),
        }
    }

    /// A signed JWT this STS accepts from a provider made with
    /// [`create_oidc_provider`](Self::create_oidc_provider): `iss` is `https://` and `issuer`
    /// (given with or without the scheme), `sub` and `aud` as given, `iat` and `nbf` the
    /// clock's now, `exp` [`DEFAULT_TEST_TOKEN_TTL`] later, signed ES256 with this instance's
    /// test key (`kid` in the header). Other instances reject it (another key).
    pub fn issue_test_token(&self, issuer: &str, subject: &str, audience: &str) -> String {
        self.issue_test_token_with_ttl(issuer, subject, audience, DEFAULT_TEST_TOKEN_TTL)
    }

    /// [`issue_test_token`](Self::issue_test_token) valid for `ttl`.
    pub fn issue_test_token_with_ttl(
        &self,
        issuer: &str,
        subject: &str,
        audience: &str,
        ttl: Duration,
    ) -> String {
        let now = self
            .inner
            .clock
            .now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let iss = format!("https://{}", issuer_claim(issuer));
        let claims = Claims {
            iss: &iss,
            sub: subject,
            aud: audience,
            iat: now,
            nbf: now,
            exp: now.saturating_add(ttl.as_secs()),
            jti: token::random_jti(),
        };
        token::sign(self.test_key(), &claims)
    }

    /// The JWKS of this instance's test key: what a provider made with
    /// [`create_oidc_provider`](Self::create_oidc_provider) holds.
    pub fn test_jwks(&self) -> Jwks {
        token::jwks(self.test_key())
    }

    /// Deactivates STS in `region` for `account`: calls to that regional endpoint about the
    /// account's roles or credentials fail with `RegionDisabled`. Calls without a region (the
    /// global endpoint) are not affected.
    pub fn disable_region(&self, account: &AccountId, region: &Region) {
        self.state()
            .disabled_regions
            .insert((account.to_string(), region.as_str().to_owned()));
    }

    /// Activates STS in `region` for `account` again.
    pub fn enable_region(&self, account: &AccountId, region: &Region) {
        self.state()
            .disabled_regions
            .remove(&(account.to_string(), region.as_str().to_owned()));
    }
}
