//! `PolicyKind`: where a policy will be used, which decides the elements it may hold and the
//! size quota IAM or STS applies to it.

use std::fmt;

use crate::Error;

/// Where a policy document is used.
///
/// Size quotas are from the IAM User Guide, "IAM and AWS STS quotas" (IAM counts characters
/// and does not count white space outside strings) and the STS `AssumeRole` API reference.
///
/// ```
/// use iam_policy::PolicyKind;
/// assert_eq!(PolicyKind::ManagedPolicy.size_limit(), Some(6144));
/// assert_eq!(PolicyKind::AwsManagedPolicy.size_limit(), None);
/// assert_eq!(PolicyKind::trust_policy().size_limit(), Some(2048));
/// assert_eq!(PolicyKind::trust_policy_with_quota(4096).unwrap().size_limit(), Some(4096));
/// assert!(PolicyKind::trust_policy_with_quota(8192).is_err());
/// assert!(PolicyKind::trust_policy().requires_principal());
/// assert!(!PolicyKind::SessionPolicy.is_identity_policy());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyKind {
    /// A customer managed policy: at most 6,144 characters.
    ManagedPolicy,
    /// An AWS managed policy. AWS's own policies are not subject to the customer managed
    /// policy quota (some are over 100,000 characters), so there is no size limit.
    AwsManagedPolicy,
    /// An inline policy of a role: all inline policies of one role together are at most
    /// 10,240 characters.
    RoleInlinePolicy,
    /// An inline policy of a user: all inline policies of one user together are at most
    /// 2,048 characters.
    UserInlinePolicy,
    /// An inline policy of a group: all inline policies of one group together are at most
    /// 5,120 characters.
    GroupInlinePolicy,
    /// A role trust policy (`AssumeRolePolicyDocument`).
    RoleTrustPolicy {
        /// The account's quota: 2,048 characters by default, at most 4,096 after a quota
        /// increase. Larger values are treated as 4,096.
        max_chars: usize,
    },
    /// A session policy passed in `AssumeRole`'s `Policy` parameter: at most 2,048 plaintext
    /// characters.
    SessionPolicy,
}

impl PolicyKind {
    /// The default role trust policy quota, in characters.
    pub const TRUST_POLICY_DEFAULT_QUOTA: usize = 2048;

    /// The largest role trust policy quota AWS grants, in characters.
    pub const TRUST_POLICY_MAX_QUOTA: usize = 4096;

    /// A role trust policy under the default 2,048-character quota.
    pub fn trust_policy() -> PolicyKind {
        PolicyKind::RoleTrustPolicy {
            max_chars: PolicyKind::TRUST_POLICY_DEFAULT_QUOTA,
        }
    }

    /// A role trust policy under an increased quota, which must be between 1 and 4,096.
    pub fn trust_policy_with_quota(max_chars: usize) -> Result<PolicyKind, Error> {
        if (1..=PolicyKind::TRUST_POLICY_MAX_QUOTA).contains(&max_chars) {
            Ok(PolicyKind::RoleTrustPolicy { max_chars })
        } else {
            Err(Error::invalid(
                "trust policy quota",
                &max_chars.to_string(),
                "the role trust policy quota is 2,048 characters by default and at most 4,096",
            ))
        }
    }

    /// The most characters IAM or STS accepts, `None` when there is no limit. For inline
    /// policies it is the limit of all inline policies of one identity together.
    pub fn size_limit(self) -> Option<usize> {
        match self {
            PolicyKind::ManagedPolicy => Some(6144),
            PolicyKind::AwsManagedPolicy => None,
            PolicyKind::RoleInlinePolicy => Some(10_240),
            PolicyKind::UserInlinePolicy => Some(2048),
            PolicyKind::GroupInlinePolicy => Some(5120),
            PolicyKind::RoleTrustPolicy { max_chars } => {
                Some(max_chars.min(PolicyKind::TRUST_POLICY_MAX_QUOTA))
            }
            PolicyKind::SessionPolicy => Some(2048),
        }
    }

    /// True for policies attached to IAM identities (managed and inline policies).
    pub fn is_identity_policy(self) -> bool {
        matches!(
            self,
            PolicyKind::ManagedPolicy
                | PolicyKind::AwsManagedPolicy
                | PolicyKind::RoleInlinePolicy
                | PolicyKind::UserInlinePolicy
                | PolicyKind::GroupInlinePolicy
        )
    }

    /// True for inline policies, whose quota applies to all inline policies of an identity
    /// together.
    pub fn is_inline_policy(self) -> bool {
        matches!(
            self,
            PolicyKind::RoleInlinePolicy
                | PolicyKind::UserInlinePolicy
                | PolicyKind::GroupInlinePolicy
        )
    }

    /// True when every statement must name a `Principal` (role trust policies). Identity and
    /// session policies must not name one.
    pub fn requires_principal(self) -> bool {
        matches!(self, PolicyKind::RoleTrustPolicy { .. })
    }

    /// True for policies that grant permissions to the identity or session they apply to
    /// (identity and session policies): they need `Resource` and must not have `Principal`.
    pub(crate) fn is_permission_policy(self) -> bool {
        self.is_identity_policy() || self == PolicyKind::SessionPolicy
    }

    /// What the quota is called in messages.
    pub(crate) fn quota_description(self) -> &'static str {
        match self {
            PolicyKind::ManagedPolicy => "a customer managed policy",
            PolicyKind::AwsManagedPolicy => "an AWS managed policy",
            PolicyKind::RoleInlinePolicy => "all inline policies of a role together",
            PolicyKind::UserInlinePolicy => "all inline policies of a user together",
            PolicyKind::GroupInlinePolicy => "all inline policies of a group together",
            PolicyKind::RoleTrustPolicy { .. } => "a role trust policy under this quota",
            PolicyKind::SessionPolicy => "a session policy",
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PolicyKind::ManagedPolicy => "customer managed policy",
            PolicyKind::AwsManagedPolicy => "AWS managed policy",
            PolicyKind::RoleInlinePolicy => "role inline policy",
            PolicyKind::UserInlinePolicy => "user inline policy",
            PolicyKind::GroupInlinePolicy => "group inline policy",
            PolicyKind::RoleTrustPolicy { .. } => "role trust policy",
            PolicyKind::SessionPolicy => "session policy",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_from_the_iam_user_guide() {
        assert_eq!(PolicyKind::RoleInlinePolicy.size_limit(), Some(10_240));
        assert_eq!(PolicyKind::UserInlinePolicy.size_limit(), Some(2048));
        assert_eq!(PolicyKind::GroupInlinePolicy.size_limit(), Some(5120));
        assert_eq!(PolicyKind::SessionPolicy.size_limit(), Some(2048));
        let huge = PolicyKind::RoleTrustPolicy { max_chars: 100_000 };
        assert_eq!(huge.size_limit(), Some(4096));
        assert!(PolicyKind::trust_policy_with_quota(0).is_err());
        assert!(PolicyKind::trust_policy_with_quota(3000).is_ok());
    }

    #[test]
    fn element_rules_by_kind() {
        assert!(PolicyKind::ManagedPolicy.is_identity_policy());
        assert!(PolicyKind::ManagedPolicy.is_permission_policy());
        assert!(PolicyKind::SessionPolicy.is_permission_policy());
        assert!(!PolicyKind::trust_policy().is_permission_policy());
        assert!(!PolicyKind::SessionPolicy.requires_principal());
        assert!(PolicyKind::GroupInlinePolicy.is_inline_policy());
        assert!(!PolicyKind::ManagedPolicy.is_inline_policy());
        assert_eq!(PolicyKind::trust_policy().to_string(), "role trust policy");
    }
}
