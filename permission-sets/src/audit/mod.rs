//! Auditing any policy document against the catalog: is it read-only, does it touch the
//! excluded area, can it escalate its own privileges, does it read data contents? Each
//! answer lists the offending actions and the statement that grants them.
//!
//! The definitions the audit uses, some of them deliberate choices, are stated on [`audit`].

mod allowed;
mod ceiling;
mod code;
mod guarantee;
mod lists;
mod paths;
mod reach;
mod violation;

pub use ceiling::{Ceiling, Excess, ceiling, ceiling_with};
pub use code::AuditCode;
pub use guarantee::{Guarantee, GuaranteeCheck};
pub use violation::Violation;

use iam_policy::PolicyDocument;

use crate::Area;
use crate::catalog::Catalog;

use allowed::{Grantor, allowed_actions};
use reach::{Reachability, Reached, Step};

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
///
/// # Definitions
///
/// Some of these are deliberate choices of this crate, stricter or simpler than other tools:
///
/// - **Read-only** means no allowed action has the access level Write, Permissions management
///   or Tagging in the catalog (the Service Authorization Reference's classification).
/// - **Data reads**: *any* grant of an action that returns data contents counts, whatever
///   its resources: a read of one bucket is a data read as much as a read of all of them.
/// - **Privilege escalation** is a known path (listed in `src/audit/paths.rs`: IAM policy and
///   credential changes, taking over compute that runs under another role, passing any role to compute
///   the policy can launch *and run*) whose every step the policy grants on a *probe*: a
///   resource of the kind the step works on that no policy names on purpose. A grant scoped
///   to resources the customer chose (a path, a name prefix) is contained. `sts:AssumeRole`
///   on every role counts as escalation, although the target role's trust policy (which this
///   audit cannot see) decides whether the call succeeds.
/// - **Conditions** are decided where the path supplies the context: `iam:PassedToService`
///   (the launcher's service principal), `iam:PolicyARN` (AWS's `AdministratorAccess` or a
///   customer policy nobody chose), and `ssm:SendCommand`'s documents, which are authorised
///   like its targets (a grant on fixed documents that run fixed tasks is not arbitrary
///   command execution). A resource-tag condition with fixed values confines a grant when the
///   policy cannot put that tag on an existing resource itself. Any other condition (tags it can set,
///   `aws:CalledVia`, `aws:IsMcpServiceAction`, keys it does not know), or a Deny that might
///   apply, makes the violation **conditional**: reported after the unconditional ones, with
///   [`Violation::conditional`] set, and still breaking the guarantee (fail closed). For the
///   other guarantees an action is conditional when every statement granting it has a
///   condition.
/// - For the action lists (read-only, excluded area, data reads) a Deny removes an action only
///   when it applies to every resource without conditions; for an escalation step, a Deny that
///   applies to the probe without an undecidable condition closes the step.
pub fn audit(doc: &PolicyDocument) -> PolicyAudit {
    audit_with(Catalog::aws(), doc)
}

/// Audits `doc` against `catalog`.
pub fn audit_with(catalog: &Catalog, doc: &PolicyDocument) -> PolicyAudit {
    let allowed = allowed_actions(catalog, doc);
    let violation = |code: AuditCode, action: &str, at: Reached, reason: String| {
        Violation::new(
            code,
            action,
            at.statement,
            doc.statements()
                .get(at.statement)
                .and_then(|s| s.sid.clone()),
            doc.statement_path(at.statement),
            reason,
            at.conditional,
        )
    };
    let granted = |grantor: Grantor| Reached {
        statement: grantor.statement,
        conditional: grantor.conditional,
    };

    let mut read_only = Vec::new();
    let mut excluded = Vec::new();
    for (action, grantor) in allowed.iter() {
        let name = action.full_name();
        if !action.access_level().is_read_only() {
            read_only.push(violation(
                AuditCode::NotReadOnly,
                name,
                granted(grantor),
                format!("access level {}", action.access_level().as_str()),
            ));
        }
        if catalog.area(action) == Area::Excluded {
            excluded.push(violation(
                AuditCode::ExcludedArea,
                name,
                granted(grantor),
                "in the excluded area".to_owned(),
            ));
        }
    }

    let reach = Reachability::new(catalog, doc, &allowed);
    let mut escalation = Vec::new();
    for path in paths::DIRECT {
        if let Some((action, at)) = reach.path(path.needs) {
            escalation.push(violation(
                AuditCode::PrivilegeEscalation,
                action,
                at,
                format!("can {}", path.how),
            ));
        }
    }
    if let Some(found) = pass_role_escalation(&reach) {
        escalation.push(violation(
            AuditCode::PassRoleEscalation,
            "iam:PassRole",
            found.at,
            format!(
                "can pass any role to compute it launches and runs ({}), running code with that role's permissions",
                found.launchers.join(", ")
            ),
        ));
    }
    if let Some(at) = reach.reach(&Step::on("sts:AssumeRole", paths::PROBE_ROLE)) {
        escalation.push(violation(
            AuditCode::AssumeAnyRole,
            "sts:AssumeRole",
            at,
            "can assume any role that trusts the account".to_owned(),
        ));
    }

    let mut data_reads = Vec::new();
    for (name, what) in lists::DATA_READS {
        if let Some((action, grantor)) = allowed.get(name) {
            data_reads.push(violation(
                AuditCode::DataRead,
                action.full_name(),
                granted(grantor),
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

/// The `iam:PassRole` escalation: the grant it comes from and the launchers that complete it.
struct PassRoleFound {
    at: Reached,
    launchers: Vec<String>,
}

/// `iam:PassRole` on every role, for the service of a launcher the policy can call and run.
/// Unconditional when one launcher path is; the launchers whose path is conditional are
/// marked so.
fn pass_role_escalation(reach: &Reachability<'_>) -> Option<PassRoleFound> {
    let mut best: Option<Reached> = None;
    let mut launchers = Vec::new();
    // Whether a role can be passed to each service, asked once per service.
    let mut passes: Vec<(&str, Option<Reached>)> = Vec::new();
    let mut pass_to = |pair: &'static (&'static str, &'static str)| {
        if let Some((_, known)) = passes.iter().find(|(service, _)| *service == pair.1) {
            return *known;
        }
        let reached = reach.reach(
            &Step::on("iam:PassRole", paths::PROBE_ROLE).with_context(std::slice::from_ref(pair)),
        );
        passes.push((pair.1, reached));
        reached
    };
    for launcher in paths::LAUNCHERS {
        let Some(launch) = reach.reach(&Step::anywhere(launcher.action)) else {
            continue;
        };
        let Some(pass) = launcher
            .passed_to
            .iter()
            .map(&mut pass_to)
            .fold(None, Reached::best)
        else {
            continue;
        };
        let mut conditional = pass.conditional || launch.conditional;
        let mut runs = true;
        for need in launcher.runs {
            match reach.any_of(need) {
                Some((_, at)) => conditional |= at.conditional,
                None => runs = false,
            }
        }
        if !runs {
            continue;
        }
        launchers.push(if conditional {
            format!("{} (conditional)", launcher.action)
        } else {
            launcher.action.to_owned()
        });
        best = Reached::best(
            best,
            Some(Reached {
                statement: pass.statement,
                conditional,
            }),
        );
    }
    best.map(|at| PassRoleFound { at, launchers })
}
