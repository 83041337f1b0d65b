//! Every vendor principal that could call `sts:AssumeRole`, so no verdict depends on a name
//! the linter made up.
//!
//! When the vendor named its role, the caller is a session of that role. When the vendor
//! named its account, any identity of the account may call: its root, any of its roles'
//! sessions, any of its users. The linter evaluates a representative of each kind (with
//! neutral names), plus every principal of the vendor's account that the policy itself names,
//! in `Principal` or in an `aws:PrincipalArn` condition; trusting `role/SomeRole` of the
//! vendor's account then gives the same verdict as trusting `role/vendor-connector`.

use iam_policy::{Arn, PolicyDocument, PrincipalClause, PrincipalKind, RoleArn};

use crate::VendorPrincipal;

/// The session name used for role sessions (it does not enter the request context).
const SESSION: &str = "connection-check";

/// The callers to evaluate, the most specific first, without duplicates.
pub(super) fn vendor_callers(vendor: &VendorPrincipal, doc: &PolicyDocument) -> Vec<Arn> {
    let mut callers: Vec<Arn> = Vec::new();
    let mut push = |arn: Option<Arn>| {
        if let Some(arn) = arn
            && !callers.contains(&arn)
        {
            callers.push(arn);
        }
    };
    match vendor {
        VendorPrincipal::Role(role) => {
            push(role.assumed_role_arn(SESSION).parse().ok());
            // A session of the role named exactly in the policy is also the vendor.
            for arn in named_in_policy(doc) {
                if arn.service() == "sts"
                    && caller_for(&arn).is_some_and(|c| is_session_of(&c, role))
                {
                    push(Some(arn));
                }
            }
        }
        _ => {
            for arn in named_in_policy(doc) {
                if arn.partition() == vendor.partition()
                    && arn.account() == vendor.account_id().as_str()
                {
                    push(caller_for(&arn));
                }
            }
            let base = format!("arn:{}:", vendor.partition());
            let account = vendor.account_id();
            push(
                format!("{base}sts::{account}:assumed-role/vendor-connector/{SESSION}")
                    .parse()
                    .ok(),
            );
            push(
                format!("{base}iam::{account}:user/vendor-connector")
                    .parse()
                    .ok(),
            );
            push(format!("{base}iam::{account}:root").parse().ok());
        }
    }
    callers
}

fn is_session_of(caller: &Arn, role: &RoleArn) -> bool {
    caller
        .resource()
        .strip_prefix("assumed-role/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(name, _)| name == role.role_name())
        && caller.account() == role.account_id().as_str()
        && caller.partition() == role.partition()
}

/// The caller ARN for a principal named in a policy: a role becomes one of its sessions; a
/// user, a session or the root calls as itself. Anything else (a group, a policy) is no caller.
fn caller_for(arn: &Arn) -> Option<Arn> {
    let resource = arn.resource();
    match arn.service() {
        "iam" if resource == "root" || resource.starts_with("user/") => Some(arn.clone()),
        "iam" => {
            let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
            format!(
                "arn:{}:sts::{}:assumed-role/{name}/{SESSION}",
                arn.partition(),
                arn.account()
            )
            .parse()
            .ok()
        }
        "sts" if resource.starts_with("assumed-role/") => Some(arn.clone()),
        _ => None,
    }
}

/// Every ARN an Allow statement names as an AWS principal or as an `aws:PrincipalArn` value
/// (wildcards in a pattern replaced by one neutral character, so the ARN matches it).
fn named_in_policy(doc: &PolicyDocument) -> Vec<Arn> {
    let mut arns = Vec::new();
    for statement in doc.statements() {
        if let Some(PrincipalClause::Principal(principal)) = &statement.principal {
            arns.extend(
                principal
                    .values(PrincipalKind::Aws)
                    .filter_map(|id| id.parse::<Arn>().ok()),
            );
        }
        for (_, entry) in statement.condition.iter().flat_map(|c| c.entries()) {
            if entry.key.eq_ignore_ascii_case("aws:PrincipalArn") {
                arns.extend(
                    entry
                        .values
                        .iter()
                        .filter_map(|v| v.as_text().replace(['*', '?'], "x").parse::<Arn>().ok()),
                );
            }
        }
    }
    arns
}
