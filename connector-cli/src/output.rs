//! Shared input and output plumbing: reading a policy file (or standard input), and writing
//! to standard output through [`out!`] / [`outln!`], which end the process quietly when the
//! reader has gone away (`connector policy audit … | head`).
//!
//! Rust ignores `SIGPIPE`, so a write to a closed pipe fails with `BrokenPipe`, and
//! `println!` turns that failure into a panic with a backtrace. Every command writes through
//! this module instead; a closed pipe ends the process at once, with no message and exit
//! status 141, what a shell reports for a process killed by `SIGPIPE` (128 + 13). That status
//! is not 0 on purpose: the verdict was never delivered, so a pipeline under `set -o pipefail`
//! must not read it as "all is well".

use std::fmt;
use std::io::{ErrorKind, Write};
use std::path::Path;

use serde::Serialize;

use crate::exit::Outcome;

/// The exit status after the reader of standard output went away: 128 + `SIGPIPE` (13).
pub(crate) const BROKEN_PIPE_STATUS: i32 = 141;

/// Writes to standard output like `print!`, ending the process quietly on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_stdout(::std::format_args!($($arg)*))
    };
}

/// Writes a line to standard output like `println!`, ending the process quietly on a closed
/// pipe.
macro_rules! outln {
    () => {
        $crate::output::write_stdout(::std::format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write_stdout(::std::format_args!("{}\n", ::std::format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};

/// Writes `args` to standard output. A closed pipe ends the process with
/// [`BROKEN_PIPE_STATUS`] and no message; any other write error ends it with status 1 and
/// the error on standard error (the output is incomplete, so the verdict must not be read).
pub(crate) fn write_stdout(args: fmt::Arguments<'_>) {
    let result = std::io::stdout().lock().write_fmt(args);
    if let Err(error) = result {
        stdout_failed(&error);
    }
}

/// Flushes standard output, with the same handling of a closed pipe as [`write_stdout`].
pub(crate) fn flush_stdout() {
    if let Err(error) = std::io::stdout().lock().flush() {
        stdout_failed(&error);
    }
}

fn stdout_failed(error: &std::io::Error) -> ! {
    if error.kind() == ErrorKind::BrokenPipe {
        std::process::exit(BROKEN_PIPE_STATUS);
    }
    // Standard error may be gone too; nothing more can be done then.
    let _ = writeln!(
        std::io::stderr(),
        "error: cannot write to standard output: {error}"
    );
    std::process::exit(1);
}

/// Whether a panic's payload is `print!`'s report of a closed pipe (the message of std's
/// `_print`: "failed printing to stdout: Broken pipe (os error 32)"). The panic hook in
/// `main` ends such a panic quietly, for any `println!` left outside this module.
pub(crate) fn is_broken_pipe_panic(payload: &str) -> bool {
    payload.starts_with("failed printing to stdout") && payload.contains("Broken pipe")
}

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

/// Prints `value` as indented JSON on standard output, streamed through a buffer (a batch's
/// report can be tens of megabytes), with the same handling of a closed pipe as
/// [`write_stdout`].
pub(crate) fn print_json<T: Serialize + ?Sized>(value: &T) {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value);
    let result = match written {
        Ok(()) => out.write_all(b"\n").and_then(|()| out.flush()),
        Err(e) if e.is_io() => Err(std::io::Error::from(e)),
        Err(e) => {
            eprintln!("error: cannot render JSON: {e}");
            return;
        }
    };
    if let Err(error) = result {
        stdout_failed(&error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_closed_pipe_panic_of_print_is_recognised() {
        assert!(is_broken_pipe_panic(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(!is_broken_pipe_panic(
            "failed printing to stdout: No space left on device (os error 28)"
        ));
        assert!(!is_broken_pipe_panic("Broken pipe"));
    }
}
