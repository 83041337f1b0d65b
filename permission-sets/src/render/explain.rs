//! "Why each line": the table a vendor shows a customer before they create the role.

use crate::{Area, PermissionSet};

/// One row of the explanation table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExplanationRow {
    /// The grant id or the managed policy ARN.
    pub id: String,
    /// The area (`None` for managed policies, which span areas).
    pub area: Option<Area>,
    /// The actions, as written (empty for managed policies).
    pub actions: Vec<String>,
    /// The resource templates (or the policy ARN).
    pub resources: Vec<String>,
    /// Why.
    pub justification: String,
    /// Needs a second approval.
    pub step_up: bool,
}

impl PermissionSet {
    /// One row per grant and per managed policy.
    pub fn explain(&self) -> Vec<ExplanationRow> {
        let grants = self.grants().iter().map(|g| ExplanationRow {
            id: g.id.clone(),
            area: Some(g.area),
            actions: g.actions.iter().map(ToString::to_string).collect(),
            resources: g.resources.clone(),
            justification: g.justification.clone(),
            step_up: g.step_up,
        });
        let managed = self.managed_policies().iter().map(|m| ExplanationRow {
            id: m.arn.to_string(),
            area: None,
            actions: Vec::new(),
            resources: vec![m.arn.to_string()],
            justification: m.justification.clone(),
            step_up: false,
        });
        grants.chain(managed).collect()
    }

    /// The explanation as a Markdown table.
    pub fn explanation_table(&self) -> String {
        let mut out = format!(
            "{} {}: {}\n\n| area | permissions | resources | why | step-up |\n|---|---|---|---|---|\n",
            self.name(),
            self.version(),
            self.description()
        );
        for row in self.explain() {
            let permissions = if row.actions.is_empty() {
                format!("managed policy `{}`", row.id)
            } else {
                row.actions
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                row.area.map_or("managed", |a| a.as_str()),
                permissions,
                row.resources
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                row.justification.replace('|', "\\|"),
                if row.step_up { "yes" } else { "no" }
            ));
        }
        out
    }
}
