//! Runnable examples of the workspace's crates: see `examples/` and run one with
//! `cargo run -p examples --example NAME`.
#![deny(missing_docs)]

/// The README's samples, compiled and run as doc tests so the tour never goes stale.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}
