//! Shared fixtures for the onboarding tests: one onboarding per built-in permission set, with
//! fixed inputs so golden files are stable, and a small evaluator of the CloudFormation
//! intrinsic functions the templates use, to check what CloudFormation would really create.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;

use onboarding::Onboarding;
use permission_sets::{PermissionSet, builtin};
use serde_json::Value;
use trust_policy::{CrossAccountTrust, VendorPrincipal};

pub const VENDOR_ACCOUNT: &str = "999988887777";
pub const EXTERNAL_ID: &str = "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4";
pub const TEMPLATE_URL: &str =
    "https://acme-onboarding.s3.us-east-1.amazonaws.com/connector/role.yaml";

/// `axiom:read-only-scan` -> `axiom-read-only-scan`.
pub fn slug(set: &PermissionSet) -> String {
    set.name().replace(':', "-")
}

/// One onboarding per built-in set, with the set's sample values.
pub fn onboardings() -> Vec<Onboarding> {
    builtin::all()
        .into_iter()
        .map(|set| {
            let trust = CrossAccountTrust::new(
                VendorPrincipal::account(VENDOR_ACCOUNT.parse().unwrap()),
                EXTERNAL_ID.parse().unwrap(),
            );
            let values = set.sample_values();
            Onboarding::builder(trust, set)
                .with_values(values)
                .build()
                .unwrap()
        })
        .collect()
}

/// Every built-in set with the registration resource (a connection id, a tenant token and
/// two accepted Regions), as a StackSets deployment needs it.
#[allow(dead_code, reason = "not every test file uses every helper")]
pub fn registered_onboardings() -> Vec<Onboarding> {
    builtin::all()
        .into_iter()
        .map(|set| {
            let trust = CrossAccountTrust::new(
                VendorPrincipal::account(VENDOR_ACCOUNT.parse().unwrap()),
                EXTERNAL_ID.parse().unwrap(),
            );
            let registration = onboarding::Registration::new(
                VENDOR_ACCOUNT.parse().unwrap(),
                "connector-registrations",
            )
            .unwrap()
            .with_regions(["us-east-1".parse().unwrap(), "eu-west-1".parse().unwrap()])
            .with_connection_id("acme-prod")
            .unwrap()
            .with_tenant_token(secrecy::SecretString::from(
                "tenant-token-0123456789abcdefghijklmnop",
            ))
            .unwrap();
            let values = set.sample_values();
            Onboarding::builder(trust, set)
                .with_values(values)
                .with_registration(registration)
                .build()
                .unwrap()
        })
        .collect()
}

/// Resolves `Ref`, `Fn::Sub`, `Fn::Join`, `Fn::Split` and `Fn::GetAtt` the way CloudFormation
/// does, with `parameters` as given to the stack (lists as their comma-joined text, as the
/// console and the API take them).
pub fn resolve(node: &Value, parameters: &BTreeMap<String, (bool, String)>) -> Value {
    match node {
        Value::Array(items) => Value::Array(items.iter().map(|i| resolve(i, parameters)).collect()),
        Value::Object(map) if map.len() == 1 => {
            let (key, arg) = map.iter().next().unwrap();
            match key.as_str() {
                "Ref" => {
                    let name = arg.as_str().unwrap();
                    match parameters.get(name) {
                        Some((true, text)) => Value::Array(
                            text.split(',')
                                .map(|s| Value::String(s.to_owned()))
                                .collect(),
                        ),
                        Some((false, text)) => Value::String(text.clone()),
                        None => Value::String(format!("<ref {name}>")),
                    }
                }
                "Fn::GetAtt" => Value::String(format!("<getatt {arg}>")),
                "Fn::Join" => {
                    let args = arg.as_array().unwrap();
                    let sep = args[0].as_str().unwrap();
                    let items = resolve(&args[1], parameters);
                    let items: Vec<String> = items
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap().to_owned())
                        .collect();
                    Value::String(items.join(sep))
                }
                "Fn::Split" => {
                    let args = arg.as_array().unwrap();
                    let sep = args[0].as_str().unwrap();
                    let text = resolve(&args[1], parameters);
                    Value::Array(
                        text.as_str()
                            .unwrap()
                            .split(sep)
                            .map(|s| Value::String(s.to_owned()))
                            .collect(),
                    )
                }
                "Fn::Sub" => {
                    let (template, vars) = match arg {
                        Value::String(t) => (t.clone(), serde_json::Map::new()),
                        Value::Array(a) => (
                            a[0].as_str().unwrap().to_owned(),
                            a[1].as_object().unwrap().clone(),
                        ),
                        _ => panic!("bad Fn::Sub {arg}"),
                    };
                    Value::String(substitute(&template, &vars, parameters))
                }
                _ => Value::Object(
                    map.iter()
                        .map(|(k, v)| (k.clone(), resolve(v, parameters)))
                        .collect(),
                ),
            }
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), resolve(v, parameters)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn substitute(
    template: &str,
    vars: &serde_json::Map<String, Value>,
    parameters: &BTreeMap<String, (bool, String)>,
) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        if let Some(literal) = after.strip_prefix('!') {
            out.push_str("${");
            rest = literal;
            continue;
        }
        let end = after.find('}').unwrap();
        let name = &after[..end];
        let value = match vars.get(name) {
            Some(v) => resolve(v, parameters).as_str().unwrap().to_owned(),
            None => match parameters.get(name) {
                Some((false, text)) => text.clone(),
                _ => panic!("Fn::Sub names {name}, which is no string parameter"),
            },
        };
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The stack parameters of an onboarding: every input with its default.
pub fn stack_parameters(onboarding: &Onboarding) -> BTreeMap<String, (bool, String)> {
    onboarding
        .inputs()
        .iter()
        .map(|i| (i.name.clone(), (i.list, i.default.join(","))))
        .collect()
}
