//! The whole onboarding flow over HTTP, and the problem documents of bad input.

use serde_json::json;

use crate::harness::{CUSTOMER, path_of, start};

#[tokio::test]
async fn create_wrong_arn_right_arn_active_disconnect() {
    let server = start().await;
    let key = server.acme.clone();
    let created = server.create(&key, "prod").await;
    let external_id = created["external_id"].as_str().unwrap();
    assert_eq!(created["connection"]["state"], "pending");
    assert_eq!(created["connection"]["name"], "prod");
    assert_eq!(created["connection"]["external_id"], external_id);
    let link = created["quick_create_link"].as_str().unwrap();
    assert!(
        link.starts_with("https://") && link.contains(external_id),
        "{link}"
    );
    assert!(
        created["onboarding_url"]
            .as_str()
            .unwrap()
            .contains("/onboarding/pt.")
    );
    for format in ["cloudformation", "stacksets", "terraform", "manual"] {
        let url = created["artifacts"][format].as_str().unwrap();
        let answer = server.send("GET", &path_of(url), Some(&key), None).await;
        assert_eq!(answer.status, 200, "{format}: {}", answer.text());
        assert!(answer.text().contains(external_id), "{format}");
    }
    let all = server
        .send("GET", "/v1/connections/prod/artifacts", Some(&key), None)
        .await;
    assert!(
        all.json()["trust_policy"]
            .as_str()
            .unwrap()
            .contains(external_id)
    );

    // A syntactically wrong ARN: a problem naming the field and the rule; nothing tested.
    let bad = server
        .send(
            "POST",
            "/v1/connections/prod/role",
            Some(&key),
            Some(&json!({ "role_arn": "arn:aws:iam::12:role/x" })),
        )
        .await;
    let problem = bad.problem(422);
    assert_eq!(problem["field"], "role_arn");
    assert!(problem["rule"].as_str().is_some_and(|r| !r.is_empty()));

    // A role that does not exist: the connection test refuses it, with codes and remediation.
    let wrong_role = format!("arn:aws:iam::{CUSTOMER}:role/NotThere");
    let refused = server
        .send(
            "POST",
            "/v1/connections/prod/role",
            Some(&key),
            Some(&json!({ "role_arn": wrong_role })),
        )
        .await;
    assert_eq!(refused.status, 200, "{}", refused.text());
    let refused = refused.json();
    assert_eq!(refused["report"]["outcome"], "refused");
    let finding = &refused["report"]["findings"][0];
    assert!(finding["code"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(
        finding["remediation"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    assert_eq!(refused["connection"]["state"], "pending");
    assert!(refused["connection"]["diagnosis"]["code"].is_string());

    // The customer "creates the stack" (simulated account), then the right ARN.
    let stack = server
        .send("POST", "/simulate/stacks/prod", Some(&key), None)
        .await;
    assert_eq!(stack.status, 200, "{}", stack.text());
    let role = stack.json()["role_arn"].as_str().unwrap().to_owned();
    let active = server
        .send(
            "POST",
            "/v1/connections/prod/role",
            Some(&key),
            Some(&json!({ "role_arn": role })),
        )
        .await;
    assert_eq!(active.status, 200, "{}", active.text());
    let active = active.json();
    assert_eq!(active["report"]["outcome"], "verified");
    assert_eq!(active["connection"]["state"], "active");
    assert_eq!(active["connection"]["role_arn"], role.as_str());

    // The test again, the state, the listing filtered by state.
    let again = server
        .send("POST", "/v1/connections/prod/verify", Some(&key), None)
        .await;
    assert_eq!(again.json()["connection"]["state"], "active");
    let got = server
        .send("GET", "/v1/connections/prod", Some(&key), None)
        .await;
    assert_eq!(got.json()["state"], "active");
    let listed = server
        .send("GET", "/v1/connections?state=active", Some(&key), None)
        .await
        .json();
    assert_eq!(listed["connections"][0]["name"], "prod");
    let pending = server
        .send("GET", "/v1/connections?state=pending", Some(&key), None)
        .await
        .json();
    assert_eq!(pending["connections"].as_array().unwrap().len(), 0);

    // Rotation: start (both ids accepted by the artifacts), update the stack, complete.
    let rotating = server
        .send("POST", "/v1/connections/prod/rotation", Some(&key), None)
        .await
        .json();
    let next = rotating["next_external_id"].as_str().unwrap().to_owned();
    let stack = server
        .send("POST", "/simulate/stacks/prod", Some(&key), None)
        .await;
    assert_eq!(stack.status, 200, "{}", stack.text());
    let completed = server
        .send(
            "POST",
            "/v1/connections/prod/rotation/complete",
            Some(&key),
            None,
        )
        .await
        .json();
    assert_eq!(completed["report"]["outcome"], "verified");
    assert_eq!(completed["connection"]["external_id"], next.as_str());
    assert!(completed["connection"]["next_external_id"].is_null());

    let disconnected = server
        .send("POST", "/v1/connections/prod/disconnect", Some(&key), None)
        .await;
    assert_eq!(disconnected.json()["state"], "disconnected");
    let removed = server
        .send("DELETE", "/v1/connections/prod", Some(&key), None)
        .await;
    assert_eq!(removed.json()["state"], "removed");
}

#[tokio::test]
async fn listing_pages_through_every_connection_once() {
    let server = start().await;
    for i in 0..7 {
        server.create(&server.acme, &format!("c{i}")).await;
    }
    // Another tenant's connections sort right after acme's: never listed.
    server.create(&server.globex, "c9").await;
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/connections?limit=3&cursor={c}"),
            None => "/v1/connections?limit=3".to_owned(),
        };
        let page = server
            .send("GET", &path, Some(&server.acme), None)
            .await
            .json();
        for c in page["connections"].as_array().unwrap() {
            names.push(c["name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(names, ["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
}

#[tokio::test]
async fn bad_input_is_a_problem_naming_the_field_and_the_rule() {
    let server = start().await;
    let key = server.acme.clone();
    let cases = [
        (json!({ "name": "bad name!" }), "name"),
        (json!({ "name": "" }), "name"),
        (json!({ "name": "x".repeat(70) }), "name"),
        (json!({ "name": 5 }), "name"),
        (
            json!({ "name": "ok", "regions": ["nowhere!"] }),
            "regions[0]",
        ),
        (json!({ "name": "ok", "account_id": "12" }), "account_id"),
        (
            json!({ "name": "ok", "permission_set": "nope" }),
            "permission_set",
        ),
        (
            json!({ "name": "ok", "display_name": "x".repeat(1000) }),
            "display_name",
        ),
    ];
    for (body, field) in cases {
        let answer = server
            .send("POST", "/v1/connections", Some(&key), Some(&body))
            .await;
        let problem = answer.problem(422);
        assert_eq!(problem["field"], field, "{body}");
        assert!(
            problem["rule"].as_str().is_some_and(|r| !r.is_empty()),
            "{body}"
        );
    }
    // Unknown fields are refused too.
    let answer = server
        .send(
            "POST",
            "/v1/connections",
            Some(&key),
            Some(&json!({ "name": "ok", "admin": true })),
        )
        .await;
    assert!(
        answer.problem(422)["rule"]
            .as_str()
            .unwrap()
            .contains("admin")
    );
    // Broken JSON and another media type.
    let mut request = hyper::Request::builder()
        .method("POST")
        .uri(server.url("/v1/connections"))
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json");
    let broken = server
        .raw(
            request
                .body(http_body_util::Full::new(bytes::Bytes::from("{\"name\":")))
                .unwrap(),
        )
        .await;
    broken.problem(400);
    request = hyper::Request::builder()
        .method("POST")
        .uri(server.url("/v1/connections"))
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "text/plain");
    let media = server
        .raw(
            request
                .body(http_body_util::Full::new(bytes::Bytes::from("name=x")))
                .unwrap(),
        )
        .await;
    assert_eq!(media.problem(415)["field"], "Content-Type");
    // The listing's query.
    for (query, field) in [
        ("state=bogus", "state"),
        ("limit=0", "limit"),
        ("cursor=a%20b", "cursor"),
    ] {
        let answer = server
            .send("GET", &format!("/v1/connections?{query}"), Some(&key), None)
            .await;
        assert_eq!(answer.problem(422)["field"], field, "{query}");
    }
    // An artifact format that does not exist.
    server.create(&key, "prod").await;
    let answer = server
        .send(
            "GET",
            "/v1/connections/prod/artifacts?format=pdf",
            Some(&key),
            None,
        )
        .await;
    assert_eq!(answer.problem(422)["field"], "format");
    // Creating the same name twice: a conflict naming the field.
    let again = server
        .send(
            "POST",
            "/v1/connections",
            Some(&key),
            Some(&json!({ "name": "prod" })),
        )
        .await;
    assert_eq!(again.problem(409)["field"], "name");
}

#[tokio::test]
async fn the_permission_sets_say_why_each_line() {
    let server = start().await;
    let sets = server
        .send("GET", "/v1/permission-sets", Some(&server.acme), None)
        .await
        .json();
    let set = &sets[0];
    assert!(
        set["reference"]
            .as_str()
            .unwrap()
            .starts_with("axiom:read-only-scan@")
    );
    let lines = set["lines"].as_array().unwrap();
    assert!(!lines.is_empty());
    assert!(
        lines
            .iter()
            .all(|l| l["why"].as_str().is_some_and(|w| !w.is_empty()))
    );
}
