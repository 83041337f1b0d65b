//! `RoleArn`: the ARN of an IAM role, the one identifier a customer hands back to a vendor.

use std::fmt;
use std::str::FromStr;

use crate::{AccountId, Arn, Error, Partition};

/// The ARN of an IAM role: `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
///
/// Rules (IAM User Guide, "IAM object quotas" and the `CreateRole` API reference): the role
/// name is 1 to 64 characters from `[A-Za-z0-9+=,.@_-]`; the path starts and ends with `/`,
/// is at most 512 characters, and uses printable ASCII (`!` to `~`).
///
/// ```
/// use iam_policy::RoleArn;
/// let role: RoleArn = "arn:aws:iam::123456789012:role/integrations/VendorAccess".parse().unwrap();
/// assert_eq!(role.account_id().as_str(), "123456789012");
/// assert_eq!(role.path(), "/integrations/");
/// assert_eq!(role.role_name(), "VendorAccess");
/// assert!("arn:aws:iam::123456789012:user/bob".parse::<RoleArn>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleArn {
    arn: Arn,
    account: AccountId,
    /// Byte offset of the role name inside the resource part.
    name_start: usize,
}

impl RoleArn {
    /// Builds a role ARN from its parts, checking the name and path rules.
    pub fn new(
        partition: Partition,
        account: &AccountId,
        path: &str,
        name: &str,
    ) -> Result<RoleArn, Error> {
        format!("arn:{partition}:iam::{account}:role{path}{name}").parse()
    }

    /// The account that owns the role.
    pub fn account_id(&self) -> &AccountId {
        &self.account
    }

    /// The partition.
    pub fn partition(&self) -> Partition {
        self.arn.partition()
    }

    /// The role name, without its path.
    pub fn role_name(&self) -> &str {
        // `name_start` follows the last '/' of the resource, checked when parsed.
        self.arn
            .resource()
            .get(self.name_start..)
            .unwrap_or_default()
    }

    /// The path, `/` when the role has none.
    pub fn path(&self) -> &str {
        // resource = "role" + path + name, and the path starts with '/' (checked when parsed).
        self.arn
            .resource()
            .get("role".len()..self.name_start)
            .unwrap_or("/")
    }

    /// The role as a general [`Arn`].
    pub fn as_arn(&self) -> &Arn {
        &self.arn
    }

    /// The ARN an `AssumeRole` session of this role gets:
    /// `arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION` (the path is dropped, as AWS does).
    pub fn assumed_role_arn(&self, session_name: &str) -> String {
        format!(
            "arn:{}:sts::{}:assumed-role/{}/{}",
            self.partition(),
            self.account,
            self.role_name(),
            session_name
        )
    }

    /// True when `name` is a valid IAM role name.
    pub fn is_valid_role_name(name: &str) -> bool {
        (1..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
    }

    /// True when `path` is a valid IAM path (`/` or `/a/b/`).
    pub fn is_valid_path(path: &str) -> bool {
        path.len() <= 512
            && path.starts_with('/')
            && path.ends_with('/')
            && path.bytes().all(|b| (0x21..=0x7e).contains(&b))
            && !path.contains("//")
    }
}

impl FromStr for RoleArn {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        let err = |rule: &str| Error::invalid("role ARN", text, rule);
        let arn: Arn = text.parse().map_err(|e| match e {
            Error::InvalidValue { rule, .. } => Error::invalid("role ARN", text, rule),
            other => other,
        })?;
        if arn.service() != "iam" {
            return Err(err("a role ARN has service \"iam\""));
        }
        if !arn.region().is_empty() {
            return Err(err("a role ARN has an empty region (IAM is global)"));
        }
        let account = arn
            .account_id()
            .ok_or_else(|| err("a role ARN names a 12-digit account"))?;
        let Some(rest) = arn.resource().strip_prefix("role/") else {
            return Err(err("the resource part of a role ARN starts with \"role/\""));
        };
        let name_start = "role/".len() + rest.rfind('/').map_or(0, |i| i + 1);
        let name = arn.resource().get(name_start..).unwrap_or_default();
        if !RoleArn::is_valid_role_name(name) {
            return Err(err(
                "the role name is 1 to 64 characters from letters, digits and +=,.@_-",
            ));
        }
        let path = arn
            .resource()
            .get("role".len()..name_start)
            .unwrap_or_default();
        if !RoleArn::is_valid_path(path) {
            return Err(err(
                "the role path is at most 512 printable ASCII characters between slashes",
            ));
        }
        Ok(RoleArn {
            arn,
            account,
            name_start,
        })
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.arn.fmt(f)
    }
}

super::string_serde!(
    RoleArn,
    "RoleArn",
    "The ARN of an IAM role: arn:partition:iam::account:role/path/name."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_path_and_name() {
        let role: RoleArn = "arn:aws:iam::123456789012:role/axiom-agent-role"
            .parse()
            .unwrap();
        assert_eq!(role.path(), "/");
        assert_eq!(role.role_name(), "axiom-agent-role");
        assert_eq!(
            role.assumed_role_arn("s1"),
            "arn:aws:sts::123456789012:assumed-role/axiom-agent-role/s1"
        );
        let built = RoleArn::new(
            Partition::AwsCn,
            &"123456789012".parse().unwrap(),
            "/a/b/",
            "R",
        )
        .unwrap();
        assert_eq!(built.to_string(), "arn:aws-cn:iam::123456789012:role/a/b/R");
        assert_eq!(built.path(), "/a/b/");
    }

    #[test]
    fn rejects_bad_roles_with_the_rule() {
        let cases = [
            ("arn:aws:s3:::bucket", "service"),
            ("arn:aws:iam:us-east-1:123456789012:role/x", "empty region"),
            ("arn:aws:iam::aws:role/x", "12-digit"),
            ("arn:aws:iam::123456789012:user/x", "starts with \"role/\""),
            ("arn:aws:iam::123456789012:role/", "role name"),
            ("arn:aws:iam::123456789012:role/has space", "role name"),
            (
                &format!("arn:aws:iam::123456789012:role/{}", "a".repeat(65)),
                "role name",
            ),
            ("arn:aws:iam::123456789012:role/a//b", "path"),
        ];
        for (input, rule) in cases {
            let err = input.parse::<RoleArn>().unwrap_err().to_string();
            assert!(err.contains(rule), "{input}: {err}");
        }
    }
}
