//! `Node`: a JSON-shaped tree that keeps key order and whose strings may hold slots for
//! template inputs (the External ID, a permission set's `{{Parameter}}`).
//!
//! Every artifact starts from the same nodes: CloudFormation lowers a slot to `Ref`/`Fn::Sub`,
//! Terraform to `var.name`, the manual path to the value the customer chose. Keeping one tree
//! is what guarantees the artifacts never disagree.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One piece of a [`Text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text.
    Literal(String),
    /// The value of an input of the artifact (by its CloudFormation-style name, `ExternalId`).
    Slot(String),
}

/// A string made of literal text and slots.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text(pub Vec<Piece>);

impl Text {
    /// Literal text only.
    pub fn literal(text: impl Into<String>) -> Text {
        Text(vec![Piece::Literal(text.into())])
    }

    /// Exactly one slot.
    pub fn slot(name: impl Into<String>) -> Text {
        Text(vec![Piece::Slot(name.into())])
    }

    /// Splits `template` at `{{Name}}` placeholders (an unclosed `{{` stays literal: the
    /// permission set already refused such templates).
    pub fn from_placeholders(template: &str) -> Text {
        let mut pieces = Vec::new();
        let mut rest = template;
        while let Some((before, after)) = rest.split_once("{{") {
            let Some((name, tail)) = after.split_once("}}") else {
                break;
            };
            if !before.is_empty() {
                pieces.push(Piece::Literal(before.to_owned()));
            }
            pieces.push(Piece::Slot(name.to_owned()));
            rest = tail;
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_owned()));
        }
        Text(pieces)
    }

    /// The text with each slot written back as its `{{Name}}` placeholder (the inverse of
    /// [`from_placeholders`](Self::from_placeholders)).
    pub fn to_placeholders(&self) -> String {
        self.fill(&mut |name| placeholder(name))
    }

    /// The text when it holds no slot.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Slot(_) => return None,
            }
        }
        Some(out)
    }

    /// The slots, in order.
    pub fn slots(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|p| match p {
            Piece::Slot(name) => Some(name.as_str()),
            Piece::Literal(_) => None,
        })
    }

    /// Every slot replaced by `fill(name)`.
    pub fn fill(&self, fill: &mut dyn FnMut(&str) -> String) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Piece::Literal(text) => text.clone(),
                Piece::Slot(name) => fill(name),
            })
            .collect()
    }
}

/// A JSON value that keeps the order of keys and may hold slots in strings. Lowering for an
/// artifact turns slots into that artifact's constructs: a CloudFormation intrinsic function
/// is itself a map, so a lowered template is still a `Node`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Number(serde_json::Number),
    /// A string, possibly with slots.
    Text(Text),
    /// A list.
    List(Vec<Node>),
    /// A map, in order.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// A literal string.
    pub fn str(text: impl Into<String>) -> Node {
        Node::Text(Text::literal(text))
    }

    /// A map from pairs.
    pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Node)>) -> Node {
        Node::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A list of literal strings.
    pub fn strs<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Node {
        Node::List(items.into_iter().map(Node::str).collect())
    }

    /// A non-negative integer.
    pub fn int(value: u64) -> Node {
        Node::Number(value.into())
    }

    /// Parses JSON text, keeping the order of keys.
    pub fn from_json(text: &str) -> Result<Node, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The value under `key` when this is a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value under `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match self {
            Node::Map(pairs) => pairs.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Rewrites every string bottom-up with `lower`, which returns the replacement node.
    pub fn lower(&self, lower: &mut dyn FnMut(&Text) -> Node) -> Node {
        match self {
            Node::Text(text) => lower(text),
            Node::List(items) => Node::List(items.iter().map(|n| n.lower(lower)).collect()),
            Node::Map(pairs) => Node::Map(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.lower(lower)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Every slot name used anywhere in the tree, in order of first use.
    pub fn slots(&self) -> Vec<String> {
        let mut found = Vec::new();
        self.visit_texts(&mut |text| {
            for slot in text.slots() {
                if !found.iter().any(|f| f == slot) {
                    found.push(slot.to_owned());
                }
            }
        });
        found
    }

    /// Fills every slot with its values from `values` (a slot without values stays as
    /// `{{Name}}`). A slot with several values (a list input) makes one string per value,
    /// spliced into the enclosing list, or a list where the string stood alone.
    pub fn expand(&self, values: &BTreeMap<String, Vec<String>>) -> Node {
        match self {
            Node::Text(text) => {
                let mut strings = expand_text(text, values);
                if strings.len() == 1 {
                    Node::str(strings.remove(0))
                } else {
                    Node::strs(strings)
                }
            }
            Node::List(items) => Node::List(
                items
                    .iter()
                    .flat_map(|item| match item {
                        Node::Text(text) => expand_text(text, values)
                            .into_iter()
                            .map(Node::str)
                            .collect(),
                        other => vec![other.expand(values)],
                    })
                    .collect(),
            ),
            Node::Map(pairs) => Node::Map(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.expand(values)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn visit_texts(&self, visit: &mut dyn FnMut(&Text)) {
        match self {
            Node::Text(text) => visit(text),
            Node::List(items) => items.iter().for_each(|n| n.visit_texts(visit)),
            Node::Map(pairs) => pairs.iter().for_each(|(_, v)| v.visit_texts(visit)),
            _ => {}
        }
    }
}

/// `{{Name}}`.
fn placeholder(name: &str) -> String {
    format!("{{{{{name}}}}}")
}

/// Every combination of the slots' values, in order.
fn expand_text(text: &Text, values: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut out = vec![String::new()];
    for piece in &text.0 {
        match piece {
            Piece::Literal(literal) => out.iter_mut().for_each(|s| s.push_str(literal)),
            Piece::Slot(name) => match values.get(name) {
                Some(options) => {
                    out = out
                        .iter()
                        .flat_map(|s| options.iter().map(move |v| format!("{s}{v}")))
                        .collect();
                }
                None => out.iter_mut().for_each(|s| s.push_str(&placeholder(name))),
            },
        }
    }
    out
}

/// Serializes a lowered tree; a slot left in a string is written as `{{Name}}` (never
/// silently dropped), which the artifact tests would catch.
impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Number(n) => n.serialize(serializer),
            Node::Text(text) => serializer.serialize_str(&text.to_placeholders()),
            Node::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Map(pairs) => {
                let mut map = serializer.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        serde_json::Number::from_f64(v)
            .map(Node::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut pairs = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            pairs.push((k, v));
        }
        Ok(Node::Map(pairs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_through_a_round_trip() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        let node = Node::from_json(text).unwrap();
        assert_eq!(serde_json::to_string(&node).unwrap(), text);
    }

    #[test]
    fn placeholders_become_slots() {
        let text = Text::from_placeholders("arn:aws:s3:::{{Buckets}}/{{Prefix}}*");
        assert_eq!(
            text.0,
            [
                Piece::Literal("arn:aws:s3:::".into()),
                Piece::Slot("Buckets".into()),
                Piece::Literal("/".into()),
                Piece::Slot("Prefix".into()),
                Piece::Literal("*".into()),
            ]
        );
        assert_eq!(
            text.fill(&mut |n| n.to_lowercase()),
            "arn:aws:s3:::buckets/prefix*"
        );
        assert_eq!(
            Text::from_placeholders("a{{b").as_literal().unwrap(),
            "a{{b"
        );
        assert_eq!(Text::from_placeholders("").0, []);
    }

    proptest::proptest! {
        #[test]
        fn placeholder_split_round_trips(template in "[a-z:/*{}]{0,30}") {
            let text = Text::from_placeholders(&template);
            proptest::prop_assert_eq!(text.to_placeholders(), template);
        }
    }
}
