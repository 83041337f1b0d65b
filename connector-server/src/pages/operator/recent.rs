//! [`RecentChanges`]: the last state changes of the fleet, for the operator page — a
//! bounded in-memory ring buffer that is a [`StateSubscriber`] of the connector. `notify`
//! only takes a short lock and moves one record, so it never holds up the write that caused
//! it; the oldest change falls out when it is full. The store stays the truth; this is the
//! operator's recent history of this process.

use std::collections::VecDeque;
use std::sync::Mutex;

use connector_core::{StateChange, StateSubscriber};

/// The last state changes, newest kept.
///
/// ```
/// use std::sync::Arc;
/// use connector_server::RecentChanges;
/// let recent = Arc::new(RecentChanges::new(200));
/// // Connector::builder(..).with_subscriber(recent.clone()) ... then
/// // AppState::builder(connector, directory).with_recent_changes(recent)
/// assert!(recent.newest_first().is_empty());
/// ```
#[derive(Debug)]
pub struct RecentChanges {
    capacity: usize,
    changes: Mutex<VecDeque<StateChange>>,
}

impl RecentChanges {
    /// The default number of changes kept.
    pub const DEFAULT_CAPACITY: usize = 200;

    /// A buffer of the last `capacity` changes (at least 1).
    pub fn new(capacity: usize) -> RecentChanges {
        let capacity = capacity.max(1);
        RecentChanges {
            capacity,
            changes: Mutex::new(VecDeque::with_capacity(capacity)),
        }
    }

    /// How many changes it keeps at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The changes kept, newest first.
    pub fn newest_first(&self) -> Vec<StateChange> {
        let changes = self.changes.lock().unwrap_or_else(|p| p.into_inner());
        changes.iter().rev().cloned().collect()
    }
}

impl Default for RecentChanges {
    fn default() -> RecentChanges {
        RecentChanges::new(RecentChanges::DEFAULT_CAPACITY)
    }
}

impl StateSubscriber for RecentChanges {
    fn notify(&self, change: &StateChange) {
        let mut changes = self.changes.lock().unwrap_or_else(|p| p.into_inner());
        while changes.len() >= self.capacity {
            changes.pop_front();
        }
        changes.push_back(change.clone());
    }
}
