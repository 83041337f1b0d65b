//! Matching the request's principal against `Principal` and `NotPrincipal`.
//!
//! AWS rules followed (IAM User Guide, "AWS JSON policy elements: Principal" and
//! "NotPrincipal"):
//! - `"*"` (and `{"AWS": "*"}`) matches every caller, anonymous ones included;
//! - an account (`123456789012` or `arn:aws:iam::123456789012:root`) matches every identity
//!   in that account: the account then decides with its own identity policies;
//! - a role ARN matches the sessions of that role (`arn:aws:sts::ACCOUNT:assumed-role/NAME/*`);
//! - `NotPrincipal` excludes a caller only when every identity of the request is listed: the
//!   session or user ARN itself *and* its account, and for a role session also the role
//!   ("NotPrincipal": AWS "might validate the account first, then the role, and then the
//!   assumed-role user"; "if the NotPrincipal element was missing the ARN of the role, the
//!   effect of the policy might be to explicitly deny access to the role"). Listing a role does
//!   not exclude its sessions on its own either; the assumed-role ARN must be listed too.

use crate::{Arn, Principal, PrincipalKind};

use super::RequestPrincipal;

/// One entry of a `Principal` element, parsed once.
#[derive(Debug, Clone)]
enum AwsEntry {
    Any,
    Account(String),
    Arn(Arn),
    /// Unique ids (`AROA...`, left when a trusted role is deleted) and anything else:
    /// these never match a caller's ARN.
    Opaque,
}

/// A parsed `Principal` / `NotPrincipal` value.
#[derive(Debug, Clone)]
pub(crate) struct PrincipalMatcher {
    any: bool,
    aws: Vec<AwsEntry>,
    others: Vec<(PrincipalKind, String)>,
}

impl PrincipalMatcher {
    pub(crate) fn new(principal: &Principal) -> PrincipalMatcher {
        let mut matcher = PrincipalMatcher {
            any: matches!(principal, Principal::Any),
            aws: Vec::new(),
            others: Vec::new(),
        };
        for (kind, id) in principal.entries() {
            match kind {
                PrincipalKind::Aws => matcher.aws.push(if id == "*" {
                    AwsEntry::Any
                } else if crate::AccountId::is_valid(id) {
                    AwsEntry::Account(id.to_owned())
                } else {
                    id.parse().map_or(AwsEntry::Opaque, AwsEntry::Arn)
                }),
                other => matcher.others.push((other, id.to_owned())),
            }
        }
        matcher
    }

    /// Does a `Principal` element with this value name the caller?
    pub(crate) fn matches(&self, request: Option<&RequestPrincipal>) -> bool {
        let Some(request) = request else {
            return false;
        };
        if self.any {
            return true;
        }
        match request {
            RequestPrincipal::Aws(caller) => self.aws.iter().any(|entry| match entry {
                AwsEntry::Any => true,
                AwsEntry::Account(id) => caller.account() == id,
                AwsEntry::Arn(listed) => {
                    is_account_root_of(listed, caller)
                        || listed == caller
                        || is_session_of_role(caller, listed)
                }
                AwsEntry::Opaque => false,
            }),
            RequestPrincipal::Anonymous => self.aws.iter().any(|e| matches!(e, AwsEntry::Any)),
            other => self.lists_other(other),
        }
    }

    /// Does a `NotPrincipal` element with this value leave the caller in scope of a statement
    /// with `effect` (so the statement applies)?
    ///
    /// The two effects read the list differently, each in the direction that cannot grant
    /// more than AWS would:
    /// - with `Deny`, the caller escapes the Deny only when every identity it is evaluated as is
    ///   listed (the account-also-listed rule, see [`Self::not_principal_applies_to_deny`]);
    /// - with `Allow`, the statement "allows all principals except the one named" (IAM User
    ///   Guide, "NotPrincipal", "NotPrincipal with Allow"; the current page adds that "Using
    ///   it with `"Effect":"Allow"` is not supported"). So a caller is excluded as soon as it
    ///   is named in any way `Principal` would name it: its own ARN, its account (bare id or
    ///   root ARN), or for a role session its role. An unknown caller (no principal in the
    ///   request) can't be shown to be outside the list, so the statement does not apply.
    pub(crate) fn not_principal_applies(
        &self,
        effect: crate::Effect,
        request: Option<&RequestPrincipal>,
    ) -> bool {
        match effect {
            crate::Effect::Allow => request.is_some() && !self.matches(request),
            crate::Effect::Deny => self.not_principal_applies_to_deny(request),
        }
    }

    /// `NotPrincipal` with `Deny`: does the Deny still cover the caller?
    fn not_principal_applies_to_deny(&self, request: Option<&RequestPrincipal>) -> bool {
        let Some(request) = request else {
            return true;
        };
        if self.any {
            return false;
        }
        let excluded = match request {
            RequestPrincipal::Aws(caller) => {
                let identity_listed = self.aws.iter().any(|entry| match entry {
                    AwsEntry::Any => true,
                    AwsEntry::Arn(listed) => listed == caller,
                    AwsEntry::Account(id) => caller.resource() == "root" && caller.account() == id,
                    AwsEntry::Opaque => false,
                });
                let account_listed = self.aws.iter().any(|entry| match entry {
                    AwsEntry::Any => true,
                    AwsEntry::Account(id) => caller.account() == id,
                    AwsEntry::Arn(listed) => is_account_root_of(listed, caller),
                    AwsEntry::Opaque => false,
                });
                // A role session is also evaluated as its role: the NotPrincipal docs warn that
                // leaving the role out "might" deny the session, so the safer reading (the
                // Deny applies) is taken unless the role is listed as well.
                let role_listed = !is_role_session(caller)
                    || self.aws.iter().any(|entry| match entry {
                        AwsEntry::Any => true,
                        AwsEntry::Arn(listed) => is_session_of_role(caller, listed),
                        AwsEntry::Account(_) | AwsEntry::Opaque => false,
                    });
                identity_listed && account_listed && role_listed
            }
            RequestPrincipal::Anonymous => self.aws.iter().any(|e| matches!(e, AwsEntry::Any)),
            other => self.lists_other(other),
        };
        !excluded
    }

    fn lists_other(&self, request: &RequestPrincipal) -> bool {
        let (kind, id) = match request {
            RequestPrincipal::Service(id) => (PrincipalKind::Service, id),
            RequestPrincipal::Federated(id) => (PrincipalKind::Federated, id),
            RequestPrincipal::CanonicalUser(id) => (PrincipalKind::CanonicalUser, id),
            RequestPrincipal::Aws(_) | RequestPrincipal::Anonymous => return false,
        };
        self.others
            .iter()
            .any(|(k, listed)| *k == kind && listed == id)
    }
}

/// Is `listed` the account root (`arn:P:iam::ACCOUNT:root`) of the caller's account?
fn is_account_root_of(listed: &Arn, caller: &Arn) -> bool {
    listed.service() == "iam"
        && listed.resource() == "root"
        && listed.partition() == caller.partition()
        && !caller.account().is_empty()
        && listed.account() == caller.account()
}

/// Is `caller` an assumed-role session (`arn:P:sts::ACCOUNT:assumed-role/NAME/SESSION`)?
fn is_role_session(caller: &Arn) -> bool {
    caller.service() == "sts" && caller.resource().starts_with("assumed-role/")
}

/// Is `caller` a session (`arn:P:sts::ACCOUNT:assumed-role/NAME/SESSION`) of the role
/// `listed` (`arn:P:iam::ACCOUNT:role/PATH/NAME`)?
fn is_session_of_role(caller: &Arn, listed: &Arn) -> bool {
    let Some(role_path_and_name) = listed.resource().strip_prefix("role/") else {
        return false;
    };
    let role_name = role_path_and_name
        .rsplit('/')
        .next()
        .unwrap_or(role_path_and_name);
    let Some(session) = caller.resource().strip_prefix("assumed-role/") else {
        return false;
    };
    listed.service() == "iam"
        && caller.service() == "sts"
        && caller.partition() == listed.partition()
        && caller.account() == listed.account()
        && session
            .split_once('/')
            .is_some_and(|(name, _session)| name == role_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Effect;

    fn aws(arn: &str) -> RequestPrincipal {
        RequestPrincipal::Aws(arn.parse().unwrap())
    }

    #[test]
    fn account_role_and_session_matching() {
        let account = PrincipalMatcher::new(&Principal::aws("arn:aws:iam::111122223333:root"));
        assert!(account.matches(Some(&aws("arn:aws:iam::111122223333:role/Any"))));
        assert!(account.matches(Some(&aws("arn:aws:sts::111122223333:assumed-role/R/s"))));
        assert!(!account.matches(Some(&aws("arn:aws:iam::444455556666:root"))));
        assert!(!account.matches(Some(&aws("arn:aws-cn:iam::111122223333:root"))));
        assert!(!account.matches(None));

        let bare = PrincipalMatcher::new(&Principal::aws("111122223333"));
        assert!(bare.matches(Some(&aws("arn:aws:iam::111122223333:user/bob"))));

        let role =
            PrincipalMatcher::new(&Principal::aws("arn:aws:iam::111122223333:role/ops/Vendor"));
        assert!(role.matches(Some(&aws(
            "arn:aws:sts::111122223333:assumed-role/Vendor/x"
        ))));
        assert!(!role.matches(Some(&aws("arn:aws:sts::111122223333:assumed-role/Other/x"))));
        assert!(!role.matches(Some(&aws("arn:aws:iam::111122223333:root"))));

        let opaque = PrincipalMatcher::new(&Principal::aws("AROAEXAMPLEID"));
        assert!(!opaque.matches(Some(&aws("arn:aws:iam::111122223333:role/x"))));
    }

    #[test]
    fn star_and_other_kinds() {
        let any = PrincipalMatcher::new(&Principal::Any);
        assert!(any.matches(Some(&RequestPrincipal::Anonymous)));
        let svc =
            PrincipalMatcher::new(&Principal::of(PrincipalKind::Service, "ec2.amazonaws.com"));
        assert!(svc.matches(Some(&RequestPrincipal::Service("ec2.amazonaws.com".into()))));
        assert!(!svc.matches(Some(&RequestPrincipal::Service(
            "lambda.amazonaws.com".into()
        ))));
        assert!(!svc.matches(Some(&aws("arn:aws:iam::111122223333:root"))));
    }

    #[test]
    fn not_principal_needs_identity_and_account() {
        let user = "arn:aws:iam::111122223333:user/bob";
        let only_user = PrincipalMatcher::new(&Principal::aws(user));
        assert!(only_user.not_principal_applies(Effect::Deny, Some(&aws(user))));
        let both = PrincipalMatcher::new(&Principal::Specific(vec![(
            PrincipalKind::Aws,
            vec![
                user.to_string(),
                "arn:aws:iam::111122223333:root".to_string(),
            ]
            .into(),
        )]));
        assert!(!both.not_principal_applies(Effect::Deny, Some(&aws(user))));
        assert!(both.not_principal_applies(
            Effect::Deny,
            Some(&aws("arn:aws:iam::111122223333:user/eve"))
        ));
    }

    #[test]
    fn not_principal_needs_session_role_and_account_for_role_sessions() {
        let session = "arn:aws:sts::444455556666:assumed-role/audit-role/audit-app";
        let role = "arn:aws:iam::444455556666:role/audit-role";
        let root = "arn:aws:iam::444455556666:root";
        let listed = |ids: &[&str]| {
            PrincipalMatcher::new(&Principal::Specific(vec![(
                PrincipalKind::Aws,
                ids.iter().map(|s| s.to_string()).collect::<Vec<_>>().into(),
            )]))
        };
        assert!(
            !listed(&[session, role, root])
                .not_principal_applies(Effect::Deny, Some(&aws(session)))
        );
        assert!(listed(&[session, root]).not_principal_applies(Effect::Deny, Some(&aws(session))));
        assert!(listed(&[role, root]).not_principal_applies(Effect::Deny, Some(&aws(session))));
        assert!(listed(&[session, role]).not_principal_applies(Effect::Deny, Some(&aws(session))));
    }
}
