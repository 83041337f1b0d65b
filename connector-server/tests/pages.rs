//! The HTML pages over real HTTP on a loopback port: the customer's onboarding page (its
//! content, the artifacts tabs, "why each line", the guarantees, labels, no inline script
//! or style, the strict headers, the state endpoint, the role form with its inline errors,
//! the simulated stack, CSRF, what a token does not open), the static assets, and the
//! operator page (login, sessions, access control, contents, actions).
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

#[path = "pages/support.rs"]
mod pages_support;

use harness::{CUSTOMER, csrf_of, path_of, start};
use pages_support::{assert_no_inline_code, attribute_values, role_from};

#[tokio::test]
async fn the_onboarding_page_shows_state_artifacts_why_each_line_guarantees_and_labels() {
    let server = start().await;
    let created = server.create(&server.acme, "prod").await;
    let page = path_of(created["onboarding_url"].as_str().unwrap());
    let answer = server.send("GET", &page, None, None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = answer.text();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("class=\"state state-pending\" id=\"state\">pending<"));
    assert!(html.contains(created["external_id"].as_str().unwrap()));
    // Tabs as links, CloudFormation chosen by default, its template and the quick-create link.
    for method in ["cloudformation", "terraform", "manual"] {
        assert!(
            html.contains(&format!("href=\"{page}?method={method}#create\"")),
            "{method}"
        );
    }
    assert!(
        html.contains("id=\"tab-cloudformation\" href") && html.contains("aria-current=\"page\"")
    );
    assert!(html.contains("id=\"artifact-cloudformation\""));
    assert!(html.contains("id=\"quick-create\" href=\"https://"));
    assert!(html.contains("Launch stack (simulated)"));
    // Why each line, the guarantees, the policies, the disconnect steps.
    assert!(html.contains("id=\"why-each-line\""));
    assert!(html.contains("id=\"guarantees\"") && html.contains("read-only"));
    assert!(html.contains("id=\"trust-policy\"") && html.contains("sts:ExternalId"));
    assert!(html.contains("id=\"permission-policy-0\""));
    assert!(html.contains("aws cloudformation delete-stack"));
    // Every visible input has a label; headings in order; the field is described.
    for id in attribute_values(&html, "input id") {
        assert!(
            html.contains(&format!("<label for=\"{id}\"")),
            "no label for {id}"
        );
    }
    assert!(html.contains("aria-describedby=\"role_arn-hint role_arn-error\""));
    let headings: Vec<usize> = (1..=6)
        .flat_map(|level| {
            let tag = format!("<h{level}");
            html.match_indices(&tag)
                .map(|(at, _)| (at, level))
                .collect::<Vec<_>>()
        })
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_values()
        .collect();
    assert_eq!(headings[0], 1);
    for pair in headings.windows(2) {
        assert!(
            pair[1] <= pair[0] + 1,
            "a heading level skipped: {headings:?}"
        );
    }
    assert_no_inline_code(&html);

    // The other tabs.
    let terraform = server
        .send("GET", &format!("{page}?method=terraform"), None, None)
        .await
        .text();
    assert!(
        terraform.contains("id=\"artifact-terraform\"") && terraform.contains("terraform destroy")
    );
    assert!(!terraform.contains("id=\"artifact-cloudformation\""));
    let manual = server
        .send("GET", &format!("{page}?method=manual"), None, None)
        .await
        .text();
    assert!(manual.contains("id=\"artifact-manual\"") && manual.contains("aws iam delete-role"));
}

#[tokio::test]
async fn the_pages_assets_are_files_with_their_types_and_long_cache() {
    let server = start().await;
    let created = server.create(&server.acme, "prod").await;
    let html = server
        .send(
            "GET",
            &path_of(created["onboarding_url"].as_str().unwrap()),
            None,
            None,
        )
        .await
        .text();
    let css = attribute_values(&html, "link rel=\"stylesheet\" href")
        .pop()
        .unwrap();
    let js = attribute_values(&html, "script src").pop().unwrap();
    assert!(css.starts_with("/assets/app.css?v=") && js.starts_with("/assets/app.js?v="));
    for (url, media) in [
        (css, "text/css; charset=utf-8"),
        (js, "text/javascript; charset=utf-8"),
    ] {
        let answer = server.send("GET", &url, None, None).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some(media));
        assert_eq!(
            answer.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        assert!(
            answer
                .header("content-security-policy")
                .unwrap()
                .contains("script-src 'self'")
        );
    }
}

#[tokio::test]
async fn the_page_has_the_strict_headers_and_no_other_connections_external_id() {
    let server = start().await;
    let prod = server.create(&server.acme, "prod").await;
    let other = server.create(&server.acme, "other").await;
    let theirs = server.create(&server.globex, "prod").await;
    let page = path_of(prod["onboarding_url"].as_str().unwrap());
    for path in [
        page.clone(),
        format!("{page}?method=terraform"),
        format!("{page}?method=manual"),
        format!("{page}/state"),
    ] {
        let answer = server.send("GET", &path, None, None).await;
        assert_eq!(answer.status, 200, "{path}");
        let csp = answer.header("content-security-policy").unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        let text = answer.text();
        for foreign in [&other, &theirs] {
            assert!(
                !text.contains(foreign["external_id"].as_str().unwrap()),
                "{path}"
            );
        }
        // The page carries no key and no other page's token.
        assert!(!text.contains(&server.acme) && !text.contains(&server.globex));
        assert!(!text.contains(&path_of(other["onboarding_url"].as_str().unwrap())));
    }
}

#[tokio::test]
async fn an_invalid_or_expired_link_is_the_404_page() {
    let server = harness::start_with(
        |c| c.page_token_ttl = std::time::Duration::ZERO,
        None,
        |b| b,
    )
    .await;
    let prod = server.create(&server.acme, "prod").await;
    let expired = path_of(prod["onboarding_url"].as_str().unwrap());
    for path in [
        expired.clone(),
        "/onboarding/pt.nope".to_owned(),
        "/onboarding/".to_owned() + &server.acme,
    ] {
        let answer = server.send("GET", &path, None, None).await;
        assert_eq!(answer.status, 404, "{path}");
        let html = answer.text();
        assert!(html.contains("This onboarding link is not valid"), "{path}");
        assert!(!html.contains(prod["external_id"].as_str().unwrap()));
        assert_no_inline_code(&html);
    }
    // The state endpoint and the forms of an expired link open nothing either.
    server
        .send("GET", &format!("{expired}/state"), None, None)
        .await
        .problem(404);
    assert_eq!(
        server
            .form(
                &format!("{expired}/role"),
                &[("csrf", "x"), ("role_arn", "y")]
            )
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_state_endpoint_is_json_without_secrets_and_follows_the_connection() {
    let server = start().await;
    let prod = server.create(&server.acme, "prod").await;
    let page = path_of(prod["onboarding_url"].as_str().unwrap());
    let answer = server
        .send("GET", &format!("{page}/state"), None, None)
        .await;
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let live = answer.json();
    assert_eq!(live["state"], "pending");
    assert_eq!(live["poll_seconds"], 3);
    assert!(
        !answer
            .text()
            .contains(prod["external_id"].as_str().unwrap())
    );
    // The vendor's product submits the role through the API (as the stack's callback
    // would): the page's state turns active without the page doing anything.
    let stack = server
        .send("POST", "/simulate/stacks/prod", Some(&server.acme), None)
        .await;
    let role = stack.json()["role_arn"].as_str().unwrap().to_owned();
    let submitted = server
        .send(
            "POST",
            "/v1/connections/prod/role",
            Some(&server.acme),
            Some(&serde_json::json!({ "role_arn": role })),
        )
        .await;
    assert_eq!(submitted.status, 200);
    let live = server
        .send("GET", &format!("{page}/state"), None, None)
        .await
        .json();
    assert_eq!(live["state"], "active");
    assert!(live["poll_seconds"].is_null());
    assert!(live["diagnosis"].is_null());
}

#[tokio::test]
async fn the_role_form_shows_errors_and_findings_inline_then_turns_active() {
    let server = start().await;
    let prod = server.create(&server.acme, "prod").await;
    let page = path_of(prod["onboarding_url"].as_str().unwrap());
    let html = server.send("GET", &page, None, None).await.text();
    let csrf = csrf_of(&html);

    // Not an ARN: 422, the field's rule and what to do, next to the field.
    let wrong = server
        .form(
            &format!("{page}/role"),
            &[
                ("csrf", &csrf),
                ("role_arn", "arn:aws:iam::12:role/x"),
                ("method", "terraform"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let text = wrong.text();
    let field = text.find("id=\"role_arn\"").unwrap();
    let error = text.find("id=\"error\" role=\"alert\"").unwrap();
    assert!(error > field, "the error follows the field");
    assert!(text.contains("aria-invalid=\"true\""));
    assert!(text.contains("<strong>role_arn</strong>"));
    assert!(text.contains("What to do: Copy the role"));
    assert!(text.contains("value=\"arn:aws:iam::12:role/x\""));
    assert!(
        text.contains("id=\"artifact-terraform\""),
        "the chosen tab is kept"
    );

    // A well-formed ARN of a role that does not exist: the connection test's findings, each
    // with its code, message and remediation.
    let missing = format!("arn:aws:iam::{CUSTOMER}:role/NotThere");
    let refused = server
        .form(
            &format!("{page}/role"),
            &[("csrf", &csrf), ("role_arn", &missing)],
        )
        .await;
    assert_eq!(refused.status, 200);
    let text = refused.text();
    assert!(text.contains("Connection test: refused"));
    assert!(text.contains("aria-describedby=\"role_arn-hint role_arn-error report\""));
    assert!(text.contains("class=\"code\"") && text.contains("What to do: "));
    assert!(text.contains("class=\"state state-pending\" id=\"state\""));

    // The simulated stack, then its ARN: active.
    let launched = server
        .form(&format!("{page}/simulate-stack"), &[("csrf", &csrf)])
        .await;
    assert_eq!(launched.status, 200);
    let role = role_from(&launched.text());
    assert!(launched.text().contains("id=\"notice\""));
    let right = server
        .form(
            &format!("{page}/role"),
            &[("csrf", &csrf), ("role_arn", &role)],
        )
        .await;
    assert_eq!(right.status, 200);
    let text = right.text();
    assert!(text.contains("Connection test: verified"));
    assert!(text.contains("class=\"state state-active\" id=\"state\">active<"));
    assert_no_inline_code(&text);
}

#[tokio::test]
async fn forms_without_the_pages_csrf_token_are_refused_and_change_nothing() {
    let server = start().await;
    let prod = server.create(&server.acme, "prod").await;
    let other = server.create(&server.acme, "other").await;
    let page = path_of(prod["onboarding_url"].as_str().unwrap());
    let other_csrf = csrf_of(
        &server
            .send(
                "GET",
                &path_of(other["onboarding_url"].as_str().unwrap()),
                None,
                None,
            )
            .await
            .text(),
    );
    let stack = server
        .send("POST", "/simulate/stacks/prod", Some(&server.acme), None)
        .await;
    let role = stack.json()["role_arn"].as_str().unwrap().to_owned();
    for csrf in ["", "0", &other_csrf] {
        let answer = server
            .form(
                &format!("{page}/role"),
                &[("csrf", csrf), ("role_arn", &role)],
            )
            .await;
        answer.problem(403);
        let answer = server
            .form(&format!("{page}/simulate-stack"), &[("csrf", csrf)])
            .await;
        answer.problem(403);
    }
    let live = server
        .send("GET", &format!("{page}/state"), None, None)
        .await
        .json();
    assert_eq!(live["state"], "pending");
}

#[tokio::test]
async fn a_verifying_connection_refreshes_without_script_only_while_verifying() {
    let server = start().await;
    let prod = server.create(&server.acme, "prod").await;
    let page = path_of(prod["onboarding_url"].as_str().unwrap());
    let pending = server.send("GET", &page, None, None).await.text();
    assert!(!pending.contains("http-equiv=\"refresh\""));
    assert!(pending.contains("id=\"refresh\""));
    // An inconclusive test leaves the connection verifying: the STS is throttled.
    let stack = server
        .send("POST", "/simulate/stacks/prod", Some(&server.acme), None)
        .await;
    let role = stack.json()["role_arn"].as_str().unwrap().to_owned();
    pages_support::throttle_sts(&server).await;
    let submitted = server
        .send(
            "POST",
            "/v1/connections/prod/role",
            Some(&server.acme),
            Some(&serde_json::json!({ "role_arn": role })),
        )
        .await;
    assert_eq!(
        submitted.json()["connection"]["state"],
        "verifying",
        "{}",
        submitted.text()
    );
    let verifying = server.send("GET", &page, None, None).await.text();
    assert!(verifying.contains("<noscript><meta http-equiv=\"refresh\" content=\"3\"></noscript>"));
    assert!(verifying.contains("class=\"state state-verifying\" id=\"state\""));
}
