//! `connector fleet run`: health-check workers against a store, in this process, until
//! Ctrl-C, SIGTERM or `--duration`; a status line every `--status-every`, each state change
//! as it happens, a summary at the end.

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, SystemTime};

use clap::Args;
use connector_aws::{Fleet, TokioTimer};
use connector_core::{
    ChannelSubscriber, CheckQueue, ConnectionStore, Connector, FleetSchedule, FleetWorker,
    RateLimit, RateLimiter, StateChange,
};
use tokio::time::Instant;

use super::StsArgs;
use super::duration::{self, show};
use super::report::{Figures, print_change};
use crate::exit::Outcome;
use crate::store::StoreArgs;

/// Options of `fleet run`.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Runs --workers health-check workers in this process against the store (more processes may run against the same store: each due connection is checked by one of them per interval). Every STS call of this process goes through one rate limit per (vendor account, Region). Stops on Ctrl-C or SIGTERM (a second Ctrl-C stops at once) or after --duration; on stopping, checks in flight finish (or give their connections back), then a summary is printed.\n\n\
Durations: whole numbers with units, e.g. 500ms, 60s, 5m, 1h, 1h30m.\n\n\
Text output: a status line every --status-every (checks since the start by outcome, in flight, due, leased, lag, connections per state), a line per state change (time, id, from -> to, diagnosis code), and the summary.\n\n\
--json prints one JSON object per line, `type` telling which: status (every --status-every) and summary (at the end, with stopped_by: signal or duration) carry elapsed_s, workers, checked, checks{healthy, refused, failed, inconclusive, not_checked, superseded}, in_flight, due, leased, lag_s, states{pending, verifying, active, degraded, disconnected, removed}, takeovers, leases_lost, store_errors, last_error, events_dropped (due, leased and states are null until the queue was first read); state_change carries id, from, to, diagnosis (a code or null), at (RFC 3339), revision. Never a secret or an External ID.\n\n\
Exit status: 0 after a clean stop; 1 when store operations failed during the run (the summary counts them) or the fleet could not start; 2 on bad input."
)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    sts: StsArgs,
    /// How often active, degraded and verifying connections are checked (at least 1s).
    #[arg(
        long,
        default_value = "5m",
        value_name = "DURATION",
        allow_hyphen_values = true
    )]
    interval: String,
    /// How often connections the customer's side disconnected are checked again (at least
    /// 1s), so a customer who fixes the role reconnects by themselves.
    #[arg(
        long = "disconnected-interval",
        default_value = "1h",
        value_name = "DURATION",
        allow_hyphen_values = true
    )]
    disconnected_interval: String,
    /// STS calls of all this process's workers together, per (vendor account, Region):
    /// N/s or N/m, more than 0 and at most 600/s (the STS quota).
    #[arg(
        long,
        default_value = "100/s",
        value_name = "RATE",
        allow_hyphen_values = true
    )]
    rate: String,
    /// At most this many checks in flight per worker (1 to 1024).
    #[arg(
        long,
        default_value = "32",
        value_name = "N",
        allow_hyphen_values = true
    )]
    concurrency: String,
    /// Workers in this process (1 to 64).
    #[arg(
        long,
        default_value = "1",
        value_name = "N",
        allow_hyphen_values = true
    )]
    workers: String,
    /// How long a worker holds a connection it checks (more than 1s): a dead worker's
    /// connections are checked by the others within one lease.
    #[arg(
        long,
        default_value = "60s",
        value_name = "DURATION",
        allow_hyphen_values = true
    )]
    lease: String,
    /// How often the status is printed (at least 100ms).
    #[arg(
        long = "status-every",
        default_value = "5s",
        value_name = "DURATION",
        allow_hyphen_values = true
    )]
    status_every: String,
    /// Stop after this long (for tests and scripts); default: run until Ctrl-C.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    duration: Option<String>,
    /// Print one JSON object per line.
    #[arg(long)]
    json: bool,
}

/// The checked options.
#[derive(Debug)]
struct Options {
    schedule: FleetSchedule,
    rate: RateLimit,
    concurrency: usize,
    workers: usize,
    lease: Duration,
    status_every: Duration,
    duration: Option<Duration>,
}

/// A whole number of `flag` within `min..=max`.
fn count(flag: &str, text: &str, min: usize, max: usize) -> Result<usize, Outcome> {
    match text.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Outcome::BadInput(format!(
            "{flag} {text:?}: a whole number from {min} to {max}"
        ))),
    }
}

impl Options {
    /// Checks every flag, before anything is opened; bad input names the flag.
    fn of(args: &RunArgs) -> Result<Options, Outcome> {
        let interval =
            duration::at_least("--interval", &args.interval, FleetSchedule::MIN_INTERVAL)?;
        let disconnected = duration::at_least(
            "--disconnected-interval",
            &args.disconnected_interval,
            FleetSchedule::MIN_INTERVAL,
        )?;
        let schedule = FleetSchedule::default()
            .with_interval(interval)
            .and_then(|s| s.with_disconnected_interval(disconnected))
            .map_err(|e| Outcome::BadInput(format!("--interval: {e}")))?;
        let rate: RateLimit = args
            .rate
            .parse()
            .map_err(|e| Outcome::BadInput(format!("--rate {:?}: {e}", args.rate)))?;
        let concurrency = count("--concurrency", &args.concurrency, 1, 1_024)?;
        let workers = count("--workers", &args.workers, 1, 64)?;
        // The worker asks the queue every second; a lease must outlast that.
        let lease = duration::flag("--lease", &args.lease)?;
        if lease <= Duration::from_secs(1) {
            return Err(Outcome::BadInput(format!(
                "--lease {:?}: more than 1s (a worker asks the queue every second)",
                args.lease
            )));
        }
        let status_every = duration::at_least(
            "--status-every",
            &args.status_every,
            Duration::from_millis(100),
        )?;
        let duration = match &args.duration {
            Some(text) => Some(duration::at_least(
                "--duration",
                text,
                Duration::from_millis(1),
            )?),
            None => None,
        };
        Ok(Options {
            schedule,
            rate,
            concurrency,
            workers,
            lease,
            status_every,
            duration,
        })
    }
}

/// Why the run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Signal,
    Duration,
}

impl Stop {
    fn name(self) -> &'static str {
        match self {
            Stop::Signal => "signal",
            Stop::Duration => "duration",
        }
    }
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM; never when neither can be listened to
/// (the process then stops as the signal's default action does).
pub(crate) async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    () = ctrl_c => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => ctrl_c.await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

/// Prints the state changes waiting.
fn print_changes(changes: &Receiver<StateChange>, json: bool) {
    for change in changes.try_iter() {
        print_change(&change, json);
    }
}

pub(crate) async fn execute(args: RunArgs) -> Result<Outcome, Outcome> {
    let options = Options::of(&args)?;
    let sts = args.sts.check()?;
    let (url, store) = args.store.open().await?;
    let store = Arc::new(store);
    let provider = sts.provider().await?;
    let (subscriber, changes) = ChannelSubscriber::bounded(4_096);
    let subscriber = Arc::new(subscriber);
    // The connector's store and the workers' queue must be one (the same Arc).
    let records: Arc<dyn ConnectionStore> = store.clone();
    let queue: Arc<dyn CheckQueue> = store;
    let connector = Connector::builder(sts.vendor().clone(), records, provider)
        .with_subscriber(subscriber.clone())
        .build();
    let limiter = Arc::new(RateLimiter::new(options.rate));
    let mut workers = Vec::with_capacity(options.workers);
    for _ in 0..options.workers {
        let worker =
            FleetWorker::builder(connector.clone(), Arc::clone(&queue), Arc::new(TokioTimer))
                .with_schedule(options.schedule.clone())
                .with_shared_limiter(Arc::clone(&limiter))
                .with_concurrency(options.concurrency)
                .with_lease(options.lease)
                .with_stats_every(options.status_every)
                .build()
                .map_err(|e| Outcome::Failed(format!("fleet worker: {e}")))?;
        workers.push(worker);
    }
    eprintln!(
        "fleet: {} worker{} on {url}, every {} (disconnected every {}), {} STS calls/s, {} in flight per worker; Ctrl-C to stop",
        options.workers,
        if options.workers == 1 { "" } else { "s" },
        show(options.schedule.interval()),
        show(options.schedule.disconnected_interval()),
        options.rate.per_second(),
        options.concurrency,
    );
    let fleet = Fleet::spawn(workers);
    let handles: Vec<FleetWorker> = fleet.workers().to_vec();
    let figures = |started: Instant| {
        let statuses: Vec<_> = handles.iter().map(FleetWorker::status).collect();
        Figures::of(&statuses, started.elapsed(), subscriber.dropped())
    };
    let started = Instant::now();
    let stop_at = options.duration.map(|d| started + d);
    let tick = options.status_every.min(Duration::from_millis(200));
    let mut next_status = started + options.status_every;
    let signal = stop_signal();
    tokio::pin!(signal);
    let stopped_by = loop {
        let mut wake = (Instant::now() + tick).min(next_status);
        if let Some(stop_at) = stop_at {
            wake = wake.min(stop_at);
        }
        let signalled = tokio::select! {
            () = tokio::time::sleep_until(wake) => false,
            () = &mut signal => true,
        };
        print_changes(&changes, args.json);
        let now = Instant::now();
        if signalled {
            break Stop::Signal;
        }
        if stop_at.is_some_and(|stop_at| now >= stop_at) {
            break Stop::Duration;
        }
        if now >= next_status {
            figures(started).print("status", args.json);
            next_status += options.status_every;
            if next_status <= now {
                next_status = now + options.status_every;
            }
        }
    };
    if !args.json {
        eprintln!(
            "fleet: stopping (checks in flight finish or are given back; Ctrl-C again to stop at once)"
        );
    }
    tokio::select! {
        () = fleet.shutdown() => {},
        () = stop_signal() => {
            eprintln!("fleet: stopped at once; leases of checks in flight expire and other workers take them over");
            return Err(Outcome::Failed("interrupted during shutdown".to_owned()));
        }
    }
    print_changes(&changes, args.json);
    let mut summary = figures(started);
    // The queue as the fleet left it (the workers' last reading may be seconds old); the
    // last reading stays when the store cannot answer.
    let now = SystemTime::now();
    if let Ok(stats) = queue.queue_stats(now).await {
        summary.total.lag = stats.lag(now);
        summary.total.queue = Some(stats);
    }
    if args.json {
        let mut object = summary.json("summary");
        object.insert("stopped_by".into(), serde_json::json!(stopped_by.name()));
        crate::output::outln!("{}", serde_json::Value::Object(object));
    } else {
        crate::output::outln!("stopped by {}: {}", stopped_by.name(), summary.line());
    }
    let errors = summary.total.store_errors;
    if errors > 0 {
        return Err(Outcome::Failed(format!(
            "{errors} store operation{} failed during the run; the last: {}",
            if errors == 1 { "" } else { "s" },
            summary.total.last_error.as_deref().unwrap_or("unknown")
        )));
    }
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: RunArgs,
    }

    fn options(extra: &[&str]) -> Result<Options, Outcome> {
        let mut argv = vec!["run", "--vendor-account", "999988887777"];
        argv.extend(extra);
        let cli = Cli::try_parse_from(argv).unwrap();
        Options::of(&cli.args)
    }

    fn bad(extra: &[&str]) -> String {
        match options(extra) {
            Err(Outcome::BadInput(message)) => message,
            other => panic!("{extra:?} accepted: {other:?}"),
        }
    }

    #[test]
    fn defaults_are_the_libraries_defaults() {
        let options = options(&[]).unwrap();
        assert_eq!(options.schedule, FleetSchedule::default());
        assert_eq!(options.rate, RateLimit::default());
        assert_eq!(options.workers, 1);
        assert_eq!(options.concurrency, 32);
        assert_eq!(options.lease, Duration::from_secs(60));
        assert_eq!(options.duration, None);
    }

    #[test]
    fn every_bad_flag_value_is_bad_input_naming_its_flag() {
        for (flag, value) in [
            ("--interval", "5"),
            ("--interval", "500ms"),
            ("--interval", "-5m"),
            ("--disconnected-interval", "0s"),
            ("--rate", "0/s"),
            ("--rate", "700/s"),
            ("--rate", "fast"),
            ("--concurrency", "0"),
            ("--concurrency", "-1"),
            ("--workers", "65"),
            ("--lease", "1s"),
            ("--status-every", "10ms"),
            ("--duration", "0s"),
        ] {
            let message = bad(&[flag, value]);
            assert!(
                message.starts_with(&format!("{flag} ")),
                "{flag} {value}: {message}"
            );
        }
    }

    #[test]
    fn good_values_reach_the_schedule_and_the_limit() {
        let options = options(&[
            "--interval",
            "1s",
            "--disconnected-interval",
            "1m",
            "--rate",
            "3000/m",
            "--workers",
            "3",
            "--duration",
            "3s",
        ])
        .unwrap();
        assert_eq!(options.schedule.interval(), Duration::from_secs(1));
        assert_eq!(
            options.schedule.disconnected_interval(),
            Duration::from_secs(60)
        );
        assert_eq!(options.rate.per_second(), 50.0);
        assert_eq!(options.workers, 3);
        assert_eq!(options.duration, Some(Duration::from_secs(3)));
    }
}
