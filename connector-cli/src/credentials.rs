//! `connector credentials --server URL --connection NAME`: a connection's short-lived
//! credentials from a `connector serve` server, printed in the `credential_process` format,
//! so the AWS CLI and every AWS SDK can use a connection through a profile:
//!
//! ```text
//! [profile acme-prod]
//! credential_process = connector credentials --server https://connector.example.com --connection prod
//! ```
//!
//! The API key comes from a file (`--api-key-file`) or `CONNECTOR_API_KEY`, never from the
//! command line (which other users of the machine can read). It travels over https only;
//! plain http only to a loopback address (a `connector serve` on the same machine).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::Args;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use secrecy::{ExposeSecret as _, SecretString};
use url::{Host, Url};

use crate::exit::Outcome;
use crate::output::{outln, read_file};

/// The largest answer read (a credentials document is about 1 KiB).
const ANSWER_LIMIT: usize = 64 * 1024;

/// The environment variable holding the API key.
const API_KEY_VARIABLE: &str = "CONNECTOR_API_KEY";

#[derive(Debug, Args)]
pub(crate) struct CredentialsArgs {
    /// The server, e.g. `https://connector.example.com` (plain http only to a loopback address).
    #[arg(long, value_name = "URL")]
    server: String,
    /// The connection's name within the API key's tenant.
    #[arg(long, value_name = "NAME")]
    connection: String,
    /// A file holding the API key (`ck.ID.SECRET`); without it, the environment variable
    /// CONNECTOR_API_KEY.
    #[arg(long, value_name = "FILE")]
    api_key_file: Option<PathBuf>,
    /// How long to wait for the server, in seconds (1 to 300).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout_seconds: u64,
}

/// Prints the connection's credentials, or says why there are none (exit 1), or which flag
/// is wrong (exit 2).
pub(crate) fn run(args: CredentialsArgs) -> Outcome {
    let request = match Request::of(&args) {
        Ok(request) => request,
        Err(outcome) => return outcome,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Outcome::Failed(format!("could not start the async runtime: {e}")),
    };
    match runtime.block_on(request.send()) {
        Ok(document) => {
            outln!("{document}");
            Outcome::Ok
        }
        Err(outcome) => outcome,
    }
}

/// A checked request.
struct Request {
    url: Url,
    key: SecretString,
    timeout: Duration,
}

impl Request {
    fn of(args: &CredentialsArgs) -> Result<Request, Outcome> {
        let server = Url::parse(args.server.trim_end_matches('/'))
            .map_err(|e| Outcome::BadInput(format!("--server {}: not a URL ({e})", args.server)))?;
        let loopback = match server.host() {
            Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match server.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => {
                return Err(Outcome::BadInput(format!(
                    "--server {}: must be https (plain http only to a loopback address such as {} or [{}])",
                    args.server,
                    Ipv4Addr::LOCALHOST,
                    Ipv6Addr::LOCALHOST
                )));
            }
        }
        if server.query().is_some() || server.fragment().is_some() || !server.username().is_empty()
        {
            return Err(Outcome::BadInput(format!(
                "--server {}: the server's address only (no user, query or fragment)",
                args.server
            )));
        }
        let name = &args.connection;
        let valid = (1..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(Outcome::BadInput(format!(
                "--connection {name}: 1 to 64 ASCII letters, digits, '-' or '_'"
            )));
        }
        let url = Url::parse(&format!(
            "{}/v1/connections/{name}/credentials",
            server.as_str().trim_end_matches('/')
        ))
        .map_err(|e| Outcome::BadInput(format!("--server {}: {e}", args.server)))?;
        if !(1..=300).contains(&args.timeout_seconds) {
            return Err(Outcome::BadInput(format!(
                "--timeout-seconds {}: 1 to 300",
                args.timeout_seconds
            )));
        }
        Ok(Request {
            url,
            key: api_key(args)?,
            timeout: Duration::from_secs(args.timeout_seconds),
        })
    }

    /// The credentials document, checked; or why not.
    async fn send(self) -> Result<String, Outcome> {
        let failed = |what: String| Outcome::Failed(format!("{}: {what}", self.url));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .map_err(|e| failed(format!("the HTTPS client could not be built: {e}")))?
            .https_or_http()
            .enable_http1()
            .build();
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
        let request = http::Request::post(self.url.as_str())
            .header(
                http::header::AUTHORIZATION,
                format!("Bearer {}", self.key.expose_secret()),
            )
            .header(http::header::ACCEPT, "application/json")
            .body(Full::new(Bytes::new()))
            .map_err(|e| failed(e.to_string()))?;
        let exchange = async {
            let response = client
                .request(request)
                .await
                .map_err(|e| failed(format!("no answer ({})", error_chain(&e))))?;
            let status = response.status();
            let body = Limited::new(response.into_body(), ANSWER_LIMIT)
                .collect()
                .await
                .map_err(|e| failed(format!("the answer could not be read ({e})")))?
                .to_bytes();
            Ok::<_, Outcome>((status, body))
        };
        let (status, body) = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| failed(format!("no answer within {} s", self.timeout.as_secs())))??;
        if status != http::StatusCode::OK {
            return Err(failed(refusal(status, &body)));
        }
        checked(&body).map_err(|why| failed(format!("not a credentials document: {why}")))
    }
}

/// The API key from `--api-key-file` or the environment, trimmed; never empty.
fn api_key(args: &CredentialsArgs) -> Result<SecretString, Outcome> {
    let (key, source) = match &args.api_key_file {
        Some(file) => (
            secrecy::zeroize::Zeroizing::new(read_file(file)?),
            format!("--api-key-file {}", file.display()),
        ),
        None => (
            secrecy::zeroize::Zeroizing::new(std::env::var(API_KEY_VARIABLE).unwrap_or_default()),
            API_KEY_VARIABLE.to_owned(),
        ),
    };
    let key = key.trim();
    if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Outcome::BadInput(format!(
            "{source}: an API key (ck.ID.SECRET) is needed, on one line"
        )));
    }
    Ok(SecretString::from(key.to_owned()))
}

/// What a refusal says: the status and the problem document's title and detail.
fn refusal(status: http::StatusCode, body: &[u8]) -> String {
    let problem: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text = |field: &str| {
        problem
            .get(field)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    match (text("title"), text("detail")) {
        (Some(title), Some(detail)) => format!("{status}: {title}: {detail}"),
        (Some(title), None) => format!("{status}: {title}"),
        _ => format!("{status}"),
    }
}

/// The answer, when it is a `credential_process` document (version 1, the three parts, an
/// expiration), as one line of JSON.
fn checked(body: &[u8]) -> Result<String, String> {
    let document: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("not JSON ({e})"))?;
    if document.get("Version").and_then(serde_json::Value::as_u64) != Some(1) {
        return Err("Version is not 1".to_owned());
    }
    for field in [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ] {
        let value = document.get(field).and_then(serde_json::Value::as_str);
        if value.is_none_or(str::is_empty) {
            return Err(format!("{field} is missing"));
        }
    }
    Ok(document.to_string())
}

/// An error and its sources, on one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::checked;

    #[test]
    fn only_a_whole_credential_process_document_is_printed() {
        let whole = r#"{"Version":1,"AccessKeyId":"ASIA1","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-12-02T20:00:00Z"}"#;
        assert!(checked(whole.as_bytes()).is_ok());
        for (answer, why) in [
            ("<html>login</html>", "not JSON"),
            (
                &*whole.replace("\"Version\":1", "\"Version\":2"),
                "Version is not 1",
            ),
            (
                &*whole.replace("\"SessionToken\":\"t\"", "\"SessionToken\":\"\""),
                "SessionToken is missing",
            ),
            (
                &*whole.replace(",\"Expiration\":\"2026-12-02T20:00:00Z\"", ""),
                "Expiration is missing",
            ),
            ("null", "Version is not 1"),
        ] {
            let error = checked(answer.as_bytes()).unwrap_err();
            assert!(error.starts_with(why), "{answer}: {error}");
        }
    }
}
