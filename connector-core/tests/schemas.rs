//! The JSON a connection serializes to is flat and its JSON Schema reads as prose: every
//! description is a sentence for people, not a doctest.

use connector_core::{Connection, ConnectionEvent, Timestamp, VerificationReport};

fn descriptions(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if key == "description"
                    && let Some(text) = value.as_str()
                {
                    out.push(text.to_owned());
                }
                descriptions(value, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| descriptions(v, out)),
        _ => {}
    }
}

fn assert_prose(schema: serde_json::Value) {
    let mut texts = Vec::new();
    descriptions(&schema, &mut texts);
    assert!(texts.len() > 5, "{schema:#}");
    for text in texts {
        for code in ["```", "assert", "let ", "use connector_core", "| ---"] {
            assert!(
                !text.contains(code),
                "a description holds code ({code:?}): {text}"
            );
        }
    }
}

#[test]
fn schemas_describe_in_prose() {
    assert_prose(serde_json::to_value(schemars::schema_for!(Connection)).unwrap());
    assert_prose(serde_json::to_value(schemars::schema_for!(VerificationReport)).unwrap());
}

#[test]
fn the_state_is_one_flat_word() {
    let c = Connection::builder("acme".parse().unwrap(), "ext-id-123".parse().unwrap())
        .build(Timestamp(0))
        .unwrap()
        .apply(ConnectionEvent::DisconnectRequested, Timestamp(1))
        .unwrap();
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["state"], "disconnected");
    assert_eq!(json["last_diagnosis"]["code"], "DISCONNECT_REQUESTED");
    let schema = serde_json::to_value(schemars::schema_for!(Connection)).unwrap();
    let state = &schema["$defs"]["ConnectionState"];
    let words: Vec<&str> = state["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| {
            assert_eq!(variant["type"], "string", "{variant:#}");
            variant["const"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        words,
        [
            "pending",
            "verifying",
            "active",
            "degraded",
            "disconnected",
            "removed"
        ]
    );
    // Unknown fields are refused, not dropped.
    let mut extra = json.clone();
    extra["credentials"] = "secret".into();
    assert!(serde_json::from_value::<Connection>(extra).is_err());
}
