//! The protections every request passes through: strict response headers, the body size
//! limit, the request timeout, and rate limits per client IP (here) and per API key (in
//! [`crate::auth`]).

pub(crate) mod headers;
pub(crate) mod limits;
pub(crate) mod rate_limit;
