//! The registration custom resource: present only when asked for, after the role and its
//! policies, the service token in the stack's Region, a rule refusing other Regions, the
//! properties the vendor's handler needs, and refusals (no way to tell whose stack it is;
//! StackSets without a tenant token; bad names and timeouts).

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

use onboarding::{Onboarding, OnboardingError, REGISTRATION_LOGICAL_ID, Registration};
use permission_sets::builtin;
use secrecy::SecretString;
use serde_json::{Value, json};
use trust_policy::{CrossAccountTrust, VendorPrincipal};

fn trust() -> CrossAccountTrust {
    CrossAccountTrust::new(
        VendorPrincipal::account("999988887777".parse().unwrap()),
        "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap(),
    )
}

fn registration() -> Registration {
    Registration::new("999988887777".parse().unwrap(), "connector-registrations").unwrap()
}

fn json_of(onboarding: &Onboarding) -> Value {
    serde_json::from_str(&onboarding.cloudformation().unwrap().to_json().unwrap()).unwrap()
}

#[test]
fn the_registration_resource_carries_what_the_handler_needs_after_the_role() {
    let onboarding = Onboarding::builder(trust(), builtin::read_only_access().unwrap())
        .with_registration(registration().with_connection_id("acme-prod").unwrap())
        .build()
        .unwrap();
    let template = json_of(&onboarding);
    let resource = &template["Resources"][REGISTRATION_LOGICAL_ID];
    assert_eq!(resource["Type"], "Custom::ConnectorRegistration");
    let p = &resource["Properties"];
    assert_eq!(
        p["ServiceToken"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:999988887777:connector-registrations"})
    );
    assert_eq!(p["ServiceTimeout"], 600);
    assert_eq!(
        p["RoleArn"],
        json!({"Fn::GetAtt": ["ConnectorRole", "Arn"]})
    );
    assert_eq!(p["ExternalId"], json!({"Ref": "ExternalId"}));
    assert_eq!(p["AccountId"], json!({"Ref": "AWS::AccountId"}));
    assert_eq!(p["Region"], json!({"Ref": "AWS::Region"}));
    assert_eq!(p["ConnectionId"], "acme-prod");
    assert_eq!(p["TemplateVersion"], "1");
    assert!(p.get("RegistrationToken").is_none());
    // The role does not wait for the vendor: nothing the role needs refers to the resource.
    let role = serde_json::to_string(&template["Resources"]["ConnectorRole"]).unwrap();
    assert!(!role.contains(REGISTRATION_LOGICAL_ID));
    // No Regions given: no rule.
    assert!(template.get("Rules").is_none());
    // YAML carries it too.
    let yaml = onboarding.cloudformation().unwrap().to_yaml().unwrap();
    assert!(yaml.contains("Type: Custom::ConnectorRegistration"));
}

#[test]
fn without_a_registration_the_templates_are_unchanged() {
    let plain = Onboarding::builder(trust(), builtin::read_only_access().unwrap())
        .build()
        .unwrap();
    let template = json_of(&plain);
    assert!(template["Resources"].get(REGISTRATION_LOGICAL_ID).is_none());
    assert!(template.get("Rules").is_none());
}

#[test]
fn managed_policies_come_before_the_registration_and_other_regions_are_refused_by_a_rule() {
    let set = builtin::all()
        .into_iter()
        .find(|set| {
            Onboarding::builder(trust(), set.clone())
                .with_values(set.sample_values())
                .with_policy_target(permission_sets::PolicyTarget::ManagedPolicies)
                .build()
                .is_ok_and(|o| !o.policies().is_empty())
        })
        .unwrap();
    let onboarding = Onboarding::builder(trust(), set.clone())
        .with_values(set.sample_values())
        .with_policy_target(permission_sets::PolicyTarget::ManagedPolicies)
        .with_registration(
            registration()
                .with_connection_id("acme")
                .unwrap()
                .with_regions(["eu-west-1".parse().unwrap(), "us-east-1".parse().unwrap()]),
        )
        .build()
        .unwrap();
    let template = json_of(&onboarding);
    let depends: Vec<String> = template["Resources"][REGISTRATION_LOGICAL_ID]["DependsOn"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let policies: Vec<String> = onboarding
        .policies()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(depends, policies);
    let assertion = &template["Rules"]["RegistrationRegion"]["Assertions"][0];
    assert_eq!(
        assertion["Assert"],
        json!({"Fn::Contains": [["eu-west-1", "us-east-1"], {"Ref": "AWS::Region"}]})
    );
    assert!(
        assertion["AssertDescription"]
            .as_str()
            .unwrap()
            .contains("eu-west-1, us-east-1")
    );
}

#[test]
fn a_registration_must_say_whose_stack_it_is() {
    let err = Onboarding::builder(trust(), builtin::read_only_access().unwrap())
        .with_registration(registration())
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        OnboardingError::InvalidValue {
            field: "registration",
            ..
        }
    ));
}

#[test]
fn stacksets_need_the_tenant_token_and_carry_it_to_every_account() {
    let single = Onboarding::builder(trust(), builtin::read_only_access().unwrap())
        .with_registration(registration().with_connection_id("acme").unwrap())
        .build()
        .unwrap();
    assert!(matches!(
        single.stackset("AcmeConnector"),
        Err(OnboardingError::InvalidValue {
            field: "registration",
            ..
        })
    ));
    let token = "tenant-token-0123456789abcdefghijklmnop";
    let org = Onboarding::builder(trust(), builtin::read_only_access().unwrap())
        .with_registration(
            registration()
                .with_tenant_token(SecretString::from(token))
                .unwrap(),
        )
        .build()
        .unwrap();
    let stackset = org.stackset("AcmeConnector").unwrap();
    let inner: Value = serde_json::from_str(&stackset.role_template().to_json().unwrap()).unwrap();
    assert_eq!(
        inner["Resources"][REGISTRATION_LOGICAL_ID]["Properties"]["RegistrationToken"],
        token
    );
    // The secret never shows in Debug.
    let debug = format!("{:?}", org.registration().unwrap());
    assert!(!debug.contains(token), "{debug}");
}

#[test]
fn names_tokens_and_timeouts_are_checked() {
    let account: iam_policy::AccountId = "999988887777".parse().unwrap();
    for bad in ["", "a b", "topic.fifo", &"t".repeat(257)] {
        assert!(
            matches!(
                Registration::new(account.clone(), bad),
                Err(OnboardingError::InvalidValue {
                    field: "registration topic name",
                    ..
                })
            ),
            "{bad:?}"
        );
    }
    assert!(registration().with_connection_id("a/b").is_err());
    assert!(registration().with_connection_id("a.b").is_err());
    assert!(registration().with_connection_id(&"c".repeat(65)).is_err());
    assert!(
        registration()
            .with_tenant_token(SecretString::from("short"))
            .is_err()
    );
    assert!(registration().with_timeout_seconds(0).is_err());
    assert!(registration().with_timeout_seconds(3_601).is_err());
    assert_eq!(
        registration()
            .with_timeout_seconds(3_600)
            .unwrap()
            .timeout_seconds(),
        3_600
    );
    // Terraform and the manual steps stay usable without it.
    let onboarding = Onboarding::builder(trust(), builtin::read_only_access().unwrap())
        .with_registration(registration().with_connection_id("acme").unwrap())
        .build()
        .unwrap();
    let hcl = onboarding.terraform().unwrap().to_hcl().unwrap();
    assert!(!hcl.contains("Registration"));
    assert!(onboarding.manual().is_ok());
}
