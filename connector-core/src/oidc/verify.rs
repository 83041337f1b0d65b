//! Verifying a token the way AWS STS does for `AssumeRoleWithWebIdentity`: the key by `kid`
//! from the issuer's JWKS, an algorithm that key supports (never `none`, never HMAC), the
//! signature, `iss` exactly, `aud` among the provider's client ids, `exp` / `nbf` with a
//! clock skew. Pure: the caller passes the time. The in-memory STS uses it; a product can use
//! it to check its own tokens.

use std::collections::HashSet;
use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;

use super::Jwks;

/// Why a token was refused. The STS answers `ExpiredTokenException` for
/// [`Expired`](TokenRejection::Expired) and `InvalidIdentityToken` for every other case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenRejection {
    /// Not three base64url JSON parts, an unknown `alg` (including `none`), or claims of the
    /// wrong type.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The header has no `kid`, or no key of the JWKS has it.
    #[error("no key in the issuer's JWKS has the token's kid {0:?}")]
    UnknownKid(Option<String>),
    /// The header's `alg` is not one the key supports (e.g. HS256 with an RSA or EC key).
    #[error("algorithm {alg} is not supported by key {kid}")]
    Algorithm {
        /// The header's algorithm.
        alg: String,
        /// The key.
        kid: String,
    },
    /// The signature does not verify with the key.
    #[error("the signature does not verify")]
    Signature,
    /// `iss` is not exactly the provider's URL.
    #[error("the issuer {0:?} is not the provider's URL")]
    Issuer(Option<String>),
    /// No `aud` value is a client id of the provider.
    #[error("incorrect token audience")]
    Audience,
    /// A required claim is missing.
    #[error("the token has no {0} claim")]
    MissingClaim(&'static str),
    /// `exp` is past (beyond the skew).
    #[error("the token is expired")]
    Expired,
    /// `nbf` or `iat` is in the future (beyond the skew).
    #[error("the token is not yet valid")]
    NotYetValid,
}

/// The claims a verified token carries, as the trust policy sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    /// `iss`.
    pub issuer: String,
    /// `sub`.
    pub subject: String,
    /// The `aud` value that matched one of the provider's client ids.
    pub audience: String,
    /// `exp`, seconds since the Unix epoch.
    pub expires: u64,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

/// AWS: "Timestamps in the token must be formatted as either an integer or a long integer."
/// Hence `u64`: a float or a string is malformed.
#[derive(Deserialize)]
struct RawClaims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    exp: Option<u64>,
    nbf: Option<u64>,
    iat: Option<u64>,
}

#[derive(Deserialize)]
struct IssuerOnly {
    iss: Option<String>,
}

/// The `iss` claim, read without verification: which provider's JWKS to verify with.
pub fn peek_issuer(token: &str) -> Result<String, TokenRejection> {
    let unverified = jsonwebtoken::dangerous::insecure_decode::<IssuerOnly>(token)
        .map_err(|e| TokenRejection::Malformed(e.to_string()))?;
    unverified
        .claims
        .iss
        .ok_or(TokenRejection::MissingClaim("iss"))
}

/// The algorithms AWS accepts for a key: its declared `alg` when it has one, else by type.
fn algorithms_for(jwk: &Jwk) -> Vec<Algorithm> {
    const RSA: [Algorithm; 3] = [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512];
    let by_type: Vec<Algorithm> = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => RSA.to_vec(),
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => vec![Algorithm::ES256],
            EllipticCurve::P384 => vec![Algorithm::ES384],
            _ => Vec::new(),
        },
        // Symmetric (oct) and other key types: AWS verifies with public keys only.
        _ => Vec::new(),
    };
    match jwk.common.key_algorithm {
        // A declared `alg` narrows the key to that one algorithm, if the key type fits it.
        Some(declared) => by_type
            .into_iter()
            .filter(|a| KeyAlgorithm::from(*a) == declared)
            .collect(),
        None => by_type,
    }
}

/// Verifies `token` against the issuer's `jwks`, `issuer` (exactly) and the provider's
/// client ids, at `now_secs` with `skew` either way.
pub fn verify_token(
    token: &str,
    jwks: &Jwks,
    issuer: &str,
    client_ids: &[String],
    now_secs: u64,
    skew: Duration,
) -> Result<VerifiedToken, TokenRejection> {
    let header = decode_header(token).map_err(|e| TokenRejection::Malformed(e.to_string()))?;
    let Some(jwk) = header.kid.as_deref().and_then(|kid| jwks.find(kid)) else {
        return Err(TokenRejection::UnknownKid(header.kid));
    };
    let kid = header.kid.clone().unwrap_or_default();
    let allowed = algorithms_for(jwk);
    if !allowed.contains(&header.alg) {
        return Err(TokenRejection::Algorithm {
            alg: format!("{:?}", header.alg),
            kid,
        });
    }
    let key = DecodingKey::from_jwk(jwk).map_err(|e| TokenRejection::Malformed(e.to_string()))?;
    let mut validation = Validation::new(header.alg);
    validation.algorithms = allowed;
    // Time, issuer and audience are checked below against the caller's clock and provider.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    let claims = decode::<RawClaims>(token, &key, &validation)
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature => TokenRejection::Signature,
            _ => TokenRejection::Malformed(e.to_string()),
        })?
        .claims;
    if claims.iss.as_deref() != Some(issuer) {
        return Err(TokenRejection::Issuer(claims.iss));
    }
    let audiences = match claims.aud {
        Some(Audience::One(aud)) => vec![aud],
        Some(Audience::Many(auds)) => auds,
        None => return Err(TokenRejection::MissingClaim("aud")),
    };
    let audience = audiences
        .into_iter()
        .find(|aud| client_ids.contains(aud))
        .ok_or(TokenRejection::Audience)?;
    let subject = claims.sub.ok_or(TokenRejection::MissingClaim("sub"))?;
    let expires = claims.exp.ok_or(TokenRejection::MissingClaim("exp"))?;
    let skew = skew.as_secs();
    if expires.saturating_add(skew) <= now_secs {
        return Err(TokenRejection::Expired);
    }
    let latest_start = now_secs.saturating_add(skew);
    if claims.nbf.is_some_and(|nbf| nbf > latest_start)
        || claims.iat.is_some_and(|iat| iat > latest_start)
    {
        return Err(TokenRejection::NotYetValid);
    }
    Ok(VerifiedToken {
        issuer: issuer.to_owned(),
        subject,
        audience,
        expires,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc::{Issuer, IssuerUrl, KeySet, SigningAlgorithm, SigningKey, TokenRequest};
    use proptest::prelude::*;
    use secrecy::ExposeSecret;
    use std::sync::OnceLock;
    use std::time::UNIX_EPOCH;

    const NOW: u64 = 1_800_000_000;

    /// One issuer, its JWKS and a valid token, shared by the property tests.
    fn fixture() -> &'static (Jwks, String) {
        static FIXTURE: OnceLock<(Jwks, String)> = OnceLock::new();
        FIXTURE.get_or_init(|| {
            let key = SigningKey::generate(SigningAlgorithm::Es256).unwrap();
            let issuer = Issuer::new(
                IssuerUrl::parse("https://id.example.com").unwrap(),
                KeySet::new(key),
            );
            let now = UNIX_EPOCH + Duration::from_secs(NOW);
            let token = issuer.mint(&TokenRequest::for_tenant("acme"), now).unwrap();
            (issuer.jwks(), token.expose_secret().to_owned())
        })
    }

    fn verify(token: &str) -> Result<VerifiedToken, TokenRejection> {
        let (jwks, _) = fixture();
        verify_token(
            token,
            jwks,
            "https://id.example.com",
            &["sts.amazonaws.com".to_owned()],
            NOW,
            Duration::from_secs(60),
        )
    }

    #[test]
    fn verify_token_accepts_the_issuers_token() {
        let (_, token) = fixture();
        let verified = verify(token).unwrap();
        assert_eq!(verified.subject, "org/acme");
        assert_eq!(verified.audience, "sts.amazonaws.com");
    }

    proptest! {
        #[test]
        fn verify_token_refuses_arbitrary_text(text in "\\PC{0,200}") {
            prop_assert!(verify(&text).is_err());
            let _ = peek_issuer(&text);
        }

        #[test]
        fn verify_token_refuses_any_altered_byte(index in 0usize..1_000, byte in any::<u8>()) {
            let (_, token) = fixture();
            let mut bytes = token.clone().into_bytes();
            let index = index % bytes.len();
            prop_assume!(bytes[index] != byte);
            bytes[index] = byte;
            let altered = String::from_utf8_lossy(&bytes).into_owned();
            // base64url has padding-free encodings where the last character's low bits are
            // ignored by lenient decoders; the decoded token must then be identical.
            if let Ok(verified) = verify(&altered) {
                prop_assert_eq!(verified, verify(token).unwrap());
            }
        }
    }
}
