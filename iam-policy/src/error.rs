//! The crate's one error type: every failure names the field, the value and the rule it broke.

use std::fmt;

use crate::excerpt::excerpt;

/// Everything that can go wrong when building or parsing IAM policy values.
///
/// Errors keep the input they rejected, so nothing the caller passed is lost.
///
/// ```
/// use iam_policy::{AccountId, Error};
/// let err = "12345".parse::<AccountId>().unwrap_err();
/// assert!(matches!(err, Error::InvalidValue { field: "account id", .. }));
/// assert!(err.to_string().contains("12 digits"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value did not satisfy the rule of its type (account id, ARN, action, ...).
    #[error("invalid {field} {value:?}: {rule}")]
    InvalidValue {
        /// What the value was meant to be, e.g. `"account id"`.
        field: &'static str,
        /// The rejected input, or its first characters followed by `…` when it is long
        /// (an error never echoes a huge input whole).
        value: String,
        /// The rule it broke, in words.
        rule: String,
    },
    /// A policy text is larger than the parse limit ([`crate::ParseOptions`]); nothing was
    /// parsed.
    #[error(
        "policy document is {size} bytes, over the limit of {limit} bytes (a generous multiple of IAM's largest quota); raise it with ParseOptions::with_max_bytes only for batch tools that read larger documents"
    )]
    DocumentTooLarge {
        /// The size of the text, in bytes.
        size: usize,
        /// The limit it exceeds, in bytes.
        limit: usize,
    },
    /// A policy document is not valid JSON or does not follow the IAM grammar.
    #[error("policy document is invalid at {location}: {message}")]
    Parse {
        /// Where the problem is.
        location: SourceLocation,
        /// What is wrong there.
        message: String,
    },
}

impl Error {
    pub(crate) fn invalid(field: &'static str, value: &str, rule: impl Into<String>) -> Self {
        Error::InvalidValue {
            field,
            value: excerpt(value).into_owned(),
            rule: rule.into(),
        }
    }
}

/// A place in a policy document: a JSON path (`$.Statement[0].Action`) and, when
/// the document came from text, the 1-based line and column.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct SourceLocation {
    /// JSON path from the document root, `$` for the root itself.
    pub path: String,
    /// 1-based line in the source text, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in the source text, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl SourceLocation {
    /// A location known only by its JSON path.
    pub fn path(path: impl Into<String>) -> Self {
        SourceLocation {
            path: path.into(),
            line: None,
            column: None,
        }
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}
