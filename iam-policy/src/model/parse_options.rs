//! [`ParseOptions`]: how much text a parse accepts before doing any work.
//!
//! IAM's largest document quotas are a few thousand characters ("IAM and AWS STS quotas":
//! a customer managed policy is at most 6,144 characters, a role trust policy 2,048 by
//! default and 4,096 after a quota increase, all inline policies of a role 10,240 together;
//! AWS's own managed policies, outside those quotas, reach about 240 KB in the 1,523-policy
//! corpus). A 10 MB "policy" is never real, and parsing one costs memory and time in
//! proportion, so text over a generous limit (1 MiB by default) is refused up front with
//! [`Error::DocumentTooLarge`]. Batch tools that read larger documents raise the limit.

use crate::{Error, PolicyDocument};

/// Options for parsing policy text.
///
/// ```
/// use iam_policy::{Error, ParseOptions};
/// let huge = format!(r#"{{"Version": "2012-10-17", "Statement": [], "Id": "{}"}}"#, "x".repeat(2 << 20));
/// assert!(matches!(
///     ParseOptions::new().parse(&huge),
///     Err(Error::DocumentTooLarge { limit: ParseOptions::DEFAULT_MAX_BYTES, .. })
/// ));
/// // A batch tool may accept more.
/// assert!(ParseOptions::new().with_max_bytes(4 << 20).parse(&huge).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    max_bytes: usize,
}

impl ParseOptions {
    /// The default limit: 1 MiB, over 170 times the customer managed policy quota and four
    /// times the largest AWS managed policy.
    pub const DEFAULT_MAX_BYTES: usize = 1 << 20;

    /// The defaults.
    pub fn new() -> ParseOptions {
        ParseOptions {
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }

    /// Accepts text of at most `max_bytes` bytes.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> ParseOptions {
        self.max_bytes = max_bytes;
        self
    }

    /// The largest text accepted, in bytes.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// Refuses text over the limit, before any parsing.
    pub fn check_size(&self, text: &str) -> Result<(), Error> {
        if text.len() > self.max_bytes {
            return Err(Error::DocumentTooLarge {
                size: text.len(),
                limit: self.max_bytes,
            });
        }
        Ok(())
    }

    /// Parses JSON text, refusing it first when it is over the limit.
    pub fn parse(&self, text: &str) -> Result<PolicyDocument, Error> {
        self.check_size(text)?;
        PolicyDocument::parse_unchecked(text)
    }
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_over_the_limit_are_refused_before_parsing() {
        // Not even JSON: the size is checked first.
        let big = "x".repeat(ParseOptions::DEFAULT_MAX_BYTES + 1);
        let error = ParseOptions::new().parse(&big).unwrap_err();
        assert_eq!(
            error,
            Error::DocumentTooLarge {
                size: ParseOptions::DEFAULT_MAX_BYTES + 1,
                limit: ParseOptions::DEFAULT_MAX_BYTES
            }
        );
        let message = error.to_string();
        assert!(
            message.contains("1048576") && message.contains("1048577"),
            "{message}"
        );
        assert!(message.len() < 300);
        assert!(matches!(
            PolicyDocument::from_json(&big),
            Err(Error::DocumentTooLarge { .. })
        ));
        let small = r#"{"Version": "2012-10-17", "Statement": []}"#;
        assert!(
            ParseOptions::new()
                .with_max_bytes(small.len())
                .parse(small)
                .is_ok()
        );
        assert!(matches!(
            ParseOptions::new()
                .with_max_bytes(small.len() - 1)
                .parse(small),
            Err(Error::DocumentTooLarge { .. })
        ));
    }
}
