//! `ResourcePattern`: an entry of a `Resource` or `NotResource` element.

use std::fmt;
use std::str::FromStr;

use crate::Error;
use crate::template;

/// `*`, or an ARN pattern `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` whose segments may
/// hold `*`, `?` and policy variables such as `${aws:username}`.
///
/// Matching is case-sensitive. IAM does not allow a wildcard in the service segment
/// (IAM User Guide, "IAM JSON policy elements: Resource").
///
/// ```
/// use iam_policy::ResourcePattern;
/// let p: ResourcePattern = "arn:aws:s3:::my-bucket/${aws:username}/*".parse().unwrap();
/// assert!(p.has_variables());
/// assert!("arn:aws:*:::x".parse::<ResourcePattern>().is_err());
/// assert!("my-bucket".parse::<ResourcePattern>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourcePattern(String);

impl ResourcePattern {
    /// The pattern that matches every resource.
    pub fn any() -> ResourcePattern {
        ResourcePattern("*".to_owned())
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for `*`.
    pub fn is_any(&self) -> bool {
        self.0 == "*"
    }

    /// True when the pattern contains policy variables (`${...}`).
    pub fn has_variables(&self) -> bool {
        template::has_variables(&self.0)
    }

    /// The service segment, `None` for `*`.
    pub fn service(&self) -> Option<&str> {
        self.0.split(':').nth(2)
    }
}

impl FromStr for ResourcePattern {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        let err = |rule: &str| Error::invalid("resource", text, rule);
        if text == "*" {
            return Ok(ResourcePattern::any());
        }
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let ["arn", partition, service, _, _, _] = parts.as_slice() else {
            return Err(err(
                "a resource is \"*\" or an ARN with six parts: arn:partition:service:region:account:resource",
            ));
        };
        if partition.is_empty() {
            return Err(err("the partition part must not be empty"));
        }
        if service.is_empty() || service.contains(['*', '?']) {
            return Err(err("the service part must be named, without wildcards"));
        }
        // The resource part may be empty: AWS's own AmazonDevOpsGuruOrganizationsAccess
        // policy has "arn:aws:organizations::*:", and IAM accepted it.
        if text.chars().any(char::is_control) {
            return Err(err("a resource must not contain control characters"));
        }
        Ok(ResourcePattern(text.to_owned()))
    }
}

impl fmt::Display for ResourcePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

super::string_serde!(
    ResourcePattern,
    "ResourcePattern",
    "\"*\" or an ARN pattern with wildcards and policy variables."
);
