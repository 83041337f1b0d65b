//! Statement element checks: which of `Principal`, `Action` and `Resource` a policy of each
//! kind must or must not have, empty lists, and redundant entries.

use std::collections::{HashMap, HashSet};

use crate::glob::Glob;
use crate::{ActionClause, ActionPattern, OneOrMany, PrincipalClause, ResourceClause, Statement};

use super::FindingCode;
use super::report::{Report, child, item_path, statements};

pub(crate) fn check(doc: &crate::PolicyDocument, report: &mut Report) {
    for (path, statement) in statements(doc) {
        principal_presence(&path, statement, report);
        actions(&path, statement, report);
        resources(&path, statement, report);
    }
}

/// IAM User Guide, "IAM JSON policy elements: Principal": "You cannot use the Principal
/// element in an identity-based policy"; a role trust policy must name who may assume the
/// role; and "You cannot use the NotPrincipal element in an IAM identity-based policy nor in
/// an IAM role trust policy" (Access Analyzer: ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL).
fn principal_presence(path: &str, statement: &Statement, report: &mut Report) {
    let kind = report.kind;
    match &statement.principal {
        Some(clause) if kind.is_permission_policy() => {
            let name = clause_name(clause);
            report.add(
                FindingCode::UnsupportedPrincipal,
                child(path, name),
                format!(
                    "This {kind} cannot have a {name} element: it applies to whoever it is attached to. Remove {name}."
                ),
            );
        }
        Some(PrincipalClause::NotPrincipal(_)) if kind.requires_principal() => report.add(
            FindingCode::RoleTrustPolicySyntaxErrorNotPrincipal,
            child(path, "NotPrincipal"),
            "Role trust policies do not support NotPrincipal. List the principals that may assume the role in Principal instead.",
        ),
        None if kind.requires_principal() => report.add(
            FindingCode::MissingPrincipal,
            path.to_owned(),
            "A role trust policy statement must say who may assume the role. Add a Principal element.",
        ),
        _ => {}
    }
}

fn clause_name(clause: &PrincipalClause) -> &'static str {
    match clause {
        PrincipalClause::Principal(_) => "Principal",
        PrincipalClause::NotPrincipal(_) => "NotPrincipal",
    }
}

fn actions(path: &str, statement: &Statement, report: &mut Report) {
    let (name, list) = match &statement.action {
        ActionClause::Action(list) => ("Action", list),
        ActionClause::NotAction(list) => ("NotAction", list),
    };
    let base = child(path, name);
    if list.is_empty() {
        report.add(
            FindingCode::EmptyArrayAction,
            base,
            format!("{name} is an empty list, so the statement matches no request and IAM rejects it. List at least one action."),
        );
        return;
    }
    if report.kind.requires_principal() && name == "Action" {
        trust_actions(&base, list, report);
    }
    redundant_actions(&base, name, list, report);
}

/// A role trust policy controls who may assume the role, so only STS actions
/// (`sts:AssumeRole*`, `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`) mean
/// anything in it.
fn trust_actions(base: &str, list: &OneOrMany<ActionPattern>, report: &mut Report) {
    for (i, action) in list.iter().enumerate() {
        let Some(service) = action.service() else {
            continue;
        };
        if !service.eq_ignore_ascii_case("sts") {
            report.add(
                FindingCode::UnsupportedActionInTrustPolicy,
                item_path(base, list, i),
                format!(
                    "{:?} is not an STS action; a role trust policy only controls sts:AssumeRole, sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML, sts:TagSession, sts:SetSourceIdentity and sts:SetContext. Move it to a permissions policy.",
                    action.as_str()
                ),
            );
        }
    }
}

/// Access Analyzer's REDUNDANT_ACTION: an entry whose actions another entry already covers.
///
/// Only a wildcard entry of the same service (or `*`) can cover a different entry, and an
/// entry without wildcards is otherwise only covered by an earlier copy of itself (compared
/// case-insensitively, as IAM compares actions). Looking only at those candidates keeps lists
/// of thousands of actions (AWS's ReadOnlyAccess) linear rather than quadratic.
fn redundant_actions(base: &str, name: &str, list: &OneOrMany<ActionPattern>, report: &mut Report) {
    let actions = list.as_slice();
    let globs: Vec<Glob> = actions.iter().map(ActionPattern::glob).collect();
    let mut wildcards_by_service: HashMap<String, Vec<usize>> = HashMap::new();
    let mut first_exact: HashMap<String, usize> = HashMap::new();
    for (i, action) in actions.iter().enumerate() {
        if action.has_wildcard() {
            let service = action.service().unwrap_or("*").to_ascii_lowercase();
            wildcards_by_service.entry(service).or_default().push(i);
        } else {
            first_exact
                .entry(action.as_str().to_ascii_lowercase())
                .or_insert(i);
        }
    }
    let no_candidates = Vec::new();
    let stars = wildcards_by_service.get("*").unwrap_or(&no_candidates);
    let covers = |outer: usize, inner: usize| -> bool {
        match (actions.get(outer), actions.get(inner), globs.get(outer)) {
            (Some(o), Some(i), Some(glob)) => action_covers(o, glob, i),
            _ => false,
        }
    };
    for (i, action) in actions.iter().enumerate() {
        let same_service = match action.service() {
            Some(service) => wildcards_by_service
                .get(&service.to_ascii_lowercase())
                .unwrap_or(&no_candidates),
            None => &no_candidates,
        };
        let covering_wildcard = stars
            .iter()
            .chain(same_service)
            .copied()
            .find(|&j| j != i && covers(j, i) && (j < i || !covers(i, j)));
        let earlier_copy = || {
            (!action.has_wildcard())
                .then(|| {
                    first_exact
                        .get(&action.as_str().to_ascii_lowercase())
                        .copied()
                })
                .flatten()
                .filter(|&j| j < i)
        };
        if let Some(other) = covering_wildcard
            .or_else(earlier_copy)
            .and_then(|j| actions.get(j))
        {
            let why = if other.as_str() == action.as_str() {
                "appears more than once".to_owned()
            } else {
                format!("is already covered by {:?}", other.as_str())
            };
            report.add(
                FindingCode::RedundantAction,
                item_path(base, list, i),
                format!(
                    "{:?} {why} in the same {name} list. Remove it.",
                    action.as_str()
                ),
            );
        }
    }
}

/// Does every action `inner` matches also match `outer` (whose compiled form is `glob`)?
/// Sound, not complete: `outer` is matched against `inner`'s text, which is exact when
/// `inner` has no wildcards, and safe when it has some as long as `outer` has no `?` (only a
/// `*` of `outer` can then absorb a wildcard of `inner`, and a `*` absorbs anything).
fn action_covers(outer: &ActionPattern, glob: &Glob, inner: &ActionPattern) -> bool {
    if inner.has_wildcard() && outer.as_str().contains('?') {
        return outer.as_str().eq_ignore_ascii_case(inner.as_str());
    }
    glob.matches(inner.as_str())
}

fn resources(path: &str, statement: &Statement, report: &mut Report) {
    let kind = report.kind;
    let Some(clause) = &statement.resource else {
        if kind.is_permission_policy() {
            report.add(
                FindingCode::MissingResource,
                path.to_owned(),
                format!(
                    "Every statement of this {kind} needs a Resource or NotResource element; IAM rejects it otherwise. Add \"Resource\" with the ARNs the actions apply to."
                ),
            );
        }
        return;
    };
    let (name, list) = match clause {
        ResourceClause::Resource(list) => ("Resource", list),
        ResourceClause::NotResource(list) => ("NotResource", list),
    };
    let base = child(path, name);
    // IAM refuses a trust policy with a Resource element ("Has prohibited field Resource";
    // Access Analyzer: ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE): the role itself is the
    // resource.
    if kind.requires_principal() {
        report.add(
            FindingCode::RoleTrustPolicySyntaxErrorResource,
            base,
            format!("Role trust policies cannot have a {name} element: the resource is the role itself. Remove {name}."),
        );
        return;
    }
    if list.is_empty() {
        report.add(
            FindingCode::EmptyArrayResource,
            base,
            format!("{name} is an empty list, so the statement matches no request and IAM rejects it. List at least one resource ARN."),
        );
        return;
    }
    let has_star = list.iter().any(|p| p.is_any());
    let mut seen: HashSet<&str> = HashSet::new();
    for (i, pattern) in list.iter().enumerate() {
        let repeated = !seen.insert(pattern.as_str());
        let under_star = has_star && !pattern.is_any();
        if repeated || under_star {
            let why = if repeated {
                "appears more than once"
            } else {
                "is already covered by \"*\""
            };
            report.add(
                FindingCode::RedundantResource,
                item_path(&base, list, i),
                format!(
                    "{:?} {why} in the same {name} list. Remove it.",
                    pattern.as_str()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::PolicyKind;
    use super::super::report::testing::*;
    use super::*;

    const GOOD_TRUST: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {"StringEquals": {"sts:ExternalId": "abc"}}}]}"#;

    #[test]
    fn good_documents() {
        let good = statement(
            r#""Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"]"#,
        );
        assert!(
            findings(MANAGED, &good).is_empty(),
            "{:?}",
            findings(MANAGED, &good)
        );
        assert!(
            findings(TRUST, GOOD_TRUST).is_empty(),
            "{:?}",
            findings(TRUST, GOOD_TRUST)
        );
    }

    #[test]
    fn empty_action_lists() {
        for name in ["Action", "NotAction"] {
            let doc = statement(&format!(
                r#""Effect": "Allow", "{name}": [], "Resource": "*""#
            ));
            let found = with_code(MANAGED, &doc, FindingCode::EmptyArrayAction);
            assert_eq!(found[0].location.path, format!("$.Statement[0].{name}"));
        }
        let doc = statement(r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": "*""#);
        assert!(!reports(MANAGED, &doc, FindingCode::EmptyArrayAction));
    }

    #[test]
    fn empty_resource_lists() {
        let doc = statement(r#""Effect": "Allow", "Action": "s3:GetObject", "NotResource": []"#);
        assert!(reports(MANAGED, &doc, FindingCode::EmptyArrayResource));
        let doc = statement(
            r#""Effect": "Allow", "Action": "s3:GetObject", "NotResource": ["arn:aws:s3:::b"]"#,
        );
        assert!(!reports(MANAGED, &doc, FindingCode::EmptyArrayResource));
    }

    #[test]
    fn missing_resource() {
        let doc = statement(r#""Effect": "Allow", "Action": "s3:GetObject""#);
        for kind in [
            MANAGED,
            PolicyKind::SessionPolicy,
            PolicyKind::UserInlinePolicy,
        ] {
            let found = with_code(kind, &doc, FindingCode::MissingResource);
            assert_eq!(found[0].location.path, "$.Statement[0]");
        }
        assert!(!reports(TRUST, GOOD_TRUST, FindingCode::MissingResource));
    }

    #[test]
    fn resource_in_trust_policy() {
        let doc = GOOD_TRUST.replace(r#""Action""#, r#""Resource": "*", "Action""#);
        assert!(reports(
            TRUST,
            &doc,
            FindingCode::RoleTrustPolicySyntaxErrorResource
        ));
        assert!(!reports(
            TRUST,
            GOOD_TRUST,
            FindingCode::RoleTrustPolicySyntaxErrorResource
        ));
    }

    #[test]
    fn principal_in_identity_policy() {
        for name in ["Principal", "NotPrincipal"] {
            let doc = statement(&format!(
                r#""Effect": "Deny", "{name}": {{"AWS": "111122223333"}}, "Action": "s3:*", "Resource": "*""#
            ));
            let found = with_code(
                PolicyKind::SessionPolicy,
                &doc,
                FindingCode::UnsupportedPrincipal,
            );
            assert_eq!(found[0].location.path, format!("$.Statement[0].{name}"));
        }
        assert!(!reports(
            TRUST,
            GOOD_TRUST,
            FindingCode::UnsupportedPrincipal
        ));
    }

    #[test]
    fn missing_principal_in_trust_policy() {
        let doc = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}"#;
        let found = with_code(TRUST, doc, FindingCode::MissingPrincipal);
        assert_eq!(found[0].location.path, "$.Statement");
        assert!(!reports(TRUST, GOOD_TRUST, FindingCode::MissingPrincipal));
        assert!(!reports(
            MANAGED,
            &statement(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*""#),
            FindingCode::MissingPrincipal
        ));
    }

    #[test]
    fn not_principal_in_trust_policy() {
        let doc = GOOD_TRUST.replace("Principal", "NotPrincipal");
        assert!(reports(
            TRUST,
            &doc,
            FindingCode::RoleTrustPolicySyntaxErrorNotPrincipal
        ));
        assert!(!reports(
            TRUST,
            GOOD_TRUST,
            FindingCode::RoleTrustPolicySyntaxErrorNotPrincipal
        ));
    }

    #[test]
    fn non_sts_action_in_trust_policy() {
        let doc = GOOD_TRUST.replace("sts:TagSession", "s3:GetObject");
        let found = with_code(TRUST, &doc, FindingCode::UnsupportedActionInTrustPolicy);
        assert_eq!(found[0].location.path, "$.Statement[0].Action[1]");
        assert!(!reports(
            TRUST,
            GOOD_TRUST,
            FindingCode::UnsupportedActionInTrustPolicy
        ));
    }

    #[test]
    fn redundant_actions() {
        let doc = statement(
            r#""Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject", "S3:GETOBJECT", "s3:GetObject*", "ec2:Describe?", "ec2:Describe*", "s3:Put*"], "Resource": "*""#,
        );
        let found = with_code(MANAGED, &doc, FindingCode::RedundantAction);
        let paths: Vec<&str> = found.iter().map(|f| f.location.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "$.Statement[0].Action[1]",
                "$.Statement[0].Action[2]",
                "$.Statement[0].Action[3]",
                "$.Statement[0].Action[4]"
            ]
        );
        // Two spellings of one action: only the later one is redundant.
        let doc = statement(
            r#""Effect": "Allow", "Action": ["s3:getobject", "s3:GetObject"], "Resource": "*""#,
        );
        let found = with_code(MANAGED, &doc, FindingCode::RedundantAction);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location.path, "$.Statement[0].Action[1]");
        // `ec2:Describe?` does not cover `ec2:Describe*`.
        let doc = statement(
            r#""Effect": "Allow", "Action": ["ec2:Describe?", "ec2:Describe*x"], "Resource": "*""#,
        );
        assert!(!reports(MANAGED, &doc, FindingCode::RedundantAction));
    }

    #[test]
    fn redundant_resources() {
        let doc = statement(
            r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/*", "*"]"#,
        );
        let found = with_code(MANAGED, &doc, FindingCode::RedundantResource);
        assert_eq!(found.len(), 2);
        let doc = statement(
            r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"]"#,
        );
        assert!(!reports(MANAGED, &doc, FindingCode::RedundantResource));
    }
}
