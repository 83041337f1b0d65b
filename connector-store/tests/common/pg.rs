//! The Postgres server the tests run against (started by `scripts/test`, which exports
//! `CONNECTOR_TEST_POSTGRES_URL`, and `CONNECTOR_TEST_POSTGRES_CA` when it serves TLS), and
//! a fresh database per test.

use sqlx::Executor as _;

/// The server's admin URL, or None after printing SKIPPED with the reason.
pub(crate) fn server() -> Option<String> {
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

/// A fresh database named `name` on the server; its URL (without parameters).
pub(crate) async fn database(admin_url: &str, name: &str) -> String {
    let admin = sqlx::PgPool::connect(admin_url).await.unwrap();
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    admin.close().await;
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}
