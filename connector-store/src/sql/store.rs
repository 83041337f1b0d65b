//! The SQL store, written once for both drivers: `sql_store!(Type, Database)` implements
//! [`ConnectionStore`](connector_core::ConnectionStore) and `rekey` for a struct holding
//! `pool: sqlx::Pool<Database>` and `envelope: Arc<Envelope>`. Every write keeps the
//! health-check schedule's rule (see `queue.rs`); `rekey` rewrites only the sealed column,
//! so it leaves the schedule and the leases alone.

/// Implements the store for one sqlx driver.
macro_rules! sql_store {
    ($store:ident, $db:ty) => {
        impl $store {
            async fn open_row(
                &self,
                (id, revision, state, account_id, sealed): $crate::sql::rows::Row,
            ) -> Result<connector_core::Connection, connector_core::ConnectorError> {
                let revision = $crate::columns::stored_revision(&id, revision)?;
                let connection = self.envelope.open(&id, revision, &sealed).await?;
                $crate::columns::check_agrees(&connection, &state, account_id.as_deref())?;
                Ok(connection)
            }

            /// Seals every record written under a retired master key again under the
            /// current one (see [`RekeyReport`](crate::RekeyReport)). Safe to run while
            /// workers write; run it until `records_rewritten` is 0 before dropping a
            /// retired key.
            pub async fn rekey(
                &self,
            ) -> Result<$crate::RekeyReport, connector_core::ConnectorError> {
                let mut report = $crate::RekeyReport::default();
                let mut after = String::new();
                loop {
                    let rows: Vec<$crate::sql::rows::Row> = sqlx::query_as(&format!(
                        "SELECT {} FROM {} WHERE id > $1 ORDER BY id LIMIT 500",
                        $crate::sql::rows::ROW_COLUMNS,
                        $crate::sql::TABLE
                    ))
                    .bind(after.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err($crate::sql::errors::unavailable)?;
                    let Some(last) = rows.last() else {
                        return Ok(report);
                    };
                    after = last.0.clone();
                    for row in rows {
                        report.examined();
                        if !self.envelope.needs_rekey(&row.4) {
                            continue;
                        }
                        let old = row.4.clone();
                        let stored_revision = row.1;
                        let connection = self.open_row(row).await?;
                        let sealed = self.envelope.seal(&connection).await?;
                        let done = sqlx::query(&format!(
                            "UPDATE {} SET sealed = $1 WHERE id = $2 AND revision = $3 AND sealed = $4",
                            $crate::sql::TABLE
                        ))
                        .bind(sealed)
                        .bind(connection.id().as_str())
                        .bind(stored_revision)
                        .bind(old)
                        .execute(&self.pool)
                        .await
                        .map_err($crate::sql::errors::unavailable)?;
                        if done.rows_affected() == 1 {
                            report.rewritten();
                        } else {
                            report.changed_meanwhile();
                        }
                    }
                }
            }

            async fn create_now(
                &self,
                connection: &connector_core::Connection,
            ) -> Result<(), connector_core::ConnectorError> {
                connection.validate()?;
                let columns = $crate::columns::Columns::of(connection)?;
                let sealed = self.envelope.seal(connection).await?;
                sqlx::query(&format!(
                    "INSERT INTO {} (id, state, account_id, revision, created_at, updated_at, state_since, sealed, due_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    $crate::sql::TABLE
                ))
                .bind(columns.id.as_str())
                .bind(columns.state)
                .bind(columns.account_id.as_deref())
                .bind(columns.revision)
                .bind(columns.created_at)
                .bind(columns.updated_at)
                .bind(columns.state_since)
                .bind(sealed)
                .bind(
                    connection
                        .is_health_checked()
                        .then_some($crate::sql::queue::written_due(connection)),
                )
                .execute(&self.pool)
                .await
                .map_err(|e| $crate::sql::errors::on_create(e, &columns.id))?;
                Ok(())
            }

            async fn get_now(
                &self,
                id: &connector_core::ConnectionId,
            ) -> Result<Option<connector_core::Connection>, connector_core::ConnectorError> {
                let row: Option<$crate::sql::rows::Row> = sqlx::query_as(&format!(
                    "SELECT {} FROM {} WHERE id = $1",
                    $crate::sql::rows::ROW_COLUMNS,
                    $crate::sql::TABLE
                ))
                .bind(id.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::sql::errors::unavailable)?;
                match row {
                    Some(row) => self.open_row(row).await.map(Some),
                    None => Ok(None),
                }
            }

            async fn swap_now(
                &self,
                expected_revision: u64,
                new: &connector_core::Connection,
            ) -> Result<(), connector_core::ConnectorError> {
                connector_core::check_next_revision(expected_revision, new)?;
                new.validate()?;
                let columns = $crate::columns::Columns::of(new)?;
                let expected = $crate::columns::revision_column(expected_revision)?;
                let sealed = self.envelope.seal(new).await?;
                let done = sqlx::query(&format!(
                    "UPDATE {} SET state = $1, account_id = $2, revision = $3, updated_at = $4, \
                     state_since = $5, sealed = $6, \
                     due_at = CASE WHEN $9 THEN COALESCE(due_at, $10) ELSE NULL END \
                     WHERE id = $7 AND revision = $8",
                    $crate::sql::TABLE
                ))
                .bind(columns.state)
                .bind(columns.account_id.as_deref())
                .bind(columns.revision)
                .bind(columns.updated_at)
                .bind(columns.state_since)
                .bind(sealed)
                .bind(columns.id.as_str())
                .bind(expected)
                // The schedule rule of `CheckQueue`: a health-checked record keeps its due
                // time (or is due at its update time), any other leaves the schedule; the
                // lease is left alone.
                .bind(new.is_health_checked())
                .bind($crate::sql::queue::written_due(new))
                .execute(&self.pool)
                .await
                .map_err($crate::sql::errors::unavailable)?;
                if done.rows_affected() == 1 {
                    return Ok(());
                }
                let stored: Option<(i64,)> = sqlx::query_as(&format!(
                    "SELECT revision FROM {} WHERE id = $1",
                    $crate::sql::TABLE
                ))
                .bind(columns.id.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err($crate::sql::errors::unavailable)?;
                match stored {
                    None => Err(connector_core::ConnectorError::NotFound(columns.id)),
                    Some((actual,)) => Err(connector_core::ConnectorError::Conflict {
                        actual: $crate::columns::stored_revision(&columns.id, actual)?,
                        connection: columns.id,
                        expected: expected_revision,
                    }),
                }
            }

            async fn delete_now(
                &self,
                id: &connector_core::ConnectionId,
            ) -> Result<bool, connector_core::ConnectorError> {
                let done = sqlx::query(&format!("DELETE FROM {} WHERE id = $1", $crate::sql::TABLE))
                    .bind(id.as_str())
                    .execute(&self.pool)
                    .await
                    .map_err($crate::sql::errors::unavailable)?;
                Ok(done.rows_affected() > 0)
            }

            async fn list_now(
                &self,
                query: &connector_core::ListQuery,
            ) -> Result<connector_core::Page, connector_core::ConnectorError> {
                let mut sql = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM {} WHERE 1 = 1",
                    $crate::sql::rows::ROW_COLUMNS,
                    $crate::sql::TABLE
                ));
                if !query.states().is_empty() {
                    sql.push(" AND state IN (");
                    let mut states = sql.separated(", ");
                    for state in query.states() {
                        states.push_bind(state.name());
                    }
                    sql.push(")");
                }
                if let Some(cursor) = query.cursor() {
                    sql.push(" AND id > ");
                    sql.push_bind(cursor.last_id().as_str().to_owned());
                }
                sql.push(" ORDER BY id LIMIT ");
                sql.push_bind(i64::try_from(query.limit()).unwrap_or(i64::MAX));
                let rows: Vec<$crate::sql::rows::Row> = sql
                    .build_query_as()
                    .fetch_all(&self.pool)
                    .await
                    .map_err($crate::sql::errors::unavailable)?;
                let mut connections = Vec::with_capacity(rows.len());
                for row in rows {
                    connections.push(self.open_row(row).await?);
                }
                Ok(connector_core::Page::new(connections, query))
            }
        }

        impl connector_core::ConnectionStore for $store {
            fn create<'a>(
                &'a self,
                connection: &'a connector_core::Connection,
            ) -> connector_core::BoxFuture<'a, Result<(), connector_core::ConnectorError>> {
                Box::pin(self.create_now(connection))
            }

            fn get<'a>(
                &'a self,
                id: &'a connector_core::ConnectionId,
            ) -> connector_core::BoxFuture<
                'a,
                Result<Option<connector_core::Connection>, connector_core::ConnectorError>,
            > {
                Box::pin(self.get_now(id))
            }

            fn compare_and_swap<'a>(
                &'a self,
                expected_revision: u64,
                new: &'a connector_core::Connection,
            ) -> connector_core::BoxFuture<'a, Result<(), connector_core::ConnectorError>> {
                Box::pin(self.swap_now(expected_revision, new))
            }

            fn delete<'a>(
                &'a self,
                id: &'a connector_core::ConnectionId,
            ) -> connector_core::BoxFuture<'a, Result<bool, connector_core::ConnectorError>> {
                Box::pin(self.delete_now(id))
            }

            fn list<'a>(
                &'a self,
                query: &'a connector_core::ListQuery,
            ) -> connector_core::BoxFuture<
                'a,
                Result<connector_core::Page, connector_core::ConnectorError>,
            > {
                Box::pin(self.list_now(query))
            }
        }
    };
}
