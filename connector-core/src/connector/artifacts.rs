//! The onboarding artifacts of a connection (feature `onboarding`): the trust policy with its
//! External ID (both during a rotation), the permission set it grants, as CloudFormation,
//! StackSets, Terraform or manual steps. A web-identity connection's artifacts create the
//! customer's IAM OIDC provider for the connector's issuer (or reuse one) and a role that
//! trusts the connection's token subject.

use onboarding::{OidcOnboarding, Onboarding, OnboardingBuilder};
use permission_sets::ParameterValues;
use trust_policy::{CrossAccountTrust, SubjectMatch};

use super::Connector;
use crate::{ConnectionId, ConnectionKind, ConnectorError};

impl Connector {
    /// The artifacts of the connection, with the permission set's parameters filled in by
    /// `values`. During an External ID rotation the trust policy accepts both ids (the
    /// transitional policy); after it, only the new one.
    pub async fn artifacts(
        &self,
        id: &ConnectionId,
        values: ParameterValues,
    ) -> Result<Onboarding, ConnectorError> {
        Ok(self.onboarding(id).await?.with_values(values).build()?)
    }

    /// The artifacts' builder, with the connection's trust and permission set in place, for
    /// the rest (parameter values, role name, session duration, policy target) to be set.
    pub async fn onboarding(&self, id: &ConnectionId) -> Result<OnboardingBuilder, ConnectorError> {
        let connection = self.get(id).await?;
        let reference = connection.permission_set().ok_or_else(|| {
            ConnectorError::invalid(
                "permission set",
                "",
                "the connection grants no permission set (NewConnection::with_permission_set)",
            )
        })?;
        let set = self.permission_set(reference).ok_or_else(|| {
            ConnectorError::invalid(
                "permission set",
                &reference.to_string(),
                "the connector does not offer this permission set (ConnectorBuilder::with_permission_set)",
            )
        })?;
        if let ConnectionKind::WebIdentity { subject } = connection.kind() {
            let issuer = self.require_tokens()?.issuer().to_owned();
            // The tenant names the provider's resources; the subject is what the role pins.
            let tenant = subject
                .as_str()
                .strip_prefix("org/")
                .filter(|tenant| OidcOnboarding::new(&issuer, tenant).is_ok())
                .unwrap_or(connection.id().as_str());
            let mut oidc = OidcOnboarding::new(&issuer, tenant)?
                .with_subject(SubjectMatch::Exact(subject.as_str().to_owned()))?;
            if let Some(account) = connection.account_id() {
                oidc = oidc.with_customer_account(account.clone());
            }
            return Ok(Onboarding::oidc_builder(oidc, set.clone()));
        }
        let mut trust =
            CrossAccountTrust::new(self.vendor().clone(), connection.external_id().clone());
        if let Some(next) = connection.next_external_id() {
            trust = trust.also_accept(next.clone())?;
        }
        Ok(Onboarding::builder(trust, set.clone()))
    }
}
