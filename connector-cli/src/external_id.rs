//! `connector external-id generate`: a new External ID from the operating system's CSPRNG.

use clap::Subcommand;
use serde::Serialize;
use trust_policy::{ExternalId, TrustPolicyError};

use crate::exit::Outcome;
use crate::output::{outln, print_json};

#[derive(Debug, Subcommand)]
pub(crate) enum ExternalIdCommand {
    /// Generate a random External ID: letters and digits from the OS CSPRNG (32 characters,
    /// about 190 bits, unless --length says otherwise).
    ///
    /// Text output is the id alone on one line. With --json: `external_id` (the id) and
    /// `length` (its length in characters).
    Generate {
        /// Characters in the id, 16 to 1,224.
        #[arg(long, value_name = "N")]
        length: Option<usize>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// The `--json` output of `external-id generate`.
#[derive(Debug, Serialize)]
struct Generated {
    /// The new External ID.
    external_id: ExternalId,
    /// Its length in characters.
    length: usize,
}

pub(crate) fn run(command: ExternalIdCommand) -> Outcome {
    match command {
        ExternalIdCommand::Generate { length, json } => generate(length, json),
    }
}

fn generate(length: Option<usize>, json: bool) -> Outcome {
    let result = match length {
        Some(len) => ExternalId::generate_with_len(len),
        None => ExternalId::generate(),
    };
    let external_id = match result {
        Ok(id) => id,
        Err(e @ TrustPolicyError::InvalidValue { .. }) => {
            return Outcome::BadInput(format!("--length: {e}"));
        }
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    if json {
        let length = external_id.as_str().len();
        print_json(&Generated {
            external_id,
            length,
        });
    } else {
        outln!("{external_id}");
    }
    Outcome::Ok
}
