//! `SimConfig`: the simulated fleet and what happens to it.

use std::time::Duration;

use serde::Serialize;

use super::SimError;
use super::time::TimeMode;

/// The simulation's settings. [`Default`] is the fleet: 100,000 connections checked
/// every 5 minutes by 4 workers in one process under 400 STS calls a second, AssumeRole
/// taking 20–80 ms, 1,000 roles revoked, one worker killed mid-interval, three intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimConfig {
    /// Connections, all `Active`.
    pub connections: usize,
    /// Workers, in this process, sharing one rate limiter.
    pub workers: usize,
    /// The health-check interval.
    pub interval: Duration,
    /// The STS rate limit shared by the workers, calls a second.
    pub rate: f64,
    /// The limiter's burst (`None`: the library default, a tenth of the rate).
    pub burst: Option<f64>,
    /// AssumeRole latency, drawn uniformly from this range per call.
    pub latency: (Duration, Duration),
    /// Roles deleted at random moments (in the first `intervals − 1` intervals, so each has a
    /// full interval to be noticed).
    pub revocations: usize,
    /// When one worker is killed, from the start (`None`: never).
    pub kill_at: Option<Duration>,
    /// When one more role is deleted and checked at once with `check_now` (`None`: never).
    pub check_now_at: Option<Duration>,
    /// How long the run lasts, in intervals.
    pub intervals: u32,
    /// Checks in flight per worker.
    pub concurrency: usize,
    /// The lease of a claim.
    pub lease: Duration,
    /// How often a worker with nothing due asks again.
    pub poll: Duration,
    /// How much later than the interval a check may come and still count as on time.
    pub tolerance: Duration,
    /// The seed of every random choice (External IDs, latencies, revocations).
    pub seed: u64,
    /// Paused tokio time (in-memory store) or time scaled from the wall (real stores).
    pub time: TimeMode,
    /// Measure resident memory (and calibrate the in-memory STS's own growth per call).
    pub measure_memory: bool,
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            connections: 100_000,
            workers: 4,
            interval: Duration::from_secs(300),
            rate: 400.0,
            burst: None,
            latency: (Duration::from_millis(20), Duration::from_millis(80)),
            revocations: 1_000,
            // Mid-interval, 50 ms after the workers' whole-second claims: checks in flight.
            kill_at: Some(Duration::from_millis(450_050)),
            check_now_at: Some(Duration::from_secs(375)),
            intervals: 3,
            concurrency: 32,
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(1),
            tolerance: Duration::from_secs(10),
            seed: 15,
            time: TimeMode::Paused,
            measure_memory: false,
        }
    }
}

impl SimConfig {
    /// The run's length in simulated time.
    pub fn duration(&self) -> Duration {
        self.interval.saturating_mul(self.intervals)
    }

    /// Checks the settings against each other.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.connections == 0 || self.connections > 9_999_999 {
            return Err(SimError::config("connections", "1 to 9,999,999"));
        }
        if self.workers == 0 {
            return Err(SimError::config("workers", "at least 1"));
        }
        if self.interval < Duration::from_secs(1) {
            return Err(SimError::config("interval", "at least one second"));
        }
        if self.intervals == 0 || self.intervals > 100 {
            return Err(SimError::config("intervals", "1 to 100"));
        }
        if self.latency.0 > self.latency.1 {
            return Err(SimError::config(
                "latency",
                "the minimum is at most the maximum",
            ));
        }
        if self.revocations > 0 && self.intervals < 2 {
            return Err(SimError::config(
                "revocations",
                "need at least 2 intervals (each revocation gets a full interval to be noticed)",
            ));
        }
        let extra = usize::from(self.check_now_at.is_some());
        if self.revocations + extra > self.connections {
            return Err(SimError::config(
                "revocations",
                "at most the number of connections (one more with check_now)",
            ));
        }
        if self.kill_at.is_some() && self.workers < 2 {
            return Err(SimError::config(
                "kill_at",
                "needs at least 2 workers (the others take over)",
            ));
        }
        let within = |at: Option<Duration>| at.is_none_or(|at| at < self.duration());
        if !within(self.kill_at) {
            return Err(SimError::config("kill_at", "before the end of the run"));
        }
        if !within(self.check_now_at) {
            return Err(SimError::config(
                "check_now_at",
                "before the end of the run",
            ));
        }
        if let TimeMode::Scaled(scale) = self.time
            && !(scale.is_finite() && scale >= 1.0)
        {
            return Err(SimError::config("time", "a scale of at least 1"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_valid_and_bad_settings_name_their_field() {
        assert_eq!(SimConfig::default().validate(), Ok(()));
        let one_worker = SimConfig {
            workers: 1,
            ..SimConfig::default()
        };
        assert!(matches!(
            one_worker.validate(),
            Err(SimError::Config {
                field: "kill_at",
                ..
            })
        ));
        let one_interval = SimConfig {
            intervals: 1,
            kill_at: None,
            check_now_at: None,
            ..SimConfig::default()
        };
        assert!(matches!(
            one_interval.validate(),
            Err(SimError::Config {
                field: "revocations",
                ..
            })
        ));
    }
}
