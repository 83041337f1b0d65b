//! Running one policy command over a batch of documents in one process: each document gets
//! its own result (or its own error), a bad one never stops the rest, and the exit status is
//! the worst of them.

use serde::Serialize;

use super::format::Format;
use super::input::{InputError, Inputs, PolicyInput};
use super::progress::Progress;
use super::report::{self, Report};
use crate::exit::Outcome;
use crate::output::{out, outln};

/// What became of one document.
#[derive(Debug)]
pub(crate) enum Done<R> {
    /// The command's result for it, and that result's outcome (`Ok` or `Findings`, or
    /// `BadInput` for a `policy check` of text that is not JSON).
    Report {
        /// The document.
        input: PolicyInput,
        /// The command's result.
        report: R,
        /// What it means for the exit status.
        outcome: Outcome,
    },
    /// It could not be read or parsed.
    Error(InputError),
}

/// The results of a batch, in input order.
#[derive(Debug)]
pub(crate) struct Batch<R> {
    /// One per document.
    pub(crate) done: Vec<Done<R>>,
    /// True when the output is a batch report (several files, a directory, a file with
    /// several documents), false for the one-document output of earlier versions.
    pub(crate) batch: bool,
}

/// Runs `each` over every document, with a progress bar when `progress` allows one. `each`
/// returns the result and its outcome, or why the document could not be used.
pub(crate) fn run<R>(
    inputs: Inputs,
    progress: bool,
    mut each: impl FnMut(&PolicyInput) -> Result<(R, Outcome), String>,
) -> Batch<R> {
    let mut bar = Progress::new(inputs.documents.len(), progress);
    let mut done = Vec::with_capacity(inputs.documents.len());
    for document in inputs.documents {
        done.push(match document {
            Ok(input) => match each(&input) {
                Ok((report, outcome)) => Done::Report {
                    input,
                    report,
                    outcome,
                },
                Err(message) => Done::Error(InputError {
                    source: input.source,
                    message,
                }),
            },
            Err(error) => Done::Error(error),
        });
        bar.inc();
    }
    bar.finish();
    Batch {
        done,
        batch: inputs.batch,
    }
}

/// A document that could not be used, in JSON output.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorJson<'a> {
    /// The file, and the owner for a document inside one.
    pub(crate) source: &'a str,
    /// What is wrong.
    pub(crate) message: &'a str,
}

/// The `--format json` output of a batch.
#[derive(Debug, Serialize)]
pub(crate) struct BatchJson<'a, R> {
    /// One result per document that could be used, in input order.
    pub(crate) policies: Vec<&'a R>,
    /// The documents that could not be used.
    pub(crate) errors: Vec<ErrorJson<'a>>,
}

impl<R> Batch<R> {
    /// The batch's exit status: the worst of its documents; a document that could not be used
    /// is bad input. Errors are printed on standard error, one line each, unless `quiet`
    /// (the single-document case, whose error is the outcome's message).
    pub(crate) fn outcome(&self) -> Outcome {
        let errors = self
            .done
            .iter()
            .filter(|d| matches!(d, Done::Error(_)))
            .count();
        let mut worst = Outcome::Ok;
        for done in &self.done {
            match done {
                Done::Report { outcome, .. } => {
                    worst = worst.worst(outcome.clone());
                }
                Done::Error(error) if !self.batch => {
                    worst = worst.worst(Outcome::BadInput(format!(
                        "FILE {}: {}",
                        error.source, error.message
                    )));
                }
                Done::Error(_) => {}
            }
        }
        if self.batch && errors > 0 {
            worst = worst.worst(Outcome::BadInput(format!(
                "{errors} of {} inputs could not be used (listed above)",
                self.done.len()
            )));
        }
        worst
    }

    /// Prints every error on standard error, `error: FILE source: message`, for a batch (a
    /// single document's error is the outcome's message instead).
    pub(crate) fn print_errors(&self) {
        if !self.batch {
            return;
        }
        for done in &self.done {
            if let Done::Error(error) = done {
                eprintln!("error: FILE {}: {}", error.source, error.message);
            }
        }
    }

    /// For a batch in text output, one closing line: how many documents were `done`
    /// (`checked`, `expanded`), how many of them `problem` (had an outcome other than Ok),
    /// and how many could not be used.
    pub(crate) fn print_summary(&self, done: &str, problem: &str) {
        if !self.batch {
            return;
        }
        let (mut used, mut with_problems) = (0, 0);
        for item in &self.done {
            if let Done::Report { outcome, .. } = item {
                used += 1;
                if outcome.code() != 0 {
                    with_problems += 1;
                }
            }
        }
        let errors = self.done.len() - used;
        crate::output::outln!(
            "{used} policies {done}: {with_problems} {problem}; {errors} could not be used"
        );
    }

    /// The results that were produced, with their inputs.
    pub(crate) fn reports(&self) -> impl Iterator<Item = (&PolicyInput, &R)> {
        self.done.iter().filter_map(|d| match d {
            Done::Report { input, report, .. } => Some((input, report)),
            Done::Error(_) => None,
        })
    }

    /// The documents that could not be used.
    pub(crate) fn errors(&self) -> impl Iterator<Item = &InputError> {
        self.done.iter().filter_map(|d| match d {
            Done::Error(error) => Some(error),
            Done::Report { .. } => None,
        })
    }

    /// Prints the batch in a machine format, the documents that could not be used on
    /// standard error first: JSON (see [`print_json`](Self::print_json)), or SARIF or HTML
    /// from the model `report` builds. Text, which each command prints its own way, prints
    /// nothing here. A SARIF log that cannot be rendered is the error.
    pub(crate) fn print_formatted(
        &self,
        format: Format,
        report: impl FnOnce(&Self) -> Report,
    ) -> Result<(), Outcome>
    where
        R: Serialize,
    {
        match format {
            Format::Text => return Ok(()),
            Format::Json => {
                self.print_errors();
                self.print_json();
            }
            Format::Sarif => {
                self.print_errors();
                match report::sarif::render(&report(self)) {
                    Ok(log) => outln!("{log}"),
                    Err(e) => return Err(Outcome::Failed(format!("cannot render SARIF: {e}"))),
                }
            }
            Format::Html => {
                self.print_errors();
                out!("{}", report::html::render(&report(self)));
            }
        }
        Ok(())
    }

    /// Prints the JSON output: a single document's own result (the output of earlier
    /// versions), or the batch object. Nothing when a single document could not be used (its
    /// error is the outcome's message).
    pub(crate) fn print_json(&self)
    where
        R: Serialize,
    {
        if !self.batch {
            if let Some((_, report)) = self.reports().next() {
                crate::output::print_json(report);
            }
            return;
        }
        crate::output::print_json(&BatchJson {
            policies: self.reports().map(|(_, r)| r).collect(),
            errors: self
                .errors()
                .map(|e| ErrorJson {
                    source: &e.source,
                    message: &e.message,
                })
                .collect(),
        });
    }
}
