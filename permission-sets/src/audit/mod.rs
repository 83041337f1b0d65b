//! Auditing any policy document against the catalog: is it read-only, does it touch the
//! excluded area, can it escalate its own privileges, does it read data contents? Each
//! answer lists the offending actions and the statement that grants them.

mod allowed;
mod ceiling;
mod lists;

pub use ceiling::{Ceiling, Excess, ceiling, ceiling_with};

use iam_policy::{Decision, Effect, PolicyDocument, Request};

use crate::Area;
use crate::catalog::Catalog;

use allowed::{Grantor, allowed_actions};

/// One action that breaks a guarantee, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// The action, as the catalog spells it.
    pub action: String,
    /// Index of the statement granting it.
    pub statement: usize,
    /// That statement's `Sid`.
    pub sid: Option<String>,
    /// JSON path of that statement.
    pub path: String,
    /// Why it breaks the guarantee.
    pub reason: String,
}

/// Whether a guarantee holds, and what breaks it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Guarantee {
    /// True when nothing breaks it.
    pub holds: bool,
    /// Every action that breaks it, sorted by action.
    pub violations: Vec<Violation>,
}

impl Guarantee {
    fn from(mut violations: Vec<Violation>) -> Guarantee {
        violations.sort_by(|a, b| a.action.cmp(&b.action));
        Guarantee {
            holds: violations.is_empty(),
            violations,
        }
    }
}

/// The audit of one policy document.
///
/// ```
/// use permission_sets::audit;
/// let doc = r#"{"Version": "2012-10-17", "Statement": [
///     {"Sid": "Read", "Effect": "Allow", "Action": ["ec2:Describe*", "s3:GetObject"], "Resource": "*"}
/// ]}"#.parse().unwrap();
/// let report = audit(&doc);
/// assert!(report.read_only.holds);
/// assert!(report.no_privilege_escalation.holds);
/// assert!(!report.no_data_reads.holds);
/// assert_eq!(report.no_data_reads.violations[0].action, "s3:GetObject");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyAudit {
    /// How many catalog actions the policy allows.
    pub allowed_actions: usize,
    /// No Write, Permissions management or Tagging action is allowed.
    pub read_only: Guarantee,
    /// Nothing from [`Area::Excluded`] is allowed.
    pub no_excluded_area: Guarantee,
    /// No known privilege-escalation path is open.
    pub no_privilege_escalation: Guarantee,
    /// No action that returns data contents is allowed.
    pub no_data_reads: Guarantee,
}

impl PolicyAudit {
    /// True when every guarantee holds.
    pub fn all_hold(&self) -> bool {
        self.read_only.holds
            && self.no_excluded_area.holds
            && self.no_privilege_escalation.holds
            && self.no_data_reads.holds
    }
}

/// Audits `doc` against the embedded AWS catalog.
pub fn audit(doc: &PolicyDocument) -> PolicyAudit {
    audit_with(Catalog::aws(), doc)
}

/// Audits `doc` against `catalog`.
pub fn audit_with(catalog: &Catalog, doc: &PolicyDocument) -> PolicyAudit {
    let allowed = allowed_actions(catalog, doc);
    let violation = |action: &str, grantor: Grantor, reason: String| Violation {
        action: action.to_owned(),
        statement: grantor.statement,
        sid: doc
            .statements()
            .get(grantor.statement)
            .and_then(|s| s.sid.clone()),
        path: doc.statement_path(grantor.statement),
        reason,
    };

    let mut read_only = Vec::new();
    let mut excluded = Vec::new();
    for (action, grantor) in allowed.iter() {
        let name = action.full_name();
        if !action.access_level().is_read_only() {
            read_only.push(violation(
                name,
                grantor,
                format!("access level {}", action.access_level().as_str()),
            ));
        }
        if catalog.area(action) == Area::Excluded {
            excluded.push(violation(name, grantor, "in the excluded area".to_owned()));
        }
    }

    let lookup = |name: &str| allowed.get(name);
    let mut escalation = Vec::new();
    for (name, probe, how) in lists::DIRECT_ESCALATION {
        if let Some((action, grantor)) = lookup(name)
            && covers_probe(doc, name, probe)
        {
            escalation.push(violation(action.full_name(), grantor, format!("can {how}")));
        }
    }
    if let Some((pass_role, grantor)) = lookup("iam:PassRole")
        && covers_probe(doc, "iam:PassRole", lists::PROBE_ROLE)
    {
        let launchers: Vec<String> = lists::LAUNCH_WITH_PASSED_ROLE
            .iter()
            .filter_map(|name| lookup(name).map(|(a, _)| a.full_name().to_owned()))
            .collect();
        if !launchers.is_empty() {
            escalation.push(violation(
                    pass_role.full_name(),
                    grantor,
                    format!(
                        "can pass any role to compute it launches ({}), running code with that role's permissions",
                        launchers.join(", ")
                    ),
                ));
        }
    }
    if let Some((assume, grantor)) = lookup("sts:AssumeRole")
        && covers_probe(doc, "sts:AssumeRole", lists::PROBE_ROLE)
    {
        escalation.push(violation(
            assume.full_name(),
            grantor,
            "can assume any role that trusts the account".to_owned(),
        ));
    }

    let mut data_reads = Vec::new();
    for (name, what) in lists::DATA_READS {
        if let Some((action, grantor)) = lookup(name) {
            data_reads.push(violation(
                action.full_name(),
                grantor,
                format!("reads {what}"),
            ));
        }
    }

    PolicyAudit {
        allowed_actions: allowed.len(),
        read_only: Guarantee::from(read_only),
        no_excluded_area: Guarantee::from(excluded),
        no_privilege_escalation: Guarantee::from(escalation),
        no_data_reads: Guarantee::from(data_reads),
    }
}

/// Does some Allow statement grant `action` on the probe resource (conditions set aside, since
/// they rarely restrict which resource), with no Deny taking it back?
fn covers_probe(doc: &PolicyDocument, action: &str, probe: &str) -> bool {
    let request = Request::new(action, probe);
    if doc.evaluate(&request).decision == Decision::ExplicitDeny {
        return false;
    }
    doc.trace(&request)
        .iter()
        .any(|t| t.effect == Effect::Allow && t.principal && t.action && t.resource)
}
