//! Auditing any policy document against the catalog: is it read-only, does it touch the
//! excluded area, can it escalate its own privileges, does it read data contents? Each
//! answer lists the offending actions and the statement that grants them.

mod allowed;
mod ceiling;
mod code;
mod guarantee;
mod lists;
mod violation;

pub use ceiling::{Ceiling, Excess, ceiling, ceiling_with};
pub use code::AuditCode;
pub use guarantee::{Guarantee, GuaranteeCheck};
pub use violation::Violation;

use iam_policy::{Decision, Effect, PolicyDocument, Request};

use crate::Area;
use crate::catalog::Catalog;

use allowed::{Grantor, allowed_actions};

/// The audit of one policy document: each [`Guarantee`] with the actions that break it.
///
/// ```
/// use permission_sets::{AuditCode, Guarantee, audit};
/// let doc = r#"{"Version": "2012-10-17", "Statement": [
///     {"Sid": "Read", "Effect": "Allow", "Action": ["ec2:Describe*", "s3:GetObject"], "Resource": "*"}
/// ]}"#.parse()?;
/// let report = audit(&doc);
/// assert!(report.read_only().holds());
/// assert!(report.guarantee(Guarantee::NoPrivilegeEscalation).holds());
/// let reads = report.no_data_reads();
/// assert!(!reads.holds());
/// assert_eq!(reads.violations()[0].action(), "s3:GetObject");
/// assert_eq!(reads.violations()[0].code(), AuditCode::DataRead);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyAudit {
    allowed_actions: usize,
    read_only: GuaranteeCheck,
    no_excluded_area: GuaranteeCheck,
    no_privilege_escalation: GuaranteeCheck,
    no_data_reads: GuaranteeCheck,
}

impl PolicyAudit {
    /// How many catalog actions the policy allows.
    pub fn allowed_actions(&self) -> usize {
        self.allowed_actions
    }

    /// [`Guarantee::ReadOnly`]: no Write, Permissions management or Tagging action.
    pub fn read_only(&self) -> &GuaranteeCheck {
        &self.read_only
    }

    /// [`Guarantee::NoExcludedArea`]: nothing from [`Area::Excluded`].
    pub fn no_excluded_area(&self) -> &GuaranteeCheck {
        &self.no_excluded_area
    }

    /// [`Guarantee::NoPrivilegeEscalation`]: no known privilege-escalation path.
    pub fn no_privilege_escalation(&self) -> &GuaranteeCheck {
        &self.no_privilege_escalation
    }

    /// [`Guarantee::NoDataReads`]: no action that returns data contents.
    pub fn no_data_reads(&self) -> &GuaranteeCheck {
        &self.no_data_reads
    }

    /// The check of `guarantee`.
    pub fn guarantee(&self, guarantee: Guarantee) -> &GuaranteeCheck {
        match guarantee {
            Guarantee::ReadOnly => &self.read_only,
            Guarantee::NoExcludedArea => &self.no_excluded_area,
            Guarantee::NoPrivilegeEscalation => &self.no_privilege_escalation,
            Guarantee::NoDataReads => &self.no_data_reads,
        }
    }

    /// Every check, in [`Guarantee::ALL`] order.
    pub fn checks(&self) -> [&GuaranteeCheck; 4] {
        Guarantee::ALL.map(|g| self.guarantee(g))
    }

    /// True when every guarantee holds.
    pub fn all_hold(&self) -> bool {
        self.checks().iter().all(|c| c.holds())
    }
}

/// Audits `doc` against the embedded AWS catalog.
pub fn audit(doc: &PolicyDocument) -> PolicyAudit {
    audit_with(Catalog::aws(), doc)
}

/// Audits `doc` against `catalog`.
pub fn audit_with(catalog: &Catalog, doc: &PolicyDocument) -> PolicyAudit {
    let allowed = allowed_actions(catalog, doc);
    let violation = |code: AuditCode, action: &str, grantor: Grantor, reason: String| {
        Violation::new(
            code,
            action,
            grantor.statement,
            doc.statements()
                .get(grantor.statement)
                .and_then(|s| s.sid.clone()),
            doc.statement_path(grantor.statement),
            reason,
        )
    };

    let mut read_only = Vec::new();
    let mut excluded = Vec::new();
    for (action, grantor) in allowed.iter() {
        let name = action.full_name();
        if !action.access_level().is_read_only() {
            read_only.push(violation(
                AuditCode::NotReadOnly,
                name,
                grantor,
                format!("access level {}", action.access_level().as_str()),
            ));
        }
        if catalog.area(action) == Area::Excluded {
            excluded.push(violation(
                AuditCode::ExcludedArea,
                name,
                grantor,
                "in the excluded area".to_owned(),
            ));
        }
    }

    let lookup = |name: &str| allowed.get(name);
    let mut escalation = Vec::new();
    for (name, probe, how) in lists::DIRECT_ESCALATION {
        if let Some((action, grantor)) = lookup(name)
            && covers_probe(doc, name, probe)
        {
            escalation.push(violation(
                AuditCode::PrivilegeEscalation,
                action.full_name(),
                grantor,
                format!("can {how}"),
            ));
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
                    AuditCode::PassRoleEscalation,
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
            AuditCode::AssumeAnyRole,
            assume.full_name(),
            grantor,
            "can assume any role that trusts the account".to_owned(),
        ));
    }

    let mut data_reads = Vec::new();
    for (name, what) in lists::DATA_READS {
        if let Some((action, grantor)) = lookup(name) {
            data_reads.push(violation(
                AuditCode::DataRead,
                action.full_name(),
                grantor,
                format!("reads {what}"),
            ));
        }
    }

    PolicyAudit {
        allowed_actions: allowed.len(),
        read_only: GuaranteeCheck::new(Guarantee::ReadOnly, read_only),
        no_excluded_area: GuaranteeCheck::new(Guarantee::NoExcludedArea, excluded),
        no_privilege_escalation: GuaranteeCheck::new(Guarantee::NoPrivilegeEscalation, escalation),
        no_data_reads: GuaranteeCheck::new(Guarantee::NoDataReads, data_reads),
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
