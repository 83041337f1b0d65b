//! Lowering template slots to CloudFormation intrinsic functions.
//!
//! A string with no slot stays a string; a string that is exactly one slot becomes `Ref`;
//! anything else becomes `Fn::Sub`. A list input (`CommaDelimitedList`) inside a list is
//! expanded with the join-then-split idiom: `Fn::Split(",", Fn::Join(",", [items]))`, where
//! an item `prefix{{List}}suffix` is `prefix` + `Fn::Join("suffix,prefix", Ref List)` +
//! `suffix`, so each value of the list becomes one element.

use std::collections::BTreeSet;

use crate::OnboardingError;
use crate::node::{Node, Piece, Text};

const ARTIFACT: &str = "CloudFormation";

/// Lowers `node`; `lists` names the inputs that take a list of values.
pub(crate) fn lower(node: &Node, lists: &BTreeSet<String>) -> Result<Node, OnboardingError> {
    match node {
        Node::Text(text) if has_list_slot(text, lists) => {
            list_expression(std::slice::from_ref(node), lists)
        }
        Node::Text(text) => Ok(scalar(text)),
        Node::List(items) => {
            let spliced = items
                .iter()
                .any(|item| matches!(item, Node::Text(t) if has_list_slot(t, lists)));
            if spliced {
                list_expression(items, lists)
            } else {
                items
                    .iter()
                    .map(|item| lower(item, lists))
                    .collect::<Result<_, _>>()
                    .map(Node::List)
            }
        }
        Node::Map(pairs) => pairs
            .iter()
            .map(|(k, v)| Ok((k.clone(), lower(v, lists)?)))
            .collect::<Result<_, OnboardingError>>()
            .map(Node::Map),
        other => Ok(other.clone()),
    }
}

/// The OIDC provider's ARN: the one the template creates, or the existing one the customer
/// named (`Fn::If` on the creation condition: the `Fn::GetAtt` is only evaluated, and the
/// dependency only exists, when the provider is created).
pub(crate) fn provider_arn() -> Node {
    Node::map([(
        "Fn::If",
        Node::List(vec![
            Node::str(crate::CREATE_PROVIDER_CONDITION),
            Node::map([(
                "Fn::GetAtt",
                Node::strs([crate::OIDC_PROVIDER_LOGICAL_ID, "Arn"]),
            )]),
            reference(crate::EXISTING_PROVIDER_INPUT),
        ]),
    )])
}

/// `{"Ref": name}`.
pub(crate) fn reference(name: &str) -> Node {
    Node::map([("Ref", Node::str(name))])
}

fn has_list_slot(text: &Text, lists: &BTreeSet<String>) -> bool {
    text.slots().any(|s| lists.contains(s))
}

/// A string-valued expression for a text whose slots each hold one value.
fn scalar(text: &Text) -> Node {
    match text.0.as_slice() {
        [] => Node::str(""),
        [Piece::Slot(name)] if name == crate::oidc::PROVIDER_ARN_SLOT => provider_arn(),
        [Piece::Slot(name)] => reference(name),
        _ => match text.as_literal() {
            Some(literal) => Node::str(literal),
            None => Node::map([("Fn::Sub", Node::str(sub_string(text)))]),
        },
    }
}

/// The `Fn::Sub` string: slots as `${Name}`, a literal `${` escaped as `${!` (CloudFormation
/// User Guide, `Fn::Sub`: "To write a dollar sign and curly braces (${}) literally, add an
/// exclamation point (!) after the open curly brace"), which keeps IAM policy variables such
/// as `${aws:username}` intact.
fn sub_string(text: &Text) -> String {
    text.0
        .iter()
        .map(|piece| match piece {
            Piece::Literal(literal) => literal.replace("${", "${!"),
            Piece::Slot(name) => format!("${{{name}}}"),
        })
        .collect()
}

fn list_expression(items: &[Node], lists: &BTreeSet<String>) -> Result<Node, OnboardingError> {
    let mut parts = Vec::new();
    for item in items {
        let Node::Text(text) = item else {
            return Err(inexpressible(
                "a list mixing strings and other values next to a list input",
                "only lists of strings can take a list input",
            ));
        };
        if !has_list_slot(text, lists) {
            if text.as_literal().is_some_and(|l| l.contains(',')) {
                return Err(inexpressible(
                    "a comma in a value listed next to a list input",
                    "the values are joined and split on commas",
                ));
            }
            parts.push(scalar(text));
            continue;
        }
        let (prefix, list, suffix) = match text.0.as_slice() {
            [Piece::Slot(l)] => (String::new(), l, String::new()),
            [Piece::Literal(p), Piece::Slot(l)] => (p.clone(), l, String::new()),
            [Piece::Slot(l), Piece::Literal(s)] => (String::new(), l, s.clone()),
            [Piece::Literal(p), Piece::Slot(l), Piece::Literal(s)] => (p.clone(), l, s.clone()),
            _ => {
                return Err(inexpressible(
                    "a resource that uses a list parameter together with another parameter",
                    "use the list parameter alone in that resource template",
                ));
            }
        };
        if prefix.contains(',')
            || suffix.contains(',')
            || prefix.contains("${")
            || suffix.contains("${")
        {
            return Err(inexpressible(
                "a comma or `${` around a list parameter",
                "the values are joined and split on commas",
            ));
        }
        if items.len() == 1 && prefix.is_empty() && suffix.is_empty() {
            return Ok(reference(list));
        }
        let joined = Node::map([(
            "Fn::Join",
            Node::List(vec![
                Node::str(format!("{suffix},{prefix}")),
                reference(list),
            ]),
        )]);
        parts.push(if prefix.is_empty() && suffix.is_empty() {
            joined
        } else {
            Node::map([(
                "Fn::Sub",
                Node::List(vec![
                    Node::str(format!("{prefix}${{Values}}{suffix}")),
                    Node::map([("Values", joined)]),
                ]),
            )])
        });
    }
    Ok(Node::map([(
        "Fn::Split",
        Node::List(vec![
            Node::str(","),
            Node::map([(
                "Fn::Join",
                Node::List(vec![Node::str(","), Node::List(parts)]),
            )]),
        ]),
    )]))
}

fn inexpressible(what: &str, why: &str) -> OnboardingError {
    OnboardingError::Inexpressible {
        artifact: ARTIFACT,
        what: what.to_owned(),
        why: why.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists() -> BTreeSet<String> {
        ["Buckets".to_owned()].into()
    }

    fn json(node: &Node) -> String {
        serde_json::to_string(node).unwrap()
    }

    #[test]
    fn scalars() {
        let l = lists();
        assert_eq!(json(&lower(&Node::str("*"), &l).unwrap()), r#""*""#);
        assert_eq!(
            json(&lower(&Node::Text(Text::slot("ExternalId")), &l).unwrap()),
            r#"{"Ref":"ExternalId"}"#
        );
        let sub = Node::Text(Text::from_placeholders(
            "arn:aws:iam::*:role{{Path}}${aws:username}",
        ));
        assert_eq!(
            json(&lower(&sub, &l).unwrap()),
            r#"{"Fn::Sub":"arn:aws:iam::*:role${Path}${!aws:username}"}"#
        );
    }

    #[test]
    fn list_inputs_join_and_split() {
        let l = lists();
        let node = Node::List(vec![
            Node::Text(Text::from_placeholders("arn:aws:s3:::{{Buckets}}/*")),
            Node::str("arn:aws:s3:::static"),
        ]);
        assert_eq!(
            json(&lower(&node, &l).unwrap()),
            concat!(
                r#"{"Fn::Split":[",",{"Fn::Join":[",",["#,
                r#"{"Fn::Sub":["arn:aws:s3:::${Values}/*",{"Values":{"Fn::Join":["/*,arn:aws:s3:::",{"Ref":"Buckets"}]}}]},"#,
                r#""arn:aws:s3:::static"]]}]}"#
            )
        );
        let alone = Node::List(vec![Node::Text(Text::slot("Buckets"))]);
        assert_eq!(json(&lower(&alone, &l).unwrap()), r#"{"Ref":"Buckets"}"#);
        let mixed = Node::List(vec![Node::Text(Text::from_placeholders(
            "arn:aws:s3:::{{Buckets}}/{{Prefix}}",
        ))]);
        assert!(matches!(
            lower(&mixed, &l),
            Err(OnboardingError::Inexpressible { .. })
        ));
    }
}
