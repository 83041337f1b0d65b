//! The fleet-health simulation of issue 15: a fleet of connections checked by
//! [`FleetWorker`](connector_core::FleetWorker)s in one process, against connector-core's
//! in-memory STS behind a realistic latency, on simulated time, with roles revoked at random
//! moments, one worker killed mid-interval and a `check_now` after a revocation; every
//! finished check validated as it arrives. [`simulate`] returns a [`SimReport`] whose
//! [`failures`](SimReport::failures) are the targets missed.
//!
//! Simulated time ([`TimeMode`]): paused tokio time with the in-memory store (faithful: every
//! store future is ready at once), or time scaled from the wall clock for real stores.
//! Figures of the schedule (lag, detection, gaps, STS calls per second) are simulated time;
//! `wall_seconds`, `setup_wall_seconds` and `check_now.wall_ms` are wall time.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "figures: counts and milliseconds far below the limits of the types"
)]

mod config;
mod error;
mod memory;
mod observe;
mod report;
mod rng;
mod run;
mod seed;
mod sts;
mod table_sts;
mod time;

pub use config::SimConfig;
pub use error::SimError;
pub use memory::{peak_resident_bytes, resident_bytes};
pub use observe::{
    CheckFindings, FleetObserver, ID_PREFIX, Percentiles, connection_id, connection_index,
};
pub use report::{CheckNowFigures, KillFigures, MemoryFigures, SimReport, StsFigures};
pub use rng::SimRng;
pub use run::{ORIGIN_UNIX_SECONDS, simulate};
pub use seed::{
    FIRST_CUSTOMER_ACCOUNT, create_connections, create_roles, external_ids, role_arn,
    schedule_on_phase,
};
pub use sts::{CallLog, LatencySts};
pub use table_sts::TableSts;
pub use time::{ScaledClock, ScaledTimer, SimClock, TimeMode, timer};
