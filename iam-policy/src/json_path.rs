//! Building JSON paths (`$.Statement[0].Condition.StringEquals["aws:SourceIp"]`) for parse
//! errors, evaluation reports and validation findings, all in one notation.

/// Appends `.key`, or `["key"]` when the key is not a plain identifier.
pub fn push_key(path: &mut String, key: &str) {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        path.push('.');
        path.push_str(key);
    } else {
        path.push('[');
        // A JSON string literal is the unambiguous way to quote any key.
        path.push_str(&serde_json::Value::String(key.to_owned()).to_string());
        path.push(']');
    }
}

/// Appends `[index]`.
pub fn push_index(path: &mut String, index: usize) {
    path.push('[');
    path.push_str(&index.to_string());
    path.push(']');
}

/// `path` followed by `key`.
///
/// ```
/// assert_eq!(iam_policy::json_path::child("$.Statement[0]", "aws:SourceIp"), r#"$.Statement[0]["aws:SourceIp"]"#);
/// ```
pub fn child(path: &str, key: &str) -> String {
    let mut out = path.to_owned();
    push_key(&mut out, key);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_keys_that_need_it() {
        let mut p = String::from("$");
        push_key(&mut p, "Statement");
        push_index(&mut p, 2);
        push_key(&mut p, "aws:SourceIp");
        assert_eq!(p, r#"$.Statement[2]["aws:SourceIp"]"#);
        assert_eq!(child("$", r#"a"b"#), r#"$["a\"b"]"#);
    }
}
