//! The policy document: `Version`, `Id` and `Statement`.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Error, OneOrMany, ParseOptions, SourceLocation, Statement};

/// The policy language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Version {
    /// The current version; required for policy variables.
    #[serde(rename = "2012-10-17")]
    V2012_10_17,
    /// The original version: `${...}` is literal text.
    #[serde(rename = "2008-10-17")]
    V2008_10_17,
}

impl Version {
    /// As written in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }
}

/// An IAM policy document.
///
/// Parsing is strict where IAM is strict (unknown keys, both `Action` and `NotAction`, malformed
/// actions or resources) and reports the JSON path, line and column of the problem; it is
/// lossless, so `to_json` gives back an equivalent document in the same shape.
///
/// ```
/// use iam_policy::PolicyDocument;
/// let doc: PolicyDocument = r#"{
///   "Version": "2012-10-17",
///   "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}
/// }"#.parse().unwrap();
/// assert_eq!(doc.statements().len(), 1);
/// assert_eq!(
///     doc.to_json(),
///     r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}}"#
/// );
///
/// let err = r#"{"Statement": [{"Effect": "Allow", "Action": "s3 List"}]}"#
///     .parse::<PolicyDocument>().unwrap_err();
/// assert!(err.to_string().contains("$.Statement[0].Action"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// The language version; IAM treats a missing version as `2008-10-17`.
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    /// Optional policy id.
    #[serde(rename = "Id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The statements, as one object or a list.
    #[serde(rename = "Statement")]
    pub statement: OneOrMany<Statement>,
}

impl PolicyDocument {
    /// A `2012-10-17` document with the given statements.
    pub fn new(statements: Vec<Statement>) -> PolicyDocument {
        PolicyDocument {
            version: Some(Version::V2012_10_17),
            id: None,
            statement: OneOrMany::Many(statements),
        }
    }

    /// Parses JSON text of at most [`ParseOptions::DEFAULT_MAX_BYTES`] bytes (larger text is
    /// refused with [`Error::DocumentTooLarge`] before any parsing; use [`ParseOptions`] to
    /// accept more).
    pub fn from_json(text: &str) -> Result<PolicyDocument, Error> {
        ParseOptions::new().parse(text)
    }

    /// Parses JSON text whatever its size ([`ParseOptions::parse`] checks the size first).
    pub(crate) fn parse_unchecked(text: &str) -> Result<PolicyDocument, Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        let doc: PolicyDocument = serde_path_to_error::deserialize(&mut de).map_err(|err| {
            let path = json_path(err.path());
            parse_error(path, err.into_inner())
        })?;
        // Trailing characters after the document.
        de.end().map_err(|e| parse_error("$".to_owned(), e))?;
        Ok(doc)
    }

    /// Parses an already-decoded JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<PolicyDocument, Error> {
        serde_path_to_error::deserialize(value).map_err(|err| Error::Parse {
            location: SourceLocation::path(json_path(err.path())),
            message: err.into_inner().to_string(),
        })
    }

    /// Compact JSON, the form IAM measures for its size limits.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(unreachable_serialization)
    }

    /// Indented JSON for people.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(unreachable_serialization)
    }

    /// The statements as a slice.
    pub fn statements(&self) -> &[Statement] {
        self.statement.as_slice()
    }

    /// JSON path of statement `index`: `$.Statement` when written as one object.
    pub fn statement_path(&self, index: usize) -> String {
        let mut path = String::from("$.Statement");
        if let OneOrMany::Many(_) = self.statement {
            crate::json_path::push_index(&mut path, index);
        }
        path
    }

    /// True when policy variables are substituted (only in version `2012-10-17`).
    pub fn supports_variables(&self) -> bool {
        self.version == Some(Version::V2012_10_17)
    }

    /// The effective language version (`2008-10-17` when absent, as IAM does).
    pub fn effective_version(&self) -> Version {
        self.version.unwrap_or(Version::V2008_10_17)
    }
}

// Every model type serializes infallibly to JSON (string keys, finite numbers).
#[allow(
    clippy::panic,
    reason = "serde_json fails only on non-string map keys or a serializer's own error; the \
              model has string keys only and no serializer that returns an error"
)]
fn unreachable_serialization(error: serde_json::Error) -> String {
    panic!("serializing a policy document cannot fail: {error}")
}

impl FromStr for PolicyDocument {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        PolicyDocument::from_json(text)
    }
}

impl fmt::Display for PolicyDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// Renders a serde path as `$.Statement[0].Action[1]`.
fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("$");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => crate::json_path::push_index(&mut out, *index),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                crate::json_path::push_key(&mut out, key)
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

fn parse_error(path: String, inner: serde_json::Error) -> Error {
    Error::Parse {
        location: SourceLocation {
            path,
            line: Some(inner.line()),
            column: Some(inner.column()),
        },
        // serde quotes the offending value whole; a message quotes an excerpt.
        message: crate::excerpt::shorten_quoted(&strip_position(&inner.to_string())),
    }
}

/// serde_json appends " at line L column C"; the location is reported separately.
fn strip_position(message: &str) -> String {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(head, _)| head)
        .to_owned()
}
