//! The in-memory STS verifies real JWTs for `AssumeRoleWithWebIdentity` (issue 17): tokens
//! minted by `connector_core::oidc::Issuer` are accepted by a provider holding its JWKS, and
//! every forged-token case is refused as AWS refuses it — one test per case.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use connector_core::oidc::{
    Issuer, IssuerUrl, Jwks, KeySet, SigningAlgorithm, SigningKey, TokenRequest,
};
use connector_core::testing::{InMemorySts, SetupError, WEB_IDENTITY_CLOCK_SKEW};
use connector_core::{
    Clock, ManualClock, ProviderErrorKind, RoleSessionName, StsProvider, WebIdentityRequest,
};
use iam_policy::{AccountId, RoleArn};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use trust_policy::{OidcTrust, SubjectMatch};

const ISSUER: &str = "https://id.auto-nomos.com";
const WORKER: &str = "arn:aws:sts::999988887777:assumed-role/vendor-connector/worker";
const HOUR: Duration = Duration::from_secs(3600);

fn customer() -> AccountId {
    "111122223333".parse().unwrap()
}

struct World {
    clock: ManualClock,
    sts: InMemorySts,
    issuer: Issuer,
    role: RoleArn,
}

fn world_with(algorithm: SigningAlgorithm) -> World {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::new(Arc::new(clock.clone()), WORKER.parse().unwrap());
    let role: RoleArn = "arn:aws:iam::111122223333:role/nomos".parse().unwrap();
    let trust = OidcTrust::new(customer(), ISSUER)
        .unwrap()
        .with_audience("sts.amazonaws.com")
        .unwrap()
        .with_subject(SubjectMatch::Exact("org/acme".into()))
        .unwrap()
        .policy()
        .unwrap();
    sts.create_role(role.clone(), trust, HOUR).unwrap();
    let key = SigningKey::generate(algorithm).unwrap();
    let issuer = Issuer::new(IssuerUrl::parse(ISSUER).unwrap(), KeySet::new(key));
    sts.create_oidc_provider_with_jwks(&customer(), ISSUER, &["sts.amazonaws.com"], issuer.jwks())
        .unwrap();
    World {
        clock,
        sts,
        issuer,
        role,
    }
}

fn world() -> World {
    world_with(SigningAlgorithm::Es256)
}

fn unix(clock: &ManualClock) -> u64 {
    clock.now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

impl World {
    fn now(&self) -> SystemTime {
        self.clock.now()
    }

    fn mint(&self, request: TokenRequest) -> String {
        self.issuer
            .mint(&request, self.now())
            .unwrap()
            .expose_secret()
            .to_owned()
    }

    fn good_claims(&self) -> Value {
        let now = unix(&self.clock);
        json!({"iss": ISSUER, "sub": "org/acme", "aud": "sts.amazonaws.com",
               "iat": now, "nbf": now, "exp": now + 300, "jti": "x"})
    }

    /// Signs `claims` with the issuer's current key and `kid`, through jsonwebtoken.
    fn sign(&self, claims: &Value) -> String {
        let key = self.issuer.keys().current();
        let pem = key.to_pkcs8_pem();
        let encoding = EncodingKey::from_ec_pem(pem.expose_secret().as_bytes()).unwrap();
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(key.kid().to_owned());
        encode(&header, claims, &encoding).unwrap()
    }

    async fn assume(&self, token: String) -> Result<(), (ProviderErrorKind, Option<String>)> {
        let request = WebIdentityRequest::new(
            self.role.clone(),
            "agent".parse::<RoleSessionName>().unwrap(),
            SecretString::from(token),
        );
        self.sts
            .assume_role_with_web_identity(&request)
            .await
            .map(|_| ())
            .map_err(|e| (e.kind, e.code))
    }

    async fn refused(&self, token: String) -> ProviderErrorKind {
        let (kind, code) = self.assume(token).await.unwrap_err();
        if matches!(
            kind,
            ProviderErrorKind::InvalidIdentityToken | ProviderErrorKind::OidcProviderMissing
        ) {
            assert_eq!(code.as_deref(), Some("InvalidIdentityToken"));
        }
        kind
    }
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

#[tokio::test]
async fn web_identity_accepts_tokens_minted_by_our_issuer_es256_and_rs256() {
    for algorithm in [SigningAlgorithm::Es256, SigningAlgorithm::Rs256] {
        let w = world_with(algorithm);
        let token = w.mint(TokenRequest::for_tenant("acme"));
        assert_eq!(w.assume(token).await, Ok(()), "{algorithm}");
    }
}

#[tokio::test]
async fn web_identity_sub_of_another_tenant_is_denied_by_the_trust_policy() {
    let w = world();
    let token = w.mint(TokenRequest::for_tenant("evil"));
    assert_eq!(w.refused(token).await, ProviderErrorKind::AccessDenied);
    assert!(w.sts.last_denial_reason().unwrap().contains("org/evil"));
}

#[tokio::test]
async fn web_identity_refuses_alg_none() {
    let w = world();
    let kid = w.issuer.keys().current().kid().to_owned();
    let header = json!({"alg": "none", "typ": "JWT", "kid": kid});
    let claims = w.good_claims();
    for token in [
        format!("{}.{}.", b64(&header), b64(&claims)),
        format!("{}.{}", b64(&header), b64(&claims)),
    ] {
        assert_eq!(
            w.refused(token).await,
            ProviderErrorKind::InvalidIdentityToken
        );
    }
}

#[tokio::test]
async fn web_identity_refuses_hs256_signed_with_the_public_key() {
    // The classic confusion attack: the attacker signs with HMAC, using the public key the
    // issuer publishes as the secret, hoping the verifier feeds the same bytes to HMAC.
    for algorithm in [SigningAlgorithm::Es256, SigningAlgorithm::Rs256] {
        let w = world_with(algorithm);
        let public = w.issuer.keys().current().public_jwk();
        let public_json = serde_json::to_string(public).unwrap();
        let secrets: Vec<Vec<u8>> = vec![
            public_json.into_bytes(),
            serde_json::to_string(&w.issuer.jwks())
                .unwrap()
                .into_bytes(),
        ];
        for secret in secrets {
            let mut header = Header::new(Algorithm::HS256);
            header.kid = Some(w.issuer.keys().current().kid().to_owned());
            let token = encode(
                &header,
                &w.good_claims(),
                &EncodingKey::from_secret(&secret).unwrap(),
            )
            .unwrap();
            assert_eq!(
                w.refused(token).await,
                ProviderErrorKind::InvalidIdentityToken
            );
            assert!(
                w.sts
                    .last_denial_reason()
                    .unwrap()
                    .contains("algorithm HS256"),
                "{:?}",
                w.sts.last_denial_reason()
            );
        }
    }
}

#[tokio::test]
async fn web_identity_refuses_an_algorithm_the_key_does_not_declare() {
    // An RS384 header against an RS256 key: the key's declared `alg` is the only one.
    let w = world_with(SigningAlgorithm::Rs256);
    let key = w.issuer.keys().current();
    let encoding =
        EncodingKey::from_rsa_pem(key.to_pkcs8_pem().expose_secret().as_bytes()).unwrap();
    let mut header = Header::new(Algorithm::RS384);
    header.kid = Some(key.kid().to_owned());
    let token = encode(&header, &w.good_claims(), &encoding).unwrap();
    assert_eq!(
        w.refused(token).await,
        ProviderErrorKind::InvalidIdentityToken
    );
}

#[tokio::test]
async fn web_identity_refuses_an_unknown_kid() {
    let w = world();
    let stranger = Issuer::new(
        IssuerUrl::parse(ISSUER).unwrap(),
        KeySet::new(SigningKey::generate(SigningAlgorithm::Es256).unwrap()),
    );
    let token = stranger
        .mint(&TokenRequest::for_tenant("acme"), w.now())
        .unwrap();
    assert_eq!(
        w.refused(token.expose_secret().to_owned()).await,
        ProviderErrorKind::InvalidIdentityToken
    );
    assert!(w.sts.last_denial_reason().unwrap().contains("kid"));
}

#[tokio::test]
async fn web_identity_refuses_a_token_without_kid() {
    let w = world();
    let key = w.issuer.keys().current();
    let encoding = EncodingKey::from_ec_pem(key.to_pkcs8_pem().expose_secret().as_bytes()).unwrap();
    let token = encode(&Header::new(Algorithm::ES256), &w.good_claims(), &encoding).unwrap();
    assert_eq!(
        w.refused(token).await,
        ProviderErrorKind::InvalidIdentityToken
    );
}

#[tokio::test]
async fn web_identity_refuses_a_published_kid_signed_by_another_key() {
    let w = world();
    let other = SigningKey::generate(SigningAlgorithm::Es256).unwrap();
    let encoding =
        EncodingKey::from_ec_pem(other.to_pkcs8_pem().expose_secret().as_bytes()).unwrap();
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(w.issuer.keys().current().kid().to_owned());
    let token = encode(&header, &w.good_claims(), &encoding).unwrap();
    assert_eq!(
        w.refused(token).await,
        ProviderErrorKind::InvalidIdentityToken
    );
    assert!(w.sts.last_denial_reason().unwrap().contains("signature"));
}

#[tokio::test]
async fn web_identity_refuses_tampered_claims() {
    let w = world();
    let good = w.mint(TokenRequest::for_tenant("acme"));
    let parts: Vec<&str> = good.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = "org/evil".into();
    let tampered = format!("{}.{}.{}", parts[0], b64(&claims), parts[2]);
    assert_eq!(
        w.refused(tampered).await,
        ProviderErrorKind::InvalidIdentityToken
    );
}

#[tokio::test]
async fn web_identity_iss_must_be_exactly_the_provider_url() {
    let w = world();
    for iss in [
        "https://id.auto-nomos.com/",
        "http://id.auto-nomos.com",
        "id.auto-nomos.com",
        "https://evil.example.com",
        "https://ID.auto-nomos.com",
    ] {
        let mut claims = w.good_claims();
        claims["iss"] = iss.into();
        // STS looks the provider up by `iss`: none for this one. Seen from the vendor whose
        // issuer is ISSUER, that is its own token's fault, not the customer's.
        let (kind, code) = w.assume(w.sign(&claims)).await.unwrap_err();
        assert_eq!(kind, ProviderErrorKind::OidcProviderMissing, "{iss}");
        assert_eq!(code.as_deref(), Some("InvalidIdentityToken"));
        let request = WebIdentityRequest::new(
            w.role.clone(),
            "agent".parse::<RoleSessionName>().unwrap(),
            SecretString::from(w.sign(&claims)),
        );
        let error = w
            .sts
            .assume_role_with_web_identity(&request)
            .await
            .unwrap_err();
        assert_eq!(
            error.message,
            format!("No OpenIDConnect provider found in your account for {iss}")
        );
        assert_eq!(
            error.attributed_to_issuer(ISSUER).kind,
            ProviderErrorKind::InvalidIdentityToken,
            "{iss}"
        );
    }
    let mut no_iss = w.good_claims();
    no_iss.as_object_mut().unwrap().remove("iss");
    assert_eq!(
        w.refused(w.sign(&no_iss)).await,
        ProviderErrorKind::InvalidIdentityToken
    );
    assert_eq!(w.assume(w.sign(&w.good_claims())).await, Ok(()));
}

#[tokio::test]
async fn web_identity_aud_must_be_a_client_id_of_the_provider() {
    let w = world();
    let mut claims = w.good_claims();
    claims["aud"] = "someone-else".into();
    assert_eq!(
        w.refused(w.sign(&claims)).await,
        ProviderErrorKind::InvalidIdentityToken
    );
    claims["aud"] = json!(["someone-else", "sts.amazonaws.com"]);
    assert_eq!(
        w.assume(w.sign(&claims)).await,
        Ok(()),
        "one of several audiences"
    );
    claims.as_object_mut().unwrap().remove("aud");
    assert_eq!(
        w.refused(w.sign(&claims)).await,
        ProviderErrorKind::InvalidIdentityToken
    );
}

#[tokio::test]
async fn web_identity_expired_token_is_expired_token_after_the_skew() {
    let w = world();
    let token = w.mint(TokenRequest::for_tenant("acme"));
    w.clock
        .advance(Duration::from_secs(300) + WEB_IDENTITY_CLOCK_SKEW - Duration::from_secs(1));
    assert_eq!(w.assume(token.clone()).await, Ok(()), "within the skew");
    w.clock.advance(Duration::from_secs(1));
    assert_eq!(w.refused(token).await, ProviderErrorKind::ExpiredToken);
    let fresh = w.mint(TokenRequest::for_tenant("acme"));
    assert_eq!(w.assume(fresh).await, Ok(()), "a fresh token works again");
}

#[tokio::test]
async fn web_identity_token_not_yet_valid_is_refused_beyond_the_skew() {
    let w = world();
    let now = unix(&w.clock);
    let skew = WEB_IDENTITY_CLOCK_SKEW.as_secs();
    for claim in ["nbf", "iat"] {
        let mut claims = w.good_claims();
        claims[claim] = (now + skew + 1).into();
        assert_eq!(
            w.refused(w.sign(&claims)).await,
            ProviderErrorKind::InvalidIdentityToken,
            "{claim}"
        );
        claims[claim] = (now + skew).into();
        assert_eq!(
            w.assume(w.sign(&claims)).await,
            Ok(()),
            "{claim} within the skew"
        );
    }
}

#[tokio::test]
async fn web_identity_refuses_malformed_tokens() {
    let w = world();
    let good = w.mint(TokenRequest::for_tenant("acme"));
    let parts: Vec<&str> = good.split('.').collect();
    let mut float_exp = w.good_claims();
    float_exp["exp"] = json!(1_800_000_300.5);
    let mut string_exp = w.good_claims();
    string_exp["exp"] = json!("1800000300");
    let mut no_exp = w.good_claims();
    no_exp.as_object_mut().unwrap().remove("exp");
    let mut no_sub = w.good_claims();
    no_sub.as_object_mut().unwrap().remove("sub");
    for token in [
        String::new(),
        "garbage".to_owned(),
        "a.b".to_owned(),
        "a.b.c".to_owned(),
        format!("{}.{}", parts[0], parts[1]),
        format!("{}.!!!.{}", parts[0], parts[2]),
        format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode("not json"),
            parts[2]
        ),
        w.sign(&float_exp),
        w.sign(&string_exp),
        w.sign(&no_exp),
        w.sign(&no_sub),
    ] {
        assert_eq!(
            w.refused(token.clone()).await,
            ProviderErrorKind::InvalidIdentityToken,
            "{token}"
        );
    }
}

#[tokio::test]
async fn web_identity_key_rotation_next_key_published_before_the_switch() {
    let mut w = world();
    let old_token = w.mint(TokenRequest::for_tenant("acme"));
    w.issuer
        .keys_mut()
        .set_next(SigningKey::generate(SigningAlgorithm::Es256).unwrap())
        .unwrap();
    // AWS refetches the JWKS (current and next) before the switch.
    w.sts
        .set_oidc_provider_jwks(&customer(), ISSUER, w.issuer.jwks())
        .unwrap();
    let max = w.issuer.max_ttl();
    let now = w.now();
    w.issuer.keys_mut().rotate(now, max).unwrap();
    let new_token = w.mint(TokenRequest::for_tenant("acme"));
    assert_eq!(
        w.assume(new_token).await,
        Ok(()),
        "the new key was already published"
    );
    assert_eq!(
        w.assume(old_token.clone()).await,
        Ok(()),
        "the retired key still verifies"
    );
    // A provider that only ever saw the old JWKS refuses the new key's tokens.
    w.sts
        .set_oidc_provider_jwks(
            &customer(),
            ISSUER,
            Jwks::new(vec![w.issuer.jwks().keys()[1].clone()]),
        )
        .unwrap();
    let newer = w.mint(TokenRequest::for_tenant("acme"));
    assert_eq!(
        w.refused(newer).await,
        ProviderErrorKind::InvalidIdentityToken
    );
    assert!(matches!(
        w.sts
            .set_oidc_provider_jwks(&customer(), "https://other.example.com", Jwks::new(vec![])),
        Err(SetupError::NoSuchOidcProvider { .. })
    ));
}

#[tokio::test]
async fn web_identity_tokens_of_another_sts_instance_are_refused() {
    let w = world();
    w.sts
        .create_oidc_provider(
            &customer(),
            "https://tests.example.com",
            &["sts.amazonaws.com"],
        )
        .unwrap();
    let other = InMemorySts::new(Arc::new(w.clock.clone()), WORKER.parse().unwrap());
    let foreign =
        other.issue_test_token("https://tests.example.com", "org/acme", "sts.amazonaws.com");
    assert_eq!(
        w.refused(foreign).await,
        ProviderErrorKind::InvalidIdentityToken
    );
    assert_eq!(w.sts.test_jwks().keys().len(), 1);
}

#[tokio::test]
async fn web_identity_provider_with_an_empty_jwks_refuses_every_token() {
    // What a provider holds when the issuer publishes no key (or the STS could not make its
    // test key): no verdict on the signature, so no credentials.
    let w = world();
    w.sts
        .set_oidc_provider_jwks(&customer(), ISSUER, Jwks::new(Vec::new()))
        .unwrap();
    let token = w.mint(TokenRequest::for_tenant("acme"));
    assert_eq!(
        w.refused(token).await,
        ProviderErrorKind::InvalidIdentityToken
    );
    let unsigned = "unsigned: the in-memory STS has no test key".to_owned();
    assert_eq!(
        w.refused(unsigned).await,
        ProviderErrorKind::InvalidIdentityToken
    );
}
