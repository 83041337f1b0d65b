//! `AuditCode`: the closed list of what the audit and the ceiling check report, each with a
//! stable name and a fixed severity on [`iam_policy::Severity`]'s scale.

use super::Guarantee;

iam_policy::finding_codes! {
    /// What an audit finding ([`Violation`](crate::Violation)) or a ceiling excess
    /// ([`Excess`](crate::Excess)) is about.
    ///
    /// A guarantee violation is a `Warning` when it describes what the policy is for (it
    /// writes, it reads data) and a `SecurityWarning` when the access is likely broader than
    /// anyone intended (the excluded area, a way to escalate privileges). A ceiling excess is
    /// an `Error`: that part of the narrower policy does not work, since a session's
    /// permissions are the intersection of the role's identity-based policies and the session
    /// policy (IAM User Guide, "Session policies").
    ///
    /// ```
    /// use permission_sets::{AuditCode, Guarantee, Severity};
    /// assert_eq!(AuditCode::PrivilegeEscalation.as_str(), "PRIVILEGE_ESCALATION");
    /// assert_eq!(AuditCode::PrivilegeEscalation.severity(), Severity::SecurityWarning);
    /// assert_eq!(AuditCode::DataRead.guarantee(), Some(Guarantee::NoDataReads));
    /// assert_eq!("NOT_WITHIN_CEILING".parse::<AuditCode>()?, AuditCode::NotWithinCeiling);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[non_exhaustive]
    pub enum AuditCode: "A stable code of a permission audit finding or ceiling excess." {
        /// A Write, Permissions management or Tagging action is allowed.
        NotReadOnly = "NOT_READ_ONLY", Warning;
        /// An action of the excluded area is allowed (IAM user, credential and policy
        /// management, billing, Organizations, audit-trail changes).
        ExcludedArea = "EXCLUDED_AREA", SecurityWarning;
        /// An action that by itself lets a principal give itself more permissions (attach or
        /// write policies, mint credentials, rewrite a trust policy, take over compute that
        /// runs under another role) is allowed on resources nobody chose.
        PrivilegeEscalation = "PRIVILEGE_ESCALATION", SecurityWarning;
        /// `iam:PassRole` on every role together with an action that launches compute under
        /// the passed role.
        PassRoleEscalation = "PASS_ROLE_ESCALATION", SecurityWarning;
        /// `sts:AssumeRole` on every role.
        AssumeAnyRole = "ASSUME_ANY_ROLE", SecurityWarning;
        /// An action that returns data contents (objects, items, secrets, plaintext, query
        /// results, messages, log events) is allowed.
        DataRead = "DATA_READ", Warning;
        /// The ceiling has a Deny for an action the narrower policy allows.
        DeniedByCeiling = "DENIED_BY_CEILING", Error;
        /// The ceiling does not allow an action on a resource in every case the narrower
        /// policy does.
        NotWithinCeiling = "NOT_WITHIN_CEILING", Error;
    }
}

impl AuditCode {
    /// The guarantee a violation with this code breaks (`None` for ceiling excesses).
    pub fn guarantee(self) -> Option<Guarantee> {
        match self {
            AuditCode::NotReadOnly => Some(Guarantee::ReadOnly),
            AuditCode::ExcludedArea => Some(Guarantee::NoExcludedArea),
            AuditCode::PrivilegeEscalation
            | AuditCode::PassRoleEscalation
            | AuditCode::AssumeAnyRole => Some(Guarantee::NoPrivilegeEscalation),
            AuditCode::DataRead => Some(Guarantee::NoDataReads),
            AuditCode::DeniedByCeiling | AuditCode::NotWithinCeiling => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_guarantee_has_codes_and_names_round_trip() {
        for guarantee in Guarantee::ALL {
            assert!(
                AuditCode::ALL
                    .iter()
                    .any(|c| c.guarantee() == Some(guarantee)),
                "{guarantee}"
            );
        }
        for code in AuditCode::ALL {
            assert_eq!(code.as_str().parse::<AuditCode>(), Ok(*code));
            assert_eq!(
                serde_json::to_string(code).unwrap(),
                format!("\"{}\"", code.as_str())
            );
            let ceiling = code.guarantee().is_none();
            assert_eq!(
                ceiling,
                code.severity() == iam_policy::Severity::Error,
                "{code}: only ceiling excesses are errors"
            );
        }
    }
}
