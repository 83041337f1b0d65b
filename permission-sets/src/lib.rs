//! # permission-sets
//!
//! The AWS action catalog, scoped permission sets (compute / storage / observability /
//! excluded) and guarantees checked against the catalog, on top of [`iam_policy`].
//!
//! This crate is part of the workspace layout; its contents arrive with the issue that builds
//! it (see the workspace README). It re-exports the policy crate it builds on.
#![deny(missing_docs)]

pub use iam_policy;
