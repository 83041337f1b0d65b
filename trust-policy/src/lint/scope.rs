//! Which statements are in scope: every Allow statement that lets some principal assume the
//! role, whichever of STS's three assume-role actions it grants (`sts:AssumeRole`,
//! `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`), by name, by wildcard
//! (`sts:*`, `sts:Assume*`) or through `NotAction`.

use iam_policy::{ActionClause, Effect, Statement};

/// The action a cross-account caller (the vendor) uses.
pub(super) const ASSUME_ROLE: &str = "sts:AssumeRole";
/// The action an OIDC-federated caller (Cognito, GitHub, any OIDC provider) uses.
pub(super) const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";
/// The action a SAML-federated caller uses.
pub(super) const ASSUME_ROLE_WITH_SAML: &str = "sts:AssumeRoleWithSAML";

/// The three ways in.
pub(super) const ASSUME_ACTIONS: [&str; 3] = [
    ASSUME_ROLE,
    ASSUME_ROLE_WITH_WEB_IDENTITY,
    ASSUME_ROLE_WITH_SAML,
];

/// Does this Allow statement grant `action`?
pub(super) fn grants(statement: &Statement, action: &str) -> bool {
    statement.effect == Effect::Allow
        && match &statement.action {
            ActionClause::Action(p) => p.iter().any(|a| a.matches(action)),
            ActionClause::NotAction(p) => !p.iter().any(|a| a.matches(action)),
        }
}

/// Does this Allow statement grant any of the three assume-role actions?
pub(super) fn grants_any_assume(statement: &Statement) -> bool {
    ASSUME_ACTIONS
        .iter()
        .any(|action| grants(statement, action))
}
