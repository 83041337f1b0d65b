//! The issuer's tokens and documents against an independent JWT library (issue 17): Python's
//! `PyJWT` with `cryptography` verifies the tokens our issuer mints (ES256 and RS256) against
//! the JWKS and discovery document we publish; tokens `PyJWT` signs with our generated keys
//! (exported as a private JWK and as PKCS#8 PEM) verify in the in-memory STS.
//!
//! `scripts/test` installs the pinned tools (scripts/python-tools.txt) into a virtual
//! environment and sets `CONNECTOR_PY_TOOLS` to its `bin` directory; without it these tests
//! say SKIPPED and pass without checking.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use connector_core::oidc::{Issuer, IssuerUrl, KeySet, SigningAlgorithm, SigningKey, TokenRequest};
use connector_core::testing::InMemorySts;
use connector_core::{Clock, ProviderErrorKind, StsProvider, SystemClock, WebIdentityRequest};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use trust_policy::{OidcTrust, SubjectMatch};

const ISSUER: &str = "https://id.auto-nomos.com";

fn python() -> Option<PathBuf> {
    match std::env::var_os("CONNECTOR_PY_TOOLS") {
        Some(dir) => Some(PathBuf::from(dir).join("python")),
        None => {
            eprintln!(
                "SKIPPED: CONNECTOR_PY_TOOLS is not set, so PyJWT did not check the tokens. \
                 Run scripts/test, or make a venv with `pip install -r scripts/python-tools.txt` \
                 and set CONNECTOR_PY_TOOLS to its bin directory."
            );
            None
        }
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `script` with `input` (JSON) on stdin; returns its stdout as JSON.
fn run_python(python: &Path, dir: &Path, script: &str, input: &Value) -> Value {
    let path = dir.join("check.py");
    std::fs::write(&path, script).unwrap();
    let input_path = dir.join("input.json");
    std::fs::write(&input_path, input.to_string()).unwrap();
    let output = Command::new(python)
        .arg(&path)
        .arg(&input_path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn issuer(algorithm: SigningAlgorithm) -> Issuer {
    Issuer::new(
        IssuerUrl::parse(ISSUER).unwrap(),
        KeySet::new(SigningKey::generate(algorithm).unwrap()),
    )
}

const VERIFY: &str = r#"
import json, sys
import jwt

data = json.load(open(sys.argv[1]))
discovery = data["discovery"]
assert discovery["issuer"] == data["issuer"], discovery
assert discovery["jwks_uri"] == data["issuer"] + "/.well-known/jwks.json", discovery
jwks = jwt.PyJWKSet.from_dict(data["jwks"])
out = []
for token in data["tokens"]:
    header = jwt.get_unverified_header(token)
    key = next(k for k in jwks.keys if k.key_id == header["kid"])
    assert header["alg"] in discovery["id_token_signing_alg_values_supported"], header
    claims = jwt.decode(
        token, key.key, algorithms=[header["alg"]], audience="sts.amazonaws.com",
        issuer=discovery["issuer"],
        options={"require": ["iss", "sub", "aud", "iat", "nbf", "exp", "jti"]},
    )
    out.append({"alg": header["alg"], "sub": claims["sub"], "exp_minus_iat": claims["exp"] - claims["iat"]})
# A tampered token must fail: PyJWT really verifies.
head, body, sig = data["tokens"][0].split(".")
forged = head + "." + body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + sig
try:
    jwt.decode(forged, jwks.keys[0].key, algorithms=["ES256", "RS256"], audience="sts.amazonaws.com")
    out.append("forged accepted")
except jwt.PyJWTError:
    out.append("forged refused")
print(json.dumps(out))
"#;

#[test]
fn pyjwt_verifies_tokens_minted_by_our_issuer() {
    let Some(python) = python() else { return };
    let now = SystemClock.now();
    let mut tokens = Vec::new();
    let mut keys = Vec::new();
    for algorithm in [SigningAlgorithm::Es256, SigningAlgorithm::Rs256] {
        let issuer = issuer(algorithm);
        tokens.push(
            issuer
                .mint(&TokenRequest::for_tenant("acme"), now)
                .unwrap()
                .expose_secret()
                .to_owned(),
        );
        keys.extend(issuer.jwks().keys().iter().cloned());
    }
    let jwks = connector_core::oidc::Jwks::new(keys);
    let discovery = connector_core::oidc::DiscoveryDocument::new(
        &IssuerUrl::parse(ISSUER).unwrap(),
        &[SigningAlgorithm::Es256, SigningAlgorithm::Rs256],
    );
    let input = json!({"issuer": ISSUER, "discovery": discovery, "jwks": jwks, "tokens": tokens});
    let out = run_python(&python, &scratch("pyjwt-verify"), VERIFY, &input);
    assert_eq!(
        out,
        json!([
            {"alg": "ES256", "sub": "org/acme", "exp_minus_iat": 300},
            {"alg": "RS256", "sub": "org/acme", "exp_minus_iat": 300},
            "forged refused"
        ])
    );
}

const SIGN: &str = r#"
import json, sys, time
import jwt

data = json.load(open(sys.argv[1]))
now = int(time.time())
claims = {"iss": data["issuer"], "sub": "org/acme", "aud": "sts.amazonaws.com",
          "iat": now, "nbf": now, "exp": now + 300, "jti": "pyjwt"}
es_key = jwt.PyJWK.from_dict(json.loads(data["es256_jwk"]))
out = {
    "es256": jwt.encode(claims, es_key.key, algorithm="ES256", headers={"kid": data["es256_kid"]}),
    "rs256": jwt.encode(claims, data["rs256_pem"], algorithm="RS256", headers={"kid": data["rs256_kid"]}),
    "evil": jwt.encode(dict(claims, sub="org/evil"), es_key.key, algorithm="ES256", headers={"kid": data["es256_kid"]}),
}
print(json.dumps(out))
"#;

#[tokio::test]
async fn in_memory_sts_accepts_tokens_pyjwt_signs_with_our_keys() {
    let Some(python) = python() else { return };
    let es = SigningKey::generate(SigningAlgorithm::Es256).unwrap();
    let rs = SigningKey::generate(SigningAlgorithm::Rs256).unwrap();
    let input = json!({
        "issuer": ISSUER,
        "es256_jwk": es.to_private_jwk().unwrap().expose_secret(),
        "es256_kid": es.kid(),
        "rs256_pem": rs.to_pkcs8_pem().expose_secret(),
        "rs256_kid": rs.kid(),
    });
    let jwks =
        connector_core::oidc::Jwks::new(vec![es.public_jwk().clone(), rs.public_jwk().clone()]);
    let out = run_python(&python, &scratch("pyjwt-sign"), SIGN, &input);

    let sts = InMemorySts::new(
        Arc::new(SystemClock),
        "arn:aws:sts::999988887777:assumed-role/vendor-connector/worker"
            .parse()
            .unwrap(),
    );
    let role: iam_policy::RoleArn = "arn:aws:iam::111122223333:role/nomos".parse().unwrap();
    let trust = OidcTrust::new("111122223333".parse().unwrap(), ISSUER)
        .unwrap()
        .with_audience("sts.amazonaws.com")
        .unwrap()
        .with_subject(SubjectMatch::Exact("org/acme".into()))
        .unwrap()
        .policy()
        .unwrap();
    sts.create_role(role.clone(), trust, Duration::from_secs(3600))
        .unwrap();
    sts.create_oidc_provider_with_jwks(
        &"111122223333".parse().unwrap(),
        ISSUER,
        &["sts.amazonaws.com"],
        jwks,
    )
    .unwrap();
    let assume = |token: &Value| {
        WebIdentityRequest::new(
            role.clone(),
            "agent".parse().unwrap(),
            SecretString::from(token.as_str().unwrap().to_owned()),
        )
    };
    for alg in ["es256", "rs256"] {
        let result = sts.assume_role_with_web_identity(&assume(&out[alg])).await;
        assert!(result.is_ok(), "{alg}: {:?}", result.err());
    }
    let evil = sts
        .assume_role_with_web_identity(&assume(&out["evil"]))
        .await;
    assert_eq!(evil.unwrap_err().kind, ProviderErrorKind::AccessDenied);
}
