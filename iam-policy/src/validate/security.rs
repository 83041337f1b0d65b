//! Security warnings: statements that allow more than their author likely meant (everyone as
//! principal, `NotPrincipal`, `iam:PassRole` on every role, full administrator access).

use crate::{
    ActionClause, Effect, Principal, PrincipalClause, PrincipalKind, ResourceClause,
    ResourcePattern, Statement,
};

use super::FindingCode;
use super::report::{Report, child, item_path, statements};

pub(crate) fn check(doc: &crate::PolicyDocument, report: &mut Report) {
    for (path, statement) in statements(doc) {
        if statement.effect != Effect::Allow {
            continue;
        }
        principals(&path, statement, report);
        pass_role(&path, statement, report);
        full_access(&path, statement, report);
    }
}

fn has_condition(statement: &Statement) -> bool {
    statement.condition.as_ref().is_some_and(|c| !c.is_empty())
}

fn principals(path: &str, statement: &Statement, report: &mut Report) {
    match &statement.principal {
        // IAM User Guide, "AWS JSON policy elements: NotPrincipal": with Allow it grants
        // access to every principal not listed, anonymous callers included.
        Some(PrincipalClause::NotPrincipal(_)) => report.add(
            FindingCode::AllowWithNotPrincipal,
            child(path, "NotPrincipal"),
            "Allow with NotPrincipal grants access to every principal that is not listed, including anonymous users. List the principals to allow in Principal instead.",
        ),
        Some(PrincipalClause::Principal(principal)) if !has_condition(statement) => {
            let everyone = match principal {
                Principal::Any => Some(child(path, "Principal")),
                Principal::Specific(_) => principal
                    .values(PrincipalKind::Aws)
                    .any(|id| id == "*")
                    .then(|| child(&child(path, "Principal"), "AWS")),
            };
            if let Some(location) = everyone {
                report.add(
                    FindingCode::AllowAnyPrincipalWithoutCondition,
                    location,
                    "The statement allows every AWS principal, in any account, and anonymous callers, with no condition. Name the principals, or add conditions such as aws:PrincipalOrgID or sts:ExternalId.",
                );
            }
        }
        _ => {}
    }
}

/// Access Analyzer: PASS_ROLE_WITH_STAR_IN_RESOURCE. Passing any role lets the holder give a
/// service (and so themselves) the permissions of every role in the account; restrict the
/// role ARNs or the `iam:PassedToService` condition key.
fn pass_role(path: &str, statement: &Statement, report: &mut Report) {
    let allows_pass_role = match &statement.action {
        ActionClause::Action(list) => list.iter().any(|a| a.matches("iam:PassRole")),
        ActionClause::NotAction(list) => !list.iter().any(|a| a.matches("iam:PassRole")),
    };
    if !allows_pass_role {
        return;
    }
    let restricted_by_service = statement.condition.as_ref().is_some_and(|c| {
        c.entries()
            .any(|(_, e)| e.key.eq_ignore_ascii_case("iam:PassedToService"))
    });
    if restricted_by_service {
        return;
    }
    let location = match &statement.resource {
        Some(ResourceClause::Resource(list)) => list
            .iter()
            .position(is_any_role)
            .map(|i| item_path(&child(path, "Resource"), list, i)),
        Some(ResourceClause::NotResource(_)) => Some(child(path, "NotResource")),
        None => None,
    };
    if let Some(location) = location {
        report.add(
            FindingCode::PassRoleWithStarInResource,
            location,
            "The statement allows iam:PassRole on every role, which lets its holder hand any role (and its permissions) to an AWS service. List the role ARNs that may be passed, or add an iam:PassedToService condition.",
        );
    }
}

/// `*`, or an IAM pattern whose resource part is a bare wildcard or every role.
fn is_any_role(pattern: &ResourcePattern) -> bool {
    if pattern.is_any() {
        return true;
    }
    let mut parts = pattern.as_str().splitn(6, ':');
    let service = parts.nth(2);
    let resource = parts.nth(2);
    matches!(service, Some("iam" | "*"))
        && matches!(resource, Some("*" | "role/*" | "role*" | "*role/*"))
}

fn full_access(path: &str, statement: &Statement, report: &mut Report) {
    let ActionClause::Action(actions) = &statement.action else {
        return;
    };
    let Some(ResourceClause::Resource(resources)) = &statement.resource else {
        return;
    };
    let Some(i) = actions.iter().position(|a| a.is_any()) else {
        return;
    };
    if resources.iter().any(ResourcePattern::is_any) {
        report.add(
            FindingCode::AllowAllActionsOnAllResources,
            item_path(&child(path, "Action"), actions, i),
            "The statement allows every action on every resource: full administrator access. Grant only the actions and resources the workload needs.",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::report::testing::*;
    use super::*;

    fn trust(statement_body: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{{{statement_body}}}]}}"#)
    }

    #[test]
    fn allow_with_not_principal() {
        let doc = trust(
            r#""Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole""#,
        );
        assert!(reports(TRUST, &doc, FindingCode::AllowWithNotPrincipal));
        let doc = doc.replace("Allow", "Deny");
        assert!(!reports(TRUST, &doc, FindingCode::AllowWithNotPrincipal));
    }

    #[test]
    fn any_principal_without_condition() {
        for principal in [
            r#""*""#,
            r#"{"AWS": "*"}"#,
            r#"{"AWS": ["111122223333", "*"]}"#,
        ] {
            let doc = trust(&format!(
                r#""Effect": "Allow", "Principal": {principal}, "Action": "sts:AssumeRole""#
            ));
            assert!(
                reports(TRUST, &doc, FindingCode::AllowAnyPrincipalWithoutCondition),
                "{principal}"
            );
        }
        let conditioned = trust(
            r#""Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}"#,
        );
        assert!(!reports(
            TRUST,
            &conditioned,
            FindingCode::AllowAnyPrincipalWithoutCondition
        ));
        let named = trust(
            r#""Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole""#,
        );
        assert!(!reports(
            TRUST,
            &named,
            FindingCode::AllowAnyPrincipalWithoutCondition
        ));
    }

    #[test]
    fn pass_role_with_star() {
        for (action, resource) in [
            (r#""iam:PassRole""#, r#""*""#),
            (
                r#"["iam:Pass*"]"#,
                r#"["arn:aws:s3:::b", "arn:aws:iam::111122223333:role/*"]"#,
            ),
            (r#""iam:*""#, r#""arn:aws:iam::*:*""#),
        ] {
            let doc = statement(&format!(
                r#""Effect": "Allow", "Action": {action}, "Resource": {resource}"#
            ));
            assert!(
                reports(MANAGED, &doc, FindingCode::PassRoleWithStarInResource),
                "{action} {resource}"
            );
        }
        let doc =
            statement(r#""Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::b""#);
        assert!(reports(
            MANAGED,
            &doc,
            FindingCode::PassRoleWithStarInResource
        ));
        for ok in [
            r#""Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app""#,
            r#""Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}"#,
            r#""Effect": "Deny", "Action": "iam:PassRole", "Resource": "*""#,
            r#""Effect": "Allow", "Action": "iam:GetRole", "Resource": "*""#,
        ] {
            assert!(
                !reports(
                    MANAGED,
                    &statement(ok),
                    FindingCode::PassRoleWithStarInResource
                ),
                "{ok}"
            );
        }
    }

    #[test]
    fn full_access() {
        let doc = statement(r#""Effect": "Allow", "Action": "*", "Resource": "*""#);
        let found = with_code(MANAGED, &doc, FindingCode::AllowAllActionsOnAllResources);
        assert_eq!(found[0].location.path, "$.Statement[0].Action");
        for ok in [
            r#""Effect": "Allow", "Action": "s3:*", "Resource": "*""#,
            r#""Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b""#,
            r#""Effect": "Deny", "Action": "*", "Resource": "*""#,
        ] {
            assert!(
                !reports(
                    MANAGED,
                    &statement(ok),
                    FindingCode::AllowAllActionsOnAllResources
                ),
                "{ok}"
            );
        }
    }
}
