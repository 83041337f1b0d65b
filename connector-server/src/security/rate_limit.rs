//! Token buckets per client IP and per API key: a request takes a token; an empty bucket
//! answers 429 with `Retry-After` (whole seconds until a token is back). The tables are
//! bounded: past 100,000 entries, buckets that are full again are dropped.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

use crate::problem::Problem;
use crate::state::AppState;

const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Token buckets of one rate, by key.
#[derive(Debug)]
pub(crate) struct Buckets {
    rate: f64,
    burst: f64,
    table: Mutex<HashMap<String, Bucket>>,
}

impl Buckets {
    /// `rate` tokens per second, at most `burst` (each at least a small positive number).
    pub(crate) fn new(rate: f64, burst: f64) -> Buckets {
        let rate = if rate.is_finite() && rate > 0.0 {
            rate
        } else {
            1.0
        };
        let burst = if burst.is_finite() && burst >= 1.0 {
            burst
        } else {
            1.0
        };
        Buckets {
            rate,
            burst,
            table: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token of `key` at `now`; the wait until one is back when the bucket is empty.
    pub(crate) fn take(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut table = self.table.lock().unwrap_or_else(|p| p.into_inner());
        if table.len() >= MAX_ENTRIES && !table.contains_key(key) {
            let (rate, burst) = (self.rate, self.burst);
            table.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.last).as_secs_f64() * rate < burst
            });
        }
        let bucket = table.entry(key.to_owned()).or_insert(Bucket {
            tokens: self.burst,
            last: now,
        });
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / self.rate))
        }
    }
}

/// The server's two limiters.
#[derive(Debug)]
pub(crate) struct RateLimiters {
    pub(crate) per_key: Buckets,
    pub(crate) per_ip: Buckets,
}

impl RateLimiters {
    pub(crate) fn new(per_key: (f64, f64), per_ip: (f64, f64)) -> RateLimiters {
        RateLimiters {
            per_key: Buckets::new(per_key.0, per_key.1),
            per_ip: Buckets::new(per_ip.0, per_ip.1),
        }
    }
}

/// The 429 problem for a wait.
pub(crate) fn limited(wait: Duration) -> Problem {
    Problem::rate_limited(wait.as_secs_f64().ceil() as u64)
}

/// Limits requests per client IP (the peer address of the connection, or behind a trusted
/// proxy the address it forwarded for: [`super::client_ip`]).
pub(crate) async fn per_ip(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let client = super::client_ip::client_ip(
        peer.ip(),
        request.headers(),
        &state.config().trusted_proxies,
    );
    match state
        .limiters()
        .per_ip
        .take(&client.to_string(), Instant::now())
    {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            metrics::counter!("connector_server_rate_limited_total", "by" => "ip").increment(1);
            limited(wait).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refuses_until_it_refills() {
        let buckets = Buckets::new(2.0, 3.0);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(buckets.take("k", start).is_ok());
        }
        let wait = buckets.take("k", start).unwrap_err();
        assert!(wait <= Duration::from_millis(500) && wait > Duration::ZERO);
        assert!(buckets.take("other", start).is_ok());
        assert!(
            buckets
                .take("k", start + Duration::from_millis(500))
                .is_ok()
        );
    }
}
