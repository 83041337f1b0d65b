//! # connector-aws
//!
//! The thin adapter that puts `aws-sdk-sts` behind `connector-core`'s provider trait and hands
//! refreshed credentials to any AWS SDK client.
//!
//! This crate is part of the workspace layout; its contents (and its AWS SDK dependencies)
//! arrive with the issue that builds it (see the workspace README).
#![deny(missing_docs)]

pub use connector_core;
