//! Who besides the vendor can assume the role: wildcard principals (and whether a condition
//! narrows them to the vendor), principals outside the vendor's account, and, when the vendor
//! named the role it calls from, every other principal.
//!
//! The vendor's scope is its account when the expectation names the account, and the one
//! named role (and its sessions) when it names a role. Anything outside that scope that a
//! statement lets assume the role is an error, whatever the account number: the check reads
//! the principals written in the policy, it does not depend on a sample stranger.

use iam_policy::json_path;
use iam_policy::{
    Arn, OperatorKind, PolicyDocument, Principal, PrincipalClause, PrincipalKind, SourceLocation,
    Statement,
};

use super::scope::{ASSUME_ROLE, grants, grants_any_assume};
use super::{LintCode, LintFinding};
use crate::VendorPrincipal;

/// How far a statement's conditions narrow the callers it admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Narrowed {
    /// Nothing pins the caller.
    No,
    /// `aws:PrincipalAccount` / `aws:PrincipalArn` pin the caller to the vendor's account.
    ToVendorAccount,
    /// The caller is pinned to the vendor's scope exactly (the account when the vendor is an
    /// account, the named role when it is a role).
    ToVendor,
}

/// Where an AWS principal entry stands relative to the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The vendor itself (its account, or its named role and that role's sessions).
    Vendor,
    /// In the vendor's account, but not the named role (only when a role is named).
    VendorAccount,
    /// In another account (or partition).
    Elsewhere,
    /// A wildcard: handled as a broad principal.
    Wildcard,
    /// Not an ARN or account id (a unique id such as `AROA...` left by a deleted principal):
    /// it matches no caller.
    Opaque,
}

fn place(vendor: &VendorPrincipal, id: &str) -> Place {
    if id.contains(['*', '?']) {
        return Place::Wildcard;
    }
    let account = vendor.account_id().as_str();
    if iam_policy::AccountId::is_valid(id) {
        return match (id == account, vendor) {
            (false, _) => Place::Elsewhere,
            (true, VendorPrincipal::Role(_)) => Place::VendorAccount,
            (true, _) => Place::Vendor,
        };
    }
    let Ok(arn) = id.parse::<Arn>() else {
        return Place::Opaque;
    };
    if arn.partition() != vendor.partition() || arn.account() != account {
        return Place::Elsewhere;
    }
    match vendor {
        VendorPrincipal::Role(role) if !is_role_or_its_session(&arn, role) => Place::VendorAccount,
        _ => Place::Vendor,
    }
}

/// Is `arn` the role itself, or one of its sessions (`assumed-role/NAME/SESSION`)?
fn is_role_or_its_session(arn: &Arn, role: &iam_policy::RoleArn) -> bool {
    if arn == role.as_arn() {
        return true;
    }
    arn.service() == "sts"
        && arn
            .resource()
            .strip_prefix("assumed-role/")
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(name, session)| name == role.role_name() && !session.is_empty())
}

/// How far the statement's conditions narrow its callers.
///
/// `aws:PrincipalAccount` and `aws:PrincipalArn` cannot be chosen by the caller: AWS, IAM
/// User Guide, "AWS global condition context keys": both are "included in the request
/// context for all signed requests", and `sts:AssumeRole` only takes signed requests. So a
/// plain (no `IfExists`, no set qualifier, not negated) comparison of either key with the
/// vendor's account or role narrows the statement to the vendor.
pub(super) fn narrowing(statement: &Statement, vendor: &VendorPrincipal) -> Narrowed {
    let mut best = Narrowed::No;
    for (operator, entry) in statement.condition.iter().flat_map(|c| c.entries()) {
        if operator.if_exists() || operator.qualifier().is_some() {
            continue;
        }
        let Some(kind) = operator.kind() else {
            continue;
        };
        let values: Vec<String> = entry
            .values
            .iter()
            .map(|v| v.as_text().into_owned())
            .collect();
        if values.is_empty() {
            continue;
        }
        let found = if entry.key.eq_ignore_ascii_case("aws:PrincipalAccount") {
            let exact = matches!(kind, OperatorKind::StringEquals | OperatorKind::StringLike);
            let all_vendor = values.iter().all(|v| v == vendor.account_id().as_str());
            if exact && all_vendor {
                account_narrowing(vendor)
            } else {
                Narrowed::No
            }
        } else if entry.key.eq_ignore_ascii_case("aws:PrincipalArn") {
            let arn_operator = matches!(
                kind,
                OperatorKind::StringEquals
                    | OperatorKind::StringLike
                    | OperatorKind::ArnEquals
                    | OperatorKind::ArnLike
            );
            if arn_operator {
                values
                    .iter()
                    .map(|v| arn_value_narrowing(v, vendor))
                    .min_by_key(|n| rank(*n))
                    .unwrap_or(Narrowed::No)
            } else {
                Narrowed::No
            }
        } else {
            Narrowed::No
        };
        if rank(found) > rank(best) {
            best = found;
        }
    }
    best
}

fn rank(n: Narrowed) -> u8 {
    match n {
        Narrowed::No => 0,
        Narrowed::ToVendorAccount => 1,
        Narrowed::ToVendor => 2,
    }
}

fn account_narrowing(vendor: &VendorPrincipal) -> Narrowed {
    match vendor {
        VendorPrincipal::Role(_) => Narrowed::ToVendorAccount,
        _ => Narrowed::ToVendor,
    }
}

/// An `aws:PrincipalArn` value (possibly an `ArnLike` pattern): is every ARN it can match
/// inside the vendor's account (or exactly the vendor's role)?
fn arn_value_narrowing(value: &str, vendor: &VendorPrincipal) -> Narrowed {
    let mut parts = value.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(_region), Some(account), Some(_)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Narrowed::No;
    };
    let pinned = partition == vendor.partition().as_str()
        && account == vendor.account_id().as_str()
        && !service.contains(['*', '?']);
    if !pinned {
        return Narrowed::No;
    }
    match vendor {
        VendorPrincipal::Role(role) if value == role.to_string() => Narrowed::ToVendor,
        VendorPrincipal::Role(_) => Narrowed::ToVendorAccount,
        _ => Narrowed::ToVendor,
    }
}

/// Wildcard principals (`"*"`, `{"AWS": "*"}`, a wildcard ARN) and `NotPrincipal` in a
/// statement that lets someone assume the role.
///
/// A wildcard narrowed by `aws:PrincipalAccount` / `aws:PrincipalArn` to the vendor is safe,
/// so only a warning: AWS, IAM User Guide, "AWS JSON policy elements: Principal": after
/// changing a role's principal to "*", "we strongly recommend that you limit who can access the
/// role through other means, such as a Condition element"; and "AWS global condition context
/// keys": `aws:PrincipalAccount` and `aws:PrincipalArn` are "included in the request context
/// for all signed requests" and describe the caller itself, so no other account can satisfy
/// a condition pinning them to the vendor. The External ID is still required (checked apart).
pub(super) fn broad_principals(
    vendor: &VendorPrincipal,
    doc: &PolicyDocument,
    out: &mut Vec<LintFinding>,
) {
    for (index, statement) in doc.statements().iter().enumerate() {
        if !grants_any_assume(statement) {
            continue;
        }
        let path = doc.statement_path(index);
        let principal_path = json_path::child(&path, "Principal");
        let wildcard = match &statement.principal {
            Some(PrincipalClause::Principal(Principal::Any)) => {
                Some((principal_path, "\"*\"".to_owned()))
            }
            Some(PrincipalClause::Principal(principal)) => principal
                .values(PrincipalKind::Aws)
                .find(|id| id.contains(['*', '?']))
                .map(|id| {
                    (
                        json_path::child(&principal_path, "AWS"),
                        format!("{:?}", super::external_id::excerpt(id)),
                    )
                }),
            Some(PrincipalClause::NotPrincipal(_)) => {
                out.push(LintFinding::new(
                    LintCode::PrincipalTooBroad,
                    SourceLocation::path(json_path::child(&path, "NotPrincipal")),
                    "Allow with NotPrincipal trusts every principal except the ones listed"
                        .to_owned(),
                ));
                None
            }
            None => None,
        };
        let Some((location, shown)) = wildcard else {
            continue;
        };
        // Only an AWS caller (sts:AssumeRole) can be pinned by the principal keys; a
        // statement that also admits web identity or SAML callers stays too broad.
        let aws_only = grants(statement, ASSUME_ROLE) && !grants_any_federated(statement);
        let narrowed = if aws_only {
            narrowing(statement, vendor)
        } else {
            Narrowed::No
        };
        let (code, message) = match narrowed {
            Narrowed::ToVendor => (
                LintCode::PrincipalWildcardNarrowed,
                format!(
                    "the principal {shown} is narrowed to the vendor {vendor} by an aws:PrincipalAccount / aws:PrincipalArn condition: safe, but naming the vendor in Principal says the same more plainly"
                ),
            ),
            Narrowed::ToVendorAccount => (
                LintCode::OtherPrincipalsAllowed,
                format!(
                    "the principal {shown} is narrowed to the vendor's account {}, but the vendor calls from {vendor} only: every role and user of that account can assume the role",
                    vendor.account_id()
                ),
            ),
            Narrowed::No => (
                LintCode::PrincipalTooBroad,
                format!(
                    "the principal {shown} lets every AWS account try to assume this role and no aws:PrincipalAccount / aws:PrincipalArn condition narrows it to the vendor; only the External ID stands in the way"
                ),
            ),
        };
        out.push(LintFinding::new(
            code,
            SourceLocation::path(location),
            message,
        ));
    }
}

/// Every principal in an in-scope statement that is not the vendor: errors, unless the
/// statement's conditions pin the caller to the vendor.
pub(super) fn non_vendor_principals(
    vendor: &VendorPrincipal,
    doc: &PolicyDocument,
    out: &mut Vec<LintFinding>,
) {
    for (index, statement) in doc.statements().iter().enumerate() {
        let Some(PrincipalClause::Principal(principal @ Principal::Specific(_))) =
            &statement.principal
        else {
            continue;
        };
        if !grants(statement, ASSUME_ROLE) {
            continue;
        }
        let narrowed = narrowing(statement, vendor);
        let location =
            || SourceLocation::path(json_path::child(&doc.statement_path(index), "Principal"));
        let mut other_accounts = Vec::new();
        let mut vendor_account = Vec::new();
        let mut services = Vec::new();
        let mut unusable = Vec::new();
        for (kind, id) in principal.entries() {
            match kind {
                PrincipalKind::Aws => match place(vendor, id) {
                    Place::Elsewhere if narrowed == Narrowed::No => other_accounts.push(id),
                    Place::VendorAccount if narrowed != Narrowed::ToVendor => {
                        vendor_account.push(id);
                    }
                    _ => {}
                },
                PrincipalKind::Service => services.push(id),
                // Federated principals use the web identity and SAML actions (checked
                // apart); canonical users cannot assume roles.
                PrincipalKind::Federated | PrincipalKind::CanonicalUser => {
                    unusable.push(id);
                }
                // A kind this crate does not know: fail closed, it may be a way in.
                _ => services.push(id),
            }
        }
        if !other_accounts.is_empty() {
            out.push(LintFinding::new(
                LintCode::OtherAccountsAllowed,
                location(),
                format!(
                    "besides the vendor's account {}, this statement lets {} assume the role",
                    vendor.account_id(),
                    quoted(&other_accounts)
                ),
            ));
        }
        if !vendor_account.is_empty() {
            out.push(LintFinding::new(
                LintCode::OtherPrincipalsAllowed,
                location(),
                format!(
                    "the vendor calls from {vendor} only, but this statement also trusts {} (an account root lets every role and user of the account in)",
                    quoted(&vendor_account)
                ),
            ));
        }
        if !services.is_empty() {
            out.push(LintFinding::new(
                LintCode::OtherPrincipalsAllowed,
                location(),
                format!(
                    "this statement also lets {} (an AWS service or another principal type) assume the role",
                    quoted(&services)
                ),
            ));
        }
        if !unusable.is_empty() && !grants_any_federated(statement) {
            out.push(LintFinding::new(
                LintCode::ExtraPrincipals,
                location(),
                format!(
                    "besides the vendor, this statement names {}, which cannot assume the role with sts:AssumeRole",
                    quoted(&unusable)
                ),
            ));
        }
    }
}

fn grants_any_federated(statement: &Statement) -> bool {
    grants_any_assume(statement)
        && (grants(statement, super::scope::ASSUME_ROLE_WITH_WEB_IDENTITY)
            || grants(statement, super::scope::ASSUME_ROLE_WITH_SAML))
}

/// The first five ids, quoted, then how many more: a message never lists thousands.
fn quoted(ids: &[&str]) -> String {
    const SHOWN: usize = 5;
    let shown = ids
        .iter()
        .take(SHOWN)
        .map(|id| format!("{:?}", super::external_id::excerpt(id)))
        .collect::<Vec<_>>()
        .join(", ");
    match ids.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!("{shown} and {more} more"),
        _ => shown,
    }
}
