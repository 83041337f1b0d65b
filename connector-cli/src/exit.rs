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
//! - 3 to 6: `connector fleet check` only, a health check's verdict other than healthy
//!   ([`Unhealthy`]): 3 refused (the customer's side refused: the connection is
//!   disconnected), 4 failed (degraded: the probe was denied, or the vendor's own credentials
//!   failed), 5 inconclusive (no verdict: throttled, timed out, or the connection changed
//!   while it was checked; run it again), 6 not checked (the connection is not on the
//!   schedule in its state). A check with no verdict is never 0;
//! - 141: standard output was closed before everything was written (`… | head`), see
//!   [`crate::output`].
//!
//! A batch (`policy check|expand|audit` over many files) exits with the worst status of its
//! inputs ([`Outcome::worst`]).

use std::process::ExitCode;

/// The exit-status section of `connector --help`.
pub(crate) const EXIT_STATUS_HELP: &str = "Exit status (every command): 0 when all is well; 1 on findings, a denial, or a result that cannot be produced; 2 on bad input (a bad flag value, an unreadable file, text that is not JSON); `fleet check` exits 3 when the connection's side refused, 4 when the check failed (degraded), 5 when it reached no verdict (inconclusive), 6 when the connection is not health-checked; 141 when standard output was closed early (`… | head`). A batch over many files exits with the worst status of its inputs.";

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
    /// A health check's verdict other than healthy (already printed): exit 3 to 6.
    Unhealthy(Unhealthy),
}

/// A health check's verdict other than healthy, each with its own exit status, so a script
/// tells "the customer revoked access" from "try again later".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unhealthy {
    /// The customer's side refused: exit 3.
    Refused,
    /// The check failed (the probe was denied, the vendor's own credentials failed): exit 4.
    Failed,
    /// No verdict (throttled, timed out, superseded by a concurrent change): exit 5.
    Inconclusive,
    /// The connection is not health-checked in its state: exit 6.
    NotChecked,
}

impl Unhealthy {
    /// The exit status.
    pub(crate) fn code(self) -> u8 {
        match self {
            Unhealthy::Refused => 3,
            Unhealthy::Failed => 4,
            Unhealthy::Inconclusive => 5,
            Unhealthy::NotChecked => 6,
        }
    }
}

impl Outcome {
    /// The exit status this outcome ends the process with.
    pub(crate) fn code(&self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Findings | Outcome::Failed(_) => 1,
            Outcome::BadInput(_) => 2,
            Outcome::Unhealthy(verdict) => verdict.code(),
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
            Outcome::Ok | Outcome::Findings | Outcome::Unhealthy(_) => {}
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
