//! The simulation's time: a [`Clock`] and a [`Timer`] that agree. Two kinds:
//!
//! - [`TimeMode::Paused`]: tokio's clock. With tokio's time paused (`start_paused`), it moves
//!   only when every task waits on a timer, by exactly as much as the earliest one needs:
//!   minutes of schedule run in seconds. Faithful only when every store future is ready at
//!   once (the in-memory store): paused time also jumps while a task waits on I/O (a SQLite
//!   query on sqlx's worker thread, a Postgres round trip), so leases would expire during a
//!   query;
//! - [`TimeMode::Scaled`]: simulated time runs at `k` times wall time (the clock reads
//!   `origin + k × real elapsed`, the timer sleeps `d / k` of real time), for real stores.
//!   Faithful while the machine keeps up: anything that takes real time (a query, the CPU)
//!   takes `k` times as long in simulated time, so lag and latency figures include `k ×` the
//!   machine's own delays.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use connector_aws::{TokioClock, TokioTimer};
use connector_core::{BoxFuture, Clock, Timer};
use serde::Serialize;

/// Which time the simulation runs on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum TimeMode {
    /// Tokio's clock and timer; run inside a runtime with paused time (`start_paused`),
    /// with the in-memory store.
    Paused,
    /// Simulated time at this many times wall time, on real timers (any store).
    Scaled(f64),
}

/// The simulation's clock: reads the origin until [`start`](Self::start), then runs in the
/// chosen [`TimeMode`] from the origin. Setting up the fleet (records, roles) takes wall time
/// that must not count as simulated time.
#[derive(Debug)]
pub struct SimClock {
    origin: SystemTime,
    running: OnceLock<Arc<dyn Clock>>,
}

impl SimClock {
    /// A clock standing at `origin`.
    pub fn new(origin: SystemTime) -> SimClock {
        SimClock {
            origin,
            running: OnceLock::new(),
        }
    }

    /// Starts it in `mode` (once; later calls change nothing).
    pub fn start(&self, mode: TimeMode) {
        let clock: Arc<dyn Clock> = match mode {
            TimeMode::Paused => Arc::new(TokioClock::starting_at(self.origin)),
            TimeMode::Scaled(scale) => Arc::new(ScaledClock {
                origin: self.origin,
                start: Instant::now(),
                scale: clamp_scale(scale),
            }),
        };
        let _ = self.running.set(clock);
    }
}

impl Clock for SimClock {
    fn now(&self) -> SystemTime {
        self.running.get().map_or(self.origin, |clock| clock.now())
    }
}

/// The timer of `mode`.
pub fn timer(mode: TimeMode) -> Arc<dyn Timer> {
    match mode {
        TimeMode::Paused => Arc::new(TokioTimer),
        TimeMode::Scaled(scale) => Arc::new(ScaledTimer {
            scale: clamp_scale(scale),
        }),
    }
}

fn clamp_scale(scale: f64) -> f64 {
    if scale.is_finite() {
        scale.max(1.0)
    } else {
        1.0
    }
}

/// `origin + scale × (wall time since start)`.
#[derive(Debug, Clone, Copy)]
pub struct ScaledClock {
    origin: SystemTime,
    start: Instant,
    scale: f64,
}

impl Clock for ScaledClock {
    fn now(&self) -> SystemTime {
        self.origin + self.start.elapsed().mul_f64(self.scale)
    }
}

/// Sleeps `d / scale` of real time (tokio's timer).
#[derive(Debug, Clone, Copy)]
pub struct ScaledTimer {
    scale: f64,
}

impl Timer for ScaledTimer {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration.div_f64(self.scale)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
    }

    #[tokio::test(start_paused = true)]
    async fn paused_time_stands_until_started_then_moves_with_the_timer_only() {
        let clock = SimClock::new(origin());
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(clock.now(), origin());
        clock.start(TimeMode::Paused);
        timer(TimeMode::Paused)
            .sleep(Duration::from_secs(300))
            .await;
        assert_eq!(clock.now(), origin() + Duration::from_secs(300));
    }

    #[tokio::test]
    async fn scaled_time_runs_k_times_faster_than_the_wall() {
        let clock = SimClock::new(origin());
        clock.start(TimeMode::Scaled(50.0));
        let wall = Instant::now();
        timer(TimeMode::Scaled(50.0))
            .sleep(Duration::from_secs(5))
            .await;
        let simulated = clock.now().duration_since(origin()).unwrap();
        assert!(wall.elapsed() >= Duration::from_millis(100));
        assert!(simulated >= Duration::from_secs(5), "{simulated:?}");
        assert!(simulated < Duration::from_secs(15), "{simulated:?}");
    }
}
