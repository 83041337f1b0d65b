//! Ceiling check: does everything policy A allows stay within what policy B allows? This is
//! how a session policy is proven to narrow a role rather than widen it.
//!
//! Sound rather than complete: for each catalog action A allows and each resource pattern A
//! grants it on, B must allow that action on that pattern with a statement that has no
//! conditions (or exactly A's conditions), and B must have no Deny for the action (a Deny in
//! B may remove part of what A allows). A pattern is contained in one of B's when B's matcher
//! accepts A's pattern text itself: a `*` in B absorbs any wildcard of A; a `?` in B cannot,
//! so then only an identical pattern counts.

use iam_policy::{
    Effect, PolicyDocument, Request, ResourceClause, ResourcePattern, Severity, Statement,
};

use crate::catalog::Catalog;

use super::AuditCode;
use super::allowed::covered;

/// Something A allows that B does not provably allow.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Excess {
    code: AuditCode,
    severity: Severity,
    action: String,
    resource: String,
    statement: usize,
    reason: String,
}

impl Excess {
    /// Why it is not contained: B denies the action ([`AuditCode::DeniedByCeiling`]) or does
    /// not allow it there in every case ([`AuditCode::NotWithinCeiling`]).
    pub fn code(&self) -> AuditCode {
        self.code
    }

    /// How much it matters: always `code().severity()`.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The action, as the catalog spells it.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The resource pattern A grants it on.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// Index of A's statement.
    pub fn statement(&self) -> usize {
        self.statement
    }

    /// Why it is not contained, in words.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// The result of a ceiling check: everything A allows that B does not provably allow.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Ceiling {
    contained: bool,
    excess: Vec<Excess>,
}

impl Ceiling {
    /// True when everything A allows is allowed by B.
    pub fn contained(&self) -> bool {
        self.contained
    }

    /// What is not, in A's statement order.
    pub fn excess(&self) -> &[Excess] {
        &self.excess
    }
}

/// Is everything `a` allows also allowed by `b`, over the embedded catalog?
///
/// ```
/// use permission_sets::ceiling;
/// let role = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
///     "Action": "s3:Get*", "Resource": "arn:aws:s3:::data/*"}}"#.parse().unwrap();
/// let narrow = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
///     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/reports/*"}}"#.parse().unwrap();
/// assert!(ceiling(&narrow, &role).contained());
/// let wider = ceiling(&role, &narrow);
/// assert!(!wider.contained());
/// assert_eq!(wider.excess()[0].code(), permission_sets::AuditCode::NotWithinCeiling);
/// ```
pub fn ceiling(a: &PolicyDocument, b: &PolicyDocument) -> Ceiling {
    ceiling_with(Catalog::aws(), a, b)
}

/// [`ceiling`] over a given catalog.
pub fn ceiling_with(catalog: &Catalog, a: &PolicyDocument, b: &PolicyDocument) -> Ceiling {
    let mut excess = Vec::new();
    for (index, statement) in a.statements().iter().enumerate() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let resources = resource_patterns(statement);
        for action in covered(catalog, statement) {
            let name = action.full_name();
            for resource in &resources {
                if let Err((code, reason)) = contained(b, statement, name, resource) {
                    excess.push(Excess {
                        code,
                        severity: code.severity(),
                        action: name.to_string(),
                        resource: resource.clone(),
                        statement: index,
                        reason,
                    });
                }
            }
        }
    }
    Ceiling {
        contained: excess.is_empty(),
        excess,
    }
}

/// A's resource patterns for a statement; `NotResource` counts as everything.
fn resource_patterns(statement: &Statement) -> Vec<String> {
    match &statement.resource {
        Some(ResourceClause::Resource(list)) => list.iter().map(ToString::to_string).collect(),
        Some(ResourceClause::NotResource(_)) | None => vec!["*".to_owned()],
    }
}

fn contained(
    b: &PolicyDocument,
    a_statement: &Statement,
    action: &str,
    resource: &str,
) -> Result<(), (AuditCode, String)> {
    let request = Request::new(action, resource);
    let a_wild = resource.contains(['*', '?']);
    let mut covered_unconditionally = false;
    for (statement, trace) in b.statements().iter().zip(b.trace(&request)) {
        if !trace.action {
            continue;
        }
        if statement.effect == Effect::Deny {
            return Err((
                AuditCode::DeniedByCeiling,
                format!("B denies {action} in some cases"),
            ));
        }
        let resource_ok = trace.resource && !(a_wild && has_question_mark(statement))
            || same_resource(statement, resource);
        let conditions_ok = statement.condition.as_ref().is_none_or(|c| c.is_empty())
            || statement.condition == a_statement.condition;
        if resource_ok && conditions_ok && trace.principal {
            covered_unconditionally = true;
        }
    }
    if covered_unconditionally {
        Ok(())
    } else {
        Err((
            AuditCode::NotWithinCeiling,
            format!("B does not allow {action} on {resource} in every case A does"),
        ))
    }
}

fn has_question_mark(statement: &Statement) -> bool {
    matches!(&statement.resource, Some(ResourceClause::Resource(list)) if list.iter().any(|r| r.as_str().contains('?')))
}

fn same_resource(statement: &Statement, resource: &str) -> bool {
    match &statement.resource {
        Some(ResourceClause::Resource(list)) => list
            .iter()
            .any(|r: &ResourcePattern| r.as_str() == resource),
        _ => false,
    }
}
