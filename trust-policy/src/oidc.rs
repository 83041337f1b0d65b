//! `OidcTrust`: a trust policy for `AssumeRoleWithWebIdentity`, so a vendor (or a CI system)
//! reaches the role with an OIDC token and no stored keys.

use iam_policy::{
    AccountId, ActionClause, Condition, ConditionOperator, ConditionValue, OneOrMany, OperatorKind,
    Partition, PolicyDocument, Principal, PrincipalKind, Statement,
};

use crate::TrustPolicyError;
use crate::finish::{DEFAULT_TRUST_POLICY_LIMIT, check_limit, finish};

/// A token subject the role accepts: exactly, or as a `StringLike` pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SubjectMatch {
    /// `ISSUER:sub` must equal this.
    Exact(String),
    /// `ISSUER:sub` must match this pattern (`*` and `?`).
    Like(String),
}

/// A web identity trust policy: the `Federated` principal
/// `arn:aws:iam::ACCOUNT:oidc-provider/ISSUER`, `sts:AssumeRoleWithWebIdentity`, and the
/// `ISSUER:aud` and `ISSUER:sub` conditions (without a subject condition any identity of the
/// issuer could assume the role, so at least one subject is required).
///
/// ```
/// use trust_policy::{OidcTrust, SubjectMatch};
/// let policy = OidcTrust::new("111122223333".parse().unwrap(), "https://id.auto-nomos.com").unwrap()
///     .with_audience("sts.amazonaws.com").unwrap()
///     .with_subject(SubjectMatch::Exact("org/acme".into())).unwrap()
///     .policy().unwrap();
/// let json = policy.to_json();
/// assert!(json.contains(r#""Federated":"arn:aws:iam::111122223333:oidc-provider/id.auto-nomos.com""#));
/// assert!(json.contains(r#""id.auto-nomos.com:sub":"org/acme""#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcTrust {
    account: AccountId,
    partition: Partition,
    issuer: String,
    audiences: Vec<String>,
    subjects: Vec<SubjectMatch>,
    limit: usize,
}

impl OidcTrust {
    /// Trust tokens from `issuer` (an `https://` URL, or the host and path alone) through the
    /// OIDC provider registered in the customer's `account`.
    pub fn new(account: AccountId, issuer: &str) -> Result<OidcTrust, TrustPolicyError> {
        Ok(OidcTrust {
            account,
            partition: Partition::Aws,
            issuer: issuer_host_path(issuer)?,
            audiences: Vec::new(),
            subjects: Vec::new(),
            limit: DEFAULT_TRUST_POLICY_LIMIT,
        })
    }

    /// Sets the partition of the OIDC provider ARN.
    pub fn with_partition(mut self, partition: Partition) -> OidcTrust {
        self.partition = partition;
        self
    }

    /// Accepts tokens for this audience (`aud` claim); at least one is required.
    pub fn with_audience(mut self, audience: &str) -> Result<OidcTrust, TrustPolicyError> {
        check_claim("audience", audience)?;
        if !self.audiences.iter().any(|a| a == audience) {
            self.audiences.push(audience.to_owned());
        }
        Ok(self)
    }

    /// Accepts tokens whose subject (`sub` claim) matches; at least one is required.
    pub fn with_subject(mut self, subject: SubjectMatch) -> Result<OidcTrust, TrustPolicyError> {
        let text = match &subject {
            SubjectMatch::Exact(s) | SubjectMatch::Like(s) => s,
        };
        check_claim("subject", text)?;
        if let SubjectMatch::Like(pattern) = &subject
            && pattern.chars().all(|c| c == '*' || c == '?')
        {
            return Err(TrustPolicyError::invalid(
                "subject",
                pattern,
                "a subject pattern of only wildcards accepts every identity of the issuer; name the subject",
            ));
        }
        if !self.subjects.contains(&subject) {
            self.subjects.push(subject);
        }
        Ok(self)
    }

    /// Use a raised trust policy quota (up to 4,096 characters).
    pub fn with_size_limit(mut self, limit: usize) -> Result<OidcTrust, TrustPolicyError> {
        self.limit = check_limit(limit)?;
        Ok(self)
    }

    /// The issuer as IAM writes it in ARNs and condition keys (host and path, no scheme).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The OIDC provider ARN in the customer's account.
    pub fn provider_arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:oidc-provider/{}",
            self.partition, self.account, self.issuer
        )
    }

    /// Renders the trust policy, checked by the validator and the size quota.
    pub fn policy(&self) -> Result<PolicyDocument, TrustPolicyError> {
        if self.audiences.is_empty() {
            return Err(TrustPolicyError::invalid(
                "audience",
                "",
                "an OIDC trust policy needs at least one audience (the aud claim)",
            ));
        }
        if self.subjects.is_empty() {
            return Err(TrustPolicyError::invalid(
                "subject",
                "",
                "an OIDC trust policy needs at least one subject, or any identity of the issuer could assume the role",
            ));
        }
        let values = |items: Vec<String>| -> OneOrMany<ConditionValue> {
            if items.len() == 1 {
                OneOrMany::One(ConditionValue::from(items.concat()))
            } else {
                OneOrMany::Many(items.into_iter().map(ConditionValue::from).collect())
            }
        };
        let equals = ConditionOperator::new(OperatorKind::StringEquals);
        let mut condition = Condition::default().with(
            equals.clone(),
            format!("{}:aud", self.issuer),
            values(self.audiences.clone()),
        );
        let sub_key = format!("{}:sub", self.issuer);
        if self
            .subjects
            .iter()
            .all(|s| matches!(s, SubjectMatch::Exact(_)))
        {
            let exact = self
                .subjects
                .iter()
                .map(|s| match s {
                    SubjectMatch::Exact(s) | SubjectMatch::Like(s) => s.clone(),
                })
                .collect();
            condition = condition.with(equals, sub_key, values(exact));
        } else {
            // Values for one key under two operators would be ANDed, so every subject goes
            // under StringLike; exact ones get their wildcard characters escaped with the
            // `${*}` / `${?}` policy variables.
            let patterns = self
                .subjects
                .iter()
                .map(|s| match s {
                    SubjectMatch::Exact(s) => s.replace('*', "${*}").replace('?', "${?}"),
                    SubjectMatch::Like(p) => p.clone(),
                })
                .collect();
            condition = condition.with(
                ConditionOperator::new(OperatorKind::StringLike),
                sub_key,
                values(patterns),
            );
        }
        let statement = Statement::new(
            iam_policy::Effect::Allow,
            ActionClause::Action(OneOrMany::Many(vec![
                "sts:AssumeRoleWithWebIdentity".parse()?,
            ])),
        )
        .with_sid("WebIdentityAssumeRole")
        .with_principal(Principal::of(PrincipalKind::Federated, self.provider_arn()))
        .with_condition(condition);
        finish(PolicyDocument::new(vec![statement]), self.limit)
    }
}

/// IAM identifies an OIDC provider by its URL without `https://` (IAM `CreateOpenIDConnectProvider`
/// reference: the URL starts with https://, has a host and optional path, no query or fragment,
/// and is at most 255 characters).
pub(crate) fn issuer_host_path(issuer: &str) -> Result<String, TrustPolicyError> {
    let err = |rule: &str| TrustPolicyError::invalid("OIDC issuer", issuer, rule);
    if issuer.len() > 255 {
        return Err(err("an OIDC provider URL is at most 255 characters"));
    }
    let rest = match issuer.split_once("://") {
        Some(("https", rest)) => rest,
        Some(_) => return Err(err("an OIDC provider URL must use https://")),
        None => issuer,
    };
    let rest = rest.trim_end_matches('/');
    let (host, _path) = rest.split_once('/').unwrap_or((rest, ""));
    let host_ok = !host.is_empty()
        && host.contains('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if !host_ok {
        return Err(err(
            "the issuer needs a DNS host name such as id.example.com (no port or user info)",
        ));
    }
    if rest.contains(['?', '#', ' ', '"', '\\']) || rest.chars().any(char::is_control) {
        return Err(err(
            "the issuer URL cannot hold a query, a fragment, spaces or quotes",
        ));
    }
    Ok(rest.to_owned())
}

pub(crate) fn check_claim(field: &'static str, value: &str) -> Result<(), TrustPolicyError> {
    if value.is_empty()
        || value.len() > 255
        || value.chars().any(char::is_control)
        || value.contains('"')
    {
        return Err(TrustPolicyError::invalid(
            field,
            value,
            "a claim value is 1 to 255 characters without control characters or quotes",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> OidcTrust {
        OidcTrust::new(
            "111122223333".parse().unwrap(),
            "token.actions.githubusercontent.com",
        )
        .unwrap()
        .with_audience("sts.amazonaws.com")
        .unwrap()
    }

    #[test]
    fn patterns_and_exact_subjects_share_string_like() {
        let policy = base()
            .with_subject(SubjectMatch::Like("repo:acme/*".into()))
            .unwrap()
            .with_subject(SubjectMatch::Exact("weird*name".into()))
            .unwrap()
            .policy()
            .unwrap();
        let json = policy.to_json();
        assert!(json.contains(
            r#""StringLike":{"token.actions.githubusercontent.com:sub":["repo:acme/*","weird${*}name"]}"#
        ), "{json}");
    }

    #[test]
    fn requires_audience_and_subject() {
        assert!(base().policy().unwrap_err().to_string().contains("subject"));
        let no_aud = OidcTrust::new("111122223333".parse().unwrap(), "https://id.example.com")
            .unwrap()
            .with_subject(SubjectMatch::Exact("x".into()))
            .unwrap();
        assert!(
            no_aud
                .policy()
                .unwrap_err()
                .to_string()
                .contains("audience")
        );
        assert!(base().with_subject(SubjectMatch::Like("*".into())).is_err());
    }

    #[test]
    fn issuer_rules() {
        let account: AccountId = "111122223333".parse().unwrap();
        assert_eq!(
            OidcTrust::new(account.clone(), "https://id.example.com/tenant/")
                .unwrap()
                .issuer(),
            "id.example.com/tenant"
        );
        for bad in [
            "http://id.example.com",
            "https://",
            "https://id.example.com:8443",
            "https://x.com/?a=b",
            "localhost",
        ] {
            assert!(OidcTrust::new(account.clone(), bad).is_err(), "{bad}");
        }
    }
}
