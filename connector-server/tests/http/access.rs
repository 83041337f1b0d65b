//! Authentication, tenant isolation and the access matrix, on every endpoint.

use connector_server::directory::keys::KeyPolicy;
use connector_server::directory::{Access, ConnectionName, Grantee, TenantId};
use serde_json::json;

use crate::harness::{CUSTOMER, key_of, path_of, start};

/// Every endpoint on one connection: method, path (`{n}` for the name), body, the access it
/// needs.
fn endpoints() -> Vec<(
    &'static str,
    &'static str,
    Option<serde_json::Value>,
    Access,
)> {
    let role = json!({ "role_arn": format!("arn:aws:iam::{CUSTOMER}:role/Missing") });
    vec![
        ("GET", "/v1/connections/{n}", None, Access::View),
        ("GET", "/v1/connections/{n}/artifacts", None, Access::View),
        ("POST", "/v1/connections/{n}/verify", None, Access::Use),
        ("POST", "/v1/connections/{n}/credentials", None, Access::Use),
        (
            "POST",
            "/v1/connections/{n}/role",
            Some(role),
            Access::Manage,
        ),
        (
            "POST",
            "/v1/connections/{n}/disconnect",
            None,
            Access::Manage,
        ),
        ("POST", "/v1/connections/{n}/rotation", None, Access::Manage),
        (
            "POST",
            "/v1/connections/{n}/rotation/complete",
            None,
            Access::Manage,
        ),
        (
            "POST",
            "/v1/connections/{n}/onboarding-link",
            None,
            Access::Manage,
        ),
        ("DELETE", "/v1/connections/{n}", None, Access::Manage),
        ("POST", "/simulate/stacks/{n}", None, Access::Manage),
    ]
}

#[tokio::test]
async fn every_v1_route_but_openapi_answers_401_without_a_valid_key() {
    let server = start().await;
    let created = server.create(&server.acme, "prod").await;
    let page_token = path_of(created["onboarding_url"].as_str().unwrap())
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let revoked = server
        .send("POST", "/v1/keys/rotate", Some(&server.globex), None)
        .await;
    assert_eq!(revoked.status, 200);
    let mut routes: Vec<(&str, String, Option<serde_json::Value>)> = endpoints()
        .into_iter()
        .map(|(m, p, b, _)| (m, p.replace("{n}", "prod"), b))
        .collect();
    routes.push((
        "POST",
        "/v1/connections".into(),
        Some(json!({ "name": "x" })),
    ));
    routes.push(("GET", "/v1/connections".into(), None));
    routes.push(("GET", "/v1/permission-sets".into(), None));
    routes.push(("POST", "/v1/keys/rotate".into(), None));
    let last = if server.acme.ends_with('A') { 'B' } else { 'A' };
    let forged = format!("{}{last}", &server.acme[..server.acme.len() - 1]);
    for (method, path, body) in &routes {
        for key in [
            None,
            Some("nonsense"),
            Some(forged.as_str()),
            Some(page_token.as_str()),
            Some(server.globex.as_str()),
        ] {
            let answer = server.send(method, path, key, body.as_ref()).await;
            answer.problem(401);
            assert_eq!(
                answer.header("www-authenticate"),
                Some("Bearer"),
                "{method} {path}"
            );
        }
    }
    let openapi = server.send("GET", "/v1/openapi.json", None, None).await;
    assert_eq!(openapi.status, 200);
    let doc = openapi.json();
    assert!(doc["paths"]["/v1/connections/{name}/role"]["post"].is_object());
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
}

#[tokio::test]
async fn a_rotated_key_works_and_the_old_one_does_not() {
    let server = start().await;
    let rotated = server
        .send("POST", "/v1/keys/rotate", Some(&server.acme), None)
        .await
        .json();
    let new_key = rotated["api_key"].as_str().unwrap();
    assert_eq!(
        server
            .send("GET", "/v1/connections", Some(new_key), None)
            .await
            .status,
        200
    );
    server
        .send("GET", "/v1/connections", Some(&server.acme), None)
        .await
        .problem(401);
}

#[tokio::test]
async fn another_tenants_connection_is_the_same_404_as_a_missing_one_on_every_endpoint() {
    let server = start().await;
    let created = server.create(&server.acme, "prod").await;
    let external_id = created["external_id"].as_str().unwrap().to_owned();
    let before = server
        .send("GET", "/v1/connections/prod", Some(&server.acme), None)
        .await
        .json();
    for (method, path, body, _) in endpoints() {
        let theirs = server
            .send(
                method,
                &path.replace("{n}", "prod"),
                Some(&server.globex),
                body.as_ref(),
            )
            .await;
        let missing = server
            .send(
                method,
                &path.replace("{n}", "nothing-here"),
                Some(&server.globex),
                body.as_ref(),
            )
            .await;
        theirs.problem(404);
        assert_eq!(theirs.body, missing.body, "{method} {path}");
        assert!(!theirs.text().contains(&external_id) && !theirs.text().contains("acme"));
    }
    // Nothing changed, and globex's listing does not show it.
    let after = server
        .send("GET", "/v1/connections/prod", Some(&server.acme), None)
        .await
        .json();
    assert_eq!(before, after);
    let listed = server
        .send("GET", "/v1/connections", Some(&server.globex), None)
        .await
        .json();
    assert_eq!(listed["connections"].as_array().unwrap().len(), 0);
    // globex may use the same name: creating it says nothing about acme's.
    let theirs = server.create(&server.globex, "prod").await;
    assert_ne!(theirs["external_id"].as_str().unwrap(), external_id);
}

#[tokio::test]
async fn the_access_matrix_holds_on_every_endpoint() {
    let server = start().await;
    let tenant: TenantId = "acme".parse().unwrap();
    let levels = [
        None,
        Some(Access::View),
        Some(Access::Use),
        Some(Access::Manage),
    ];
    // One key per level by a grant to the key, and the same levels through a team.
    let mut callers = Vec::new();
    for level in levels {
        let key = key_of(
            server.directory.as_ref(),
            "acme",
            &KeyPolicy::granted_only("k"),
        )
        .await;
        callers.push((level, key, None));
        let team = format!("team{}", callers.len());
        let member = key_of(
            server.directory.as_ref(),
            "acme",
            &KeyPolicy::granted_only("m")
                .with_teams([team.clone()])
                .unwrap(),
        )
        .await;
        callers.push((level, member, Some(team)));
    }
    let mut cells = 0;
    for (e, (method, path, body, needed)) in endpoints().into_iter().enumerate() {
        for (c, (level, key, team)) in callers.iter().enumerate() {
            let name = format!("m{e}-{c}");
            server.create(&server.acme, &name).await;
            let connection = ConnectionName::parse(&tenant, &name).unwrap();
            if let Some(level) = level {
                let grantee = match team {
                    Some(team) => Grantee::team(team.clone()).unwrap(),
                    None => {
                        let presented = connector_server::directory::keys::authenticate(
                            server.directory.as_ref(),
                            key,
                        )
                        .await
                        .unwrap()
                        .unwrap();
                        presented.grantee()
                    }
                };
                server
                    .directory
                    .set_grant(&tenant, &connection, &grantee, Some(*level))
                    .await
                    .unwrap();
            }
            let answer = server
                .send(
                    method,
                    &path.replace("{n}", &name),
                    Some(key),
                    body.as_ref(),
                )
                .await;
            match level {
                None => {
                    answer.problem(404);
                }
                Some(level) if *level < needed => {
                    answer.problem(403);
                }
                Some(_) => assert!(
                    ![401, 403, 404].contains(&answer.status),
                    "{method} {path} with {level:?}: {} {}",
                    answer.status,
                    answer.text()
                ),
            }
            cells += 1;
        }
    }
    assert_eq!(cells, 88);
    // A key without grants lists nothing; with a view grant, just that connection.
    let (_, viewer, _) = &callers[2];
    let listed = server
        .send("GET", "/v1/connections", Some(viewer), None)
        .await
        .json();
    let names: Vec<_> = listed["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), endpoints().len(), "{names:?}");
    assert!(names.iter().all(|n| n.ends_with("-2")));
    // Only keys that may create, create.
    let (_, manager, _) = &callers[6];
    let refused = server
        .send(
            "POST",
            "/v1/connections",
            Some(manager),
            Some(&json!({ "name": "new" })),
        )
        .await;
    refused.problem(403);
}
