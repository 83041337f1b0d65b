//! How a command ends: its exit code, and the message for bad input.
//!
//! The exit status is the same in every command ([`EXIT_STATUS_HELP`]):
//!
//! - 0: all is well;
//! - 1: the command ran and found problems, or the request was denied, or it could not
//!   produce its result;
//! - 2: bad input: a value that breaks its rule (the message names the flag), a file that
//!   cannot be read, or text that is not JSON at all. Unparseable JSON is bad input in every
//!   command, `policy check` included (which still prints the `JSON_SYNTAX_ERROR` finding with
//!   its line and column): the command never got to judge a document;
//! - 141: standard output was closed before everything was written (`… | head`), see
//!   [`crate::output`].
//!
//! A batch (`policy check|expand|audit` over many files) exits with the worst status of its
//! inputs ([`Outcome::worst`]).

use std::process::ExitCode;

/// The exit-status section of `connector --help`.
pub(crate) const EXIT_STATUS_HELP: &str = "Exit status (every command): 0 when all is well; 1 on findings, a denial, or a result that cannot be produced; 2 on bad input (a bad flag value, an unreadable file, text that is not JSON); 141 when standard output was closed early (`… | head`). A batch over many files exits with the worst status of its inputs.";

/// The result of a command.
#[derive(Debug, Clone)]
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
    /// The exit status this outcome ends the process with.
    pub(crate) fn code(&self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Findings | Outcome::Failed(_) => 1,
            Outcome::BadInput(_) => 2,
        }
    }

    /// The worse of two outcomes (the higher exit status; the first on a tie), for a batch
    /// whose exit status reflects its worst input.
    pub(crate) fn worst(self, other: Outcome) -> Outcome {
        if other.code() > self.code() {
            other
        } else {
            self
        }
    }

    pub(crate) fn report(self) -> ExitCode {
        let code = self.code();
        match self {
            Outcome::Ok | Outcome::Findings => {}
            Outcome::Failed(message) | Outcome::BadInput(message) => {
                eprintln!("error: {message}");
            }
        }
        ExitCode::from(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_exits_with_its_worst_input() {
        let worst = [
            Outcome::Ok,
            Outcome::BadInput("FILE a.json: not JSON".into()),
            Outcome::Findings,
        ]
        .into_iter()
        .fold(Outcome::Ok, Outcome::worst);
        assert_eq!(worst.code(), 2);
        assert_eq!(Outcome::Ok.worst(Outcome::Findings).code(), 1);
        assert_eq!(Outcome::Findings.worst(Outcome::Ok).code(), 1);
        assert_eq!(Outcome::Ok.worst(Outcome::Ok).code(), 0);
    }
}
