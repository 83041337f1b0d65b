//! The two documents AWS fetches from the issuer's host, as serde data the product serves:
//! the discovery document (`/.well-known/openid-configuration`) and the JWKS.

use jsonwebtoken::jwk::{Jwk, JwkSet};
use serde::{Deserialize, Serialize};

use super::{IssuerUrl, SigningAlgorithm};

/// The JSON Web Key Set: public keys only, each with its `kid`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Jwks(JwkSet);

impl Jwks {
    /// A set of public keys.
    pub fn new(keys: Vec<Jwk>) -> Jwks {
        Jwks(JwkSet { keys })
    }

    /// Parses a JWKS document (`{"keys":[…]}`).
    pub fn from_json(json: &str) -> Result<Jwks, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The keys.
    pub fn keys(&self) -> &[Jwk] {
        &self.0.keys
    }

    /// The key with this `kid`, if any.
    pub fn find(&self, kid: &str) -> Option<&Jwk> {
        self.0.find(kid)
    }
}

/// The discovery document. IAM reads `jwks_uri` from it to fetch the keys; the other members
/// are what OpenID Connect Discovery 1.0 requires of a provider's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryDocument {
    /// The issuer URL, exactly the tokens' `iss`.
    pub issuer: String,
    /// Where the JWKS is served.
    pub jwks_uri: String,
    /// The algorithms of the published keys.
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// `["id_token"]`: tokens are minted by the vendor for itself, no OAuth flow.
    pub response_types_supported: Vec<String>,
    /// `["public"]`.
    pub subject_types_supported: Vec<String>,
    /// The claims every token carries.
    pub claims_supported: Vec<String>,
}

/// The registered claims every minted token carries.
pub const CLAIMS: [&str; 7] = ["iss", "sub", "aud", "iat", "nbf", "exp", "jti"];

impl DiscoveryDocument {
    /// The document for `issuer` signing with `algorithms` (deduplicated, in order).
    pub fn new(issuer: &IssuerUrl, algorithms: &[SigningAlgorithm]) -> DiscoveryDocument {
        let mut algs: Vec<String> = Vec::new();
        for alg in algorithms {
            if !algs.iter().any(|a| a == alg.as_str()) {
                algs.push(alg.as_str().to_owned());
            }
        }
        DiscoveryDocument {
            issuer: issuer.as_str().to_owned(),
            jwks_uri: issuer.jwks_url(),
            id_token_signing_alg_values_supported: algs,
            response_types_supported: vec!["id_token".to_owned()],
            subject_types_supported: vec!["public".to_owned()],
            claims_supported: CLAIMS.iter().map(|c| (*c).to_owned()).collect(),
        }
    }
}
