//! The HTML report of the whole AWS managed policy corpus (`../shared/corpus` beside the
//! repository, 1,523 `get-policy-version` files) opens in headless Chromium and shows the
//! summary table. Skipped, with a message saying why, when the corpus or Chromium is absent
//! (`scripts/test` installs Debian's `chromium`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may panic"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/aws-managed-policies")
}

/// Chromium's path: `$CHROMIUM`, else `/usr/bin/chromium`, else `chromium` on the `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.exists() {
        return Some(debian);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|p| p.exists())
    })
}

/// Runs `command`, killing it after `limit`; its standard output, or why it failed.
fn run_with_limit(mut command: Command, limit: Duration) -> Result<String, String> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout));
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let out = reader.join().unwrap().map_err(|e| e.to_string())?;
            if !status.success() {
                let err = std::io::read_to_string(child.stderr.take().unwrap()).unwrap_or_default();
                return Err(format!(
                    "{status}: {}",
                    err.chars().take(2000).collect::<String>()
                ));
            }
            return Ok(out);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no answer within {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn html_report_of_the_whole_corpus_opens_in_headless_chromium_with_its_summary_table() {
    let corpus = corpus();
    if !corpus.is_dir() {
        println!("SKIPPED: the corpus is not at {}", corpus.display());
        return;
    }
    let files = std::fs::read_dir(&corpus).unwrap().count();
    let dir = std::env::temp_dir().join(format!("connector-html-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page_path = dir.join("audit.html");
    let out = Command::new(env!("CARGO_BIN_EXE_connector"))
        .args([
            "policy",
            "audit",
            corpus.to_str().unwrap(),
            "--format",
            "html",
        ])
        .output()
        .unwrap();
    // Some managed policies break a guarantee (AdministratorAccess does): exit 1, not 2.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&page_path, &out.stdout).unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains("<table class=\"summary\">"));
    assert!(!page.contains("<script"));

    let Some(chromium) = chromium() else {
        println!(
            "SKIPPED: headless Chromium check: chromium is not installed (scripts/test installs Debian's chromium)"
        );
        return;
    };
    let mut command = Command::new(&chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            // No network: the report must need none.
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page_path.display()));
    let dom = match run_with_limit(command, Duration::from_secs(240)) {
        Ok(dom) => dom,
        Err(why) => panic!("{} --dump-dom failed: {why}", chromium.display()),
    };
    // The DOM Chromium built holds the summary table, one row per policy (plus the header).
    let start = dom
        .find("<table class=\"summary\">")
        .expect("the summary table is in the DOM");
    let end = start + dom[start..].find("</table>").unwrap();
    let summary = &dom[start..end];
    assert!(
        summary.contains("<th>Policy</th>"),
        "{}",
        &summary[..summary.len().min(500)]
    );
    assert!(summary.contains("<th>no-privilege-escalation</th>"));
    assert_eq!(
        summary.matches("<tr>").count(),
        files + 1,
        "one row per corpus file"
    );
    assert!(summary.contains("AdministratorAccess.json"));
    let _ = std::fs::remove_dir_all(&dir);
}
