//! Condition checks: operators IAM knows, values each operator can read, set qualifiers on
//! single-valued keys and on `Null`, and conditions that can never match as written.

use std::net::Ipv4Addr;

use crate::eval::values::{Cidr, parse_bool, parse_date, parse_number};
use crate::excerpt::excerpt;
use crate::template;
use crate::{
    Condition, ConditionEntry, ConditionOperator, Effect, OperatorFamily, OperatorKind,
    SetQualifier, Statement,
};

use super::FindingCode;
use super::report::{Report, child, item_path, statements};

pub(crate) fn check(doc: &crate::PolicyDocument, report: &mut Report) {
    for (path, statement) in statements(doc) {
        let Some(condition) = &statement.condition else {
            continue;
        };
        let condition_path = child(&path, "Condition");
        if condition.is_empty() {
            report.add(
                FindingCode::EmptyObjectCondition,
                condition_path,
                "The Condition element is empty. Remove it or add the conditions you meant.",
            );
            continue;
        }
        for block in &condition.blocks {
            let op_name = block.operator.to_string();
            let op_path = child(&condition_path, &op_name);
            let (qualifier, kind, if_exists) = match &block.operator {
                ConditionOperator::Known {
                    qualifier,
                    kind,
                    if_exists,
                } => (*qualifier, *kind, *if_exists),
                ConditionOperator::Unknown(name) => {
                    unknown_operator(name, op_path, report);
                    continue;
                }
            };
            if block.entries.is_empty() {
                report.add(
                    FindingCode::EmptyObjectCondition,
                    op_path.clone(),
                    format!("{op_name} has no condition keys. Remove it or add the keys to test."),
                );
            }
            // Set operators are defined for multivalued keys (IAM User Guide, "Set operators
            // for multivalued context keys"); Null is not a comparison and the guide gives
            // them no meaning together. IAM accepts the policy, so this is a warning.
            if kind == OperatorKind::Null && qualifier.is_some() {
                report.add(
                    FindingCode::NullWithQualifier,
                    op_path.clone(),
                    format!(
                        "Null tests whether a key is present at all; {op_name} mixes that with a set operator, which IAM does not define for Null. Use plain \"Null\"."
                    ),
                );
            }
            for entry in &block.entries {
                let key_path = child(&op_path, &entry.key);
                if entry.values.is_empty() {
                    report.add(
                        FindingCode::EmptyArrayCondition,
                        key_path,
                        format!(
                            "{} has an empty list of values under {op_name}, so the condition can't match as intended. List the values to compare with.",
                            entry.key
                        ),
                    );
                    continue;
                }
                values(kind, &op_name, entry, &key_path, report);
                private_source_ip(kind, entry, &key_path, report);
                if qualifier.is_none() && kind != OperatorKind::Null {
                    multivalued_without_set_operator(&block.operator, entry, &key_path, report);
                }
                if let Some(qualifier) = qualifier {
                    set_operator(
                        statement, condition, qualifier, kind, if_exists, entry, &key_path, report,
                    );
                }
            }
        }
    }
}

/// Access Analyzer: INVALID_CONDITION_OPERATOR, and NULL_WITH_IF_EXISTS for the one suffix
/// IAM refuses ("NullIfExists" does not exist; Null already tests existence).
fn unknown_operator(name: &str, path: String, report: &mut Report) {
    let base = name
        .strip_prefix("ForAnyValue:")
        .or_else(|| name.strip_prefix("ForAllValues:"))
        .unwrap_or(name);
    if base == "NullIfExists" {
        report.add(
            FindingCode::NullWithIfExists,
            path,
            "IAM has no NullIfExists: Null already tests whether the key exists. Use \"Null\".",
        );
        return;
    }
    let hint = match case_insensitive_operator(name) {
        Some(known) => format!(" Operator names are case-sensitive: did you mean {known:?}?"),
        None => " Use one of the operators in the IAM User Guide, \"Condition operators\" (StringEquals, ArnLike, Bool, ...).".to_owned(),
    };
    report.add(
        FindingCode::InvalidConditionOperator,
        path,
        format!("{name:?} is not an IAM condition operator, so IAM rejects the policy.{hint}"),
    );
}

/// The known operator `name` spells with different letter case, if any.
fn case_insensitive_operator(name: &str) -> Option<String> {
    let qualifiers = [
        None,
        Some(SetQualifier::ForAnyValue),
        Some(SetQualifier::ForAllValues),
    ];
    for qualifier in qualifiers {
        for kind in OperatorKind::ALL {
            for if_exists in [false, true] {
                if kind == OperatorKind::Null && if_exists {
                    continue;
                }
                let candidate = ConditionOperator::Known {
                    qualifier,
                    kind,
                    if_exists,
                }
                .to_string();
                if candidate.eq_ignore_ascii_case(name) {
                    return Some(candidate);
                }
            }
        }
    }
    None
}

/// Numeric, Date, Bool, Null and IpAddress operators read their values as numbers, dates,
/// booleans and CIDR blocks (IAM User Guide, "Condition operators"); a value they can't read
/// never matches, so that part of the policy does not work. Policy variables are not
/// substituted in these operators, so `${...}` is no excuse (for `Bool`, where AWS's pages
/// disagree, a variable gets its own finding, `BOOL_WITH_POLICY_VARIABLE`).
fn values(
    kind: OperatorKind,
    op_name: &str,
    entry: &ConditionEntry,
    key_path: &str,
    report: &mut Report,
) {
    let (valid, expected): (fn(&str) -> bool, &str) = match kind.family() {
        OperatorFamily::Numeric => (
            |t| parse_number(t).is_some(),
            "a decimal number such as \"10\" or \"2.5\"",
        ),
        OperatorFamily::Date => (
            |t| parse_date(t).is_some(),
            "an ISO 8601 date such as \"2026-01-31T00:00:00Z\" or epoch seconds",
        ),
        OperatorFamily::Bool | OperatorFamily::Null => {
            (|t| parse_bool(t).is_some(), "true or false")
        }
        OperatorFamily::IpAddress => (
            |t| Cidr::parse(t).is_some(),
            "an IPv4 or IPv6 address or CIDR block such as \"203.0.113.0/24\"",
        ),
        // "each of the six colon-delimited components of the ARN" is checked separately
        // (IAM User Guide, "ARN condition operators"): a value with fewer parts has nothing to
        // compare component by component, and the evaluators report it as unevaluable. A value
        // holding a policy variable is checked once substituted.
        OperatorFamily::Arn => (
            |t| t.splitn(6, ':').count() == 6 || t.contains("${"),
            "an ARN of six colon-separated parts such as \"arn:aws:sns:*:123456789012:topic\"",
        ),
        OperatorFamily::String | OperatorFamily::Binary => return,
    };
    for (i, value) in entry.values.iter().enumerate() {
        let text = value.as_text();
        if kind.family() == OperatorFamily::Bool && template::has_variables(&text) {
            // See `OperatorKind::supports_variables` for the two AWS pages that disagree.
            report.add(
                FindingCode::BoolWithPolicyVariable,
                item_path(key_path, &entry.values, i),
                format!(
                    "{op_name} compares {} with {:?}, a policy variable. AWS's pages disagree on whether Bool substitutes variables (\"Variables and tags\" says no, \"Condition operators\" says supported); this tool follows the first, so the condition is unevaluable: it never allows, and in a Deny it blocks every Allow. Compare with a literal true or false, or use StringEquals if you meant to compare two keys.",
                    entry.key,
                    excerpt(&text)
                ),
            );
            continue;
        }
        if !valid(&text) {
            report.add(
                FindingCode::InvalidConditionValue,
                item_path(key_path, &entry.values, i),
                format!(
                    "{op_name} compares {} with {text:?}, which is not {expected}, so the condition never matches as intended. Use {expected}.",
                    entry.key
                ),
            );
        }
    }
}

/// Access Analyzer: PRIVATE_IP_ADDRESS / PRIVATE_NOT_IP_ADDRESS. `aws:SourceIp` holds the
/// public address a request comes from; requests through a VPC endpoint carry
/// `aws:VpcSourceIp` instead (IAM User Guide, "AWS global condition context keys").
fn private_source_ip(
    kind: OperatorKind,
    entry: &ConditionEntry,
    key_path: &str,
    report: &mut Report,
) {
    let (code, effect) = match kind {
        OperatorKind::IpAddress => (FindingCode::PrivateIpAddress, "never matches"),
        OperatorKind::NotIpAddress => (FindingCode::PrivateNotIpAddress, "always matches"),
        _ => return,
    };
    if !entry.key.eq_ignore_ascii_case("aws:SourceIp") {
        return;
    }
    for (i, value) in entry.values.iter().enumerate() {
        let text = value.as_text();
        if is_private_ipv4_range(&text) {
            report.add(
                code,
                item_path(key_path, &entry.values, i),
                format!(
                    "{text:?} is a private (RFC 1918) range, but aws:SourceIp only ever holds public addresses, so {kind} {effect}. For traffic through a VPC endpoint test aws:VpcSourceIp instead."
                ),
            );
        }
    }
}

fn is_private_ipv4_range(text: &str) -> bool {
    let text = text.trim();
    let (addr, prefix) = match text.split_once('/') {
        Some((addr, prefix)) => match prefix.parse::<u8>() {
            Ok(prefix) if prefix <= 32 => (addr, prefix),
            _ => return false,
        },
        None => (text, 32),
    };
    let Ok(addr) = addr.parse::<Ipv4Addr>() else {
        return false;
    };
    let [a, b, ..] = addr.octets();
    (a == 10 && prefix >= 8)
        || (a == 172 && (16..=31).contains(&b) && prefix >= 12)
        || (a == 192 && b == 168 && prefix >= 16)
}

/// Global condition keys AWS documents as single-valued (IAM User Guide, "AWS global
/// condition context keys", "Value type: Single-valued"), and the STS keys of trust policies.
const SINGLE_VALUED_KEYS: &[&str] = &[
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:CurrentTime",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:Ec2InstanceSourceVpc",
    "aws:EpochTime",
    "aws:FederatedProvider",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalOrgID",
    "aws:PrincipalServiceName",
    "aws:PrincipalType",
    "aws:Referer",
    "aws:RequestedRegion",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIdentity",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:SourceVpce",
    "aws:TokenIssueTime",
    "aws:UserAgent",
    "aws:userid",
    "aws:username",
    "aws:ViaAWSService",
    "aws:VpcSourceIp",
    "sts:ExternalId",
    "sts:RoleSessionName",
    "sts:SourceIdentity",
];

/// Global condition keys AWS documents as multivalued (IAM User Guide, "AWS global condition
/// context keys", "Value type: Multivalued").
const MULTIVALUED_KEYS: &[&str] = &[
    "aws:CalledVia",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceNamesList",
    "aws:ResourceOrgPaths",
    "aws:SourceOrgPaths",
    "aws:TagKeys",
];

/// IAM User Guide, "Single-valued vs. multivalued context keys": "Multivalued context keys
/// require a condition set operator", and "AWS global condition context keys": "To compare
/// your condition against a request context with multiple key values, you must use the
/// ForAllValues or ForAnyValue set operators." A plain operator on such a key has no
/// documented meaning once the request holds two values, so the evaluators report the entry
/// as unevaluable then (never a silent `ForAnyValue`), and the validator warns here (Access
/// Analyzer warns on it too).
fn multivalued_without_set_operator(
    operator: &ConditionOperator,
    entry: &ConditionEntry,
    key_path: &str,
    report: &mut Report,
) {
    let key = &entry.key;
    if !MULTIVALUED_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
        return;
    }
    report.add(
        FindingCode::MultivaluedKeyWithoutSetOperator,
        key_path.to_owned(),
        format!(
            "{key} is multivalued, and AWS requires ForAnyValue: or ForAllValues: to compare it: with \"{operator}\" alone a request carrying several values cannot be evaluated. Use \"ForAnyValue:{operator}\" (some value matches) or \"ForAllValues:{operator}\" (every value matches)."
        ),
    );
}

/// Tag keys: `aws:RequestTag/NAME` etc. hold one value per tag name.
const SINGLE_VALUED_PREFIXES: &[&str] =
    &["aws:PrincipalTag/", "aws:RequestTag/", "aws:ResourceTag/"];

fn is_single_valued(key: &str) -> bool {
    SINGLE_VALUED_KEYS
        .iter()
        .any(|k| k.eq_ignore_ascii_case(key))
        || SINGLE_VALUED_PREFIXES.iter().any(|prefix| {
            key.get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        })
}

/// IAM User Guide, "Set operators for multivalued context keys": `ForAllValues` "returns true
/// if ... the context key in the request is empty or missing", and set operators are meant for
/// multivalued keys. On a single-valued key `ForAllValues` grants access to requests without
/// the key (Access Analyzer's "ForAllValues with single valued key" security warning) and
/// `ForAnyValue` is just a roundabout plain operator.
#[allow(clippy::too_many_arguments)] // One call site; a struct would only rename them.
fn set_operator(
    statement: &Statement,
    condition: &Condition,
    qualifier: SetQualifier,
    kind: OperatorKind,
    if_exists: bool,
    entry: &ConditionEntry,
    key_path: &str,
    report: &mut Report,
) {
    let plain = ConditionOperator::Known {
        qualifier: None,
        kind,
        if_exists,
    };
    let key = &entry.key;
    match qualifier {
        SetQualifier::ForAllValues if is_single_valued(key) => report.add(
            FindingCode::ForAllValuesWithSingleValuedKey,
            key_path.to_owned(),
            format!(
                "{key} is single-valued, and ForAllValues:{plain} is also true when {key} is missing from the request, so the condition can let requests through without it. Use \"{plain}\" without the ForAllValues: prefix."
            ),
        ),
        SetQualifier::ForAnyValue if is_single_valued(key) => report.add(
            FindingCode::ForAnyValueWithSingleValuedKey,
            key_path.to_owned(),
            format!(
                "{key} is single-valued; set operators are for multivalued keys. Use \"{plain}\" without the ForAnyValue: prefix."
            ),
        ),
        SetQualifier::ForAllValues
            if statement.effect == Effect::Allow
                && !if_exists
                && !requires_presence(condition, key) =>
        {
            report.add(
                FindingCode::ForAllValuesWithoutNullCheck,
                key_path.to_owned(),
                format!(
                    "ForAllValues:{plain} is true when {key} is missing from the request or empty, so this Allow also applies to requests without {key}. If the key must be present, add \"Null\": {{\"{key}\": \"false\"}} to the condition."
                ),
            )
        }
        _ => {}
    }
}

/// Does the condition also require `key` to be present: `Null: false`, or a `ForAnyValue`
/// test (false when the key is absent)?
fn requires_presence(condition: &Condition, key: &str) -> bool {
    condition.entries().any(|(operator, entry)| {
        entry.key.eq_ignore_ascii_case(key)
            && match operator {
                ConditionOperator::Known {
                    kind: OperatorKind::Null,
                    ..
                } => entry
                    .values
                    .iter()
                    .any(|v| parse_bool(&v.as_text()) == Some(false)),
                ConditionOperator::Known {
                    qualifier: Some(SetQualifier::ForAnyValue),
                    if_exists: false,
                    ..
                } => true,
                _ => false,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::super::report::testing::*;
    use super::*;

    fn with_condition(condition: &str) -> String {
        statement(&format!(
            r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {condition}"#
        ))
    }

    #[test]
    fn good_conditions() {
        let doc = with_condition(
            r#"{"StringEquals": {"aws:PrincipalTag/team": "a"}, "NumericLessThan": {"aws:MultiFactorAuthAge": ["3600", 7200]},
               "DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}, "Bool": {"aws:SecureTransport": true},
               "Null": {"aws:TagKeys": "false"}, "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
               "ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}, "ForAnyValue:StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}}"#,
        );
        let found = findings(MANAGED, &doc);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn unknown_operator() {
        let doc = with_condition(r#"{"StringEqualz": {"a:b": "c"}}"#);
        let found = with_code(MANAGED, &doc, FindingCode::InvalidConditionOperator);
        assert_eq!(
            found[0].location.path,
            "$.Statement[0].Condition.StringEqualz"
        );
        let doc = with_condition(r#"{"forallvalues:stringequals": {"a:b": "c"}}"#);
        let found = with_code(MANAGED, &doc, FindingCode::InvalidConditionOperator);
        assert!(
            found[0].message.contains("\"ForAllValues:StringEquals\""),
            "{}",
            found[0].message
        );
        assert!(!reports(
            MANAGED,
            &with_condition(r#"{"StringEquals": {"a:b": "c"}}"#),
            FindingCode::InvalidConditionOperator
        ));
    }

    #[test]
    fn null_if_exists() {
        let doc = with_condition(r#"{"NullIfExists": {"a:b": "true"}}"#);
        assert!(reports(MANAGED, &doc, FindingCode::NullWithIfExists));
        assert!(!reports(
            MANAGED,
            &doc,
            FindingCode::InvalidConditionOperator
        ));
        assert!(!reports(
            MANAGED,
            &with_condition(r#"{"Null": {"a:b": "true"}}"#),
            FindingCode::NullWithIfExists
        ));
    }

    #[test]
    fn null_with_qualifier() {
        let doc = with_condition(r#"{"ForAllValues:Null": {"aws:TagKeys": "true"}}"#);
        assert!(reports(MANAGED, &doc, FindingCode::NullWithQualifier));
        assert!(!reports(
            MANAGED,
            &with_condition(r#"{"Null": {"aws:TagKeys": "true"}}"#),
            FindingCode::NullWithQualifier
        ));
    }

    #[test]
    fn invalid_values() {
        let doc = with_condition(
            r#"{"NumericLessThan": {"a:n": ["1", "ten"]}, "DateLessThan": {"aws:CurrentTime": "tomorrow"},
               "Bool": {"aws:SecureTransport": "yes"}, "Null": {"a:b": 1}, "IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}"#,
        );
        let found = with_code(MANAGED, &doc, FindingCode::InvalidConditionValue);
        let paths: Vec<&str> = found.iter().map(|f| f.location.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                r#"$.Statement[0].Condition.Bool["aws:SecureTransport"]"#,
                r#"$.Statement[0].Condition.DateLessThan["aws:CurrentTime"]"#,
                r#"$.Statement[0].Condition.IpAddress["aws:SourceIp"]"#,
                r#"$.Statement[0].Condition.Null["a:b"]"#,
                r#"$.Statement[0].Condition.NumericLessThan["a:n"][1]"#,
            ]
        );
        assert!(found.iter().all(|f| f.location.line.is_some()));
        let good = with_condition(
            r#"{"NumericLessThan": {"a:n": ["1", "-2.5"]}, "Bool": {"aws:SecureTransport": "TRUE"}}"#,
        );
        assert!(!reports(MANAGED, &good, FindingCode::InvalidConditionValue));
    }

    #[test]
    fn multivalued_key_without_set_operator_is_reported() {
        let doc = with_condition(
            r#"{"StringEquals": {"aws:CalledVia": "athena.amazonaws.com", "aws:SourceVpc": "vpc-1"},
               "ForAnyValue:StringEquals": {"aws:TagKeys": "env"}, "Null": {"aws:TagKeys": "false"}}"#,
        );
        let found = with_code(MANAGED, &doc, FindingCode::MultivaluedKeyWithoutSetOperator);
        let paths: Vec<&str> = found.iter().map(|f| f.location.path.as_str()).collect();
        assert_eq!(
            paths,
            [r#"$.Statement[0].Condition.StringEquals["aws:CalledVia"]"#]
        );
        assert!(found[0].message.contains("ForAnyValue:StringEquals"));
    }

    #[test]
    fn bool_with_policy_variable_is_its_own_finding() {
        let doc = with_condition(
            r#"{"Bool": {"aws:SecureTransport": ["true", "${aws:ViaAWSService}"]}}"#,
        );
        let found = with_code(MANAGED, &doc, FindingCode::BoolWithPolicyVariable);
        let paths: Vec<&str> = found.iter().map(|f| f.location.path.as_str()).collect();
        assert_eq!(
            paths,
            [r#"$.Statement[0].Condition.Bool["aws:SecureTransport"][1]"#]
        );
        assert!(found[0].message.contains("unevaluable"));
        assert!(!reports(MANAGED, &doc, FindingCode::InvalidConditionValue));
    }

    #[test]
    fn arn_operator_value_needs_six_parts() {
        let doc = with_condition(
            r#"{"ArnNotLike": {"aws:SourceArn": ["arn:aws:s3", "arn:aws:sns:*:1:t", "${aws:SourceArn}"]}}"#,
        );
        let found = with_code(MANAGED, &doc, FindingCode::InvalidConditionValue);
        let paths: Vec<&str> = found.iter().map(|f| f.location.path.as_str()).collect();
        assert_eq!(
            paths,
            [r#"$.Statement[0].Condition.ArnNotLike["aws:SourceArn"][0]"#]
        );
    }

    #[test]
    fn empty_conditions() {
        assert!(reports(
            MANAGED,
            &with_condition("{}"),
            FindingCode::EmptyObjectCondition
        ));
        assert!(reports(
            MANAGED,
            &with_condition(r#"{"StringEquals": {}}"#),
            FindingCode::EmptyObjectCondition
        ));
        assert!(reports(
            MANAGED,
            &with_condition(r#"{"StringEquals": {"a:b": []}}"#),
            FindingCode::EmptyArrayCondition
        ));
        let good = with_condition(r#"{"StringEquals": {"a:b": ["c"]}}"#);
        assert!(!reports(MANAGED, &good, FindingCode::EmptyObjectCondition));
        assert!(!reports(MANAGED, &good, FindingCode::EmptyArrayCondition));
    }

    #[test]
    fn private_source_ips() {
        let doc =
            with_condition(r#"{"IpAddress": {"aws:SourceIp": ["10.1.0.0/16", "203.0.113.0/24"]}}"#);
        let found = with_code(MANAGED, &doc, FindingCode::PrivateIpAddress);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].location.path,
            r#"$.Statement[0].Condition.IpAddress["aws:SourceIp"][0]"#
        );
        let doc = with_condition(r#"{"NotIpAddress": {"aws:SourceIp": "192.168.1.1"}}"#);
        assert!(reports(MANAGED, &doc, FindingCode::PrivateNotIpAddress));
        // A range wider than the private block is not entirely private; VpcSourceIp is fine.
        let doc = with_condition(
            r#"{"IpAddress": {"aws:SourceIp": "172.0.0.0/8", "aws:VpcSourceIp": "10.0.0.0/8"}}"#,
        );
        assert!(!reports(MANAGED, &doc, FindingCode::PrivateIpAddress));
    }

    #[test]
    fn set_operators_on_single_valued_keys() {
        let doc = with_condition(
            r#"{"ForAllValues:StringEquals": {"aws:SourceAccount": "111122223333", "aws:RequestTag/team": "a"}}"#,
        );
        let found = with_code(MANAGED, &doc, FindingCode::ForAllValuesWithSingleValuedKey);
        assert_eq!(found.len(), 2);
        assert!(found[0].message.contains("\"StringEquals\""));
        let doc = with_condition(r#"{"ForAnyValue:StringLike": {"sts:ExternalId": "a*"}}"#);
        assert!(reports(
            MANAGED,
            &doc,
            FindingCode::ForAnyValueWithSingleValuedKey
        ));
        let doc = with_condition(
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": "a"}, "Null": {"aws:TagKeys": "false"}}"#,
        );
        assert!(!reports(
            MANAGED,
            &doc,
            FindingCode::ForAllValuesWithSingleValuedKey
        ));
        assert!(!reports(
            MANAGED,
            &doc,
            FindingCode::ForAnyValueWithSingleValuedKey
        ));
    }

    #[test]
    fn for_all_values_without_null_check() {
        let doc = with_condition(r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#);
        let found = with_code(MANAGED, &doc, FindingCode::ForAllValuesWithoutNullCheck);
        assert_eq!(
            found[0].location.path,
            r#"$.Statement[0].Condition["ForAllValues:StringEquals"]["aws:TagKeys"]"#
        );
        for guarded in [
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}, "Null": {"aws:tagkeys": false}}"#,
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}, "ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}"#,
            r#"{"ForAllValues:StringEqualsIfExists": {"aws:TagKeys": ["a", "b"]}}"#,
        ] {
            assert!(
                !reports(
                    MANAGED,
                    &with_condition(guarded),
                    FindingCode::ForAllValuesWithoutNullCheck
                ),
                "{guarded}"
            );
        }
        let deny = doc.replace("Allow", "Deny");
        assert!(!reports(
            MANAGED,
            &deny,
            FindingCode::ForAllValuesWithoutNullCheck
        ));
    }

    #[test]
    fn private_range_parsing() {
        assert!(is_private_ipv4_range("10.0.0.0/8"));
        assert!(is_private_ipv4_range("172.31.255.255"));
        assert!(!is_private_ipv4_range("172.32.0.0/16"));
        assert!(!is_private_ipv4_range("192.168.0.0/15"));
        assert!(!is_private_ipv4_range("garbage/x"));
        assert!(!is_private_ipv4_range("fd00::/8"));
    }
}
