//! # connector-core
//!
//! Connections and their state machine, the provider trait, self-refreshing credentials, the
//! in-memory STS for tests and onboarding artifacts. Pure: no AWS SDK, no async runtime.
//!
//! This crate is part of the workspace layout; its contents arrive with the issue that builds
//! it (see the workspace README). It re-exports the crates it builds on.
#![deny(missing_docs)]

pub use iam_policy;
pub use permission_sets;
pub use trust_policy;
