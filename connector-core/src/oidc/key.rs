//! `SigningKey`: an ES256 or RS256 private key, generated from the operating system's random
//! generator (aws-lc-rs) or loaded from PKCS#8 PEM or a JWK. The private half stays in
//! `secrecy` / zeroize-on-drop types and never appears in `Debug` or serialized output; only
//! [`SigningKey::to_pkcs8_pem`] and [`SigningKey::to_private_jwk`] hand it out, as secrets.

use std::fmt;

use aws_lc_rs::encoding::{AsBigEndian, AsDer};
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::{Jwk, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey};
use secrecy::zeroize::{Zeroize, Zeroizing};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::OidcError;

/// The signature algorithms this issuer signs with. AWS STS: "Tokens must be signed using
/// either RSA keys (RS256, RS384, or RS512) or ECDSA keys (ES256, ES384, or ES512)."
/// (`AssumeRoleWithWebIdentity`, `WebIdentityToken`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SigningAlgorithm {
    /// ECDSA on P-256 with SHA-256: small keys, fast signatures (the default).
    #[serde(rename = "ES256")]
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit or larger keys.
    #[serde(rename = "RS256")]
    Rs256,
}

impl SigningAlgorithm {
    /// `ES256` or `RS256`, as in the JOSE header.
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlgorithm::Es256 => "ES256",
            SigningAlgorithm::Rs256 => "RS256",
        }
    }

    pub(crate) fn jose(self) -> Algorithm {
        match self {
            SigningAlgorithm::Es256 => Algorithm::ES256,
            SigningAlgorithm::Rs256 => Algorithm::RS256,
        }
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for SigningAlgorithm {
    type Err = OidcError;
    fn from_str(s: &str) -> Result<SigningAlgorithm, OidcError> {
        match s {
            "ES256" => Ok(SigningAlgorithm::Es256),
            "RS256" => Ok(SigningAlgorithm::Rs256),
            _ => Err(OidcError::InvalidKey {
                field: "alg",
                rule: format!("{s:?} is not a supported algorithm (ES256 or RS256)"),
            }),
        }
    }
}

/// The smallest RSA modulus accepted, in bytes (2048 bits).
const MIN_RSA_MODULUS_BYTES: usize = 256;
const PEM_LABEL: &str = "PRIVATE KEY";

fn key_error(field: &'static str, rule: impl Into<String>) -> OidcError {
    OidcError::InvalidKey {
        field,
        rule: rule.into(),
    }
}

/// A private signing key with its key id (the RFC 7638 SHA-256 thumbprint of its public JWK).
pub struct SigningKey {
    algorithm: SigningAlgorithm,
    kid: String,
    /// PKCS#8 PEM: what [`to_pkcs8_pem`](Self::to_pkcs8_pem) hands out.
    pem: SecretString,
    /// The EC private scalar and public point, for the private JWK (ES256 only).
    ec_parts: Option<(SecretString, Vec<u8>)>,
    /// jsonwebtoken's key, zeroized on drop.
    encoding: EncodingKey,
    public: Jwk,
}

impl SigningKey {
    /// A fresh key from the operating system's random generator (aws-lc-rs): P-256 for ES256,
    /// 2048-bit RSA for RS256.
    pub fn generate(algorithm: SigningAlgorithm) -> Result<SigningKey, OidcError> {
        let der: Zeroizing<Vec<u8>> = match algorithm {
            SigningAlgorithm::Es256 => {
                let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
                    .map_err(|_| OidcError::Random)?;
                let doc = pair.to_pkcs8v1().map_err(|_| OidcError::Random)?;
                Zeroizing::new(doc.as_ref().to_vec())
            }
            SigningAlgorithm::Rs256 => {
                let pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| OidcError::Random)?;
                let doc = pair.as_der().map_err(|_| OidcError::Random)?;
                Zeroizing::new(doc.as_ref().to_vec())
            }
        };
        SigningKey::from_pkcs8_der(&der)
    }

    /// Loads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`): P-256 (ES256) or RSA of
    /// at least 2048 bits (RS256).
    pub fn from_pkcs8_pem(pem: &str) -> Result<SigningKey, OidcError> {
        let body = pem
            .trim()
            .strip_prefix(&format!("-----BEGIN {PEM_LABEL}-----"))
            .and_then(|rest| rest.strip_suffix(&format!("-----END {PEM_LABEL}-----")))
            .ok_or_else(|| {
                key_error(
                    "PEM",
                    "expected one PKCS#8 block: -----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----",
                )
            })?;
        let compact: Zeroizing<String> =
            Zeroizing::new(body.chars().filter(|c| !c.is_whitespace()).collect());
        let der = Zeroizing::new(
            STANDARD
                .decode(compact.as_bytes())
                .map_err(|_| key_error("PEM", "the body is not base64"))?,
        );
        SigningKey::from_pkcs8_der(&der)
    }

    fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey, OidcError> {
        let pem = SecretString::from(to_pem(der));
        if let Ok(pair) = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der) {
            let scalar = pair
                .private_key()
                .as_be_bytes()
                .map_err(|_| key_error("PEM", "the EC private key cannot be read"))?;
            let d = SecretString::from(URL_SAFE_NO_PAD.encode(scalar.as_ref()));
            let point = pair.public_key().as_ref().to_vec();
            let encoding = EncodingKey::from_ec_pem(pem.expose_secret().as_bytes())
                .map_err(|e| key_error("PEM", e.to_string()))?;
            return SigningKey::assemble(SigningAlgorithm::Es256, pem, Some((d, point)), encoding);
        }
        let pair = RsaKeyPair::from_pkcs8(der).map_err(|_| {
            key_error(
                "PEM",
                "not a PKCS#8 P-256 (ES256) or RSA (RS256) private key",
            )
        })?;
        if pair.public_modulus_len() < MIN_RSA_MODULUS_BYTES {
            return Err(key_error("PEM", "an RSA key must have at least 2048 bits"));
        }
        let encoding = EncodingKey::from_rsa_pem(pem.expose_secret().as_bytes())
            .map_err(|e| key_error("PEM", e.to_string()))?;
        SigningKey::assemble(SigningAlgorithm::Rs256, pem, None, encoding)
    }

    fn assemble(
        algorithm: SigningAlgorithm,
        pem: SecretString,
        ec_parts: Option<(SecretString, Vec<u8>)>,
        encoding: EncodingKey,
    ) -> Result<SigningKey, OidcError> {
        let mut public = Jwk::from_encoding_key(&encoding, algorithm.jose())
            .map_err(|e| key_error("JWK", e.to_string()))?;
        let kid = public
            .thumbprint(ThumbprintHash::SHA256)
            .map_err(|e| key_error("kid", e.to_string()))?;
        public.common.key_id = Some(kid.clone());
        public.common.public_key_use = Some(PublicKeyUse::Signature);
        Ok(SigningKey {
            algorithm,
            kid,
            pem,
            ec_parts,
            encoding,
            public,
        })
    }

    /// Loads a private JWK (`{"kty":"EC","crv":"P-256","x":…,"y":…,"d":…}`). Only EC keys:
    /// an RSA private key loads from PKCS#8 PEM.
    pub fn from_jwk(json: &str) -> Result<SigningKey, OidcError> {
        let jwk: PrivateJwk =
            serde_json::from_str(json).map_err(|e| key_error("JWK", e.to_string()))?;
        if jwk.kty != "EC" {
            return Err(key_error(
                "JWK",
                format!(
                    "kty {:?}: only EC (P-256) private keys load from a JWK; RSA keys load from PKCS#8 PEM",
                    jwk.kty
                ),
            ));
        }
        if jwk.crv.as_deref() != Some("P-256") {
            return Err(key_error("JWK", "crv must be P-256 (ES256)"));
        }
        if let Some(alg) = jwk.alg.as_deref()
            && alg != "ES256"
        {
            return Err(key_error(
                "JWK",
                format!("alg {alg:?} does not fit a P-256 key"),
            ));
        }
        let decode =
            |field: &'static str, value: Option<&str>| -> Result<Zeroizing<Vec<u8>>, OidcError> {
                let value = value.ok_or_else(|| {
                    key_error(
                        "JWK",
                        format!("member {field} is missing (a public JWK holds no private key)"),
                    )
                })?;
                URL_SAFE_NO_PAD
                    .decode(value)
                    .map(Zeroizing::new)
                    .map_err(|_| key_error("JWK", format!("member {field} is not base64url")))
            };
        let d = decode("d", jwk.d.as_deref())?;
        let x = decode("x", jwk.x.as_deref())?;
        let y = decode("y", jwk.y.as_deref())?;
        let mut point = vec![0x04];
        point.extend_from_slice(&x);
        point.extend_from_slice(&y);
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            &d,
            &point,
        )
        .map_err(|_| key_error("JWK", "d, x and y are not one P-256 key pair"))?;
        let der = pair
            .to_pkcs8v1()
            .map_err(|_| key_error("JWK", "the key cannot be encoded as PKCS#8"))?;
        let key = SigningKey::from_pkcs8_der(der.as_ref())?;
        if let Some(kid) = jwk.kid.as_deref()
            && kid != key.kid
        {
            return Err(key_error(
                "kid",
                format!(
                    "the JWK's kid {kid:?} is not its RFC 7638 thumbprint {:?}",
                    key.kid
                ),
            ));
        }
        Ok(key)
    }

    /// ES256 or RS256.
    pub fn algorithm(&self) -> SigningAlgorithm {
        self.algorithm
    }

    /// The key id: the RFC 7638 SHA-256 thumbprint of the public key, in every token's `kid`.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK (`kid`, `alg`, `use: sig`): what the JWKS publishes.
    pub fn public_jwk(&self) -> &Jwk {
        &self.public
    }

    /// The private key as PKCS#8 PEM, a secret.
    pub fn to_pkcs8_pem(&self) -> SecretString {
        self.pem.clone()
    }

    /// The private key as a JWK (with `kid`, `alg`, `use`), a secret. ES256 keys only.
    pub fn to_private_jwk(&self) -> Result<SecretString, OidcError> {
        let Some((d, point)) = &self.ec_parts else {
            return Err(key_error(
                "JWK",
                "RSA private keys are exported as PKCS#8 PEM only",
            ));
        };
        let coordinates = point.get(1..).filter(|c| c.len() == 64);
        let Some((x, y)) = coordinates.map(|c| c.split_at(32)) else {
            return Err(key_error(
                "JWK",
                "the public point is not an uncompressed P-256 point",
            ));
        };
        let value = serde_json::json!({
            "kty": "EC",
            "crv": "P-256",
            "alg": "ES256",
            "use": "sig",
            "kid": self.kid,
            "x": URL_SAFE_NO_PAD.encode(x),
            "y": URL_SAFE_NO_PAD.encode(y),
            "d": d.expose_secret(),
        });
        Ok(SecretString::from(value.to_string()))
    }

    pub(crate) fn encoding_key(&self) -> &EncodingKey {
        &self.encoding
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The members of a private JWK this crate reads.
#[derive(Deserialize)]
struct PrivateJwk {
    kty: String,
    crv: Option<String>,
    alg: Option<String>,
    kid: Option<String>,
    x: Option<String>,
    y: Option<String>,
    d: Option<String>,
}

impl Drop for PrivateJwk {
    fn drop(&mut self) {
        if let Some(d) = self.d.as_mut() {
            d.zeroize();
        }
    }
}

/// PKCS#8 DER as PEM, 64 characters a line.
fn to_pem(der: &[u8]) -> String {
    let body = Zeroizing::new(STANDARD.encode(der));
    let mut pem = format!("-----BEGIN {PEM_LABEL}-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {PEM_LABEL}-----\n"));
    pem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_round_trip_through_pem_and_jwk() {
        let key = SigningKey::generate(SigningAlgorithm::Es256).unwrap();
        let pem = key.to_pkcs8_pem();
        assert!(
            pem.expose_secret()
                .starts_with("-----BEGIN PRIVATE KEY-----\n")
        );
        let again = SigningKey::from_pkcs8_pem(pem.expose_secret()).unwrap();
        assert_eq!(again.kid(), key.kid());
        let jwk = key.to_private_jwk().unwrap();
        let from_jwk = SigningKey::from_jwk(jwk.expose_secret()).unwrap();
        assert_eq!(from_jwk.kid(), key.kid());
        assert_eq!(from_jwk.algorithm(), SigningAlgorithm::Es256);
        let other = SigningKey::generate(SigningAlgorithm::Es256).unwrap();
        assert_ne!(other.kid(), key.kid(), "keys come from the CSPRNG");
    }

    #[test]
    fn rsa_keys_are_rs256_and_pem_only() {
        let key = SigningKey::generate(SigningAlgorithm::Rs256).unwrap();
        assert_eq!(key.algorithm(), SigningAlgorithm::Rs256);
        let again = SigningKey::from_pkcs8_pem(key.to_pkcs8_pem().expose_secret()).unwrap();
        assert_eq!(again.kid(), key.kid());
        assert!(matches!(
            key.to_private_jwk(),
            Err(OidcError::InvalidKey { field: "JWK", .. })
        ));
        let public = serde_json::to_value(key.public_jwk()).unwrap();
        assert_eq!(public["kty"], "RSA");
        assert_eq!(public["alg"], "RS256");
        assert_eq!(public["kid"], key.kid());
    }

    #[test]
    fn private_key_never_in_debug_or_public_jwk() {
        let key = SigningKey::generate(SigningAlgorithm::Es256).unwrap();
        let jwk: serde_json::Value =
            serde_json::from_str(key.to_private_jwk().unwrap().expose_secret()).unwrap();
        let d = jwk["d"].as_str().unwrap().to_owned();
        let debug = format!("{key:?}");
        assert!(!debug.contains(&d) && !debug.contains("PRIVATE"), "{debug}");
        let public = serde_json::to_string(key.public_jwk()).unwrap();
        assert!(
            !public.contains(&d) && !public.contains("\"d\""),
            "{public}"
        );
        assert_eq!(jwk["kid"], key.kid());
    }

    #[test]
    fn bad_key_material_is_a_typed_error_naming_the_field() {
        for (input, field) in [
            ("not a pem", "PEM"),
            (
                "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----",
                "PEM",
            ),
            (
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
                "PEM",
            ),
        ] {
            match SigningKey::from_pkcs8_pem(input) {
                Err(OidcError::InvalidKey { field: f, .. }) => assert_eq!(f, field, "{input}"),
                other => panic!("{input}: {other:?}"),
            }
        }
        for json in [
            "{}",
            r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#,
            r#"{"kty":"EC","crv":"P-384","x":"AA","y":"AA","d":"AA"}"#,
            r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#,
            r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}"#,
        ] {
            assert!(
                matches!(
                    SigningKey::from_jwk(json),
                    Err(OidcError::InvalidKey { .. })
                ),
                "{json}"
            );
        }
        // A JWK whose kid is not its thumbprint.
        let key = SigningKey::generate(SigningAlgorithm::Es256).unwrap();
        let mut jwk: serde_json::Value =
            serde_json::from_str(key.to_private_jwk().unwrap().expose_secret()).unwrap();
        jwk["kid"] = "other".into();
        assert!(matches!(
            SigningKey::from_jwk(&jwk.to_string()),
            Err(OidcError::InvalidKey { field: "kid", .. })
        ));
        assert!("HS256".parse::<SigningAlgorithm>().is_err());
        assert_eq!(
            "RS256".parse::<SigningAlgorithm>().unwrap(),
            SigningAlgorithm::Rs256
        );
    }
}
