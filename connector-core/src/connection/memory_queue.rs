//! The in-memory store's health-check schedule: [`CheckQueue`] over the same lock-guarded
//! map, each operation one critical section (so claims are atomic).

use std::time::{Duration, SystemTime};

use super::memory::InMemoryConnectionStore;
use crate::{
    BoxFuture, CheckQueue, Claim, ConnectionId, ConnectionState, ConnectorError, Lease, QueueStats,
    WorkerId, unix_millis,
};

impl InMemoryConnectionStore {
    fn claim_now(
        &self,
        worker: &WorkerId,
        now: SystemTime,
        lease_for: Duration,
        limit: usize,
    ) -> Vec<Claim> {
        let now_ms = unix_millis(now);
        let until = now_ms.saturating_add(i64::try_from(lease_for.as_millis()).unwrap_or(i64::MAX));
        let mut map = self.write();
        // Earliest due first: collect the candidates, sort, take the limit.
        let mut due: Vec<(i64, ConnectionId)> = map
            .iter()
            .filter_map(|(id, entry)| {
                let due = entry.due?;
                let free = entry
                    .lease
                    .as_ref()
                    .is_none_or(|(_, until)| *until <= now_ms);
                (due <= now_ms && free).then(|| (due, id.clone()))
            })
            .collect();
        due.sort();
        due.truncate(limit);
        let mut claims = Vec::with_capacity(due.len());
        for (due_ms, id) in due {
            if let Some(entry) = map.get_mut(&id) {
                let taken_over = entry.lease.is_some();
                entry.lease = Some((worker.clone(), until));
                claims.push(Claim::new(
                    Lease::new(id, worker.clone(), until),
                    due_ms,
                    taken_over,
                ));
            }
        }
        claims
    }

    fn finish_now(
        &self,
        lease: &Lease,
        next_due: Option<SystemTime>,
    ) -> Result<(), ConnectorError> {
        let mut map = self.write();
        let Some(entry) = map.get_mut(lease.id()) else {
            return Err(ConnectorError::NotFound(lease.id().to_string()));
        };
        let held = entry
            .lease
            .as_ref()
            .is_some_and(|(owner, until)| owner == lease.owner() && *until == lease.until_millis());
        if !held {
            return Err(ConnectorError::LeaseLost {
                connection: lease.id().to_string(),
                worker: lease.owner().to_string(),
            });
        }
        entry.lease = None;
        if entry.due.is_some() {
            entry.due = next_due.map(unix_millis);
        }
        Ok(())
    }

    fn request_now(&self, id: &ConnectionId, at: SystemTime) -> bool {
        let at = unix_millis(at);
        let mut map = self.write();
        match map.get_mut(id).and_then(|entry| entry.due.as_mut()) {
            Some(due) => {
                *due = (*due).min(at);
                true
            }
            None => false,
        }
    }

    fn stats_now(&self, now: SystemTime) -> QueueStats {
        let now_ms = unix_millis(now);
        let map = self.read();
        let mut due = 0;
        let mut oldest: Option<i64> = None;
        let mut leased = 0;
        let mut states: Vec<(ConnectionState, u64)> =
            ConnectionState::ALL.iter().map(|s| (*s, 0)).collect();
        for entry in map.values() {
            let live_lease = entry
                .lease
                .as_ref()
                .is_some_and(|(_, until)| *until > now_ms);
            if live_lease {
                leased += 1;
            } else if let Some(at) = entry.due.filter(|at| *at <= now_ms) {
                due += 1;
                oldest = Some(oldest.map_or(at, |o| o.min(at)));
            }
            if let Some((_, count)) = states
                .iter_mut()
                .find(|(s, _)| *s == entry.connection.state())
            {
                *count += 1;
            }
        }
        QueueStats::new(
            due,
            oldest,
            leased,
            states.into_iter().filter(|(_, n)| *n > 0),
        )
    }
}

impl CheckQueue for InMemoryConnectionStore {
    fn claim_due<'a>(
        &'a self,
        worker: &'a WorkerId,
        now: SystemTime,
        lease_for: Duration,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Claim>, ConnectorError>> {
        Box::pin(std::future::ready(Ok(
            self.claim_now(worker, now, lease_for, limit)
        )))
    }

    fn finish<'a>(
        &'a self,
        lease: &'a Lease,
        next_due: Option<SystemTime>,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(std::future::ready(self.finish_now(lease, next_due)))
    }

    fn request_check<'a>(
        &'a self,
        id: &'a ConnectionId,
        at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        Box::pin(std::future::ready(Ok(self.request_now(id, at))))
    }

    fn queue_stats<'a>(
        &'a self,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<QueueStats, ConnectorError>> {
        Box::pin(std::future::ready(Ok(self.stats_now(now))))
    }
}
