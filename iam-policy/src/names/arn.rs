//! `Arn` and `Partition`: concrete Amazon Resource Names (no wildcards).

use std::fmt;
use std::str::FromStr;

use crate::{AccountId, Error};

/// An AWS partition: the first component of every ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Partition {
    /// Commercial regions.
    Aws,
    /// China regions.
    AwsCn,
    /// AWS GovCloud (US).
    AwsUsGov,
    /// AWS ISO (US).
    AwsIso,
    /// AWS ISOB (US).
    AwsIsoB,
    /// AWS ISOE (Europe).
    AwsIsoE,
    /// AWS ISOF.
    AwsIsoF,
    /// AWS European Sovereign Cloud.
    AwsEusc,
}

impl Partition {
    /// Every partition this crate knows.
    pub const ALL: [Partition; 8] = [
        Partition::Aws,
        Partition::AwsCn,
        Partition::AwsUsGov,
        Partition::AwsIso,
        Partition::AwsIsoB,
        Partition::AwsIsoE,
        Partition::AwsIsoF,
        Partition::AwsEusc,
    ];

    /// The partition as written in ARNs, e.g. `aws-us-gov`.
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsIso => "aws-iso",
            Partition::AwsIsoB => "aws-iso-b",
            Partition::AwsIsoE => "aws-iso-e",
            Partition::AwsIsoF => "aws-iso-f",
            Partition::AwsEusc => "aws-eusc",
        }
    }
}

impl FromStr for Partition {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        Partition::ALL
            .into_iter()
            .find(|p| p.as_str() == text)
            .ok_or_else(|| {
                Error::invalid(
                    "partition",
                    text,
                    "must be one of aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc",
                )
            })
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A concrete ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
///
/// The region may be empty (global services), the account may be empty (S3 buckets), 12
/// digits, or `aws` (AWS managed policies); the resource may itself contain colons.
/// Wildcards are not allowed: patterns are [`ResourcePattern`](crate::ResourcePattern)s.
///
/// ```
/// use iam_policy::{Arn, Partition};
/// let arn: Arn = "arn:aws:s3:::my-bucket/key:with:colons".parse().unwrap();
/// assert_eq!(arn.partition(), Partition::Aws);
/// assert_eq!(arn.service(), "s3");
/// assert_eq!(arn.account(), "");
/// assert_eq!(arn.resource(), "my-bucket/key:with:colons");
/// assert_eq!(arn.to_string(), "arn:aws:s3:::my-bucket/key:with:colons");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    partition: Partition,
    service: String,
    region: String,
    account: String,
    resource: String,
}

impl Arn {
    /// The partition (`aws`, `aws-cn`, ...).
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The service namespace, e.g. `iam`.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The region, empty for global resources.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The account component as written (may be empty or `aws`).
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The account as an [`AccountId`] when it is one.
    pub fn account_id(&self) -> Option<AccountId> {
        self.account.parse().ok()
    }

    /// Everything after the fifth colon.
    pub fn resource(&self) -> &str {
        &self.resource
    }
}

fn is_namespace(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl FromStr for Arn {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        let err = |rule: &str| Error::invalid("ARN", text, rule);
        let mut parts = text.splitn(6, ':');
        if parts.next() != Some("arn") {
            return Err(err("an ARN starts with \"arn:\""));
        }
        let (Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(err(
                "an ARN has six colon-separated parts: arn:partition:service:region:account:resource",
            ));
        };
        let partition: Partition = partition.parse().map_err(|_| {
            err("unknown partition: expected aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f or aws-eusc")
        })?;
        if !is_namespace(service) {
            return Err(err(
                "the service part must be lowercase letters, digits and hyphens",
            ));
        }
        if !region.is_empty() && !is_namespace(region) {
            return Err(err(
                "the region part must be empty or lowercase letters, digits and hyphens",
            ));
        }
        if !(account.is_empty() || account == "aws" || AccountId::is_valid(account)) {
            return Err(err("the account part must be empty, \"aws\" or 12 digits"));
        }
        if resource.is_empty() {
            return Err(err("the resource part must not be empty"));
        }
        if resource.contains(['*', '?']) {
            return Err(err(
                "a concrete ARN cannot contain wildcards (* or ?); use a resource pattern",
            ));
        }
        if resource.chars().any(char::is_control) {
            return Err(err("the resource part must not contain control characters"));
        }
        Ok(Arn {
            partition,
            service: service.to_owned(),
            region: region.to_owned(),
            account: account.to_owned(),
            resource: resource.to_owned(),
        })
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

super::string_serde!(
    Arn,
    "Arn",
    "An Amazon Resource Name: arn:partition:service:region:account:resource."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_documented_shapes() {
        for ok in [
            "arn:aws:iam::123456789012:role/S3Access",
            "arn:aws-cn:sqs:cn-north-1:123456789012:queue1",
            "arn:aws-us-gov:s3:::bucket",
            "arn:aws-iso-b:ec2:us-isob-east-1:123456789012:instance/i-1",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:x",
        ] {
            let arn: Arn = ok.parse().unwrap();
            assert_eq!(arn.to_string(), ok);
        }
    }

    #[test]
    fn names_the_rule_broken() {
        let cases = [
            ("", "starts with"),
            ("arn:aws:iam", "six colon-separated"),
            ("arn:aws-moon:iam::123456789012:role/x", "unknown partition"),
            ("arn:aws:IAM::123456789012:role/x", "service part"),
            ("arn:aws:iam::12345:role/x", "account part"),
            ("arn:aws:iam::123456789012:", "resource part"),
            ("arn:aws:iam::123456789012:role/*", "wildcards"),
        ];
        for (input, rule) in cases {
            let err = input.parse::<Arn>().unwrap_err().to_string();
            assert!(err.contains(rule), "{input}: {err}");
        }
    }
}
