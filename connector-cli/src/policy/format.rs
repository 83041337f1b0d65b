//! `--format text|json|sarif|html` (and `--json`, its older spelling of `--format json`) of
//! the batch policy commands.

use std::io::IsTerminal;

use clap::{Args, ValueEnum};

/// What a batch policy command prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Readable text, one block per policy.
    Text,
    /// One JSON document (the old `--json`).
    Json,
    /// SARIF 2.1.0, for code-scanning pipelines.
    Sarif,
    /// One self-contained HTML page (inline CSS, no script, no network) for reviewers.
    Html,
}

/// The output flags every batch policy command takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct OutputArgs {
    /// What to print.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<Format>,
    /// Print JSON instead of text (the same as `--format json`).
    #[arg(long, conflicts_with = "format")]
    json: bool,
}

impl OutputArgs {
    /// The format asked for: `--format`, else `--json`, else text.
    pub(crate) fn format(&self) -> Format {
        match (self.format, self.json) {
            (Some(format), _) => format,
            (None, true) => Format::Json,
            (None, false) => Format::Text,
        }
    }

    /// Whether a progress bar may be drawn: only for text asked for by default (never with
    /// `--json` or `--format`), and only when standard error is a terminal.
    pub(crate) fn progress(&self) -> bool {
        self.format.is_none() && !self.json && std::io::stderr().is_terminal()
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        output: OutputArgs,
    }

    #[test]
    fn json_is_an_alias_of_format_json_and_text_is_the_default() {
        let parse = |args: &[&str]| Cli::try_parse_from([&["connector"], args].concat());
        assert_eq!(parse(&[]).unwrap().output.format(), Format::Text);
        assert_eq!(parse(&["--json"]).unwrap().output.format(), Format::Json);
        assert_eq!(
            parse(&["--format", "sarif"]).unwrap().output.format(),
            Format::Sarif
        );
        assert!(parse(&["--json", "--format", "html"]).is_err());
        assert!(!parse(&["--format", "text"]).unwrap().output.progress());
        assert!(!parse(&["--json"]).unwrap().output.progress());
    }
}
