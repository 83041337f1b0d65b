//! The protections over HTTP: body limit, rate limits, headers, CSRF, the page token.

use connector_server::CONTENT_SECURITY_POLICY;
use serde_json::json;

use crate::harness::{csrf_of, path_of, start, start_with};

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let server = start_with(|c| c.max_body_bytes = 1_024, None, |b| b).await;
    let body = json!({ "name": "x", "display_name": "y".repeat(2_000) });
    let answer = server
        .send("POST", "/v1/connections", Some(&server.acme), Some(&body))
        .await;
    answer.problem(413);
    assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    // The pages' forms too.
    let form = server
        .form("/onboarding/pt.x/role", &[("csrf", &"z".repeat(2_000))])
        .await;
    form.problem(413);
}

#[tokio::test]
async fn too_many_requests_per_key_is_429_with_retry_after() {
    let server = start_with(|c| c.per_key_rate = (0.5, 2.0), None, |b| b).await;
    for _ in 0..2 {
        let ok = server
            .send("GET", "/v1/connections", Some(&server.acme), None)
            .await;
        assert_eq!(ok.status, 200);
    }
    let limited = server
        .send("GET", "/v1/connections", Some(&server.acme), None)
        .await;
    limited.problem(429);
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    // Another key of the same client is not limited by the first one's bucket.
    let other = server
        .send("GET", "/v1/connections", Some(&server.globex), None)
        .await;
    assert_eq!(other.status, 200);
}

#[tokio::test]
async fn too_many_requests_per_ip_is_429_even_without_a_key() {
    let server = start_with(|c| c.per_ip_rate = (0.5, 3.0), None, |b| b).await;
    for _ in 0..3 {
        assert_eq!(server.send("GET", "/healthz", None, None).await.status, 200);
    }
    let limited = server.send("GET", "/v1/connections", None, None).await;
    limited.problem(429);
    assert!(limited.header("retry-after").is_some());
}

/// `GET /healthz` as if forwarded for `client` by a proxy at the loopback address.
async fn healthz_for(server: &crate::harness::Server, client: &str) -> u16 {
    let request = hyper::Request::builder()
        .uri(server.url("/healthz"))
        .header("x-forwarded-for", format!("203.0.113.250, {client}"))
        .body(http_body_util::Full::new(bytes::Bytes::new()))
        .unwrap();
    server.raw(request).await.status
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() {
    // The server trusts the loopback "load balancer": clients are told apart by the address
    // it forwards, and one client's burst does not starve another.
    let trusting = start_with(
        |c| {
            c.per_ip_rate = (0.01, 2.0);
            c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
        },
        None,
        |b| b,
    )
    .await;
    for _ in 0..2 {
        assert_eq!(healthz_for(&trusting, "198.51.100.1").await, 200);
    }
    assert_eq!(healthz_for(&trusting, "198.51.100.1").await, 429);
    assert_eq!(healthz_for(&trusting, "198.51.100.2").await, 200);
    // The forged left part (203.0.113.250) is never a bucket of its own: the first client is
    // still limited whatever it writes there.
    assert_eq!(healthz_for(&trusting, "198.51.100.1").await, 429);

    // A server that trusts no proxy ignores the header: forging it evades nothing.
    let plain = start_with(|c| c.per_ip_rate = (0.01, 2.0), None, |b| b).await;
    assert_eq!(healthz_for(&plain, "198.51.100.1").await, 200);
    assert_eq!(healthz_for(&plain, "198.51.100.2").await, 200);
    assert_eq!(healthz_for(&plain, "198.51.100.3").await, 429);
}

fn assert_strict_headers(answer: &crate::harness::Answer, what: &str) {
    assert_eq!(
        answer.header("content-security-policy"),
        Some(CONTENT_SECURITY_POLICY),
        "{what}"
    );
    assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
    assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-inline"));
    assert_eq!(
        answer.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        answer.header("referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
    assert_eq!(answer.header("cache-control"), Some("no-store"), "{what}");
}

#[tokio::test]
async fn every_response_carries_the_strict_headers() {
    let server = start().await;
    let created = server.create(&server.acme, "prod").await;
    let page = path_of(created["onboarding_url"].as_str().unwrap());
    let answers = [
        (
            "json",
            server
                .send("GET", "/v1/connections", Some(&server.acme), None)
                .await,
        ),
        (
            "401",
            server.send("GET", "/v1/connections", None, None).await,
        ),
        (
            "404",
            server
                .send("GET", "/v1/connections/none", Some(&server.acme), None)
                .await,
        ),
        (
            "openapi",
            server.send("GET", "/v1/openapi.json", None, None).await,
        ),
        ("health", server.send("GET", "/healthz", None, None).await),
        (
            "unknown route",
            server.send("GET", "/nothing", None, None).await,
        ),
        ("page", server.send("GET", &page, None, None).await),
        (
            "bad page",
            server.send("GET", "/onboarding/pt.nope", None, None).await,
        ),
    ];
    for (what, answer) in &answers {
        assert_strict_headers(answer, what);
    }
    answers[5].1.problem(404);
    server
        .send("PUT", "/v1/connections", Some(&server.acme), None)
        .await
        .problem(405);
    let html = answers[6].1.text();
    // Scripts only from files (`<script src=…>`), never inline.
    let inline_scripts = html.matches("<script").count() - html.matches("<script src=").count();
    assert!(html.contains("<form") && inline_scripts == 0 && !html.contains("style="));
}

#[tokio::test]
async fn the_page_token_opens_one_page_and_forms_need_its_csrf_token() {
    let server = start().await;
    let prod = server.create(&server.acme, "prod").await;
    let other = server.create(&server.acme, "other").await;
    let page = path_of(prod["onboarding_url"].as_str().unwrap());
    let other_page = path_of(other["onboarding_url"].as_str().unwrap());
    let html = server.send("GET", &page, None, None).await;
    assert_eq!(html.status, 200);
    let html = html.text();
    assert!(html.contains(prod["external_id"].as_str().unwrap()));
    assert!(!html.contains(other["external_id"].as_str().unwrap()));
    let csrf = csrf_of(&html);
    let other_csrf = csrf_of(&server.send("GET", &other_page, None, None).await.text());
    assert_ne!(csrf, other_csrf);

    // Launch the (simulated) stack, with and without the CSRF token.
    let refused = server.form(&format!("{page}/simulate-stack"), &[]).await;
    refused.problem(403);
    let launched = server
        .form(&format!("{page}/simulate-stack"), &[("csrf", &csrf)])
        .await;
    assert_eq!(launched.status, 200, "{}", launched.text());
    let role = launched
        .text()
        .split("value=\"arn:aws:iam::")
        .nth(1)
        .map(|rest| format!("arn:aws:iam::{}", rest.split('"').next().unwrap()))
        .unwrap();

    // Role submission: no token, a wrong one, another page's: refused, nothing changed.
    for token in [None, Some("0".repeat(64)), Some(other_csrf.clone())] {
        let mut fields = vec![("role_arn", role.as_str())];
        if let Some(token) = &token {
            fields.push(("csrf", token.as_str()));
        }
        let answer = server.form(&format!("{page}/role"), &fields).await;
        answer.problem(403);
    }
    let state = server
        .send("GET", "/v1/connections/prod", Some(&server.acme), None)
        .await;
    assert_eq!(state.json()["state"], "pending");

    // A wrong ARN inline, then the right one: active.
    let wrong = server
        .form(
            &format!("{page}/role"),
            &[("csrf", &csrf), ("role_arn", "not-an-arn")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.text().contains("id=\"error\""));
    let right = server
        .form(
            &format!("{page}/role"),
            &[("csrf", &csrf), ("role_arn", &role)],
        )
        .await;
    assert_eq!(right.status, 200, "{}", right.text());
    assert!(
        right.text().contains("id=\"state\">active<"),
        "{}",
        right.text()
    );

    // The page token is no API key, and a forged one opens nothing.
    let token = page.rsplit('/').next().unwrap();
    server
        .send("GET", "/v1/connections/prod", Some(token), None)
        .await
        .problem(401);
    let last = if token.ends_with('A') { 'B' } else { 'A' };
    let forged = format!("/onboarding/{}{last}", &token[..token.len() - 1]);
    assert_eq!(server.send("GET", &forged, None, None).await.status, 404);
}

#[tokio::test]
async fn an_expired_page_token_opens_nothing() {
    let server = start_with(
        |c| c.page_token_ttl = std::time::Duration::ZERO,
        None,
        |b| b,
    )
    .await;
    let prod = server.create(&server.acme, "prod").await;
    let page = path_of(prod["onboarding_url"].as_str().unwrap());
    let answer = server.send("GET", &page, None, None).await;
    assert_eq!(answer.status, 404);
    assert!(
        !answer
            .text()
            .contains(prod["external_id"].as_str().unwrap())
    );
}

#[tokio::test]
async fn a_request_past_the_timeout_is_503_and_leaves_the_connection_not_active() {
    let server = start_with(
        |c| c.request_timeout = std::time::Duration::from_millis(300),
        None,
        |b| b,
    )
    .await;
    server.create(&server.acme, "prod").await;
    let role = server
        .send("POST", "/simulate/stacks/prod", Some(&server.acme), None)
        .await
        .json()["role_arn"]
        .as_str()
        .unwrap()
        .to_owned();
    // STS answers after 5 s: the connection test cannot finish within the timeout.
    server.sts.set_latency(std::time::Duration::from_secs(5));
    let started = std::time::Instant::now();
    let answer = server
        .send(
            "POST",
            "/v1/connections/prod/role",
            Some(&server.acme),
            Some(&json!({ "role_arn": role })),
        )
        .await;
    let problem = answer.problem(503);
    assert_eq!(problem["type"], "urn:connector-server:problem:timeout");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    assert_strict_headers(&answer, "timeout");
    server.sts.set_latency(std::time::Duration::ZERO);
    let state = server
        .send("GET", "/v1/connections/prod", Some(&server.acme), None)
        .await
        .json();
    assert_ne!(state["state"], "active");
}

#[tokio::test]
async fn a_client_that_sends_its_headers_too_slowly_is_disconnected() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let server = start_with(
        |c| c.header_read_timeout = std::time::Duration::from_millis(300),
        None,
        |b| b,
    )
    .await;
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    let _closed = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut rest),
    )
    .await
    .expect("the server closes the connection");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"));
    // A prompt client on another connection is served.
    assert_eq!(server.send("GET", "/healthz", None, None).await.status, 200);
}
