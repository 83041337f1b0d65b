//! The last step of every builder: the policy must validate and fit IAM's trust policy quota,
//! or the caller learns by how much it doesn't.

use iam_policy::{PolicyDocument, PolicyKind, Severity, Validator};

use crate::TrustPolicyError;

/// IAM's default quota for a role trust policy, in characters (IAM User Guide, "IAM and AWS
/// STS quotas": "Role trust policy length: 2,048 characters").
pub const DEFAULT_TRUST_POLICY_LIMIT: usize = 2048;

/// The largest trust policy AWS allows after a quota increase.
pub const MAX_TRUST_POLICY_LIMIT: usize = 4096;

pub(crate) fn check_limit(limit: usize) -> Result<usize, TrustPolicyError> {
    if (1..=MAX_TRUST_POLICY_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(TrustPolicyError::invalid(
            "trust policy size limit",
            &limit.to_string(),
            "IAM's trust policy quota is 2,048 characters by default and at most 4,096",
        ))
    }
}

pub(crate) fn finish(
    doc: PolicyDocument,
    limit: usize,
) -> Result<PolicyDocument, TrustPolicyError> {
    let size = iam_policy::policy_size(&doc);
    if size > limit {
        return Err(TrustPolicyError::TooLarge {
            size,
            limit,
            over: size - limit,
        });
    }
    let errors: Vec<_> = Validator::new(PolicyKind::RoleTrustPolicy { max_chars: limit })
        .validate(&doc)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        Ok(doc)
    } else {
        Err(TrustPolicyError::Invalid { findings: errors })
    }
}
