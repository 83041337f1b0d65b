//! `AccessLevel`: how AWS classifies each action (Service Authorization Reference).

use std::fmt;

/// The access level AWS documents for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[non_exhaustive]
pub enum AccessLevel {
    /// Lists resources.
    List,
    /// Reads resources or their configuration.
    Read,
    /// Creates, changes or deletes resources.
    Write,
    /// Changes who may do what (IAM policies, resource policies, grants).
    #[serde(rename = "Permissions management")]
    PermissionsManagement,
    /// Adds or removes tags.
    Tagging,
}

impl AccessLevel {
    /// The name AWS uses.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// True for List and Read.
    pub fn is_read_only(self) -> bool {
        matches!(self, AccessLevel::List | AccessLevel::Read)
    }

    pub(crate) fn from_code(code: &str) -> Option<AccessLevel> {
        Some(match code {
            "L" => AccessLevel::List,
            "R" => AccessLevel::Read,
            "W" => AccessLevel::Write,
            "P" => AccessLevel::PermissionsManagement,
            "T" => AccessLevel::Tagging,
            _ => return None,
        })
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
