//! The JSON schemas platform teams build UIs and API schemas from describe the real grammar.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use iam_policy::{Evaluation, PolicyDocument};
use serde_json::Value;

fn schema<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).expect("schemas serialize")
}

#[test]
fn policy_document_schema_names_every_element() {
    let schema = schema::<PolicyDocument>();
    let properties = schema["properties"]
        .as_object()
        .expect("document properties");
    for key in ["Version", "Id", "Statement"] {
        assert!(properties.contains_key(key), "{key} missing: {schema:#}");
    }
    assert_eq!(schema["additionalProperties"], Value::Bool(false));
    assert_eq!(schema["required"], serde_json::json!(["Statement"]));

    let statement = &schema["$defs"]["Statement"];
    let elements = statement["properties"]
        .as_object()
        .expect("statement properties");
    for key in [
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    ] {
        assert!(elements.contains_key(key), "{key} missing: {statement:#}");
    }
    assert_eq!(statement["additionalProperties"], Value::Bool(false));
    let versions = schema["$defs"]["Version"].to_string();
    assert!(
        versions.contains("2012-10-17") && versions.contains("2008-10-17"),
        "{versions}"
    );
}

#[test]
fn evaluation_schema_describes_the_decision() {
    let schema = schema::<Evaluation>();
    let text = schema.to_string();
    for word in [
        "Allow",
        "ExplicitDeny",
        "ImplicitDeny",
        "matched",
        "unevaluable",
    ] {
        assert!(text.contains(word), "{word} missing: {schema:#}");
    }
}
