//! The onboarding page in a real browser: a server in simulate mode on a loopback port, a
//! connection created through the API, then `node tests/browser/onboarding.mjs URL OUTDIR`
//! drives Debian's headless Chromium through the flow with playwright-core and checks
//! accessibility with axe-core (see that script), then logs in to the operator page with an
//! operator key and sees the connection's changes there. Screenshots are kept under the target
//! directory (`CARGO_TARGET_TMPDIR/onboarding-browser`) and their paths printed.
//!
//! Needs `node`, `/usr/bin/chromium` (or `CONNECTOR_TEST_CHROMIUM`) and a `node_modules`
//! with playwright-core and axe-core (`CONNECTOR_TEST_NODE_TOOLS`; `scripts/test`
//! installs them into `target/node-tools`). Without them it prints `SKIPPED: <reason>`
//! and passes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

#[allow(dead_code)]
#[path = "http/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use connector_server::{OperatorKey, RecentChanges};
use secrecy::ExposeSecret as _;

/// What the browser test needs, or why it cannot run.
fn tools() -> Result<(PathBuf, PathBuf), String> {
    let chromium = std::env::var_os("CONNECTOR_TEST_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        return Err(format!(
            "{} is missing (Debian's chromium package)",
            chromium.display()
        ));
    }
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Err("node is not installed".to_owned());
    }
    let modules = std::env::var_os("CONNECTOR_TEST_NODE_TOOLS")
        .map(PathBuf::from)
        .ok_or("CONNECTOR_TEST_NODE_TOOLS is not set (scripts/test sets it to target/node-tools/node_modules)")?;
    for package in ["playwright-core", "axe-core"] {
        if !modules.join(package).join("package.json").exists() {
            return Err(format!("{package} is not in {}", modules.display()));
        }
    }
    Ok((chromium, modules))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_onboarding_flow_in_headless_chromium_with_an_accessibility_check() {
    let (chromium, modules) = match tools() {
        Ok(found) => found,
        Err(reason) => {
            println!("SKIPPED: the browser test of the onboarding page: {reason}");
            return;
        }
    };
    let recent = Arc::new(RecentChanges::default());
    let (operator, operator_key) = OperatorKey::issue("on-call", true).unwrap();
    let subscriber = Arc::clone(&recent);
    let server = harness::start_custom(
        |_| {},
        None,
        move |c| c.with_subscriber(subscriber),
        move |b| b.with_operator_key(operator).with_recent_changes(recent),
    )
    .await;
    let operator_key = operator_key.expose_secret().to_owned();
    let created = server.create(&server.acme, "prod").await;
    let url = created["onboarding_url"].as_str().unwrap().to_owned();
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("onboarding-browser");
    let _ = std::fs::remove_dir_all(&out_dir);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/onboarding.mjs");
    let output = tokio::task::spawn_blocking(move || {
        let mut child = Command::new("node")
            .arg(&script)
            .arg(&url)
            .arg(&out_dir)
            .env("CONNECTOR_TEST_NODE_TOOLS", &modules)
            .env("CONNECTOR_TEST_CHROMIUM", &chromium)
            .env("CONNECTOR_TEST_OPERATOR_KEY", &operator_key)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(180);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(output.status.success(), "the browser flow failed: {stderr}");
    assert!(stdout.contains("browser: the onboarding flow passed"));
    for name in [
        "01-opened.png",
        "04-wrong-arn-refused.png",
        "06-active.png",
        "07-active-by-polling.png",
        "08-operator.png",
    ] {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("onboarding-browser")
            .join(name);
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{}", path.display());
    }
}
