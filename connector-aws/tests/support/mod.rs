//! Test support shared by the integration tests.
pub(crate) mod http_server;
pub(crate) mod sns_signing;
