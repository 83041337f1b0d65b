//! The `Condition` element: operators (with `ForAnyValue:`/`ForAllValues:` and `IfExists`),
//! condition keys and their values, kept in the order written.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::OneOrMany;

/// The condition operators IAM documents (IAM User Guide, "IAM JSON policy elements:
/// Condition operators"), without qualifier or `IfExists` suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
#[allow(missing_docs)] // The variant names are the operator names.
pub enum OperatorKind {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// The families of operators, which share value types and matching rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum OperatorFamily {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    IpAddress,
    Arn,
    Null,
}

impl OperatorKind {
    /// Every operator.
    pub const ALL: [OperatorKind; 27] = [
        OperatorKind::StringEquals,
        OperatorKind::StringNotEquals,
        OperatorKind::StringEqualsIgnoreCase,
        OperatorKind::StringNotEqualsIgnoreCase,
        OperatorKind::StringLike,
        OperatorKind::StringNotLike,
        OperatorKind::NumericEquals,
        OperatorKind::NumericNotEquals,
        OperatorKind::NumericLessThan,
        OperatorKind::NumericLessThanEquals,
        OperatorKind::NumericGreaterThan,
        OperatorKind::NumericGreaterThanEquals,
        OperatorKind::DateEquals,
        OperatorKind::DateNotEquals,
        OperatorKind::DateLessThan,
        OperatorKind::DateLessThanEquals,
        OperatorKind::DateGreaterThan,
        OperatorKind::DateGreaterThanEquals,
        OperatorKind::Bool,
        OperatorKind::BinaryEquals,
        OperatorKind::IpAddress,
        OperatorKind::NotIpAddress,
        OperatorKind::ArnEquals,
        OperatorKind::ArnLike,
        OperatorKind::ArnNotEquals,
        OperatorKind::ArnNotLike,
        OperatorKind::Null,
    ];

    /// The operator's name as written in policies.
    pub fn as_str(self) -> &'static str {
        use OperatorKind::*;
        match self {
            StringEquals => "StringEquals",
            StringNotEquals => "StringNotEquals",
            StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            StringLike => "StringLike",
            StringNotLike => "StringNotLike",
            NumericEquals => "NumericEquals",
            NumericNotEquals => "NumericNotEquals",
            NumericLessThan => "NumericLessThan",
            NumericLessThanEquals => "NumericLessThanEquals",
            NumericGreaterThan => "NumericGreaterThan",
            NumericGreaterThanEquals => "NumericGreaterThanEquals",
            DateEquals => "DateEquals",
            DateNotEquals => "DateNotEquals",
            DateLessThan => "DateLessThan",
            DateLessThanEquals => "DateLessThanEquals",
            DateGreaterThan => "DateGreaterThan",
            DateGreaterThanEquals => "DateGreaterThanEquals",
            Bool => "Bool",
            BinaryEquals => "BinaryEquals",
            IpAddress => "IpAddress",
            NotIpAddress => "NotIpAddress",
            ArnEquals => "ArnEquals",
            ArnLike => "ArnLike",
            ArnNotEquals => "ArnNotEquals",
            ArnNotLike => "ArnNotLike",
            Null => "Null",
        }
    }

    /// The operator's family.
    pub fn family(self) -> OperatorFamily {
        use OperatorKind::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => OperatorFamily::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => OperatorFamily::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => OperatorFamily::Date,
            Bool => OperatorFamily::Bool,
            BinaryEquals => OperatorFamily::Binary,
            IpAddress | NotIpAddress => OperatorFamily::IpAddress,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => OperatorFamily::Arn,
            Null => OperatorFamily::Null,
        }
    }

    /// True for the negated operators (`StringNotEquals`, `NotIpAddress`, ...): they are
    /// true when the key is absent and combine several policy values with NOR.
    pub fn is_negated(self) -> bool {
        use OperatorKind::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// True when policy variables are substituted in this operator's values (string and ARN
    /// operators; IAM User Guide, "Policy variables ... Where you can use policy variables").
    ///
    /// `Bool` is not one of them, although the two AWS pages disagree on it:
    /// - "IAM policy elements: Variables and tags", "Condition element": "You can use a policy
    ///   variable for `Condition` values in any condition that involves the string operators
    ///   or the ARN operators ... You can't use a policy variable with other operators, such as
    ///   `Numeric`, `Date`, `Boolean`, `Binary`, `IP Address`, or `Null` operators."
    /// - "IAM JSON policy elements: Condition operators", "Boolean condition operators":
    ///   "Policy variables – Supported".
    ///
    /// This crate follows the variables page, the one that fails closed: a `Bool` value
    /// holding `${...}` is not substituted, so it is not `true`/`false` and the condition is
    /// unevaluable (it never allows, and in a `Deny` it blocks `Allow`). The validator says so
    /// with `BOOL_WITH_POLICY_VARIABLE`.
    pub fn supports_variables(self) -> bool {
        matches!(self.family(), OperatorFamily::String | OperatorFamily::Arn)
    }

    fn parse(text: &str) -> Option<OperatorKind> {
        OperatorKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl fmt::Display for OperatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The set operators for multivalued context keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SetQualifier {
    /// `ForAnyValue:`: at least one request value matches.
    ForAnyValue,
    /// `ForAllValues:`: every request value matches (true for an absent or empty key).
    ForAllValues,
}

impl SetQualifier {
    /// The prefix without its colon.
    pub fn as_str(self) -> &'static str {
        match self {
            SetQualifier::ForAnyValue => "ForAnyValue",
            SetQualifier::ForAllValues => "ForAllValues",
        }
    }
}

/// A condition operator as written: a known operator with its qualifier and `IfExists` flag,
/// or text IAM does not know (kept so the validator can report it and evaluation can refuse it).
///
/// ```
/// use iam_policy::{ConditionOperator, OperatorKind, SetQualifier};
/// let op: ConditionOperator = "ForAllValues:StringLikeIfExists".parse().unwrap();
/// assert_eq!(op.kind(), Some(OperatorKind::StringLike));
/// assert_eq!(op.qualifier(), Some(SetQualifier::ForAllValues));
/// assert!(op.if_exists());
/// assert_eq!(op.to_string(), "ForAllValues:StringLikeIfExists");
/// assert_eq!("StringEqualz".parse::<ConditionOperator>().unwrap().kind(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConditionOperator {
    /// An operator IAM documents.
    Known {
        /// `ForAnyValue:` / `ForAllValues:`, if present.
        qualifier: Option<SetQualifier>,
        /// The base operator.
        kind: OperatorKind,
        /// The `IfExists` suffix.
        if_exists: bool,
    },
    /// Anything else, as written.
    Unknown(String),
}

impl ConditionOperator {
    /// A plain operator with no qualifier or suffix.
    pub fn new(kind: OperatorKind) -> ConditionOperator {
        ConditionOperator::Known {
            qualifier: None,
            kind,
            if_exists: false,
        }
    }

    /// The base operator, `None` when unknown.
    pub fn kind(&self) -> Option<OperatorKind> {
        match self {
            ConditionOperator::Known { kind, .. } => Some(*kind),
            ConditionOperator::Unknown(_) => None,
        }
    }

    /// The set qualifier, if any.
    pub fn qualifier(&self) -> Option<SetQualifier> {
        match self {
            ConditionOperator::Known { qualifier, .. } => *qualifier,
            ConditionOperator::Unknown(_) => None,
        }
    }

    /// True with the `IfExists` suffix.
    pub fn if_exists(&self) -> bool {
        matches!(
            self,
            ConditionOperator::Known {
                if_exists: true,
                ..
            }
        )
    }
}

impl std::str::FromStr for ConditionOperator {
    type Err = std::convert::Infallible;

    /// Never fails: unknown operators parse as [`ConditionOperator::Unknown`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (qualifier, rest) = if let Some(rest) = text.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = text.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, text)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        Ok(match OperatorKind::parse(base) {
            // `Null` tests existence itself; IAM has no `NullIfExists`.
            Some(OperatorKind::Null) if if_exists => ConditionOperator::Unknown(text.to_owned()),
            Some(kind) => ConditionOperator::Known {
                qualifier,
                kind,
                if_exists,
            },
            None => ConditionOperator::Unknown(text.to_owned()),
        })
    }
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConditionOperator::Known {
                qualifier,
                kind,
                if_exists,
            } => {
                if let Some(q) = qualifier {
                    write!(f, "{}:", q.as_str())?;
                }
                f.write_str(kind.as_str())?;
                if *if_exists {
                    f.write_str("IfExists")?;
                }
                Ok(())
            }
            ConditionOperator::Unknown(text) => f.write_str(text),
        }
    }
}

/// A value in a condition: IAM accepts JSON strings, numbers and booleans, and compares
/// them by their text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConditionValue {
    /// A JSON string.
    String(String),
    /// A JSON number, kept as written.
    Number(serde_json::Number),
    /// A JSON boolean.
    Bool(bool),
}

impl ConditionValue {
    /// The value as IAM compares it: strings as is, numbers and booleans as their JSON text.
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            ConditionValue::String(s) => Cow::Borrowed(s),
            ConditionValue::Number(n) => Cow::Owned(n.to_string()),
            ConditionValue::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        }
    }
}

impl From<&str> for ConditionValue {
    fn from(value: &str) -> Self {
        ConditionValue::String(value.to_owned())
    }
}

impl From<String> for ConditionValue {
    fn from(value: String) -> Self {
        ConditionValue::String(value)
    }
}

impl From<bool> for ConditionValue {
    fn from(value: bool) -> Self {
        ConditionValue::Bool(value)
    }
}

impl Serialize for ConditionValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ConditionValue::String(s) => serializer.serialize_str(s),
            ConditionValue::Number(n) => n.serialize(serializer),
            ConditionValue::Bool(b) => serializer.serialize_bool(*b),
        }
    }
}

impl<'de> Deserialize<'de> for ConditionValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;

        impl Visitor<'_> for ValueVisitor {
            type Value = ConditionValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<ConditionValue, E> {
                Ok(ConditionValue::String(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<ConditionValue, E> {
                Ok(ConditionValue::String(v))
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ConditionValue, E> {
                Ok(ConditionValue::Bool(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ConditionValue, E> {
                Ok(ConditionValue::Number(v.into()))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ConditionValue, E> {
                Ok(ConditionValue::Number(v.into()))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ConditionValue, E> {
                serde_json::Number::from_f64(v)
                    .map(ConditionValue::Number)
                    .ok_or_else(|| E::custom("condition numbers must be finite"))
            }
        }

        deserializer.deserialize_any(ValueVisitor)
    }
}

impl JsonSchema for ConditionValue {
    fn schema_name() -> Cow<'static, str> {
        "ConditionValue".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({ "type": ["string", "number", "boolean"] })
    }
}

/// One condition key and the values it is compared with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConditionEntry {
    /// The context key, e.g. `aws:SourceIp` (matched case-insensitively).
    pub key: String,
    /// The policy values, any of which may match.
    pub values: OneOrMany<ConditionValue>,
}

/// One operator and the keys it tests: `"StringEquals": {"k1": ..., "k2": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConditionBlock {
    /// The operator.
    pub operator: ConditionOperator,
    /// Its keys, all of which must be satisfied.
    pub entries: Vec<ConditionEntry>,
}

/// A `Condition` element: every block, and every key in it, must be satisfied.
///
/// ```
/// use iam_policy::{Condition, OperatorKind};
/// let c: Condition = serde_json::from_str(
///     r#"{"StringEquals": {"sts:ExternalId": "abc"}, "Bool": {"aws:SecureTransport": true}}"#,
/// ).unwrap();
/// assert_eq!(c.blocks[0].operator.kind(), Some(OperatorKind::StringEquals));
/// assert_eq!(c.blocks[1].entries[0].values.as_slice()[0].as_text(), "true");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Condition {
    /// The operator blocks in the order written.
    pub blocks: Vec<ConditionBlock>,
}

impl Condition {
    /// Adds `key` with `values` under `operator`, reusing the block if it exists.
    pub fn with(
        mut self,
        operator: ConditionOperator,
        key: impl Into<String>,
        values: impl Into<OneOrMany<ConditionValue>>,
    ) -> Condition {
        let entry = ConditionEntry {
            key: key.into(),
            values: values.into(),
        };
        match self.blocks.iter_mut().find(|b| b.operator == operator) {
            Some(block) => block.entries.push(entry),
            None => self.blocks.push(ConditionBlock {
                operator,
                entries: vec![entry],
            }),
        }
        self
    }

    /// True when there are no blocks.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Every `(operator, entry)` pair.
    pub fn entries(&self) -> impl Iterator<Item = (&ConditionOperator, &ConditionEntry)> {
        self.blocks
            .iter()
            .flat_map(|b| b.entries.iter().map(move |e| (&b.operator, e)))
    }
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Entries<'a>(&'a [ConditionEntry]);
        impl Serialize for Entries<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for entry in self.0 {
                    map.serialize_entry(&entry.key, &entry.values)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(self.blocks.len()))?;
        for block in &self.blocks {
            map.serialize_entry(&block.operator.to_string(), &Entries(&block.entries))?;
        }
        map.end()
    }
}

// JSON objects with repeated keys are ambiguous (which one wins depends on the parser), so a
// repeated operator or key is rejected rather than silently dropped.
impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesSeed;
        struct EntriesVisitor;

        impl<'de> de::DeserializeSeed<'de> for EntriesSeed {
            type Value = Vec<ConditionEntry>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_map(EntriesVisitor)
            }
        }

        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Vec<ConditionEntry>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object from condition key to value(s)")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<ConditionEntry> = Vec::new();
                // A set, not a scan of `entries`: 100,000 keys must not take quadratic time.
                let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key.clone()) {
                        return Err(de::Error::custom(format!(
                            "duplicate condition key {key:?} in one operator block"
                        )));
                    }
                    let values = map.next_value()?;
                    entries.push(ConditionEntry { key, values });
                }
                Ok(entries)
            }
        }

        struct ConditionVisitor;

        impl<'de> Visitor<'de> for ConditionVisitor {
            type Value = Condition;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object from condition operator to keys")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Condition, A::Error> {
                let mut blocks: Vec<ConditionBlock> = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    let operator: ConditionOperator = match name.parse() {
                        Ok(op) => op,
                        Err(never) => match never {},
                    };
                    if blocks.iter().any(|b| b.operator == operator) {
                        return Err(de::Error::custom(format!(
                            "duplicate condition operator {name:?}"
                        )));
                    }
                    let entries = map.next_value_seed(EntriesSeed)?;
                    blocks.push(ConditionBlock { operator, entries });
                }
                Ok(Condition { blocks })
            }
        }

        deserializer.deserialize_map(ConditionVisitor)
    }
}

impl JsonSchema for Condition {
    fn schema_name() -> Cow<'static, str> {
        "Condition".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
        let values = generator.subschema_for::<OneOrMany<ConditionValue>>();
        json_schema!({
            "description": "Map from condition operator (e.g. StringEquals, ForAnyValue:StringLike, NumericLessThanIfExists) to a map from condition key to value(s).",
            "type": "object",
            "additionalProperties": { "type": "object", "additionalProperties": values }
        })
    }
}
