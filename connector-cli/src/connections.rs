//! `connector connections list|show|disconnect|remove|rekey`: an operator's view of a
//! connection store, and the vendor-side actions that need no AWS call.

use clap::{Args, Subcommand};
use connector_core::{
    Connection, ConnectionEvent, ConnectionId, ConnectionState, ConnectionStore, ListCursor,
    ListQuery, Timestamp, apply_event,
};

use crate::exit::Outcome;
use crate::output::print_json;
use crate::store::StoreArgs;

/// `connector connections …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ConnectionsCommand {
    /// List connections, a page at a time, optionally only those in some states.
    List(ListArgs),
    /// Show one connection.
    Show(OneArgs),
    /// Disconnect a connection (the vendor's side; workers stop getting credentials).
    Disconnect(OneArgs),
    /// Remove a connection (terminal; the record stays as `removed`).
    Remove(OneArgs),
    /// Seal every record again under the current master key (after a key rotation).
    Rekey(RekeyArgs),
}

/// Options of `connections list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Only connections in this state (repeatable): pending, verifying, active, degraded,
    /// disconnected, removed.
    #[arg(long = "state", value_name = "STATE")]
    states: Vec<String>,
    /// At most this many connections (1 to 1000).
    #[arg(
        long,
        default_value = "100",
        value_name = "N",
        allow_hyphen_values = true
    )]
    limit: String,
    /// Resume after this cursor (printed by the previous page).
    #[arg(long, value_name = "CURSOR")]
    cursor: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Options of the commands on one connection.
#[derive(Debug, Args)]
pub(crate) struct OneArgs {
    /// The connection id.
    id: String,
    #[command(flatten)]
    store: StoreArgs,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Options of `connections rekey`.
#[derive(Debug, Args)]
pub(crate) struct RekeyArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(command: ConnectionsCommand) -> Outcome {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Outcome::Failed(format!("could not start the async runtime: {e}")),
    };
    match runtime.block_on(execute(command)) {
        Ok(outcome) | Err(outcome) => outcome,
    }
}

fn parse_limit(text: &str) -> Result<usize, Outcome> {
    match text.parse::<usize>() {
        Ok(n) if (1..=ListQuery::MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(Outcome::BadInput(format!(
            "--limit {text:?}: a page holds 1 to {} connections",
            ListQuery::MAX_LIMIT
        ))),
    }
}

fn parse_id(text: &str) -> Result<ConnectionId, Outcome> {
    text.parse()
        .map_err(|e| Outcome::BadInput(format!("ID: {e}")))
}

fn print_one(connection: &Connection, json: bool) {
    if json {
        print_json(connection);
        return;
    }
    println!("id:            {}", connection.id());
    println!("name:          {}", connection.display_name());
    println!(
        "state:         {} (since {})",
        connection.state(),
        connection.state_since()
    );
    println!("revision:      {}", connection.revision());
    if let Some(account) = connection.account_id() {
        println!("account:       {}", account.as_str());
    }
    if let Some(role) = connection.role_arn() {
        println!("role:          {role}");
    }
    if let Some(diagnosis) = connection.last_diagnosis() {
        println!(
            "last problem:  {} {}",
            diagnosis.code(),
            diagnosis.message()
        );
    }
}

async fn execute(command: ConnectionsCommand) -> Result<Outcome, Outcome> {
    match command {
        ConnectionsCommand::List(args) => {
            let limit = parse_limit(&args.limit)?;
            let mut states = Vec::new();
            for state in &args.states {
                states.push(
                    state
                        .parse::<ConnectionState>()
                        .map_err(|e| Outcome::BadInput(format!("--state: {e}")))?,
                );
            }
            let cursor = match &args.cursor {
                Some(text) => Some(
                    ListCursor::parse(text)
                        .map_err(|e| Outcome::BadInput(format!("--cursor: {e}")))?,
                ),
                None => None,
            };
            let (_, store) = args.store.open().await?;
            let query = ListQuery::in_states(states)
                .with_limit(limit)
                .with_cursor(cursor);
            let page = store
                .list(&query)
                .await
                .map_err(|e| Outcome::Failed(format!("list: {e}")))?;
            let next = page.next().map(|c| c.as_str().to_owned());
            if args.json {
                print_json(&serde_json::json!({
                    "connections": page.connections(),
                    "next_cursor": next,
                }));
            } else {
                println!(
                    "{:<32} {:<13} {:<13} {:>8}",
                    "ID", "STATE", "ACCOUNT", "REVISION"
                );
                for c in page.connections() {
                    println!(
                        "{:<32} {:<13} {:<13} {:>8}",
                        c.id().as_str(),
                        c.state().name(),
                        c.account_id().map_or("-", |a| a.as_str()),
                        c.revision()
                    );
                }
                if let Some(next) = next {
                    println!("more: --cursor {next}");
                }
            }
            Ok(Outcome::Ok)
        }
        ConnectionsCommand::Show(args) => {
            let id = parse_id(&args.id)?;
            let (_, store) = args.store.open().await?;
            match store.get(&id).await {
                Ok(Some(connection)) => {
                    print_one(&connection, args.json);
                    Ok(Outcome::Ok)
                }
                Ok(None) => Err(Outcome::Failed(format!("no connection {id}"))),
                Err(e) => Err(Outcome::Failed(format!("show {id}: {e}"))),
            }
        }
        ConnectionsCommand::Disconnect(args) => {
            act(args, "disconnect", ConnectionEvent::DisconnectRequested).await
        }
        ConnectionsCommand::Remove(args) => {
            act(args, "remove", ConnectionEvent::RemoveRequested).await
        }
        ConnectionsCommand::Rekey(args) => {
            let (url, store) = args.store.open().await?;
            let report = store
                .rekey()
                .await
                .map_err(|e| Outcome::Failed(format!("rekey: {e}")))?;
            if args.json {
                print_json(&serde_json::json!({
                    "examined": report.records_examined(),
                    "rewritten": report.records_rewritten(),
                    "changed_meanwhile": report.records_changed_meanwhile(),
                }));
            } else {
                println!(
                    "{url}: {} records examined, {} sealed again under the current key, {} changed meanwhile (already current)",
                    report.records_examined(),
                    report.records_rewritten(),
                    report.records_changed_meanwhile()
                );
            }
            Ok(Outcome::Ok)
        }
    }
}

async fn act(args: OneArgs, what: &str, event: ConnectionEvent) -> Result<Outcome, Outcome> {
    let id = parse_id(&args.id)?;
    let (_, store) = args.store.open().await?;
    let now = Timestamp::from_system(std::time::SystemTime::now());
    let connection = apply_event(&store, &id, now, 5, |_| Ok(event.clone()))
        .await
        .map_err(|e| Outcome::Failed(format!("{what} {id}: {e}")))?;
    print_one(&connection, args.json);
    Ok(Outcome::Ok)
}
