//! Shared input and output plumbing: reading a policy file (or standard input) and printing
//! JSON.

use std::path::Path;

use serde::Serialize;

use crate::exit::Outcome;

/// Reads `file`, or standard input for `-`; an unreadable file is bad input naming `FILE`.
pub(crate) fn read_file(file: &Path) -> Result<String, Outcome> {
    let result = if file == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(file)
    };
    result.map_err(|e| Outcome::BadInput(format!("FILE {}: cannot read it: {e}", file.display())))
}

/// Reads and parses a policy document; unreadable or unparsable input is bad input naming
/// `FILE`.
pub(crate) fn read_policy(file: &Path) -> Result<(String, iam_policy::PolicyDocument), Outcome> {
    let text = read_file(file)?;
    match text.parse() {
        Ok(doc) => Ok((text, doc)),
        Err(e) => Err(Outcome::BadInput(format!("FILE {}: {e}", file.display()))),
    }
}

/// Prints `value` as indented JSON on standard output.
pub(crate) fn print_json<T: Serialize + ?Sized>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot render JSON: {e}"),
    }
}
