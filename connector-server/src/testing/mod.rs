//! The behaviour every [`Directory`] owes, as a public suite (feature `testing`), in the
//! style of `connector_core::testing::behaviour`: run [`directory_contract`] on a new
//! implementation and it checks every trait method exactly — tenants, keys and their
//! revocation, grants (replaced, removed, filtered by connection and grantee, never crossing
//! tenants), page tokens, duplicate ids, `ping` — and answers with every rule it found
//! broken.
//!
//! The suite makes its own tenants and ids, fresh and random on every run, so it can run on
//! a database other tests (or earlier runs) use.
//!
//! ```
//! use connector_server::directory::InMemoryDirectory;
//! use connector_server::testing::directory_contract;
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! directory_contract(&InMemoryDirectory::new()).await.unwrap();
//! # }
//! ```

mod fixture;
mod grants;
mod keys;
mod tokens;

use std::fmt;

use crate::directory::{Directory, DirectoryError};

/// The rules a directory broke: one line each, starting with the rule's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFailures {
    failures: Vec<String>,
}

impl ContractFailures {
    /// What failed, one rule a line (`rule: what was seen`), never empty.
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    /// True when `rule` is among the failures.
    pub fn broke(&self, rule: &str) -> bool {
        self.failures
            .iter()
            .any(|line| line.split(':').next() == Some(rule))
    }
}

impl fmt::Display for ContractFailures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the directory broke {} rule(s) of its contract:",
            self.failures.len()
        )?;
        for line in &self.failures {
            writeln!(f, "- {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ContractFailures {}

/// What one run saw: the failures so far.
#[derive(Debug, Default)]
pub(crate) struct Checks {
    failures: Vec<String>,
}

impl Checks {
    /// Records `rule` broken unless `holds`.
    pub(crate) fn check(&mut self, rule: &str, holds: bool, seen: impl FnOnce() -> String) {
        if !holds {
            self.failures.push(format!("{rule}: {}", seen()));
        }
    }

    /// Records `rule` broken unless `got` is `want`.
    pub(crate) fn same<T: fmt::Debug + PartialEq>(&mut self, rule: &str, got: &T, want: &T) {
        self.check(rule, got == want, || {
            format!("expected {want:?}, got {got:?}")
        });
    }

    /// The value of a call that must succeed; its error is recorded as `rule` broken.
    pub(crate) fn ok<T>(&mut self, rule: &str, result: Result<T, DirectoryError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.failures.push(format!("{rule}: the call failed: {e}"));
                None
            }
        }
    }
}

/// Checks that `directory` keeps the [`Directory`] contract; every broken rule is listed in
/// the error. The directory may hold other records: the suite's tenants and ids are fresh.
pub async fn directory_contract(directory: &dyn Directory) -> Result<(), ContractFailures> {
    let mut checks = Checks::default();
    match fixture::Fixture::fresh() {
        Ok(fixture) => {
            let ping = directory.ping().await;
            checks.ok("ping_answers", ping);
            keys::tenants(directory, &fixture, &mut checks).await;
            keys::keys(directory, &fixture, &mut checks).await;
            grants::grants(directory, &fixture, &mut checks).await;
            tokens::page_tokens(directory, &fixture, &mut checks).await;
        }
        Err(reason) => checks.check("fixture", false, || reason),
    }
    if checks.failures.is_empty() {
        Ok(())
    } else {
        Err(ContractFailures {
            failures: checks.failures,
        })
    }
}
