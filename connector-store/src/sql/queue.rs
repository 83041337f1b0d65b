//! The health-check schedule of the SQL stores ([`CheckQueue`](connector_core::CheckQueue)),
//! kept in three clear columns beside each record: `due_at` (when the next check is due),
//! `lease_owner` and `lease_until` (who holds the connection, until when), all in Unix
//! milliseconds, with a partial index on `due_at` for the claim. `sql_queue!(Type)`
//! implements the trait for a store whose type also has a `claim_now` (the one statement
//! that differs per driver: Postgres claims with `FOR UPDATE SKIP LOCKED`, SQLite inside
//! `BEGIN IMMEDIATE`). `finish`, `request_check` and `queue_stats` are each one conditional
//! statement (or read-only), so they are atomic on both.

use std::time::{Duration, SystemTime};

use connector_core::{Claim, Connection, ConnectionId, ConnectorError, Lease, WorkerId};

/// The due time a write gives a health-checked record that had none: its update time.
pub(crate) fn written_due(connection: &Connection) -> i64 {
    connection.updated_at().0.saturating_mul(1_000)
}

/// What a claim works with, as the databases store it: `now` and the lease's end in Unix
/// milliseconds, and the limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClaimWindow {
    pub(crate) now: i64,
    pub(crate) until: i64,
    pub(crate) limit: i64,
}

impl ClaimWindow {
    pub(crate) fn new(now: SystemTime, lease_for: Duration, limit: usize) -> ClaimWindow {
        let now = connector_core::unix_millis(now);
        let lease = i64::try_from(lease_for.as_millis()).unwrap_or(i64::MAX);
        ClaimWindow {
            now,
            until: now.saturating_add(lease),
            limit: i64::try_from(limit).unwrap_or(i64::MAX),
        }
    }
}

/// A claimed row: its id, its due time, and the lease it had before (an expired one, or
/// none).
pub(crate) type ClaimedRow = (String, i64, Option<i64>);

/// The claims for `rows`, earliest due first (then by id, as the claim orders them).
pub(crate) fn claims(
    worker: &WorkerId,
    window: ClaimWindow,
    mut rows: Vec<ClaimedRow>,
) -> Result<Vec<Claim>, ConnectorError> {
    rows.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    rows.into_iter()
        .map(|(id, due, old_lease)| {
            let id = ConnectionId::new(&id).map_err(|e| ConnectorError::CorruptRecord {
                connection: id.clone(),
                detail: format!("the stored id is not a connection id: {e}"),
            })?;
            Ok(Claim::new(
                Lease::new(id, worker.clone(), window.until),
                due,
                old_lease.is_some(),
            ))
        })
        .collect()
}

/// A stored count, which must not be negative.
pub(crate) fn count(what: &str, value: i64) -> Result<u64, ConnectorError> {
    u64::try_from(value).map_err(|_| ConnectorError::StoreUnavailable {
        message: format!("the database counted {value} {what}"),
    })
}

/// Implements [`CheckQueue`](connector_core::CheckQueue) for one sqlx driver (the store type
/// has `pool`, and `claim_now(&self, &WorkerId, ClaimWindow)`).
macro_rules! sql_queue {
    ($store:ident) => {
        impl $store {
            async fn finish_now(
                &self,
                lease: &connector_core::Lease,
                next_due: Option<std::time::SystemTime>,
            ) -> Result<(), connector_core::ConnectorError> {
                // Only while the lease is still the caller's; a connection that left the
                // schedule meanwhile (due_at NULL) stays out of it.
                let done = sqlx::query(&format!(
                    "UPDATE {} SET lease_owner = NULL, lease_until = NULL, \
                     due_at = CASE WHEN due_at IS NULL THEN NULL ELSE $1 END \
                     WHERE id = $2 AND lease_owner = $3 AND lease_until = $4",
                    $crate::sql::TABLE
                ))
                .bind(next_due.map(connector_core::unix_millis))
                .bind(lease.id().as_str())
                .bind(lease.owner().as_str())
                .bind(lease.until_millis())
                .execute(&self.pool)
                .await
                .map_err($crate::sql::errors::unavailable)?;
                if done.rows_affected() > 0 {
                    return Ok(());
                }
                let exists: Option<(i64,)> = sqlx::query_as(&format!(
                    "SELECT revision FROM {} WHERE id = $1",
                    $crate::sql::TABLE
                ))
                .bind(lease.id().as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::sql::errors::unavailable)?;
                match exists {
                    None => Err(connector_core::ConnectorError::NotFound(
                        lease.id().to_string(),
                    )),
                    Some(_) => Err(connector_core::ConnectorError::LeaseLost {
                        connection: lease.id().to_string(),
                        worker: lease.owner().to_string(),
                    }),
                }
            }

            async fn request_now(
                &self,
                id: &connector_core::ConnectionId,
                at: std::time::SystemTime,
            ) -> Result<bool, connector_core::ConnectorError> {
                // The due time only moves earlier; a connection off the schedule stays off.
                let done = sqlx::query(&format!(
                    "UPDATE {} SET due_at = CASE WHEN due_at > $1 THEN $1 ELSE due_at END \
                     WHERE id = $2 AND due_at IS NOT NULL",
                    $crate::sql::TABLE
                ))
                .bind(connector_core::unix_millis(at))
                .bind(id.as_str())
                .execute(&self.pool)
                .await
                .map_err($crate::sql::errors::unavailable)?;
                Ok(done.rows_affected() > 0)
            }

            async fn stats_now(
                &self,
                now: std::time::SystemTime,
            ) -> Result<connector_core::QueueStats, connector_core::ConnectorError> {
                let now = connector_core::unix_millis(now);
                let (due, oldest): (i64, Option<i64>) = sqlx::query_as(&format!(
                    "SELECT COUNT(*), MIN(due_at) FROM {} \
                     WHERE due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)",
                    $crate::sql::TABLE
                ))
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::sql::errors::unavailable)?;
                let (leased,): (i64,) = sqlx::query_as(&format!(
                    "SELECT COUNT(*) FROM {} WHERE lease_until > $1",
                    $crate::sql::TABLE
                ))
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::sql::errors::unavailable)?;
                // The state is in clear; an unknown one is a corrupt row, named by an id.
                let rows: Vec<(String, i64, String)> = sqlx::query_as(&format!(
                    "SELECT state, COUNT(*), MIN(id) FROM {} GROUP BY state",
                    $crate::sql::TABLE
                ))
                .fetch_all(&self.pool)
                .await
                .map_err($crate::sql::errors::unavailable)?;
                let mut states = Vec::with_capacity(rows.len());
                for (state, n, some_id) in rows {
                    let state = state
                        .parse::<connector_core::ConnectionState>()
                        .map_err(|e| connector_core::ConnectorError::CorruptRecord {
                            connection: some_id,
                            detail: format!("the stored state: {e}"),
                        })?;
                    states.push((state, $crate::sql::queue::count("connections", n)?));
                }
                Ok(connector_core::QueueStats::new(
                    $crate::sql::queue::count("due connections", due)?,
                    oldest,
                    $crate::sql::queue::count("leased connections", leased)?,
                    states,
                ))
            }
        }

        impl connector_core::CheckQueue for $store {
            fn claim_due<'a>(
                &'a self,
                worker: &'a connector_core::WorkerId,
                now: std::time::SystemTime,
                lease_for: std::time::Duration,
                limit: usize,
            ) -> connector_core::BoxFuture<
                'a,
                Result<Vec<connector_core::Claim>, connector_core::ConnectorError>,
            > {
                let window = $crate::sql::queue::ClaimWindow::new(now, lease_for, limit);
                Box::pin(async move {
                    if window.limit == 0 {
                        return Ok(Vec::new());
                    }
                    let rows = self.claim_now(worker, window).await?;
                    $crate::sql::queue::claims(worker, window, rows)
                })
            }

            fn finish<'a>(
                &'a self,
                lease: &'a connector_core::Lease,
                next_due: Option<std::time::SystemTime>,
            ) -> connector_core::BoxFuture<'a, Result<(), connector_core::ConnectorError>> {
                Box::pin(self.finish_now(lease, next_due))
            }

            fn request_check<'a>(
                &'a self,
                id: &'a connector_core::ConnectionId,
                at: std::time::SystemTime,
            ) -> connector_core::BoxFuture<'a, Result<bool, connector_core::ConnectorError>> {
                Box::pin(self.request_now(id, at))
            }

            fn queue_stats<'a>(
                &'a self,
                now: std::time::SystemTime,
            ) -> connector_core::BoxFuture<
                'a,
                Result<connector_core::QueueStats, connector_core::ConnectorError>,
            > {
                Box::pin(self.stats_now(now))
            }
        }
    };
}
