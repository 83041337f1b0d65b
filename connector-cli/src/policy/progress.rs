//! The progress bar of a batch policy command: on standard error, only when it is a terminal
//! and the text output was asked for by default (see [`OutputArgs::progress`]), and only once
//! the batch has taken more than a moment, so a single file never flickers a bar.
//!
//! [`OutputArgs::progress`]: super::format::OutputArgs::progress

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a batch runs before its bar appears.
const SHOW_AFTER: Duration = Duration::from_millis(300);

/// A progress bar that stays hidden until [`SHOW_AFTER`] has passed.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: bool,
}

impl Progress {
    /// A bar over `total` documents; `enabled` false gives one that never draws.
    pub(crate) fn new(total: usize, enabled: bool) -> Progress {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(u64::try_from(total).unwrap_or(u64::MAX)),
                ProgressDrawTarget::hidden(),
            );
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} policies {elapsed} {msg}")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            shown: false,
        }
    }

    /// One more document done.
    pub(crate) fn inc(&mut self) {
        let Some(bar) = &self.bar else { return };
        if !self.shown && self.started.elapsed() >= SHOW_AFTER {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        bar.inc(1);
    }

    /// Removes the bar, before the results are printed.
    pub(crate) fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }

    /// Whether the bar has been drawn (for tests).
    #[cfg(test)]
    fn shown(&self) -> bool {
        self.shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_appears_only_after_a_moment_and_never_when_disabled() {
        let mut quick = Progress::new(3, true);
        quick.inc();
        assert!(!quick.shown());
        quick.finish();

        let mut slow = Progress::new(3, true);
        slow.started = Instant::now() - SHOW_AFTER;
        slow.inc();
        assert!(slow.shown());
        slow.finish();

        let mut disabled = Progress::new(3, false);
        disabled.started = Instant::now() - SHOW_AFTER;
        disabled.inc();
        assert!(!disabled.shown());
        disabled.finish();
    }
}
