//! Runs the real `connector` binary: `oidc keygen|jwks|discovery|token` (issue 17).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

fn connector(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(args)
        .output()
        .expect("the connector binary runs")
}

fn stdout_json(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn bad_input(out: &Output, flag: &str) {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(flag), "{flag} not named: {stderr}");
}

fn keygen(dir: &Path, name: &str, extra: &[&str]) -> (String, Value) {
    let file = dir.join(name);
    let file = file.to_str().unwrap().to_owned();
    let mut args = vec!["oidc", "keygen", "--out", &file];
    args.extend_from_slice(extra);
    let report = stdout_json(&connector(&args));
    (file, report)
}

fn claims(token: &str) -> Value {
    let body = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap()
}

#[test]
fn keygen_writes_a_0600_key_file_and_prints_only_kid_and_alg() {
    let dir = tempfile::tempdir().unwrap();
    for (name, extra, alg, marker) in [
        ("es.pem", &[][..], "ES256", "-----BEGIN PRIVATE KEY-----"),
        (
            "rs.pem",
            &["--alg", "RS256"][..],
            "RS256",
            "-----BEGIN PRIVATE KEY-----",
        ),
        ("es.jwk", &["--format", "jwk"][..], "ES256", "\"d\""),
    ] {
        let (file, report) = keygen(dir.path(), name, extra);
        assert_eq!(report["alg"], alg);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(marker), "{name}");
        let printed = report.to_string();
        assert!(
            !printed.contains("PRIVATE") && !printed.contains("\"d\""),
            "{printed}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
    }
    // Never overwrites a file.
    let file = dir.path().join("es.pem");
    let out = connector(&["oidc", "keygen", "--out", file.to_str().unwrap()]);
    bad_input(&out, "--out");
}

#[test]
fn keygen_bad_values_exit_2_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("k");
    let file = file.to_str().unwrap();
    bad_input(
        &connector(&["oidc", "keygen", "--out", file, "--alg", "HS256"]),
        "--alg",
    );
    bad_input(
        &connector(&["oidc", "keygen", "--out", file, "--format", "der"]),
        "--format",
    );
    bad_input(
        &connector(&[
            "oidc", "keygen", "--out", file, "--alg", "RS256", "--format", "jwk",
        ]),
        "--format",
    );
    assert!(!Path::new(file).exists(), "nothing written on bad input");
}

#[test]
fn jwks_publishes_public_keys_of_every_key_file_without_private_parts() {
    let dir = tempfile::tempdir().unwrap();
    let (es, es_report) = keygen(dir.path(), "es.pem", &[]);
    let (rs, rs_report) = keygen(dir.path(), "rs.pem", &["--alg", "RS256"]);
    let (jwk, jwk_report) = keygen(dir.path(), "next.jwk", &["--format", "jwk"]);
    let out = connector(&[
        "oidc", "jwks", "--key", &es, "--key", &rs, "--key", &jwk, "--key", &es,
    ]);
    let jwks = stdout_json(&out);
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 3, "duplicates dropped: {jwks}");
    let kids: Vec<&str> = keys.iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert_eq!(
        kids,
        [
            es_report["kid"].as_str().unwrap(),
            rs_report["kid"].as_str().unwrap(),
            jwk_report["kid"].as_str().unwrap()
        ]
    );
    assert!(
        keys.iter()
            .all(|k| k.get("d").is_none() && k["use"] == "sig")
    );
    assert_eq!(keys[1]["kty"], "RSA");
}

#[test]
fn jwks_bad_key_file_exits_2_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(
        &garbage,
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    bad_input(
        &connector(&["oidc", "jwks", "--key", garbage.to_str().unwrap()]),
        "--key",
    );
    let missing = dir.path().join("missing.pem");
    bad_input(
        &connector(&["oidc", "jwks", "--key", missing.to_str().unwrap()]),
        "--key",
    );
    bad_input(&connector(&["oidc", "jwks"]), "--key");
}

#[test]
fn discovery_prints_the_openid_configuration() {
    let doc = stdout_json(&connector(&[
        "oidc",
        "discovery",
        "--issuer",
        "https://id.example.com",
        "--alg",
        "ES256",
        "--alg",
        "RS256",
    ]));
    assert_eq!(doc["issuer"], "https://id.example.com");
    assert_eq!(
        doc["jwks_uri"],
        "https://id.example.com/.well-known/jwks.json"
    );
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["ES256", "RS256"])
    );
    for bad in [
        "http://id.example.com",
        "https://id.example.com/",
        "https://id.example.com?a=b",
    ] {
        bad_input(
            &connector(&["oidc", "discovery", "--issuer", bad]),
            "--issuer",
        );
    }
}

#[test]
fn token_prints_a_signed_jwt_for_the_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let (key, report) = keygen(dir.path(), "es.pem", &[]);
    let out = connector(&[
        "oidc",
        "token",
        "--key",
        &key,
        "--issuer",
        "https://id.example.com",
        "--tenant",
        "acme",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let token = String::from_utf8(out.stdout).unwrap();
    let token = token.trim_end();
    assert_eq!(token.split('.').count(), 3);
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["kid"], report["kid"]);
    let c = claims(token);
    assert_eq!(c["iss"], "https://id.example.com");
    assert_eq!(c["sub"], "org/acme");
    assert_eq!(c["aud"], "sts.amazonaws.com");
    assert_eq!(c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(), 300);
    let key_text = std::fs::read_to_string(&key).unwrap();
    let body: String = key_text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert!(
        !token.contains(&body[..20]),
        "no key material in the output"
    );

    let (jwk, _) = keygen(dir.path(), "es.jwk", &["--format", "jwk"]);
    let out = connector(&[
        "oidc",
        "token",
        "--key",
        &jwk,
        "--issuer",
        "https://id.example.com",
        "--tenant",
        "acme",
        "--ttl",
        "15m",
    ]);
    let token = String::from_utf8(out.stdout).unwrap();
    let c = claims(token.trim_end());
    assert_eq!(c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(), 900);
}

#[test]
fn token_bad_values_exit_2_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let (key, _) = keygen(dir.path(), "es.pem", &[]);
    let base = |extra: &[&str]| {
        let mut args = vec![
            "oidc",
            "token",
            "--key",
            &key,
            "--issuer",
            "https://id.example.com",
            "--tenant",
            "acme",
        ];
        args.extend_from_slice(extra);
        connector(&args)
    };
    bad_input(&base(&["--ttl", "2h"]), "--ttl");
    bad_input(&base(&["--ttl", "0s"]), "--ttl");
    bad_input(&base(&["--ttl", "300"]), "--ttl");
    bad_input(&base(&["--ttl", "1500ms"]), "--ttl");
    bad_input(&base(&["--ttl", "five"]), "--ttl");
    bad_input(&base(&["--tenant", ""]), "--tenant");
    bad_input(&base(&["--issuer", "https://id.example.com/"]), "--issuer");
    let missing = dir.path().join("nope.pem");
    bad_input(
        &connector(&[
            "oidc",
            "token",
            "--key",
            missing.to_str().unwrap(),
            "--issuer",
            "https://id.example.com",
            "--tenant",
            "acme",
        ]),
        "--key",
    );
}
