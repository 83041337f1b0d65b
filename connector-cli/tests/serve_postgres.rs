//! `connector serve --store postgres://…` without `--directory`: the API keys live in the
//! store's PostgreSQL database (not in a SQLite file), so a key printed by one run still
//! authenticates after a restart — as it would at another instance behind a load balancer —
//! and the connection it created through the API is there. Runs against the server
//! `scripts/test` starts (`CONNECTOR_TEST_POSTGRES_URL`), in a database of its own, over
//! verified TLS when the server serves it (`CONNECTOR_TEST_POSTGRES_CA`): then every
//! connection the server holds to that database, the directory's included, is encrypted.
//! Without a server it prints SKIPPED and returns.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may panic"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sqlx::Executor as _;

/// One HTTP/1.1 request over a fresh connection: (status, body).
fn http(addr: &str, method: &str, path: &str, key: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Authorization: Bearer {key}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A fresh database on the server; its URL.
async fn database(admin_url: &str) -> (String, String) {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).unwrap();
    let name: String = std::iter::once("serve_".to_owned())
        .chain(bytes.iter().map(|b| format!("{b:02x}")))
        .collect();
    let admin = sqlx::PgPool::connect(admin_url).await.unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    admin.close().await;
    let (base, _) = admin_url.split_once('?').unwrap_or((admin_url, ""));
    let (server, _) = base.rsplit_once('/').unwrap();
    (format!("{server}/{name}"), name)
}

/// `connector serve --simulate` on `store`: the child, its address and the API key it
/// printed.
fn serve(store: &str, home: &std::path::Path) -> (Child, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_connector"))
        .args([
            "serve",
            "--simulate",
            "--no-fleet",
            "--listen",
            "127.0.0.1:0",
            "--store",
            store,
        ])
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("CONNECTOR_STORE_KEYS")
        .env_remove("CONNECTOR_OPERATOR_KEY")
        .env_remove("CONNECTOR_DIRECTORY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.contains("directory in the store's database"),
        "{first}"
    );
    let addr = first
        .split_whitespace()
        .nth(2)
        .unwrap()
        .trim_start_matches("http://")
        .to_owned();
    let mut key = None;
    for _ in 0..5 {
        let line = lines.next().unwrap().unwrap();
        if line.starts_with("API key") {
            key = line.rsplit(' ').next().map(str::to_owned);
        }
    }
    (child, addr, key.unwrap())
}

fn stop(mut child: Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[tokio::test]
async fn serve_on_postgres_keeps_its_keys_in_the_store_database_across_restarts() {
    let Ok(admin) = std::env::var("CONNECTOR_TEST_POSTGRES_URL") else {
        eprintln!(
            "SKIPPED: no Postgres server (CONNECTOR_TEST_POSTGRES_URL is unset; scripts/test starts one)"
        );
        return;
    };
    let (url, name) = database(&admin).await;
    let home = tempfile::tempdir().unwrap();
    let ca = std::env::var("CONNECTOR_TEST_POSTGRES_CA").ok();
    let store = match &ca {
        Some(ca) => format!("{url}?sslmode=verify-full&sslrootcert={ca}"),
        None => url.clone(),
    };

    let (first, addr, key) = serve(&store, home.path());
    assert!(key.starts_with("ck."), "{key}");
    let (status, created) = http(
        &addr,
        "POST",
        "/v1/connections",
        &key,
        r#"{"name": "through-the-api", "permission_set": "axiom:read-only-scan"}"#,
    );
    assert_eq!(status, 201, "{created}");
    if ca.is_some() {
        // The key was checked and the grant written over the store's pool: TLS only.
        let pool = sqlx::PgPool::connect(&admin).await.unwrap();
        let (plain, total): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE NOT s.ssl), count(*) FROM pg_stat_ssl s \
             JOIN pg_stat_activity a USING (pid) WHERE a.datname = $1",
        )
        .bind(&name)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(total > 0 && plain == 0, "{plain} of {total} plain");
        pool.close().await;
    } else {
        eprintln!("SKIPPED (TLS part): CONNECTOR_TEST_POSTGRES_CA is unset");
    }
    stop(first);

    // Restarted: the first run's key authenticates and finds the connection it made.
    let (second, addr, second_key) = serve(&store, home.path());
    assert_ne!(second_key, key);
    let (status, view) = http(&addr, "GET", "/v1/connections/through-the-api", &key, "");
    assert_eq!(status, 200, "{view}");
    assert!(view.contains("through-the-api"), "{view}");
    assert_eq!(
        http(
            &addr,
            "GET",
            "/v1/connections",
            "ck.0000000000000000.nope",
            ""
        )
        .0,
        401
    );
    stop(second);

    // The keys are rows of the store's database; no SQLite file was made for them.
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let (keys,): (i64,) = sqlx::query_as("SELECT count(*) FROM connector_server_keys")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(keys, 2);
    pool.close().await;
    let data = home.path().join(".local/share/connector");
    let sqlite_files: Vec<_> = std::fs::read_dir(&data)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "db"))
                .collect()
        })
        .unwrap_or_default();
    assert!(sqlite_files.is_empty(), "{sqlite_files:?}");

    let admin = sqlx::PgPool::connect(&admin).await.unwrap();
    admin
        .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
}
