//! Behaviour suites (in the style of `object_store`'s shared integration suite): the
//! contract every implementation of a core trait must keep, run against the reference
//! implementation here and against every real one in its own crate's tests.
//!
//! - [`provider_contract`]: an [`StsProvider`](crate::StsProvider) (the in-memory STS here,
//!   `connector-aws` against moto);
//! - [`store_contract`]: a [`ConnectionStore`](crate::ConnectionStore) (the in-memory store
//!   here, each durable store in `connector-store`);
//! - [`queue_contract`]: a [`CheckQueue`](crate::CheckQueue), the health-check schedule
//!   beside a store's records (the same stores).
//!
//! Each suite is proven to catch broken implementations by this crate's tests.

mod provider;
mod queue;
mod store;

pub use provider::{ContractFixture, provider_contract};
pub use queue::{QueueFixture, queue_contract};
pub use store::{Corruptor, Spawner, StoreFixture, store_contract};

use std::fmt;

/// A rule of a contract an implementation broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("contract check {check}: {detail}")]
pub struct ContractViolation {
    /// The check, e.g. `assume_role_expiry`.
    pub check: &'static str,
    /// What was expected and what came back (never a secret).
    pub detail: String,
}

/// The checks that passed, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractReport {
    /// The names of the checks run.
    pub checks: Vec<&'static str>,
    /// Checks not run, with why (e.g. no way to corrupt a record of this store).
    pub skipped: Vec<(&'static str, &'static str)>,
}

fn violation(check: &'static str, detail: impl fmt::Display) -> ContractViolation {
    ContractViolation {
        check,
        detail: detail.to_string(),
    }
}
