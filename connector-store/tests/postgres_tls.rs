//! TLS to Postgres against a real server serving a self-signed certificate (`scripts/test`
//! makes it with the openssl CLI and exports its path as `CONNECTOR_TEST_POSTGRES_CA`):
//! `sslmode=verify-full` with that certificate as the root connects and round-trips (also
//! through a [`StoreUrl`], whose parameters reach the driver), a wrong root or none is a
//! typed error that quotes no password, `sslmode=require` encrypts without verifying, and
//! `sslmode=disable` stays plain. Without the server or its certificate the tests print
//! SKIPPED and return.

#![cfg(feature = "postgres")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

mod common;

use common::pg::{database, server};
use common::{active, spawner};

use std::path::Path;
use std::sync::Arc;

use connector_core::testing::behaviour::{QueueFixture, queue_contract};
use connector_core::{ConnectionStore, ConnectorError};
use connector_store::{AnyStore, DataKey, LocalKeyProvider, PostgresConnectionStore, StoreUrl};

fn keys() -> Arc<LocalKeyProvider> {
    Arc::new(LocalKeyProvider::new("k1", DataKey::new([7; 32])).unwrap())
}

/// The server's URL and the path of its certificate, or None after printing SKIPPED.
fn tls_server() -> Option<(String, String)> {
    let admin = server()?;
    match std::env::var("CONNECTOR_TEST_POSTGRES_CA") {
        Ok(ca) => Some((admin, ca)),
        Err(_) => {
            eprintln!(
                "SKIPPED: the Postgres server serves no TLS (CONNECTOR_TEST_POSTGRES_CA is unset; scripts/test sets it)"
            );
            None
        }
    }
}

/// `url` (no parameters yet) with `params`.
fn with(url: &str, params: &str) -> String {
    format!("{url}?{params}")
}

/// Whether the store's own connections are encrypted, as the server sees them.
async fn encrypted(store: &PostgresConnectionStore) -> bool {
    let (ssl,): (bool,) =
        sqlx::query_as("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(store.pool())
            .await
            .unwrap();
    ssl
}

/// Another self-signed certificate for 127.0.0.1, made with the openssl CLI: a root the
/// server's certificate does not chain to.
fn wrong_root(dir: &Path) -> String {
    let (key, cert) = (dir.join("other.key"), dir.join("other.crt"));
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "openssl could not make a certificate");
    cert.display().to_string()
}

#[tokio::test]
async fn verify_full_with_the_servers_certificate_as_root_connects_and_round_trips() {
    let Some((admin, ca)) = tls_server() else {
        return;
    };
    let url = database(&admin, "tls_verify_full").await;
    let store = PostgresConnectionStore::connect(
        &with(&url, &format!("sslmode=verify-full&sslrootcert={ca}")),
        keys(),
    )
    .await
    .unwrap();
    assert!(encrypted(&store).await, "verify-full connected in clear");
    let c = active(&store, "acme").await;
    assert_eq!(store.get(c.id()).await.unwrap(), Some(c));
}

#[tokio::test]
async fn verify_full_with_a_wrong_root_or_none_is_refused_with_a_typed_error() {
    let Some((admin, _)) = tls_server() else {
        return;
    };
    let url = database(&admin, "tls_wrong_root").await;
    // The password (the server ignores it: trust authentication) must not be quoted back.
    let url = url.replacen("postgres@", "postgres:s3cret-pw@", 1);
    let dir = tempfile::tempdir().unwrap();
    let wrong = wrong_root(dir.path());
    let missing = dir.path().join("missing.crt").display().to_string();
    for (params, says) in [
        (
            format!("sslmode=verify-full&sslrootcert={wrong}"),
            "invalid peer certificate",
        ),
        // No root given: the public web roots, which do not hold a self-signed certificate.
        ("sslmode=verify-full".to_owned(), "invalid peer certificate"),
        (
            format!("sslmode=verify-ca&sslrootcert={wrong}"),
            "invalid peer certificate",
        ),
        (
            format!("sslmode=verify-full&sslrootcert={missing}"),
            "No such file",
        ),
    ] {
        let err = PostgresConnectionStore::connect(&with(&url, &params), keys())
            .await
            .expect_err(&format!("{params} connected"));
        // A certificate that does not verify is a misconfiguration no retry fixes; a root
        // file that is not there (yet) is the file system's, as any I/O error.
        if says == "No such file" {
            assert!(
                matches!(err, ConnectorError::StoreUnavailable { .. }),
                "{params}: {err}"
            );
        } else {
            assert!(
                matches!(err, ConnectorError::StoreMisconfigured { .. }),
                "{params}: {err}"
            );
            assert!(!err.is_retryable(), "{params}: {err}");
        }
        assert!(!err.to_string().contains("s3cret-pw"), "{params}: {err}");
        assert!(err.to_string().contains(says), "{params}: {err}");
    }
}

#[tokio::test]
async fn require_encrypts_and_disable_stays_plain() {
    let Some((admin, _)) = tls_server() else {
        return;
    };
    let url = database(&admin, "tls_require").await;
    let required = PostgresConnectionStore::connect(&with(&url, "sslmode=require"), keys())
        .await
        .unwrap();
    assert!(
        encrypted(&required).await,
        "sslmode=require connected in clear"
    );
    let c = active(&required, "acme").await;
    let plain = PostgresConnectionStore::connect(&with(&url, "sslmode=disable"), keys())
        .await
        .unwrap();
    assert!(!encrypted(&plain).await, "sslmode=disable was encrypted");
    assert_eq!(plain.get(c.id()).await.unwrap(), Some(c));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_store_url_keeps_its_tls_parameters_and_the_queue_works_over_tls() {
    let Some((admin, ca)) = tls_server() else {
        return;
    };
    let url = database(&admin, "tls_store_url").await;
    let parsed: StoreUrl = with(&url, &format!("sslmode=verify-full&sslrootcert={ca}"))
        .parse()
        .unwrap();
    let store = Arc::new(AnyStore::open(&parsed, keys()).await.unwrap());
    let AnyStore::Postgres(pg) = store.as_ref() else {
        panic!("a postgres:// URL opened another store");
    };
    assert!(encrypted(pg).await);
    queue_contract(&QueueFixture::new(store.clone()).with_spawner(spawner()))
        .await
        .unwrap();
    // A wrong root through the URL is refused as well: the parameter reached the driver.
    let dir = tempfile::tempdir().unwrap();
    let wrong: StoreUrl = with(
        &url,
        &format!("sslmode=verify-full&sslrootcert={}", wrong_root(dir.path())),
    )
    .parse()
    .unwrap();
    assert!(matches!(
        AnyStore::open(&wrong, keys()).await,
        Err(ConnectorError::StoreMisconfigured { .. })
    ));
}
