//! Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, `${*}`) inside
//! resource ARNs and condition values, and their substitution from a request's context.
//!
//! IAM rules followed here (IAM User Guide, "IAM policy elements: Variables and tags"):
//! variables are only recognised in documents with `"Version": "2012-10-17"`; `${*}`, `${?}` and
//! `${$}` stand for a literal `*`, `?` and `$`; a key that is absent uses the default when one is
//! given and otherwise makes the element not match ("any attempt to match it fails and causes
//! the statement to be invalid"): not even `NotResource` or a negated operator such as
//! `StringNotEquals` is satisfied by it; multivalued keys cannot be used as variables.

use crate::glob::{Case, Glob, Piece, StarScope};

/// One part of a string that may contain policy variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// Policy text, which may hold wildcards.
    Text(String),
    /// `${*}`, `${?}` or `${$}`: a literal character.
    Escaped(char),
    /// `${key}` or `${key, 'default'}`.
    Variable {
        key: String,
        default: Option<String>,
    },
}

/// Splits `text` into literal text and variables. Malformed `${` sequences stay as text,
/// which is what they are to IAM (the validator reports them).
pub(crate) fn parse(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut rest = text;
    let mut pending = String::new();
    while let Some((before, after_open)) = rest.split_once("${") {
        let Some((inner, after)) = after_open.split_once('}') else {
            break;
        };
        let parsed = match inner {
            "*" => Some(Segment::Escaped('*')),
            "?" => Some(Segment::Escaped('?')),
            "$" => Some(Segment::Escaped('$')),
            _ => parse_variable(inner),
        };
        pending.push_str(before);
        match parsed {
            Some(segment) => {
                if !pending.is_empty() {
                    segments.push(Segment::Text(std::mem::take(&mut pending)));
                }
                segments.push(segment);
            }
            None => {
                pending.push_str("${");
                pending.push_str(inner);
                pending.push('}');
            }
        }
        rest = after;
    }
    pending.push_str(rest);
    if !pending.is_empty() {
        segments.push(Segment::Text(pending));
    }
    segments
}

fn parse_variable(inner: &str) -> Option<Segment> {
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let unquoted = default.strip_prefix('\'')?.strip_suffix('\'')?;
            (key.trim(), Some(unquoted.to_owned()))
        }
        None => (inner.trim(), None),
    };
    let valid_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '-' | '_' | '.' | '@'));
    valid_key.then(|| Segment::Variable {
        key: key.to_owned(),
        default,
    })
}

/// True when `text` contains at least one policy variable or escape.
pub(crate) fn has_variables(text: &str) -> bool {
    text.contains("${") && parse(text).iter().any(|s| !matches!(s, Segment::Text(_)))
}

/// Looks a context key up: `None` when absent, otherwise all its values.
pub(crate) trait VariableSource {
    fn lookup(&self, key: &str) -> Option<&[String]>;
}

/// Substitutes variables and compiles the result into a matcher; `None` when a variable has
/// no value (so the element does not match, as in IAM).
pub(crate) fn resolve_glob(
    segments: &[Segment],
    source: &dyn VariableSource,
    scope: StarScope,
    case: Case,
) -> Option<Glob> {
    let mut values: Vec<String> = Vec::new();
    for segment in segments {
        if let Segment::Variable { key, default } = segment {
            values.push(resolve_one(key, default.as_deref(), source)?.to_owned());
        }
    }
    let mut next_value = values.iter();
    let mut pieces = Vec::with_capacity(segments.len());
    for segment in segments {
        pieces.push(match segment {
            Segment::Text(text) => Piece::Pattern(text),
            Segment::Escaped(c) => Piece::Literal(escaped_str(*c)),
            Segment::Variable { .. } => Piece::Literal(next_value.next()?.as_str()),
        });
    }
    Some(Glob::new(&pieces, scope, case))
}

fn escaped_str(c: char) -> &'static str {
    match c {
        '*' => "*",
        '?' => "?",
        _ => "$",
    }
}

/// Substitutes variables to plain text (for operators without wildcards).
pub(crate) fn resolve_text(segments: &[Segment], source: &dyn VariableSource) -> Option<String> {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Text(text) => out.push_str(text),
            Segment::Escaped(c) => out.push(*c),
            Segment::Variable { key, default } => {
                out.push_str(resolve_one(key, default.as_deref(), source)?)
            }
        }
    }
    Some(out)
}

fn resolve_one<'a>(
    key: &str,
    default: Option<&'a str>,
    source: &'a dyn VariableSource,
) -> Option<&'a str> {
    match source.lookup(key) {
        Some([single]) => Some(single.as_str()),
        // Multivalued keys can't be policy variables; an empty set behaves like absence.
        Some([_, _, ..]) => None,
        Some([]) | None => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Ctx(Vec<(&'static str, Vec<String>)>);
    impl VariableSource for Ctx {
        fn lookup(&self, key: &str) -> Option<&[String]> {
            self.0
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_slice())
        }
    }

    #[test]
    fn parses_variables_defaults_and_escapes() {
        assert_eq!(
            parse("home/${aws:username}/${*}x"),
            vec![
                Segment::Text("home/".into()),
                Segment::Variable {
                    key: "aws:username".into(),
                    default: None
                },
                Segment::Text("/".into()),
                Segment::Escaped('*'),
                Segment::Text("x".into()),
            ]
        );
        assert_eq!(
            parse("${aws:PrincipalTag/team, 'company-wide'}"),
            vec![Segment::Variable {
                key: "aws:PrincipalTag/team".into(),
                default: Some("company-wide".into())
            }]
        );
        assert_eq!(parse("a${b"), vec![Segment::Text("a${b".into())]);
        assert_eq!(
            parse("${ bad key }x"),
            vec![Segment::Text("${ bad key }x".into())]
        );
        assert!(!has_variables("arn:aws:s3:::b/*"));
        assert!(has_variables("arn:aws:s3:::b/${aws:username}"));
    }

    #[test]
    fn substitution_is_literal_and_missing_keys_do_not_match() {
        let ctx = Ctx(vec![("aws:username", vec!["*".into()])]);
        let segs = parse("home/${aws:username}/*");
        let glob = resolve_glob(&segs, &ctx, StarScope::Anything, Case::Sensitive).unwrap();
        assert!(glob.matches("home/*/x"));
        assert!(!glob.matches("home/bob/x"));
        let missing = parse("home/${aws:userid}");
        assert!(resolve_glob(&missing, &ctx, StarScope::Anything, Case::Sensitive).is_none());
        let with_default = parse("home/${aws:userid, 'anon'}");
        assert_eq!(
            resolve_text(&with_default, &ctx).as_deref(),
            Some("home/anon")
        );
        let multi = Ctx(vec![("aws:username", vec!["a".into(), "b".into()])]);
        assert!(resolve_text(&segs, &multi).is_none());
    }
}
