//! The policy document model: exactly the IAM JSON grammar, parsed losslessly.
//!
//! Everything a document says is kept, including whether an element was written as one value
//! or a list and the order of condition operators and keys, so serializing gives back the
//! same document. Shapes IAM rejects (unknown keys, `Action` together with `NotAction`, ...)
//! are parse errors that name their JSON path.

mod condition;
mod document;
mod parse_options;
mod principal;
mod statement;

pub use condition::{
    Condition, ConditionBlock, ConditionEntry, ConditionOperator, ConditionValue, OperatorFamily,
    OperatorKind, SetQualifier,
};
pub use document::{PolicyDocument, Version};
pub use parse_options::ParseOptions;
pub use principal::{Principal, PrincipalKind};
pub use statement::{ActionClause, Effect, PrincipalClause, ResourceClause, Statement};
