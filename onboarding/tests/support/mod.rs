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
/// The vendor's OIDC issuer, the tenant and the customer's account of the OIDC fixtures.
pub const OIDC_ISSUER: &str = "https://id.auto-nomos.com";
pub const TENANT: &str = "acme";
pub const CUSTOMER_ACCOUNT: &str = "111122223333";
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

/// One OIDC onboarding per built-in set (issuer, tenant `acme`, the customer's account given
/// so the manual path can name the provider), with the set's sample values.
pub fn oidc_onboardings() -> Vec<Onboarding> {
    builtin::all()
        .into_iter()
        .map(|set| {
            let values = set.sample_values();
            Onboarding::oidc_builder(oidc(), set)
                .with_values(values)
                .build()
                .unwrap()
        })
        .collect()
}

/// The OIDC side of the fixtures.
pub fn oidc() -> onboarding::OidcOnboarding {
    onboarding::OidcOnboarding::new(OIDC_ISSUER, TENANT)
        .unwrap()
        .with_customer_account(CUSTOMER_ACCOUNT.parse().unwrap())
}

/// What CloudFormation creates from `template` in `account` (partition `aws`): the
/// `Conditions` evaluated (`Fn::Equals` of parameters), resources whose condition is false
/// left out, `Fn::If` chosen, an `AWS::IAM::OIDCProvider`'s `Arn` attribute computed as
/// CloudFormation documents it (the provider's ARN, `arn:aws:iam::ACCOUNT:oidc-provider/` and
/// the URL without `https://`), then every other function resolved as [`resolve`] does.
pub fn created_resources(
    template: &Value,
    parameters: &BTreeMap<String, (bool, String)>,
    account: &str,
) -> (Value, Value) {
    let mut parameters = parameters.clone();
    parameters.insert("AWS::AccountId".into(), (false, account.into()));
    parameters.insert("AWS::Partition".into(), (false, "aws".into()));
    let conditions: BTreeMap<String, bool> = template
        .get("Conditions")
        .and_then(Value::as_object)
        .map(|c| {
            c.iter()
                .map(|(name, test)| {
                    let args = test["Fn::Equals"].as_array().expect("only Fn::Equals");
                    let a = resolve(&args[0], &parameters);
                    let b = resolve(&args[1], &parameters);
                    (name.clone(), a == b)
                })
                .collect()
        })
        .unwrap_or_default();
    let kept = |node: &Value| {
        node.get("Condition")
            .and_then(Value::as_str)
            .is_none_or(|c| conditions[c])
    };
    let mut attributes: BTreeMap<String, String> = BTreeMap::new();
    let mut resources = serde_json::Map::new();
    for (id, resource) in template["Resources"].as_object().unwrap() {
        if !kept(resource) {
            continue;
        }
        if resource["Type"] == "AWS::IAM::OIDCProvider" {
            let url = resource["Properties"]["Url"].as_str().unwrap();
            attributes.insert(
                format!("{id}.Arn"),
                format!(
                    "arn:aws:iam::{account}:oidc-provider/{}",
                    url.strip_prefix("https://").unwrap()
                ),
            );
        }
        resources.insert(id.clone(), resource.clone());
    }
    let choose = |node: &Value| choose_if(node, &conditions, &attributes);
    let resources = resolve(&choose(&Value::Object(resources)), &parameters);
    let outputs = resolve(&choose(&template["Outputs"]), &parameters);
    (resources, outputs)
}

/// `Fn::If` replaced by the chosen branch, `Fn::GetAtt` of a known attribute by its value.
fn choose_if(
    node: &Value,
    conditions: &BTreeMap<String, bool>,
    attributes: &BTreeMap<String, String>,
) -> Value {
    match node {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| choose_if(i, conditions, attributes))
                .collect(),
        ),
        Value::Object(map) if map.len() == 1 && map.contains_key("Fn::If") => {
            let args = map["Fn::If"].as_array().unwrap();
            let branch = if conditions[args[0].as_str().unwrap()] {
                &args[1]
            } else {
                &args[2]
            };
            choose_if(branch, conditions, attributes)
        }
        Value::Object(map) if map.len() == 1 && map.contains_key("Fn::GetAtt") => {
            let path = map["Fn::GetAtt"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(".");
            match attributes.get(&path) {
                Some(value) => Value::String(value.clone()),
                None => node.clone(),
            }
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), choose_if(v, conditions, attributes)))
                .collect(),
        ),
        other => other.clone(),
    }
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
