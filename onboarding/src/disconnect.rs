//! `DisconnectStep`: how a customer takes the vendor's access away again, one step at a time,
//! for each onboarding path.

use std::fmt;

/// One step: what to do, and the command that does it when there is one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DisconnectStep {
    /// What the step does, for a person.
    pub description: String,
    /// The shell command (AWS CLI, Terraform), ready to paste.
    pub command: Option<String>,
}

impl DisconnectStep {
    pub(crate) fn run(
        description: impl Into<String>,
        command: impl Into<String>,
    ) -> DisconnectStep {
        DisconnectStep {
            description: description.into(),
            command: Some(command.into()),
        }
    }
}

/// The description, then the command on its own indented line.
impl fmt::Display for DisconnectStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)?;
        if let Some(command) = &self.command {
            write!(f, "\n    {command}")?;
        }
        Ok(())
    }
}
