//! `GetCallerIdentity`: who credentials this STS issued belong to, while they last.

use secrecy::ExposeSecret;

use super::InMemorySts;
use super::answers;
use crate::{CallerIdentity, ProviderError, TemporaryCredentials};

impl InMemorySts {
    /// Answers a `GetCallerIdentity` signed with `credentials` that has arrived.
    pub(super) fn answer_caller_identity(
        &self,
        credentials: &TemporaryCredentials,
        region: Option<&iam_policy::Region>,
    ) -> Result<CallerIdentity, ProviderError> {
        let now = self.inner.clock.now();
        let mut guard = self.state();
        let state = &mut *guard;
        if let Some(fault) = state.faults.take() {
            return Err(fault);
        }
        let issued = state
            .issued
            .get(credentials.access_key_id())
            .ok_or_else(answers::invalid_client_token)?;
        if issued.session_token.expose_secret() != credentials.session_token().expose_secret() {
            return Err(answers::invalid_client_token());
        }
        if issued.secret_access_key.expose_secret()
            != credentials.secret_access_key().expose_secret()
        {
            return Err(answers::signature_mismatch());
        }
        if now >= issued.expires {
            return Err(answers::expired_credentials());
        }
        let account = issued.role.account_id().to_string();
        state.check_region(&account, region)?;
        Ok(CallerIdentity {
            arn: issued.role.assumed_role_arn(&issued.session_name),
            user_id: format!("{}:{}", issued.role_id, issued.session_name),
            account,
        })
    }
}
