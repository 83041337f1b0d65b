//! `/healthz`, `/readyz` (503 when the store fails), `/metrics`, the SNS callback endpoint.

use std::sync::{Arc, OnceLock};

use connector_aws::{RegistrationHandler, ResponseSender, SnsVerifier, StaticCertificateSource};
use connector_core::{
    BoxFuture, Connection, ConnectionId, ConnectionStore, ConnectorError, ListQuery, Page,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::harness::{start, start_with};

/// A store whose backend never answers.
#[derive(Debug)]
struct DownStore;

fn down<T>() -> Result<T, ConnectorError> {
    Err(ConnectorError::StoreUnavailable {
        message: "connection refused".into(),
    })
}

impl ConnectionStore for DownStore {
    fn create<'a>(&'a self, _: &'a Connection) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(async { down() })
    }
    fn get<'a>(
        &'a self,
        _: &'a ConnectionId,
    ) -> BoxFuture<'a, Result<Option<Connection>, ConnectorError>> {
        Box::pin(async { down() })
    }
    fn compare_and_swap<'a>(
        &'a self,
        _: u64,
        _: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(async { down() })
    }
    fn delete<'a>(&'a self, _: &'a ConnectionId) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        Box::pin(async { down() })
    }
    fn list<'a>(&'a self, _: &'a ListQuery) -> BoxFuture<'a, Result<Page, ConnectorError>> {
        Box::pin(async { down() })
    }
}

#[tokio::test]
async fn readyz_is_503_when_the_store_fails_and_200_when_it_answers() {
    let up = start().await;
    assert_eq!(up.send("GET", "/healthz", None, None).await.status, 200);
    assert_eq!(up.send("GET", "/readyz", None, None).await.status, 200);
    let failing = start_with(|_| {}, Some(Arc::new(DownStore)), |b| b).await;
    assert_eq!(
        failing.send("GET", "/healthz", None, None).await.status,
        200
    );
    let answer = failing.send("GET", "/readyz", None, None).await;
    answer.problem(503);
    assert!(!answer.text().contains("connection refused"));
    // An API call on the failing store: 503, retryable, nothing leaked.
    let created = failing
        .send(
            "POST",
            "/v1/connections",
            Some(&failing.acme),
            Some(&serde_json::json!({ "name": "prod" })),
        )
        .await;
    created.problem(503);
    assert!(created.header("retry-after").is_some());
}

fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).unwrap();
            handle
        })
        .clone()
}

#[tokio::test]
async fn metrics_are_prometheus_text_with_the_request_counters() {
    let handle = recorder();
    let server = start_with(|_| {}, None, |b| b.with_metrics(handle)).await;
    server.create(&server.acme, "prod").await;
    let answer = server.send("GET", "/metrics", None, None).await;
    assert_eq!(answer.status, 200);
    assert!(
        answer
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let text = answer.text();
    assert!(text.contains("connector_server_requests_total"), "{text}");
    assert!(text.contains("route=\"/v1/connections\""), "{text}");
    assert!(!text.contains(&server.acme));
    // Without a handle: not enabled.
    let plain = start().await;
    plain.send("GET", "/metrics", None, None).await.problem(404);
}

#[tokio::test]
async fn the_sns_callback_refuses_a_forged_message_and_is_off_unless_configured() {
    let off = start().await;
    off.send("POST", "/callbacks/sns", None, Some(&serde_json::json!({})))
        .await
        .problem(404);
    let server = start_with(
        |_| {},
        None,
        |builder| {
            // The handler over a connector of its own (the endpoint only needs one to act
            // on; a forged message never reaches it).
            let store = Arc::new(connector_core::InMemoryConnectionStore::new());
            let clock: Arc<dyn connector_core::Clock> = Arc::new(connector_core::SystemClock);
            let sts = connector_core::testing::InMemorySts::new(
                clock,
                "arn:aws:sts::999988887777:assumed-role/c/s"
                    .parse()
                    .unwrap(),
            );
            let connector = connector_core::Connector::builder(
                connector_core::VendorPrincipal::account("999988887777".parse().unwrap()),
                store,
                Arc::new(sts),
            )
            .build();
            let verifier = SnsVerifier::new(Arc::new(StaticCertificateSource::new()))
                .with_topic("arn:aws:sns:us-east-1:999988887777:registrations");
            let handler =
                RegistrationHandler::new(verifier, connector, ResponseSender::new().unwrap());
            builder.with_registration_handler(Arc::new(handler))
        },
    )
    .await;
    let forged = serde_json::json!({
        "Type": "Notification",
        "MessageId": "m-1",
        "TopicArn": "arn:aws:sns:us-east-1:999988887777:registrations",
        "Message": "{}",
        "Timestamp": "2026-01-01T00:00:00.000Z",
        "SignatureVersion": "2",
        "Signature": "AAAA",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem"
    });
    let answer = server
        .send("POST", "/callbacks/sns", None, Some(&forged))
        .await;
    answer.problem(400);
    let junk = server
        .send(
            "POST",
            "/callbacks/sns",
            None,
            Some(&serde_json::json!("junk")),
        )
        .await;
    junk.problem(400);
}

#[tokio::test]
async fn serve_with_the_fleet_worker_stops_when_told() {
    use connector_core::{CheckQueue, InMemoryConnectionStore};
    use connector_server::AppState;
    use connector_server::directory::InMemoryDirectory;
    let store = Arc::new(InMemoryConnectionStore::new());
    let clock: Arc<dyn connector_core::Clock> = Arc::new(connector_core::SystemClock);
    let sts = connector_core::testing::InMemorySts::new(
        clock,
        "arn:aws:sts::999988887777:assumed-role/c/s"
            .parse()
            .unwrap(),
    );
    let connector = connector_core::Connector::builder(
        connector_core::VendorPrincipal::account("999988887777".parse().unwrap()),
        store.clone(),
        Arc::new(sts),
    )
    .build();
    let state = AppState::builder(connector, Arc::new(InMemoryDirectory::new()))
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let queue: Arc<dyn CheckQueue> = store;
    let running = tokio::spawn(connector_server::serve(
        listener,
        state,
        Some(queue),
        async move {
            let _ = stopped.await;
        },
    ));
    // It answers while the worker runs.
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    stop.send(()).unwrap();
    let result = tokio::time::timeout(std::time::Duration::from_secs(10), running)
        .await
        .expect("the server and its fleet worker stop within 10 s")
        .unwrap();
    assert!(result.is_ok());
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
