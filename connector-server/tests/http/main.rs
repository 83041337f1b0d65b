//! The server over real HTTP on a loopback port: the onboarding flow, authentication,
//! tenant isolation and the access matrix on every endpoint, problem documents, the
//! protections (413, 429, headers, CSRF), the page token, and the operational endpoints.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod access;
mod credentials;
mod flow;
mod harness;
mod ops;
mod protections;
mod web_identity;
