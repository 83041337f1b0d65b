//! Finding the line and column of a JSON path (`$.Statement[0].Condition.StringEquals["k"]`)
//! in the text a document was parsed from, so findings point at the source.
//!
//! The locator reads only as much JSON as it needs, never recurses, and never panics: any text
//! or path it can't follow gives `None`.

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// The 1-based line and column (in characters) of what a JSON path such as
/// `$.Statement[0].Condition.StringEquals["aws:SourceIp"]` names in JSON `text`: for an object
/// member the position of its key, for an array element the position of the element, for `$`
/// the first character of the document. `None` when the text or the path can't be followed.
///
/// Paths are written as findings and parse errors write them (`.Key`, `["any key"]`,
/// `[index]`); `$.Statement` without an index is the statement written as one object.
///
/// ```
/// use iam_policy::locate_path;
/// let text = "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\"]}\n  ]\n}";
/// assert_eq!(locate_path(text, "$.Statement[0].Action"), Some((3, 25)));
/// assert_eq!(locate_path(text, "$.Statement[0].Action[0]"), Some((3, 36)));
/// assert_eq!(locate_path(text, "$.Statement[1]"), None);
/// ```
pub fn locate_path(text: &str, path: &str) -> Option<(usize, usize)> {
    line_and_column(text, locate_offset(text, path)?)
}

/// The byte offset of what `path` names in `text` (see [`locate_path`]).
pub(super) fn locate_offset(text: &str, path: &str) -> Option<usize> {
    find(text.as_bytes(), &parse_path(path)?)
}

/// Parses the crate's path notation: `$`, then `.identifier`, `[index]` or `["json string"]`.
fn parse_path(path: &str) -> Option<Vec<Segment>> {
    let rest = path.strip_prefix('$')?;
    let bytes = rest.as_bytes();
    let mut segments = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'.' => {
                let start = i + 1;
                let len = bytes
                    .get(start..)?
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                if len == 0 {
                    return None;
                }
                segments.push(Segment::Key(rest.get(start..start + len)?.to_owned()));
                i = start + len;
            }
            b'[' if bytes.get(i + 1) == Some(&b'"') => {
                let end = string_end(bytes, i + 1)?;
                let key: String = serde_json::from_str(rest.get(i + 1..=end)?).ok()?;
                if bytes.get(end + 1) != Some(&b']') {
                    return None;
                }
                segments.push(Segment::Key(key));
                i = end + 2;
            }
            b'[' => {
                let start = i + 1;
                let len = bytes
                    .get(start..)?
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                if len == 0 || bytes.get(start + len) != Some(&b']') {
                    return None;
                }
                segments.push(Segment::Index(rest.get(start..start + len)?.parse().ok()?));
                i = start + len + 1;
            }
            _ => return None,
        }
    }
    Some(segments)
}

/// Index of the quote closing the JSON string whose opening quote is at `open`.
pub(super) fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
}

pub(super) fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Index just past the JSON value starting at `i` (which must not be white space).
pub(super) fn skip_value(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'"' => Some(string_end(bytes, i)? + 1),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match bytes.get(j)? {
                    b'"' => j = string_end(bytes, j)?,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        // Numbers, true, false, null.
        _ => {
            let len = bytes
                .get(i..)?
                .iter()
                .take_while(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .count();
            (len > 0).then_some(i + len)
        }
    }
}

/// Byte offset of what `segments` names.
fn find(bytes: &[u8], segments: &[Segment]) -> Option<usize> {
    let mut pos = skip_ws(bytes, 0);
    for (n, segment) in segments.iter().enumerate() {
        let last = n + 1 == segments.len();
        match segment {
            Segment::Key(wanted) => {
                if bytes.get(pos) != Some(&b'{') {
                    return None;
                }
                pos += 1;
                loop {
                    pos = skip_ws(bytes, pos);
                    if bytes.get(pos) != Some(&b'"') {
                        return None;
                    }
                    let key_start = pos;
                    let key_end = string_end(bytes, pos)?;
                    let matches = key_matches(bytes.get(key_start..=key_end)?, wanted);
                    pos = skip_ws(bytes, key_end + 1);
                    if bytes.get(pos) != Some(&b':') {
                        return None;
                    }
                    pos = skip_ws(bytes, pos + 1);
                    if matches {
                        if last {
                            return Some(key_start);
                        }
                        break;
                    }
                    pos = skip_ws(bytes, skip_value(bytes, pos)?);
                    if bytes.get(pos) != Some(&b',') {
                        return None;
                    }
                    pos += 1;
                }
            }
            Segment::Index(wanted) => {
                if bytes.get(pos) != Some(&b'[') {
                    return None;
                }
                pos += 1;
                let mut index = 0;
                loop {
                    pos = skip_ws(bytes, pos);
                    if matches!(bytes.get(pos), None | Some(b']')) {
                        return None;
                    }
                    if index == *wanted {
                        if last {
                            return Some(pos);
                        }
                        break;
                    }
                    pos = skip_ws(bytes, skip_value(bytes, pos)?);
                    if bytes.get(pos) != Some(&b',') {
                        return None;
                    }
                    pos += 1;
                    index += 1;
                }
            }
        }
    }
    // Only `$` gets here: the document's first character, if there is one.
    bytes.get(pos).map(|_| pos)
}

/// Compares a quoted JSON key with `wanted`, decoding escapes only when there are some.
fn key_matches(quoted: &[u8], wanted: &str) -> bool {
    let Some(raw) = quoted.get(1..quoted.len().saturating_sub(1)) else {
        return false;
    };
    if !raw.contains(&b'\\') {
        return raw == wanted.as_bytes();
    }
    std::str::from_utf8(quoted)
        .ok()
        .and_then(|text| serde_json::from_str::<String>(text).ok())
        .is_some_and(|key| key == wanted)
}

fn line_and_column(text: &str, offset: usize) -> Option<(usize, usize)> {
    let before = text.get(..offset)?;
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..)?.chars().count() + 1;
    Some((line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"},
    {
      "Effect": "Deny",
      "Action": "s3:*",
      "Resource": "*",
      "Condition": {"StringEquals": {"aws:SourceIp": ["10.0.0.1", "é\"]}"], "k\"q": 1}}
    }
  ]
}"#;

    #[test]
    fn parses_the_path_notation() {
        assert_eq!(parse_path("$"), Some(vec![]));
        assert_eq!(
            parse_path(r#"$.Statement[10]["aws:SourceIp"].x_1"#),
            Some(vec![
                Segment::Key("Statement".into()),
                Segment::Index(10),
                Segment::Key("aws:SourceIp".into()),
                Segment::Key("x_1".into()),
            ])
        );
        assert_eq!(
            parse_path(r#"$["a\"b"]"#),
            Some(vec![Segment::Key("a\"b".into())])
        );
        for bad in [
            "",
            "Statement",
            "$.",
            "$[",
            "$[x]",
            "$[1",
            r#"$["a"#,
            r#"$["a"x"#,
            "$.?",
            "$..a",
        ] {
            assert_eq!(parse_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn finds_keys_elements_and_the_root() {
        assert_eq!(locate_path(TEXT, "$"), Some((1, 1)));
        assert_eq!(locate_path(TEXT, "$.Version"), Some((2, 3)));
        assert_eq!(locate_path(TEXT, "$.Statement[0]"), Some((4, 5)));
        assert_eq!(locate_path(TEXT, "$.Statement[0].Action"), Some((4, 37)));
        assert_eq!(locate_path(TEXT, "$.Statement[0].Action[1]"), Some((4, 64)));
        assert_eq!(locate_path(TEXT, "$.Statement[1].Resource"), Some((8, 7)));
        assert_eq!(
            locate_path(
                TEXT,
                r#"$.Statement[1].Condition.StringEquals["aws:SourceIp"][1]"#
            ),
            Some((9, 67))
        );
        assert_eq!(
            locate_path(TEXT, r#"$.Statement[1].Condition.StringEquals["k\"q"]"#),
            Some((9, 77))
        );
    }

    #[test]
    fn gives_up_quietly() {
        assert_eq!(locate_path(TEXT, "$.Statement[2]"), None);
        assert_eq!(locate_path(TEXT, "$.Nope"), None);
        assert_eq!(locate_path(TEXT, "$.Version.x"), None);
        assert_eq!(locate_path(TEXT, "$.Statement.Sid"), None);
        assert_eq!(locate_path(TEXT, "$.?"), None);
        for text in [
            "",
            "{",
            "[",
            "{\"a\"",
            "{\"a\":",
            "{\"a\": [1,",
            "\"",
            "{\"a\": 1 \"b\": 2}",
            "}}}",
        ] {
            for path in ["$", "$.a", "$.a[0]", "$[0]", "$.b"] {
                let _ = locate_path(text, path);
            }
        }
        assert_eq!(locate_path("{\"a\": [1,", "$.a[1]"), None);
        assert_eq!(locate_path("  {\"a\": 1}", "$"), Some((1, 3)));
    }
}
