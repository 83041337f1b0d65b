//! Evaluating a request against a policy with AWS's semantics.
//!
//! The rules (IAM User Guide, "Policy evaluation logic" and "IAM JSON policy elements"):
//! a statement applies when its principal, action, resource and every condition match; an
//! applicable `Deny` wins over everything (`ExplicitDeny`); otherwise an applicable `Allow`
//! allows; otherwise the request is implicitly denied. Anything this crate cannot evaluate
//! (an unknown operator, a malformed value in the policy, a request value that is not of its
//! operator's type, several request values for a key under an operator without a set
//! qualifier) is reported in
//! [`Evaluation::unevaluable`] and never leads to `Allow`: an `Allow` statement that can't be
//! evaluated does not apply, and a `Deny` statement that can't be evaluated turns any `Allow`
//! into `ImplicitDeny`.

mod conditions;
mod context_map;
mod interpreted;
mod outcome;
pub(crate) mod principals;
mod request;
mod trace;
pub(crate) mod values;

pub use outcome::{Decision, Evaluation, MatchedStatement, Unevaluable};
pub use request::{ContextValue, Request, RequestPrincipal};
pub use trace::{ConditionResult, ConditionTrace, StatementTrace};

pub(crate) mod conditions_api {
    //! What the compiled evaluator shares with the interpreted one.
    pub(crate) use super::conditions::{
        Tri, any_prepared, combine_entries, evaluate_entry, evaluate_null, null_value_reason,
        unknown_operator_reason,
    };
}
pub(crate) use outcome::{Aggregator, decide as decide_outcome};
