//! The result of an evaluation: the decision, the statements that applied, and what could
//! not be evaluated.

use crate::Effect;

/// The authorization decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, schemars::JsonSchema)]
pub enum Decision {
    /// An `Allow` statement applied and no `Deny` did.
    Allow,
    /// A `Deny` statement applied.
    ExplicitDeny,
    /// No statement allowed the request (or a `Deny` could not be ruled out).
    ImplicitDeny,
}

/// A statement that applied to the request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct MatchedStatement {
    /// Index in the document's statement list.
    pub index: usize,
    /// The statement's `Sid`, if any.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
}

/// A statement whose applicability could not be decided, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Unevaluable {
    /// Index in the document's statement list.
    pub index: usize,
    /// The statement's effect: an unevaluable `Deny` blocks `Allow`.
    pub effect: Effect,
    /// JSON path of the element that could not be evaluated.
    pub path: String,
    /// What is wrong with it.
    pub reason: String,
}

/// The outcome of evaluating one request against one policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// Every statement that applied, in document order.
    pub matched: Vec<MatchedStatement>,
    /// Statements that could not be evaluated.
    pub unevaluable: Vec<Unevaluable>,
}

impl Evaluation {
    /// The statement that decided: the first applicable `Deny` for `ExplicitDeny`, the first
    /// applicable `Allow` for `Allow`, none for `ImplicitDeny`.
    pub fn deciding_statement(&self) -> Option<&MatchedStatement> {
        let wanted = match self.decision {
            Decision::Allow => Effect::Allow,
            Decision::ExplicitDeny => Effect::Deny,
            Decision::ImplicitDeny => return None,
        };
        self.matched.iter().find(|m| m.effect == wanted)
    }

    /// The `Sid` of the deciding statement.
    pub fn deciding_sid(&self) -> Option<&str> {
        self.deciding_statement().and_then(|m| m.sid.as_deref())
    }
}

/// Collects per-statement results into an [`Evaluation`]; shared by the interpreted and
/// compiled evaluators so both decide by exactly the same rule.
#[derive(Debug, Default)]
pub(crate) struct Aggregator {
    matched: Vec<MatchedStatement>,
    unevaluable: Vec<Unevaluable>,
}

impl Aggregator {
    pub(crate) fn applied(&mut self, index: usize, sid: Option<&str>, effect: Effect) {
        self.matched.push(MatchedStatement {
            index,
            sid: sid.map(str::to_owned),
            effect,
        });
    }

    pub(crate) fn unevaluable(
        &mut self,
        index: usize,
        effect: Effect,
        path: String,
        reason: String,
    ) {
        self.unevaluable.push(Unevaluable {
            index,
            effect,
            path,
            reason,
        });
    }

    pub(crate) fn finish(self) -> Evaluation {
        let decision = decide(
            self.matched.iter().any(|m| m.effect == Effect::Deny),
            self.unevaluable.iter().any(|u| u.effect == Effect::Deny),
            self.matched.iter().any(|m| m.effect == Effect::Allow),
        );
        Evaluation {
            decision,
            matched: self.matched,
            unevaluable: self.unevaluable,
        }
    }
}

/// The decision rule, in one place.
pub(crate) fn decide(denied: bool, deny_unknown: bool, allowed: bool) -> Decision {
    if denied {
        Decision::ExplicitDeny
    } else if allowed && !deny_unknown {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}
