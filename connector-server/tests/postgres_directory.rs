//! The Postgres directory against a real server (started by `scripts/test`, which exports
//! `CONNECTOR_TEST_POSTGRES_URL`): the public directory suite, two instances starting at
//! once on a fresh schema and sharing their records, TLS verified against the server's
//! certificate (`CONNECTOR_TEST_POSTGRES_CA`, the same rustls as the connection store's), and
//! errors that never repeat the URL's password. Each test works in a schema of its own with a random name (through the URL's
//! `options=-c search_path=…`), so tests run in parallel and re-run on the same database.
//! Without a server the tests print SKIPPED and return.

#![cfg(feature = "postgres")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests may panic"
)]

use connector_server::directory::keys::{KeyPolicy, authenticate, issue_key};
use connector_server::directory::{Directory, PostgresDirectory};
use connector_server::testing::directory_contract;
use secrecy::ExposeSecret as _;
use sqlx::Executor as _;

/// The server's admin URL, or None after printing SKIPPED with the reason.
fn server() -> Option<String> {
    match std::env::var("CONNECTOR_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) => {
            eprintln!(
                "SKIPPED: no Postgres server (CONNECTOR_TEST_POSTGRES_URL is unset; scripts/test starts one)"
            );
            None
        }
    }
}

/// A fresh schema with a random name; the URL whose connections use it.
async fn schema(admin_url: &str, what: &str) -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).unwrap();
    let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("directory_{what}_{suffix}");
    let admin = sqlx::PgPool::connect(admin_url).await.unwrap();
    admin
        .execute(format!("CREATE SCHEMA {name}").as_str())
        .await
        .unwrap();
    admin.close().await;
    let joiner = if admin_url.contains('?') { '&' } else { '?' };
    format!("{admin_url}{joiner}options=-c%20search_path%3D{name}")
}

#[tokio::test]
async fn the_postgres_directory_keeps_the_contract() {
    let Some(admin) = server() else { return };
    let url = schema(&admin, "contract").await;
    let directory = PostgresDirectory::connect(&url).await.unwrap();
    directory_contract(&directory).await.unwrap();
    // Its tables are in the test's schema, not in public.
    let (tables,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name LIKE 'connector_server_%'",
    )
    .fetch_one(directory.pool())
    .await
    .unwrap();
    assert_eq!(tables, 4);
    // Reopened (another instance, a restart), it keeps the contract on the same tables.
    directory.pool().close().await;
    let reopened = PostgresDirectory::connect(&url).await.unwrap();
    directory_contract(&reopened).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_starting_at_once_on_a_fresh_schema_both_open_and_share_their_records() {
    let Some(admin) = server() else { return };
    for round in 0..5 {
        let url = schema(&admin, &format!("race{round}")).await;
        let (one, two) = tokio::join!(
            PostgresDirectory::connect(&url),
            PostgresDirectory::connect(&url)
        );
        let (one, two) = (one.unwrap(), two.unwrap());
        // A key one instance issues authenticates at the other; its revocation too.
        let tenant = "acme".parse().unwrap();
        let issued = issue_key(&one, &tenant, &KeyPolicy::admin("ops"), 100)
            .await
            .unwrap();
        let found = authenticate(&two, issued.key().expose_secret())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.tenant(), &tenant);
        assert!(two.revoke_key(issued.id(), 200).await.unwrap());
        assert!(
            authenticate(&one, issued.key().expose_secret())
                .await
                .unwrap()
                .is_none()
        );
        one.pool().close().await;
        two.pool().close().await;
    }
}

#[tokio::test]
async fn the_postgres_directory_over_verified_tls_keeps_the_contract() {
    let Some(admin) = server() else { return };
    let Ok(ca) = std::env::var("CONNECTOR_TEST_POSTGRES_CA") else {
        eprintln!(
            "SKIPPED: the Postgres server serves no TLS (CONNECTOR_TEST_POSTGRES_CA is unset; scripts/test sets it)"
        );
        return;
    };
    let url = schema(&admin, "tls").await;
    let verified = format!("{url}&sslmode=verify-full&sslrootcert={ca}");
    let directory = PostgresDirectory::connect(&verified).await.unwrap();
    let (ssl,): (bool,) =
        sqlx::query_as("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(directory.pool())
            .await
            .unwrap();
    assert!(ssl, "the directory's connection is not encrypted");
    directory_contract(&directory).await.unwrap();
    // Without the root the server's certificate does not verify: an error, no password.
    let with_password = url.replacen("postgres://postgres@", "postgres://postgres:s3cret@", 1);
    let error = PostgresDirectory::connect(&format!("{with_password}&sslmode=verify-full"))
        .await
        .unwrap_err();
    assert!(!error.to_string().contains("s3cret"), "{error}");
}

#[tokio::test]
async fn directory_errors_never_repeat_the_password() {
    // Nothing listens on port 1; a port that is no number does not parse.
    for url in [
        "postgres://app:s3cret-pw@127.0.0.1:1/connector?connect_timeout=2",
        "postgres://app:s3cret-pw@127.0.0.1:notaport/connector",
        "postgres://app:s3cret%2Dpw@127.0.0.1:1/connector?sslmode=nonsense",
    ] {
        let error = PostgresDirectory::connect(url).await.unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains(url),
            "{url}: {shown}"
        );
    }
}

#[tokio::test]
async fn a_postgres_row_that_breaks_a_record_rule_reads_as_a_corrupt_row_and_authenticates_nothing()
{
    let Some(admin) = server() else { return };
    let url = schema(&admin, "corrupt").await;
    let directory = PostgresDirectory::connect(&url).await.unwrap();
    let tenant = "acme".parse().unwrap();
    let issued = issue_key(&directory, &tenant, &KeyPolicy::admin("ops"), 1)
        .await
        .unwrap();
    sqlx::query("UPDATE connector_server_keys SET teams = '[\"\"]' WHERE id = $1")
        .bind(issued.id())
        .execute(directory.pool())
        .await
        .unwrap();
    let error = directory.key(issued.id()).await.unwrap_err();
    assert_eq!(
        error.message(),
        "a stored key cannot be read: invalid key teams: every team name is non-empty"
    );
    assert!(
        authenticate(&directory, issued.key().expose_secret())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn an_unreachable_database_fails_ping_and_every_call() {
    let Some(admin) = server() else { return };
    let url = schema(&admin, "closed").await;
    let directory = PostgresDirectory::connect(&url).await.unwrap();
    directory.ping().await.unwrap();
    directory.pool().close().await;
    assert!(directory.ping().await.is_err());
    assert!(directory.key("k").await.is_err());
    assert!(
        directory
            .has_tenant(&"acme".parse().unwrap())
            .await
            .is_err()
    );
}
