//! `OidcError`: why an issuer, a key or a token request was refused. Each variant names the
//! field and the rule it broke.

/// Why building the issuer, loading a key or minting a token failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OidcError {
    /// The issuer URL breaks a rule (https, no trailing slash, no query or fragment...).
    #[error("invalid OIDC issuer URL {url:?}: {rule}")]
    InvalidIssuerUrl {
        /// The URL as given.
        url: String,
        /// The rule it broke.
        rule: &'static str,
    },
    /// A key could not be generated, parsed or exported.
    #[error("invalid signing key ({field}): {rule}")]
    InvalidKey {
        /// What was being read or produced (`PEM`, `JWK`, `kid`, ...).
        field: &'static str,
        /// The rule it broke.
        rule: String,
    },
    /// A token request field breaks a rule (`ttl`, `sub`, `aud`, a claim name...).
    #[error("invalid token request field {field}: {rule}")]
    InvalidClaim {
        /// The field.
        field: String,
        /// The rule it broke.
        rule: String,
    },
    /// The key set cannot do what was asked (rotate without a next key...).
    #[error("key rotation: {0}")]
    Rotation(&'static str),
    /// The signature could not be produced (the crypto library failed).
    #[error("signing failed: {0}")]
    Signing(String),
    /// The operating system's random generator failed.
    #[error("the operating system's random generator failed")]
    Random,
}
