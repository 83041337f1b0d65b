//! The fleet: health checks of every connection on a schedule shared by several workers.
//!
//! - [`CheckQueue`]: the schedule a store keeps beside its records (due times and leases);
//!   every store implements it;

mod queue;

pub use queue::{CheckQueue, Claim, Lease, QueueStats, WorkerId, from_unix_millis, unix_millis};
