//! The generated artifacts checked by the tools customers run: `cfn-lint` on every
//! CloudFormation template, and a real HCL parser (`python-hcl2`) on every Terraform file,
//! whose parsed locals, with the variables' defaults put in, must be the rendered documents.
//!
//! `scripts/test` installs both into a virtual environment and sets `CONNECTOR_PY_TOOLS` to
//! its `bin` directory; without it these tests say so and pass without checking.

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

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::{
    CUSTOMER_ACCOUNT, oidc, oidc_onboardings, onboardings, registered_onboardings, slug,
};

fn tools() -> Option<PathBuf> {
    match std::env::var_os("CONNECTOR_PY_TOOLS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!(
                "SKIPPED: CONNECTOR_PY_TOOLS is not set, so cfn-lint and python-hcl2 were not run. \
                 Run scripts/test, or make a venv with `pip install -r scripts/python-tools.txt` \
                 and set CONNECTOR_PY_TOOLS to its bin directory."
            );
            None
        }
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn cfn_lint_finds_no_errors_in_any_template() {
    let Some(bin) = tools() else { return };
    let dir = scratch("cfn-lint");
    let mut files = Vec::new();
    let registered = registered_onboardings()
        .into_iter()
        .map(|o| (o, "-registered"));
    let oidc_variants = oidc_onboardings().into_iter().map(|o| (o, "-oidc"));
    let thumbprinted = onboarding::Onboarding::oidc_builder(
        oidc()
            .with_thumbprint("9e99a48a9960b14926bb7f3b02e22da2b0ab7280")
            .unwrap(),
        permission_sets::builtin::read_only_access().unwrap(),
    )
    .build()
    .unwrap();
    for (onboarding, variant) in onboardings()
        .into_iter()
        .map(|o| (o, ""))
        .chain(registered)
        .chain(oidc_variants)
        .chain([(thumbprinted, "-oidc-thumbprint")])
    {
        let slug = format!("{}{variant}", slug(onboarding.permission_set()));
        let template = onboarding.cloudformation().unwrap();
        for (name, text) in [
            (format!("{slug}.yaml"), template.to_yaml().unwrap()),
            (format!("{slug}.json"), template.to_json().unwrap()),
            (
                format!("{slug}-stackset.yaml"),
                onboarding
                    .stackset("AcmeConnector")
                    .unwrap()
                    .to_yaml()
                    .unwrap(),
            ),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            files.push(path);
        }
    }
    let output = Command::new(bin.join("cfn-lint"))
        .args(&files)
        .output()
        .expect("cfn-lint runs");
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
    let code = output.status.code().unwrap_or(-1);
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        code >= 0 && code & 2 == 0,
        "cfn-lint found errors:\n{report}"
    );
    assert_eq!(code, 0, "cfn-lint warnings:\n{report}");
}

/// python-hcl2 on every OIDC configuration: one variable per input, the provider created with
/// `count` on the existing-provider variable, and the trust local, with the provider's ARN
/// put in, is the policy `OidcTrust` writes.
#[test]
fn oidc_terraform_parses_and_trusts_what_oidc_trust_writes() {
    let Some(bin) = tools() else { return };
    let dir = scratch("hcl2-oidc");
    for onboarding in oidc_onboardings() {
        let path = dir.join(format!("{}.tf", slug(onboarding.permission_set())));
        std::fs::write(&path, onboarding.terraform().unwrap().to_hcl().unwrap()).unwrap();
        let parsed = parse_hcl(&bin, &path);
        let name = onboarding.permission_set().name().to_owned();
        let variables: Vec<(String, Value)> = parsed["variable"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|v| v.as_object().unwrap().clone())
            .collect();
        assert_eq!(variables.len(), onboarding.inputs().len(), "{name}");
        let existing = variables
            .iter()
            .find(|(n, _)| n == "existing_oidc_provider_arn")
            .unwrap();
        assert_eq!(existing.1["default"], "", "{name}");
        let provider = &parsed["resource"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|r| r.get("aws_iam_openid_connect_provider"))
            .unwrap()["connector"];
        assert_eq!(provider["url"], "https://id.auto-nomos.com", "{name}");
        assert_eq!(
            provider["client_id_list"],
            serde_json::json!(["sts.amazonaws.com"])
        );
        assert_eq!(
            provider["count"], "${var.existing_oidc_provider_arn == \"\" ? 1 : 0}",
            "{name}"
        );
        let arn = format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:oidc-provider/id.auto-nomos.com");
        let var_value = |var: &str| -> Value {
            variables
                .iter()
                .find(|(n, _)| n == var)
                .map(|(_, v)| v["default"].clone())
                .unwrap_or_else(|| panic!("{name}: no variable {var}"))
        };
        let locals = &parsed["locals"][0];
        let mut trust = locals["trust_policy"].clone();
        let federated = &mut trust["Statement"][0]["Principal"]["Federated"];
        assert_eq!(federated, "${local.oidc_provider_arn}", "{name}");
        *federated = Value::String(arn.clone());
        let trust = evaluate(&trust, &var_value);
        let expected: Value =
            serde_json::from_str(&onboarding.customer_trust_policy().unwrap().to_json()).unwrap();
        assert_eq!(trust, expected, "{name}");
        for policy in onboarding.policies() {
            let key = policy.terraform_local();
            let document = evaluate(&locals[&key], &var_value);
            let expected: Value = serde_json::from_str(&policy.document.to_json()).unwrap();
            assert_eq!(document, expected, "{name}: {key}");
        }
        let outputs: Vec<String> = parsed["output"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|o| o.as_object().unwrap().keys().cloned().collect::<Vec<_>>())
            .collect();
        assert_eq!(outputs, ["role_arn", "oidc_provider_arn"], "{name}");
    }
}

fn parse_hcl(bin: &Path, path: &Path) -> Value {
    let output = Command::new(bin.join("python"))
        .args([
            "-c",
            "import hcl2, json, sys; print(json.dumps(hcl2.load(open(sys.argv[1]))))",
        ])
        .arg(path)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "python-hcl2 could not parse {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn terraform_parses_and_its_locals_are_the_rendered_documents() {
    let Some(bin) = tools() else { return };
    let dir = scratch("hcl2");
    for onboarding in onboardings() {
        let path = dir.join(format!("{}.tf", slug(onboarding.permission_set())));
        std::fs::write(&path, onboarding.terraform().unwrap().to_hcl().unwrap()).unwrap();
        let output = Command::new(bin.join("python"))
            .args([
                "-c",
                "import hcl2, json, sys; print(json.dumps(hcl2.load(open(sys.argv[1]))))",
            ])
            .arg(&path)
            .output()
            .expect("python runs");
        assert!(
            output.status.success(),
            "python-hcl2 could not parse {}:\n{}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
        let name = onboarding.permission_set().name().to_owned();
        // Variables: one per input, with the input's default.
        let variables: Vec<(String, Value)> = parsed["variable"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|v| v.as_object().unwrap().clone())
            .collect();
        assert_eq!(variables.len(), onboarding.inputs().len(), "{name}");
        let var_value = |var: &str| -> Value {
            variables
                .iter()
                .find(|(n, _)| n == var)
                .map(|(_, v)| v["default"].clone())
                .unwrap_or_else(|| panic!("{name}: no variable {var}"))
        };
        for input in onboarding.inputs() {
            let default = var_value(&input.terraform_name());
            if input.list {
                assert_eq!(default, serde_json::json!(input.default), "{name}");
            } else {
                assert_eq!(default, input.default[0].as_str(), "{name}");
            }
        }
        let locals = &parsed["locals"][0];
        let trust = evaluate(&locals["trust_policy"], &var_value);
        let expected: Value = serde_json::from_str(&onboarding.trust_policy().to_json()).unwrap();
        assert_eq!(trust, expected, "{name}");
        for policy in onboarding.policies() {
            let key = policy.terraform_local();
            let document = evaluate(&locals[&key], &var_value);
            let expected: Value = serde_json::from_str(&policy.document.to_json()).unwrap();
            assert_eq!(document, expected, "{name}: {key}");
        }
        let outputs: Vec<String> = parsed["output"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|o| o.as_object().unwrap().keys().cloned().collect::<Vec<_>>())
            .collect();
        assert_eq!(outputs, ["role_arn", "external_id"], "{name}");
    }
}

/// Evaluates the expressions python-hcl2 leaves as `${...}` strings: `var.x` and
/// `formatlist("...%s...", var.x)`, alone or inside a string.
fn evaluate(value: &Value, var: &dyn Fn(&str) -> Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|v| evaluate(v, var)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), evaluate(v, var)))
                .collect(),
        ),
        Value::String(text) => {
            if let Some(inner) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')) {
                if let Some(name) = inner
                    .strip_prefix("var.")
                    .filter(|n| !n.contains(['$', '}']))
                {
                    return var(name);
                }
                if let Some(args) = inner
                    .strip_prefix("formatlist(")
                    .and_then(|a| a.strip_suffix(')'))
                {
                    let (format, list) = args.rsplit_once(", var.").unwrap();
                    let format: String = serde_json::from_str(format).unwrap();
                    let items = var(list);
                    return Value::Array(
                        items
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|v| {
                                Value::String(
                                    format
                                        .replacen("%s", v.as_str().unwrap(), 1)
                                        .replace("%%", "%"),
                                )
                            })
                            .collect(),
                    );
                }
            }
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(start) = rest.find("${var.") {
                out.push_str(&rest[..start]);
                let after = &rest[start + 6..];
                let end = after.find('}').unwrap();
                out.push_str(var(&after[..end]).as_str().unwrap());
                rest = &after[end + 1..];
            }
            out.push_str(rest);
            Value::String(out.replace("$${", "${"))
        }
        other => other.clone(),
    }
}
