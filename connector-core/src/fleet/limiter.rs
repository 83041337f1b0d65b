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

/// How fast the fleet may call STS, per (vendor account, Region).
///
/// ```
/// use connector_core::RateLimit;
/// let limit: RateLimit = "50/s".parse()?;
/// assert_eq!(limit.per_second(), 50.0);
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

    /// `per_second` calls a second (more than 0, at most the STS quota), with a burst of
    /// one second's worth (at least 1).
    pub fn per_second(&self) -> f64 {
        self.per_second
    }

    /// The most calls made back to back after a quiet spell.
    pub fn burst(&self) -> f64 {
        self.burst
    }

    /// A limit of `per_second` calls a second.
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
            burst: per_second.max(1.0),
        })
    }

    /// Another burst (at least 1 call).
    pub fn with_burst(mut self, burst: f64) -> Self {
        self.burst = if burst.is_finite() {
            burst.max(1.0)
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
            burst: 100.0,
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

    /// Takes a token from `key`'s bucket at `now`, or says how long to wait for one.
    pub fn try_acquire(&self, key: &BucketKey, now: SystemTime) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let limit = self.limit;
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: limit.burst,
            rate: limit.per_second,
            last: now,
        });
        let elapsed = now
            .duration_since(bucket.last)
            .unwrap_or_default()
            .as_secs_f64();
        bucket.last = bucket.last.max(now);
        // Recover toward the configured rate after throttling (additive increase).
        bucket.rate = (bucket.rate
            + elapsed * limit.per_second * RateLimiter::RECOVERY_SHARE_PER_SECOND)
            .min(limit.per_second);
        bucket.tokens = (bucket.tokens + elapsed * bucket.rate).min(limit.burst);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let missing = 1.0 - bucket.tokens;
            Err(
                Duration::from_secs_f64(missing / bucket.rate.max(f64::MIN_POSITIVE))
                    .max(Duration::from_millis(1)),
            )
        }
    }

    /// STS throttled a call from `key`: halve its rate (not below a sixteenth of the limit)
    /// and empty the bucket, so the next calls wait (multiplicative decrease).
    pub fn throttled(&self, key: &BucketKey) {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(bucket) = buckets.get_mut(key) {
            let floor = self.limit.per_second * RateLimiter::FLOOR_SHARE;
            bucket.rate = (bucket.rate / 2.0).max(floor);
            bucket.tokens = bucket.tokens.min(0.0);
        }
    }

    /// The current rate of `key`'s bucket (the limit until it is throttled).
    pub fn current_rate(&self, key: &BucketKey) -> f64 {
        let buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        buckets
            .get(key)
            .map_or(self.limit.per_second, |bucket| bucket.rate)
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

    /// Drives `limiter` for `seconds` with callers that take a token as soon as they may;
    /// returns the tokens taken.
    fn drain(limiter: &RateLimiter, start: SystemTime, seconds: f64) -> u64 {
        let mut now = start;
        let end = start + Duration::from_secs_f64(seconds);
        let mut taken = 0;
        while now < end {
            match limiter.try_acquire(&key(), now) {
                Ok(()) => taken += 1,
                Err(wait) => now += wait,
            }
        }
        taken
    }

    proptest! {
        /// Over any span, a bucket never grants more than burst + rate × span.
        #[test]
        fn never_above_the_rate_plus_burst(rate in 1.0f64..600.0, seconds in 1.0f64..30.0) {
            let limiter = RateLimiter::new(RateLimit::new(rate).unwrap());
            let taken = drain(&limiter, UNIX_EPOCH, seconds) as f64;
            prop_assert!(taken <= rate + rate * seconds + 1.0, "{taken} > {} in {seconds}s", rate + rate * seconds);
            prop_assert!(taken >= rate * seconds * 0.95, "{taken} well below the rate");
        }

        #[test]
        fn rates_parse_within_the_quota(n in 0u32..2_000) {
            let parsed = format!("{n}/s").parse::<RateLimit>();
            prop_assert_eq!(parsed.is_ok(), n > 0 && n <= 600);
        }
    }

    #[test]
    fn throttling_halves_the_rate_and_it_recovers() {
        let limiter = RateLimiter::new(RateLimit::new(400.0).unwrap());
        let start = UNIX_EPOCH + Duration::from_secs(1_000);
        assert!(limiter.try_acquire(&key(), start).is_ok());
        limiter.throttled(&key());
        limiter.throttled(&key());
        assert_eq!(limiter.current_rate(&key()), 100.0);
        // The bucket is empty: the next call waits.
        assert!(limiter.try_acquire(&key(), start).is_err());
        // Never below a sixteenth.
        for _ in 0..10 {
            limiter.throttled(&key());
        }
        assert_eq!(limiter.current_rate(&key()), 25.0);
        // A minute later it is back at the limit.
        let _ = limiter.try_acquire(&key(), start + Duration::from_secs(61));
        assert_eq!(limiter.current_rate(&key()), 400.0);
    }

    #[test]
    fn buckets_are_per_region() {
        let limiter = RateLimiter::new(RateLimit::new(1.0).unwrap());
        let other: BucketKey = (
            "999988887777".parse().unwrap(),
            Some("eu-west-1".parse().unwrap()),
        );
        assert!(limiter.try_acquire(&key(), UNIX_EPOCH).is_ok());
        assert!(limiter.try_acquire(&key(), UNIX_EPOCH).is_err());
        assert!(limiter.try_acquire(&other, UNIX_EPOCH).is_ok());
    }
}
