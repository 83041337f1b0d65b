//! Golden files: every artifact for one set of inputs per built-in permission set, so a
//! change to any of them shows up in review (`oidc-aws-s3-read`: the OIDC variant). Regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p onboarding --test golden`.

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

use std::path::Path;

use support::{TEMPLATE_URL, oidc_onboardings, onboardings, slug};

const ORGANIZATIONAL_UNITS: [&str; 1] = ["ou-ab12-cdef3456"];

fn artifacts(onboarding: &onboarding::Onboarding) -> Vec<(&'static str, String)> {
    let template = onboarding.cloudformation().unwrap();
    let stackset = onboarding.stackset("AcmeConnector").unwrap();
    let terraform = onboarding.terraform().unwrap();
    let manual = onboarding.manual().unwrap();
    let link = onboarding
        .quick_create_link(&"us-east-1".parse().unwrap(), TEMPLATE_URL, "AcmeConnector")
        .unwrap();
    let units: Vec<String> = ORGANIZATIONAL_UNITS.iter().map(|s| s.to_string()).collect();
    let list = |steps: &[onboarding::DisconnectStep]| {
        steps
            .iter()
            .map(|s| format!("- {s}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let disconnect = format!(
        "# CloudFormation\n{}\n\n# StackSets\n{}\n\n# Terraform\n{}\n\n# Manual\n{}\n",
        list(&template.disconnect_steps("AcmeConnector")),
        list(&stackset.disconnect_steps("AcmeConnector", &units, "us-east-1")),
        list(&terraform.disconnect_steps()),
        list(manual.disconnect_steps()),
    );
    vec![
        ("template.yaml", template.to_yaml().unwrap()),
        ("template.json", template.to_json().unwrap() + "\n"),
        ("stackset.yaml", stackset.to_yaml().unwrap()),
        (
            "stackset-cli.sh",
            stackset.cli_commands(&units, "us-east-1").join("\n") + "\n",
        ),
        ("main.tf", terraform.to_hcl().unwrap()),
        ("manual.sh", manual.script()),
        ("quick-create-link.txt", format!("{link}\n")),
        ("disconnect.md", disconnect),
    ]
}

#[test]
fn artifacts_match_the_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut stale = Vec::new();
    // Every External ID onboarding, and the OIDC variant of the set with a list parameter.
    let oidc = oidc_onboardings()
        .into_iter()
        .filter(|o| o.permission_set().name() == "aws:s3-read")
        .map(|o| (o, "oidc-"));
    for (onboarding, prefix) in onboardings().into_iter().map(|o| (o, "")).chain(oidc) {
        let dir = root.join(format!("{prefix}{}", slug(onboarding.permission_set())));
        for (name, text) in artifacts(&onboarding) {
            let path = dir.join(name);
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
                continue;
            }
            match std::fs::read_to_string(&path) {
                Ok(golden) if golden == text => {}
                Ok(_) => stale.push(format!("{} differs", path.display())),
                Err(e) => stale.push(format!("{}: {e}", path.display())),
            }
        }
    }
    assert!(
        stale.is_empty(),
        "golden files out of date (regenerate with UPDATE_GOLDEN=1 and review the diff):\n{}",
        stale.join("\n")
    );
}
