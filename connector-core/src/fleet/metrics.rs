//! The fleet's metrics, through the `metrics` facade (the product installs the exporter:
//! Prometheus, StatsD, …; without one they cost next to nothing). Names and labels are in the
//! fleet module's documentation.

use std::time::Duration;

use crate::{ConnectionState, ProviderErrorKind, QueueStats};

use crate::CheckOutcome;

/// Counts a check.
pub(crate) fn check(outcome: CheckOutcome, took: Duration) {
    metrics::counter!("connector_fleet_checks_total", "outcome" => outcome.name()).increment(1);
    metrics::histogram!("connector_fleet_check_seconds").record(took.as_secs_f64());
}

/// Counts an STS call and its latency.
pub(crate) fn sts_call(operation: &'static str, took: Duration, error: Option<ProviderErrorKind>) {
    let result = match error {
        None => "ok",
        Some(ProviderErrorKind::Throttled) => "throttled",
        Some(kind) if kind.is_customer_refusal() => "refused",
        Some(_) => "error",
    };
    metrics::counter!("connector_fleet_sts_calls_total", "operation" => operation, "result" => result)
        .increment(1);
    metrics::histogram!("connector_fleet_sts_latency_seconds", "operation" => operation)
        .record(took.as_secs_f64());
}

/// Publishes a queue snapshot.
pub(crate) fn queue(stats: &QueueStats, lag: Duration) {
    for state in ConnectionState::ALL {
        metrics::gauge!("connector_fleet_connections", "state" => state.name())
            .set(stats.count(state) as f64);
    }
    metrics::gauge!("connector_fleet_due").set(stats.due() as f64);
    metrics::gauge!("connector_fleet_queue_lag_seconds").set(lag.as_secs_f64());
}

/// Counts takeovers of expired leases.
pub(crate) fn takeovers(count: u64) {
    if count > 0 {
        metrics::counter!("connector_fleet_lease_takeovers_total").increment(count);
    }
}

/// Counts a lease lost before its check finished.
pub(crate) fn lease_lost() {
    metrics::counter!("connector_fleet_leases_lost_total").increment(1);
}

/// Counts a state change a subscriber could not take.
pub(crate) fn event_dropped() {
    metrics::counter!("connector_fleet_events_dropped_total").increment(1);
}
