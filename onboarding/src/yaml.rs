//! Writing a [`Node`] tree as block-style YAML that every YAML reader takes as we mean it.
//!
//! Why not a YAML library's serializer: the maintained Rust ones (serde_yaml_ng, yaml-rust2)
//! write `2012-10-17` and `on` as plain scalars, which YAML 1.2 reads as strings but YAML 1.1
//! readers (PyYAML, and so moto and much of the tooling customers run templates through) read
//! as a date and a boolean; moto then stored a policy whose `Version` was a date. None of them
//! lets the caller choose the quoting. So strings are written plain only when no YAML version
//! can read them as anything else, and double-quoted (JSON escaping, which is valid YAML)
//! otherwise. Parsing stays with serde_yaml_ng; the tests read every template back with it.

use crate::node::Node;

/// The tree as a YAML document.
pub(crate) fn to_yaml(node: &Node) -> String {
    let mut out = String::new();
    match node {
        Node::Map(pairs) if !pairs.is_empty() => map(pairs, 0, &mut out),
        Node::List(items) if !items.is_empty() => list(items, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn map(pairs: &[(String, Node)], indent: usize, out: &mut String) {
    map_from(pairs, indent, indent, out);
}

/// A map whose first key is indented by `first` (0 after a list item's dash) and the others
/// by `indent`.
fn map_from(pairs: &[(String, Node)], first: usize, indent: usize, out: &mut String) {
    for (i, (key, value)) in pairs.iter().enumerate() {
        out.push_str(&" ".repeat(if i == 0 { first } else { indent }));
        out.push_str(&string(key));
        out.push(':');
        value_after_key(value, indent, out);
    }
}

fn value_after_key(value: &Node, indent: usize, out: &mut String) {
    match value {
        Node::Map(pairs) if !pairs.is_empty() => {
            out.push('\n');
            map(pairs, indent + 2, out);
        }
        Node::List(items) if !items.is_empty() => {
            out.push('\n');
            list(items, indent, out);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn list(items: &[Node], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Node::Map(pairs) if !pairs.is_empty() => {
                // The first pair shares the dash's line; the rest line up under it.
                out.push(' ');
                map_from(pairs, 0, indent + 2, out);
            }
            Node::List(nested) if !nested.is_empty() => {
                out.push('\n');
                list(nested, indent + 2, out);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn scalar(node: &Node) -> String {
    match node {
        Node::Null => "null".to_owned(),
        Node::Bool(b) => b.to_string(),
        Node::Number(n) => n.to_string(),
        Node::Text(text) => string(&text.to_placeholders()),
        Node::Map(_) => "{}".to_owned(),
        Node::List(_) => "[]".to_owned(),
    }
}

/// Plain when unambiguous in YAML 1.1 and 1.2, double-quoted otherwise.
fn string(text: &str) -> String {
    if is_plain_safe(text) {
        text.to_owned()
    } else {
        // JSON string syntax is YAML's double-quoted style; serializing a `str` cannot fail.
        serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.escape_default()))
    }
}

/// Starts with a letter (so never a number, date, `~`, or an indicator), uses only
/// characters that mean nothing in a block context, has no `: ` or ` #`, does not end in `:`
/// or a space, and is not one of YAML 1.1's boolean or null words.
fn is_plain_safe(text: &str) -> bool {
    const WORDS: [&str; 11] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf",
    ];
    let Some(first) = text.chars().next() else {
        return false;
    };
    first.is_ascii_alphabetic()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _./:*@=+,()$-".contains(c))
        && !text.contains(": ")
        && !text.ends_with([':', ' '])
        && !WORDS.contains(&text.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambiguous_strings_are_quoted() {
        for text in [
            "2012-10-17",
            "on",
            "Yes",
            "null",
            "012",
            "1_000",
            "",
            " lead",
            "a: b",
            "x #y",
            "-a",
            "*",
            "arn:aws:s3:::b/*",
            "ends:",
            "é",
        ] {
            let yaml = to_yaml(&Node::map([("k", Node::str(text))]));
            let back: std::collections::BTreeMap<String, String> =
                serde_yaml_ng::from_str(&yaml).unwrap();
            assert_eq!(back["k"], text, "{yaml}");
            if ["2012-10-17", "on", "Yes", "null", "012", "1_000"].contains(&text) {
                assert!(yaml.contains('"'), "{yaml}");
            }
        }
        assert_eq!(
            to_yaml(&Node::map([("Resource", Node::str("arn:aws:s3:::b/*"))])),
            "Resource: arn:aws:s3:::b/*\n"
        );
    }

    #[test]
    fn nesting() {
        let node = Node::map([
            (
                "Statement",
                Node::List(vec![Node::map([
                    ("Effect", Node::str("Allow")),
                    ("Action", Node::strs(["s3:GetObject", "s3:ListBucket"])),
                    ("Empty", Node::List(vec![])),
                ])]),
            ),
            ("Nested", Node::List(vec![Node::strs(["a", "b"])])),
            ("Flag", Node::Bool(true)),
            ("Count", Node::int(3)),
        ]);
        let yaml = to_yaml(&node);
        assert_eq!(
            yaml,
            "Statement:\n- Effect: Allow\n  Action:\n  - s3:GetObject\n  - s3:ListBucket\n  Empty: []\nNested:\n-\n  - a\n  - b\nFlag: true\nCount: 3\n"
        );
        let back: serde_json::Value = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(back, serde_json::to_value(&node).unwrap());
    }

    proptest::proptest! {
        #[test]
        fn any_string_reads_back(text in "\\PC{0,30}") {
            let yaml = to_yaml(&Node::map([("k", Node::str(text.clone()))]));
            let back: std::collections::BTreeMap<String, String> =
                serde_yaml_ng::from_str(&yaml).unwrap();
            proptest::prop_assert_eq!(&back["k"], &text);
        }
    }
}
