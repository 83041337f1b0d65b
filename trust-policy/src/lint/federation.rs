//! The other ways in: a statement that lets a web identity (OIDC: Cognito, GitHub, any OIDC
//! provider) or SAML provider assume the role is in scope even when the vendor's statement is
//! correct. Federation without any condition, an OIDC provider without an audience or subject
//! condition, and a subject matched by a bare wildcard are errors.
//!
//! AWS, IAM User Guide, "Create a role for OpenID Connect federation": the trust policy's
//! conditions on the provider's `aud` and `sub` keys are what limit the role to the intended
//! application and identities; for GitHub, IAM "recommends that users evaluate the IAM condition
//! key, `token.actions.githubusercontent.com:sub`, in the trust policy of any role that trusts
//! GitHub's OIDC identity provider" (quoted in GitHub's "Configuring OpenID Connect in Amazon
//! Web Services"). Without them any token the issuer signs (any GitHub repository, any Cognito
//! identity pool) can assume the role.

use iam_policy::json_path;
use iam_policy::{
    ConditionOperator, OperatorKind, PolicyDocument, Principal, PrincipalClause, PrincipalKind,
    SetQualifier, SourceLocation, Statement,
};

use super::external_id::{condition_path, excerpt, first_few};
use super::scope::{ASSUME_ROLE_WITH_SAML, ASSUME_ROLE_WITH_WEB_IDENTITY, grants};
use super::{LintCode, LintFinding};

const GITHUB_ISSUER: &str = "token.actions.githubusercontent.com";

/// Reports every federated way in.
pub(super) fn federated_statements(doc: &PolicyDocument, out: &mut Vec<LintFinding>) {
    for (index, statement) in doc.statements().iter().enumerate() {
        let Some(PrincipalClause::Principal(principal @ Principal::Specific(_))) =
            &statement.principal
        else {
            continue;
        };
        for provider in principal.values(PrincipalKind::Federated) {
            let saml = provider.contains(":saml-provider/");
            let action = if saml {
                ASSUME_ROLE_WITH_SAML
            } else {
                ASSUME_ROLE_WITH_WEB_IDENTITY
            };
            if !grants(statement, action) {
                continue;
            }
            check_provider(doc, index, statement, provider, saml, out);
        }
    }
}

fn check_provider(
    doc: &PolicyDocument,
    index: usize,
    statement: &Statement,
    provider: &str,
    saml: bool,
    out: &mut Vec<LintFinding>,
) {
    let path = doc.statement_path(index);
    let shown = excerpt(provider);
    if statement.condition.as_ref().is_none_or(|c| c.is_empty()) {
        out.push(LintFinding::new(
            LintCode::FederatedUnconditioned,
            SourceLocation::path(json_path::child(
                &json_path::child(&path, "Principal"),
                "Federated",
            )),
            format!(
                "this statement lets every identity of {shown:?} assume the role with {}, without any condition",
                if saml { ASSUME_ROLE_WITH_SAML } else { ASSUME_ROLE_WITH_WEB_IDENTITY }
            ),
        ));
        return;
    }
    if saml {
        return;
    }
    let issuer = issuer_of(provider);
    let condition_location = || SourceLocation::path(json_path::child(&path, "Condition"));
    let aud = format!("{issuer}:aud");
    if !pins(statement, &aud) {
        out.push(LintFinding::new(
            LintCode::OidcAudienceMissing,
            condition_location(),
            format!(
                "no condition pins {:?}: any application's tokens from {shown:?} are accepted",
                excerpt(&aud)
            ),
        ));
    }
    // Cognito, Google, Facebook and Login with Amazon tokens are scoped by their audience
    // (the identity pool or app id); a generic OIDC provider (an oidc-provider ARN such as
    // GitHub's or an EKS cluster's) needs the subject too.
    let sub = format!("{issuer}:sub");
    if provider.contains(":oidc-provider/") && !mentions(statement, &sub) {
        out.push(LintFinding::new(
            LintCode::OidcSubjectMissing,
            condition_location(),
            format!(
                "no condition on {:?}: every identity (every repository, workload or user) {shown:?} issues tokens to can assume the role",
                excerpt(&sub)
            ),
        ));
    }
    for (operator, entry) in statement.condition.iter().flat_map(|c| c.entries()) {
        if !entry.key.eq_ignore_ascii_case(&sub) {
            continue;
        }
        let open: Vec<String> = entry
            .values
            .iter()
            .map(|v| v.as_text().into_owned())
            .filter(|v| subject_is_open(operator, &issuer, v))
            .map(|v| format!("{:?}", excerpt(&v)))
            .collect();
        if !open.is_empty() || weakening(operator) {
            out.push(LintFinding::new(
                LintCode::OidcSubjectWildcard,
                SourceLocation::path(condition_path(doc, index, operator, &entry.key)),
                format!(
                    "{operator} {} on {:?} accepts the subjects of identities other than yours",
                    if open.is_empty() {
                        "(negated, IfExists or ForAllValues)".to_owned()
                    } else {
                        first_few(&open, ", ")
                    },
                    excerpt(&sub)
                ),
            ));
        }
    }
}

/// The condition-key prefix of a provider: the issuer host and path of an `oidc-provider`
/// ARN, or the provider name itself (`cognito-identity.amazonaws.com`, `accounts.google.com`).
fn issuer_of(provider: &str) -> String {
    provider
        .split_once(":oidc-provider/")
        .map_or(provider, |(_, issuer)| issuer)
        .to_owned()
}

/// Does an operator turn a condition on the key into one that is true too often: negated,
/// `IfExists` (true when the claim is absent) or `ForAllValues` (true when it is absent)?
fn weakening(operator: &ConditionOperator) -> bool {
    operator.if_exists()
        || operator.qualifier() == Some(SetQualifier::ForAllValues)
        || operator.kind().is_none_or(OperatorKind::is_negated)
}

/// Is `key` compared by a positive, present-only operator with values free of wildcards?
fn pins(statement: &Statement, key: &str) -> bool {
    statement
        .condition
        .iter()
        .flat_map(|c| c.entries())
        .any(|(operator, entry)| {
            entry.key.eq_ignore_ascii_case(key)
                && !weakening(operator)
                && !entry.values.is_empty()
                && entry.values.iter().all(|v| {
                    operator.kind() != Some(OperatorKind::StringLike)
                        || !v.as_text().contains(['*', '?'])
                })
        })
}

fn mentions(statement: &Statement, key: &str) -> bool {
    statement
        .condition
        .iter()
        .flat_map(|c| c.entries())
        .any(|(_, entry)| entry.key.eq_ignore_ascii_case(key))
}

/// Does a `StringLike` subject pattern leave the subject open: nothing but wildcards, or (for
/// GitHub, whose subjects are `repo:OWNER/REPO:...`) a wildcard before the owner is fixed?
fn subject_is_open(operator: &ConditionOperator, issuer: &str, value: &str) -> bool {
    if operator.kind() != Some(OperatorKind::StringLike) {
        return false;
    }
    let fixed = value.split(['*', '?']).next().unwrap_or_default();
    if !value.contains(['*', '?']) {
        return false;
    }
    if fixed.is_empty() {
        return true;
    }
    if issuer.eq_ignore_ascii_case(GITHUB_ISSUER) {
        // "repo:" then the owner, then "/": the owner must be written out in full.
        return !fixed.strip_prefix("repo:").is_some_and(|rest| {
            rest.split_once('/')
                .is_some_and(|(owner, _)| !owner.is_empty())
        });
    }
    false
}
