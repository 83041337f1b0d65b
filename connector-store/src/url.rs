//! `StoreUrl` and [`AnyStore`]: a store chosen by a URL, as an operator types it
//! (`sqlite:PATH`, `postgres://…`, `dynamodb://TABLE?region=R`), opened behind one type.

use std::path::PathBuf;
use std::sync::Arc;

use std::time::{Duration, SystemTime};

use connector_core::{
    BoxFuture, CheckQueue, Claim, Connection, ConnectionId, ConnectionStore, ConnectorError, Lease,
    ListQuery, Page, QueueStats, WorkerId,
};

#[allow(unused_imports, reason = "used by the backends compiled in")]
use crate::{Envelope, KeyProvider, RekeyReport};

/// Where connections are kept, as a URL:
///
/// - `sqlite:PATH` (or `sqlite://PATH`): a SQLite file, created when missing;
/// - `postgres://user[:password]@host[:port]/database[?sslmode=…]` (or `postgresql://`);
/// - `dynamodb://TABLE[?region=REGION]`: a DynamoDB table (credentials, and an endpoint
///   override in `AWS_ENDPOINT_URL`, from the environment as the AWS CLI reads them).
///
/// ```
/// use connector_store::StoreUrl;
/// assert!(matches!("sqlite:/var/lib/connector/connections.db".parse()?, StoreUrl::Sqlite(_)));
/// assert!(matches!("dynamodb://connector-connections?region=eu-west-1".parse()?, StoreUrl::DynamoDb { .. }));
/// let err = "mysql://db/x".parse::<StoreUrl>().unwrap_err();
/// assert!(err.to_string().contains("store URL"));
/// # Ok::<(), connector_core::ConnectorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreUrl {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A Postgres database (the URL as given; it may hold a password, so it is never
    /// printed by this type's `Display`).
    Postgres(String),
    /// A DynamoDB table.
    DynamoDb {
        /// The table.
        table: String,
        /// The region, when not the environment's.
        region: Option<connector_core::Region>,
    },
}

const RULE: &str = "a store URL is sqlite:PATH, postgres://…, or dynamodb://TABLE[?region=REGION]";

fn invalid(value: &str, rule: &str) -> ConnectorError {
    // A Postgres URL may hold a password: quote only its scheme.
    let shown = match value.split_once("://") {
        Some((scheme, _)) => format!("{scheme}://…"),
        None => value.chars().take(64).collect(),
    };
    ConnectorError::invalid("store URL", &shown, rule)
}

fn valid_table(table: &str) -> bool {
    // DynamoDB: "3 to 255 characters … a-z, A-Z, 0-9, _ (underscore), - (dash), and .
    // (dot)" (Amazon DynamoDB Developer Guide, *Naming rules*).
    (3..=255).contains(&table.len())
        && table
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

impl std::str::FromStr for StoreUrl {
    type Err = ConnectorError;

    fn from_str(url: &str) -> Result<StoreUrl, ConnectorError> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(invalid(url, "sqlite:PATH names a file"));
            }
            return Ok(StoreUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(StoreUrl::Postgres(url.to_owned()));
        }
        if let Some(rest) = url.strip_prefix("dynamodb://") {
            let (table, query) = rest.split_once('?').unwrap_or((rest, ""));
            if !valid_table(table) {
                return Err(invalid(
                    url,
                    "a DynamoDB table name is 3 to 255 letters, digits, '_', '-' and '.'",
                ));
            }
            let mut region = None;
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                match pair.split_once('=') {
                    Some(("region", value)) => region = Some(value.parse()?),
                    _ => {
                        return Err(invalid(
                            url,
                            "the only DynamoDB URL parameter is region=REGION",
                        ));
                    }
                }
            }
            return Ok(StoreUrl::DynamoDb {
                table: table.to_owned(),
                region,
            });
        }
        Err(invalid(url, RULE))
    }
}

impl std::fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreUrl::Postgres(url) => {
                // Never the password: the host and database only.
                let after = url.split_once("://").map_or("", |(_, rest)| rest);
                let host = after.rsplit_once('@').map_or(after, |(_, host)| host);
                let host = host.split_once('?').map_or(host, |(h, _)| h);
                write!(f, "postgres://{host}")
            }
            StoreUrl::DynamoDb { table, region } => match region {
                Some(region) => write!(f, "dynamodb://{table}?region={region}"),
                None => write!(f, "dynamodb://{table}"),
            },
        }
    }
}

/// A store opened from a [`StoreUrl`]: whichever backend the URL names, behind
/// [`ConnectionStore`] and [`CheckQueue`], with `rekey`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AnyStore {
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(crate::SqliteConnectionStore),
    /// Postgres.
    #[cfg(feature = "postgres")]
    Postgres(crate::PostgresConnectionStore),
    /// DynamoDB.
    #[cfg(feature = "dynamodb")]
    DynamoDb(crate::DynamoDbConnectionStore),
}

fn not_built(backend: &str, feature: &str) -> ConnectorError {
    ConnectorError::invalid(
        "store URL",
        backend,
        format!("this build has no {backend} store (crate feature `{feature}`)"),
    )
}

impl AnyStore {
    /// Opens the store `url` names, sealing records with data keys from `keys` (SQLite
    /// files are created, SQL migrations applied; a DynamoDB table must exist).
    pub async fn open(
        url: &StoreUrl,
        keys: Arc<dyn KeyProvider>,
    ) -> Result<AnyStore, ConnectorError> {
        #[allow(unused_variables, reason = "unused when no backend is compiled in")]
        let envelope = Arc::new(Envelope::new(keys));
        match url {
            #[cfg(feature = "sqlite")]
            StoreUrl::Sqlite(path) => crate::SqliteConnectionStore::open_with(
                crate::SqliteOptions::new(path.clone()),
                envelope,
            )
            .await
            .map(AnyStore::Sqlite),
            #[cfg(feature = "postgres")]
            StoreUrl::Postgres(url) => crate::PostgresConnectionStore::connect_with(url, envelope)
                .await
                .map(AnyStore::Postgres),
            #[cfg(feature = "dynamodb")]
            StoreUrl::DynamoDb { table, region } => {
                let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
                if let Some(region) = region {
                    loader = loader.region(aws_config::Region::new(region.as_str().to_owned()));
                }
                let config = loader.load().await;
                Ok(AnyStore::DynamoDb(crate::DynamoDbConnectionStore::new(
                    aws_sdk_dynamodb::Client::new(&config),
                    table.clone(),
                    envelope,
                )))
            }
            #[allow(
                unreachable_patterns,
                reason = "reachable when a backend is not compiled in"
            )]
            StoreUrl::Sqlite(_) => Err(not_built("SQLite", "sqlite")),
            #[allow(
                unreachable_patterns,
                reason = "reachable when a backend is not compiled in"
            )]
            StoreUrl::Postgres(_) => Err(not_built("Postgres", "postgres")),
            #[allow(
                unreachable_patterns,
                reason = "reachable when a backend is not compiled in"
            )]
            StoreUrl::DynamoDb { .. } => Err(not_built("DynamoDB", "dynamodb")),
        }
    }

    fn inner(&self) -> &dyn ConnectionStore {
        match self {
            #[cfg(feature = "sqlite")]
            AnyStore::Sqlite(store) => store,
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(store) => store,
            #[cfg(feature = "dynamodb")]
            AnyStore::DynamoDb(store) => store,
        }
    }

    /// The store's health-check schedule; an error for a backend that keeps none yet.
    fn queue(&self) -> Result<&dyn CheckQueue, ConnectorError> {
        match self {
            #[cfg(feature = "sqlite")]
            AnyStore::Sqlite(store) => Ok(store),
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(store) => Ok(store),
            // TODO(merged with the DynamoDB queue): `Ok(store)` once
            // DynamoDbConnectionStore implements CheckQueue (written on another branch).
            #[cfg(feature = "dynamodb")]
            AnyStore::DynamoDb(_) => Err(ConnectorError::StoreUnavailable {
                message: "the DynamoDB store keeps no health-check schedule yet".to_owned(),
            }),
        }
    }

    /// Seals every record under the key provider's current master key (see
    /// [`RekeyReport`]).
    pub async fn rekey(&self) -> Result<RekeyReport, ConnectorError> {
        match self {
            #[cfg(feature = "sqlite")]
            AnyStore::Sqlite(store) => store.rekey().await,
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(store) => store.rekey().await,
            #[cfg(feature = "dynamodb")]
            AnyStore::DynamoDb(store) => store.rekey().await,
        }
    }
}

impl ConnectionStore for AnyStore {
    fn create<'a>(
        &'a self,
        connection: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        self.inner().create(connection)
    }

    fn get<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> BoxFuture<'a, Result<Option<Connection>, ConnectorError>> {
        self.inner().get(id)
    }

    fn compare_and_swap<'a>(
        &'a self,
        expected_revision: u64,
        new: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        self.inner().compare_and_swap(expected_revision, new)
    }

    fn delete<'a>(&'a self, id: &'a ConnectionId) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        self.inner().delete(id)
    }

    fn list<'a>(&'a self, query: &'a ListQuery) -> BoxFuture<'a, Result<Page, ConnectorError>> {
        self.inner().list(query)
    }
}

/// A failed queue call, as the trait's future.
fn failed<'a, T: Send + 'a>(error: ConnectorError) -> BoxFuture<'a, Result<T, ConnectorError>> {
    Box::pin(std::future::ready(Err(error)))
}

impl CheckQueue for AnyStore {
    fn claim_due<'a>(
        &'a self,
        worker: &'a WorkerId,
        now: SystemTime,
        lease_for: Duration,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Claim>, ConnectorError>> {
        match self.queue() {
            Ok(queue) => queue.claim_due(worker, now, lease_for, limit),
            Err(e) => failed(e),
        }
    }

    fn finish<'a>(
        &'a self,
        lease: &'a Lease,
        next_due: Option<SystemTime>,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        match self.queue() {
            Ok(queue) => queue.finish(lease, next_due),
            Err(e) => failed(e),
        }
    }

    fn request_check<'a>(
        &'a self,
        id: &'a ConnectionId,
        at: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        match self.queue() {
            Ok(queue) => queue.request_check(id, at),
            Err(e) => failed(e),
        }
    }

    fn queue_stats<'a>(
        &'a self,
        now: SystemTime,
    ) -> BoxFuture<'a, Result<QueueStats, ConnectorError>> {
        match self.queue() {
            Ok(queue) => queue.queue_stats(now),
            Err(e) => failed(e),
        }
    }
}
