//! One model of a batch's results for the formats every policy command shares: SARIF
//! ([`sarif`]) and the HTML report ([`html`]). Each command maps its own results into it;
//! its text and JSON outputs stay its own.

pub(crate) mod escape;
pub(crate) mod html;
pub(crate) mod sarif;

use iam_policy::Severity;

use super::input::InputError;

/// A rule: one stable finding code of the command (from a `finding_codes!` table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rule {
    /// The stable code, e.g. `PRIVILEGE_ESCALATION`.
    pub(crate) id: &'static str,
    /// Its severity.
    pub(crate) severity: Severity,
}

/// One finding or violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    /// The stable code (a [`Rule`] id).
    pub(crate) code: &'static str,
    /// Its severity.
    pub(crate) severity: Severity,
    /// True when it holds only under conditions the check could not decide (reported apart).
    pub(crate) conditional: bool,
    /// The action concerned, when there is one.
    pub(crate) action: Option<String>,
    /// The statement: its index and `Sid`, e.g. `2 (S3Write)`.
    pub(crate) statement: Option<String>,
    /// JSON path in the document.
    pub(crate) path: String,
    /// 1-based line in the file, when known.
    pub(crate) line: Option<usize>,
    /// 1-based column in the file, when known.
    pub(crate) column: Option<usize>,
    /// What is wrong.
    pub(crate) message: String,
}

/// A group of items: a guarantee of the audit, or all the findings of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    /// The guarantee's name, or what the items are.
    pub(crate) title: String,
    /// What it promises, when it is a guarantee.
    pub(crate) description: Option<String>,
    /// Whether it holds, when it is a guarantee.
    pub(crate) holds: Option<bool>,
    /// Its findings or violations.
    pub(crate) items: Vec<Item>,
}

/// One policy's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyReport {
    /// The file, and the owner for a document inside one.
    pub(crate) source: String,
    /// The file (for SARIF's artifact location).
    pub(crate) file: String,
    /// One line about the whole policy (e.g. how many catalog actions it allows).
    pub(crate) note: Option<String>,
    /// Its sections.
    pub(crate) sections: Vec<Section>,
}

impl PolicyReport {
    /// How many items, unconditional and conditional.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let items = self.sections.iter().flat_map(|s| &s.items);
        let conditional = items.clone().filter(|i| i.conditional).count();
        (items.count() - conditional, conditional)
    }
}

/// A whole batch, for SARIF and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    /// The command, e.g. `policy audit`.
    pub(crate) command: &'static str,
    /// What the items are called in the summary ("violations", "findings").
    pub(crate) items_name: &'static str,
    /// Every rule the command can report, in table order.
    pub(crate) rules: Vec<Rule>,
    /// One per document that could be used.
    pub(crate) policies: Vec<PolicyReport>,
    /// The documents that could not be used.
    pub(crate) errors: Vec<InputError>,
}

/// `index (Sid)` or `index`.
pub(crate) fn statement_label(index: usize, sid: Option<&str>) -> String {
    match sid {
        Some(sid) => format!("{index} ({sid})"),
        None => index.to_string(),
    }
}
