//! The DynamoDB store's health-check schedule: [`CheckQueue`] over the sparse `by_due` index
//! (see [`schedule`](super::schedule) and [`table`](super::table)).
//!
//! - `claim_due` queries every shard of `by_due` for connections due at or before `now`
//!   whose lease is absent or expired (a filter on the projected `lease_until`), merges the
//!   shards' answers earliest first, keeps `limit`, and claims each with a conditional
//!   `UpdateItem`: `due_at = :seen AND (attribute_not_exists(lease_until) OR lease_until <=
//!   :now)`. The condition is what makes a claim exclusive: two workers that saw the same
//!   candidate race on one item write, and the loser's `ConditionalCheckFailedException`
//!   makes it skip the connection. `ReturnValues=UPDATED_OLD` hands back the expired lease a
//!   claim replaced, if any (a takeover).
//! - The index is eventually consistent ("a query on a global secondary index can return stale
//!   data", Developer Guide, *Read consistency for global secondary indexes*): a connection
//!   that just became due (or was just finished) may be seen a moment late, and a candidate
//!   may already be leased when the claim is written; the conditional write, checked against
//!   the item itself, is what guarantees that no connection is held twice.
//! - `finish` removes the lease only while it is the caller's (`lease_owner` and
//!   `lease_until` both equal); it sets the next due time only when the item still has one
//!   (a connection that left the schedule meanwhile stays out). A failed condition reads the
//!   item: missing is `NotFound`, anything else `LeaseLost`.
//! - `queue_stats` reads only indexes, never the table: per shard, the part of `by_due` due
//!   at or before `now` (due time and lease of each entry); per state, a `Select=COUNT`
//!   query of `by_state`. [`DynamoDbConnectionStore`] says what that costs.

use std::time::{Duration, SystemTime};

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, Select};
use connector_core::{
    BoxFuture, CheckQueue, Claim, ConnectionId, ConnectionState, ConnectorError, Lease, QueueStats,
    WorkerId, unix_millis,
};

use super::item::{self, Item};
use super::join::join_all;
use super::schedule::{DUE_AT, DUE_SHARD, LEASE_OWNER, LEASE_UNTIL, due_shard, shards};
use super::table::{DUE_INDEX, STATE_INDEX};
use super::{DynamoDbConnectionStore, unavailable};
use crate::aws_errors::describe;

/// Claims written at once.
const CLAIM_BATCH: usize = 25;

/// The fewest index entries a candidate query reads per page: leased entries at the head of
/// a shard are read and then filtered out ("DynamoDB reads up to six items, and then returns
/// only those that match the filter expression", Developer Guide, *Limiting the number of
/// items in the result set*), so a page sized to the few still wanted would crawl.
const MIN_PAGE: usize = 100;

/// How often `finish` re-reads and retries when the schedule changes under it.
const FINISH_ATTEMPTS: usize = 4;

fn number(item: &Item, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

fn text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)?.as_s().ok().map(String::as_str)
}

fn corrupt(id: &str, detail: &str) -> ConnectorError {
    ConnectorError::CorruptRecord {
        connection: id.to_owned(),
        detail: detail.to_owned(),
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// A candidate read from `by_due`: its due time and id.
fn candidate(row: &Item) -> Result<(i64, ConnectionId), ConnectorError> {
    let id = text(row, item::ID).ok_or_else(|| corrupt("(unknown)", "an index entry has no id"))?;
    let due = number(row, DUE_AT)
        .ok_or_else(|| corrupt(id, "the due time is not a whole number of milliseconds"))?;
    let id = ConnectionId::new(id).map_err(|e| corrupt(id, &e.to_string()))?;
    Ok((due, id))
}

/// What `finish` writes.
#[derive(Debug, Clone, Copy)]
enum Finish {
    /// Next due at this time (the item is still on the schedule).
    Reschedule(i64),
    /// Off the schedule.
    Unschedule,
    /// The lease alone (the item left the schedule while leased).
    Release,
}

impl DynamoDbConnectionStore {
    /// Up to `limit` connections of `shard` due at or before `now_ms` with no live lease,
    /// earliest first (paging on).
    async fn due_in_shard(
        &self,
        shard: String,
        now_ms: i64,
        limit: usize,
    ) -> Result<Vec<(i64, ConnectionId)>, ConnectorError> {
        let mut found = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = limit.saturating_sub(found.len()).max(MIN_PAGE);
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(DUE_INDEX)
                .key_condition_expression("#shard = :shard AND #due <= :now")
                .filter_expression("attribute_not_exists(#until) OR #until <= :now")
                .projection_expression("#id, #due")
                .expression_attribute_names("#shard", DUE_SHARD)
                .expression_attribute_names("#due", DUE_AT)
                .expression_attribute_names("#until", LEASE_UNTIL)
                .expression_attribute_names("#id", item::ID)
                .expression_attribute_values(":shard", AttributeValue::S(shard.clone()))
                .expression_attribute_values(":now", n(now_ms))
                .limit(i32::try_from(page).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable(describe("DynamoDB", "Query", &e)))?;
            for row in output.items() {
                found.push(candidate(row)?);
            }
            match output.last_evaluated_key {
                Some(key) if found.len() < limit && !key.is_empty() => start = Some(key),
                _ => return Ok(found),
            }
        }
    }

    /// Leases `id`, due at `due`, unless another worker holds it or its due time moved since
    /// the index was read: `None` then.
    async fn claim_one(
        &self,
        worker: &WorkerId,
        (due, id): (i64, ConnectionId),
        now_ms: i64,
        until: i64,
    ) -> Result<Option<Claim>, ConnectorError> {
        let written = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(item::ID, AttributeValue::S(id.as_str().to_owned()))
            .update_expression("SET #owner = :owner, #until = :until")
            .condition_expression(
                "#due = :seen AND (attribute_not_exists(#until) OR #until <= :now)",
            )
            .expression_attribute_names("#owner", LEASE_OWNER)
            .expression_attribute_names("#until", LEASE_UNTIL)
            .expression_attribute_names("#due", DUE_AT)
            .expression_attribute_values(":owner", AttributeValue::S(worker.as_str().to_owned()))
            .expression_attribute_values(":until", n(until))
            .expression_attribute_values(":seen", n(due))
            .expression_attribute_values(":now", n(now_ms))
            // "UPDATED_OLD - Returns only the updated attributes, as they appeared before the
            // UpdateItem operation" (API Reference, UpdateItem): a lease there was expired
            // (the condition says so) and is now taken over.
            .return_values(ReturnValue::UpdatedOld)
            .send()
            .await;
        match written {
            Ok(output) => {
                let taken_over = output
                    .attributes
                    .is_some_and(|old| old.contains_key(LEASE_UNTIL));
                Ok(Some(Claim::new(
                    Lease::new(id, worker.clone(), until),
                    due,
                    taken_over,
                )))
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(unavailable(describe("DynamoDB", "UpdateItem", &e))),
        }
    }

    async fn claim_now(
        &self,
        worker: &WorkerId,
        now: SystemTime,
        lease_for: Duration,
        limit: usize,
    ) -> Result<Vec<Claim>, ConnectorError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let now_ms = unix_millis(now);
        let until = now_ms.saturating_add(millis(lease_for));
        let queries = shards()
            .map(|shard| self.due_in_shard(shard, now_ms, limit))
            .collect();
        let mut candidates = Vec::new();
        for found in join_all(queries).await {
            candidates.extend(found?);
        }
        // Earliest due first across the shards (ties by id), then the limit.
        candidates.sort_by(|a, b| (a.0, a.1.as_str()).cmp(&(b.0, b.1.as_str())));
        candidates.truncate(limit);
        let mut claims = Vec::with_capacity(candidates.len());
        let mut failure = None;
        let mut rest = candidates.into_iter().peekable();
        while rest.peek().is_some() {
            let batch = rest
                .by_ref()
                .take(CLAIM_BATCH)
                .map(|c| self.claim_one(worker, c, now_ms, until))
                .collect();
            for outcome in join_all(batch).await {
                match outcome {
                    Ok(Some(claim)) => claims.push(claim),
                    Ok(None) => {}
                    Err(e) => {
                        failure.get_or_insert(e);
                    }
                }
            }
        }
        // The claims made stand even when another write failed: that connection stays due
        // (or, if the failed write landed after all, its lease expires and is taken over).
        match failure {
            Some(e) if claims.is_empty() => Err(e),
            _ => Ok(claims),
        }
    }

    async fn finish_now(
        &self,
        lease: &Lease,
        next_due: Option<SystemTime>,
    ) -> Result<(), ConnectorError> {
        let id = lease.id().as_str();
        let mut step = match next_due {
            Some(at) => Finish::Reschedule(unix_millis(at)),
            None => Finish::Unschedule,
        };
        for _ in 0..FINISH_ATTEMPTS {
            let mut request = self
                .client
                .update_item()
                .table_name(&self.table)
                .key(item::ID, AttributeValue::S(id.to_owned()))
                .expression_attribute_names("#owner", LEASE_OWNER)
                .expression_attribute_names("#until", LEASE_UNTIL)
                .expression_attribute_values(
                    ":owner",
                    AttributeValue::S(lease.owner().as_str().to_owned()),
                )
                .expression_attribute_values(":until", n(lease.until_millis()));
            const HELD: &str = "#owner = :owner AND #until = :until";
            request = match step {
                Finish::Reschedule(at) => request
                    .update_expression("SET #due = :next, #shard = :shard REMOVE #owner, #until")
                    .condition_expression(format!("{HELD} AND attribute_exists(#due)"))
                    .expression_attribute_names("#due", DUE_AT)
                    .expression_attribute_names("#shard", DUE_SHARD)
                    .expression_attribute_values(":next", n(at))
                    .expression_attribute_values(":shard", AttributeValue::S(due_shard(id))),
                Finish::Unschedule => request
                    .update_expression("REMOVE #owner, #until, #due, #shard")
                    .condition_expression(HELD)
                    .expression_attribute_names("#due", DUE_AT)
                    .expression_attribute_names("#shard", DUE_SHARD),
                Finish::Release => request
                    .update_expression("REMOVE #owner, #until")
                    .condition_expression(format!("{HELD} AND attribute_not_exists(#due)"))
                    .expression_attribute_names("#due", DUE_AT),
            };
            match request.send().await {
                Ok(_) => return Ok(()),
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(unavailable(describe("DynamoDB", "UpdateItem", &e))),
            }
            // Why did it fail? A consistent read says.
            let Some(item) = self.get_item(id).await? else {
                return Err(ConnectorError::NotFound(id.to_owned()));
            };
            let held = text(&item, LEASE_OWNER) == Some(lease.owner().as_str())
                && number(&item, LEASE_UNTIL) == Some(lease.until_millis());
            if !held {
                return Err(ConnectorError::LeaseLost {
                    connection: id.to_owned(),
                    worker: lease.owner().to_string(),
                });
            }
            // Still ours: the schedule changed between the write and the read (the record
            // left it, or came back); write what fits the item now.
            step = match (next_due, item.contains_key(DUE_AT)) {
                (Some(at), true) => Finish::Reschedule(unix_millis(at)),
                (Some(_), false) => Finish::Release,
                (None, _) => Finish::Unschedule,
            };
        }
        Err(unavailable(format!(
            "DynamoDB: the schedule of {id} kept changing while its lease was finished; the lease stays until it expires"
        )))
    }

    async fn request_now(&self, id: &ConnectionId, at: SystemTime) -> Result<bool, ConnectorError> {
        let written = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(item::ID, AttributeValue::S(id.as_str().to_owned()))
            .update_expression("SET #due = :at")
            .condition_expression("attribute_exists(#due) AND #due > :at")
            .expression_attribute_names("#due", DUE_AT)
            .expression_attribute_values(":at", n(unix_millis(at)))
            .send()
            .await;
        match written {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                // Already due by then (true), or not on the schedule (false).
                Ok(self
                    .get_item(id.as_str())
                    .await?
                    .is_some_and(|item| item.contains_key(DUE_AT)))
            }
            Err(e) => Err(unavailable(describe("DynamoDB", "UpdateItem", &e))),
        }
    }

    /// `shard`'s entries due at or before `now_ms`: how many are free (and the earliest of
    /// those), how many leased.
    async fn shard_stats(
        &self,
        shard: String,
        now_ms: i64,
    ) -> Result<(u64, Option<i64>, u64), ConnectorError> {
        let (mut due, mut oldest, mut leased) = (0u64, None::<i64>, 0u64);
        let mut start: Option<Item> = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(DUE_INDEX)
                .key_condition_expression("#shard = :shard AND #due <= :now")
                .projection_expression("#due, #until")
                .expression_attribute_names("#shard", DUE_SHARD)
                .expression_attribute_names("#due", DUE_AT)
                .expression_attribute_names("#until", LEASE_UNTIL)
                .expression_attribute_values(":shard", AttributeValue::S(shard.clone()))
                .expression_attribute_values(":now", n(now_ms))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable(describe("DynamoDB", "Query", &e)))?;
            for row in output.items() {
                if number(row, LEASE_UNTIL).is_some_and(|until| until > now_ms) {
                    leased += 1;
                } else if let Some(at) = number(row, DUE_AT) {
                    due += 1;
                    oldest = Some(oldest.map_or(at, |o| o.min(at)));
                }
            }
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok((due, oldest, leased)),
            }
        }
    }

    /// How many connections are in `state` (a `Select=COUNT` query of `by_state`, paged).
    async fn count_state(&self, state: ConnectionState) -> Result<u64, ConnectorError> {
        let mut count = 0u64;
        let mut start: Option<Item> = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(STATE_INDEX)
                .key_condition_expression("#state = :state")
                .expression_attribute_names("#state", item::STATE)
                .expression_attribute_values(":state", AttributeValue::S(state.name().to_owned()))
                .select(Select::Count)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable(describe("DynamoDB", "Query", &e)))?;
            count += u64::try_from(output.count).unwrap_or(0);
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(count),
            }
        }
    }

    async fn stats_now(&self, now: SystemTime) -> Result<QueueStats, ConnectorError> {
        let now_ms = unix_millis(now);
        let shard_queries = shards().map(|s| self.shard_stats(s, now_ms)).collect();
        let state_queries = ConnectionState::ALL
            .iter()
            .map(|s| async move { Ok::<_, ConnectorError>((*s, self.count_state(*s).await?)) })
            .collect();
        let per_shard = join_all(shard_queries).await;
        let per_state = join_all(state_queries).await;
        let (mut due, mut oldest, mut leased) = (0u64, None::<i64>, 0u64);
        for shard in per_shard {
            let (d, o, l) = shard?;
            due += d;
            leased += l;
            oldest = match (oldest, o) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let mut states = Vec::new();
        for state in per_state {
            let (state, count) = state?;
            if count > 0 {
                states.push((state, count));
            }
        }
        Ok(QueueStats::new(due, oldest, leased, states))
    }
}

impl CheckQueue for DynamoDbConnectionStore {
    fn claim_due<'a>(
        &'a self,
        worker: &'a WorkerId,
        now: SystemTime,
        lease_for: Duration,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Claim>, ConnectorError>> {
        Box::pin(self.claim_now(worker, now, lease_for, limit))
    }

    fn finish<'a>(
        &'a self,
        lease: &'a Lease,
        next_due: Option<SystemTime>,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        Box::pin(self.finish_now(lease, next_due))
    }

    fn request_check<'a>(
        &'a self,
        id: &'a ConnectionId,
        at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        Box::pin(self.request_now(id, at))
    }

    fn queue_stats<'a>(
        &'a self,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<QueueStats, ConnectorError>> {
        Box::pin(self.stats_now(now))
    }
}
