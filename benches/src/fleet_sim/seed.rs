//! The simulated fleet as it stands before the run: every connection `Active` (role
//! submitted, verified), its customer's role in the in-memory STS trusting the vendor with
//! the connection's External ID, and its next check due on its phase of the interval
//! ([`FleetSchedule::phase_after`]) within the first interval, as in a fleet that has been
//! running for a while (not all due at once, as a freshly migrated fleet would be).

use std::time::{Duration, SystemTime};

use connector_core::testing::InMemorySts;
use connector_core::{
    CheckQueue, Connection, ConnectionEvent, ConnectionId, FleetSchedule, Timestamp, WorkerId,
};
use iam_policy::RoleArn;
use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};

use super::SimError;
use super::observe::connection_id;
use super::rng::SimRng;

/// How many records are scheduled per claim while seeding.
const SEED_BATCH: usize = 1_000;

/// The account of connection 0's customer; connection `i`'s is this plus `i`.
pub const FIRST_CUSTOMER_ACCOUNT: u64 = 100_000_000_000;

/// Connection `index`'s customer role: one account per customer.
pub fn role_arn(index: usize) -> Result<RoleArn, SimError> {
    let account = FIRST_CUSTOMER_ACCOUNT + index as u64;
    format!("arn:aws:iam::{account}:role/vendor-connector")
        .parse()
        .map_err(|e| SimError::setup("role ARN", e))
}

/// Connection `index`'s External ID (deterministic for the seed, random-looking).
fn external_id(index: usize, rng: &mut SimRng) -> Result<ExternalId, SimError> {
    format!("sim-{index:07}-{:016x}", rng.next_u64())
        .parse()
        .map_err(|e| SimError::setup("External ID", e))
}

/// Writes `connections` active connections to `store`, created a day before `origin`.
pub async fn create_connections<Q: CheckQueue + ?Sized>(
    store: &Q,
    connections: usize,
    origin: SystemTime,
    seed: u64,
) -> Result<(), SimError> {
    let mut rng = SimRng::new(seed);
    let created = Timestamp(
        i64::try_from(
            origin
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs(),
        )
        .unwrap_or(0)
            - 86_400,
    );
    for index in 0..connections {
        let id: ConnectionId = connection_id(index)
            .parse()
            .map_err(|e| SimError::setup("connection id", e))?;
        let role_arn = role_arn(index)?;
        let connection = Connection::builder(id, external_id(index, &mut rng)?)
            .build(created)
            .and_then(|c| c.apply(ConnectionEvent::RoleSubmitted { role_arn }, created))
            .and_then(|c| c.apply(ConnectionEvent::VerificationSucceeded, created))
            .map_err(|e| SimError::setup("connection", e))?;
        store
            .create(&connection)
            .await
            .map_err(|e| SimError::setup("store create", e))?;
    }
    Ok(())
}

/// Every connection's External ID, as [`create_connections`] drew them with `seed`.
pub fn external_ids(connections: usize, seed: u64) -> Result<Vec<ExternalId>, SimError> {
    let mut rng = SimRng::new(seed);
    (0..connections)
        .map(|index| external_id(index, &mut rng))
        .collect()
}

/// Creates each connection's customer role in `sts`, trusting `vendor` with the connection's
/// External ID (the same sequence [`create_connections`] drew with `seed`).
pub fn create_roles(
    sts: &InMemorySts,
    vendor: &VendorPrincipal,
    connections: usize,
    seed: u64,
) -> Result<Vec<RoleArn>, SimError> {
    let mut rng = SimRng::new(seed);
    let mut roles = Vec::with_capacity(connections);
    for index in 0..connections {
        let role = role_arn(index)?;
        let trust = CrossAccountTrust::new(vendor.clone(), external_id(index, &mut rng)?)
            .policy()
            .map_err(|e| SimError::setup("trust policy", e))?;
        sts.create_role(role.clone(), trust, Duration::from_secs(3_600))
            .map_err(|e| SimError::setup("STS role", e))?;
        roles.push(role);
    }
    Ok(roles)
}

/// Puts every connection's next check on its phase within the interval starting at
/// `origin`, through the queue itself (claim, then finish with the due time), so any store
/// is seeded the same way.
pub async fn schedule_on_phase<Q: CheckQueue + ?Sized>(
    store: &Q,
    schedule: &FleetSchedule,
    origin: SystemTime,
) -> Result<u64, SimError> {
    let seeder: WorkerId = "sim-seeder"
        .parse()
        .map_err(|e| SimError::setup("worker id", e))?;
    let interval = schedule.interval();
    // Every due time set here is at or after origin − jitter (jitter ≤ interval / 4), so
    // claiming as of origin − interval / 4 never claims a connection already scheduled.
    let claim_at = origin - interval / 4 - Duration::from_secs(1);
    let phase_from = origin - interval / 2;
    let mut scheduled = 0;
    loop {
        let claims = store
            .claim_due(&seeder, claim_at, Duration::from_secs(600), SEED_BATCH)
            .await
            .map_err(|e| SimError::setup("seed claim", e))?;
        if claims.is_empty() {
            return Ok(scheduled);
        }
        for claim in claims {
            let due = schedule.phase_after(claim.id(), interval, phase_from);
            store
                .finish(claim.lease(), Some(due))
                .await
                .map_err(|e| SimError::setup("seed finish", e))?;
            scheduled += 1;
        }
    }
}
