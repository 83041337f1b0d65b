//! `SimError`: a simulation that could not run (a bad setting, a setup step that failed).

/// Why a simulation could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimError {
    /// A setting breaks a rule.
    Config {
        /// The setting.
        field: &'static str,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// Setting up the fleet failed (the store, the STS, the workers).
    Setup {
        /// The step.
        step: &'static str,
        /// What went wrong.
        message: String,
    },
}

impl SimError {
    pub(crate) fn config(field: &'static str, rule: &'static str) -> SimError {
        SimError::Config { field, rule }
    }

    pub(crate) fn setup(step: &'static str, error: impl std::fmt::Display) -> SimError {
        SimError::Setup {
            step,
            message: error.to_string(),
        }
    }
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::Config { field, rule } => write!(f, "{field}: {rule}"),
            SimError::Setup { step, message } => {
                write!(f, "setting up the fleet ({step}): {message}")
            }
        }
    }
}

impl std::error::Error for SimError {}
