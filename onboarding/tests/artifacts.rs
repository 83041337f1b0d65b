//! Every artifact says the same thing: what CloudFormation would create from the template
//! (its intrinsic functions resolved), the manual path's files and the rendered permission
//! set are the same documents, for every built-in set and for other parameter values.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

mod support;

use std::collections::BTreeMap;

use onboarding::{Onboarding, OnboardingError, QuickCreateLink};
use permission_sets::{ParameterValues, PolicyTarget, builtin};
use proptest::prelude::*;
use serde_json::Value;
use support::{EXTERNAL_ID, TEMPLATE_URL, onboardings, resolve, stack_parameters};
use trust_policy::{CrossAccountTrust, VendorPrincipal};

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The trust policy and permission documents CloudFormation would create.
fn created_documents(
    onboarding: &Onboarding,
    parameters: &BTreeMap<String, (bool, String)>,
) -> (Value, Vec<Value>, Vec<Value>) {
    let template = json(&onboarding.cloudformation().unwrap().to_json().unwrap());
    let resources = template["Resources"].as_object().unwrap();
    let role = &resources["ConnectorRole"]["Properties"];
    let trust = resolve(&role["AssumeRolePolicyDocument"], parameters);
    let mut documents = Vec::new();
    if let Some(Value::Array(policies)) = role.get("Policies") {
        for policy in policies {
            documents.push(resolve(&policy["PolicyDocument"], parameters));
        }
    }
    for (id, resource) in resources {
        if id != "ConnectorRole" {
            assert_eq!(resource["Type"], "AWS::IAM::ManagedPolicy");
            documents.push(resolve(
                &resource["Properties"]["PolicyDocument"],
                parameters,
            ));
        }
    }
    let managed = role
        .get("ManagedPolicyArns")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    (trust, documents, managed)
}

#[test]
fn cloudformation_creates_exactly_the_rendered_documents() {
    for onboarding in onboardings() {
        let (trust, documents, managed) =
            created_documents(&onboarding, &stack_parameters(&onboarding));
        let name = onboarding.permission_set().name().to_owned();
        assert_eq!(trust, json(&onboarding.trust_policy().to_json()), "{name}");
        let expected: Vec<Value> = onboarding
            .policies()
            .iter()
            .map(|p| json(&p.document.to_json()))
            .collect();
        assert_eq!(documents, expected, "{name}");
        assert_eq!(
            managed.len(),
            onboarding.managed_policy_arns().len(),
            "{name}"
        );
        let manual = onboarding.manual().unwrap();
        assert_eq!(json(&manual.files()[0].contents), trust, "{name}");
        for (file, document) in manual.files()[1..].iter().zip(&expected) {
            assert_eq!(&json(&file.contents), document, "{name}: {}", file.name);
        }
    }
}

#[test]
fn template_parameters_change_what_cloudformation_creates() {
    let trust = CrossAccountTrust::new(
        VendorPrincipal::account("999988887777".parse().unwrap()),
        EXTERNAL_ID.parse().unwrap(),
    );
    let set = builtin::s3_read().unwrap();
    let onboarding = Onboarding::builder(trust, set.clone())
        .with_values(ParameterValues::new().with_values("Buckets", ["acme-a"]))
        .build()
        .unwrap();
    // The customer picks other buckets and is given another External ID in the console.
    let mut parameters = stack_parameters(&onboarding);
    parameters.insert("Buckets".into(), (true, "other-x,other-y,other-z".into()));
    parameters.insert("ExternalId".into(), (false, "AnotherExternalId42".into()));
    let (trust_doc, documents, _) = created_documents(&onboarding, &parameters);
    let expected = set
        .render(
            &ParameterValues::new().with_values("Buckets", ["other-x", "other-y", "other-z"]),
            PolicyTarget::InlinePolicies,
        )
        .unwrap();
    assert_eq!(documents, vec![json(&expected.documents[0].to_json())]);
    assert_eq!(
        trust_doc["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        "AnotherExternalId42"
    );
}

#[test]
fn yaml_and_json_are_the_same_template() {
    for onboarding in onboardings() {
        let template = onboarding.cloudformation().unwrap();
        let from_yaml: Value = serde_yaml_ng::from_str(&template.to_yaml().unwrap()).unwrap();
        assert_eq!(from_yaml, json(&template.to_json().unwrap()));
        let stackset = onboarding.stackset("AcmeConnector").unwrap();
        let from_yaml: Value = serde_yaml_ng::from_str(&stackset.to_yaml().unwrap()).unwrap();
        assert_eq!(from_yaml, json(&stackset.to_json().unwrap()));
    }
}

#[test]
fn every_input_is_a_parameter_variable_and_link_value() {
    for onboarding in onboardings() {
        let template = json(&onboarding.cloudformation().unwrap().to_json().unwrap());
        let hcl = onboarding.terraform().unwrap().to_hcl().unwrap();
        let link = onboarding
            .quick_create_link(&"eu-west-1".parse().unwrap(), TEMPLATE_URL, "AcmeConnector")
            .unwrap();
        let parts = QuickCreateLink::decode(link.as_str()).unwrap();
        assert_eq!(parts.region, "eu-west-1");
        assert_eq!(parts.template_url, TEMPLATE_URL);
        assert_eq!(parts.stack_name, "AcmeConnector");
        for input in onboarding.inputs() {
            let parameter = &template["Parameters"][&input.name];
            assert_eq!(
                parameter["Default"],
                input.default.join(","),
                "{}",
                input.name
            );
            assert_eq!(parameter["AllowedPattern"], input.pattern.as_str());
            assert!(
                hcl.contains(&format!("variable \"{}\"", input.terraform_name())),
                "{}",
                input.name
            );
            assert_eq!(
                parts.parameter(&input.name),
                Some(input.default.join(",").as_str())
            );
        }
        assert_eq!(parts.parameters.len(), onboarding.inputs().len());
    }
}

#[test]
fn stackset_wraps_the_same_role_template() {
    for onboarding in onboardings() {
        let stackset = json(
            &onboarding
                .stackset("AcmeConnector")
                .unwrap()
                .to_json()
                .unwrap(),
        );
        let properties = &stackset["Resources"]["ConnectorStackSet"]["Properties"];
        assert_eq!(properties["PermissionModel"], "SERVICE_MANAGED");
        assert_eq!(properties["AutoDeployment"]["Enabled"], true);
        let body = json(properties["TemplateBody"].as_str().unwrap());
        assert_eq!(
            body,
            json(&onboarding.cloudformation().unwrap().to_json().unwrap())
        );
        let keys: Vec<&str> = properties["Parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["ParameterKey"].as_str().unwrap())
            .collect();
        let inputs: Vec<&str> = onboarding
            .inputs()
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(keys, inputs);
    }
}

#[test]
fn manual_commands_create_then_attach_then_print_the_arn() {
    for onboarding in onboardings() {
        let manual = onboarding.manual().unwrap();
        let commands = manual.commands();
        assert!(commands[0].starts_with("aws iam create-role"));
        assert!(commands.last().unwrap().contains("get-role"));
        let puts = commands
            .iter()
            .filter(|c| c.contains("put-role-policy") || c.contains("create-policy"))
            .count();
        assert_eq!(puts, onboarding.policies().len());
        let attaches = commands
            .iter()
            .filter(|c| c.contains("attach-role-policy"))
            .count();
        let managed = usize::from(onboarding.policy_target() == PolicyTarget::ManagedPolicies)
            * onboarding.policies().len();
        assert_eq!(attaches, managed + onboarding.managed_policy_arns().len());
        let steps = manual.disconnect_steps();
        let last = steps.last().unwrap().command.as_deref().unwrap();
        assert!(
            last.starts_with("aws iam delete-role --role-name"),
            "{last}"
        );
        assert!(steps.iter().all(|s| s.command.is_some()));
        assert_eq!(steps.len(), commands.len() - 1 - managed);
    }
}

#[test]
fn bad_inputs_are_typed_errors_naming_the_field() {
    let trust = || {
        CrossAccountTrust::new(
            VendorPrincipal::account("999988887777".parse().unwrap()),
            EXTERNAL_ID.parse().unwrap(),
        )
    };
    let set = builtin::read_only_access().unwrap();
    let err = Onboarding::builder(trust(), set.clone())
        .with_role_name("has space")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("role name"), "{err}");
    let err = Onboarding::builder(trust(), set.clone())
        .with_max_session_duration(60)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("3,600 to 43,200"), "{err}");
    let err = Onboarding::builder(trust(), builtin::s3_read().unwrap())
        .build()
        .unwrap_err();
    assert!(matches!(err, OnboardingError::PermissionSet(_)));
    assert!(err.to_string().contains("Buckets"), "{err}");

    let onboarding = Onboarding::builder(trust(), set).build().unwrap();
    let region = "us-east-1".parse().unwrap();
    for (url, stack) in [
        ("http://b.s3.amazonaws.com/t.yaml", "Stack"),
        ("https://example.com/t.yaml", "Stack"),
        (TEMPLATE_URL, "1stack"),
        (TEMPLATE_URL, "has_underscore"),
    ] {
        let err = onboarding
            .quick_create_link(&region, url, stack)
            .unwrap_err();
        assert!(
            matches!(err, OnboardingError::InvalidValue { field, .. } if field == "template URL" || field == "stack name"),
            "{err}"
        );
    }
    let template = onboarding.cloudformation().unwrap();
    let err = QuickCreateLink::new(
        &template,
        &region,
        TEMPLATE_URL,
        "Stack",
        &[("Nope".into(), "x".into())],
    )
    .unwrap_err();
    assert!(err.to_string().contains("ExternalId, RoleName"), "{err}");
    assert!(onboarding.stackset("bad_name").is_err());
}

#[test]
fn a_link_too_long_is_refused() {
    let long_id = "a".repeat(1224);
    let trust = CrossAccountTrust::new(
        VendorPrincipal::account("999988887777".parse().unwrap()),
        long_id.parse().unwrap(),
    )
    .with_size_limit(4096)
    .unwrap();
    let onboarding = Onboarding::builder(trust, builtin::read_only_access().unwrap())
        .build()
        .unwrap();
    let region = "us-east-1".parse().unwrap();
    // 1,224 characters of External ID alone still fit; with a long template key they don't.
    assert!(
        onboarding
            .quick_create_link(&region, TEMPLATE_URL, "Stack")
            .is_ok()
    );
    let long_url = format!("https://acme.s3.amazonaws.com/{}.yaml", "k".repeat(700));
    let err = onboarding
        .quick_create_link(&region, &long_url, "Stack")
        .unwrap_err();
    assert!(
        matches!(err, OnboardingError::TooLarge { limit, .. } if limit == onboarding::MAX_LINK_LEN),
        "{err}"
    );
}

#[test]
fn large_sets_move_to_managed_policies() {
    let trust = CrossAccountTrust::new(
        VendorPrincipal::account("999988887777".parse().unwrap()),
        EXTERNAL_ID.parse().unwrap(),
    );
    // Forcing customer managed policies gives one AWS::IAM::ManagedPolicy per document,
    // attached to the role, and the same documents.
    let onboarding = Onboarding::builder(trust, builtin::read_only_scan().unwrap())
        .with_policy_target(PolicyTarget::ManagedPolicies)
        .build()
        .unwrap();
    let (_, documents, _) = created_documents(&onboarding, &stack_parameters(&onboarding));
    assert_eq!(documents.len(), onboarding.policies().len());
    let hcl = onboarding.terraform().unwrap().to_hcl().unwrap();
    assert!(hcl.contains("resource \"aws_iam_policy\""));
    assert!(hcl.contains("resource \"aws_iam_role_policy_attachment\""));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_valid_inputs_round_trip(
        external_id in "[A-Za-z0-9_+=,.@:/-]{2,64}",
        role_name in "[A-Za-z0-9+=,.@_-]{1,64}",
        buckets in proptest::collection::vec("[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", 1..4),
        stack in "[A-Za-z][A-Za-z0-9-]{0,40}",
    ) {
        let trust = CrossAccountTrust::new(
            VendorPrincipal::account("999988887777".parse().unwrap()),
            external_id.parse().unwrap(),
        );
        let onboarding = Onboarding::builder(trust, builtin::s3_read().unwrap())
            .with_values(ParameterValues::new().with_values("Buckets", buckets.clone()))
            .with_role_name(&role_name)
            .build()
            .unwrap();
        let (trust_doc, documents, _) =
            created_documents(&onboarding, &stack_parameters(&onboarding));
        prop_assert_eq!(trust_doc, json(&onboarding.trust_policy().to_json()));
        prop_assert_eq!(documents.len(), 1);
        prop_assert_eq!(&documents[0], &json(&onboarding.policies()[0].document.to_json()));
        let link = onboarding
            .quick_create_link(&"us-east-1".parse().unwrap(), TEMPLATE_URL, &stack)
            .unwrap();
        let parts = QuickCreateLink::decode(link.as_str()).unwrap();
        prop_assert_eq!(parts.parameter("ExternalId"), Some(external_id.as_str()));
        prop_assert_eq!(parts.parameter("RoleName"), Some(role_name.as_str()));
        let joined = buckets.join(",");
        prop_assert_eq!(parts.parameter("Buckets"), Some(joined.as_str()));
        prop_assert_eq!(parts.stack_name, stack);
    }
}

#[test]
fn during_a_rotation_the_parameter_is_the_first_id_and_the_second_stays() {
    let trust = CrossAccountTrust::new(
        VendorPrincipal::account("999988887777".parse().unwrap()),
        EXTERNAL_ID.parse().unwrap(),
    )
    .also_accept("NextExternalId0123456789".parse().unwrap())
    .unwrap();
    let onboarding = Onboarding::builder(trust, builtin::read_only_access().unwrap())
        .build()
        .unwrap();
    let template = json(&onboarding.cloudformation().unwrap().to_json().unwrap());
    let ids = &template["Resources"]["ConnectorRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        [0]["Condition"]["StringEquals"]["sts:ExternalId"];
    assert_eq!(
        ids,
        &serde_json::json!([{"Ref": "ExternalId"}, "NextExternalId0123456789"])
    );
    let (trust_doc, _, _) = created_documents(&onboarding, &stack_parameters(&onboarding));
    assert_eq!(trust_doc, json(&onboarding.trust_policy().to_json()));
}
