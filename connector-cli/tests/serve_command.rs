//! `connector serve --simulate` as a newcomer runs it: it prints the URL it serves, an API
//! key of the simulated tenant and the onboarding page of a first connection; the page can be
//! clicked through (launch the simulated stack, paste the role ARN: active) over plain HTTP;
//! SIGTERM stops it cleanly (exit 0). Bad settings exit 2 naming their source.

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
use std::process::{Command, Stdio};
use std::time::Duration;

fn connector() -> Command {
    Command::new(env!("CARGO_BIN_EXE_connector"))
}

/// One HTTP/1.1 request over a fresh connection: (status, body).
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let (status, _, body) = http_with_head(addr, method, path, headers, body);
    (status, body)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn serve_simulate_prints_a_key_and_a_page_that_onboards_end_to_end() {
    let home = tempfile::tempdir().unwrap();
    let mut child = connector()
        .args(["serve", "--simulate", "--listen", "127.0.0.1:0"])
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .env_remove("CONNECTOR_STORE_KEYS")
        .env_remove("CONNECTOR_OPERATOR_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for _ in 0..6 {
        printed.push(lines.next().unwrap().unwrap());
    }
    let url = printed[0].split_whitespace().nth(2).unwrap().to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{printed:?}"
    );
    let addr = url.trim_start_matches("http://").to_owned();
    let key = printed[2].rsplit(' ').next().unwrap().to_owned();
    assert!(key.starts_with("ck."), "{printed:?}");
    let page_url = printed[3].rsplit(' ').next().unwrap().to_owned();
    let page = page_url.trim_start_matches(&url).to_owned();

    assert_eq!(http(&addr, "GET", "/healthz", &[], "").0, 200);
    assert_eq!(http(&addr, "GET", "/readyz", &[], "").0, 200);
    assert_eq!(http(&addr, "GET", "/v1/connections", &[], "").0, 401);
    let auth = format!("Bearer {key}");
    let (status, listed) = http(
        &addr,
        "GET",
        "/v1/connections",
        &[("Authorization", &auth)],
        "",
    );
    assert_eq!(status, 200, "{listed}");

    // The page: launch the simulated stack, paste the ARN it shows: active.
    let (status, html) = http(&addr, "GET", &page, &[], "");
    assert_eq!(status, 200);
    let csrf_at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = &html[csrf_at..csrf_at + 64];
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let (status, launched) = http(
        &addr,
        "POST",
        &format!("{page}/simulate-stack"),
        &form,
        &format!("csrf={csrf}"),
    );
    assert_eq!(status, 200, "{launched}");
    let role = launched
        .split("value=\"arn:aws:iam::")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let role = format!("arn:aws:iam::{role}");
    let (status, done) = http(
        &addr,
        "POST",
        &format!("{page}/role"),
        &form,
        &format!("csrf={csrf}&role_arn={}", encode(&role)),
    );
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("id=\"state\">active<"), "{done}");
    let connection = printed[3]
        .split_whitespace()
        .nth(4)
        .unwrap()
        .trim_end_matches(':')
        .to_owned();
    credentials_through_the_server(&url, &connection, &key, home.path());
    let (_, metrics) = http(&addr, "GET", "/metrics", &[], "");
    assert!(metrics.contains("connector_server_requests_total"));

    // The operator page: its key (printed once) opens it, with the change just made; the
    // tenant's key does not.
    let operator = printed[5].trim_end_matches(')').rsplit(' ').next().unwrap();
    assert!(operator.starts_with("op."), "{printed:?}");
    let (status, fleet) = http(
        &addr,
        "GET",
        "/operator",
        &[("Authorization", &format!("Bearer {operator}"))],
        "",
    );
    assert_eq!(status, 200, "{fleet}");
    assert!(
        fleet.contains("verifying") && fleet.contains("active"),
        "{fleet}"
    );
    assert_eq!(
        http(&addr, "GET", "/operator", &[("Authorization", &auth)], "").0,
        401
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn bad_serve_settings_exit_2_naming_their_source() {
    let home = tempfile::tempdir().unwrap();
    for (args, env, named) in [
        (vec!["serve"], vec![], "--vendor-account"),
        (
            vec!["serve", "--simulate", "--listen", "nowhere"],
            vec![],
            "--listen",
        ),
        (
            vec!["serve", "--simulate"],
            vec![("CONNECTOR_PER_IP_RATE", "-1")],
            "CONNECTOR_PER_IP_RATE",
        ),
        (
            vec!["serve"],
            vec![("CONNECTOR_SIMULATE", "perhaps")],
            "CONNECTOR_SIMULATE",
        ),
        (
            vec!["serve", "--simulate", "--listen", "127.0.0.1:0"],
            vec![("CONNECTOR_SERVER_KEY", "c2hvcnQ=")],
            "CONNECTOR_SERVER_KEY",
        ),
    ] {
        let mut command = connector();
        command.args(&args).env("HOME", home.path());
        for (k, v) in &env {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?} {env:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(named), "{args:?}: {stderr}");
    }
}

#[test]
fn new_operator_key_prints_a_fresh_key_and_exits() {
    let first = connector()
        .args(["serve", "--new-operator-key"])
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0));
    let second = connector()
        .args(["serve", "--new-operator-key"])
        .output()
        .unwrap();
    let (a, b) = (
        String::from_utf8(first.stdout).unwrap(),
        String::from_utf8(second.stdout).unwrap(),
    );
    assert!(
        a.starts_with("op.") && a.trim().len() == 3 + 16 + 1 + 43,
        "{a}"
    );
    assert_ne!(a, b);
    // The server refuses a key that is no operator key, naming the variable.
    let home = tempfile::tempdir().unwrap();
    let bad = connector()
        .args(["serve", "--simulate", "--listen", "127.0.0.1:0"])
        .env("CONNECTOR_OPERATOR_KEY", "ck.0123456789abcdef.nope")
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("CONNECTOR_OPERATOR_KEY"));
}

#[test]
fn serve_publishes_its_oidc_issuer_and_refuses_a_bad_one() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("issuer.pem");
    let made = connector()
        .args(["oidc", "keygen", "--out", key.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(made.status.code(), Some(0));
    let mut child = connector()
        .args([
            "serve",
            "--simulate",
            "--listen",
            "127.0.0.1:0",
            "--oidc-issuer",
            "https://id.vendor.example",
            "--oidc-key",
            key.to_str().unwrap(),
        ])
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .env_remove("CONNECTOR_STORE_KEYS")
        .env_remove("CONNECTOR_OPERATOR_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.split_whitespace().nth(2).unwrap().to_owned();
    let addr = url.trim_start_matches("http://").to_owned();
    let (status, discovery) = http(&addr, "GET", "/.well-known/openid-configuration", &[], "");
    assert_eq!(status, 200, "{discovery}");
    assert!(
        discovery.contains("\"issuer\":\"https://id.vendor.example\""),
        "{discovery}"
    );
    let (status, jwks) = http(&addr, "GET", "/.well-known/jwks.json", &[], "");
    assert_eq!(status, 200, "{jwks}");
    assert!(
        jwks.contains("\"kid\"") && !jwks.contains("\"d\""),
        "{jwks}"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));

    let bad = connector()
        .args([
            "serve",
            "--simulate",
            "--listen",
            "127.0.0.1:0",
            "--oidc-issuer",
            "http://id.vendor.example/",
            "--oidc-key",
            key.to_str().unwrap(),
        ])
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--oidc-issuer"));
}

/// `connector credentials` against the running server: the credential_process document with
/// the key from the environment or a file, and through a real AWS SDK (botocore, installed
/// with moto by scripts/test) reading a profile whose `credential_process` is this command.
fn credentials_through_the_server(url: &str, connection: &str, key: &str, home: &std::path::Path) {
    let output = connector()
        .args(["credentials", "--server", url, "--connection", connection])
        .env("CONNECTOR_API_KEY", key)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["Version"], 1);
    let access_key = document["AccessKeyId"].as_str().unwrap().to_owned();
    assert!(
        document["SecretAccessKey"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );

    // A wrong key: refused, exit 1, the server's reason on standard error, nothing printed.
    let output = connector()
        .args(["credentials", "--server", url, "--connection", connection])
        .env("CONNECTOR_API_KEY", "ck.nobody.nothing")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("401"));

    let key_file = home.join("api-key");
    std::fs::write(&key_file, format!("{key}\n")).unwrap();
    let Ok(tools) = std::env::var("CONNECTOR_PY_TOOLS") else {
        println!(
            "SKIPPED the botocore credential_process check: CONNECTOR_PY_TOOLS is not set (scripts/test sets it)"
        );
        return;
    };
    let config = home.join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[profile acme]\ncredential_process = {} credentials --server {url} --connection {connection} --api-key-file {}\n",
            env!("CARGO_BIN_EXE_connector"),
            key_file.display()
        ),
    )
    .unwrap();
    let output = Command::new(format!("{tools}/python"))
        .args([
            "-c",
            "import botocore.session\n\
             c = botocore.session.Session(profile='acme').get_credentials().get_frozen_credentials()\n\
             print(c.access_key)",
        ])
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_PROFILE")
        .env_remove("CONNECTOR_API_KEY")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The server's shared session: the same credentials the first call got.
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), access_key);
}

#[test]
fn credentials_refuses_bad_flags_with_exit_2_before_any_request() {
    for (args, env_key, named) in [
        (
            vec!["--server", "http://example.com", "--connection", "prod"],
            Some("ck.a.b"),
            "--server",
        ),
        (
            vec!["--server", "ftp://127.0.0.1", "--connection", "prod"],
            Some("ck.a.b"),
            "--server",
        ),
        (
            vec!["--server", "not a url", "--connection", "prod"],
            Some("ck.a.b"),
            "--server",
        ),
        (
            vec!["--server", "https://h.example?x=1", "--connection", "prod"],
            Some("ck.a.b"),
            "--server",
        ),
        (
            vec!["--server", "https://h.example", "--connection", "../admin"],
            Some("ck.a.b"),
            "--connection",
        ),
        (
            vec!["--server", "https://h.example", "--connection", "prod"],
            None,
            "CONNECTOR_API_KEY",
        ),
        (
            vec!["--server", "https://h.example", "--connection", "prod"],
            Some("  "),
            "CONNECTOR_API_KEY",
        ),
        (
            vec![
                "--server",
                "https://h.example",
                "--connection",
                "prod",
                "--api-key-file",
                "/nonexistent/key",
            ],
            Some("ck.a.b"),
            "/nonexistent/key",
        ),
        (
            vec![
                "--server",
                "https://h.example",
                "--connection",
                "prod",
                "--timeout-seconds",
                "0",
            ],
            Some("ck.a.b"),
            "--timeout-seconds",
        ),
    ] {
        let mut command = connector();
        command
            .arg("credentials")
            .args(&args)
            .env_remove("CONNECTOR_API_KEY");
        if let Some(key) = env_key {
            command.env("CONNECTOR_API_KEY", key);
        }
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(named), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn credentials_from_a_server_that_is_not_there_exit_1() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let output = connector()
        .args([
            "credentials",
            "--server",
            &format!("http://{addr}"),
            "--connection",
            "prod",
        ])
        .env("CONNECTOR_API_KEY", "ck.a.b")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());
}

/// One HTTP/1.1 request: (status, the whole head, body).
fn http_with_head(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or((answer.as_str(), ""));
    (
        answer[9..12].parse().unwrap(),
        head.to_owned(),
        body.to_owned(),
    )
}

/// Starts `connector serve --simulate` on a free port with `home` (so a shared SQLite store)
/// and extra environment; returns the child and its address.
fn serve_instance(home: &std::path::Path, env: &[(&str, &str)]) -> (std::process::Child, String) {
    let mut command = connector();
    command
        .args([
            "serve",
            "--simulate",
            "--no-fleet",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("CONNECTOR_STORE_KEYS")
        .env_remove("CONNECTOR_SERVER_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    // The rest of what it prints is read (and dropped) as it comes: a closed pipe would end it.
    std::thread::spawn(move || lines.for_each(drop));
    let url = first.split_whitespace().nth(2).unwrap().to_owned();
    (child, url.trim_start_matches("http://").to_owned())
}

fn stop(mut child: std::process::Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// Logs in at `b` with the login form `a` served; the session cookie, or the status.
fn login_across(a: &str, b: &str, operator: &str) -> Result<String, u16> {
    let (_, _, form) = http_with_head(a, "GET", "/operator/login", &[], "");
    let at = form.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = &form[at..at + 64];
    let (status, head, _) = http_with_head(
        b,
        "POST",
        "/operator/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &format!("csrf={csrf}&key={}", encode(operator)),
    );
    if status != 303 {
        return Err(status);
    }
    let cookie = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .unwrap();
    Ok(cookie.split(';').next().unwrap().to_owned())
}

#[test]
fn instances_sharing_a_server_key_honour_each_others_forms_and_sessions() {
    let made = connector()
        .args(["serve", "--new-server-key"])
        .output()
        .unwrap();
    assert_eq!(made.status.code(), Some(0));
    let server_key = String::from_utf8(made.stdout).unwrap().trim().to_owned();
    assert_eq!(server_key.len(), 44, "{server_key}");
    let made = connector()
        .args(["serve", "--new-operator-key"])
        .output()
        .unwrap();
    let operator = String::from_utf8(made.stdout).unwrap().trim().to_owned();

    // Two instances on one store (the same data directory), with the same keys: a login
    // form from one is taken by the other, whose session cookie opens the first's page.
    let home = tempfile::tempdir().unwrap();
    let shared = [
        ("CONNECTOR_OPERATOR_KEY", operator.as_str()),
        ("CONNECTOR_SERVER_KEY", server_key.as_str()),
    ];
    let (a, a_addr) = serve_instance(home.path(), &shared);
    let (b, b_addr) = serve_instance(home.path(), &shared);
    let cookie = login_across(&a_addr, &b_addr, &operator).unwrap();
    let (status, _, page) = http_with_head(&a_addr, "GET", "/operator", &[("Cookie", &cookie)], "");
    assert_eq!(status, 200, "{page}");
    stop(b);

    // An instance with a key of its own (none given) honours neither.
    let (c, c_addr) = serve_instance(
        home.path(),
        &[("CONNECTOR_OPERATOR_KEY", operator.as_str())],
    );
    assert_eq!(login_across(&a_addr, &c_addr, &operator), Err(403));
    let (status, _, _) = http_with_head(&c_addr, "GET", "/operator", &[("Cookie", &cookie)], "");
    assert_ne!(status, 200);
    stop(c);
    stop(a);
}
