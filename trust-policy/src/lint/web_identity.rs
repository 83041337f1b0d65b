//! What the vendor expects of a web identity (OIDC) trust policy: [`WebIdentityExpectation`],
//! the `sts:AssumeRoleWithWebIdentity` call the vendor makes with its own token.

use iam_policy::{AccountId, Partition};

use crate::TrustPolicyError;
use crate::finish::{DEFAULT_TRUST_POLICY_LIMIT, check_limit};
use crate::oidc::{check_claim, issuer_host_path};

/// What the vendor expects a web identity trust policy to admit: its token (issuer, audience,
/// subject) presented to STS through the OIDC provider registered in the customer's account.
///
/// ```
/// use trust_policy::{OidcTrust, SubjectMatch, TrustPolicyLint, WebIdentityExpectation};
/// let account = "111122223333".parse()?;
/// let policy = OidcTrust::new(account, "https://id.example.com")?
///     .with_audience("sts.amazonaws.com")?
///     .with_subject(SubjectMatch::Exact("org/acme".into()))?
///     .policy()?;
/// let expectation = WebIdentityExpectation::new(
///     "111122223333".parse()?,
///     "https://id.example.com",
///     "sts.amazonaws.com",
///     "org/acme",
/// )?;
/// assert_eq!(expectation.provider_arn(), "arn:aws:iam::111122223333:oidc-provider/id.example.com");
/// let report = TrustPolicyLint::web_identity(expectation).lint(&policy);
/// assert!(report.vendor_may_connect(), "{:?}", report.findings);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebIdentityExpectation {
    account: AccountId,
    partition: Partition,
    issuer: String,
    audience: String,
    subject: String,
    session_name: Option<String>,
    size_limit: usize,
}

impl WebIdentityExpectation {
    /// Expect the vendor's token from `issuer` (an `https://` URL, or its host and path) with
    /// this `audience` (`aud` claim) and `subject` (`sub` claim), through the OIDC provider in
    /// the customer's `account`, under the default 2,048-character quota.
    pub fn new(
        account: AccountId,
        issuer: &str,
        audience: &str,
        subject: &str,
    ) -> Result<WebIdentityExpectation, TrustPolicyError> {
        let issuer = issuer_host_path(issuer)?;
        check_claim("audience", audience)?;
        check_claim("subject", subject)?;
        Ok(WebIdentityExpectation {
            account,
            partition: Partition::Aws,
            issuer,
            audience: audience.to_owned(),
            subject: subject.to_owned(),
            session_name: None,
            size_limit: DEFAULT_TRUST_POLICY_LIMIT,
        })
    }

    /// Sets the partition of the OIDC provider ARN.
    pub fn with_partition(mut self, partition: Partition) -> WebIdentityExpectation {
        self.partition = partition;
        self
    }

    /// The `RoleSessionName` the vendor sends (`sts:RoleSessionName`), so conditions on it
    /// are simulated with the real value.
    pub fn with_session_name(
        mut self,
        name: &str,
    ) -> Result<WebIdentityExpectation, TrustPolicyError> {
        // AWS STS API Reference, AssumeRoleWithWebIdentity, RoleSessionName: "a string of
        // characters consisting of upper- and lower-case alphanumeric characters with no
        // spaces. You can also include underscores or any of the following characters:
        // =,.@-"; the same reference gives the length as 2 to 64 and the pattern
        // `[\w+=,.@-]*` (so `+` is accepted too).
        let valid = (2..=64).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
        if !valid {
            return Err(TrustPolicyError::invalid(
                "role session name",
                name,
                "a role session name is 2 to 64 letters, digits or _+=,.@-",
            ));
        }
        self.session_name = Some(name.to_owned());
        Ok(self)
    }

    /// Use a raised quota (at most 4,096).
    pub fn with_size_limit(
        mut self,
        limit: usize,
    ) -> Result<WebIdentityExpectation, TrustPolicyError> {
        self.size_limit = check_limit(limit)?;
        Ok(self)
    }

    /// The issuer as IAM writes it in ARNs and condition keys (host and path, no scheme).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The audience of the vendor's token.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The subject of the vendor's token.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The role session name the vendor sends, when set.
    pub fn session_name(&self) -> Option<&str> {
        self.session_name.as_deref()
    }

    /// The trust policy quota in characters.
    pub fn size_limit(&self) -> usize {
        self.size_limit
    }

    /// The OIDC provider ARN in the customer's account: the `Federated` principal STS
    /// evaluates the call as.
    pub fn provider_arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:oidc-provider/{}",
            self.partition, self.account, self.issuer
        )
    }
}
