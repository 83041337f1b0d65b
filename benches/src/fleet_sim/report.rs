//! `SimReport`: the simulation's figures, which of them are simulated time and which wall
//! time, and the targets of issue 15 each was held to ([`SimReport::failures`]).

use std::time::Duration;

use serde::Serialize;

use super::config::SimConfig;
use super::observe::CheckFindings;

/// The STS calls, counted by the simulated STS on the millisecond of simulated time each
/// reached it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StsFigures {
    /// Calls.
    pub calls: u64,
    /// The configured limit, calls a second.
    pub limit: f64,
    /// The most calls in one second `[s, s + 1)` of simulated time.
    pub max_per_second: u64,
    /// Which second that was, from the start.
    pub busiest_second: u64,
    /// The most calls in any 1-second window sliding by the millisecond (what the limit
    /// bounds: the bucket refills at the limit minus its burst).
    pub max_per_sliding_second: u64,
    /// Calls per second over the run.
    pub mean_per_second: f64,
}

/// The killed worker and who took its connections over.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KillFigures {
    /// When, simulated milliseconds from the start.
    pub at_ms: i64,
    /// Which worker.
    pub worker: String,
    /// Checks it had in flight (claimed, not finished) when killed.
    pub in_flight: usize,
    /// Checks that took over an expired lease.
    pub takeovers: u64,
    /// The longest a taken-over connection waited after the kill, simulated milliseconds.
    pub takeover_after_kill_ms_max: Option<i64>,
    /// The lease, milliseconds.
    pub lease_ms: u64,
}

/// One more role deleted, then `FleetWorker::check_now`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckNowFigures {
    /// The connection.
    pub connection: String,
    /// Its state after the check.
    pub state: String,
    /// Simulated milliseconds from the call to the answer.
    pub simulated_ms: f64,
    /// Wall milliseconds from the call to the answer.
    pub wall_ms: f64,
}

/// Resident memory (RSS, bytes) at each step. Memory runs answer AssumeRole from the
/// [`TableSts`](super::TableSts), which keeps nothing per call, so the run's growth is what
/// the vendor's side (workers, connector, runtime, store leases) added.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemoryFigures {
    /// Before anything was set up.
    pub rss_start: u64,
    /// After the records were written and scheduled.
    pub rss_after_store: u64,
    /// After the customers' side (the table of External IDs).
    pub rss_after_customers: u64,
    /// After the observer's and the call log's fixed arrays, just before the workers start.
    pub rss_run_start: u64,
    /// At the end of each interval.
    pub rss_per_interval: Vec<u64>,
    /// At the end of the run, before the workers stop.
    pub rss_run_end: u64,
    /// The peak.
    pub rss_peak: u64,
    /// (after store − start) / connections: the store's own data.
    pub store_bytes_per_connection: f64,
    /// (after customers − after store) / connections: the simulated customers' side.
    pub customers_bytes_per_connection: f64,
    /// run end − run start: what the workers, the connector and the runtime added.
    pub run_growth: i64,
    /// `run_growth` / connections.
    pub run_growth_per_connection: f64,
    /// `run_growth` / workers.
    pub run_growth_per_worker: f64,
}

/// Everything one simulation measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimReport {
    /// The settings.
    pub config: SimConfig,
    /// Connections scheduled on their phase before the run.
    pub scheduled: u64,
    /// Simulated seconds the run lasted.
    pub simulated_seconds: f64,
    /// Wall seconds the run took (setup excluded).
    pub wall_seconds: f64,
    /// Wall seconds the setup took (records, schedule, roles).
    pub setup_wall_seconds: f64,
    /// What the observer found (simulated time).
    pub checks: CheckFindings,
    /// STS calls (simulated time).
    pub sts: StsFigures,
    /// The kill, if any.
    pub kill: Option<KillFigures>,
    /// The check now, if any.
    pub check_now: Option<CheckNowFigures>,
    /// Memory, when measured.
    pub memory: Option<MemoryFigures>,
    /// Store failures the workers counted.
    pub store_errors: u64,
}

impl SimReport {
    /// The targets of issue 15 this run missed (empty: all met).
    pub fn failures(&self) -> Vec<String> {
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let interval = ms(self.config.interval);
        let tolerance = ms(self.config.tolerance);
        let mut failures = Vec::new();
        let c = &self.checks;
        if c.doubles > 0 {
            failures.push(format!(
                "{} connections checked twice in an interval",
                c.doubles
            ));
        }
        if c.missed > 0 {
            failures.push(format!("{} intervals missed", c.missed));
        }
        if c.leases_lost > 0 {
            failures.push(format!(
                "{} leases lost before the check finished",
                c.leases_lost
            ));
        }
        if self.sts.max_per_sliding_second as f64 > self.sts.limit {
            failures.push(format!(
                "{} STS calls in one (sliding) second, above the limit of {}",
                self.sts.max_per_sliding_second, self.sts.limit
            ));
        }
        if c.lag_ms.p99 >= 10_000 {
            failures.push(format!("queue lag p99 {} ms, not under 10 s", c.lag_ms.p99));
        }
        if self.config.revocations > 0 {
            let d = &c.detection_ms;
            if d.count < self.config.revocations as u64 || c.undetected > 0 {
                failures.push(format!(
                    "{} of {} revocations detected ({} undetected)",
                    d.count, self.config.revocations, c.undetected
                ));
            }
            if d.p50 > interval / 2 {
                failures.push(format!(
                    "detection p50 {} ms above half the interval",
                    d.p50
                ));
            }
            if d.p99 > interval + tolerance {
                failures.push(format!(
                    "detection p99 {} ms above the interval + {} ms",
                    d.p99, tolerance
                ));
            }
        }
        if let Some(now) = &self.check_now {
            if now.state != "Disconnected" {
                failures.push(format!("check_now left the connection {}", now.state));
            }
            if now.simulated_ms >= 1_000.0 || now.wall_ms >= 1_000.0 {
                failures.push(format!(
                    "check_now took {} ms simulated, {} ms wall (not under 1 s)",
                    now.simulated_ms, now.wall_ms
                ));
            }
        }
        if let Some(kill) = &self.kill {
            if kill.in_flight > 0 && kill.takeovers == 0 {
                failures.push("the killed worker's connections were never taken over".into());
            }
            let bound = i64::try_from(kill.lease_ms).unwrap_or(i64::MAX) + ms(self.config.poll);
            if kill
                .takeover_after_kill_ms_max
                .is_some_and(|after| after > bound)
            {
                failures.push(format!(
                    "a taken-over connection waited {:?} ms after the kill (lease + poll: {bound} ms)",
                    kill.takeover_after_kill_ms_max
                ));
            }
        }
        failures
    }
}

impl std::fmt::Display for SimReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cfg = &self.config;
        let c = &self.checks;
        writeln!(
            f,
            "fleet: {} connections, {} workers, interval {:?}, {} intervals, rate limit {}/s, AssumeRole {:?}–{:?}, time {:?}",
            cfg.connections,
            cfg.workers,
            cfg.interval,
            cfg.intervals,
            cfg.rate,
            cfg.latency.0,
            cfg.latency.1,
            cfg.time
        )?;
        writeln!(
            f,
            "run: {:.0} s simulated in {:.1} s wall (setup {:.1} s wall)",
            self.simulated_seconds, self.wall_seconds, self.setup_wall_seconds
        )?;
        writeln!(f, "[simulated time]")?;
        writeln!(
            f,
            "  checks with a verdict: {} ({:?}); by worker {:?}",
            c.checks, c.outcomes, c.per_worker
        )?;
        writeln!(
            f,
            "  exactly once: {} doubles, {} missed, {} leases lost, {} store errors",
            c.doubles, c.missed, c.leases_lost, self.store_errors
        )?;
        for example in &c.examples {
            writeln!(f, "    {example}")?;
        }
        writeln!(
            f,
            "  STS: {} calls, {:.1}/s mean, max {} in one second (second {}), max {} in a sliding second (limit {}/s)",
            self.sts.calls,
            self.sts.mean_per_second,
            self.sts.max_per_second,
            self.sts.busiest_second,
            self.sts.max_per_sliding_second,
            self.sts.limit
        )?;
        writeln!(
            f,
            "  queue lag (started − due): p50 {} ms, p99 {} ms, max {} ms over {} checks",
            c.lag_ms.p50, c.lag_ms.p99, c.lag_ms.max, c.lag_ms.count
        )?;
        writeln!(
            f,
            "  check duration (finished − started, rate-limit waits included): p50 {} ms, p99 {} ms, max {} ms",
            c.check_ms.p50, c.check_ms.p99, c.check_ms.max
        )?;
        writeln!(
            f,
            "  detection of {} revocations: p50 {:.1} s, p99 {:.1} s, max {:.1} s ({} undetected)",
            c.detection_ms.count,
            c.detection_ms.p50 as f64 / 1e3,
            c.detection_ms.p99 as f64 / 1e3,
            c.detection_ms.max as f64 / 1e3,
            c.undetected
        )?;
        if let Some(kill) = &self.kill {
            writeln!(
                f,
                "  kill {} at {:.1} s: {} in flight, {} taken over, the last {:.1} s after the kill (lease {:.0} s)",
                kill.worker,
                kill.at_ms as f64 / 1e3,
                kill.in_flight,
                kill.takeovers,
                kill.takeover_after_kill_ms_max.unwrap_or(0) as f64 / 1e3,
                kill.lease_ms as f64 / 1e3
            )?;
        }
        if let Some(now) = &self.check_now {
            writeln!(
                f,
                "  check_now after a revocation: {} in {:.1} ms simulated, {:.3} ms wall",
                now.state, now.simulated_ms, now.wall_ms
            )?;
        }
        if let Some(m) = &self.memory {
            writeln!(
                f,
                "[memory, resident (RSS), AssumeRole answered by the table STS]"
            )?;
            writeln!(
                f,
                "  store {:.0} B/connection, customers' table {:.0} B/connection",
                m.store_bytes_per_connection, m.customers_bytes_per_connection
            )?;
            writeln!(
                f,
                "  run: {} at the start, {:?} at the end of each interval, peak {}",
                m.rss_run_start, m.rss_per_interval, m.rss_peak
            )?;
            writeln!(
                f,
                "  added while running: {} bytes = {:.1} B/connection, {:.0} B/worker",
                m.run_growth, m.run_growth_per_connection, m.run_growth_per_worker
            )?;
        }
        let failures = self.failures();
        if failures.is_empty() {
            writeln!(f, "targets: all met")
        } else {
            writeln!(f, "targets missed:")?;
            for failure in failures {
                writeln!(f, "  {failure}")?;
            }
            Ok(())
        }
    }
}
