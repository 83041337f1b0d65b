//! tokio's clock for the fleet tests (the tokio driver in `connector-aws` cannot be a
//! dev-dependency of this crate): a `Clock` that follows tokio's possibly paused time, and a
//! `Timer` that sleeps on it.

#![allow(dead_code, reason = "not every test file uses both")]

use std::time::{Duration, SystemTime};

use connector_core::{BoxFuture, Clock, Timer};

/// Follows tokio's (paused) clock, from 1_800_000_000 s after the Unix epoch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokioClock {
    origin: SystemTime,
    start: tokio::time::Instant,
}

impl TokioClock {
    /// A clock starting now (in tokio's time).
    pub(crate) fn new() -> TokioClock {
        TokioClock {
            origin: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
            start: tokio::time::Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> SystemTime {
        self.origin + self.start.elapsed()
    }
}

/// Sleeps with `tokio::time::sleep`.
#[derive(Debug)]
pub(crate) struct TokioTimer;

impl Timer for TokioTimer {
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(d))
    }
}
