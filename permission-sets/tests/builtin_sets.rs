//! The built-in sets render as their seeds describe, within IAM's quotas and validator.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::path::PathBuf;

use iam_policy::{PolicyDocument, PolicyKind, Validator};
use permission_sets::{ParameterValues, PolicyTarget, builtin};

fn seed(name: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/seeds")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            eprintln!(
                "skipping seed comparison: {} not readable ({e}); it lives in ../shared",
                path.display()
            );
            None
        }
    }
}

/// The first balanced `{...}` after `marker`.
fn json_after(text: &str, marker: &str) -> String {
    let start = text.find(marker).expect("marker present") + marker.len();
    let body = &text[start..];
    let open = body.find('{').expect("an object follows");
    let mut depth = 0;
    for (i, c) in body[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return body[open..open + i + 1].to_owned();
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced JSON after {marker}");
}

fn actions(docs: &[PolicyDocument]) -> Vec<String> {
    docs.iter()
        .flat_map(|d| d.statements())
        .flat_map(|s| s.action.patterns().iter().map(|a| a.to_string()))
        .collect()
}

#[test]
fn axiom_set_renders_axioms_exact_action_list() {
    let set = builtin::read_only_scan().unwrap();
    let rendered = set
        .render(&ParameterValues::new(), PolicyTarget::InlinePolicies)
        .unwrap();
    assert_eq!(rendered.documents.len(), 1);
    let ours = actions(&rendered.documents);
    let Some(text) = seed("003_4f5be45d5f4ee9aa.txt") else {
        assert_eq!(ours.len(), 19);
        return;
    };
    let published: PolicyDocument = json_after(&text, "Create an inline policy on the role:")
        .parse()
        .unwrap();
    assert_eq!(ours, actions(&[published]), "same actions, same order");
    // Every line says why, and the table shows each reason.
    let table = set.explanation_table();
    for grant in set.grants() {
        assert!(table.contains(&grant.justification), "{table}");
    }
    assert!(table.contains("never read"));
}

#[test]
fn every_builtin_renders_within_quotas_and_validates() {
    for set in builtin::all() {
        let values = set.sample_values();
        for target in [PolicyTarget::ManagedPolicies, PolicyTarget::InlinePolicies] {
            let rendered = set
                .render(&values, target)
                .unwrap_or_else(|e| panic!("{} {target:?}: {e}", set.name()));
            let (kind, limit) = match target {
                PolicyTarget::ManagedPolicies => (PolicyKind::ManagedPolicy, 6144),
                _ => (PolicyKind::RoleInlinePolicy, 10240),
            };
            let total: usize = rendered.documents.iter().map(iam_policy::policy_size).sum();
            for doc in &rendered.documents {
                assert!(iam_policy::policy_size(doc) <= limit, "{}", set.name());
                let errors: Vec<_> = Validator::new(kind)
                    .validate(doc)
                    .into_iter()
                    .filter(|f| f.severity == iam_policy::Severity::Error)
                    .collect();
                assert!(errors.is_empty(), "{}: {errors:?}", set.name());
            }
            if target == PolicyTarget::InlinePolicies {
                assert!(total <= 10240);
            }
            assert_eq!(
                rendered.managed_policy_arns.len(),
                set.managed_policies().len()
            );
        }
    }
}

#[test]
fn orchestrator_passes_only_roles_under_the_chosen_path() {
    let set = builtin::orchestrator().unwrap();
    let values = ParameterValues::new().with_value("PassRolePath", "/acme/workloads/");
    let json = set
        .render(&values, PolicyTarget::ManagedPolicies)
        .unwrap()
        .documents
        .iter()
        .map(PolicyDocument::to_json)
        .collect::<String>();
    assert!(
        json.contains(r#""Resource":["arn:aws:iam::*:role/acme/workloads/*"]"#),
        "{json}"
    );
    assert!(json.contains(r#""iam:PassedToService":["ecs-tasks.amazonaws.com","lambda.amazonaws.com","ec2.amazonaws.com"]"#));
    assert!(
        set.render(
            &ParameterValues::new().with_value("PassRolePath", "acme"),
            PolicyTarget::ManagedPolicies
        )
        .is_err()
    );
}

#[test]
fn nomos_sets_scope_to_configured_resources_and_mark_step_up() {
    let s3 = builtin::s3_read().unwrap();
    let values =
        ParameterValues::new().with_values("Buckets", ["acme-prod-data", "acme-prod-logs"]);
    let doc = &s3
        .render(&values, PolicyTarget::InlinePolicies)
        .unwrap()
        .documents[0];
    let json = doc.to_json();
    assert!(
        json.contains(
            r#""Resource":["arn:aws:s3:::acme-prod-data/*","arn:aws:s3:::acme-prod-logs/*"]"#
        ),
        "{json}"
    );
    assert!(
        s3.render(&ParameterValues::new(), PolicyTarget::InlinePolicies)
            .is_err(),
        "buckets are required"
    );

    let ec2 = builtin::ec2_operator().unwrap();
    let step_up: Vec<_> = ec2
        .grants()
        .iter()
        .filter(|g| g.step_up)
        .map(|g| g.id.as_str())
        .collect();
    assert_eq!(step_up, ["StartStopInstances"]);
    // A session can be narrowed to the grants that need no approval.
    let session = ec2
        .session_policy(&ParameterValues::new(), Some(&["DescribeInstances"]))
        .unwrap();
    assert_eq!(actions(&[session]), ["ec2:DescribeInstances"]);
    assert!(
        ec2.session_policy(&ParameterValues::new(), Some(&["Nope"]))
            .is_err()
    );
}

#[test]
fn cloudcraft_and_doit_attach_managed_policies() {
    let cloudcraft = builtin::read_only_access().unwrap();
    let rendered = cloudcraft
        .render(&ParameterValues::new(), PolicyTarget::ManagedPolicies)
        .unwrap();
    assert!(rendered.documents.is_empty());
    assert_eq!(
        rendered.managed_policy_arns[0].to_string(),
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    );

    let doit = builtin::get("doit:cloudflow-example").unwrap();
    let rendered = doit
        .render(&ParameterValues::new(), PolicyTarget::ManagedPolicies)
        .unwrap();
    assert_eq!(rendered.managed_policy_arns.len(), 1);
    assert_eq!(actions(&rendered.documents), ["S3:GetObject"]);
}
