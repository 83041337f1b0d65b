//! `Issuer`: the vendor as an OIDC provider. It mints short-lived tokens for
//! `AssumeRoleWithWebIdentity` and produces the discovery document and JWKS the product
//! serves. Pure: the caller passes the time; the only outside input is the random `jti`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Header, encode};
use secrecy::SecretString;
use serde_json::{Map, Value};

use super::documents::CLAIMS;
use super::{DiscoveryDocument, IssuerUrl, Jwks, KeySet, OidcError};

/// The audience AWS STS expects: the client id of the IAM OIDC provider.
pub const STS_AUDIENCE: &str = "sts.amazonaws.com";
/// How long a token lives unless the request says otherwise.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(300);
/// The default ceiling on a token's lifetime.
pub const DEFAULT_MAX_TOKEN_TTL: Duration = Duration::from_secs(3_600);

/// What one token says: the subject, its lifetime and optional extra claims.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRequest {
    subject: String,
    audience: Option<String>,
    ttl: Option<Duration>,
    extra: Map<String, Value>,
}

impl TokenRequest {
    /// A token for `tenant`: `sub` is `org/<tenant>`, the value the customer's trust policy
    /// pins.
    pub fn for_tenant(tenant: &str) -> TokenRequest {
        TokenRequest::for_subject(format!("org/{tenant}"))
    }

    /// A token with this exact `sub`.
    pub fn for_subject(subject: impl Into<String>) -> TokenRequest {
        TokenRequest {
            subject: subject.into(),
            audience: None,
            ttl: None,
            extra: Map::new(),
        }
    }

    /// Another `aud` than the issuer's (the connection test's negative check: a token for
    /// another audience must be refused).
    pub fn with_audience(mut self, audience: impl Into<String>) -> TokenRequest {
        self.audience = Some(audience.into());
        self
    }

    /// The token's lifetime (default [`DEFAULT_TOKEN_TTL`]).
    pub fn with_ttl(mut self, ttl: Duration) -> TokenRequest {
        self.ttl = Some(ttl);
        self
    }

    /// An extra claim (e.g. `https://aws.amazon.com/tags` for session tags). A registered
    /// claim name (`iss`, `sub`, `aud`, `iat`, `nbf`, `exp`, `jti`) is refused at minting.
    pub fn with_claim(mut self, name: impl Into<String>, value: Value) -> TokenRequest {
        self.extra.insert(name.into(), value);
        self
    }

    /// The `sub` claim.
    pub fn subject(&self) -> &str {
        &self.subject
    }
}

/// The issuer: its URL, keys, audience and lifetime limits.
#[derive(Debug)]
pub struct Issuer {
    url: IssuerUrl,
    keys: KeySet,
    audience: String,
    default_ttl: Duration,
    max_ttl: Duration,
}

fn claim_error(field: &str, rule: impl Into<String>) -> OidcError {
    OidcError::InvalidClaim {
        field: field.to_owned(),
        rule: rule.into(),
    }
}

impl Issuer {
    /// An issuer at `url` signing with `keys`, for audience [`STS_AUDIENCE`].
    pub fn new(url: IssuerUrl, keys: KeySet) -> Issuer {
        Issuer {
            url,
            keys,
            audience: STS_AUDIENCE.to_owned(),
            default_ttl: DEFAULT_TOKEN_TTL,
            max_ttl: DEFAULT_MAX_TOKEN_TTL,
        }
    }

    /// The `aud` of minted tokens (the IAM OIDC provider's client id).
    pub fn with_audience(mut self, audience: impl Into<String>) -> Issuer {
        self.audience = audience.into();
        self
    }

    /// The lifetime of a token whose request names none.
    pub fn with_default_ttl(mut self, ttl: Duration) -> Issuer {
        self.default_ttl = ttl;
        self
    }

    /// The longest lifetime a token may be minted with; longer requests are refused.
    pub fn with_max_ttl(mut self, ttl: Duration) -> Issuer {
        self.max_ttl = ttl;
        self
    }

    /// The issuer URL.
    pub fn url(&self) -> &IssuerUrl {
        &self.url
    }

    /// The keys (to rotate them).
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// The keys, mutably (publish a next key, rotate, prune).
    pub fn keys_mut(&mut self) -> &mut KeySet {
        &mut self.keys
    }

    /// The longest lifetime a token may have: retire a key for this long after a switch.
    pub fn max_ttl(&self) -> Duration {
        self.max_ttl
    }

    /// `/.well-known/openid-configuration`.
    pub fn discovery(&self) -> DiscoveryDocument {
        DiscoveryDocument::new(&self.url, &self.keys.algorithms())
    }

    /// The JWKS (current, next and retired public keys).
    pub fn jwks(&self) -> Jwks {
        self.keys.jwks()
    }

    /// Mints a token signed by the current key, valid from `now` (`iat`, `nbf`) for the
    /// request's lifetime (`exp`), with a random `jti` and the key's `kid` in the header.
    pub fn mint(&self, request: &TokenRequest, now: SystemTime) -> Result<SecretString, OidcError> {
        let ttl = request.ttl.unwrap_or(self.default_ttl);
        if ttl.is_zero() {
            return Err(claim_error("ttl", "a token must live at least one second"));
        }
        if ttl > self.max_ttl {
            return Err(claim_error(
                "ttl",
                format!(
                    "{} s is more than the configured maximum of {} s",
                    ttl.as_secs(),
                    self.max_ttl.as_secs()
                ),
            ));
        }
        if request.subject.is_empty() || request.subject.chars().any(char::is_control) {
            return Err(claim_error(
                "sub",
                "the subject must be non-empty, without control characters",
            ));
        }
        let audience = request.audience.as_ref().unwrap_or(&self.audience);
        if audience.is_empty() {
            return Err(claim_error("aud", "the audience must be non-empty"));
        }
        if let Some(name) = request.extra.keys().find(|k| CLAIMS.contains(&k.as_str())) {
            return Err(claim_error(
                name,
                "a registered claim is set by the issuer, not as an extra claim",
            ));
        }
        let iat = now
            .duration_since(UNIX_EPOCH)
            .map_err(|_| claim_error("iat", "the time is before 1970"))?
            .as_secs();
        let exp = iat
            .checked_add(ttl.as_secs())
            .ok_or_else(|| claim_error("exp", "out of range"))?;
        let mut jti = [0u8; 16];
        SystemRandom::new()
            .fill(&mut jti)
            .map_err(|_| OidcError::Random)?;
        let mut claims = request.extra.clone();
        claims.insert("iss".into(), self.url.as_str().into());
        claims.insert("sub".into(), request.subject.clone().into());
        claims.insert("aud".into(), audience.clone().into());
        claims.insert("iat".into(), iat.into());
        claims.insert("nbf".into(), iat.into());
        claims.insert("exp".into(), exp.into());
        claims.insert("jti".into(), URL_SAFE_NO_PAD.encode(jti).into());
        let key = self.keys.current();
        let mut header = Header::new(key.algorithm().jose());
        header.kid = Some(key.kid().to_owned());
        let token = encode(&header, &claims, key.encoding_key())
            .map_err(|e| OidcError::Signing(e.to_string()))?;
        Ok(SecretString::from(token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc::{SigningAlgorithm, SigningKey};
    use secrecy::ExposeSecret;

    fn issuer() -> Issuer {
        let key = SigningKey::generate(SigningAlgorithm::Es256).unwrap();
        Issuer::new(
            IssuerUrl::parse("https://id.example.com").unwrap(),
            KeySet::new(key),
        )
    }

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_800_000_000)
    }

    fn part(token: &str, i: usize) -> Value {
        let segment = token.split('.').nth(i).unwrap();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
    }

    #[test]
    fn minted_token_carries_the_claims_aws_reads() {
        let issuer = issuer();
        let token = issuer
            .mint(&TokenRequest::for_tenant("acme"), now())
            .unwrap();
        let token = token.expose_secret();
        let header = part(token, 0);
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["kid"], issuer.keys().current().kid());
        let claims = part(token, 1);
        assert_eq!(claims["iss"], "https://id.example.com");
        assert_eq!(claims["sub"], "org/acme");
        assert_eq!(claims["aud"], "sts.amazonaws.com");
        assert_eq!(claims["iat"], 1_800_000_000u64);
        assert_eq!(claims["nbf"], 1_800_000_000u64);
        assert_eq!(claims["exp"], 1_800_000_300u64, "five minutes by default");
        assert_eq!(claims["jti"].as_str().unwrap().len(), 22);
        let again = issuer
            .mint(&TokenRequest::for_tenant("acme"), now())
            .unwrap();
        assert_ne!(
            part(again.expose_secret(), 1)["jti"],
            claims["jti"],
            "jti is random"
        );
    }

    #[test]
    fn ttl_above_the_configured_maximum_is_refused() {
        let issuer = issuer().with_max_ttl(Duration::from_secs(600));
        let too_long = TokenRequest::for_tenant("acme").with_ttl(Duration::from_secs(601));
        assert!(matches!(
            issuer.mint(&too_long, now()),
            Err(OidcError::InvalidClaim { ref field, .. }) if field == "ttl"
        ));
        let zero = TokenRequest::for_tenant("acme").with_ttl(Duration::ZERO);
        assert!(issuer.mint(&zero, now()).is_err());
        let ok = TokenRequest::for_tenant("acme").with_ttl(Duration::from_secs(600));
        assert!(issuer.mint(&ok, now()).is_ok());
    }

    #[test]
    fn extra_claims_cannot_override_registered_claims() {
        let issuer = issuer();
        let evil = TokenRequest::for_tenant("acme").with_claim("sub", "org/evil".into());
        assert!(matches!(
            issuer.mint(&evil, now()),
            Err(OidcError::InvalidClaim { ref field, .. }) if field == "sub"
        ));
        let tags = TokenRequest::for_tenant("acme").with_claim(
            "https://aws.amazon.com/tags",
            serde_json::json!({"principal_tags": {"tenant": ["acme"]}}),
        );
        let token = issuer.mint(&tags, now()).unwrap();
        assert_eq!(
            part(token.expose_secret(), 1)["https://aws.amazon.com/tags"]["principal_tags"]["tenant"]
                [0],
            "acme"
        );
        assert!(issuer.mint(&TokenRequest::for_subject(""), now()).is_err());
    }

    #[test]
    fn discovery_document_names_issuer_jwks_uri_and_algorithms() {
        let mut issuer = issuer();
        issuer
            .keys_mut()
            .set_next(SigningKey::generate(SigningAlgorithm::Rs256).unwrap())
            .unwrap();
        let doc = serde_json::to_value(issuer.discovery()).unwrap();
        assert_eq!(doc["issuer"], "https://id.example.com");
        assert_eq!(
            doc["jwks_uri"],
            "https://id.example.com/.well-known/jwks.json"
        );
        assert_eq!(
            doc["id_token_signing_alg_values_supported"],
            serde_json::json!(["ES256", "RS256"])
        );
        assert_eq!(
            doc["response_types_supported"],
            serde_json::json!(["id_token"])
        );
        assert_eq!(
            doc["subject_types_supported"],
            serde_json::json!(["public"])
        );
        assert!(
            doc["claims_supported"]
                .as_array()
                .unwrap()
                .contains(&"sub".into())
        );
        let jwks = serde_json::to_value(issuer.jwks()).unwrap();
        assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
        assert!(!jwks.to_string().contains("\"d\""));
    }
}
