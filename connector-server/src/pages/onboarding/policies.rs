//! What the role lets the vendor do, shown before the customer creates it: the permission
//! set's guarantees (checked against the AWS action catalog when the set is built and again
//! on the documents the artifacts carry), "why each line" (every grant and managed policy
//! with the vendor's reason, as `connector permissions show` prints it), and the trust and
//! permission policies themselves.

use connector_core::Onboarding;
use maud::{Markup, html};
use permission_sets::{ExplanationRow, PermissionSet};

use super::artifacts::copyable;

/// The section for `onboarding` (its permission set is `set` when the connector offers it).
pub(crate) fn section(onboarding: &Onboarding, set: Option<&PermissionSet>) -> Markup {
    html! {
        section id="permissions" aria-labelledby="permissions-title" {
            h2 id="permissions-title" { "What the role lets the vendor do" }
            @if let Some(set) = set {
                p { "Permission set " code { (set.reference().to_string()) } ": " (set.description()) }
                @if !set.claims().is_empty() {
                    h3 { "Guarantees" }
                    p class="hint" { "Checked against the AWS action catalog when the permission set is built, and again on the documents below." }
                    ul id="guarantees" class="guarantees" {
                        @for claim in set.claims() {
                            li { strong { (claim.as_str()) } ": " (claim.description()) }
                        }
                    }
                }
                h3 { "Why each line" }
                div class="table-wrap" tabindex="0" role="region" aria-label="Table: why each line" {
                    table id="why-each-line" {
                        thead { tr { th scope="col" { "Area" } th scope="col" { "Permissions" } th scope="col" { "Resources" } th scope="col" { "Why" } th scope="col" { "Second approval" } } }
                        tbody {
                            @for row in set.explain() { (line(&row)) }
                        }
                    }
                }
            }
            details {
                summary { "The trust policy (who may assume the role)" }
                p class="hint" { "Only the vendor's account, and only with your connection's External ID." }
                (copyable("trust-policy", "the trust policy", &onboarding.trust_policy().to_json_pretty()))
            }
            @for (i, policy) in onboarding.policies().iter().enumerate() {
                details {
                    summary { "The permission policy " (policy.name) }
                    (copyable(&format!("permission-policy-{i}"), "the permission policy", &policy.document.to_json_pretty()))
                }
            }
            @let managed = onboarding.managed_policy_arns();
            @if !managed.is_empty() {
                p { "AWS managed policies attached: "
                    @for (i, arn) in managed.iter().enumerate() {
                        @if i > 0 { ", " }
                        code { (arn) }
                    }
                }
            }
        }
    }
}

fn line(row: &ExplanationRow) -> Markup {
    html! {
        tr {
            td { (row.area.map_or("managed policy", |a| a.as_str())) }
            td {
                @if row.actions.is_empty() {
                    code { (row.id) }
                } @else {
                    @for action in &row.actions { code { (action) } " " }
                }
            }
            td { @for resource in &row.resources { code { (resource) } " " } }
            td {
                (row.justification)
                @if let Some(excluded) = &row.excluded_area_justification {
                    " Excluded area, opted in: " (excluded)
                }
            }
            td { @if row.step_up { "yes" } @else { "no" } }
        }
    }
}
