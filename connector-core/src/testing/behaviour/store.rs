//! The contract every [`ConnectionStore`] keeps, as one suite: run it on the in-memory store
//! here and on each durable store in its own tests.
//!
//! Checks, in order:
//! - `create_and_get`: a created record reads back equal; a missing id reads as `None`;
//! - `create_refuses_existing`: a second create of the id is `AlreadyExists` and changes
//!   nothing;
//! - `compare_and_swap`: the swap from the stored revision wins, a second swap from the same
//!   revision is a `Conflict` naming both revisions and changes nothing, a record whose
//!   revision is not the expected one plus one is refused (`InvalidValue`), a swap of a
//!   missing id is `NotFound`;
//! - `concurrent_writers`: several writers (8 by default) each make 100 read-apply-swap
//!   updates of one connection, retrying on conflicts, and none is lost: the final revision
//!   is the first plus every update;
//! - `list_pagination`: listing 25 connections 7 at a time, while new ones are inserted before
//!   and after the cursor between pages, returns each of the 25 exactly once, in id order,
//!   no page over the limit, and ends;
//! - `list_by_state`: a listing filtered by state returns exactly the connections in those
//!   states, across pages;
//! - `cursor_text`: a cursor read back from its text resumes at the same place;
//! - `delete`: delete reports whether the id existed and the record is gone;
//! - `corrupt_record` (when the fixture can damage a stored record): reading it is
//!   `CorruptRecord`, never a record and never a panic, and listing over it is too.
//!
//! Every id the suite uses starts with the fixture's prefix, so a store holding other data
//! can run it, and so can two runs on one store with different prefixes.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::{ContractReport, ContractViolation, violation};
use crate::{
    BoxFuture, Connection, ConnectionEvent, ConnectionId, ConnectionState, ConnectionStore,
    ConnectorError, Diagnosis, DiagnosisCode, ListCursor, ListQuery, Timestamp,
};

/// Runs a future to completion on the caller's executor (e.g. `tokio::spawn` and a join), so
/// the suite's writers run in parallel; the returned future completes when it does.
pub type Spawner = Arc<dyn Fn(BoxFuture<'static, ()>) -> BoxFuture<'static, ()> + Send + Sync>;

/// Damages the stored record of an id in place (garbles its bytes, breaks its encryption, sets
/// a field against the rules), the way a bad backup or a bug would.
pub type Corruptor = Arc<dyn Fn(&ConnectionId) -> BoxFuture<'static, ()> + Send + Sync>;

/// What the suite runs against.
///
/// ```
/// use std::sync::Arc;
/// use connector_core::InMemoryConnectionStore;
/// use connector_core::testing::behaviour::{StoreFixture, store_contract};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let fixture = StoreFixture::new(Arc::new(InMemoryConnectionStore::new()));
/// let report = tokio::runtime::Builder::new_current_thread().build()?.block_on(store_contract(&fixture))?;
/// assert!(report.checks.contains(&"concurrent_writers"));
/// assert_eq!(report.skipped[0].0, "corrupt_record"); // the in-memory store cannot be damaged
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct StoreFixture {
    /// The store.
    pub store: Arc<dyn ConnectionStore>,
    /// Runs the concurrent writers in parallel; without one they interleave on the suite's
    /// own task (each yields between its read and its swap, so they still conflict).
    pub spawner: Option<Spawner>,
    /// Damages a stored record, for the `corrupt_record` check.
    pub corruptor: Option<Corruptor>,
    /// The prefix of every id the suite creates (1 to 20 letters, digits, `-`, `_`).
    pub prefix: String,
    /// How many concurrent writers.
    pub writers: usize,
    /// How many updates each writer makes.
    pub updates: usize,
}

impl std::fmt::Debug for StoreFixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreFixture")
            .field("store", &self.store)
            .field("spawner", &self.spawner.is_some())
            .field("corruptor", &self.corruptor.is_some())
            .field("prefix", &self.prefix)
            .field("writers", &self.writers)
            .field("updates", &self.updates)
            .finish()
    }
}

impl StoreFixture {
    /// A fixture for `store`: 8 writers of 100 updates, interleaved on one task, ids prefixed
    /// `contract`.
    pub fn new(store: Arc<dyn ConnectionStore>) -> StoreFixture {
        StoreFixture {
            store,
            spawner: None,
            corruptor: None,
            prefix: "contract".to_owned(),
            writers: 8,
            updates: 100,
        }
    }

    /// Runs the writers with `spawner`.
    pub fn with_spawner(mut self, spawner: Spawner) -> Self {
        self.spawner = Some(spawner);
        self
    }

    /// Enables the `corrupt_record` check.
    pub fn with_corruptor(mut self, corruptor: Corruptor) -> Self {
        self.corruptor = Some(corruptor);
        self
    }

    /// Another id prefix.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Another number of writers and updates each.
    pub fn with_writers(mut self, writers: usize, updates: usize) -> Self {
        self.writers = writers;
        self.updates = updates;
        self
    }

    fn id(&self, check: &'static str, name: &str) -> Result<ConnectionId, ContractViolation> {
        ConnectionId::new(&format!("{}-{name}", self.prefix)).map_err(|e| violation(check, e))
    }
}

/// The suite's clock: records are stamped with a fixed time, which no store may alter.
const AT: Timestamp = Timestamp(1_800_000_000);

fn pending(id: ConnectionId) -> Result<Connection, ConnectorError> {
    Connection::builder(id, "contract-external-id".parse()?)
        .with_display_name("Contract")
        .build(AT)
}

/// A connection that has been through the onboarding: active, with a role, at revision 2.
fn active(id: ConnectionId) -> Result<(Connection, [Connection; 2]), ConnectorError> {
    let created = pending(id)?;
    let verifying = created.apply(
        ConnectionEvent::RoleSubmitted {
            role_arn: "arn:aws:iam::111122223333:role/contract".parse()?,
        },
        AT,
    )?;
    let active = verifying.apply(ConnectionEvent::VerificationSucceeded, AT)?;
    Ok((created, [verifying, active]))
}

fn store_error(check: &'static str, error: ConnectorError) -> ContractViolation {
    violation(check, format_args!("the store failed: {error}"))
}

/// One check's view of failures: whatever the store fails with, or a record the suite could
/// not build, is a violation of that check.
#[derive(Debug, Clone, Copy)]
struct Step(&'static str);

impl Step {
    fn ok<T>(self, result: Result<T, ConnectorError>) -> Result<T, ContractViolation> {
        result.map_err(|e| store_error(self.0, e))
    }
}

/// Runs the contract against the fixture's store. Returns the checks that passed (and those
/// skipped, with why), or the first violation.
pub async fn store_contract(fixture: &StoreFixture) -> Result<ContractReport, ContractViolation> {
    let mut report = ContractReport {
        checks: Vec::new(),
        skipped: Vec::new(),
    };
    create_and_get(fixture).await?;
    report.checks.push("create_and_get");
    create_refuses_existing(fixture).await?;
    report.checks.push("create_refuses_existing");
    compare_and_swap(fixture).await?;
    report.checks.push("compare_and_swap");
    concurrent_writers(fixture).await?;
    report.checks.push("concurrent_writers");
    list_pagination(fixture).await?;
    report.checks.push("list_pagination");
    list_by_state(fixture).await?;
    report.checks.push("list_by_state");
    cursor_text(fixture).await?;
    report.checks.push("cursor_text");
    delete(fixture).await?;
    report.checks.push("delete");
    match &fixture.corruptor {
        Some(corruptor) => {
            corrupt_record(fixture, corruptor).await?;
            report.checks.push("corrupt_record");
        }
        None => report
            .skipped
            .push(("corrupt_record", "the fixture has no corruptor")),
    }
    Ok(report)
}

async fn create_and_get(fixture: &StoreFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "create_and_get";
    let store = fixture.store.as_ref();
    let (created, [verifying, _]) = Step(CHECK).ok(active(fixture.id(CHECK, "get")?))?;
    Step(CHECK).ok(store.create(&created).await)?;
    expect_stored(store, CHECK, &created).await?;
    // A record with every optional field set reads back equal too.
    Step(CHECK).ok(store.compare_and_swap(0, &verifying).await)?;
    let rich = Step(CHECK).ok(verifying.apply(
        ConnectionEvent::VerificationFailed {
            diagnosis: Diagnosis::new(DiagnosisCode::AssumeRoleDenied, "denied", AT),
        },
        AT,
    ))?;
    Step(CHECK).ok(store.compare_and_swap(1, &rich).await)?;
    expect_stored(store, CHECK, &rich).await?;
    // A web-identity connection keeps its kind and subject.
    let web = Step(CHECK).ok(pending(fixture.id(CHECK, "web-identity")?).and_then(|c| {
        Connection::builder(c.id().clone(), c.external_id().clone())
            .with_kind(crate::ConnectionKind::WebIdentity {
                subject: crate::TokenSubject::for_tenant("contract")?,
            })
            .build(AT)
    }))?;
    Step(CHECK).ok(store.create(&web).await)?;
    expect_stored(store, CHECK, &web).await?;
    let missing = fixture.id(CHECK, "never-created")?;
    match store.get(&missing).await {
        Ok(None) => Ok(()),
        Ok(Some(found)) => Err(violation(
            CHECK,
            format_args!("a missing id read back as {}", found.id()),
        )),
        Err(error) => Err(store_error(CHECK, error)),
    }
}

async fn expect_stored(
    store: &dyn ConnectionStore,
    check: &'static str,
    expected: &Connection,
) -> Result<(), ContractViolation> {
    match store.get(expected.id()).await {
        Ok(Some(found)) if found == *expected => Ok(()),
        Ok(Some(found)) => Err(violation(
            check,
            format_args!(
                "{} reads back different from what was written (revision {} written, {} read)",
                expected.id(),
                expected.revision(),
                found.revision()
            ),
        )),
        Ok(None) => Err(violation(
            check,
            format_args!("{} is not there", expected.id()),
        )),
        Err(error) => Err(store_error(check, error)),
    }
}

async fn create_refuses_existing(fixture: &StoreFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "create_refuses_existing";
    let store = fixture.store.as_ref();
    let (created, [verifying, _]) = Step(CHECK).ok(active(fixture.id(CHECK, "twice")?))?;
    Step(CHECK).ok(store.create(&created).await)?;
    match store.create(&verifying).await {
        Err(ConnectorError::AlreadyExists(_)) => {}
        Ok(()) => {
            return Err(violation(CHECK, "a second create of the same id succeeded"));
        }
        Err(other) => {
            return Err(violation(
                CHECK,
                format_args!("expected AlreadyExists, got {other}"),
            ));
        }
    }
    expect_stored(store, CHECK, &created).await
}

async fn compare_and_swap(fixture: &StoreFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "compare_and_swap";
    let store = fixture.store.as_ref();
    let (created, [verifying, _]) = Step(CHECK).ok(active(fixture.id(CHECK, "cas")?))?;
    Step(CHECK).ok(store.create(&created).await)?;
    Step(CHECK).ok(store.compare_and_swap(0, &verifying).await)?;
    let rival = Step(CHECK).ok(created.apply(ConnectionEvent::DisconnectRequested, AT))?;
    match store.compare_and_swap(0, &rival).await {
        Err(ConnectorError::Conflict {
            expected: 0,
            actual: 1,
            ..
        }) => {}
        Err(other) => {
            return Err(violation(
                CHECK,
                format_args!(
                    "a stale swap (0, stored 1) gave {other}, not Conflict {{ expected: 0, actual: 1 }}"
                ),
            ));
        }
        Ok(()) => return Err(violation(CHECK, "a stale swap succeeded")),
    }
    expect_stored(store, CHECK, &verifying).await?;
    // `new` must be the expected revision plus one.
    let skipped = Step(CHECK).ok(verifying.apply(ConnectionEvent::VerificationSucceeded, AT))?;
    match store.compare_and_swap(0, &skipped).await {
        Err(ConnectorError::InvalidValue {
            field: "revision", ..
        }) => {}
        other => {
            return Err(violation(
                CHECK,
                format_args!(
                    "a swap expecting revision 0 with a record at revision 2 must be refused as a revision error; got {other:?}"
                ),
            ));
        }
    }
    expect_stored(store, CHECK, &verifying).await?;
    let ghost = pending(fixture.id(CHECK, "ghost")?)
        .and_then(|c| c.apply(ConnectionEvent::DisconnectRequested, AT))
        .map_err(|e| store_error(CHECK, e))?;
    match store.compare_and_swap(0, &ghost).await {
        Err(ConnectorError::NotFound(_)) => Ok(()),
        other => Err(violation(
            CHECK,
            format_args!("a swap of a missing id must be NotFound; got {other:?}"),
        )),
    }
}

/// Returns `Pending` once, waking itself: lets other tasks in between a read and its swap.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Polls every future until all are done, on the current task.
pub(super) struct JoinAll(pub(super) Vec<Option<BoxFuture<'static, ()>>>);

impl Future for JoinAll {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut pending = false;
        for slot in self.0.iter_mut() {
            if let Some(future) = slot {
                if future.as_mut().poll(cx).is_ready() {
                    *slot = None;
                } else {
                    pending = true;
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}

/// One writer: `updates` read-apply-swap updates, retrying on conflicts. Returns how many
/// conflicts it met, or what went wrong.
async fn writer(
    store: Arc<dyn ConnectionStore>,
    id: ConnectionId,
    updates: usize,
) -> Result<usize, String> {
    let mut conflicts = 0;
    let mut done = 0;
    while done < updates {
        let current = match store.get(&id).await {
            Ok(Some(current)) => current,
            Ok(None) => return Err(format!("{id} disappeared")),
            Err(error) => return Err(format!("get failed: {error}")),
        };
        let next = current
            .apply(ConnectionEvent::RefreshSucceeded, AT)
            .map_err(|e| e.to_string())?;
        YieldOnce(false).await;
        match store.compare_and_swap(current.revision(), &next).await {
            Ok(()) => done += 1,
            Err(ConnectorError::Conflict { .. }) => conflicts += 1,
            Err(error) => return Err(format!("swap failed: {error}")),
        }
        if conflicts > updates.saturating_mul(10_000) {
            return Err("no progress after many conflicts".to_owned());
        }
    }
    Ok(conflicts)
}

async fn concurrent_writers(fixture: &StoreFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "concurrent_writers";
    let id = fixture.id(CHECK, "writers")?;
    let (created, [verifying, active]) = Step(CHECK).ok(active(id.clone()))?;
    let store = &fixture.store;
    Step(CHECK).ok(store.create(&created).await)?;
    for (expected, next) in [(0, &verifying), (1, &active)] {
        Step(CHECK).ok(store.compare_and_swap(expected, next).await)?;
    }
    let outcomes: Arc<std::sync::Mutex<Vec<Result<usize, String>>>> = Arc::default();
    let mut tasks = Vec::new();
    for _ in 0..fixture.writers {
        let (store, id, outcomes) = (Arc::clone(store), id.clone(), Arc::clone(&outcomes));
        let updates = fixture.updates;
        let task: BoxFuture<'static, ()> = Box::pin(async move {
            let outcome = writer(store, id, updates).await;
            outcomes
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(outcome);
        });
        tasks.push(match &fixture.spawner {
            Some(spawn) => spawn(task),
            None => task,
        });
    }
    JoinAll(tasks.into_iter().map(Some).collect()).await;
    let outcomes = std::mem::take(&mut *outcomes.lock().unwrap_or_else(|p| p.into_inner()));
    if outcomes.len() != fixture.writers {
        return Err(violation(
            CHECK,
            format_args!("{} of {} writers finished", outcomes.len(), fixture.writers),
        ));
    }
    for outcome in outcomes {
        outcome.map_err(|e| violation(CHECK, e))?;
    }
    let expected =
        2 + u64::try_from(fixture.writers.saturating_mul(fixture.updates)).unwrap_or(u64::MAX);
    match store.get(&id).await {
        Ok(Some(last)) if last.revision() == expected => Ok(()),
        Ok(Some(last)) => Err(violation(
            CHECK,
            format_args!(
                "{} writers x {} updates from revision 2 ended at revision {}, not {expected}: updates were lost",
                fixture.writers,
                fixture.updates,
                last.revision()
            ),
        )),
        Ok(None) => Err(violation(CHECK, "the connection disappeared")),
        Err(error) => Err(store_error(CHECK, error)),
    }
}

/// Pages through `query` to the end, calling `between` after each page; returns every id seen
/// in order, checking each page's size and order.
async fn page_through(
    store: &dyn ConnectionStore,
    check: &'static str,
    query: ListQuery,
    mut between: impl FnMut(usize) -> Option<Connection>,
) -> Result<Vec<ConnectionId>, ContractViolation> {
    let mut seen: Vec<ConnectionId> = Vec::new();
    let mut cursor: Option<ListCursor> = None;
    for page_number in 0.. {
        if page_number > 10_000 {
            return Err(violation(check, "the listing never ends"));
        }
        let page = store
            .list(&query.clone().with_cursor(cursor.clone()))
            .await
            .map_err(|e| store_error(check, e))?;
        if page.connections().len() > query.limit() {
            return Err(violation(
                check,
                format_args!(
                    "a page of {} connections, over the limit {}",
                    page.connections().len(),
                    query.limit()
                ),
            ));
        }
        for connection in page.connections() {
            if !query.states().is_empty() && !query.states().contains(&connection.state()) {
                return Err(violation(
                    check,
                    format_args!(
                        "{} is {}, not one of the states asked for",
                        connection.id(),
                        connection.state()
                    ),
                ));
            }
            if let Some(last) = seen.last()
                && connection.id() <= last
            {
                return Err(violation(
                    check,
                    format_args!(
                        "{} comes after {}: the listing is not in id order",
                        connection.id(),
                        last
                    ),
                ));
            }
            seen.push(connection.id().clone());
        }
        if let Some(inserted) = between(page_number) {
            store
                .create(&inserted)
                .await
                .map_err(|e| store_error(check, e))?;
        }
        match page.next() {
            Some(next) => cursor = Some(next.clone()),
            None => break,
        }
    }
    Ok(seen)
}

async fn list_pagination(fixture: &StoreFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "list_pagination";
    let store = fixture.store.as_ref();
    let prefix = format!("{}-page-", fixture.prefix);
    let mut originals = Vec::new();
    for n in 0..25 {
        let id = fixture.id(CHECK, &format!("page-{:03}", n * 2 + 1))?;
        let connection = Step(CHECK).ok(pending(id.clone()))?;
        Step(CHECK).ok(store.create(&connection).await)?;
        originals.push(id);
    }
    // Between pages, insert one id that sorts before everything listed so far and one after.
    let mut inserts = Vec::new();
    for n in 0..8 {
        inserts.push(fixture.id(CHECK, &format!("page-{:03}", n * 2))?);
        inserts.push(fixture.id(CHECK, &format!("page-{:03}", 100 + n))?);
    }
    let mut inserts = inserts.into_iter();
    let seen = page_through(store, CHECK, ListQuery::all().with_limit(7), |_| {
        inserts.next().and_then(|id| pending(id).ok())
    })
    .await?;
    let seen: Vec<&ConnectionId> = seen
        .iter()
        .filter(|id| id.as_str().starts_with(&prefix))
        .collect();
    for id in &originals {
        let times = seen.iter().filter(|s| **s == id).count();
        if times != 1 {
            return Err(violation(
                CHECK,
                format_args!("{id} was listed {times} times, not once"),
            ));
        }
    }
    Ok(())
}

async fn list_by_state(fixture: &StoreFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "list_by_state";
    let store = fixture.store.as_ref();
    let mut disconnected = Vec::new();
    for n in 0..12 {
        let id = fixture.id(CHECK, &format!("state-{n:02}"))?;
        let connection = Step(CHECK).ok(pending(id.clone()))?;
        Step(CHECK).ok(store.create(&connection).await)?;
        if n % 3 == 0 {
            let next = Step(CHECK).ok(connection.apply(ConnectionEvent::DisconnectRequested, AT))?;
            Step(CHECK).ok(store.compare_and_swap(0, &next).await)?;
            disconnected.push(id);
        }
    }
    let query = ListQuery::in_states([ConnectionState::Disconnected]).with_limit(2);
    let seen = page_through(store, CHECK, query, |_| None).await?;
    let prefix = format!("{}-state-", fixture.prefix);
    let own: Vec<&ConnectionId> = seen
        .iter()
        .filter(|id| id.as_str().starts_with(&prefix))
        .collect();
    let expected: Vec<&ConnectionId> = disconnected.iter().collect();
    // Across pages of 2, with other states in between.
    if own != expected {
        return Err(violation(
            CHECK,
            format_args!("listing disconnected connections gave {own:?}, not {expected:?}"),
        ));
    }
    Ok(())
}

async fn cursor_text(fixture: &StoreFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "cursor_text";
    let store = fixture.store.as_ref();
    let query = ListQuery::all().with_limit(3);
    let first = Step(CHECK).ok(store.list(&query).await)?;
    let Some(next) = first.next() else {
        return Err(violation(CHECK, "a full page of 3 gave no next cursor"));
    };
    let parsed = ListCursor::parse(next.as_str()).map_err(|e| violation(CHECK, e))?;
    let by_cursor = Step(CHECK).ok(store
        .list(&query.clone().with_cursor(Some(next.clone())))
        .await)?;
    let by_text = Step(CHECK).ok(store.list(&query.with_cursor(Some(parsed))).await)?;
    if by_cursor != by_text {
        return Err(violation(
            CHECK,
            "the cursor read back from its text resumes elsewhere",
        ));
    }
    Ok(())
}

async fn delete(fixture: &StoreFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "delete";
    let store = fixture.store.as_ref();
    let id = fixture.id(CHECK, "delete")?;
    let connection = Step(CHECK).ok(pending(id.clone()))?;
    Step(CHECK).ok(store.create(&connection).await)?;
    match store.delete(&id).await {
        Ok(true) => {}
        other => {
            return Err(violation(
                CHECK,
                format_args!("deleting a stored id gave {other:?}, not Ok(true)"),
            ));
        }
    }
    match store.get(&id).await {
        Ok(None) => {}
        other => {
            return Err(violation(
                CHECK,
                format_args!("a deleted id reads back as {other:?}"),
            ));
        }
    }
    match store.delete(&id).await {
        Ok(false) => Ok(()),
        other => Err(violation(
            CHECK,
            format_args!("deleting a missing id gave {other:?}, not Ok(false)"),
        )),
    }
}

async fn corrupt_record(
    fixture: &StoreFixture,
    corruptor: &Corruptor,
) -> Result<(), ContractViolation> {
    const CHECK: &str = "corrupt_record";
    let store = fixture.store.as_ref();
    let id = fixture.id(CHECK, "corrupt")?;
    let (created, [verifying, _]) = Step(CHECK).ok(active(id.clone()))?;
    Step(CHECK).ok(store.create(&created).await)?;
    Step(CHECK).ok(store.compare_and_swap(0, &verifying).await)?;
    corruptor(&id).await;
    match store.get(&id).await {
        Err(ConnectorError::CorruptRecord { .. }) => {}
        other => {
            return Err(violation(
                CHECK,
                format_args!("reading a damaged record gave {other:?}, not CorruptRecord"),
            ));
        }
    }
    let from = ConnectionId::new(&format!("{}-corrupt", fixture.prefix))
        .map_err(|e| violation(CHECK, e))?;
    // List from just before the damaged record.
    let query = ListQuery::all().with_limit(1);
    let mut cursor = None;
    loop {
        match store.list(&query.clone().with_cursor(cursor.clone())).await {
            Err(ConnectorError::CorruptRecord { .. }) => return Ok(()),
            Err(other) => return Err(store_error(CHECK, other)),
            Ok(page) => {
                if page.connections().iter().any(|c| *c.id() == from) {
                    return Err(violation(
                        CHECK,
                        "a listing returned the damaged record as if it were sound",
                    ));
                }
                match page.next() {
                    Some(next) => cursor = Some(next.clone()),
                    None => {
                        return Err(violation(
                            CHECK,
                            "a listing over the damaged record neither failed nor returned it: it was silently skipped",
                        ));
                    }
                }
            }
        }
    }
}
