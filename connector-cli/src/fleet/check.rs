//! `connector fleet check ID`: one health check now (`Connector::check`), its verdict
//! printed and told by the exit status: 0 healthy, 3 refused, 4 failed, 5 inconclusive
//! (never 0), 6 not checked.

use std::sync::Arc;

use clap::Args;
use connector_core::{CheckOutcome, ConnectionId, Connector, ConnectorError};

use super::StsArgs;
use super::report::print_check;
use crate::exit::{Outcome, Unhealthy};
use crate::store::StoreArgs;

/// Options of `fleet check`.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Runs one health check of the connection, as the fleet would: AssumeRole with its External ID (a verifying connection gets the full connection test; a disconnected one is reconnected when the role works again), and records the verdict.\n\n\
Exit status: 0 healthy; 1 when the check could not run (no such connection, the store failed); 2 on bad input; 3 refused (the customer's side refused: disconnected); 4 failed (degraded); 5 inconclusive (no verdict: throttled, timed out, or the connection changed meanwhile; run it again); 6 not checked (not on the schedule in its state).\n\n\
--json prints: id, outcome (healthy, refused, failed, inconclusive, not_checked, superseded), state_before, state_after, changed_state, revision, diagnosis (null, or code, severity, message, remediation). Never a secret or the External ID."
)]
pub(crate) struct CheckArgs {
    /// The connection id.
    id: String,
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    sts: StsArgs,
    /// Print the verdict as JSON.
    #[arg(long)]
    json: bool,
}

/// The exit outcome of a verdict; anything but healthy is nonzero, and an outcome this
/// version does not know is inconclusive (fail closed).
pub(crate) fn verdict(outcome: CheckOutcome) -> Outcome {
    match outcome {
        CheckOutcome::Healthy => Outcome::Ok,
        CheckOutcome::Refused => Outcome::Unhealthy(Unhealthy::Refused),
        CheckOutcome::Failed => Outcome::Unhealthy(Unhealthy::Failed),
        CheckOutcome::NotChecked => Outcome::Unhealthy(Unhealthy::NotChecked),
        _ => Outcome::Unhealthy(Unhealthy::Inconclusive),
    }
}

pub(crate) async fn execute(args: CheckArgs) -> Result<Outcome, Outcome> {
    let id: ConnectionId = args
        .id
        .parse()
        .map_err(|e| Outcome::BadInput(format!("ID: {e}")))?;
    let sts = args.sts.check()?;
    let (_, store) = args.store.open().await?;
    let provider = sts.provider().await?;
    let connector = Connector::builder(sts.vendor().clone(), Arc::new(store), provider).build();
    let check = match connector.check(&id, None).await {
        Ok(check) => check,
        Err(ConnectorError::NotFound(_)) => {
            return Err(Outcome::Failed(format!("no connection {id}")));
        }
        Err(e) => return Err(Outcome::Failed(format!("check {id}: {e}"))),
    };
    print_check(&check, args.json);
    Ok(verdict(check.outcome()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_healthy_verdict_exits_zero_and_each_other_has_its_own_status() {
        let codes: Vec<u8> = CheckOutcome::ALL
            .iter()
            .map(|o| verdict(*o).code())
            .collect();
        // healthy, refused, failed, inconclusive, not_checked, superseded
        assert_eq!(codes, [0, 3, 4, 5, 6, 5]);
    }
}
