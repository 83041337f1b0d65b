//! The vendor as an OpenID Connect issuer (feature `oidc`): what lets a customer's AWS account
//! trust the vendor without any long-lived key. The vendor mints a short-lived signed token
//! per request and swaps it for credentials with `AssumeRoleWithWebIdentity`.
//!
//! - [`SigningKey`]: ES256 or RS256, generated from the operating system's random generator
//!   (aws-lc-rs) or loaded from PKCS#8 PEM / JWK; the private half in `secrecy` and
//!   zeroize-on-drop types, never in `Debug` or serialized output.
//! - [`KeySet`]: current, next (published before the switch: AWS caches the JWKS) and retired
//!   keys (published until their last token expires).
//! - [`Issuer`]: [`Issuer::discovery`] and [`Issuer::jwks`], the documents the product serves
//!   at `ISSUER/.well-known/openid-configuration` and `ISSUER/.well-known/jwks.json` from its
//!   own HTTPS host; [`Issuer::mint`] signs a token (`iss`, `sub` = `org/<tenant>` by default,
//!   `aud` = `sts.amazonaws.com`, `iat`, `nbf`, `exp` = 5 minutes by default, `jti`; `kid` in
//!   the header).
//! - [`verify_token`]: the checks AWS STS makes, used by the in-memory STS.
//!
//! What AWS requires (STS API reference, `AssumeRoleWithWebIdentity`, `WebIdentityToken`):
//! "Timestamps in the token must be formatted as either an integer or a long integer. Tokens
//! must be signed using either RSA keys (RS256, RS384, or RS512) or ECDSA keys (ES256, ES384,
//! or ES512)." IAM (`CreateOpenIDConnectProvider`, `Url`): "The URL must begin with https://
//! and should correspond to the iss claim in the provider's OpenID Connect ID tokens." AWS
//! verifies the JWKS endpoint's TLS certificate with its library of trusted root CAs
//! (`UpdateOpenIDConnectProviderThumbprint`: thumbprints are used only when the certificate is
//! not signed by one of them), so the issuer must be served with a publicly trusted
//! certificate.
//!
//! No I/O: the caller passes the time, serves the documents and stores the keys.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use connector_core::oidc::{Issuer, IssuerUrl, KeySet, SigningAlgorithm, SigningKey, TokenRequest};
//! use secrecy::ExposeSecret;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let key = SigningKey::generate(SigningAlgorithm::Es256)?;
//! let issuer = Issuer::new(IssuerUrl::parse("https://id.example.com")?, KeySet::new(key));
//! let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
//! let token = issuer.mint(&TokenRequest::for_tenant("acme"), now)?;
//! assert_eq!(token.expose_secret().split('.').count(), 3);
//! assert_eq!(issuer.discovery().jwks_uri, "https://id.example.com/.well-known/jwks.json");
//! assert!(IssuerUrl::parse("https://id.example.com/").is_err());
//! # Ok(())
//! # }
//! ```

mod documents;
mod error;
mod issuer;
mod issuer_url;
mod key;
mod key_set;
mod verify;

pub use documents::{CLAIMS, DiscoveryDocument, Jwks};
pub use error::OidcError;
pub use issuer::{DEFAULT_MAX_TOKEN_TTL, DEFAULT_TOKEN_TTL, Issuer, STS_AUDIENCE, TokenRequest};
pub use issuer_url::IssuerUrl;
pub use key::{SigningAlgorithm, SigningKey};
pub use key_set::KeySet;
pub use verify::{TokenRejection, VerifiedToken, peek_issuer, verify_token};
