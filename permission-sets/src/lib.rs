//! # permission-sets
//!
//! What a vendor's role may do in a customer's account, stated precisely and proven:
//!
//! - the AWS **action catalog** (every service, action, access level, resource type and
//!   condition key), embedded, with wildcard expansion and typo detection;
//! - **areas** (compute, storage, observability, excluded) and read-only versus read-write;
//! - [`PermissionSet`]s: named, versioned grants, each justified in one line, rendered into
//!   policy documents that fit IAM's quotas, session policies, and a "why each line" table;
//! - [`builtin`] sets reproducing what real vendors ask for;
//! - an [`audit`] of any policy (read-only? excluded area? privilege escalation? data reads?)
//!   and a [`ceiling`] check that one policy stays within another, every finding with a
//!   stable [`AuditCode`] and a [`Severity`];
//! - [`Guarantee`]s a set claims, checked by that audit when the set is built and rendered;
//!   grants whose declared area is not the catalog's, or that reach the excluded area
//!   without opting in, are refused.
//!
//! Pure: no I/O, no async runtime, no AWS SDK.
#![deny(missing_docs)]

mod area;
mod audit;
pub mod builtin;
mod catalog;
mod error;
mod render;
mod set;

pub use area::{Area, area_of, is_read_only};
pub use audit::{
    AuditCode, Ceiling, Excess, Guarantee, GuaranteeCheck, PolicyAudit, Violation, audit,
    audit_with, ceiling, ceiling_with,
};
pub use catalog::{
    AccessLevel, Action, Catalog, CatalogSource, ResourceType, Service, closest_action,
};
pub use error::{PermissionSetError, PermissionSetErrorCode};
// The `iam-policy` types that appear in this crate's public API, so callers need not depend
// on `iam-policy` (and on the same version of it) to use them.
pub use iam_policy::{
    ActionPattern, Arn, Condition, Error as PolicyError, Finding, PolicyDocument, Severity,
    Statement, UnknownCode,
};
pub use render::{
    DEFAULT_ATTACHED_POLICY_QUOTA, ExplanationRow, PolicyTarget, Rendered, SESSION_POLICY_LIMIT,
};
pub use set::{
    Access, Grant, ManagedPolicy, Parameter, ParameterRule, ParameterValues, PermissionSet,
    PermissionSetBuilder, PermissionSetRef,
};
