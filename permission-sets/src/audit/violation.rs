//! `Violation`: one action that breaks a guarantee, with its code and the statement that
//! grants it.

use iam_policy::Severity;

use super::AuditCode;

/// One action that breaks a guarantee, what kind of break it is ([`AuditCode`]), and where
/// it comes from.
///
/// ```
/// use permission_sets::{AuditCode, Severity, audit};
/// let doc = r#"{"Version": "2012-10-17", "Statement": [
///     {"Sid": "Keys", "Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"}
/// ]}"#.parse()?;
/// let report = audit(&doc);
/// let v = &report.no_privilege_escalation().violations()[0];
/// assert_eq!((v.code(), v.action(), v.sid()), (AuditCode::PrivilegeEscalation, "iam:CreateAccessKey", Some("Keys")));
/// assert_eq!(v.severity(), Severity::SecurityWarning);
/// assert_eq!(v.path(), "$.Statement[0]");
/// assert!(!v.conditional());
/// let json = serde_json::to_value(v)?;
/// assert_eq!((json["code"].as_str(), json["severity"].as_str()), (Some("PRIVILEGE_ESCALATION"), Some("SECURITY_WARNING")));
/// assert_eq!(json["conditional"], false);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    code: AuditCode,
    severity: Severity,
    action: String,
    statement: usize,
    sid: Option<String>,
    path: String,
    reason: String,
    conditional: bool,
}

impl Violation {
    /// A violation with the code's severity.
    pub(super) fn new(
        code: AuditCode,
        action: &str,
        statement: usize,
        sid: Option<String>,
        path: String,
        reason: String,
        conditional: bool,
    ) -> Violation {
        Violation {
            code,
            severity: code.severity(),
            action: action.to_owned(),
            statement,
            sid,
            path,
            reason,
            conditional,
        }
    }

    /// What kind of break it is.
    pub fn code(&self) -> AuditCode {
        self.code
    }

    /// How much it matters: always `code().severity()`.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The action, as the catalog spells it.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// Index of the statement granting it.
    pub fn statement(&self) -> usize {
        self.statement
    }

    /// That statement's `Sid`.
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// JSON path of that statement, e.g. `$.Statement[2]`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Why it breaks the guarantee, in words.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// True when the violation depends on a condition the audit cannot decide (a tag,
    /// `aws:CalledVia`, `aws:IsMcpServiceAction`, any key it does not know): it is reported
    /// apart from the unconditional ones, never dropped, and still breaks the guarantee.
    pub fn conditional(&self) -> bool {
        self.conditional
    }
}
