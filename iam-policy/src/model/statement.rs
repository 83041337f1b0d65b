//! A policy statement: effect, principal, action, resource and condition.

use std::borrow::Cow;

use schemars::{JsonSchema, SchemaGenerator};
use serde::de::{self, Deserializer};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::{ActionPattern, Condition, OneOrMany, Principal, ResourcePattern};

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Effect {
    /// Grants the access the statement describes.
    Allow,
    /// Refuses it, overriding any `Allow`.
    Deny,
}

/// `Principal` or `NotPrincipal`; a statement has at most one of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrincipalClause {
    /// Applies to the listed principals.
    Principal(Principal),
    /// Applies to everyone except the listed principals.
    NotPrincipal(Principal),
}

/// `Action` or `NotAction`; a statement has exactly one of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ActionClause {
    /// Applies to the listed actions.
    Action(OneOrMany<ActionPattern>),
    /// Applies to every action except the listed ones.
    NotAction(OneOrMany<ActionPattern>),
}

impl ActionClause {
    /// The listed patterns, whichever the form.
    pub fn patterns(&self) -> &OneOrMany<ActionPattern> {
        match self {
            ActionClause::Action(p) | ActionClause::NotAction(p) => p,
        }
    }
}

/// `Resource` or `NotResource`; absent in trust policies.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResourceClause {
    /// Applies to the listed resources.
    Resource(OneOrMany<ResourcePattern>),
    /// Applies to every resource except the listed ones.
    NotResource(OneOrMany<ResourcePattern>),
}

impl ResourceClause {
    /// The listed patterns, whichever the form.
    pub fn patterns(&self) -> &OneOrMany<ResourcePattern> {
        match self {
            ResourceClause::Resource(p) | ResourceClause::NotResource(p) => p,
        }
    }
}

/// One statement of a policy.
///
/// The shapes IAM refuses cannot be built: exactly one of `Action`/`NotAction`, at most one
/// of `Principal`/`NotPrincipal` and of `Resource`/`NotResource`.
///
/// ```
/// use iam_policy::{Effect, Statement};
/// let s = Statement::allow(["s3:GetObject"]).unwrap()
///     .with_sid("ReadObjects")
///     .with_resources(["arn:aws:s3:::my-bucket/*"]).unwrap();
/// assert_eq!(s.effect, Effect::Allow);
/// assert_eq!(
///     serde_json::to_string(&s).unwrap(),
///     r#"{"Sid":"ReadObjects","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::my-bucket/*"]}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Statement {
    /// Optional statement id.
    pub sid: Option<String>,
    /// Allow or Deny.
    pub effect: Effect,
    /// Who the statement applies to (resource-based and trust policies only).
    pub principal: Option<PrincipalClause>,
    /// What actions it applies to.
    pub action: ActionClause,
    /// What resources it applies to (absent in trust policies).
    pub resource: Option<ResourceClause>,
    /// When it applies.
    pub condition: Option<Condition>,
}

impl Statement {
    /// A statement with `effect` over `actions` and nothing else.
    pub fn new(effect: Effect, action: ActionClause) -> Statement {
        Statement {
            sid: None,
            effect,
            principal: None,
            action,
            resource: None,
            condition: None,
        }
    }

    /// An `Allow` statement over the given actions, parsed and checked.
    pub fn allow<I, S>(actions: I) -> Result<Statement, crate::Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Ok(Statement::new(
            Effect::Allow,
            ActionClause::Action(parse_all(actions)?),
        ))
    }

    /// A `Deny` statement over the given actions, parsed and checked.
    pub fn deny<I, S>(actions: I) -> Result<Statement, crate::Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Ok(Statement::new(
            Effect::Deny,
            ActionClause::Action(parse_all(actions)?),
        ))
    }

    /// Sets the statement id.
    pub fn with_sid(mut self, sid: impl Into<String>) -> Statement {
        self.sid = Some(sid.into());
        self
    }

    /// Sets the `Principal`.
    pub fn with_principal(mut self, principal: Principal) -> Statement {
        self.principal = Some(PrincipalClause::Principal(principal));
        self
    }

    /// Sets the `Resource` list, parsed and checked.
    pub fn with_resources<I, S>(mut self, resources: I) -> Result<Statement, crate::Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.resource = Some(ResourceClause::Resource(parse_all(resources)?));
        Ok(self)
    }

    /// Sets the `Condition`.
    pub fn with_condition(mut self, condition: Condition) -> Statement {
        self.condition = Some(condition);
        self
    }
}

fn parse_all<T, I, S>(items: I) -> Result<OneOrMany<T>, crate::Error>
where
    T: std::str::FromStr<Err = crate::Error>,
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    items
        .into_iter()
        .map(|s| s.as_ref().parse())
        .collect::<Result<Vec<T>, _>>()
        .map(OneOrMany::Many)
}

/// The statement exactly as JSON spells it; converted to [`Statement`] after checking the
/// element combinations IAM requires.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Statement")]
struct StatementWire {
    #[serde(rename = "Sid", default)]
    sid: Option<String>,
    #[serde(rename = "Effect")]
    effect: Effect,
    #[serde(rename = "Principal", default)]
    principal: Option<Principal>,
    #[serde(rename = "NotPrincipal", default)]
    not_principal: Option<Principal>,
    #[serde(rename = "Action", default)]
    action: Option<OneOrMany<ActionPattern>>,
    #[serde(rename = "NotAction", default)]
    not_action: Option<OneOrMany<ActionPattern>>,
    #[serde(rename = "Resource", default)]
    resource: Option<OneOrMany<ResourcePattern>>,
    #[serde(rename = "NotResource", default)]
    not_resource: Option<OneOrMany<ResourcePattern>>,
    #[serde(rename = "Condition", default)]
    condition: Option<Condition>,
}

impl<'de> Deserialize<'de> for Statement {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = StatementWire::deserialize(deserializer)?;
        let principal = match (wire.principal, wire.not_principal) {
            (Some(_), Some(_)) => {
                return Err(de::Error::custom(
                    "a statement cannot have both Principal and NotPrincipal",
                ));
            }
            (Some(p), None) => Some(PrincipalClause::Principal(p)),
            (None, Some(p)) => Some(PrincipalClause::NotPrincipal(p)),
            (None, None) => None,
        };
        let action = match (wire.action, wire.not_action) {
            (Some(a), None) => ActionClause::Action(a),
            (None, Some(a)) => ActionClause::NotAction(a),
            (Some(_), Some(_)) => {
                return Err(de::Error::custom(
                    "a statement cannot have both Action and NotAction",
                ));
            }
            (None, None) => {
                return Err(de::Error::custom(
                    "a statement needs an Action or a NotAction element",
                ));
            }
        };
        let resource = match (wire.resource, wire.not_resource) {
            (Some(_), Some(_)) => {
                return Err(de::Error::custom(
                    "a statement cannot have both Resource and NotResource",
                ));
            }
            (Some(r), None) => Some(ResourceClause::Resource(r)),
            (None, Some(r)) => Some(ResourceClause::NotResource(r)),
            (None, None) => None,
        };
        Ok(Statement {
            sid: wire.sid,
            effect: wire.effect,
            principal,
            action,
            resource,
            condition: wire.condition,
        })
    }
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = 2
            + usize::from(self.sid.is_some())
            + usize::from(self.principal.is_some())
            + usize::from(self.resource.is_some())
            + usize::from(self.condition.is_some());
        let mut s = serializer.serialize_struct("Statement", fields)?;
        if let Some(sid) = &self.sid {
            s.serialize_field("Sid", sid)?;
        }
        s.serialize_field("Effect", &self.effect)?;
        match &self.principal {
            Some(PrincipalClause::Principal(p)) => s.serialize_field("Principal", p)?,
            Some(PrincipalClause::NotPrincipal(p)) => s.serialize_field("NotPrincipal", p)?,
            None => {}
        }
        match &self.action {
            ActionClause::Action(a) => s.serialize_field("Action", a)?,
            ActionClause::NotAction(a) => s.serialize_field("NotAction", a)?,
        }
        match &self.resource {
            Some(ResourceClause::Resource(r)) => s.serialize_field("Resource", r)?,
            Some(ResourceClause::NotResource(r)) => s.serialize_field("NotResource", r)?,
            None => {}
        }
        if let Some(condition) = &self.condition {
            s.serialize_field("Condition", condition)?;
        }
        s.end()
    }
}

impl JsonSchema for Statement {
    fn schema_name() -> Cow<'static, str> {
        "Statement".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
        StatementWire::json_schema(generator)
    }
}
