//! The condition rules shared by both evaluators: missing keys, `IfExists`, `Null`, negated
//! operators and the `ForAnyValue` / `ForAllValues` set operators.
//!
//! IAM User Guide, "Condition operators" and "Set operators for multivalued context keys":
//! - a key absent from the request makes a condition false, except for negated operators
//!   (`StringNotEquals`, `NotIpAddress`, ...) where it is true; `...IfExists` makes it true;
//! - several policy values for one key are ORed (NORed for negated operators);
//! - `ForAllValues` is true when the key is absent or empty (no values, or only empty strings:
//!   "an empty data set (for example, an empty string)"), and otherwise needs every request
//!   value to match; `ForAnyValue` is false when the key is absent or empty, and otherwise
//!   needs one request value to match;
//! - `Null: true` is true when the key is absent, `Null: false` when it is present.

use crate::excerpt::excerpt;
use crate::{OperatorFamily, OperatorKind, SetQualifier};

use super::values::PreparedValue;

/// A three-valued condition result: `Unknown` carries why it could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tri {
    True,
    False,
    Unknown { path: String, reason: String },
}

/// Conditions AND together: one false entry settles it; otherwise an unknown one leaves it
/// unknown.
pub(crate) fn combine_entries(results: impl IntoIterator<Item = Tri>) -> Tri {
    let mut unknown = None;
    for result in results {
        match result {
            Tri::False => return Tri::False,
            Tri::Unknown { .. } if unknown.is_none() => unknown = Some(result),
            _ => {}
        }
    }
    unknown.unwrap_or(Tri::True)
}

/// Evaluates one key of a known, non-`Null` operator.
///
/// `request` is the key's values in the request (`None` when absent); `matches_any` tells
/// whether one request value satisfies the base comparison with any of the policy values, and
/// is `None` when the request value cannot be read as the operator's type.
///
/// `Err` carries why the entry cannot be evaluated: a request value of the wrong type (a
/// number operator over `"a"`, `NotIpAddress` over `"abcdeft"`, `ArnNotLike` over something
/// that is not an ARN). Every request value is read, so one unreadable value makes the entry
/// unevaluable whatever the others say: the evaluators then never let it allow (an `Allow`
/// statement does not apply, a `Deny` statement turns `Allow` into `ImplicitDeny`), where the
/// old reading (a failed comparison is "no match") made every negated operator vacuously true.
pub(crate) fn evaluate_entry(
    kind: OperatorKind,
    qualifier: Option<SetQualifier>,
    if_exists: bool,
    request: Option<&[String]>,
    matches_any: impl Fn(&str) -> Option<bool>,
) -> Result<bool, String> {
    let negated = kind.is_negated();
    let values = match request {
        Some(values) if !is_empty_dataset(values, qualifier) => values,
        // Absent (an empty set counts as absent for every rule below).
        _ => {
            return Ok(if if_exists {
                true
            } else {
                match qualifier {
                    Some(SetQualifier::ForAllValues) => true,
                    Some(SetQualifier::ForAnyValue) => false,
                    None => negated,
                }
            });
        }
    };
    // "Multivalued context keys require a condition set operator" (IAM User Guide,
    // "Single-valued vs. multivalued context keys"; and "AWS global condition context keys":
    // "To compare your condition against a request context with multiple key values, you must
    // use the ForAllValues or ForAnyValue set operators"). Without one, several request values
    // have no documented reading: unevaluable, not a silent ForAnyValue.
    if qualifier.is_none() && values.len() > 1 {
        return Err(format!(
            "the request holds {} values for this key, and {kind} without ForAnyValue: or ForAllValues: compares a single value, so the condition cannot be evaluated",
            values.len()
        ));
    }
    // Whether some / every request value satisfies the base comparison; no short cut, so an
    // unreadable value is always noticed.
    let (mut some, mut every) = (false, true);
    for value in values {
        let matched = matches_any(value).ok_or_else(|| unreadable_value_reason(kind, value))?;
        some |= matched;
        every &= matched;
    }
    Ok(match (qualifier, negated) {
        (Some(SetQualifier::ForAllValues), false) => every,
        // Every request value matches none of the policy values.
        (Some(SetQualifier::ForAllValues), true) => !some,
        // Some request value matches none of the policy values.
        (Some(SetQualifier::ForAnyValue), true) => !every,
        (Some(SetQualifier::ForAnyValue), false) | (None, false) => some,
        (None, true) => !some,
    })
}

/// Why a request value cannot be compared under `kind` (shared so both evaluators report
/// alike); quotes only an excerpt of the value.
pub(crate) fn unreadable_value_reason(kind: OperatorKind, value: &str) -> String {
    let expected = match kind.family() {
        OperatorFamily::Numeric => "a number",
        OperatorFamily::Date => "an ISO 8601 date or epoch time",
        OperatorFamily::Bool | OperatorFamily::Null => "true or false",
        OperatorFamily::IpAddress => "an IP address",
        OperatorFamily::Arn => "an ARN (arn:partition:service:region:account:resource)",
        OperatorFamily::String | OperatorFamily::Binary => "a string",
    };
    format!(
        "the request value {:?} is not {expected}, so {kind} cannot compare it",
        excerpt(value)
    )
}

/// True when the request values are an empty set. For the set operators that includes values
/// that "resolve to an empty data set (for example, an empty string)", which make
/// `ForAllValues` true and `ForAnyValue` false (IAM User Guide, "Set operators for multivalued
/// context keys" and "Multivalued context key examples"): a key whose only values are empty
/// strings counts as an empty set there. No values at all is an empty set for every operator.
fn is_empty_dataset(values: &[String], qualifier: Option<SetQualifier>) -> bool {
    values.is_empty() || (qualifier.is_some() && values.iter().all(String::is_empty))
}

/// Why an unknown operator can't be evaluated (shared so both evaluators report alike).
pub(crate) fn unknown_operator_reason(name: &str) -> String {
    format!(
        "{:?} is not an IAM condition operator, so the condition cannot be evaluated",
        excerpt(name)
    )
}

/// Why a `Null` value can't be evaluated.
pub(crate) fn null_value_reason(value: &str) -> String {
    format!("Null takes true or false, not {:?}", excerpt(value))
}

/// Evaluates one key of a `Null` operator; `expected` are the policy's booleans.
pub(crate) fn evaluate_null(request: Option<&[String]>, expected: &[bool]) -> bool {
    let absent = request.is_none_or(<[String]>::is_empty);
    expected.contains(&absent)
}

/// `matches_any` over prepared policy values. `None` entries are values whose policy variable
/// has no value in the request.
///
/// IAM User Guide, "IAM policy elements: Variables and tags": a key that is *not present*
/// means "any attempt to match it fails and causes the statement to be invalid". So such a
/// value never satisfies a comparison, and that must hold for negated operators too: for
/// `StringNotEquals` / `ArnNotLike` / ... the unresolved value counts as matching every request
/// value, so the negation fails instead of being vacuously true (which would let an `Allow`
/// with `StringNotEquals: {"k": "${aws:username}"}` apply to callers without a user name).
/// When the key itself is absent no comparison is made and the absent-key rules apply.
pub(crate) fn any_prepared<'a>(
    kind: OperatorKind,
    policy: &'a [Option<PreparedValue>],
) -> impl Fn(&str) -> Option<bool> + 'a {
    let negated = kind.is_negated();
    move |value| {
        // Every policy value is tried (no short cut), so a request value the operator cannot
        // read is noticed even after a match.
        policy.iter().try_fold(false, |matched, prepared| {
            Some(
                matched
                    | match prepared {
                        Some(prepared) => prepared.test(kind, value)?,
                        None => negated,
                    },
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(values: &[&str]) -> Vec<Option<PreparedValue>> {
        values
            .iter()
            .map(|v| Some(PreparedValue::prepare(OperatorKind::StringEquals, v).unwrap()))
            .collect()
    }

    fn ok(result: Result<bool, String>) -> bool {
        result.unwrap()
    }

    fn req(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn missing_keys() {
        let p = exact(&["a"]);
        assert!(!ok(evaluate_entry(
            OperatorKind::StringEquals,
            None,
            false,
            None,
            any_prepared(OperatorKind::StringEquals, &p)
        )));
        assert!(ok(evaluate_entry(
            OperatorKind::StringNotEquals,
            None,
            false,
            None,
            any_prepared(OperatorKind::StringNotEquals, &p)
        )));
        assert!(ok(evaluate_entry(
            OperatorKind::StringEquals,
            None,
            true,
            None,
            any_prepared(OperatorKind::StringEquals, &p)
        )));
        assert!(ok(evaluate_entry(
            OperatorKind::StringEquals,
            Some(SetQualifier::ForAllValues),
            false,
            None,
            any_prepared(OperatorKind::StringEquals, &p)
        )));
        assert!(!ok(evaluate_entry(
            OperatorKind::StringEquals,
            Some(SetQualifier::ForAnyValue),
            false,
            Some(&[]),
            any_prepared(OperatorKind::StringEquals, &p)
        )));
    }

    #[test]
    fn set_operators_from_the_iam_guide() {
        // ForAllValues:StringEquals aws:TagKeys ["environment", "cost-center"]
        let p = exact(&["environment", "cost-center"]);
        let all = Some(SetQualifier::ForAllValues);
        let any = Some(SetQualifier::ForAnyValue);
        let k = OperatorKind::StringEquals;
        assert!(ok(evaluate_entry(
            k,
            all,
            false,
            Some(&req(&["environment"])),
            any_prepared(k, &p)
        )));
        assert!(!ok(evaluate_entry(
            k,
            all,
            false,
            Some(&req(&["environment", "dept"])),
            any_prepared(k, &p)
        )));
        assert!(ok(evaluate_entry(
            k,
            any,
            false,
            Some(&req(&["environment", "dept"])),
            any_prepared(k, &p)
        )));
        assert!(!ok(evaluate_entry(
            k,
            any,
            false,
            Some(&req(&["dept"])),
            any_prepared(k, &p)
        )));
        let n = OperatorKind::StringNotEquals;
        assert!(ok(evaluate_entry(
            n,
            any,
            false,
            Some(&req(&["environment", "dept"])),
            any_prepared(n, &p)
        )));
        assert!(!ok(evaluate_entry(
            n,
            all,
            false,
            Some(&req(&["environment", "dept"])),
            any_prepared(n, &p)
        )));
        // Negated operators NOR their policy values.
        assert!(!ok(evaluate_entry(
            n,
            None,
            false,
            Some(&req(&["cost-center"])),
            any_prepared(n, &p)
        )));
        assert!(ok(evaluate_entry(
            n,
            None,
            false,
            Some(&req(&["other"])),
            any_prepared(n, &p)
        )));
    }

    #[test]
    fn null_checks() {
        assert!(evaluate_null(None, &[true]));
        assert!(!evaluate_null(Some(&req(&["x"])), &[true]));
        assert!(evaluate_null(Some(&req(&["x"])), &[false]));
        assert!(!evaluate_null(None, &[false]));
    }

    #[test]
    fn combining() {
        let unknown = Tri::Unknown {
            path: "$".into(),
            reason: "r".into(),
        };
        assert_eq!(combine_entries([Tri::True, Tri::True]), Tri::True);
        assert_eq!(combine_entries([unknown.clone(), Tri::False]), Tri::False);
        assert_eq!(combine_entries([Tri::True, unknown.clone()]), unknown);
    }
}
