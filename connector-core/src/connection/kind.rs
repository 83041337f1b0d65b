//! `ConnectionKind`: how the vendor gets into the customer's role — `AssumeRole` with an
//! External ID, or `AssumeRoleWithWebIdentity` with a token the vendor's OIDC issuer mints
//! (the Nomos model: no long-lived vendor key anywhere) — and `TokenSubject`, the `sub` such
//! a role's trust policy pins.

use std::fmt;
use std::str::FromStr;

use crate::ConnectorError;

/// The `sub` claim of the tokens a web-identity connection's role accepts (`org/TENANT` by
/// convention): 1 to 255 characters, no control characters, not only spaces. The customer's
/// trust policy pins it with `StringEquals` on `ISSUER:sub`; the connection test proves that
/// another tenant's subject is refused.
///
/// ```
/// use connector_core::TokenSubject;
/// let subject: TokenSubject = "org/acme".parse()?;
/// assert_eq!(subject.as_str(), "org/acme");
/// assert!("".parse::<TokenSubject>().is_err());
/// assert!("org/\u{7}".parse::<TokenSubject>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, schemars::JsonSchema)]
#[schemars(
    transparent,
    description = "The sub claim of the tokens the role accepts: 1 to 255 characters."
)]
pub struct TokenSubject(String);

impl TokenSubject {
    /// The longest subject, in characters (OpenID Connect Core 1.0, section 2: "It MUST NOT
    /// exceed 255 ASCII characters in length").
    pub const MAX_CHARS: usize = 255;

    /// The subject of `tenant`'s tokens: `org/TENANT`.
    pub fn for_tenant(tenant: &str) -> Result<TokenSubject, ConnectorError> {
        format!("org/{tenant}").parse()
    }

    /// The subject.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TokenSubject {
    type Err = ConnectorError;

    fn from_str(value: &str) -> Result<TokenSubject, ConnectorError> {
        let ok = !value.trim().is_empty()
            && value.chars().count() <= TokenSubject::MAX_CHARS
            && !value.chars().any(char::is_control);
        if ok {
            Ok(TokenSubject(value.to_owned()))
        } else {
            Err(ConnectorError::invalid(
                "token subject",
                value,
                "a token subject is 1 to 255 characters, not blank, without control characters",
            ))
        }
    }
}

impl fmt::Display for TokenSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for TokenSubject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for TokenSubject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        value
            .parse()
            .map_err(<D::Error as serde::de::Error>::custom)
    }
}

/// How the vendor assumes the customer's role. Fixed when the connection is created.
///
/// Records written before connections had a kind carry no `kind` field and read back as
/// [`ConnectionKind::ExternalId`]; an External ID connection is written without the field,
/// byte for byte as before.
///
/// ```
/// use connector_core::{ConnectionKind, TokenSubject};
/// let kind = ConnectionKind::WebIdentity { subject: TokenSubject::for_tenant("acme")? };
/// assert_eq!(serde_json::to_value(&kind)?, serde_json::json!({"type": "web_identity", "subject": "org/acme"}));
/// assert!(ConnectionKind::default().is_external_id());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[schemars(
    description = "How the vendor assumes the customer's role: AssumeRole with the External ID (the default, and what a record without a kind means), or AssumeRoleWithWebIdentity with a token for the subject."
)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ConnectionKind {
    /// `AssumeRole` from the vendor's principal with the connection's External ID.
    #[default]
    ExternalId,
    /// `AssumeRoleWithWebIdentity` with a token of the vendor's OIDC issuer whose `sub` is
    /// `subject` and whose `aud` is `sts.amazonaws.com`; a fresh token for every call.
    WebIdentity {
        /// The `sub` the role's trust policy pins.
        subject: TokenSubject,
    },
}

impl ConnectionKind {
    /// True for [`ConnectionKind::ExternalId`].
    pub fn is_external_id(&self) -> bool {
        matches!(self, ConnectionKind::ExternalId)
    }

    /// The token subject of a web-identity connection.
    pub fn web_identity_subject(&self) -> Option<&TokenSubject> {
        match self {
            ConnectionKind::WebIdentity { subject } => Some(subject),
            ConnectionKind::ExternalId => None,
        }
    }

    /// The kind's name: `external_id` or `web_identity`.
    pub fn name(&self) -> &'static str {
        match self {
            ConnectionKind::ExternalId => "external_id",
            ConnectionKind::WebIdentity { .. } => "web_identity",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn subject_parse_accepts_exactly_the_rule(value in "\\PC{0,300}|[\\x00-\\x1f ]{0,4}") {
            let ok = !value.trim().is_empty()
                && value.chars().count() <= 255
                && !value.chars().any(char::is_control);
            let parsed = value.parse::<TokenSubject>();
            prop_assert_eq!(parsed.is_ok(), ok);
            if let Ok(subject) = parsed {
                let json = serde_json::to_string(&subject).unwrap();
                prop_assert_eq!(serde_json::from_str::<TokenSubject>(&json).unwrap(), subject);
            }
        }
    }

    #[test]
    fn an_invalid_subject_in_json_is_refused_naming_the_field() {
        let err = serde_json::from_str::<ConnectionKind>(r#"{"type":"web_identity","subject":""}"#)
            .unwrap_err();
        assert!(err.to_string().contains("token subject"), "{err}");
    }
}
