//! State changes, published to subscribers: every time a connection's state moves (a health
//! check, a refresh, the vendor's own action), each subscriber is told, without ever holding
//! up the write or the check that caused it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::SystemTime;

use crate::{ConnectionId, ConnectionState, Diagnosis};

use super::metrics;

/// A connection moved from one state to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateChange {
    id: ConnectionId,
    from: ConnectionState,
    to: ConnectionState,
    diagnosis: Option<Diagnosis>,
    at: SystemTime,
    revision: u64,
}

impl StateChange {
    pub(crate) fn new(
        id: ConnectionId,
        from: ConnectionState,
        to: ConnectionState,
        diagnosis: Option<Diagnosis>,
        at: SystemTime,
        revision: u64,
    ) -> StateChange {
        StateChange {
            id,
            from,
            to,
            diagnosis,
            at,
            revision,
        }
    }

    /// The connection.
    pub fn id(&self) -> &ConnectionId {
        &self.id
    }

    /// The state it left.
    pub fn from(&self) -> ConnectionState {
        self.from
    }

    /// The state it is in now.
    pub fn to(&self) -> ConnectionState {
        self.to
    }

    /// Why: the diagnosis this change wrote; `None` when it wrote none (a recovery or a
    /// reconnect keeps the old diagnosis on the record as history, not as the reason).
    pub fn diagnosis(&self) -> Option<&Diagnosis> {
        self.diagnosis.as_ref()
    }

    /// When the change was written.
    pub fn at(&self) -> SystemTime {
        self.at
    }

    /// The connection's revision after the change: changes of one connection arrive in
    /// revision order from one process; across processes, order them by it.
    pub fn revision(&self) -> u64 {
        self.revision
    }
}

/// Told about every state change. `notify` runs on the path of the write that caused it, so
/// it must not block: hand the change to a queue (as [`ChannelSubscriber`] does) and send
/// the e-mail or the webhook from there. Changes are notifications; the store stays the
/// truth (a subscriber that missed some can list the connections).
///
/// ```
/// use connector_core::{StateChange, StateSubscriber};
/// #[derive(Debug)]
/// struct Log;
/// impl StateSubscriber for Log {
///     fn notify(&self, change: &StateChange) {
///         eprintln!("{} {} -> {}", change.id(), change.from(), change.to());
///     }
/// }
/// ```
pub trait StateSubscriber: Send + Sync + std::fmt::Debug {
    /// A connection changed state.
    fn notify(&self, change: &StateChange);
}

/// A subscriber with a bounded queue: `notify` never blocks; when the consumer falls behind
/// and the queue is full, the change is dropped and counted
/// ([`dropped`](ChannelSubscriber::dropped), metric `connector_fleet_events_dropped_total`).
///
/// ```
/// use std::sync::Arc;
/// use connector_core::ChannelSubscriber;
/// let (subscriber, changes) = ChannelSubscriber::bounded(1_024);
/// let subscriber = Arc::new(subscriber);
/// // Connector::builder(..).with_subscriber(subscriber.clone()) ... then, on a thread of
/// // the product's: for change in changes.iter() { send_email(change) }
/// assert!(changes.try_recv().is_err());
/// assert_eq!(subscriber.dropped(), 0);
/// ```
#[derive(Debug)]
pub struct ChannelSubscriber {
    sender: SyncSender<StateChange>,
    dropped: AtomicU64,
}

impl ChannelSubscriber {
    /// A subscriber queueing at most `capacity` changes (at least 1), and its receiving end.
    pub fn bounded(capacity: usize) -> (ChannelSubscriber, Receiver<StateChange>) {
        let (sender, receiver) = sync_channel(capacity.max(1));
        (
            ChannelSubscriber {
                sender,
                dropped: AtomicU64::new(0),
            },
            receiver,
        )
    }

    /// Changes dropped because the queue was full or the receiver gone.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl StateSubscriber for ChannelSubscriber {
    fn notify(&self, change: &StateChange) {
        match self.sender.try_send(change.clone()) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                metrics::event_dropped();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(n: u64) -> StateChange {
        StateChange::new(
            "acme".parse().unwrap(),
            ConnectionState::Active,
            ConnectionState::Disconnected,
            None,
            SystemTime::UNIX_EPOCH,
            n,
        )
    }

    #[test]
    fn a_full_queue_drops_and_counts_without_blocking() {
        let (subscriber, receiver) = ChannelSubscriber::bounded(2);
        for n in 0..5 {
            subscriber.notify(&change(n));
        }
        assert_eq!(subscriber.dropped(), 3);
        let got: Vec<u64> = receiver.try_iter().map(|c| c.revision()).collect();
        assert_eq!(got, [0, 1]);
        drop(receiver);
        subscriber.notify(&change(9));
        assert_eq!(subscriber.dropped(), 4);
    }
}
