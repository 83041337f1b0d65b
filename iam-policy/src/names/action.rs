//! `ActionPattern`: an entry of an `Action` or `NotAction` element.

use std::fmt;
use std::str::FromStr;

use crate::Error;
use crate::glob::{Case, Glob, StarScope};

/// An action or action pattern: `*`, or `service:Name` where the name may hold `*` and `?`.
///
/// IAM matches actions case-insensitively (`S3:getobject` is `s3:GetObject`); the service
/// prefix cannot hold wildcards. The text is kept as written.
///
/// ```
/// use iam_policy::ActionPattern;
/// let p: ActionPattern = "ec2:Describe*".parse().unwrap();
/// assert!(p.matches("ec2:DescribeInstances"));
/// assert!(p.matches("EC2:describeVolumes"));
/// assert!(!p.matches("ec2:RunInstances"));
/// assert_eq!(p.service(), Some("ec2"));
/// assert!("s3 GetObject".parse::<ActionPattern>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionPattern(String);

impl ActionPattern {
    /// The pattern that matches every action.
    pub fn any() -> ActionPattern {
        ActionPattern("*".to_owned())
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for `*`.
    pub fn is_any(&self) -> bool {
        self.0 == "*"
    }

    /// The service prefix as written, `None` for `*`.
    pub fn service(&self) -> Option<&str> {
        self.0.split_once(':').map(|(service, _)| service)
    }

    /// The action name part, `None` for `*`.
    pub fn name(&self) -> Option<&str> {
        self.0.split_once(':').map(|(_, name)| name)
    }

    /// True when the name holds a wildcard (or the pattern is `*`).
    pub fn has_wildcard(&self) -> bool {
        self.0.contains(['*', '?'])
    }

    /// Does this pattern cover `action` (compared case-insensitively)?
    pub fn matches(&self, action: &str) -> bool {
        self.glob().matches(action)
    }

    /// A compiled matcher, for matching one pattern against many actions.
    pub fn matcher(&self) -> ActionMatcher {
        ActionMatcher(self.glob())
    }

    pub(crate) fn glob(&self) -> Glob {
        Glob::from_pattern(&self.0, StarScope::Anything, Case::InsensitiveAscii)
    }
}

/// An [`ActionPattern`] compiled once, for matching against many actions (expanding a
/// pattern over a catalog of 20,000 actions, say).
///
/// ```
/// use iam_policy::ActionPattern;
/// let matcher = "s3:Get*".parse::<ActionPattern>().unwrap().matcher();
/// assert!(matcher.matches("s3:GetObject"));
/// assert!(!matcher.matches("s3:PutObject"));
/// ```
#[derive(Debug, Clone)]
pub struct ActionMatcher(Glob);

impl ActionMatcher {
    /// Does the pattern cover `action` (compared case-insensitively)?
    pub fn matches(&self, action: &str) -> bool {
        self.0.matches(action)
    }
}

impl FromStr for ActionPattern {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        let err = |rule: &str| Error::invalid("action", text, rule);
        if text == "*" {
            return Ok(ActionPattern::any());
        }
        let Some((service, name)) = text.split_once(':') else {
            return Err(err(
                "an action is \"*\" or \"service:ActionName\", e.g. \"s3:GetObject\"",
            ));
        };
        if service.is_empty()
            || !service
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(err(
                "the service prefix is letters, digits and hyphens, without wildcards",
            ));
        }
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'?' | b'-' | b'_'))
        {
            return Err(err(
                "the action name is letters and digits, with * and ? as wildcards",
            ));
        }
        Ok(ActionPattern(text.to_owned()))
    }
}

impl fmt::Display for ActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

super::string_serde!(
    ActionPattern,
    "ActionPattern",
    "An IAM action: \"*\" or \"service:ActionName\", wildcards * and ? allowed in the name."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        for ok in [
            "*",
            "s3:*",
            "s3:Get*",
            "iam:Get?ser",
            "execute-api:Invoke",
            "S3:GetObject",
        ] {
            assert_eq!(ok.parse::<ActionPattern>().unwrap().as_str(), ok);
        }
        for bad in [
            "",
            "s3",
            ":Get",
            "s3:",
            "*:Get",
            "s3:Get Object",
            "s3:Get:Object",
        ] {
            assert!(bad.parse::<ActionPattern>().is_err(), "{bad}");
        }
    }

    #[test]
    fn star_matches_everything() {
        assert!(ActionPattern::any().matches("anything:AtAll"));
        let p: ActionPattern = "s3:Get*".parse().unwrap();
        assert!(!p.matches("s3:ListBucket"));
        assert!(!p.matches("s3x:GetObject"));
    }
}
