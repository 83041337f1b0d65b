//! Parsing repeated `KEY=VALUE` arguments (`--context`, `--param`, `--tag`).

/// How keys compare when grouping values of the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyCase {
    /// IAM context keys: `aws:TagKeys` and `AWS:TAGKEYS` are one key.
    Insensitive,
    /// Names that are case-sensitive, such as permission set parameters.
    Sensitive,
}

/// Groups `KEY=VALUE` arguments of option `flag` by key, in first-seen order; repeating a key
/// gives it several values. The error names the option and the argument.
pub(crate) fn key_values(
    flag: &str,
    args: &[String],
    case: KeyCase,
) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut entries: Vec<(String, Vec<String>)> = Vec::new();
    for arg in args {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(format!("{flag} {arg:?}: expected KEY=VALUE"));
        };
        if key.is_empty() {
            return Err(format!("{flag} {arg:?}: the key is empty"));
        }
        let same = |k: &str| match case {
            KeyCase::Insensitive => k.eq_ignore_ascii_case(key),
            KeyCase::Sensitive => k == key,
        };
        match entries.iter_mut().find(|(k, _)| same(k)) {
            Some((_, values)) => values.push(value.to_owned()),
            None => entries.push((key.to_owned(), vec![value.to_owned()])),
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_key_with_the_chosen_case_rule() {
        let args = [
            "aws:TagKeys=a".to_owned(),
            "AWS:TAGKEYS=b".to_owned(),
            "sts:ExternalId=x=y".to_owned(),
        ];
        let parsed = key_values("--context", &args, KeyCase::Insensitive).unwrap();
        assert_eq!(parsed[0].1, ["a", "b"]);
        assert_eq!(
            parsed[1],
            ("sts:ExternalId".to_string(), vec!["x=y".to_string()])
        );
        let sensitive = key_values("--param", &args, KeyCase::Sensitive).unwrap();
        assert_eq!(sensitive.len(), 3);
        let err = key_values("--param", &["novalue".into()], KeyCase::Sensitive).unwrap_err();
        assert!(
            err.contains("--param") && err.contains("KEY=VALUE"),
            "{err}"
        );
        let err = key_values("--tag", &["=v".into()], KeyCase::Sensitive).unwrap_err();
        assert!(err.contains("empty"), "{err}");
    }
}
