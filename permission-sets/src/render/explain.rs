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
    /// Why the vendor needs actions from the excluded area, for a grant that opts in to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_area_justification: Option<String>,
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
            excluded_area_justification: g.excluded_area_justification().map(str::to_owned),
            step_up: g.step_up,
        });
        let managed = self.managed_policies().iter().map(|m| ExplanationRow {
            id: m.arn.to_string(),
            area: None,
            actions: Vec::new(),
            resources: vec![m.arn.to_string()],
            justification: m.justification.clone(),
            excluded_area_justification: None,
            step_up: false,
        });
        grants.chain(managed).collect()
    }

    /// The explanation as a Markdown table, after the claimed guarantees. A grant that opts
    /// in to the excluded area says why in its "why" cell.
    pub fn explanation_table(&self) -> String {
        let mut out = format!("{}: {}\n\n", self.reference(), self.description());
        if !self.claims().is_empty() {
            let claims: Vec<&str> = self.claims().iter().map(|g| g.as_str()).collect();
            out.push_str(&format!(
                "Guarantees, checked against the AWS action catalog: {}.\n\n",
                claims.join(", ")
            ));
        }
        out.push_str("| area | permissions | resources | why | step-up |\n|---|---|---|---|---|\n");
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
                why(&row).replace('|', "\\|"),
                if row.step_up { "yes" } else { "no" }
            ));
        }
        out
    }
}

/// The "why" cell: the justification, and the excluded-area reason when there is one.
fn why(row: &ExplanationRow) -> String {
    match &row.excluded_area_justification {
        Some(excluded) => format!("{} Excluded area, opted in: {excluded}", row.justification),
        None => row.justification.clone(),
    }
}
