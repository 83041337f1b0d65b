//! `Guarantee`: the four promises the audit checks (a permission set can claim them), and
//! `GuaranteeCheck`: whether one holds for a policy, and what breaks it.

use std::fmt;
use std::str::FromStr;

use super::Violation;
use crate::PermissionSetError;

/// A promise about what a policy allows, checked by [`audit`](crate::audit) against the
/// catalog. A [`PermissionSet`](crate::PermissionSet) can claim guarantees
/// ([`with_claims`](crate::PermissionSetBuilder::with_claims)); building and rendering it checks them.
///
/// ```
/// use permission_sets::Guarantee;
/// assert_eq!(Guarantee::NoPrivilegeEscalation.as_str(), "no-privilege-escalation");
/// assert_eq!("read-only".parse::<Guarantee>()?, Guarantee::ReadOnly);
/// assert_eq!(serde_json::to_string(&Guarantee::NoDataReads)?, "\"no-data-reads\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Guarantee {
    /// No Write, Permissions management or Tagging action is allowed.
    ReadOnly,
    /// Nothing from [`Area::Excluded`](crate::Area::Excluded) is allowed.
    NoExcludedArea,
    /// No known privilege-escalation path is open.
    NoPrivilegeEscalation,
    /// No action that returns data contents is allowed.
    NoDataReads,
}

impl Guarantee {
    /// Every guarantee, in declaration order.
    pub const ALL: [Guarantee; 4] = [
        Guarantee::ReadOnly,
        Guarantee::NoExcludedArea,
        Guarantee::NoPrivilegeEscalation,
        Guarantee::NoDataReads,
    ];

    /// The name: `read-only`, `no-excluded-area`, `no-privilege-escalation`, `no-data-reads`.
    pub fn as_str(self) -> &'static str {
        match self {
            Guarantee::ReadOnly => "read-only",
            Guarantee::NoExcludedArea => "no-excluded-area",
            Guarantee::NoPrivilegeEscalation => "no-privilege-escalation",
            Guarantee::NoDataReads => "no-data-reads",
        }
    }

    /// What it promises, in one line.
    pub fn description(self) -> &'static str {
        match self {
            Guarantee::ReadOnly => "no Write, Permissions management or Tagging action is allowed",
            Guarantee::NoExcludedArea => {
                "nothing from the excluded area (IAM writes, billing, Organizations, audit trail changes) is allowed"
            }
            Guarantee::NoPrivilegeEscalation => "no known privilege-escalation path is open",
            Guarantee::NoDataReads => "no action that returns data contents is allowed",
        }
    }
}

impl fmt::Display for Guarantee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Guarantee {
    type Err = PermissionSetError;

    fn from_str(text: &str) -> Result<Guarantee, PermissionSetError> {
        Guarantee::ALL
            .into_iter()
            .find(|g| g.as_str() == text)
            .ok_or_else(|| {
                PermissionSetError::invalid(
                    "guarantee",
                    text,
                    "a guarantee is read-only, no-excluded-area, no-privilege-escalation or no-data-reads",
                )
            })
    }
}

/// Whether one guarantee holds for a policy, and every action that breaks it.
///
/// ```
/// use permission_sets::{AuditCode, Guarantee, audit};
/// let doc = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
///     "Action": ["s3:ListBucket", "s3:PutObject"], "Resource": "*"}}"#.parse()?;
/// let check = audit(&doc).guarantee(Guarantee::ReadOnly).clone();
/// assert_eq!(check.guarantee(), Guarantee::ReadOnly);
/// assert!(!check.holds());
/// let broken: Vec<_> = check.violations().iter().map(|v| (v.action(), v.code())).collect();
/// assert_eq!(broken, [("s3:PutObject", AuditCode::NotReadOnly)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GuaranteeCheck {
    guarantee: Guarantee,
    holds: bool,
    violations: Vec<Violation>,
}

impl GuaranteeCheck {
    /// The check of `guarantee` with these violations (sorted here: unconditional ones
    /// first, then conditional ones, each by action).
    pub(super) fn new(guarantee: Guarantee, mut violations: Vec<Violation>) -> GuaranteeCheck {
        violations
            .sort_by(|a, b| (a.conditional(), a.action()).cmp(&(b.conditional(), b.action())));
        GuaranteeCheck {
            guarantee,
            holds: violations.is_empty(),
            violations,
        }
    }

    /// Which guarantee.
    pub fn guarantee(&self) -> Guarantee {
        self.guarantee
    }

    /// True when nothing breaks it, not even under a condition the audit cannot decide
    /// (fail closed: a conditional violation is still a violation).
    pub fn holds(&self) -> bool {
        self.holds
    }

    /// Every action that breaks it: the unconditional ones first, then the
    /// [conditional](Violation::conditional) ones, each sorted by action.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The violations that hold whatever the request context.
    pub fn unconditional(&self) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(|v| !v.conditional())
    }

    /// The violations that depend on a condition the audit cannot decide.
    pub fn conditional(&self) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(|v| v.conditional())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for g in Guarantee::ALL {
            assert_eq!(g.as_str().parse::<Guarantee>().unwrap(), g);
            assert_eq!(
                serde_json::to_string(&g).unwrap(),
                format!("\"{}\"", g.as_str())
            );
            assert!(!g.description().is_empty());
        }
        let error = "read_only".parse::<Guarantee>().unwrap_err().to_string();
        assert!(error.contains("no-data-reads"), "{error}");
    }
}
