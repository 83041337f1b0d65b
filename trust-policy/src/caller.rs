//! `caller_arn`: the ARN of a principal that can call `sts:AssumeRole`, validated, so a
//! malformed caller is a typed error instead of a simulation that happens to say Allow.
//!
//! The shapes AWS uses for an IAM identity (IAM User Guide, "IAM identifiers": "IAM ARNs"):
//! `arn:PARTITION:iam::ACCOUNT:root`, `arn:PARTITION:iam::ACCOUNT:user/[PATH/]NAME`,
//! `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME` and
//! `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE-NAME/ROLE-SESSION-NAME`. The region is
//! empty, the account 12 digits; user and role names are 1 to 64 characters of
//! `[\w+=,.@-]`, and a role session name is 2 to 64 characters of `[\w+=,.@-]` (STS API
//! Reference, `AssumeRole`, `RoleSessionName`: "Length Constraints: Minimum length of 2.
//! Maximum length of 64. Pattern: `[\w+=,.@-]*`").

use iam_policy::{AccountId, Arn, RoleArn};

use crate::TrustPolicyError;

const RULE: &str = "a caller is an account root (arn:aws:iam::ACCOUNT:root), a user (arn:aws:iam::ACCOUNT:user/NAME), a role (arn:aws:iam::ACCOUNT:role/NAME) or a role session (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)";

/// Parses and validates the ARN of an AssumeRole caller.
///
/// ```
/// use trust_policy::caller_arn;
/// assert!(caller_arn("arn:aws:sts::999988887777:assumed-role/app/worker-1").is_ok());
/// assert!(caller_arn("arn:aws:iam::999988887777:root").is_ok());
/// // No session name: not a caller.
/// let err = caller_arn("arn:aws:sts::999988887777:assumed-role/app").unwrap_err();
/// assert!(err.to_string().starts_with("invalid caller ARN"), "{err}");
/// ```
pub fn caller_arn(text: &str) -> Result<Arn, TrustPolicyError> {
    let invalid = |rule: &str| TrustPolicyError::invalid("caller ARN", text, rule);
    let arn: Arn = text.parse().map_err(|_| invalid(RULE))?;
    if !arn.region().is_empty() {
        return Err(invalid(
            "the region of an IAM or STS principal ARN is empty",
        ));
    }
    if !AccountId::is_valid(arn.account()) {
        return Err(invalid("the account is 12 digits"));
    }
    let resource = arn.resource();
    let valid = match arn.service() {
        "iam" if resource == "root" => true,
        "iam" => match resource.split_once('/') {
            Some(("user" | "role", path_and_name)) => valid_path_and_name(path_and_name),
            _ => false,
        },
        "sts" => resource
            .strip_prefix("assumed-role/")
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(role, session)| {
                RoleArn::is_valid_role_name(role) && is_valid_session_name(session)
            }),
        _ => false,
    };
    if valid { Ok(arn) } else { Err(invalid(RULE)) }
}

/// `[PATH/]NAME` of a user or role: the name 1 to 64 characters of `[\w+=,.@-]`, the path a
/// valid IAM path.
fn valid_path_and_name(path_and_name: &str) -> bool {
    match path_and_name.rsplit_once('/') {
        None => RoleArn::is_valid_role_name(path_and_name),
        Some((path, name)) => {
            RoleArn::is_valid_role_name(name) && RoleArn::is_valid_path(&format!("/{path}/"))
        }
    }
}

/// A role session name: 2 to 64 characters of `[\w+=,.@-]` (ASCII).
pub(crate) fn is_valid_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_arn_accepts_the_four_identity_shapes() {
        for ok in [
            "arn:aws:iam::999988887777:root",
            "arn:aws:iam::999988887777:user/bob",
            "arn:aws:iam::999988887777:user/team/bob",
            "arn:aws:iam::999988887777:role/app",
            "arn:aws-cn:iam::999988887777:role/path/to/app",
            "arn:aws:sts::999988887777:assumed-role/app/worker-1",
        ] {
            assert!(caller_arn(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn caller_arn_rejects_malformed_principals() {
        for bad in [
            "arn:aws:sts::999988887777:assumed-role/app",
            "arn:aws:sts::999988887777:assumed-role/app/",
            "arn:aws:sts::999988887777:assumed-role//s1",
            "arn:aws:sts::999988887777:assumed-role/app/x",
            "arn:aws:sts::999988887777:assumed-role/app/has space",
            "arn:aws:sts::999988887777:federated-user/bob",
            "arn:aws:iam::999988887777:group/admins",
            "arn:aws:iam::999988887777:user/",
            "arn:aws:iam::999988887777:role/a//b",
            "arn:aws:iam:us-east-1:999988887777:role/app",
            "arn:aws:iam::12345:role/app",
            "arn:aws:s3:::bucket",
            "999988887777",
            "",
        ] {
            let err = caller_arn(bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    TrustPolicyError::InvalidValue {
                        field: "caller ARN",
                        ..
                    }
                ),
                "{bad}: {err}"
            );
        }
    }
}
