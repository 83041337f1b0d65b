//! The protections every request passes through: strict response headers, the body size
//! limit, the request timeout, and rate limits per client IP (here; the client's address from
//! the peer, or behind trusted proxies from `X-Forwarded-For`, in [`client_ip`]) and per API key (in
//! [`crate::auth`]).

pub(crate) mod client_ip;
pub(crate) mod headers;
pub(crate) mod limits;
pub(crate) mod rate_limit;
