//! `AssumeRole`: the caller, the region, the session policy, the role's trust policy through
//! `trust_policy::simulate`, the role's limits, then fresh credentials.

use iam_policy::{Arn, Decision, PolicyDocument, PolicyKind, Region, Severity, Validator};

use super::answers;
use super::state::{State, role_key};
use super::{InMemorySts, PACKED_POLICY_LIMIT};
use crate::{AssumeRoleRequest, MAX_CHAINED_SESSION, ProviderError, TemporaryCredentials};

/// True when `caller` is a role session: assuming another role is then role chaining.
fn is_role_session(caller: &Arn) -> bool {
    caller.service() == "sts" && caller.resource().starts_with("assumed-role/")
}

/// `MalformedPolicyDocument` when IAM would refuse the session policy.
pub(super) fn check_session_policy(policy: &PolicyDocument) -> Result<(), ProviderError> {
    let errors: Vec<String> = Validator::new(PolicyKind::SessionPolicy)
        .validate(policy)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{} at {}", f.message, f.location.path))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(answers::malformed_policy(errors.join("; ")))
    }
}

impl State {
    /// `RegionDisabled` when STS is deactivated in `region` for `account`.
    pub(super) fn check_region(
        &self,
        account: &str,
        region: Option<&Region>,
    ) -> Result<(), ProviderError> {
        match region {
            Some(region)
                if self
                    .disabled_regions
                    .contains(&(account.to_owned(), region.as_str().to_owned())) =>
            {
                Err(answers::region_disabled(account))
            }
            _ => Ok(()),
        }
    }
}

/// The approximate packed size: session policy, policy ARNs and tags, in characters.
fn packed_size(request: &AssumeRoleRequest) -> usize {
    let policy = request.session_policy().map_or(0, iam_policy::policy_size);
    let arns: usize = request
        .policy_arns()
        .iter()
        .map(|arn| arn.to_string().len())
        .sum();
    let tags: usize = request
        .tags()
        .iter()
        .map(|(key, value)| key.chars().count() + value.chars().count())
        .sum();
    policy + arns + tags
}

impl InMemorySts {
    /// Answers a validated `AssumeRole` that has arrived.
    pub(super) fn answer_assume_role(
        &self,
        request: &AssumeRoleRequest,
    ) -> Result<TemporaryCredentials, ProviderError> {
        let now = self.inner.clock.now();
        let mut guard = self.state();
        let state = &mut *guard;
        if let Some(fault) = state.faults.take() {
            return Err(fault);
        }
        let caller = state.caller.clone();
        let role_arn = request.role_arn();
        if caller.service() == "iam" && caller.resource() == "root" {
            state.last_denial = Some(format!("{caller} is an account root"));
            return Err(answers::root_denied());
        }
        if caller.service() == "sts" && caller.resource().starts_with("federated-user/") {
            state.last_denial = Some(format!(
                "{caller} is a federated user; GetFederationToken credentials cannot call STS"
            ));
            return Err(answers::assume_role_denied(&caller, role_arn));
        }
        state.check_region(role_arn.account_id().as_str(), request.region())?;
        if let Some(policy) = request.session_policy() {
            check_session_policy(policy)?;
        }
        let role = match state.roles.get(&role_key(role_arn)) {
            Some(role) if role.arn == *role_arn => role,
            Some(role) => {
                state.last_denial = Some(format!(
                    "no role {role_arn}; the account has {} (the ARN must match, path included)",
                    role.arn
                ));
                return Err(answers::assume_role_denied(&caller, role_arn));
            }
            None => {
                state.last_denial = Some(format!("no role {role_arn}"));
                return Err(answers::assume_role_denied(&caller, role_arn));
            }
        };

        let mut simulated = trust_policy::AssumeRoleAttempt::new(caller.clone())
            .with_role(role_arn.clone())
            .with_session_name(request.session_name().as_str());
        if let Some(external_id) = request.external_id() {
            simulated = simulated.with_external_id(external_id.as_str());
        }
        if let Some(identity) = request.source_identity() {
            simulated = simulated.with_source_identity(identity);
        }
        if let Some(region) = request.region() {
            simulated = simulated.with_region(region.clone());
        }
        for (key, value) in request.tags() {
            simulated = simulated.with_tag(key.clone(), value.clone());
        }
        let simulation = trust_policy::simulate(&role.trust, &simulated);
        if simulation.decision != Decision::Allow {
            state.last_denial = Some(format!("{role_arn}: {}", simulation.explanation));
            return Err(answers::assume_role_denied(&caller, role_arn));
        }

        if request.duration() > role.max_session {
            return Err(answers::validation(format!(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role. ({} s requested, {} s allowed)",
                request.duration().as_secs(),
                role.max_session.as_secs()
            )));
        }
        if (request.is_chained() || is_role_session(&caller))
            && request.duration() > MAX_CHAINED_SESSION
        {
            return Err(answers::validation(format!(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining. ({} s requested)",
                request.duration().as_secs()
            )));
        }
        let packed = packed_size(request);
        if packed > PACKED_POLICY_LIMIT {
            return Err(answers::packed_too_large(
                packed.saturating_mul(100).div_ceil(PACKED_POLICY_LIMIT),
            ));
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
