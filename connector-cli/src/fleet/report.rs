//! What `connector fleet` prints: the fleet's figures (a status line, or one JSON object per
//! line), each state change, and a check's verdict. Nothing printed carries a secret or an
//! External ID: state changes carry the diagnosis code only, and a check's diagnosis message
//! is printed with the connection's External ID masked, should an error message ever quote
//! it.
//!
//! The JSON objects (one per line with `fleet run --json`; field names are stable):
//!
//! - `{"type":"status", …figures}` every `--status-every`, and `{"type":"summary",
//!   "stopped_by":"signal"|"duration", …figures}` once at the end, where the figures are
//!   `elapsed_s` (seconds since the start), `workers`, `checked` (checks finished since the
//!   start), `checks` (that count by outcome: `healthy`, `refused`, `failed`,
//!   `inconclusive`, `not_checked`, `superseded`), `in_flight`, `due` (connections due and
//!   not leased, `null` until the queue was first read), `leased`, `lag_s` (how late the
//!   oldest due check is), `states` (connections per state: `pending`, `verifying`,
//!   `active`, `degraded`, `disconnected`, `removed`; `null` until the queue was first
//!   read), `takeovers` (expired leases of other workers taken over), `leases_lost`,
//!   `store_errors`, `last_error` (or `null`), `events_dropped` (state changes not printed
//!   because the printer fell behind);
//! - `{"type":"state_change","id":…,"from":…,"to":…,"diagnosis":"CODE"|null,"at":RFC 3339,
//!   "revision":N}` for each state change.
//!
//! `fleet check --json` prints one object: `id`, `outcome`, `state_before`, `state_after`,
//! `changed_state`, `revision`, `diagnosis` (`null`, or `code`, `severity`, `message`,
//! `remediation`).

use std::time::Duration;

use connector_core::{
    CheckOutcome, ConnectionState, HealthCheck, QueueStats, StateChange, Timestamp, WorkerStatus,
};
use serde_json::{Map, Value, json};

use super::duration::show;
use crate::output::outln;

/// The figures of every worker of this process, added up.
#[derive(Debug, Clone, Default)]
pub(crate) struct Figures {
    /// Since the start.
    pub(crate) elapsed: Duration,
    /// Workers.
    pub(crate) workers: usize,
    /// The sum of the workers' figures (the queue and lag as the freshest worker saw them).
    pub(crate) total: WorkerStatus,
    /// State changes dropped by the subscriber.
    pub(crate) events_dropped: u64,
}

impl Figures {
    /// Adds up `statuses`: counters summed; the queue of the first worker that read it (all
    /// read the same store); the largest lag.
    pub(crate) fn of(statuses: &[WorkerStatus], elapsed: Duration, events_dropped: u64) -> Self {
        let mut total = WorkerStatus::default();
        for status in statuses {
            for (sum, n) in total.checks.iter_mut().zip(status.checks) {
                *sum += n;
            }
            total.in_flight += status.in_flight;
            total.takeovers += status.takeovers;
            total.leases_lost += status.leases_lost;
            total.store_errors += status.store_errors;
            if status.last_error.is_some() {
                total.last_error.clone_from(&status.last_error);
            }
            if total.queue.is_none() {
                total.queue.clone_from(&status.queue);
            }
            total.lag = total.lag.max(status.lag);
        }
        Figures {
            elapsed,
            workers: statuses.len(),
            total,
            events_dropped,
        }
    }

    /// The JSON object, with `type` set to `kind`.
    pub(crate) fn json(&self, kind: &str) -> Map<String, Value> {
        let t = &self.total;
        let checks: Map<String, Value> = CheckOutcome::ALL
            .iter()
            .map(|o| (o.name().to_owned(), json!(t.count(*o))))
            .collect();
        let queue = t.queue.as_ref();
        let mut object = Map::new();
        object.insert("type".into(), json!(kind));
        object.insert("elapsed_s".into(), json!(seconds(self.elapsed)));
        object.insert("workers".into(), json!(self.workers));
        object.insert("checked".into(), json!(t.checked()));
        object.insert("checks".into(), Value::Object(checks));
        object.insert("in_flight".into(), json!(t.in_flight));
        object.insert("due".into(), json!(queue.map(QueueStats::due)));
        object.insert("leased".into(), json!(queue.map(QueueStats::leased)));
        object.insert("lag_s".into(), json!(seconds(t.lag)));
        object.insert("states".into(), queue.map_or(Value::Null, states_json));
        object.insert("takeovers".into(), json!(t.takeovers));
        object.insert("leases_lost".into(), json!(t.leases_lost));
        object.insert("store_errors".into(), json!(t.store_errors));
        object.insert("last_error".into(), json!(t.last_error));
        object.insert("events_dropped".into(), json!(self.events_dropped));
        object
    }

    /// The one-line status.
    pub(crate) fn line(&self) -> String {
        let t = &self.total;
        let mut outcomes: Vec<String> = Vec::new();
        for outcome in CheckOutcome::ALL {
            let n = t.count(outcome);
            // The four verdicts always; the rest when they happened.
            let always = matches!(
                outcome,
                CheckOutcome::Healthy
                    | CheckOutcome::Refused
                    | CheckOutcome::Failed
                    | CheckOutcome::Inconclusive
            );
            if always || n > 0 {
                outcomes.push(format!("{} {n}", outcome.name()));
            }
        }
        let mut line = format!(
            "[{}] checked {} ({}), in flight {}",
            show(Duration::from_secs(self.elapsed.as_secs())),
            t.checked(),
            outcomes.join(", "),
            t.in_flight
        );
        match &t.queue {
            Some(queue) => {
                line.push_str(&format!(
                    " | due {}, leased {}, lag {}",
                    queue.due(),
                    queue.leased(),
                    show(Duration::from_millis(
                        u64::try_from(t.lag.as_millis()).unwrap_or(u64::MAX)
                    ))
                ));
                let states: Vec<String> = queue
                    .states()
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(state, n)| format!("{} {n}", state.name()))
                    .collect();
                line.push_str(" | ");
                line.push_str(&if states.is_empty() {
                    "no connections".to_owned()
                } else {
                    states.join(", ")
                });
            }
            None => line.push_str(" | queue not read yet"),
        }
        if t.takeovers > 0 || t.leases_lost > 0 {
            line.push_str(&format!(
                " | takeovers {}, leases lost {}",
                t.takeovers, t.leases_lost
            ));
        }
        if t.store_errors > 0 {
            line.push_str(&format!(" | store errors {}", t.store_errors));
            if let Some(error) = &t.last_error {
                line.push_str(&format!(" (last: {error})"));
            }
        }
        if self.events_dropped > 0 {
            line.push_str(&format!(
                " | state changes not shown {}",
                self.events_dropped
            ));
        }
        line
    }

    /// Prints the figures: a JSON line of type `kind`, or the status line.
    pub(crate) fn print(&self, kind: &str, json: bool) {
        if json {
            outln!("{}", Value::Object(self.json(kind)));
        } else {
            outln!("{}", self.line());
        }
    }
}

/// Every state's count, zeros included.
fn states_json(queue: &QueueStats) -> Value {
    let states: Map<String, Value> = ConnectionState::ALL
        .iter()
        .map(|s| (s.name().to_owned(), json!(queue.count(*s))))
        .collect();
    Value::Object(states)
}

/// Seconds, to the millisecond.
fn seconds(duration: Duration) -> f64 {
    let millis = u32::try_from(duration.as_millis()).map_or(f64::from(u32::MAX), f64::from);
    millis / 1_000.0
}

/// A state change as JSON (the diagnosis code alone: its message is not needed to follow
/// the fleet, and a code never quotes anything).
pub(crate) fn change_json(change: &StateChange) -> Value {
    json!({
        "type": "state_change",
        "id": change.id().as_str(),
        "from": change.from().name(),
        "to": change.to().name(),
        "diagnosis": change.diagnosis().map(|d| d.code().to_string()),
        "at": Timestamp::from_system(change.at()).to_string(),
        "revision": change.revision(),
    })
}

/// A state change as a line.
pub(crate) fn change_line(change: &StateChange) -> String {
    let mut line = format!(
        "{} {}: {} -> {}",
        Timestamp::from_system(change.at()),
        change.id(),
        change.from().name(),
        change.to().name()
    );
    if let Some(diagnosis) = change.diagnosis() {
        line.push_str(&format!(" ({})", diagnosis.code()));
    }
    line
}

/// Prints a state change.
pub(crate) fn print_change(change: &StateChange, json: bool) {
    if json {
        outln!("{}", change_json(change));
    } else {
        outln!("{}", change_line(change));
    }
}

/// `text` with every occurrence of `secret` masked.
pub(crate) fn mask(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_owned();
    }
    text.replace(secret, "[external id]")
}

/// A check's verdict as JSON.
pub(crate) fn check_json(check: &HealthCheck) -> Value {
    let connection = check.connection();
    let secret = connection.external_id().as_str();
    json!({
        "id": connection.id().as_str(),
        "outcome": check.outcome().name(),
        "state_before": check.state_before().name(),
        "state_after": connection.state().name(),
        "changed_state": check.changed_state(),
        "revision": connection.revision(),
        "diagnosis": check.diagnosis().map(|d| json!({
            "code": d.code().to_string(),
            "severity": d.severity().to_string(),
            "message": mask(d.message(), secret),
            "remediation": mask(d.remediation(), secret),
        })),
    })
}

/// Prints a check's verdict.
pub(crate) fn print_check(check: &HealthCheck, json: bool) {
    if json {
        outln!("{:#}", check_json(check));
        return;
    }
    let connection = check.connection();
    let secret = connection.external_id().as_str();
    outln!("connection: {}", connection.id());
    outln!("outcome:    {}", check.outcome());
    outln!(
        "state:      {} -> {}{}",
        check.state_before().name(),
        connection.state().name(),
        if check.changed_state() {
            ""
        } else {
            " (unchanged)"
        }
    );
    if let Some(diagnosis) = check.diagnosis() {
        outln!(
            "diagnosis:  {} {}",
            diagnosis.code(),
            mask(diagnosis.message(), secret)
        );
        outln!("fix:        {}", mask(diagnosis.remediation(), secret));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(healthy: u64, refused: u64, queue: Option<QueueStats>) -> WorkerStatus {
        WorkerStatus {
            checks: [healthy, refused, 0, 0, 0, 0],
            in_flight: 1,
            queue,
            lag: Duration::from_millis(1_500),
            ..WorkerStatus::default()
        }
    }

    #[test]
    fn figures_add_up_the_workers_and_keep_every_field() {
        let queue = QueueStats::new(
            4,
            Some(1_000),
            2,
            [
                (ConnectionState::Active, 7),
                (ConnectionState::Disconnected, 1),
            ],
        );
        let figures = Figures::of(
            &[status(3, 1, None), status(2, 0, Some(queue))],
            Duration::from_millis(5_250),
            0,
        );
        let object = figures.json("status");
        assert_eq!(object["type"], "status");
        assert_eq!(object["checked"], 6);
        assert_eq!(object["checks"]["healthy"], 5);
        assert_eq!(object["checks"]["refused"], 1);
        assert_eq!(object["checks"]["superseded"], 0);
        assert_eq!(object["in_flight"], 2);
        assert_eq!(object["due"], 4);
        assert_eq!(object["leased"], 2);
        assert_eq!(object["lag_s"], 1.5);
        assert_eq!(object["elapsed_s"], 5.25);
        assert_eq!(object["states"]["active"], 7);
        assert_eq!(object["states"]["pending"], 0);
        assert_eq!(object["workers"], 2);
        let line = figures.line();
        assert!(
            line.contains("checked 6 (healthy 5, refused 1, failed 0, inconclusive 0)"),
            "{line}"
        );
        assert!(line.contains("due 4, leased 2, lag 1s500ms"), "{line}");
        assert!(line.contains("active 7, disconnected 1"), "{line}");
    }

    #[test]
    fn before_the_queue_is_read_its_figures_are_null_not_zero() {
        let object = Figures::of(&[status(0, 0, None)], Duration::ZERO, 0).json("status");
        assert!(object["due"].is_null());
        assert!(object["states"].is_null());
    }

    #[test]
    fn an_external_id_quoted_in_a_message_is_masked() {
        assert_eq!(
            mask(
                "denied for q3VfX0oJ8m2TzL7c and again q3VfX0oJ8m2TzL7c",
                "q3VfX0oJ8m2TzL7c"
            ),
            "denied for [external id] and again [external id]"
        );
        assert_eq!(mask("nothing", ""), "nothing");
    }
}
