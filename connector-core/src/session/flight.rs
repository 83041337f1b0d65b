//! Single flight: any number of callers waiting on one provider call.
//!
//! The first caller to need a refresh becomes the leader and drives the provider call; the
//! others wait on a [`Flight`] and get the leader's result. If the leader's future is dropped
//! before it finishes (a cancelled request), its guard completes the flight with an error so
//! no waiter hangs. No async runtime is needed: waiting is a plain `Future` with wakers.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use crate::{ProviderError, ProviderErrorKind, TemporaryCredentials};

pub(crate) type FlightResult = Result<Arc<TemporaryCredentials>, ProviderError>;

/// One in-flight refresh.
#[derive(Debug, Default)]
pub(crate) struct Flight {
    state: Mutex<FlightState>,
}

#[derive(Debug, Default)]
struct FlightState {
    result: Option<FlightResult>,
    wakers: Vec<Waker>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Flight {
    /// Publishes the result and wakes every waiter. Only the first completion counts.
    pub(crate) fn complete(&self, result: FlightResult) {
        let wakers = {
            let mut state = lock(&self.state);
            if state.result.is_some() {
                return;
            }
            state.result = Some(result);
            std::mem::take(&mut state.wakers)
        };
        for waker in wakers {
            waker.wake();
        }
    }

    /// True once a result is published (including a cancelled leader's error).
    pub(crate) fn is_complete(&self) -> bool {
        lock(&self.state).result.is_some()
    }

    /// Waits for the result.
    pub(crate) fn wait(self: &Arc<Self>) -> Wait {
        Wait(Arc::clone(self))
    }
}

/// The future a waiter polls.
#[derive(Debug)]
pub(crate) struct Wait(Arc<Flight>);

impl Future for Wait {
    type Output = FlightResult;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<FlightResult> {
        let mut state = lock(&self.0.state);
        match &state.result {
            Some(result) => Poll::Ready(result.clone()),
            None => {
                if !state.wakers.iter().any(|w| w.will_wake(cx.waker())) {
                    state.wakers.push(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }
}

/// Held by the leader; completes the flight with an error if dropped before `finish`.
#[derive(Debug)]
pub(crate) struct LeaderGuard {
    flight: Arc<Flight>,
    finished: bool,
}

impl LeaderGuard {
    pub(crate) fn new(flight: Arc<Flight>) -> LeaderGuard {
        LeaderGuard {
            flight,
            finished: false,
        }
    }

    pub(crate) fn finish(mut self, result: FlightResult) {
        self.finished = true;
        self.flight.complete(result);
    }
}

impl Drop for LeaderGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.flight.complete(Err(ProviderError::new(
                ProviderErrorKind::Transient,
                "the credential refresh was cancelled before it finished",
            )));
        }
    }
}
