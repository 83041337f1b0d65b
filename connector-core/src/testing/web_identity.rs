//! `AssumeRoleWithWebIdentity`: the token, the account's OIDC provider, the role's trust
//! policy for the `Federated` principal, then fresh credentials.

use std::time::UNIX_EPOCH;

use iam_policy::{Decision, Request, RequestPrincipal};
use secrecy::ExposeSecret;

use super::InMemorySts;
use super::WEB_IDENTITY_CLOCK_SKEW;
use super::answers;
use super::assume::check_session_policy;
use super::state::role_key;
use crate::oidc::{TokenRejection, peek_issuer, verify_token};
use crate::{ProviderError, TemporaryCredentials, WebIdentityRequest};

impl InMemorySts {
    /// Answers a validated `AssumeRoleWithWebIdentity` that has arrived.
    pub(super) fn answer_web_identity(
        &self,
        request: &WebIdentityRequest,
    ) -> Result<TemporaryCredentials, ProviderError> {
        let now = self.inner.clock.now();
        let mut guard = self.state();
        let state = &mut *guard;
        if let Some(fault) = state.faults.take() {
            return Err(fault);
        }
        let token = request.token().expose_secret();
        let issuer_url = match peek_issuer(token) {
            Ok(issuer) => issuer,
            Err(rejection) => {
                state.last_denial = Some(format!("web identity token refused: {rejection}"));
                return Err(answers::invalid_identity_token(
                    "The web identity token could not be validated.",
                ));
            }
        };
        let role_arn = request.role_arn();
        let account = role_arn.account_id().to_string();
        // The provider is named by the token's issuer without the scheme; a non-https issuer
        // names no provider.
        let provider_name = issuer_url.strip_prefix("https://").map(str::to_owned);
        let Some(provider) = provider_name
            .as_ref()
            .and_then(|name| state.oidc.get(&(account.clone(), name.clone())))
        else {
            state.last_denial = Some(format!("no OIDC provider for {issuer_url}"));
            return Err(answers::no_oidc_provider(&issuer_url));
        };
        let now_secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let verified = verify_token(
            token,
            &provider.jwks,
            &issuer_url,
            &provider.audiences,
            now_secs,
            WEB_IDENTITY_CLOCK_SKEW,
        );
        let claims = match verified {
            Ok(claims) => claims,
            Err(rejection) => {
                state.last_denial = Some(format!("web identity token refused: {rejection}"));
                return Err(match rejection {
                    TokenRejection::Expired => answers::expired_identity_token(),
                    TokenRejection::Audience => {
                        answers::invalid_identity_token("Incorrect token audience")
                    }
                    TokenRejection::UnknownKid(_) => answers::invalid_identity_token(
                        "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements",
                    ),
                    other => answers::invalid_identity_token(format!(
                        "The web identity token could not be validated: {other}"
                    )),
                });
            }
        };
        let issuer = provider_name.unwrap_or_default();
        state.check_region(&account, request.region())?;
        if let Some(policy) = request.session_policy() {
            check_session_policy(policy)?;
        }
        let Some(role) = state
            .roles
            .get(&role_key(role_arn))
            .filter(|role| role.arn == *role_arn)
        else {
            state.last_denial = Some(format!("no role {role_arn}"));
            return Err(answers::web_identity_denied());
        };

        let provider = format!(
            "arn:{}:iam::{account}:oidc-provider/{}",
            role_arn.partition(),
            issuer
        );
        let mut evaluated = Request::new("sts:AssumeRoleWithWebIdentity", role_arn.to_string())
            .with_principal(RequestPrincipal::Federated(provider.clone()))
            .with_context(format!("{}:aud", issuer), claims.audience.clone())
            .with_context(format!("{}:sub", issuer), claims.subject.clone())
            .with_context("sts:RoleSessionName", request.session_name().as_str())
            .with_context("aws:FederatedProvider", provider);
        if let Some(region) = request.region() {
            evaluated.set_context("aws:RequestedRegion", region.as_str());
        }
        let evaluation = role.trust.evaluate(&evaluated);
        if evaluation.decision != Decision::Allow {
            let why = match evaluation.deciding_statement() {
                Some(statement) if evaluation.decision == Decision::ExplicitDeny => {
                    format!("explicitly denied by statement {}", statement.index)
                }
                _ => format!(
                    "no statement allows {} with sub {:?} and aud {:?}",
                    issuer, claims.subject, claims.audience
                ),
            };
            state.last_denial = Some(format!(
                "{role_arn}: sts:AssumeRoleWithWebIdentity is not allowed: {why}"
            ));
            return Err(answers::web_identity_denied());
        }
        if request.duration() > role.max_session {
            return Err(answers::validation(format!(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role. ({} s requested, {} s allowed)",
                request.duration().as_secs(),
                role.max_session.as_secs()
            )));
        }
        let (arn, unique_id) = (role.arn.clone(), role.unique_id.clone());
        state.issue(
            &arn,
            &unique_id,
            request.session_name().as_str(),
            now,
            request.duration(),
        )
    }
}
