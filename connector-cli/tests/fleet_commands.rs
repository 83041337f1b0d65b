//! `connector fleet run|check`: bad flag values exit 2 naming the flag; a run on an empty
//! store prints parseable JSON lines and stops on `--duration` and on SIGINT with a summary;
//! against moto (when `scripts/test` started it: `CONNECTOR_MOTO_ENDPOINT`), `fleet check`
//! gives the verdict and its exit status, and `fleet run` checks a SQLite store's
//! connections, prints the state changes, and never an External ID.
//!
//! What moto 5.2 does, as measured here: it does not evaluate trust policies and does not
//! look the role up on `AssumeRole` (connector-aws's docs), so a health check of an active
//! connection is healthy whether its role exists on moto or not, even for a role in an
//! account moto never saw; and a disconnected connection is reconnected on its check
//! (`disconnected -> verifying`), whose connection test then refuses the role
//! (`EXTERNAL_ID_NOT_REQUIRED`: moto answers the AssumeRole without External ID too), moving
//! it to `pending`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use connector_core::{
    Connection, ConnectionEvent, ConnectionStore, Diagnosis, DiagnosisCode, ExternalId, Timestamp,
    apply_event,
};
use connector_store::{AnyStore, LocalKeyProvider};

const KEY_LINE: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";
const VENDOR: &str = "999988887777";
/// moto's default account, where the roles created through its IAM live.
const MOTO_ACCOUNT: &str = "123456789012";

/// A store in a temporary directory, and the flags that open it.
struct Fixture {
    dir: tempfile::TempDir,
    store: String,
    keys: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        std::fs::write(&keys, KEY_LINE).unwrap();
        let store = format!("sqlite:{}", dir.path().join("c.db").display());
        Fixture { dir, store, keys }
    }

    fn store_flags(&self) -> Vec<String> {
        vec![
            "--store".into(),
            self.store.clone(),
            "--keys-file".into(),
            self.keys.to_str().unwrap().into(),
        ]
    }

    /// `connector ARGS --store … --keys-file …`, with fake AWS credentials.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_connector"));
        command
            .args(args)
            .args(self.store_flags())
            .env("XDG_DATA_HOME", self.dir.path())
            .env("HOME", self.dir.path())
            .env_remove("CONNECTOR_STORE_KEYS")
            .env_remove("AWS_PROFILE")
            .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            )
            .env("AWS_EC2_METADATA_DISABLED", "true");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Creates connections directly through the library: `active` ones (role submitted and
    /// verified) and `disconnected` ones (then revoked by the customer's side). Returns
    /// every External ID given out.
    fn seed(&self, active: &[(&str, &str)], disconnected: &[(&str, &str)]) -> Vec<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let keys = Arc::new(LocalKeyProvider::from_file(&self.keys).unwrap());
            let store = AnyStore::open(&self.store.parse().unwrap(), keys)
                .await
                .unwrap();
            let now = Timestamp::from_system(SystemTime::now());
            let mut external_ids = Vec::new();
            let all = active
                .iter()
                .map(|c| (c, false))
                .chain(disconnected.iter().map(|c| (c, true)));
            for ((id, role), revoke) in all {
                let external_id = ExternalId::generate().unwrap();
                external_ids.push(external_id.as_str().to_owned());
                let c = Connection::builder(id.parse().unwrap(), external_id)
                    .build(now)
                    .unwrap();
                store.create(&c).await.unwrap();
                let role = role.to_string();
                apply_event(&store, c.id(), now, 3, |_| {
                    Ok(ConnectionEvent::RoleSubmitted {
                        role_arn: role.parse()?,
                    })
                })
                .await
                .unwrap();
                apply_event(&store, c.id(), now, 3, |_| {
                    Ok(ConnectionEvent::VerificationSucceeded)
                })
                .await
                .unwrap();
                if revoke {
                    apply_event(&store, c.id(), now, 3, |_| {
                        Ok(ConnectionEvent::AccessRevoked {
                            diagnosis: Diagnosis::new(
                                DiagnosisCode::AccessDenied,
                                "the role was deleted",
                                now,
                            ),
                        })
                    })
                    .await
                    .unwrap();
                }
            }
            external_ids
        })
    }
}

fn sts_flags(endpoint: &str) -> Vec<String> {
    [
        "--vendor-account",
        VENDOR,
        "--endpoint-url",
        endpoint,
        "--region",
        "us-east-1",
    ]
    .map(String::from)
    .to_vec()
}

fn args<'a>(head: &[&'a str], tail: &'a [String]) -> Vec<&'a str> {
    head.iter()
        .copied()
        .chain(tail.iter().map(String::as_str))
        .collect()
}

fn moto() -> Option<String> {
    match std::env::var("CONNECTOR_MOTO_ENDPOINT") {
        Ok(endpoint) => Some(endpoint),
        Err(_) => {
            eprintln!(
                "SKIPPED: CONNECTOR_MOTO_ENDPOINT is not set; run scripts/test, which starts moto"
            );
            None
        }
    }
}

/// Creates a role named `prefix` and a unique suffix (moto outlives a test run) through
/// moto's IAM query API (moto checks no signature; the credential scope in the
/// Authorization header tells it the service); returns its ARN.
fn create_moto_role(endpoint: &str, prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = &format!("{prefix}-{}-{nanos}", std::process::id());
    let url = url::Url::parse(endpoint).unwrap();
    let host = format!(
        "{}:{}",
        url.host_str().unwrap(),
        url.port_or_known_default().unwrap()
    );
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{VENDOR}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let encode = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let body = format!(
        "Action=CreateRole&Version=2010-05-08&RoleName={}&AssumeRolePolicyDocument={}",
        encode(name),
        encode(&policy)
    );
    let mut stream = std::net::TcpStream::connect(&host).unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00\r\n\
Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let arn = format!("arn:aws:iam::{MOTO_ACCOUNT}:role/{name}");
    assert!(response.contains(&arn), "{response}");
    arn
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line:?}: {e}"))
        })
        .collect()
}

fn assert_no_external_id(output: &Output, external_ids: &[String]) {
    let all = [&output.stdout[..], &output.stderr[..]].concat();
    let text = String::from_utf8_lossy(&all);
    for id in external_ids {
        assert!(!text.contains(id.as_str()), "External ID printed: {text}");
    }
}

#[test]
fn bad_flag_values_exit_2_naming_the_flag() {
    let fixture = Fixture::new();
    let sts = sts_flags("http://127.0.0.1:9");
    for (extra, flag) in [
        (&["--rate", "0/s"][..], "--rate"),
        (&["--rate", "lots"], "--rate"),
        (&["--rate", "601/s"], "--rate"),
        (&["--interval", "5x"], "--interval"),
        (&["--interval", "300"], "--interval"),
        (&["--interval", "500ms"], "--interval"),
        (&["--interval", "-5m"], "--interval"),
        (
            &["--disconnected-interval", "1.5h"],
            "--disconnected-interval",
        ),
        (&["--lease", "1s"], "--lease"),
        (&["--status-every", "0s"], "--status-every"),
        (&["--workers", "0"], "--workers"),
        (&["--concurrency", "many"], "--concurrency"),
        (&["--duration", "soon"], "--duration"),
    ] {
        let out = fixture.run(&args(&[&["fleet", "run"][..], extra].concat(), &sts));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(flag), "{extra:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{extra:?}");
    }
    // The vendor and STS flags, in both commands.
    for command in [&["fleet", "run"][..], &["fleet", "check", "acme"]] {
        for (extra, flag) in [
            (
                &["--vendor-account", "12", "--region", "us-east-1"][..],
                "--vendor-account",
            ),
            (
                &["--vendor-account", VENDOR, "--endpoint-url", "ftp://x"],
                "--endpoint-url",
            ),
            (
                &["--vendor-account", VENDOR, "--region", "mars-1"],
                "--region",
            ),
            (
                &[
                    "--vendor-account",
                    VENDOR,
                    "--vendor-role",
                    "arn:aws:iam::111122223333:role/x",
                ],
                "--vendor-role",
            ),
        ] {
            let out = fixture.run(&[command, extra].concat());
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
            assert!(stderr.contains(flag), "{extra:?}: {stderr}");
        }
    }
    let out = fixture.run(&args(&["fleet", "check", "not an id"], &sts));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ID"));
}

#[test]
fn a_run_on_an_empty_store_prints_json_status_lines_and_a_summary_after_its_duration() {
    let fixture = Fixture::new();
    // No connection is due, so STS is never called: the endpoint may be unreachable.
    let sts = sts_flags("http://127.0.0.1:9");
    let out = fixture.run(&args(
        &[
            "fleet",
            "run",
            "--duration",
            "1500ms",
            "--status-every",
            "500ms",
            "--json",
        ],
        &sts,
    ));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let (summary, statuses) = lines.split_last().unwrap();
    assert!(statuses.len() >= 2, "{lines:?}");
    for status in statuses {
        assert_eq!(status["type"], "status");
        assert_eq!(status["checked"], 0);
        assert_eq!(status["workers"], 1);
    }
    // The queue is read by then: no connection in any state.
    let last = statuses.last().unwrap();
    assert_eq!(last["due"], 0);
    assert_eq!(last["states"]["active"], 0);
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["stopped_by"], "duration");
    assert_eq!(summary["store_errors"], 0);
    for key in [
        "elapsed_s",
        "checks",
        "in_flight",
        "leased",
        "lag_s",
        "takeovers",
        "leases_lost",
        "last_error",
        "events_dropped",
    ] {
        assert!(summary.get(key).is_some(), "{key} missing: {summary}");
    }
}

#[cfg(unix)]
#[test]
fn sigint_stops_a_run_gracefully_with_a_summary() {
    let fixture = Fixture::new();
    let sts = sts_flags("http://127.0.0.1:9");
    let child = fixture
        .command(&args(
            &["fleet", "run", "--status-every", "200ms", "--json"],
            &sts,
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1_500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["stopped_by"], "signal");
}

#[test]
fn a_missing_connection_cannot_be_checked() {
    let Some(endpoint) = moto() else { return };
    let fixture = Fixture::new();
    let out = fixture.run(&args(&["fleet", "check", "nobody"], &sts_flags(&endpoint)));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no connection nobody"));
}

#[test]
fn fleet_check_on_moto_is_healthy_whether_the_role_exists_or_not() {
    let Some(endpoint) = moto() else { return };
    let fixture = Fixture::new();
    let real = create_moto_role(&endpoint, "fleet-check-real");
    let external_ids = fixture.seed(
        &[
            ("real-role", &real),
            // Neither the account nor the role exists anywhere moto knows.
            (
                "no-such-role",
                "arn:aws:iam::210987654321:role/never-created",
            ),
        ],
        &[],
    );
    let sts = sts_flags(&endpoint);
    for id in ["real-role", "no-such-role"] {
        let out = fixture.run(&args(&["fleet", "check", id, "--json"], &sts));
        assert_no_external_id(&out, &external_ids);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let verdict: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(verdict["id"], id);
        assert_eq!(verdict["outcome"], "healthy");
        assert_eq!(verdict["state_before"], "active");
        assert_eq!(verdict["state_after"], "active");
        assert_eq!(verdict["changed_state"], false);
        assert!(verdict["diagnosis"].is_null());
    }
    // The text form says the same.
    let out = fixture.run(&args(&["fleet", "check", "real-role"], &sts));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("outcome:    healthy"), "{text}");
    assert!(text.contains("active -> active (unchanged)"), "{text}");
}

#[test]
fn fleet_check_on_moto_refuses_a_disconnected_role_that_needs_no_external_id() {
    let Some(endpoint) = moto() else { return };
    let fixture = Fixture::new();
    let real = create_moto_role(&endpoint, "fleet-check-revoked");
    let external_ids = fixture.seed(&[], &[("revoked", &real)]);
    let out = fixture.run(&args(
        &["fleet", "check", "revoked", "--json"],
        &sts_flags(&endpoint),
    ));
    assert_no_external_id(&out, &external_ids);
    // moto lets the role be assumed again, so the check reconnects; the connection test
    // then finds the role assumable without the External ID and refuses it.
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let verdict: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["outcome"], "refused");
    assert_eq!(verdict["state_before"], "disconnected");
    assert_eq!(verdict["diagnosis"]["code"], "EXTERNAL_ID_NOT_REQUIRED");
}

#[test]
fn fleet_run_on_moto_checks_the_store_and_prints_json_lines() {
    let Some(endpoint) = moto() else { return };
    let fixture = Fixture::new();
    let real = create_moto_role(&endpoint, "fleet-run-real");
    let external_ids = fixture.seed(
        &[
            ("acme", &real),
            ("globex", &real),
            ("initech", "arn:aws:iam::210987654321:role/never-created"),
        ],
        &[("umbrella", &real)],
    );
    let out = fixture.run(&args(
        &[
            "fleet",
            "run",
            "--duration",
            "3s",
            "--interval",
            "1s",
            "--status-every",
            "1s",
            "--workers",
            "2",
            "--rate",
            "50/s",
            "--json",
        ],
        &sts_flags(&endpoint),
    ));
    assert_no_external_id(&out, &external_ids);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["stopped_by"], "duration");
    assert_eq!(summary["workers"], 2);
    let checked = summary["checked"].as_u64().unwrap();
    // Every connection at least once (each was due at once).
    assert!(checked >= 4, "{summary}");
    assert!(
        summary["checks"]["healthy"].as_u64().unwrap() >= 3,
        "{summary}"
    );
    assert_eq!(summary["checks"]["refused"], 1, "{summary}");
    assert_eq!(summary["store_errors"], 0, "{summary}");
    // Read after the graceful stop: every lease ended, the refused connection left the
    // schedule for `pending`.
    assert_eq!(summary["leased"], 0, "{summary}");
    assert_eq!(summary["states"]["active"], 3, "{summary}");
    assert_eq!(summary["states"]["pending"], 1, "{summary}");
    let statuses: Vec<_> = lines.iter().filter(|l| l["type"] == "status").collect();
    assert!(statuses.len() >= 2, "{lines:?}");
    assert!(statuses.iter().any(|s| s["checked"].as_u64().unwrap() > 0));
    // The disconnected connection's two state changes: reconnected (verifying, still
    // carrying its old diagnosis), then refused by the connection test (pending).
    let changes: Vec<_> = lines
        .iter()
        .filter(|l| l["type"] == "state_change")
        .collect();
    assert_eq!(changes.len(), 2, "{lines:?}");
    assert!(changes.iter().all(|c| c["id"] == "umbrella"), "{changes:?}");
    assert_eq!(changes[0]["from"], "disconnected");
    assert_eq!(changes[0]["to"], "verifying");
    assert_eq!(changes[1]["from"], "verifying");
    assert_eq!(changes[1]["to"], "pending");
    assert_eq!(changes[1]["diagnosis"], "EXTERNAL_ID_NOT_REQUIRED");
    assert!(changes[0]["at"].as_str().unwrap().ends_with('Z'));
    assert!(changes[1]["revision"].as_u64().unwrap() > changes[0]["revision"].as_u64().unwrap());
}

#[test]
fn fleet_run_text_output_has_a_status_line_and_the_state_changes() {
    let Some(endpoint) = moto() else { return };
    let fixture = Fixture::new();
    let real = create_moto_role(&endpoint, "fleet-run-text");
    let external_ids = fixture.seed(&[("acme", &real)], &[("umbrella", &real)]);
    let out = fixture.run(&args(
        &[
            "fleet",
            "run",
            "--duration",
            "2s",
            "--interval",
            "1s",
            "--status-every",
            "1s",
        ],
        &sts_flags(&endpoint),
    ));
    assert_no_external_id(&out, &external_ids);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("umbrella: disconnected -> "), "{text}");
    assert!(text.contains("(EXTERNAL_ID_NOT_REQUIRED)"), "{text}");
    assert!(text.contains("healthy "), "{text}");
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("stopped by duration: "), "{last}");
}

#[test]
fn an_unreachable_sts_is_inconclusive_never_healthy_and_changes_nothing() {
    let fixture = Fixture::new();
    let external_ids = fixture.seed(&[("acme", "arn:aws:iam::111122223333:role/vendor")], &[]);
    // Nothing listens on the discard port: every AssumeRole fails to connect.
    let sts = sts_flags("http://127.0.0.1:9");
    let out = fixture.run(&args(&["fleet", "check", "acme", "--json"], &sts));
    assert_no_external_id(&out, &external_ids);
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdict: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["outcome"], "inconclusive");
    assert_eq!(verdict["state_before"], "active");
    assert_eq!(verdict["state_after"], "active");
    assert_eq!(verdict["changed_state"], false);
    assert_eq!(verdict["diagnosis"]["code"], "TRANSIENT");

    // The fleet counts such checks as inconclusive and writes no state change.
    let out = fixture.run(&args(
        &[
            "fleet",
            "run",
            "--duration",
            "2s",
            "--interval",
            "1s",
            "--status-every",
            "1s",
            "--json",
        ],
        &sts,
    ));
    assert_no_external_id(&out, &external_ids);
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out);
    assert!(
        lines.iter().all(|l| l["type"] != "state_change"),
        "{lines:?}"
    );
    let summary = lines.last().unwrap();
    assert_eq!(summary["checks"]["healthy"], 0, "{summary}");
    assert_eq!(
        summary["checks"]["inconclusive"], summary["checked"],
        "{summary}"
    );
    assert_eq!(summary["states"]["active"], 1, "{summary}");
}
