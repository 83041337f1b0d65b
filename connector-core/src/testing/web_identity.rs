//! `AssumeRoleWithWebIdentity`: the token, the account's OIDC provider, the role's trust
//! policy for the `Federated` principal, then fresh credentials.

use std::time::UNIX_EPOCH;

use iam_policy::{Decision, Request, RequestPrincipal};
use secrecy::ExposeSecret;

use super::InMemorySts;
use super::answers;
use super::assume::check_session_policy;
use super::state::role_key;
use super::token;
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
        let claims = token::decode(self.inner.token_key, request.token().expose_secret())
            .ok_or_else(|| {
                answers::invalid_identity_token("The web identity token could not be validated.")
            })?;
        let now_secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        if claims.expires <= now_secs {
            return Err(answers::expired_identity_token());
        }
        let role_arn = request.role_arn();
        let account = role_arn.account_id().to_string();
        let Some(audiences) = state.oidc.get(&(account.clone(), claims.issuer.clone())) else {
            return Err(answers::invalid_identity_token(format!(
                "No OpenIDConnect provider found in your account for https://{}",
                claims.issuer
            )));
        };
        if !audiences.contains(&claims.audience) {
            return Err(answers::invalid_identity_token("Incorrect token audience"));
        }
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
            claims.issuer
        );
        let mut evaluated = Request::new("sts:AssumeRoleWithWebIdentity", role_arn.to_string())
            .with_principal(RequestPrincipal::Federated(provider.clone()))
            .with_context(format!("{}:aud", claims.issuer), claims.audience.clone())
            .with_context(format!("{}:sub", claims.issuer), claims.subject.clone())
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
                    claims.issuer, claims.subject, claims.audience
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
