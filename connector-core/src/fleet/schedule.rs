//! `FleetSchedule`: when each connection is checked. Every connection has a fixed phase in
//! the interval (a hash of its id), so checks are spread evenly over the interval whatever
//! the order connections were created or claimed in, each is checked once per interval, and
//! a late check does not drift the schedule. A small jitter keeps connections of equal phase
//! apart.

use std::time::{Duration, SystemTime};

use crate::{CheckOutcome, Connection, ConnectionId, ConnectionState, ConnectorError};

use super::queue::{from_unix_millis, unix_millis};

/// The health-check schedule.
///
/// ```
/// use std::time::Duration;
/// use connector_core::FleetSchedule;
/// let schedule = FleetSchedule::default().with_interval(Duration::from_secs(120))?;
/// assert_eq!(schedule.interval(), Duration::from_secs(120));
/// assert_eq!(schedule.disconnected_interval(), Duration::from_secs(3_600));
/// assert!(FleetSchedule::default().with_interval(Duration::from_millis(500)).is_err());
/// # Ok::<(), connector_core::ConnectorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetSchedule {
    interval: Duration,
    disconnected_interval: Duration,
    retry_after: Duration,
    jitter: Duration,
}

impl Default for FleetSchedule {
    /// Every 5 minutes; disconnected connections every hour; a check with no verdict again
    /// after a minute; jitter of 1% of the interval, at most 3 seconds.
    fn default() -> FleetSchedule {
        FleetSchedule {
            interval: Duration::from_secs(300),
            disconnected_interval: Duration::from_secs(3_600),
            retry_after: Duration::from_secs(60),
            jitter: Duration::from_secs(3),
        }
    }
}

impl FleetSchedule {
    /// The shortest interval.
    pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

    fn checked(field: &'static str, value: Duration) -> Result<Duration, ConnectorError> {
        if value < FleetSchedule::MIN_INTERVAL {
            return Err(ConnectorError::invalid(
                field,
                &format!("{value:?}"),
                "at least one second",
            ));
        }
        Ok(value)
    }

    /// How often `Verifying`, `Active` and `Degraded` connections are checked (at least one
    /// second); the jitter follows (1%, at most 3 seconds).
    pub fn with_interval(mut self, interval: Duration) -> Result<Self, ConnectorError> {
        self.interval = FleetSchedule::checked("interval", interval)?;
        self.jitter = (interval / 100).min(Duration::from_secs(3));
        self.retry_after = self.retry_after.min(interval);
        Ok(self)
    }

    /// How often connections the customer's side disconnected are checked again (so a
    /// customer who fixes the role reconnects by themselves).
    pub fn with_disconnected_interval(
        mut self,
        interval: Duration,
    ) -> Result<Self, ConnectorError> {
        self.disconnected_interval = FleetSchedule::checked("disconnected interval", interval)?;
        Ok(self)
    }

    /// When a check with no verdict (throttled, timed out) is tried again, spread over up to
    /// half as long again so retries never come back as one burst.
    pub fn with_retry_after(mut self, retry_after: Duration) -> Result<Self, ConnectorError> {
        self.retry_after = FleetSchedule::checked("retry after", retry_after)?;
        Ok(self)
    }

    /// At most this much earlier or later than a connection's phase.
    pub fn with_jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// The interval of live and verifying connections.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The interval of disconnected ones.
    pub fn disconnected_interval(&self) -> Duration {
        self.disconnected_interval
    }

    /// The retry delay after no verdict.
    pub fn retry_after(&self) -> Duration {
        self.retry_after
    }

    /// The jitter.
    pub fn jitter(&self) -> Duration {
        self.jitter
    }

    /// When `connection` is next due after a check with `outcome` finished at `now`
    /// (`None`: it is not health-checked any more).
    pub fn next_due(
        &self,
        connection: &Connection,
        outcome: CheckOutcome,
        now: SystemTime,
    ) -> Option<SystemTime> {
        if !connection.is_health_checked() {
            return None;
        }
        let id = connection.id();
        if outcome == CheckOutcome::Inconclusive {
            let spread = spread(id, now, self.retry_after / 2);
            return Some(now + self.retry_after + spread);
        }
        let period = match connection.state() {
            ConnectionState::Disconnected => self.disconnected_interval,
            _ => self.interval,
        };
        Some(self.phase_after(id, period, now))
    }

    /// The first time at least half a `period` after `now` that falls on `id`'s phase, give
    /// or take the jitter.
    pub fn phase_after(&self, id: &ConnectionId, period: Duration, now: SystemTime) -> SystemTime {
        let period_ms = i64::try_from(period.as_millis()).unwrap_or(i64::MAX).max(1);
        let phase = i64::try_from(stable_hash(id.as_str().as_bytes()) % period_ms.unsigned_abs())
            .unwrap_or(0);
        let earliest = unix_millis(now).saturating_add(period_ms / 2);
        let offset = (phase - earliest.rem_euclid(period_ms)).rem_euclid(period_ms);
        let on_phase = from_unix_millis(earliest.saturating_add(offset));
        let jitter = self.jitter.min(period / 4);
        let shift = spread(id, now, jitter.saturating_mul(2));
        (on_phase + shift).checked_sub(jitter).unwrap_or(on_phase)
    }
}

/// A pseudo-random duration in `[0, range)`, from the id and the time (decorrelates
/// connections of equal phase; no need for a CSPRNG).
fn spread(id: &ConnectionId, now: SystemTime, range: Duration) -> Duration {
    let range_ms = u64::try_from(range.as_millis()).unwrap_or(u64::MAX);
    if range_ms == 0 {
        return Duration::ZERO;
    }
    let mut bytes = id.as_str().as_bytes().to_vec();
    bytes.extend_from_slice(&unix_millis(now).to_le_bytes());
    Duration::from_millis(stable_hash(&bytes) % range_ms)
}

/// A stable hash (the same phase in every process and version): the crate's FNV-1a, with
/// the final avalanche of splitmix64 so nearby ids spread over the whole interval.
fn stable_hash(bytes: &[u8]) -> u64 {
    let mut hash = crate::provider::fnv1a(bytes);
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConnectionEvent, Timestamp};
    use proptest::prelude::*;
    use std::time::UNIX_EPOCH;

    fn active(id: &str) -> Connection {
        Connection::builder(id.parse().unwrap(), "ext-id-123".parse().unwrap())
            .build(Timestamp(0))
            .unwrap()
            .apply(
                ConnectionEvent::RoleSubmitted {
                    role_arn: "arn:aws:iam::111122223333:role/vendor".parse().unwrap(),
                },
                Timestamp(0),
            )
            .unwrap()
            .apply(ConnectionEvent::VerificationSucceeded, Timestamp(0))
            .unwrap()
    }

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    proptest! {
        /// The next check is between half an interval and an interval and a half away
        /// (plus jitter), and on the connection's phase.
        #[test]
        fn next_due_is_within_the_interval(id in "[a-z0-9]{1,20}", now in 1_000_000_000_000u64..2_000_000_000_000) {
            let schedule = FleetSchedule::default();
            let c = active(&id);
            let next = schedule.next_due(&c, CheckOutcome::Healthy, at(now)).unwrap();
            let wait = next.duration_since(at(now)).unwrap();
            prop_assert!(wait >= Duration::from_secs(150) - schedule.jitter());
            prop_assert!(wait <= Duration::from_secs(450) + schedule.jitter());
            // The same phase from any moment in the cycle: consecutive checks are one
            // interval apart (within the jitter).
            let again = schedule.next_due(&c, CheckOutcome::Healthy, next).unwrap();
            let gap = again.duration_since(next).unwrap();
            prop_assert!(gap >= Duration::from_secs(300) - schedule.jitter() * 2);
            prop_assert!(gap <= Duration::from_secs(300) + schedule.jitter() * 2);
        }

        /// Retries after no verdict come back after the retry delay, spread over half of it.
        #[test]
        fn inconclusive_checks_retry_spread(id in "[a-z0-9]{1,20}", now in 1_000_000_000_000u64..2_000_000_000_000) {
            let schedule = FleetSchedule::default();
            let next = schedule.next_due(&active(&id), CheckOutcome::Inconclusive, at(now)).unwrap();
            let wait = next.duration_since(at(now)).unwrap();
            prop_assert!(wait >= Duration::from_secs(60) && wait < Duration::from_secs(90));
        }
    }

    #[test]
    fn phases_spread_evenly_over_the_interval() {
        let schedule = FleetSchedule::default().with_jitter(Duration::ZERO);
        let mut buckets = [0u32; 10];
        for n in 0..10_000 {
            let c = active(&format!("customer-{n}"));
            let next = schedule.next_due(&c, CheckOutcome::Healthy, at(0)).unwrap();
            let ms = next.duration_since(UNIX_EPOCH).unwrap().as_millis() % 300_000;
            buckets[(ms / 30_000) as usize] += 1;
        }
        // 1,000 per tenth of the interval, within 10%.
        assert!(
            buckets.iter().all(|n| (900..=1_100).contains(n)),
            "{buckets:?}"
        );
    }

    #[test]
    fn disconnected_connections_use_the_slower_interval_and_vendor_disconnects_none() {
        let schedule = FleetSchedule::default();
        let revoked = active("acme")
            .apply(
                ConnectionEvent::AccessRevoked {
                    diagnosis: crate::Diagnosis::new(
                        crate::DiagnosisCode::AccessDenied,
                        "denied",
                        Timestamp(1),
                    ),
                },
                Timestamp(1),
            )
            .unwrap();
        let next = schedule
            .next_due(&revoked, CheckOutcome::Refused, at(0))
            .unwrap();
        assert!(
            next.duration_since(at(0)).unwrap() >= Duration::from_secs(1_800) - schedule.jitter()
        );
        let by_vendor = active("acme")
            .apply(ConnectionEvent::DisconnectRequested, Timestamp(1))
            .unwrap();
        assert_eq!(
            schedule.next_due(&by_vendor, CheckOutcome::NotChecked, at(0)),
            None
        );
    }
}
