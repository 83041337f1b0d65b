//! The server's load test (issue 18): `clients` concurrent API clients, each creating a
//! connection, "creating the stack" in the simulated customer account, submitting the role
//! (the connection test runs) and checking the answer says active, again and again until the
//! deadline, against `connector-server` on a loopback port over the SQLite store (or the
//! in-memory one). Every request's latency is recorded; afterwards the API's listing must
//! show every created connection exactly once, active: no error, none lost, none twice.
//!
//! Then, when asked, the credentials phase: the same clients ask
//! `POST /v1/connections/{name}/credentials` for a working set of the onboarded connections
//! (as a product's workers do), each answer must be credentials, and STS must have been
//! called once per connection of the working set (one shared session each), however many
//! requests there were.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use connector_core::testing::InMemorySts;
use connector_core::{
    Arn, Clock, ConnectionStore, Connector, InMemoryConnectionStore, SystemClock, VendorPrincipal,
};
use connector_server::directory::keys::{KeyPolicy, issue_key};
use connector_server::directory::{Directory, InMemoryDirectory, SqliteDirectory};
use connector_server::simulate::Simulator;
use connector_server::{AppState, ServerConfig};
use connector_store::{DataKey, LocalKeyProvider, SqliteConnectionStore};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use secrecy::ExposeSecret as _;
use serde::Serialize;

/// Where connections and keys are kept during the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadStore {
    /// The in-memory store and directory.
    Memory,
    /// `SqliteConnectionStore` and `SqliteDirectory` in one temporary file.
    Sqlite,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// Concurrent clients.
    pub clients: usize,
    /// How long clients start new onboardings (each finishes the one it is in).
    pub duration: Duration,
    /// The store.
    pub store: LoadStore,
    /// How long the credentials phase lasts (none: no such phase).
    pub credentials: Option<Duration>,
}

/// How many onboarded connections the credentials phase asks for.
pub const CREDENTIALS_WORKING_SET: usize = 100;

/// What the credentials phase measured.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialsReport {
    /// Wall time of the phase, seconds.
    pub elapsed_s: f64,
    /// Credentials requests answered.
    pub requests: u64,
    /// Requests per second.
    pub requests_per_s: f64,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile, milliseconds.
    pub p99_ms: f64,
    /// The slowest request, milliseconds.
    pub max_ms: f64,
    /// Connections of the working set asked for at least once.
    pub connections: u64,
    /// AssumeRole calls STS received during the phase (one per connection expected).
    pub sts_calls: u64,
    /// Requests without credentials in the answer.
    pub errors: u64,
    /// The first of them, if any.
    pub first_error: Option<String>,
}

impl CredentialsReport {
    /// True when every answer held credentials and STS was called once per connection.
    pub fn clean(&self) -> bool {
        self.errors == 0 && self.sts_calls == self.connections
    }
}

/// What was measured.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    /// Concurrent clients.
    pub clients: usize,
    /// Wall time of the run, seconds.
    pub elapsed_s: f64,
    /// HTTP requests answered.
    pub requests: u64,
    /// Requests per second.
    pub requests_per_s: f64,
    /// Latency percentiles, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile, milliseconds.
    pub p99_ms: f64,
    /// The slowest request, milliseconds.
    pub max_ms: f64,
    /// Onboardings completed (created, stack, role, active).
    pub onboarded: u64,
    /// Requests with an unexpected answer.
    pub errors: u64,
    /// The first unexpected answer, if any.
    pub first_error: Option<String>,
    /// Created connections the final listing did not show.
    pub lost: u64,
    /// Connections the final listing showed more than once.
    pub duplicated: u64,
    /// Listed connections that were not active.
    pub not_active: u64,
    /// The credentials phase, when run.
    pub credentials: Option<CredentialsReport>,
}

impl LoadReport {
    /// True when nothing went wrong.
    pub fn clean(&self) -> bool {
        self.errors == 0
            && self.lost == 0
            && self.duplicated == 0
            && self.not_active == 0
            && self
                .credentials
                .as_ref()
                .is_none_or(CredentialsReport::clean)
    }
}

/// A load-test failure before any figure (setup).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LoadError(String);

fn setup_failed(e: impl std::fmt::Display) -> LoadError {
    LoadError(e.to_string())
}

struct Api {
    http: Client<HttpConnector, Full<Bytes>>,
    base: String,
    auth: String,
}

impl Api {
    async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<(u16, serde_json::Value, Duration), String> {
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("authorization", &self.auth);
        let bytes = match body {
            Some(body) => {
                request = request.header("content-type", "application/json");
                Bytes::from(body.to_string())
            }
            None => Bytes::new(),
        };
        let request = request.body(Full::new(bytes)).map_err(|e| e.to_string())?;
        let started = Instant::now();
        let response = self
            .http
            .request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let took = started.elapsed();
        let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
        Ok((status, json, took))
    }
}

#[derive(Default)]
struct ClientFigures {
    latencies: Vec<Duration>,
    created: Vec<String>,
    /// The credentials phase: which connections of the working set this client asked for.
    asked: BTreeSet<usize>,
    onboarded: u64,
    errors: u64,
    first_error: Option<String>,
}

impl ClientFigures {
    fn expect(
        &mut self,
        answer: Result<(u16, serde_json::Value, Duration), String>,
        status: u16,
        what: &str,
    ) -> Option<serde_json::Value> {
        match answer {
            Ok((got, json, took)) => {
                self.latencies.push(took);
                if got == status {
                    return Some(json);
                }
                self.error(format!("{what}: {got} {json}"));
                None
            }
            Err(e) => {
                self.error(format!("{what}: {e}"));
                None
            }
        }
    }

    fn error(&mut self, message: String) {
        self.errors += 1;
        self.first_error.get_or_insert(message);
    }
}

async fn client(api: Arc<Api>, index: usize, deadline: Instant) -> ClientFigures {
    let mut figures = ClientFigures::default();
    let mut n = 0;
    while Instant::now() < deadline {
        let name = format!("c{index}-{n}");
        n += 1;
        let created = api
            .call(
                "POST",
                "/v1/connections",
                Some(
                    serde_json::json!({ "name": name, "permission_set": crate::server_load::SET }),
                ),
            )
            .await;
        if figures.expect(created, 201, "create").is_none() {
            continue;
        }
        figures.created.push(name.clone());
        let stack = api
            .call("POST", &format!("/simulate/stacks/{name}"), None)
            .await;
        let Some(role) = figures.expect(stack, 200, "stack").and_then(|j| {
            j.pointer("/role_arn")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        }) else {
            continue;
        };
        let submitted = api
            .call(
                "POST",
                &format!("/v1/connections/{name}/role"),
                Some(serde_json::json!({ "role_arn": role })),
            )
            .await;
        if let Some(json) = figures.expect(submitted, 200, "role") {
            if json
                .pointer("/connection/state")
                .and_then(serde_json::Value::as_str)
                == Some("active")
            {
                figures.onboarded += 1;
            } else {
                figures.error(format!("role: not active: {json}"));
            }
        }
    }
    figures
}

/// A credentials client: asks for the working set's credentials, in turn from its own
/// starting point, until the deadline.
async fn credentials_client(
    api: Arc<Api>,
    index: usize,
    names: Arc<Vec<String>>,
    deadline: Instant,
) -> ClientFigures {
    let mut figures = ClientFigures::default();
    let mut n = index;
    while Instant::now() < deadline {
        let at = n % names.len().max(1);
        let Some(name) = names.get(at) else {
            break;
        };
        figures.asked.insert(at);
        n += 1;
        let answer = api
            .call("POST", &format!("/v1/connections/{name}/credentials"), None)
            .await;
        if let Some(json) = figures.expect(answer, 200, "credentials")
            && json
                .pointer("/AccessKeyId")
                .and_then(serde_json::Value::as_str)
                .is_none_or(str::is_empty)
        {
            figures.error(format!("credentials: no AccessKeyId: {json}"));
        }
    }
    figures
}

/// The credentials phase over `names`.
async fn credentials_phase(
    api: &Arc<Api>,
    sts: &InMemorySts,
    clients: usize,
    names: Vec<String>,
    duration: Duration,
) -> Result<CredentialsReport, LoadError> {
    let names = Arc::new(names);
    let before = sts.calls().assume_role;
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            tokio::spawn(credentials_client(
                Arc::clone(api),
                i,
                Arc::clone(&names),
                deadline,
            ))
        })
        .collect();
    let mut all = ClientFigures::default();
    for task in tasks {
        let figures = task.await.map_err(setup_failed)?;
        all.latencies.extend(figures.latencies);
        all.asked.extend(figures.asked);
        all.errors += figures.errors;
        if all.first_error.is_none() {
            all.first_error = figures.first_error;
        }
    }
    let elapsed = started.elapsed();
    all.latencies.sort();
    let requests = all.latencies.len() as u64;
    Ok(CredentialsReport {
        elapsed_s: elapsed.as_secs_f64(),
        requests,
        requests_per_s: requests as f64 / elapsed.as_secs_f64().max(1e-9),
        p50_ms: percentile(&all.latencies, 0.50),
        p99_ms: percentile(&all.latencies, 0.99),
        max_ms: percentile(&all.latencies, 1.0),
        connections: all.asked.len() as u64,
        sts_calls: sts.calls().assume_role.saturating_sub(before),
        errors: all.errors,
        first_error: all.first_error,
    })
}

/// The permission set the load test's connections grant.
pub const SET: &str = "axiom:read-only-scan";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted
        .get(rank.min(sorted.len() - 1))
        .map_or(0.0, |d| d.as_secs_f64() * 1_000.0)
}

/// Runs the load test.
pub async fn run(config: &LoadConfig) -> Result<LoadReport, LoadError> {
    let dir = tempfile::tempdir().map_err(setup_failed)?;
    let (store, directory): (Arc<dyn ConnectionStore>, Arc<dyn Directory>) = match config.store {
        LoadStore::Memory => (
            Arc::new(InMemoryConnectionStore::new()),
            Arc::new(InMemoryDirectory::new()),
        ),
        LoadStore::Sqlite => {
            let path = dir.path().join("server.db");
            let keys =
                LocalKeyProvider::new("load", DataKey::new([7; 32])).map_err(setup_failed)?;
            let store = SqliteConnectionStore::open(path.clone(), Arc::new(keys))
                .await
                .map_err(setup_failed)?;
            let directory = SqliteDirectory::open(&path).await.map_err(setup_failed)?;
            (Arc::new(store), Arc::new(directory))
        }
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let caller: Arn = "arn:aws:sts::999988887777:assumed-role/connector/load"
        .parse()
        .map_err(setup_failed)?;
    let sts = InMemorySts::new(Arc::clone(&clock), caller);
    let set = permission_sets::builtin::get(SET).map_err(setup_failed)?;
    let connector = Connector::builder(
        VendorPrincipal::account("999988887777".parse().map_err(setup_failed)?),
        store,
        Arc::new(sts.clone()),
    )
    .with_clock(clock)
    .with_permission_set(set.clone())
    .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(setup_failed)?;
    let addr = listener.local_addr().map_err(setup_failed)?;
    let mut settings = ServerConfig {
        public_url: format!("http://{addr}"),
        per_key_rate: (1.0e9, 1.0e9),
        per_ip_rate: (1.0e9, 1.0e9),
        ..ServerConfig::default()
    };
    settings
        .parameter_values
        .insert(set.reference().clone(), set.sample_values());
    let state = AppState::builder(connector, Arc::clone(&directory))
        .with_config(settings)
        .with_simulator(Simulator::new(
            sts.clone(),
            "111122223333".parse().map_err(setup_failed)?,
        ))
        .build()
        .map_err(setup_failed)?;
    let key = issue_key(
        directory.as_ref(),
        &"load".parse().map_err(setup_failed)?,
        &KeyPolicy::admin("load"),
        0,
    )
    .await
    .map_err(setup_failed)?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(connector_server::serve(listener, state, None, async move {
        let _ = stopped.await;
    }));
    let mut http = Client::builder(TokioExecutor::new());
    http.pool_max_idle_per_host(config.clients);
    let api = Arc::new(Api {
        http: http.build_http(),
        base: format!("http://{addr}"),
        auth: format!("Bearer {}", key.key().expose_secret()),
    });

    let started = Instant::now();
    let deadline = started + config.duration;
    let tasks: Vec<_> = (0..config.clients)
        .map(|i| tokio::spawn(client(Arc::clone(&api), i, deadline)))
        .collect();
    let mut all = ClientFigures::default();
    for task in tasks {
        let figures = task.await.map_err(setup_failed)?;
        all.latencies.extend(figures.latencies);
        all.created.extend(figures.created);
        all.onboarded += figures.onboarded;
        all.errors += figures.errors;
        if all.first_error.is_none() {
            all.first_error = figures.first_error;
        }
    }
    let elapsed = started.elapsed();

    // Every created connection exactly once in the listing, active.
    let mut listed = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/connections?limit=1000&cursor={c}"),
            None => "/v1/connections?limit=1000".to_owned(),
        };
        let (status, page, _) = api.call("GET", &path, None).await.map_err(LoadError)?;
        if status != 200 {
            return Err(LoadError(format!("listing: {status} {page}")));
        }
        for c in page
            .pointer("/connections")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
        {
            listed.push((
                c.pointer("/name")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                c.pointer("/state")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            ));
        }
        match page
            .pointer("/next_cursor")
            .and_then(serde_json::Value::as_str)
        {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let names: BTreeSet<&str> = listed.iter().map(|(n, _)| n.as_str()).collect();
    let duplicated = (listed.len() - names.len()) as u64;
    let lost = all
        .created
        .iter()
        .filter(|n| !names.contains(n.as_str()))
        .count() as u64;
    let not_active = listed.iter().filter(|(_, s)| s != "active").count() as u64;
    let credentials = match config.credentials {
        Some(duration) => {
            let working_set: Vec<String> = listed
                .iter()
                .filter(|(_, state)| state == "active")
                .map(|(name, _)| name.clone())
                .take(CREDENTIALS_WORKING_SET)
                .collect();
            Some(credentials_phase(&api, &sts, config.clients, working_set, duration).await?)
        }
        None => None,
    };
    let _ = stop.send(());
    let _ = server.await;

    all.latencies.sort();
    let requests = all.latencies.len() as u64;
    Ok(LoadReport {
        clients: config.clients,
        elapsed_s: elapsed.as_secs_f64(),
        requests,
        requests_per_s: requests as f64 / elapsed.as_secs_f64().max(1e-9),
        p50_ms: percentile(&all.latencies, 0.50),
        p99_ms: percentile(&all.latencies, 0.99),
        max_ms: percentile(&all.latencies, 1.0),
        onboarded: all.onboarded,
        errors: all.errors,
        first_error: all.first_error,
        lost,
        duplicated,
        not_active,
        credentials,
    })
}
