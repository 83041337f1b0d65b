//! `Timer`: how the runtime-agnostic worker waits, supplied by the driver (tokio in
//! `connector-aws`; a simulated clock in tests and benchmarks).

use std::time::Duration;

use crate::BoxFuture;

/// Sleeps. The worker's only dependency on a runtime: the driver supplies one that follows
/// the same time as the worker's [`Clock`](crate::Clock).
///
/// ```
/// use std::time::Duration;
/// use connector_core::{BoxFuture, Timer};
/// /// A timer for a runtime without timers: never waits (for tests only).
/// #[derive(Debug)]
/// struct Impatient;
/// impl Timer for Impatient {
///     fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
///         Box::pin(std::future::ready(()))
///     }
/// }
/// ```
pub trait Timer: Send + Sync + std::fmt::Debug {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}
