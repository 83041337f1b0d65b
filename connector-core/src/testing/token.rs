//! Test tokens: real JWTs (ES256, `kid` in the header), signed with a key this STS instance
//! generates the first time it needs one. [`InMemorySts::create_oidc_provider`] registers a
//! provider whose JWKS is that key's, so tokens from
//! [`InMemorySts::issue_test_token`] verify there, and tokens from another instance do not
//! (another key, an unknown `kid`).
//!
//! [`InMemorySts::create_oidc_provider`]: super::InMemorySts::create_oidc_provider
//! [`InMemorySts::issue_test_token`]: super::InMemorySts::issue_test_token

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use jsonwebtoken::{Header, encode};
use serde::Serialize;

use crate::oidc::{Jwks, SigningAlgorithm, SigningKey};

/// The registered claims of a test token.
#[derive(Debug, Serialize)]
pub(super) struct Claims<'a> {
    pub(super) iss: &'a str,
    pub(super) sub: &'a str,
    pub(super) aud: &'a str,
    pub(super) iat: u64,
    pub(super) nbf: u64,
    pub(super) exp: u64,
    pub(super) jti: String,
}

/// This instance's test key, or `None` when the random generator failed (then every test
/// token is refused: fail closed).
pub(super) fn generate_key() -> Option<SigningKey> {
    SigningKey::generate(SigningAlgorithm::Es256).ok()
}

/// The JWKS of the test key (empty without one).
pub(super) fn jwks(key: Option<&SigningKey>) -> Jwks {
    Jwks::new(key.map(|k| k.public_jwk().clone()).into_iter().collect())
}

/// A random `jti` (empty if the generator failed: test tokens do not depend on it).
pub(super) fn random_jti() -> String {
    let mut bytes = [0u8; 12];
    match SystemRandom::new().fill(&mut bytes) {
        Ok(()) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Err(_) => String::new(),
    }
}

/// A signed token, or a string no STS accepts when there is no key or signing failed.
pub(super) fn sign(key: Option<&SigningKey>, claims: &Claims<'_>) -> String {
    let Some(key) = key else {
        return String::from("unsigned: the in-memory STS has no test key");
    };
    let mut header = Header::new(key.algorithm().jose());
    header.kid = Some(key.kid().to_owned());
    encode(&header, claims, key.encoding_key())
        .unwrap_or_else(|e| format!("unsigned: signing failed: {e}"))
}
