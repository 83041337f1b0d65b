//! Runnable examples of the workspace's crates: see `examples/` and run one with
//! `cargo run -p examples --example NAME`.
#![deny(missing_docs)]
