//! The `Principal` / `NotPrincipal` element.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::OneOrMany;

/// The kinds of principal IAM policies can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PrincipalKind {
    /// `"AWS"`: accounts, IAM users and roles, role sessions, or `*`.
    Aws,
    /// `"Service"`: AWS service principals such as `ec2.amazonaws.com`.
    Service,
    /// `"Federated"`: OIDC / SAML identity providers.
    Federated,
    /// `"CanonicalUser"`: S3 canonical user ids.
    CanonicalUser,
}

impl PrincipalKind {
    /// The JSON key, e.g. `"AWS"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }

    fn parse(text: &str) -> Option<PrincipalKind> {
        [
            PrincipalKind::Aws,
            PrincipalKind::Service,
            PrincipalKind::Federated,
            PrincipalKind::CanonicalUser,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

impl fmt::Display for PrincipalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `Principal` or `NotPrincipal` value: `"*"` (everyone, including anonymous callers) or a
/// map from principal kind to one or more identifiers, in the order written.
///
/// ```
/// use iam_policy::{Principal, PrincipalKind};
/// let p: Principal = serde_json::from_str(r#"{"AWS": "arn:aws:iam::111122223333:root"}"#).unwrap();
/// assert_eq!(p.values(PrincipalKind::Aws).collect::<Vec<_>>(), ["arn:aws:iam::111122223333:root"]);
/// assert!(serde_json::from_str::<Principal>(r#"{"Aws": "x"}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Principal {
    /// `"*"`.
    Any,
    /// `{"AWS": ..., "Service": ...}`.
    Specific(Vec<(PrincipalKind, OneOrMany<String>)>),
}

impl Principal {
    /// A single AWS principal (account root ARN, account id, role ARN, ...).
    pub fn aws(id: impl Into<String>) -> Principal {
        Principal::Specific(vec![(PrincipalKind::Aws, OneOrMany::One(id.into()))])
    }

    /// A single principal of the given kind.
    pub fn of(kind: PrincipalKind, id: impl Into<String>) -> Principal {
        Principal::Specific(vec![(kind, OneOrMany::One(id.into()))])
    }

    /// Every identifier listed under `kind`.
    pub fn values(&self, kind: PrincipalKind) -> impl Iterator<Item = &str> {
        let entries: &[(PrincipalKind, OneOrMany<String>)] = match self {
            Principal::Any => &[],
            Principal::Specific(entries) => entries,
        };
        entries
            .iter()
            .filter(move |(k, _)| *k == kind)
            .flat_map(|(_, ids)| ids.iter().map(String::as_str))
    }

    /// Every `(kind, identifier)` pair.
    pub fn entries(&self) -> impl Iterator<Item = (PrincipalKind, &str)> {
        let entries: &[(PrincipalKind, OneOrMany<String>)] = match self {
            Principal::Any => &[],
            Principal::Specific(entries) => entries,
        };
        entries
            .iter()
            .flat_map(|(k, ids)| ids.iter().map(move |id| (*k, id.as_str())))
    }
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Principal::Any => serializer.serialize_str("*"),
            Principal::Specific(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (kind, ids) in entries {
                    map.serialize_entry(kind.as_str(), ids)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Principal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PrincipalVisitor;

        impl<'de> Visitor<'de> for PrincipalVisitor {
            type Value = Principal;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"*\" or an object with AWS, Service, Federated or CanonicalUser keys")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Principal, E> {
                if v == "*" {
                    Ok(Principal::Any)
                } else {
                    Err(E::custom(format!(
                        "a principal written as a string must be \"*\", got {v:?}; use {{\"AWS\": {v:?}}}"
                    )))
                }
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Principal, A::Error> {
                let mut entries: Vec<(PrincipalKind, OneOrMany<String>)> = Vec::new();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    let kind = PrincipalKind::parse(&key).ok_or_else(|| {
                        de::Error::custom(format!(
                            "unknown principal type {key:?}: expected AWS, Service, Federated or CanonicalUser"
                        ))
                    })?;
                    if entries.iter().any(|(k, _)| *k == kind) {
                        return Err(de::Error::custom(format!(
                            "duplicate principal type {key:?}"
                        )));
                    }
                    entries.push((kind, map.next_value()?));
                }
                Ok(Principal::Specific(entries))
            }
        }

        deserializer.deserialize_any(PrincipalVisitor)
    }
}

impl JsonSchema for Principal {
    fn schema_name() -> Cow<'static, str> {
        "Principal".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
        let ids = generator.subschema_for::<OneOrMany<String>>();
        json_schema!({
            "description": "\"*\" or a map from principal type to one or more identifiers.",
            "anyOf": [
                { "const": "*" },
                {
                    "type": "object",
                    "properties": {
                        "AWS": ids, "Service": ids, "Federated": ids, "CanonicalUser": ids
                    },
                    "additionalProperties": false
                }
            ]
        })
    }
}
