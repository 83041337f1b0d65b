//! The tokio driver of connector-core's runtime-agnostic fleet worker: a [`TokioTimer`], a
//! [`TokioClock`] that follows tokio's clock (so a test or a simulation with paused time
//! runs minutes of schedule in seconds), and [`Fleet`], which spawns workers as tasks and
//! shuts them down gracefully.

use std::time::{Duration, SystemTime};

use connector_core::{BoxFuture, Clock, FleetWorker, Shutdown, Timer, WorkerStatus};
use tokio::task::JoinHandle;

/// Sleeps with `tokio::time::sleep` (paused time in tests auto-advances through it).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTimer;

impl Timer for TokioTimer {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The wall clock as tokio sees it: the system time when made, advanced by tokio's
/// monotonic clock. Identical to the system clock in production (without NTP steps); with
/// tokio's time paused (`tokio::time::pause`, `start_paused`), it moves only with tokio's
/// time, so the worker's schedule, leases and rate limits follow the simulation. Give the
/// same clock to the `Connector` and the provider.
///
/// ```
/// use connector_aws::TokioClock;
/// use connector_core::Clock;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let clock = TokioClock::new();
/// let before = clock.now();
/// tokio::time::sleep(std::time::Duration::from_secs(300)).await; // instant when paused
/// assert_eq!(clock.now().duration_since(before).unwrap().as_secs(), 300);
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    origin: SystemTime,
    start: tokio::time::Instant,
}

impl TokioClock {
    /// A clock starting at the system time now.
    pub fn new() -> TokioClock {
        TokioClock::starting_at(SystemTime::now())
    }

    /// A clock starting at `origin` (a simulation's chosen start).
    pub fn starting_at(origin: SystemTime) -> TokioClock {
        TokioClock {
            origin,
            start: tokio::time::Instant::now(),
        }
    }
}

impl Default for TokioClock {
    fn default() -> TokioClock {
        TokioClock::new()
    }
}

impl Clock for TokioClock {
    fn now(&self) -> SystemTime {
        self.origin + self.start.elapsed()
    }
}

/// Workers running as tokio tasks, with one shutdown signal.
///
/// ```no_run
/// use std::sync::Arc;
/// use connector_aws::{Fleet, TokioTimer};
/// use connector_core::{Connector, FleetWorker};
/// # async fn demo(connector: Connector, store: Arc<dyn connector_core::CheckQueue>) -> Result<(), Box<dyn std::error::Error>> {
/// let worker = FleetWorker::builder(connector, store, Arc::new(TokioTimer)).build()?;
/// let fleet = Fleet::spawn([worker]);
/// // ... until the process is told to stop:
/// fleet.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Fleet {
    shutdown: Shutdown,
    workers: Vec<FleetWorker>,
    tasks: Vec<Option<JoinHandle<()>>>,
}

impl Fleet {
    /// Spawns each worker on the current tokio runtime.
    pub fn spawn(workers: impl IntoIterator<Item = FleetWorker>) -> Fleet {
        let shutdown = Shutdown::new();
        let workers: Vec<FleetWorker> = workers.into_iter().collect();
        let tasks = workers
            .iter()
            .map(|worker| {
                let (worker, shutdown) = (worker.clone(), shutdown.clone());
                Some(tokio::spawn(async move { worker.run(shutdown).await }))
            })
            .collect();
        Fleet {
            shutdown,
            workers,
            tasks,
        }
    }

    /// The workers.
    pub fn workers(&self) -> &[FleetWorker] {
        &self.workers
    }

    /// Every worker's figures.
    pub fn status(&self) -> Vec<WorkerStatus> {
        self.workers.iter().map(FleetWorker::status).collect()
    }

    /// The shutdown signal (to stop the fleet from elsewhere, e.g. a signal handler).
    pub fn shutdown_signal(&self) -> &Shutdown {
        &self.shutdown
    }

    /// Kills worker `index` at once, as a crash would: it gives nothing back, so its leases
    /// expire and other workers take its connections over. For tests and simulations.
    pub fn kill(&mut self, index: usize) -> bool {
        match self.tasks.get_mut(index).and_then(Option::take) {
            Some(task) => {
                task.abort();
                true
            }
            None => false,
        }
    }

    /// Stops every worker gracefully (each finishes or gives back its checks within its
    /// grace period) and waits for them.
    pub async fn shutdown(mut self) {
        self.shutdown.request();
        for task in self.tasks.iter_mut().filter_map(Option::take) {
            let _ = task.await;
        }
    }
}
