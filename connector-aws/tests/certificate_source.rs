//! The HTTPS certificate source, pointed at a local server through its test-only redirect:
//! the certificate URL's path is fetched, a 200 gives the bytes, any other status or an
//! oversized answer is an error (never a certificate), and a verifier over it caches.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

mod support;

use connector_aws::{
    CertificateError, CertificateSource, HttpError, HttpsCertificateSource, SigningCertUrl,
};
use support::http_server::Server;
use support::sns_signing::CERT_URL;

#[tokio::test]
async fn the_certificate_is_fetched_at_its_path_and_only_a_200_counts() {
    let url = SigningCertUrl::parse(CERT_URL).unwrap();
    let server = Server::start(&[404, 500]).await;
    let source = HttpsCertificateSource::redirecting_for_tests(&server.origin).unwrap();
    assert_eq!(source.fetch(&url).await, Err(CertificateError::Status(404)));
    assert_eq!(source.fetch(&url).await, Err(CertificateError::Status(500)));
    // The recording server answers 200 with an empty body from then on.
    assert_eq!(source.fetch(&url).await, Ok(Vec::new()));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.method == "GET"
        && r.path_and_query == "/SimpleNotificationService-0000000000000000000000.pem"));
}

#[tokio::test]
async fn an_unreachable_or_oversized_certificate_is_an_error() {
    let url = SigningCertUrl::parse(CERT_URL).unwrap();
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let source = HttpsCertificateSource::redirecting_for_tests(&origin).unwrap();
    assert!(matches!(
        source.fetch(&url).await,
        Err(CertificateError::Fetch(HttpError::Network(_)))
    ));

    // 20 KiB of body: more than a certificate can be.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        let _ = stream.read(&mut buffer).await;
        let body = "A".repeat(20 * 1024);
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(answer.as_bytes()).await;
    });
    let source = HttpsCertificateSource::redirecting_for_tests(&origin).unwrap();
    assert!(matches!(
        source.fetch(&url).await,
        Err(CertificateError::Fetch(HttpError::TooLarge(_)))
    ));
}
