//! `Shutdown`: the signal that stops a worker gracefully, without a runtime (a flag and the
//! wakers of whoever waits on it).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// Asks workers to stop: they stop claiming, finish their checks in flight (or give their
/// leases back at the deadline), and return. Clones share the signal.
///
/// ```
/// use connector_core::Shutdown;
/// let shutdown = Shutdown::new();
/// let seen_by_worker = shutdown.clone();
/// assert!(!seen_by_worker.is_requested());
/// shutdown.request();
/// assert!(seen_by_worker.is_requested());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    inner: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    requested: bool,
    wakers: Vec<Waker>,
}

impl Shutdown {
    /// A signal not yet given.
    pub fn new() -> Shutdown {
        Shutdown::default()
    }

    /// Gives the signal (again is harmless).
    pub fn request(&self) {
        let wakers = {
            let mut state = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            state.requested = true;
            std::mem::take(&mut state.wakers)
        };
        for waker in wakers {
            waker.wake();
        }
    }

    /// True once the signal was given.
    pub fn is_requested(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .requested
    }

    /// Completes when the signal is given.
    pub fn requested(&self) -> Requested {
        Requested {
            shutdown: self.clone(),
        }
    }
}

/// The future of [`Shutdown::requested`].
#[derive(Debug)]
pub struct Requested {
    shutdown: Shutdown,
}

impl Future for Requested {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self
            .shutdown
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if state.requested {
            return Poll::Ready(());
        }
        if !state.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            state.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}
