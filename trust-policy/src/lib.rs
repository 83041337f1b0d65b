//! # trust-policy
//!
//! External IDs, trust policy builders, linting a customer's trust policy and offline
//! AssumeRole simulation, on top of [`iam_policy`].
//!
//! This crate is part of the workspace layout; its contents arrive with the issue that builds
//! it (see the workspace README). It re-exports the policy crate it builds on.
#![deny(missing_docs)]

pub use iam_policy;
