//! A server on a loopback port over the in-memory STS, store and directory, with two
//! tenants (`acme`, `globex`) and an admin key each; and a small HTTP client.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use connector_core::testing::InMemorySts;
use connector_core::{
    Arn, Clock, ConnectionStore, Connector, ConnectorBuilder, InMemoryConnectionStore, SystemClock,
    VendorPrincipal,
};
use connector_server::directory::keys::{KeyPolicy, issue_key};
use connector_server::directory::{Directory, InMemoryDirectory, TenantId};
use connector_server::simulate::Simulator;
use connector_server::{AppState, AppStateBuilder, ServerConfig};
use http_body_util::{BodyExt as _, Full};
use hyper::Request;
use hyper::header::HeaderMap;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use secrecy::ExposeSecret as _;
use tokio::sync::oneshot;

pub(crate) const VENDOR: &str = "999988887777";
pub(crate) const CUSTOMER: &str = "111122223333";
pub(crate) const SET: &str = "axiom:read-only-scan";

/// A running server.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    pub(crate) directory: Arc<dyn Directory>,
    /// The in-memory STS (the simulated customer account's, and the connector's).
    #[allow(dead_code)] // not every test binary that includes the harness uses it
    pub(crate) sts: InMemorySts,
    pub(crate) acme: String,
    pub(crate) globex: String,
    pub(crate) client: Client<HttpConnector, Full<Bytes>>,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// An answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem document of `status`, and returns it.
    pub(crate) fn problem(&self, status: u16) -> serde_json::Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        let problem = self.json();
        assert_eq!(problem["status"], status);
        assert!(problem["type"].as_str().unwrap().starts_with("urn:"));
        assert!(problem["title"].is_string() && problem["detail"].is_string());
        problem
    }
}

/// Starts a server with `config` changes and extra state.
pub(crate) async fn start_with(
    config: impl FnOnce(&mut ServerConfig),
    store: Option<Arc<dyn ConnectionStore>>,
    extra: impl FnOnce(AppStateBuilder) -> AppStateBuilder,
) -> Server {
    start_custom(config, store, |c| c, extra).await
}

/// Starts a server with `config` changes, connector changes (e.g. a subscriber) and extra
/// state.
pub(crate) async fn start_custom(
    config: impl FnOnce(&mut ServerConfig),
    store: Option<Arc<dyn ConnectionStore>>,
    connector: impl FnOnce(ConnectorBuilder) -> ConnectorBuilder,
    extra: impl FnOnce(AppStateBuilder) -> AppStateBuilder,
) -> Server {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let caller: Arn = format!("arn:aws:sts::{VENDOR}:assumed-role/connector/server")
        .parse()
        .unwrap();
    let sts = InMemorySts::new(Arc::clone(&clock), caller);
    let store = store.unwrap_or_else(|| Arc::new(InMemoryConnectionStore::new()));
    let set = permission_sets::builtin::get(SET).unwrap();
    let connector = connector(
        Connector::builder(
            VendorPrincipal::account(VENDOR.parse().unwrap()),
            Arc::clone(&store),
            Arc::new(sts.clone()),
        )
        .with_clock(clock)
        .with_permission_set(set.clone()),
    )
    .build();
    let directory: Arc<dyn Directory> = Arc::new(InMemoryDirectory::new());
    let mut settings = ServerConfig {
        per_key_rate: (10_000.0, 10_000.0),
        per_ip_rate: (10_000.0, 10_000.0),
        template_url: Some("https://vendor-onboarding.s3.us-east-1.amazonaws.com/role.yaml".into()),
        ..ServerConfig::default()
    };
    settings
        .parameter_values
        .insert(set.reference().clone(), set.sample_values());
    config(&mut settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    settings.public_url = format!("http://{addr}");
    let builder = AppState::builder(connector, Arc::clone(&directory))
        .with_config(settings)
        .with_simulator(Simulator::new(sts.clone(), CUSTOMER.parse().unwrap()));
    let state = extra(builder).build().unwrap();
    let acme = admin_key(directory.as_ref(), "acme").await;
    let globex = admin_key(directory.as_ref(), "globex").await;
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(connector_server::serve(listener, state, None, async move {
        let _ = stopped.await;
    }));
    Server {
        addr,
        directory,
        sts,
        acme,
        globex,
        client: Client::builder(TokioExecutor::new()).build_http(),
        stop: Some(stop),
    }
}

/// Starts a server with the defaults of the harness.
pub(crate) async fn start() -> Server {
    start_with(|_| {}, None, |b| b).await
}

pub(crate) async fn admin_key(directory: &dyn Directory, tenant: &str) -> String {
    key_of(directory, tenant, &KeyPolicy::admin("admin")).await
}

pub(crate) async fn key_of(directory: &dyn Directory, tenant: &str, policy: &KeyPolicy) -> String {
    let tenant: TenantId = tenant.parse().unwrap();
    issue_key(directory, &tenant, policy, 0)
        .await
        .unwrap()
        .key()
        .expose_secret()
        .to_owned()
}

impl Server {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A request with optional bearer key and body (JSON when it is a JSON value).
    pub(crate) async fn send(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(self.url(path));
        if let Some(key) = key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        let bytes = match body {
            Some(body) => {
                request = request.header("content-type", "application/json");
                Bytes::from(serde_json::to_vec(body).unwrap())
            }
            None => Bytes::new(),
        };
        self.raw(request.body(Full::new(bytes)).unwrap()).await
    }

    /// A form POST.
    pub(crate) async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let request = Request::builder()
            .method("POST")
            .uri(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        self.raw(request).await
    }

    pub(crate) async fn raw(&self, request: Request<Full<Bytes>>) -> Answer {
        let response = self.client.request(request).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Creates connection `name` with the permission set, as `key`.
    pub(crate) async fn create(&self, key: &str, name: &str) -> serde_json::Value {
        let answer = self
            .send(
                "POST",
                "/v1/connections",
                Some(key),
                Some(&serde_json::json!({ "name": name, "permission_set": SET })),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text());
        answer.json()
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The path of an onboarding URL.
pub(crate) fn path_of(url: &str) -> String {
    let rest = url.split_once("://").unwrap().1;
    format!("/{}", rest.split_once('/').unwrap().1)
}

/// The CSRF token in a page.
pub(crate) fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    page[at..at + 64].to_owned()
}
