//! The fleet: health checks of every connection on a schedule shared by several workers.
//!
//! - [`CheckQueue`]: the schedule a store keeps beside its records (due times and leases);
//!   every store implements it, and [`FleetWorker`]s claim due connections through it;
//! - [`Connector::check`](crate::Connector::check): one health check (AssumeRole with the
//!   External ID, then an optional [`Probe`](crate::Probe)), its verdict through the state
//!   machine;
//! - [`FleetSchedule`]: each connection on a fixed phase of the interval, spread evenly;
//! - [`RateLimiter`]: token buckets per (vendor account, Region) under the STS quota,
//!   halving on throttling;
//! - [`StateSubscriber`]: every state change, published without blocking;
//! - metrics through the `metrics` facade (names in the table below) and a `tracing` span
//!   per check.
//!
//! The worker is runtime-agnostic: it needs a [`Timer`] and an executor; `connector-aws`
//! has the tokio driver.
//!
#![doc = include_str!("metrics_table.md")]

mod events;
mod limited;
mod limiter;
mod metrics;
mod outcome;
mod queue;
mod schedule;
mod shutdown;
mod timer;
mod worker;

pub use events::{ChannelSubscriber, StateChange, StateSubscriber};
pub use limiter::{BucketKey, RateLimit, RateLimiter};
pub use outcome::{CheckOutcome, HealthCheck};
pub use queue::{CheckQueue, Claim, Lease, QueueStats, WorkerId, from_unix_millis, unix_millis};
pub use schedule::FleetSchedule;
pub use shutdown::{Requested, Shutdown};
pub use timer::Timer;
pub use worker::{CheckObserver, CheckRecord, FleetWorker, FleetWorkerBuilder, WorkerStatus};
