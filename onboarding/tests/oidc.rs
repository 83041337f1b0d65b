//! OIDC onboardings: for every built-in permission set, what CloudFormation creates (with and
//! without an existing provider), Terraform and the manual steps trust exactly the policy
//! `OidcTrust` writes for the customer's account; evaluated as STS would, it admits the
//! tenant's token and refuses another tenant's subject, another audience, another issuer's or
//! account's provider and a plain AssumeRole; the trust policy linter's web identity
//! expectation finds nothing wrong with it; bad issuers, tenants, subjects and combinations
//! are refused with typed errors naming the field.

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

use onboarding::{
    CREATE_PROVIDER_CONDITION, EXISTING_PROVIDER_INPUT, OIDC_PROVIDER_LOGICAL_ID, OidcOnboarding,
    Onboarding, OnboardingError, QuickCreateLink, Registration,
};
use permission_sets::builtin;
use serde_json::{Value, json};
use support::{
    CUSTOMER_ACCOUNT, OIDC_ISSUER, TEMPLATE_URL, TENANT, created_resources, oidc, oidc_onboardings,
    stack_parameters,
};
use trust_policy::{LintCode, OidcTrust, SubjectMatch, TrustPolicyLint, WebIdentityExpectation};

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The trust policy `OidcTrust` writes for `account`: what every artifact must create.
fn expected_trust(account: &str) -> Value {
    let policy = OidcTrust::new(account.parse().unwrap(), OIDC_ISSUER)
        .unwrap()
        .with_audience("sts.amazonaws.com")
        .unwrap()
        .with_subject(SubjectMatch::Exact(format!("org/{TENANT}")))
        .unwrap()
        .policy()
        .unwrap();
    json_of(&policy.to_json())
}

fn provider_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:oidc-provider/id.auto-nomos.com")
}

#[test]
fn without_an_existing_provider_the_stack_creates_one_and_trusts_it_as_oidc_trust_writes() {
    for onboarding in oidc_onboardings() {
        let name = onboarding.permission_set().name().to_owned();
        let template = json_of(&onboarding.cloudformation().unwrap().to_json().unwrap());
        // The default: no existing provider named.
        let parameters = stack_parameters(&onboarding);
        assert_eq!(parameters[EXISTING_PROVIDER_INPUT], (false, String::new()));
        let (resources, outputs) = created_resources(&template, &parameters, CUSTOMER_ACCOUNT);
        let provider = &resources[OIDC_PROVIDER_LOGICAL_ID];
        assert_eq!(provider["Type"], "AWS::IAM::OIDCProvider", "{name}");
        assert_eq!(
            provider["Properties"],
            json!({"Url": OIDC_ISSUER, "ClientIdList": ["sts.amazonaws.com"]}),
            "{name}: no thumbprint unless one is given"
        );
        let trust = &resources["ConnectorRole"]["Properties"]["AssumeRolePolicyDocument"];
        assert_eq!(trust, &expected_trust(CUSTOMER_ACCOUNT), "{name}");
        assert_eq!(
            outputs["OidcProviderArn"]["Value"],
            provider_arn(CUSTOMER_ACCOUNT)
        );
        // The same account, another stack: the trust follows the account it runs in.
        let (resources, _) = created_resources(&template, &parameters, "444455556666");
        assert_eq!(
            resources["ConnectorRole"]["Properties"]["AssumeRolePolicyDocument"],
            expected_trust("444455556666"),
            "{name}"
        );
        // The permission documents are the rendered ones, as for an External ID onboarding.
        let policies: Vec<Value> = match resources["ConnectorRole"]["Properties"].get("Policies") {
            Some(Value::Array(policies)) => policies
                .iter()
                .map(|p| p["PolicyDocument"].clone())
                .collect(),
            _ => resources
                .as_object()
                .unwrap()
                .values()
                .filter(|r| r["Type"] == "AWS::IAM::ManagedPolicy")
                .map(|r| r["Properties"]["PolicyDocument"].clone())
                .collect(),
        };
        let expected: Vec<Value> = onboarding
            .policies()
            .iter()
            .map(|p| json_of(&p.document.to_json()))
            .collect();
        assert_eq!(policies, expected, "{name}");
        // No External ID anywhere.
        assert!(!template.to_string().contains("ExternalId"), "{name}");
    }
}

#[test]
fn an_existing_provider_is_reused_and_none_is_created() {
    for onboarding in oidc_onboardings() {
        let name = onboarding.permission_set().name().to_owned();
        let template = json_of(&onboarding.cloudformation().unwrap().to_json().unwrap());
        let mut parameters = stack_parameters(&onboarding);
        parameters.insert(
            EXISTING_PROVIDER_INPUT.into(),
            (false, provider_arn(CUSTOMER_ACCOUNT)),
        );
        let (resources, outputs) = created_resources(&template, &parameters, CUSTOMER_ACCOUNT);
        assert!(
            resources.get(OIDC_PROVIDER_LOGICAL_ID).is_none(),
            "{name}: the provider is created only without an existing one"
        );
        assert_eq!(
            resources["ConnectorRole"]["Properties"]["AssumeRolePolicyDocument"],
            expected_trust(CUSTOMER_ACCOUNT),
            "{name}"
        );
        assert_eq!(
            outputs["OidcProviderArn"]["Value"],
            provider_arn(CUSTOMER_ACCOUNT)
        );
    }
}

#[test]
fn the_existing_provider_parameter_accepts_only_this_issuers_provider() {
    let onboarding = &oidc_onboardings()[0];
    let template = json_of(&onboarding.cloudformation().unwrap().to_json().unwrap());
    let parameter = &template["Parameters"][EXISTING_PROVIDER_INPUT];
    assert_eq!(parameter["Default"], "");
    let pattern = regex::Regex::new(parameter["AllowedPattern"].as_str().unwrap()).unwrap();
    assert!(pattern.is_match(""));
    assert!(pattern.is_match(&provider_arn(CUSTOMER_ACCOUNT)));
    for other in [
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        "arn:aws:iam::111122223333:oidc-provider/idXauto-nomos.com",
        "arn:aws:iam::111122223333:oidc-provider/id.auto-nomos.com/extra",
        "arn:aws:iam::111122223333:saml-provider/id.auto-nomos.com",
        "arn:aws:iam::1111:oidc-provider/id.auto-nomos.com",
    ] {
        assert!(!pattern.is_match(other), "{other}");
    }
    // The condition is the parameter being empty.
    assert_eq!(
        template["Conditions"][CREATE_PROVIDER_CONDITION],
        json!({"Fn::Equals": [{"Ref": EXISTING_PROVIDER_INPUT}, ""]})
    );
    assert_eq!(
        template["Resources"][OIDC_PROVIDER_LOGICAL_ID]["Condition"],
        CREATE_PROVIDER_CONDITION
    );
}

#[test]
fn the_rendered_trust_policy_passes_the_trust_policy_lint() {
    let onboarding = &oidc_onboardings()[0];
    let policy = onboarding.customer_trust_policy().unwrap();
    assert_eq!(json_of(&policy.to_json()), expected_trust(CUSTOMER_ACCOUNT));
    // The linter simulates the vendor's own AssumeRoleWithWebIdentity (its token for this
    // tenant must get in) and tokens of another tenant and another audience (they must not).
    let lint = TrustPolicyLint::web_identity(
        WebIdentityExpectation::new(
            CUSTOMER_ACCOUNT.parse().unwrap(),
            OIDC_ISSUER,
            "sts.amazonaws.com",
            &format!("org/{TENANT}"),
        )
        .unwrap(),
    );
    let report = lint.lint_text(&policy.to_json_pretty());
    assert!(!report.has_errors(), "{:#?}", report.findings);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(report.vendor_may_connect());
    // The linter does read the statement: without the subject condition it objects, and
    // another tenant's token gets in.
    let mut weakened = json_of(&policy.to_json());
    weakened["Statement"][0]["Condition"]["StringEquals"]
        .as_object_mut()
        .unwrap()
        .remove("id.auto-nomos.com:sub");
    let report = lint.lint_text(&weakened.to_string());
    let codes: Vec<LintCode> = report.findings.iter().map(|f| f.code()).collect();
    assert!(codes.contains(&LintCode::OidcSubjectMissing), "{codes:?}");
    assert!(
        codes.contains(&LintCode::OidcOtherSubjectAccepted),
        "{codes:?}"
    );
    assert!(!report.vendor_may_connect());
    // A policy for another tenant does not admit this tenant's token.
    let other = OidcTrust::new(CUSTOMER_ACCOUNT.parse().unwrap(), OIDC_ISSUER)
        .unwrap()
        .with_audience("sts.amazonaws.com")
        .unwrap()
        .with_subject(SubjectMatch::Exact("org/someone-else".into()))
        .unwrap()
        .policy()
        .unwrap();
    let report = lint.lint(&other);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code() == LintCode::OidcTokenNotTrusted)
    );
}

#[test]
fn manual_steps_create_the_provider_unless_it_exists_then_the_role() {
    for onboarding in oidc_onboardings() {
        let manual = onboarding.manual().unwrap();
        let commands = manual.commands();
        let arn = provider_arn(CUSTOMER_ACCOUNT);
        assert_eq!(
            commands[0],
            format!(
                "aws iam get-open-id-connect-provider --open-id-connect-provider-arn {arn} >/dev/null 2>&1 || aws iam create-open-id-connect-provider --url {OIDC_ISSUER} --client-id-list sts.amazonaws.com"
            )
        );
        assert!(commands[1].starts_with("aws iam create-role "));
        assert_eq!(
            json_of(&manual.files()[0].contents),
            expected_trust(CUSTOMER_ACCOUNT)
        );
        let last = manual.disconnect_steps().last().unwrap();
        assert_eq!(
            last.command.as_deref(),
            Some(
                format!(
                    "aws iam delete-open-id-connect-provider --open-id-connect-provider-arn {arn}"
                )
                .as_str()
            )
        );
    }
}

#[test]
fn manual_steps_need_the_customer_account() {
    let oidc = OidcOnboarding::new(OIDC_ISSUER, TENANT).unwrap();
    let onboarding = Onboarding::oidc_builder(oidc, builtin::read_only_access().unwrap())
        .build()
        .unwrap();
    assert!(onboarding.customer_trust_policy().is_none());
    // The stand-in account's policy names a provider no customer account holds.
    assert!(
        onboarding
            .trust_policy()
            .to_json()
            .contains("arn:aws:iam::000000000000:oidc-provider/id.auto-nomos.com")
    );
    assert!(matches!(
        onboarding.manual(),
        Err(OnboardingError::InvalidValue {
            field: "customer account",
            ..
        })
    ));
    // The templates do not: they use the account they run in.
    assert!(onboarding.cloudformation().is_ok());
    assert!(onboarding.terraform().is_ok());
}

#[test]
fn a_thumbprint_goes_to_every_artifact_only_when_given() {
    let thumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";
    let oidc = oidc().with_thumbprint(thumbprint).unwrap();
    let onboarding = Onboarding::oidc_builder(oidc, builtin::read_only_access().unwrap())
        .build()
        .unwrap();
    let template = json_of(&onboarding.cloudformation().unwrap().to_json().unwrap());
    assert_eq!(
        template["Resources"][OIDC_PROVIDER_LOGICAL_ID]["Properties"]["ThumbprintList"],
        json!([thumbprint])
    );
    let hcl = onboarding.terraform().unwrap().to_hcl().unwrap();
    assert!(hcl.contains(thumbprint));
    assert!(
        onboarding.manual().unwrap().commands()[0]
            .ends_with(&format!(" --thumbprint-list {thumbprint}"))
    );
    let plain = &oidc_onboardings()[0];
    assert!(
        !plain
            .terraform()
            .unwrap()
            .to_hcl()
            .unwrap()
            .contains("thumbprint_list")
    );
}

#[test]
fn terraform_creates_the_provider_with_count_and_trusts_the_chosen_arn() {
    let onboarding = &oidc_onboardings()[0];
    let hcl = onboarding.terraform().unwrap().to_hcl().unwrap();
    assert!(hcl.contains("resource \"aws_iam_openid_connect_provider\" \"connector\""));
    assert!(hcl.contains("count = var.existing_oidc_provider_arn == \"\" ? 1 : 0"));
    assert!(hcl.contains(
        "oidc_provider_arn = var.existing_oidc_provider_arn != \"\" ? var.existing_oidc_provider_arn : aws_iam_openid_connect_provider.connector[0].arn"
    ));
    assert!(hcl.contains("\"Federated\" = local.oidc_provider_arn"));
    assert!(hcl.contains("output \"oidc_provider_arn\""));
    assert!(!hcl.contains("external_id"));
}

#[test]
fn the_quick_create_link_carries_no_external_id() {
    let onboarding = &oidc_onboardings()[0];
    let link = onboarding
        .quick_create_link(
            &"us-east-1".parse().unwrap(),
            TEMPLATE_URL,
            "NomosConnector",
        )
        .unwrap();
    let parts = QuickCreateLink::decode(link.as_str()).unwrap();
    assert_eq!(parts.parameter(EXISTING_PROVIDER_INPUT), Some(""));
    assert!(parts.parameter("ExternalId").is_none());
    assert!(parts.parameter("RoleName").is_some());
}

#[test]
fn stacksets_deploy_the_provider_and_the_role() {
    let onboarding = &oidc_onboardings()[0];
    let stackset = onboarding.stackset("NomosConnector").unwrap();
    let role = json_of(&stackset.role_template().to_json().unwrap());
    assert_eq!(
        role["Resources"][OIDC_PROVIDER_LOGICAL_ID]["Type"],
        "AWS::IAM::OIDCProvider"
    );
    let wrapper = json_of(&stackset.to_json().unwrap());
    assert!(wrapper["Parameters"].get(EXISTING_PROVIDER_INPUT).is_some());
}

#[test]
fn bad_issuers_tenants_and_subjects_are_refused_naming_the_field() {
    let field_of = |result: Result<OidcOnboarding, OnboardingError>| match result {
        Err(OnboardingError::InvalidValue { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    for bad in [
        "http://id.auto-nomos.com",
        "https://id.auto-nomos.com/",
        "https://id.auto-nomos.com:443",
        "https://id.auto-nomos.com?tenant=acme",
        "id.auto-nomos.com",
    ] {
        assert_eq!(
            field_of(OidcOnboarding::new(bad, TENANT)),
            "OIDC issuer",
            "{bad}"
        );
    }
    assert_eq!(
        field_of(OidcOnboarding::new(OIDC_ISSUER, "ac me")),
        "tenant"
    );
    assert_eq!(field_of(OidcOnboarding::new(OIDC_ISSUER, "*")), "tenant");
    assert_eq!(
        field_of(oidc().with_subject(SubjectMatch::Like("*?".into()))),
        "OIDC subject"
    );
    assert_eq!(
        field_of(oidc().with_subject(SubjectMatch::Exact("with \"quote".into()))),
        "OIDC subject"
    );
    assert_eq!(field_of(oidc().with_audience("")), "OIDC audience");
    assert_eq!(
        field_of(oidc().with_thumbprint("not-hex")),
        "OIDC thumbprint"
    );
}

#[test]
fn a_registration_resource_is_refused_for_an_oidc_connection() {
    let registration =
        Registration::new("999988887777".parse().unwrap(), "connector-registrations")
            .unwrap()
            .with_connection_id("acme-prod")
            .unwrap();
    let result = Onboarding::oidc_builder(oidc(), builtin::read_only_access().unwrap())
        .with_registration(registration)
        .build();
    assert!(matches!(
        result,
        Err(OnboardingError::InvalidValue {
            field: "registration",
            ..
        })
    ));
}

#[test]
fn a_like_subject_is_written_under_string_like() {
    let oidc = oidc()
        .with_subject(SubjectMatch::Like("org/acme/*".into()))
        .unwrap();
    let onboarding = Onboarding::oidc_builder(oidc, builtin::read_only_access().unwrap())
        .build()
        .unwrap();
    let template = json_of(&onboarding.cloudformation().unwrap().to_json().unwrap());
    let (resources, _) =
        created_resources(&template, &stack_parameters(&onboarding), CUSTOMER_ACCOUNT);
    let condition = &resources["ConnectorRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        [0]["Condition"];
    assert_eq!(
        condition["StringLike"]["id.auto-nomos.com:sub"],
        "org/acme/*"
    );
}

/// A web identity call to the role as STS evaluates it: the provider as `Federated` principal,
/// the token's `aud` and `sub` as `ISSUER:aud` and `ISSUER:sub`.
fn web_identity(provider: &str, aud: Option<&str>, sub: Option<&str>) -> iam_policy::Request {
    let mut request = iam_policy::Request::new(
        "sts:AssumeRoleWithWebIdentity",
        format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:role/aws-s3-read"),
    )
    .with_principal(iam_policy::RequestPrincipal::Federated(provider.to_owned()));
    if let Some(aud) = aud {
        request = request.with_context("id.auto-nomos.com:aud", aud);
    }
    if let Some(sub) = sub {
        request = request.with_context("id.auto-nomos.com:sub", sub);
    }
    request
}

/// The trust policy CloudFormation creates, as a policy document.
fn created_trust_policy() -> iam_policy::PolicyDocument {
    let onboarding = &oidc_onboardings()[0];
    let template = json_of(&onboarding.cloudformation().unwrap().to_json().unwrap());
    let (resources, _) =
        created_resources(&template, &stack_parameters(onboarding), CUSTOMER_ACCOUNT);
    resources["ConnectorRole"]["Properties"]["AssumeRolePolicyDocument"]
        .to_string()
        .parse()
        .unwrap()
}

#[test]
fn the_created_role_admits_the_tenants_token_and_refuses_others() {
    use iam_policy::Decision;
    let policy = created_trust_policy();
    let provider = provider_arn(CUSTOMER_ACCOUNT);
    let allowed =
        |request: &iam_policy::Request| policy.evaluate(request).decision == Decision::Allow;
    assert!(allowed(&web_identity(
        &provider,
        Some("sts.amazonaws.com"),
        Some("org/acme")
    )));
    for (what, request) in [
        (
            "another tenant",
            web_identity(&provider, Some("sts.amazonaws.com"), Some("org/evil")),
        ),
        (
            "a prefix of the subject",
            web_identity(&provider, Some("sts.amazonaws.com"), Some("org/acme/x")),
        ),
        (
            "another audience",
            web_identity(&provider, Some("api://other"), Some("org/acme")),
        ),
        (
            "no audience",
            web_identity(&provider, None, Some("org/acme")),
        ),
        (
            "no subject",
            web_identity(&provider, Some("sts.amazonaws.com"), None),
        ),
        (
            "another issuer's provider",
            web_identity(
                "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
                Some("sts.amazonaws.com"),
                Some("org/acme"),
            ),
        ),
        (
            "the provider in another account",
            web_identity(
                &provider_arn("444455556666"),
                Some("sts.amazonaws.com"),
                Some("org/acme"),
            ),
        ),
    ] {
        assert!(!allowed(&request), "{what} must be refused");
    }
    let assume_role = iam_policy::Request::new(
        "sts:AssumeRole",
        format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:role/aws-s3-read"),
    )
    .with_principal(iam_policy::RequestPrincipal::Aws(
        "arn:aws:iam::999988887777:root".parse().unwrap(),
    ));
    assert!(!allowed(&assume_role), "no plain AssumeRole");
}

proptest::proptest! {
    /// Only the tenant's own subject gets in: any other subject is refused.
    #[test]
    fn only_the_tenants_subject_gets_in(sub in "[a-z/*?]{0,20}") {
        proptest::prop_assume!(sub != "org/acme");
        let policy = created_trust_policy();
        let request = web_identity(&provider_arn(CUSTOMER_ACCOUNT), Some("sts.amazonaws.com"), Some(&sub));
        proptest::prop_assert_ne!(policy.evaluate(&request).decision, iam_policy::Decision::Allow);
    }
}
