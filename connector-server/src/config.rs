//! [`ServerConfig`]: the limits and URLs of a server, with safe defaults.

use std::collections::BTreeMap;
use std::time::Duration;

use connector_core::{ParameterValues, PermissionSetRef};

/// The server's settings. `Default` is what `connector serve` uses without configuration.
///
/// ```
/// use std::time::Duration;
/// use connector_server::ServerConfig;
/// let config = ServerConfig {
///     public_url: "https://connector.example.com".to_owned(),
///     template_url: Some("https://vendor-onboarding.s3.us-east-1.amazonaws.com/role.yaml".to_owned()),
///     page_token_ttl: Duration::from_secs(24 * 3600),
///     ..ServerConfig::default()
/// };
/// assert_eq!(config.max_body_bytes, 64 * 1024);             // the defaults are safe
/// ```
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The URL people reach the server at (links in answers), without a trailing `/`.
    pub public_url: String,
    /// The largest request body, in bytes (413 above it).
    pub max_body_bytes: usize,
    /// The longest a request may take (503 after it).
    pub request_timeout: Duration,
    /// The longest a client may take to send a request's headers (then it is disconnected).
    pub header_read_timeout: Duration,
    /// Requests per second per API key (sustained), and the burst.
    pub per_key_rate: (f64, f64),
    /// Requests per second per client IP address (sustained), and the burst.
    pub per_ip_rate: (f64, f64),
    /// How long an onboarding-page link works.
    pub page_token_ttl: Duration,
    /// Where the vendor hosts the CloudFormation template, for quick-create links (none:
    /// no link).
    pub template_url: Option<String>,
    /// The Region quick-create links open the console in (`us-east-1` by default).
    pub quick_create_region: String,
    /// The role name the artifacts create.
    pub role_name: String,
    /// The values of each offered permission set's parameters (vendor-wide).
    pub parameter_values: BTreeMap<PermissionSetRef, ParameterValues>,
    /// The proxies (load balancers) in front of the server, whose `X-Forwarded-For` the
    /// per-IP rate limit believes; empty (the default): the header is ignored and the TCP
    /// peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            public_url: "http://127.0.0.1:8080".to_owned(),
            max_body_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
            per_key_rate: (50.0, 100.0),
            per_ip_rate: (100.0, 200.0),
            page_token_ttl: Duration::from_secs(7 * 24 * 3600),
            template_url: None,
            quick_create_region: "us-east-1".to_owned(),
            role_name: "VendorConnector".to_owned(),
            parameter_values: BTreeMap::new(),
            trusted_proxies: Vec::new(),
        }
    }
}
