//! Credential sessions: single flight, refresh windows, backoff, revocation, and never an
//! expired credential, against a scripted provider and a manual clock.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use connector_core::{
    AssumeRoleRequest, BoxFuture, Clock, CredentialSession, ManualClock, ProviderError,
    ProviderErrorKind, RefreshPolicy, StsProvider, TemporaryCredentials,
};

const HOUR: Duration = Duration::from_secs(3600);
const SECRET: &str = "wJalrXUtnFEMI-secret-never-print";

/// Answers from a script (default: success), each after yielding a few times so that
/// concurrent callers really overlap.
#[derive(Debug)]
struct ScriptedProvider {
    clock: ManualClock,
    script: Mutex<VecDeque<Result<(), ProviderErrorKind>>>,
    calls: AtomicU64,
    yields: u32,
}

impl ScriptedProvider {
    fn new(clock: &ManualClock) -> Arc<ScriptedProvider> {
        Arc::new(ScriptedProvider {
            clock: clock.clone(),
            script: Mutex::new(VecDeque::new()),
            calls: AtomicU64::new(0),
            yields: 20,
        })
    }

    fn then(&self, outcome: Result<(), ProviderErrorKind>) {
        self.script.lock().unwrap().push_back(outcome);
    }

    fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }
}

struct YieldTimes(u32);

impl Future for YieldTimes {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

impl StsProvider for ScriptedProvider {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            YieldTimes(self.yields).await;
            match self.script.lock().unwrap().pop_front().unwrap_or(Ok(())) {
                Ok(()) => Ok(TemporaryCredentials::new(
                    format!("ASIA{n:016}"),
                    format!("{SECRET}-{n}"),
                    format!("token-{n}"),
                    self.clock.now() + request.duration(),
                )),
                Err(kind) => Err(ProviderError::new(kind, "scripted failure")),
            }
        })
    }

    // AssumeRoleWithWebIdentity and GetCallerIdentity: the trait's defaults (Unsupported).
}

fn session(clock: &ManualClock, provider: &Arc<ScriptedProvider>) -> Arc<CredentialSession> {
    let request = AssumeRoleRequest::new(
        "arn:aws:iam::111122223333:role/vendor".parse().unwrap(),
        "vendor-sync".parse().unwrap(),
    )
    .with_duration(HOUR);
    Arc::new(
        CredentialSession::new(
            provider.clone(),
            request,
            Arc::new(clock.clone()),
            RefreshPolicy::default(),
        )
        .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_cold_callers_make_one_provider_call() {
    let clock = ManualClock::at_unix(1_800_000_000);
    let provider = ScriptedProvider::new(&clock);
    let session = session(&clock, &provider);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10_000 {
        let session = session.clone();
        tasks.spawn(async move {
            session
                .credentials()
                .await
                .map(|c| c.access_key_id().to_owned())
        });
    }
    let mut keys = std::collections::HashSet::new();
    while let Some(result) = tasks.join_next().await {
        keys.insert(result.unwrap().unwrap());
    }
    assert_eq!(provider.calls(), 1);
    assert_eq!(keys.len(), 1, "everyone got the same credentials");
    assert!(session.cached().is_some());
}

#[tokio::test]
async fn refreshes_in_the_advisory_window_and_keeps_serving_on_failure() {
    let clock = ManualClock::at_unix(1_800_000_000);
    let provider = ScriptedProvider::new(&clock);
    let session = session(&clock, &provider);
    let first = session.credentials().await.unwrap();
    // 50 minutes in: 10 minutes left, inside the mandatory window; a throttled refresh
    // still hands out the valid credentials.
    clock.advance(Duration::from_secs(50 * 60) - Duration::from_secs(1));
    provider.then(Err(ProviderErrorKind::Throttled));
    let served = session.credentials().await.unwrap();
    assert!(served.same_secrets(&first));
    assert_eq!(provider.calls(), 2);
    // Backing off: no new provider call until the backoff passes.
    let _ = session.credentials().await.unwrap();
    assert_eq!(provider.calls(), 2);
    clock.advance(Duration::from_secs(2));
    let refreshed = session.credentials().await.unwrap();
    assert_eq!(provider.calls(), 3);
    assert!(!refreshed.same_secrets(&first));
}

#[tokio::test]
async fn never_serves_expired_credentials() {
    let clock = ManualClock::at_unix(1_800_000_000);
    let provider = ScriptedProvider::new(&clock);
    let session = session(&clock, &provider);
    session.credentials().await.unwrap();
    for _ in 0..20 {
        provider.then(Err(ProviderErrorKind::Throttled));
    }
    // Walk past expiry in steps while every refresh is throttled.
    for _ in 0..70 {
        clock.advance(Duration::from_secs(60));
        if let Ok(credentials) = session.credentials().await {
            assert!(
                !credentials.is_expired_at(clock.now()),
                "expired credentials served"
            );
        }
        if let Some(credentials) = session.cached() {
            assert!(!credentials.is_expired_at(clock.now()));
        }
    }
    let error = session.credentials().await;
    assert!(error.is_err() || !error.unwrap().is_expired_at(clock.now()));
}

#[tokio::test]
async fn access_denied_drops_credentials_until_reset() {
    let clock = ManualClock::at_unix(1_800_000_000);
    let provider = ScriptedProvider::new(&clock);
    let session = session(&clock, &provider);
    session.credentials().await.unwrap();
    clock.advance(Duration::from_secs(55 * 60));
    provider.then(Err(ProviderErrorKind::AccessDenied));
    let error = session.credentials().await.unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::AccessDenied);
    assert!(session.cached().is_none());
    assert_eq!(
        session.revocation().unwrap().kind,
        ProviderErrorKind::AccessDenied
    );
    // Revoked: no more provider calls, even though the old credentials had time left.
    let calls = provider.calls();
    assert!(session.credentials().await.is_err());
    assert_eq!(provider.calls(), calls);
    session.reset();
    assert!(session.credentials().await.is_ok());
    assert_eq!(provider.calls(), calls + 1);
}

#[tokio::test]
async fn a_cancelled_leader_does_not_strand_waiters() {
    let clock = ManualClock::at_unix(1_800_000_000);
    let provider = ScriptedProvider::new(&clock);
    let session = session(&clock, &provider);
    // Start a refresh and drop it after one poll.
    {
        let mut leader = Box::pin(session.credentials());
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        assert!(leader.as_mut().poll(&mut cx).is_pending());
    }
    // The next caller leads a new refresh and succeeds.
    assert!(session.credentials().await.is_ok());
}

#[tokio::test]
async fn secrets_never_show_in_debug_output() {
    let clock = ManualClock::at_unix(1_800_000_000);
    let provider = ScriptedProvider::new(&clock);
    let session = session(&clock, &provider);
    let credentials = session.credentials().await.unwrap();
    let shown = format!("{credentials:?} {session:?} {:?}", session.cached());
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(!shown.contains("token-0"), "{shown}");
}
