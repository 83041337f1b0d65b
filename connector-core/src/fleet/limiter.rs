//! The fleet's STS rate limit: a token bucket per (vendor account, Region), which halves its
//! rate when STS throttles and climbs back slowly, so health checks leave the product's own
//! STS traffic its headroom and never retry in a storm.
//!
//! AWS: "AssumeRole and GetCallerIdentity share a quota of 600 requests per second per
//! account per Region" (STS quotas, IAM User Guide, "IAM and AWS STS quotas"); the quota
//! belongs to the account making the calls, the vendor's.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use iam_policy::{AccountId, Region};

use crate::ConnectorError;

/// How fast the fleet may call STS, per (vendor account, Region): never more than
/// [`per_second`](RateLimit::per_second) calls in any one-second window. The bucket holds
/// [`burst`](RateLimit::burst) tokens (a tenth of the limit by default) and refills at the
/// limit minus the burst, so a burst and a full second of refill together stay within the
/// limit (for limits of at least two calls a second).
///
/// ```
/// use connector_core::RateLimit;
/// let limit: RateLimit = "50/s".parse()?;
/// assert_eq!(limit.per_second(), 50.0);
/// assert_eq!(limit.burst(), 5.0);
/// assert_eq!(limit.refill_per_second(), 45.0);
/// assert_eq!(RateLimit::default().per_second(), 100.0);
/// assert!("0/s".parse::<RateLimit>().is_err());
/// assert!("700/s".parse::<RateLimit>().is_err()); // above the STS quota
/// # Ok::<(), connector_core::ConnectorError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    per_second: f64,
    burst: f64,
}

impl RateLimit {
    /// The STS quota AssumeRole and GetCallerIdentity share per account and Region.
    pub const STS_QUOTA_PER_SECOND: f64 = 600.0;

    /// The most calls in any one-second window.
    pub fn per_second(&self) -> f64 {
        self.per_second
    }

    /// The most calls made back to back after a quiet spell.
    pub fn burst(&self) -> f64 {
        self.burst
    }

    /// How fast the bucket refills: the limit minus the burst (at least half the limit).
    pub fn refill_per_second(&self) -> f64 {
        (self.per_second - self.burst).max(self.per_second / 2.0)
    }

    /// A limit of `per_second` calls in any second (more than 0, at most the STS quota),
    /// with a burst of a tenth of it (at least 1).
    pub fn new(per_second: f64) -> Result<RateLimit, ConnectorError> {
        if !(per_second > 0.0 && per_second <= RateLimit::STS_QUOTA_PER_SECOND) {
            return Err(ConnectorError::invalid(
                "rate",
                &per_second.to_string(),
                "more than 0 and at most 600 calls a second (the STS quota per account and Region)",
            ));
        }
        Ok(RateLimit {
            per_second,
            burst: (per_second / 10.0).floor().max(1.0),
        })
    }

    /// Another burst: at least 1 call, at most half the limit (the refill makes up the rest
    /// of the second).
    pub fn with_burst(mut self, burst: f64) -> Self {
        let most = (self.per_second / 2.0).max(1.0);
        self.burst = if burst.is_finite() {
            burst.clamp(1.0, most)
        } else {
            1.0
        };
        self
    }
}

impl Default for RateLimit {
    /// 100 calls a second: a sixth of the STS quota, leaving the rest to the product.
    fn default() -> RateLimit {
        RateLimit {
            per_second: 100.0,
            burst: 10.0,
        }
    }
}

impl std::str::FromStr for RateLimit {
    type Err = ConnectorError;
    /// `N/s`, `N/m` (a minute) or a bare number (a second).
    fn from_str(text: &str) -> Result<RateLimit, ConnectorError> {
        let bad = || ConnectorError::invalid("rate", text, "a rate like 50/s or 3000/m");
        let (number, per) = match text.trim().split_once('/') {
            Some((n, "s")) => (n, 1.0),
            Some((n, "m")) => (n, 60.0),
            Some(_) => return Err(bad()),
            None => (text.trim(), 1.0),
        };
        let value: f64 = number.trim().parse().map_err(|_| bad())?;
        RateLimit::new(value / per)
    }
}

/// Which bucket a call draws from: the calling (vendor) account and the Region of the STS
/// endpoint (`None`: the global endpoint).
pub type BucketKey = (AccountId, Option<Region>);

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    rate: f64,
    last: SystemTime,
}

/// Token buckets keyed by (vendor account, Region), shared by a worker's checks.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<BucketKey, Bucket>>,
}

impl RateLimiter {
    /// After throttling, the rate never falls below this share of the limit.
    const FLOOR_SHARE: f64 = 1.0 / 16.0;
    /// After throttling, the rate climbs back by this share of the limit per second.
    const RECOVERY_SHARE_PER_SECOND: f64 = 1.0 / 60.0;

    /// Buckets of `limit`.
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The configured limit.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Reserves the next call of `key`'s bucket at `now` and says how long to wait before
    /// making it (zero: at once). Reservations are served in the order they are made (the
    /// bucket goes into debt), so no caller waits longer than the callers ahead of it
    /// allow: with `n` calls waiting, the last waits about `n / rate`. A caller that gives
    /// up after reserving leaves its token unused (the bucket errs on the slow side).
    pub fn reserve(&self, key: &BucketKey, now: SystemTime) -> Duration {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let limit = self.limit;
        let refill = limit.refill_per_second();
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: limit.burst,
            rate: refill,
            last: now,
        });
        let elapsed = now
            .duration_since(bucket.last)
            .unwrap_or_default()
            .as_secs_f64();
        bucket.last = bucket.last.max(now);
        // Recover toward the configured rate after throttling (additive increase).
        bucket.rate =
            (bucket.rate + elapsed * refill * RateLimiter::RECOVERY_SHARE_PER_SECOND).min(refill);
        bucket.tokens = (bucket.tokens + elapsed * bucket.rate).min(limit.burst);
        bucket.tokens -= 1.0;
        if bucket.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-bucket.tokens / bucket.rate.max(f64::MIN_POSITIVE))
        }
    }

    /// STS throttled a call from `key`: halve its rate (not below a sixteenth of the limit)
    /// and empty the bucket, so the next calls wait (multiplicative decrease).
    pub fn throttled(&self, key: &BucketKey) {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(bucket) = buckets.get_mut(key) {
            let floor = self.limit.refill_per_second() * RateLimiter::FLOOR_SHARE;
            bucket.rate = (bucket.rate / 2.0).max(floor);
            bucket.tokens = bucket.tokens.min(0.0);
        }
    }

    /// The current refill rate of `key`'s bucket (the limit's refill until it is
    /// throttled).
    pub fn current_rate(&self, key: &BucketKey) -> f64 {
        let buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        buckets
            .get(key)
            .map_or(self.limit.refill_per_second(), |bucket| bucket.rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::UNIX_EPOCH;

    fn key() -> BucketKey {
        (
            "999988887777".parse().unwrap(),
            Some("us-east-1".parse().unwrap()),
        )
    }

    /// Callers that make their call as soon as their reservation allows, one after another,
    /// for `seconds`; returns when each call was made.
    fn drain(limiter: &RateLimiter, start: SystemTime, seconds: f64) -> Vec<SystemTime> {
        let mut now = start;
        let end = start + Duration::from_secs_f64(seconds);
        let mut made = Vec::new();
        while now < end {
            now += limiter.reserve(&key(), now);
            made.push(now);
        }
        made
    }

    /// The most calls in any one-second window.
    fn busiest_second(calls: &[SystemTime]) -> usize {
        let mut most = 0;
        let mut first = 0;
        for (i, t) in calls.iter().enumerate() {
            while calls[first] + Duration::from_secs(1) <= *t {
                first += 1;
            }
            most = most.max(i + 1 - first);
        }
        most
    }

    proptest! {
        /// In any one-second window, never more calls than the limit (limits of at least 2).
        #[test]
        fn never_above_the_limit_in_any_second(rate in 2.0f64..600.0, seconds in 1.0f64..20.0) {
            let limiter = RateLimiter::new(RateLimit::new(rate).unwrap());
            let calls = drain(&limiter, UNIX_EPOCH, seconds);
            let busiest = busiest_second(&calls) as f64;
            prop_assert!(busiest <= rate.floor() + 1e-9, "{busiest} calls in one second at {rate}/s");
            // And not far below it on average.
            let refill = RateLimit::new(rate).unwrap().refill_per_second();
            prop_assert!(calls.len() as f64 >= refill * seconds * 0.95);
        }

        #[test]
        fn rates_parse_within_the_quota(n in 0u32..2_000) {
            let parsed = format!("{n}/s").parse::<RateLimit>();
            prop_assert_eq!(parsed.is_ok(), n > 0 && n <= 600);
        }
    }

    #[test]
    fn reservations_are_served_in_order_so_nobody_starves() {
        // 200 callers arrive at once at 40/s: the last waits about 200 / 36 s, and each waits
        // no less than the one before it.
        let limiter = RateLimiter::new(RateLimit::new(40.0).unwrap());
        let waits: Vec<Duration> = (0..200)
            .map(|_| limiter.reserve(&key(), UNIX_EPOCH))
            .collect();
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        let last = waits.last().unwrap().as_secs_f64();
        assert!((5.0..5.6).contains(&last), "{last}");
    }

    #[test]
    fn throttling_halves_the_rate_and_it_recovers() {
        let limiter = RateLimiter::new(RateLimit::new(400.0).unwrap());
        let start = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(limiter.reserve(&key(), start), Duration::ZERO);
        limiter.throttled(&key());
        limiter.throttled(&key());
        assert_eq!(limiter.current_rate(&key()), 90.0);
        // The bucket is empty: the next call waits.
        assert!(limiter.reserve(&key(), start) > Duration::ZERO);
        // Never below a sixteenth.
        for _ in 0..10 {
            limiter.throttled(&key());
        }
        assert_eq!(limiter.current_rate(&key()), 22.5);
        // A minute later it is back at the limit's refill rate.
        let _ = limiter.reserve(&key(), start + Duration::from_secs(61));
        assert_eq!(limiter.current_rate(&key()), 360.0);
    }

    #[test]
    fn buckets_are_per_region() {
        let limiter = RateLimiter::new(RateLimit::new(1.0).unwrap());
        let other: BucketKey = (
            "999988887777".parse().unwrap(),
            Some("eu-west-1".parse().unwrap()),
        );
        assert_eq!(limiter.reserve(&key(), UNIX_EPOCH), Duration::ZERO);
        assert!(limiter.reserve(&key(), UNIX_EPOCH) > Duration::ZERO);
        assert_eq!(limiter.reserve(&other, UNIX_EPOCH), Duration::ZERO);
    }
}
