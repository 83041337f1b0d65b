//! When to refresh and how to back off.

use std::time::Duration;

/// Refresh timing and retry behaviour of a credential session.
///
/// Defaults follow botocore, whose refreshable credentials refresh 15 minutes before expiry
/// (advisory: a failure keeps the old credentials) and insist at 10 minutes (mandatory:
/// callers wait for the refresh). Each session subtracts up to `jitter` from the advisory
/// point, so thousands of connections created together do not refresh together. Retryable
/// failures back off exponentially from `initial_backoff` up to `max_backoff`; during a
/// backoff no new provider call is made, still-valid credentials keep being served and
/// callers without valid credentials get the last error at once.
///
/// ```
/// use std::time::Duration;
/// use connector_core::RefreshPolicy;
/// let policy = RefreshPolicy::default();
/// assert_eq!(policy.advisory_refresh, Duration::from_secs(15 * 60));
/// assert_eq!(policy.backoff(1), Duration::from_secs(1));
/// assert_eq!(policy.backoff(3), Duration::from_secs(4));
/// assert_eq!(policy.backoff(40), policy.max_backoff);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// Refresh this long before expiry, keeping the old credentials if it fails.
    pub advisory_refresh: Duration,
    /// From this long before expiry, callers wait for a refresh.
    pub mandatory_refresh: Duration,
    /// Up to this much is subtracted, per session, from the advisory point.
    pub jitter: Duration,
    /// The first backoff after a retryable failure.
    pub initial_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy {
            advisory_refresh: Duration::from_secs(15 * 60),
            mandatory_refresh: Duration::from_secs(10 * 60),
            jitter: Duration::from_secs(60),
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(5 * 60),
        }
    }
}

impl RefreshPolicy {
    /// The backoff after `failures` consecutive retryable failures (1 for the first).
    pub fn backoff(&self, failures: u32) -> Duration {
        let factor = 1u32
            .checked_shl(failures.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .map_or(self.max_backoff, |d| d.min(self.max_backoff))
    }
}

/// A small deterministic generator (SplitMix64) for jitter: spreading refreshes needs
/// variety, not unpredictability.
pub(crate) fn jitter(seed: u64, max: Duration) -> Duration {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let max_millis = u64::try_from(max.as_millis()).unwrap_or(u64::MAX);
    if max_millis == 0 {
        Duration::ZERO
    } else {
        Duration::from_millis(z % (max_millis + 1))
    }
}
