//! Fault injection, latency without a timer, and call counters.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::{ProviderError, ProviderErrorKind};

/// How many calls of each operation reached the STS (requests that fail
/// [`AssumeRoleRequest::validate`](crate::AssumeRoleRequest::validate) never leave the
/// client, so they are not counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CallCounts {
    /// `AssumeRole`.
    pub assume_role: u64,
    /// `AssumeRoleWithWebIdentity`.
    pub assume_role_with_web_identity: u64,
    /// `GetCallerIdentity`.
    pub caller_identity: u64,
}

impl CallCounts {
    /// All calls together.
    pub fn total(&self) -> u64 {
        self.assume_role
            .saturating_add(self.assume_role_with_web_identity)
            .saturating_add(self.caller_identity)
    }
}

/// The STS operations, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Operation {
    AssumeRole,
    AssumeRoleWithWebIdentity,
    GetCallerIdentity,
}

impl CallCounts {
    pub(super) fn count(&mut self, operation: Operation) {
        let counter = match operation {
            Operation::AssumeRole => &mut self.assume_role,
            Operation::AssumeRoleWithWebIdentity => &mut self.assume_role_with_web_identity,
            Operation::GetCallerIdentity => &mut self.caller_identity,
        };
        *counter = counter.saturating_add(1);
    }
}

/// Injected failures and latency.
#[derive(Debug, Default)]
pub(super) struct Faults {
    /// Calls still to throttle.
    pub(super) throttle: u32,
    /// Errors to answer, in order, once throttling is over.
    pub(super) queued: VecDeque<ProviderError>,
    /// Wall-clock latency per call.
    pub(super) latency: Duration,
    /// Executor round trips per call.
    pub(super) latency_yields: u32,
}

impl Faults {
    /// The fault for the call being answered, if any: throttling first, then queued errors.
    pub(super) fn take(&mut self) -> Option<ProviderError> {
        if self.throttle > 0 {
            self.throttle -= 1;
            return Some(
                ProviderError::new(ProviderErrorKind::Throttled, "Rate exceeded")
                    .with_code("Throttling"),
            );
        }
        self.queued.pop_front()
    }

    /// The latency of a call arriving now.
    pub(super) fn delay(&self) -> Delay {
        Delay {
            yields: self.latency_yields,
            until: if self.latency.is_zero() {
                None
            } else {
                Instant::now().checked_add(self.latency)
            },
        }
    }
}

/// Latency without a timer (the crate has no async runtime, and a `ManualClock` never moves
/// by itself): the future returns `Pending` and wakes itself at once, `yields` times and
/// then until the real-time deadline has passed. Each round trip lets the executor run other
/// tasks, so concurrent callers genuinely overlap; no thread is ever put to sleep.
#[derive(Debug)]
pub(super) struct Delay {
    yields: u32,
    until: Option<Instant>,
}

impl Future for Delay {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let waiting = self.until.is_some_and(|until| Instant::now() < until);
        if self.yields == 0 && !waiting {
            return Poll::Ready(());
        }
        self.yields = self.yields.saturating_sub(1);
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use super::*;

    #[test]
    fn delay_yields_the_given_number_of_times() {
        let faults = Faults {
            latency_yields: 3,
            ..Faults::default()
        };
        let mut delay = faults.delay();
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..3 {
            assert_eq!(Pin::new(&mut delay).poll(&mut cx), Poll::Pending);
        }
        assert_eq!(Pin::new(&mut delay).poll(&mut cx), Poll::Ready(()));
        assert_eq!(
            Pin::new(&mut Faults::default().delay()).poll(&mut cx),
            Poll::Ready(())
        );
    }

    #[test]
    fn throttling_comes_before_queued_errors() {
        let mut faults = Faults {
            throttle: 1,
            ..Faults::default()
        };
        faults
            .queued
            .push_back(ProviderError::new(ProviderErrorKind::Transient, "boom"));
        assert_eq!(
            faults.take().map(|e| e.kind),
            Some(ProviderErrorKind::Throttled)
        );
        assert_eq!(
            faults.take().map(|e| e.kind),
            Some(ProviderErrorKind::Transient)
        );
        assert_eq!(faults.take(), None);
    }
}
