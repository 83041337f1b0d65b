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
async fn the_servers_address_is_a_page_that_points_the_way_and_names_no_connection() {
    let server = start().await;
    let prod = server.create(&server.acme, "prod").await;
    let answer = server.send("GET", "/", None, None).await;
    assert_eq!(answer.status, 200);
    assert!(
        answer
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    );
    let csp = answer.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'"));
    let text = answer.text();
    assert!(text.contains("href=\"/v1/openapi.json\""), "{text}");
    assert!(text.contains("href=\"/operator\""), "{text}");
    assert!(
        text.contains("printed in the terminal"),
        "simulate mode says where the link is"
    );
    // No connection, token or External ID on it.
    assert!(!text.contains("/onboarding/pt."), "{text}");
    assert!(!text.contains(prod["external_id"].as_str().unwrap()));
    assert_no_inline_code(&text);
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
    // The refusal before the fix is history: not shown as the diagnosis of the active
    // connection, neither on the page nor by the state endpoint; the form gives way.
    assert!(
        text.contains("<div id=\"diagnosis\" aria-live=\"polite\"></div>"),
        "{text}"
    );
    assert!(text.contains("id=\"role-form\" novalidate hidden"));
    assert!(
        !text.contains("Launch stack (simulated)"),
        "no stack to launch once active"
    );
    let live = server
        .send("GET", &format!("{page}/state"), None, None)
        .await
        .json();
    assert!(live["diagnosis"].is_null(), "{live}");
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

mod operator {
    use std::sync::Arc;

    use connector_server::{OperatorKey, RecentChanges};
    use secrecy::ExposeSecret as _;

    use crate::harness::{Server, csrf_of, path_of, start_custom};
    use crate::pages_support::{cookie_of, request, role_from};

    struct Setup {
        server: Server,
        acting: String,
        read_only: String,
    }

    async fn setup() -> Setup {
        let recent = Arc::new(RecentChanges::new(50));
        let (acting_key, acting) = OperatorKey::issue("oncall", true).unwrap();
        let (read_key, read_only) = OperatorKey::issue("support", false).unwrap();
        let subscriber = Arc::clone(&recent);
        let server = start_custom(
            |_| {},
            None,
            move |c| c.with_subscriber(subscriber),
            move |b| {
                b.with_operator_key(acting_key)
                    .with_operator_key(read_key)
                    .with_recent_changes(recent)
            },
        )
        .await;
        Setup {
            server,
            acting: acting.expose_secret().to_owned(),
            read_only: read_only.expose_secret().to_owned(),
        }
    }

    /// Logs in through the form; the session cookie.
    async fn login(server: &Server, key: &str) -> String {
        let form = server
            .send("GET", "/operator/login", None, None)
            .await
            .text();
        let answer = request(
            server,
            "POST",
            "/operator/login",
            &[("sec-fetch-site", "same-origin")],
            Some(&[("csrf", &csrf_of(&form)), ("key", key)]),
        )
        .await;
        assert_eq!(answer.status, 303, "{}", answer.text());
        assert_eq!(answer.header("location"), Some("/operator"));
        cookie_of(&answer)
    }

    #[tokio::test]
    async fn only_an_operator_key_opens_the_operator_page_never_a_tenant_key() {
        let setup = setup().await;
        let server = &setup.server;
        let created = server.create(&server.acme, "prod").await;
        let page_token = path_of(created["onboarding_url"].as_str().unwrap())
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        // Nothing: the login form.
        let none = server.send("GET", "/operator", None, None).await;
        assert_eq!(none.status, 303);
        assert_eq!(none.header("location"), Some("/operator/login"));
        // A tenant's admin key, a page token, a forged operator key: 401.
        let forged = format!("{}x", &setup.acting[..setup.acting.len() - 1]);
        for key in [&server.acme, &server.globex, &page_token, &forged] {
            let answer = server.send("GET", "/operator", Some(key), None).await;
            answer.problem(401);
            assert!(!answer.text().contains("prod"));
        }
        // A tenant key in the login form: refused, no cookie.
        let form = server
            .send("GET", "/operator/login", None, None)
            .await
            .text();
        assert!(form.contains("<label for=\"operator_key\""));
        let refused = request(
            server,
            "POST",
            "/operator/login",
            &[],
            Some(&[("csrf", &csrf_of(&form)), ("key", &server.acme)]),
        )
        .await;
        assert_eq!(refused.status, 401);
        assert!(refused.header("set-cookie").is_none());
        assert!(refused.text().contains("id=\"error\" role=\"alert\""));
        // The operator keys: by bearer header, or by the session the login sets.
        for key in [&setup.acting, &setup.read_only] {
            let answer = server.send("GET", "/operator", Some(key), None).await;
            assert_eq!(answer.status, 200, "{}", answer.text());
            assert!(answer.text().contains("The fleet at a glance"));
        }
    }

    #[tokio::test]
    async fn the_login_sets_a_strict_signed_expiring_session_and_refuses_cross_site_posts() {
        let setup = setup().await;
        let server = &setup.server;
        let form = server
            .send("GET", "/operator/login", None, None)
            .await
            .text();
        let csrf = csrf_of(&form);
        // No CSRF token, or a post from another site: 403.
        for (headers, token) in [
            (vec![], "0".repeat(64)),
            (vec![("sec-fetch-site", "cross-site")], csrf.clone()),
        ] {
            let answer = request(
                server,
                "POST",
                "/operator/login",
                &headers,
                Some(&[("csrf", &token), ("key", &setup.acting)]),
            )
            .await;
            answer.problem(403);
        }
        let answer = request(
            server,
            "POST",
            "/operator/login",
            &[],
            Some(&[("csrf", &csrf), ("key", &setup.acting)]),
        )
        .await;
        assert_eq!(answer.status, 303);
        let set_cookie = answer.header("set-cookie").unwrap();
        for attribute in [
            "HttpOnly",
            "SameSite=Strict",
            "Path=/operator",
            "Max-Age=28800",
        ] {
            assert!(set_cookie.contains(attribute), "{set_cookie}");
        }
        assert!(!set_cookie.contains("Secure"), "http: no Secure");
        assert!(
            !set_cookie.contains(&setup.acting),
            "the key is not in the cookie"
        );
        let cookie = cookie_of(&answer);
        let page = request(server, "GET", "/operator", &[("cookie", &cookie)], None).await;
        assert_eq!(page.status, 200);
        assert!(page.text().contains("id=\"operator\">oncall<"));

        // A session stretched by hand, or signed for another key, opens nothing.
        let value = cookie.split_once('=').unwrap().1;
        let mut parts = value.splitn(3, '.');
        let (id, expires, mac) = (
            parts.next().unwrap(),
            parts.next().unwrap().parse::<u64>().unwrap(),
            parts.next().unwrap(),
        );
        for forged in [
            format!("connector_operator={id}.{}.{mac}", expires + 3600),
            format!("connector_operator=0000000000000000.{expires}.{mac}"),
            format!("connector_operator={id}.{expires}.{}", "0".repeat(64)),
        ] {
            let answer = request(server, "GET", "/operator", &[("cookie", &forged)], None).await;
            assert_eq!(answer.status, 303, "{forged}");
        }

        // Log out: the cookie is removed.
        let csrf = csrf_of(&page.text());
        let out = request(
            server,
            "POST",
            "/operator/logout",
            &[("cookie", &cookie)],
            Some(&[("csrf", &csrf)]),
        )
        .await;
        assert_eq!(out.status, 303);
        assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    }

    #[tokio::test]
    async fn the_page_shows_counts_trouble_with_diagnosis_and_recent_changes_and_acts_only_when_allowed()
     {
        let setup = setup().await;
        let server = &setup.server;
        // acme/prod: active, then its role deleted by the customer; acme/new: pending.
        let created = server.create(&server.acme, "prod").await;
        server.create(&server.globex, "new").await;
        let page = path_of(created["onboarding_url"].as_str().unwrap());
        let html = server.send("GET", &page, None, None).await.text();
        let csrf = csrf_of(&html);
        let missing = format!("arn:aws:iam::{}:role/NotThere", crate::harness::CUSTOMER);
        let refused = server
            .form(
                &format!("{page}/role"),
                &[("csrf", &csrf), ("role_arn", &missing)],
            )
            .await;
        assert!(refused.text().contains("Connection test: refused"));
        let launched = server
            .form(&format!("{page}/simulate-stack"), &[("csrf", &csrf)])
            .await;
        let role = role_from(&launched.text());
        let active = server
            .form(
                &format!("{page}/role"),
                &[("csrf", &csrf), ("role_arn", &role)],
            )
            .await;
        assert!(active.text().contains(">active<"));
        server.sts.delete_role(&role.parse().unwrap()).unwrap();

        // Read-only: counts and recent changes, no buttons; its POSTs are refused.
        let cookie = login(server, &setup.read_only).await;
        let view = request(server, "GET", "/operator", &[("cookie", &cookie)], None).await;
        let text = view.text();
        assert!(
            text.contains("id=\"count-active\"><strong>1</strong>active"),
            "{text}"
        );
        assert!(text.contains("id=\"count-pending\"><strong>1</strong>pending"));
        assert!(text.contains("id=\"no-trouble\""));
        assert!(text.contains("<code>acme_prod</code></td><td>pending</td><td>verifying</td>"));
        // The refusal explains the move back to pending, not the later move to active.
        assert!(
            text.contains("<td>verifying</td><td>active</td><td></td>"),
            "{text}"
        );
        assert!(
            text.contains(
                "<td>verifying</td><td>pending</td><td><strong>ASSUME_ROLE_DENIED</strong>"
            )
        );
        assert!(!text.contains("Check now"));
        let csrf_ro = csrf_of(&text);
        let refused = request(
            server,
            "POST",
            "/operator/connections/acme_prod/check",
            &[("cookie", &cookie)],
            Some(&[("csrf", &csrf_ro)]),
        )
        .await;
        refused.problem(403);
        server
            .send(
                "POST",
                "/operator/connections/acme_prod/disconnect",
                Some(&setup.read_only),
                None,
            )
            .await
            .problem(403);

        // The acting operator: without the session's CSRF token, refused; with it, "check
        // now" finds the role gone: disconnected by the customer, in trouble, with the
        // diagnosis and what to do.
        let cookie = login(server, &setup.acting).await;
        let view = request(server, "GET", "/operator", &[("cookie", &cookie)], None).await;
        let csrf = csrf_of(&view.text());
        let no_token = request(
            server,
            "POST",
            "/operator/connections/acme_prod/check",
            &[("cookie", &cookie)],
            Some(&[("csrf", &csrf_ro)]),
        )
        .await;
        no_token.problem(403);
        let checked = request(
            server,
            "POST",
            "/operator/connections/acme_prod/check",
            &[("cookie", &cookie), ("sec-fetch-site", "same-origin")],
            Some(&[("csrf", &csrf)]),
        )
        .await;
        assert_eq!(checked.status, 200, "{}", checked.text());
        let text = checked.text();
        assert!(
            text.contains("Checked acme_prod: refused (active → disconnected)"),
            "{text}"
        );
        assert!(text.contains("<td>disconnected by the customer</td>"));
        assert!(text.contains("In trouble (1)"));
        assert!(text.contains("<td>active</td><td>disconnected</td>"));
        assert!(text.contains("Check now") && text.contains("Disconnect"));
        // No External ID, no key, no page token on the operator page.
        assert!(!text.contains(created["external_id"].as_str().unwrap()));
        assert!(!text.contains(&server.acme) && !text.contains("pt."));
        crate::pages_support::assert_no_inline_code(&text);

        // By bearer header, no CSRF token needed (a browser never sends it on its own).
        let disconnected = server
            .send(
                "POST",
                "/operator/connections/globex_new/disconnect",
                Some(&setup.acting),
                None,
            )
            .await;
        assert_eq!(disconnected.status, 200, "{}", disconnected.text());
        assert!(
            disconnected
                .text()
                .contains("Disconnected globex_new (now disconnected).")
        );
        // An unknown connection: 404.
        server
            .send(
                "POST",
                "/operator/connections/acme_none/check",
                Some(&setup.acting),
                None,
            )
            .await
            .problem(404);
    }

    #[tokio::test]
    async fn recent_changes_keep_only_the_newest_up_to_their_capacity() {
        let recent = Arc::new(RecentChanges::new(2));
        let (key, operator) = OperatorKey::issue("oncall", false).unwrap();
        let subscriber = Arc::clone(&recent);
        let shown = Arc::clone(&recent);
        let server = start_custom(
            |_| {},
            None,
            move |c| c.with_subscriber(subscriber),
            move |b| b.with_operator_key(key).with_recent_changes(shown),
        )
        .await;
        server.create(&server.acme, "prod").await;
        let stack = server
            .send("POST", "/simulate/stacks/prod", Some(&server.acme), None)
            .await;
        let role = stack.json()["role_arn"].as_str().unwrap().to_owned();
        let body = serde_json::json!({ "role_arn": role });
        server
            .send(
                "POST",
                "/v1/connections/prod/role",
                Some(&server.acme),
                Some(&body),
            )
            .await;
        server
            .send(
                "POST",
                "/v1/connections/prod/disconnect",
                Some(&server.acme),
                None,
            )
            .await;
        // pending → verifying → active → disconnected: three changes, two kept, newest first.
        let kept: Vec<(&str, &str)> = recent
            .newest_first()
            .iter()
            .map(|c| (c.from().name(), c.to().name()))
            .collect();
        assert_eq!(kept, [("active", "disconnected"), ("verifying", "active")]);
        let text = server
            .send("GET", "/operator", Some(operator.expose_secret()), None)
            .await
            .text();
        assert_eq!(text.matches("<code>acme_prod</code>").count(), 2, "{text}");
        assert!(!text.contains("<td>pending</td><td>verifying</td>"));
        // The vendor's own disconnect is no trouble.
        assert!(text.contains("In trouble (0)"), "{text}");
    }
}
