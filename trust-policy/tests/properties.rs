//! Property tests: generated trust policies admit exactly the vendor with the right External
//! ID, the linter finds every defect injected into a good policy, and rotations never cut
//! access.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use iam_policy::{Decision, PolicyDocument};
use proptest::prelude::*;
use serde_json::{Value, json};
use trust_policy::{
    AssumeRoleAttempt, CrossAccountTrust, ExternalId, LintCode, Region, RotationPlan,
    TrustExpectation, TrustPolicyLint, VendorCall, VendorPrincipal, simulate,
};

fn external_id() -> impl Strategy<Value = ExternalId> {
    "[A-Za-z0-9_+=,.@:/-]{2,48}".prop_map(|s| s.parse().expect("strategy yields valid ids"))
}

fn account() -> impl Strategy<Value = String> {
    "[0-9]{12}"
}

#[derive(Debug, Clone)]
struct Setup {
    vendor_account: String,
    vendor_role: Option<String>,
    id: ExternalId,
    regions: Vec<&'static str>,
    org: Option<String>,
    source_identity: bool,
    tags: bool,
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        account(),
        proptest::option::of("[A-Za-z][A-Za-z0-9_-]{0,20}"),
        external_id(),
        proptest::sample::subsequence(vec!["us-east-1", "eu-west-1", "ap-southeast-2"], 0..=2),
        proptest::option::of("[a-z0-9]{10,12}"),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(vendor_account, vendor_role, id, regions, org, source_identity, tags)| Setup {
                vendor_account,
                vendor_role,
                id,
                regions,
                org: org.map(|o| format!("o-{o}")),
                source_identity,
                tags,
            },
        )
}

impl Setup {
    fn vendor(&self) -> VendorPrincipal {
        match &self.vendor_role {
            Some(role) => VendorPrincipal::Role(
                format!("arn:aws:iam::{}:role/{role}", self.vendor_account)
                    .parse()
                    .unwrap(),
            ),
            None => VendorPrincipal::account(self.vendor_account.parse().unwrap()),
        }
    }

    fn trust(&self) -> CrossAccountTrust {
        let mut trust = CrossAccountTrust::new(self.vendor(), self.id.clone());
        if !self.regions.is_empty() {
            trust = trust.restrict_regions(self.regions()).unwrap();
        }
        if let Some(org) = &self.org {
            trust = trust.require_principal_org(org).unwrap();
        }
        if self.source_identity {
            trust = trust.require_source_identity();
        }
        if self.tags {
            trust = trust.allow_tag_session();
        }
        trust
    }

    fn regions(&self) -> Vec<Region> {
        self.regions.iter().map(|r| r.parse().unwrap()).collect()
    }

    fn caller(&self, account: &str) -> iam_policy::Arn {
        let role = self.vendor_role.as_deref().unwrap_or("connector");
        format!("arn:aws:sts::{account}:assumed-role/{role}/s")
            .parse()
            .unwrap()
    }

    /// A call that satisfies every optional condition.
    fn call(&self, account: &str) -> AssumeRoleAttempt {
        let mut call = AssumeRoleAttempt::new(self.caller(account));
        if let Some(region) = self.regions().first() {
            call = call.with_region(region.clone());
        }
        if let Some(org) = &self.org {
            call = call.with_context("aws:PrincipalOrgID", org.as_str());
        }
        if self.source_identity {
            call = call.with_source_identity("alice@vendor");
        }
        if self.tags {
            call = call.with_tag("customer", "acme");
        }
        call
    }

    /// The vendor's real call, as the linter is told about it.
    fn vendor_call(&self) -> VendorCall {
        let mut call = VendorCall::new();
        if let Some(region) = self.regions().first() {
            call = call.with_region(region.clone());
        }
        if self.source_identity {
            call = call.with_source_identity("alice@vendor");
        }
        if self.tags {
            call = call.with_tag("customer", "acme");
        }
        if let Some(org) = &self.org {
            call = call.with_principal_org_id(org.as_str());
        }
        call
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn only_the_vendor_with_the_right_id_gets_in(s in setup(), wrong in external_id(), other in account()) {
        let policy = s.trust().policy().unwrap();
        let vendor = &s.vendor_account;
        let right = simulate(&policy, &s.call(vendor).with_external_id(s.id.as_str()));
        prop_assert_eq!(right.decision, Decision::Allow, "{}", right.explanation);
        if wrong != s.id {
            prop_assert_eq!(simulate(&policy, &s.call(vendor).with_external_id(wrong.as_str())).decision, Decision::ImplicitDeny);
        }
        prop_assert_eq!(simulate(&policy, &s.call(vendor)).decision, Decision::ImplicitDeny);
        if &other != vendor {
            prop_assert_eq!(simulate(&policy, &s.call(&other).with_external_id(s.id.as_str())).decision, Decision::ImplicitDeny);
        }
        // The generated policy lints clean against its own expectation.
        let expectation = TrustExpectation::new(s.vendor(), s.id.clone()).with_call(s.vendor_call());
        let report = TrustPolicyLint::new(expectation).lint(&policy);
        prop_assert!(report.findings.is_empty(), "{:#?}", report.findings);
    }

    #[test]
    fn rotation_accepts_both_then_only_the_new(s in setup(), new in external_id()) {
        prop_assume!(new != s.id);
        let plan = RotationPlan::new(&s.trust(), new.clone()).unwrap();
        let vendor = &s.vendor_account;
        for id in [&s.id, &new] {
            prop_assert_eq!(simulate(&plan.transitional, &s.call(vendor).with_external_id(id.as_str())).decision, Decision::Allow);
        }
        prop_assert_eq!(simulate(&plan.final_policy, &s.call(vendor).with_external_id(new.as_str())).decision, Decision::Allow);
        prop_assert_eq!(simulate(&plan.final_policy, &s.call(vendor).with_external_id(s.id.as_str())).decision, Decision::ImplicitDeny);
    }

    #[test]
    fn the_linter_finds_each_injected_defect(vendor_account in account(), id in external_id(), defect in 0usize..12, other in account()) {
        prop_assume!(other != vendor_account);
        let vendor = VendorPrincipal::account(vendor_account.parse().unwrap());
        let good = CrossAccountTrust::new(vendor.clone(), id.clone()).policy().unwrap();
        let lint = TrustPolicyLint::new(TrustExpectation::new(vendor, id.clone()));
        prop_assert!(lint.lint(&good).findings.is_empty());

        let (text, expected) = inject(&good, defect, &vendor_account, &other, id.as_str());
        let report = lint.lint_text(&text);
        prop_assert!(
            report.findings.iter().any(|f| f.code() == expected),
            "defect {} expected {:?}, got {:#?}\n{}", defect, expected, report.findings, text
        );
        prop_assert!(!report.vendor_may_connect());
        // What a store keeps reads back the same.
        let json = serde_json::to_string(&report).unwrap();
        prop_assert_eq!(serde_json::from_str::<trust_policy::LintReport>(&json).unwrap(), report);
    }

    #[test]
    fn regions_are_accepted_exactly_in_the_vendors_partition(
        partition in proptest::sample::select(vec!["aws", "aws-cn", "aws-us-gov", "aws-iso-b", "aws-eusc"]),
        region in proptest::sample::select(vec![
            "us-east-1", "ap-southeast-5", "mx-central-1", "il-central-1", "cn-northwest-1",
            "us-gov-west-1", "us-isob-east-1", "eusc-de-east-1",
        ]),
        id in external_id(),
    ) {
        let vendor = VendorPrincipal::Role(
            format!("arn:{partition}:iam::999988887777:role/connector").parse().unwrap(),
        );
        let region: Region = region.parse().unwrap();
        let same = region.partition() == vendor.partition();
        let trust = CrossAccountTrust::new(vendor.clone(), id.clone()).restrict_regions([region.clone()]);
        prop_assert_eq!(trust.is_ok(), same);
        match trust {
            Ok(trust) => {
                // The restricted policy admits the vendor from that region only.
                let policy = trust.policy().unwrap();
                let caller = || -> iam_policy::Arn {
                    format!("arn:{partition}:sts::999988887777:assumed-role/connector/s").parse().unwrap()
                };
                let from = |r: &Region| simulate(
                    &policy,
                    &AssumeRoleAttempt::new(caller()).with_external_id(id.as_str()).with_region(r.clone()),
                ).decision;
                prop_assert_eq!(from(&region), Decision::Allow);
                let elsewhere: Region = if region.as_str() == "us-east-1" { "us-west-2" } else { "us-east-1" }.parse().unwrap();
                prop_assert_eq!(from(&elsewhere), Decision::ImplicitDeny);
            }
            Err(err) => prop_assert!(err.to_string().starts_with(&format!("invalid region {:?}", region.as_str())), "{}", err),
        }
    }
}

/// Applies defect number `defect` to the good policy; returns its text and the expected code.
fn inject(
    good: &PolicyDocument,
    defect: usize,
    vendor: &str,
    other: &str,
    id: &str,
) -> (String, LintCode) {
    let mut v: Value = serde_json::from_str(&good.to_json()).unwrap();
    let st = &mut v["Statement"][0];
    let code = match defect {
        0 => {
            st.as_object_mut().unwrap().remove("Condition");
            LintCode::ExternalIdMissing
        }
        1 => {
            st["Condition"]["StringEquals"]["sts:ExternalId"] = json!(format!("{id}-old"));
            LintCode::ExternalIdMismatch
        }
        2 => {
            st["Condition"] = json!({"StringLike": {"sts:ExternalId": "*"}});
            LintCode::ExternalIdNotEnforced
        }
        3 => {
            st["Condition"] = json!({"StringEqualsIfExists": {"sts:ExternalId": id}});
            LintCode::ExternalIdNotEnforced
        }
        4 => {
            st["Condition"] = json!({"ForAllValues:StringEquals": {"sts:ExternalId": id}});
            LintCode::ExternalIdNotEnforced
        }
        5 => {
            let mut second = st.clone();
            second.as_object_mut().unwrap().remove("Condition");
            second["Sid"] = json!("Convenience");
            v["Statement"].as_array_mut().unwrap().push(second);
            LintCode::ExternalIdNotEnforced
        }
        6 => {
            st["Principal"] = json!("*");
            LintCode::PrincipalTooBroad
        }
        7 => {
            st["Principal"] = json!({"AWS": format!("arn:aws:iam::{other}:root")});
            LintCode::VendorNotTrusted
        }
        8 => {
            v["Statement"].as_array_mut().unwrap().push(json!({
                "Effect": "Deny", "Principal": {"AWS": format!("arn:aws:iam::{vendor}:root")},
                "Action": "sts:*"
            }));
            LintCode::DenyBlocksVendor
        }
        9 => {
            st["Principal"]["AWS"] = json!([
                format!("arn:aws:iam::{vendor}:root"),
                format!("arn:aws:iam::{other}:root")
            ]);
            LintCode::OtherAccountsAllowed
        }
        10 => {
            let many: Vec<String> = (0..200)
                .map(|i| format!("arn:aws:iam::{vendor}:role/r{i:05}"))
                .collect();
            st["Principal"]["AWS"] = json!(
                [format!("arn:aws:iam::{vendor}:root")]
                    .into_iter()
                    .chain(many)
                    .collect::<Vec<_>>()
            );
            LintCode::SizeLimitExceeded
        }
        _ => {
            let text = good.to_json_pretty();
            return (text[..text.len() - 3].to_owned(), LintCode::MalformedPolicy);
        }
    };
    (serde_json::to_string_pretty(&v).unwrap(), code)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn external_id_parsing_is_total_and_exact(text in "\\PC{0,40}|[A-Za-z0-9_+=,.@:/ -]{0,8}") {
        let rule = (2..=1224).contains(&text.chars().count())
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"_+=,.@:/-".contains(&b));
        match text.parse::<ExternalId>() {
            Ok(id) => {
                prop_assert!(rule);
                prop_assert_eq!(id.as_str(), text.as_str());
            }
            Err(e) => {
                prop_assert!(!rule);
                prop_assert!(e.to_string().contains("external id"));
            }
        }
    }

    #[test]
    fn linting_any_text_never_panics(text in "\\PC{0,200}", id in external_id()) {
        let lint = TrustPolicyLint::new(TrustExpectation::new(
            VendorPrincipal::account("999988887777".parse().unwrap()),
            id,
        ));
        let report = lint.lint_text(&text);
        if text.parse::<PolicyDocument>().is_err() {
            prop_assert_eq!(report.findings.len(), 1);
            prop_assert_eq!(report.findings.first().map(|f| f.code()), Some(LintCode::MalformedPolicy));
            prop_assert!(!report.vendor_may_connect());
        }
    }

    #[test]
    fn oidc_inputs_never_panic(issuer in "\\PC{0,60}", audience in "\\PC{0,20}", subject in "\\PC{0,20}") {
        if let Ok(trust) = trust_policy::OidcTrust::new("111122223333".parse().unwrap(), &issuer) {
            let built = trust
                .with_audience(&audience)
                .and_then(|t| t.with_subject(trust_policy::SubjectMatch::Like(subject.clone())))
                .and_then(|t| t.policy());
            if let Ok(policy) = built {
                // Whatever was accepted renders a policy that parses back identically.
                prop_assert_eq!(policy.to_json().parse::<PolicyDocument>().unwrap(), policy);
            }
        }
    }
}
