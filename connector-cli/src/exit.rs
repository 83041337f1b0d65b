//! How a command ends: its exit code, and the message for bad input.

use std::process::ExitCode;

/// The result of a command.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Everything is fine: exit 0.
    Ok,
    /// The command ran and found problems, or the request was denied: exit 1.
    Findings,
    /// The command ran but cannot produce its result (a permission set too large for a quota,
    /// the OS random number generator failing, a demo step going wrong): the message says why; exit 1.
    Failed(String),
    /// The input was unusable: the message names the field; exit 2.
    BadInput(String),
}

impl Outcome {
    pub(crate) fn report(self) -> ExitCode {
        match self {
            Outcome::Ok => ExitCode::SUCCESS,
            Outcome::Findings => ExitCode::from(1),
            Outcome::Failed(message) => {
                eprintln!("error: {message}");
                ExitCode::from(1)
            }
            Outcome::BadInput(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
        }
    }
}
