//! The simulated customer account of `connector serve --simulate` (feature `simulate`): the
//! in-memory STS plays AWS, and "creating the stack" creates the customer's role in it from
//! the connection's artifacts (their trust policy, with the External ID), as CloudFormation
//! would. `POST /simulate/stacks/{name}` does it for the API (manage access); the onboarding
//! page's "Launch stack" button does it for the customer.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use connector_core::testing::InMemorySts;
use connector_core::{AccountId, Connection, RoleArn};

use crate::auth::Caller;
use crate::directory::{Access, ConnectionName};
use crate::problem::Problem;
use crate::state::AppState;

/// A simulated customer account in an in-memory STS.
///
/// ```
/// use std::sync::Arc;
/// use connector_core::testing::InMemorySts;
/// use connector_core::{Clock, Connector, InMemoryConnectionStore, SystemClock, VendorPrincipal};
/// use connector_server::{AppState, directory::InMemoryDirectory, simulate::Simulator};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let clock: Arc<dyn Clock> = Arc::new(SystemClock);
/// let sts = InMemorySts::new(clock, "arn:aws:sts::999988887777:assumed-role/connector/server".parse()?);
/// // The connector and the simulated customer share one STS: the role "the stack" creates is
/// // the one the connection test assumes.
/// let connector = Connector::builder(
///     VendorPrincipal::account("999988887777".parse()?),
///     Arc::new(InMemoryConnectionStore::new()),
///     Arc::new(sts.clone()),
/// )
/// .build();
/// let state = AppState::builder(connector, Arc::new(InMemoryDirectory::new()))
///     .with_simulator(Simulator::new(sts, "111122223333".parse()?))
///     .build()?;
/// assert!(state.simulated());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Simulator {
    sts: InMemorySts,
    account: AccountId,
}

impl Simulator {
    /// The customer account `account` in `sts` (the STS the connector uses).
    pub fn new(sts: InMemorySts, account: AccountId) -> Simulator {
        Simulator { sts, account }
    }

    /// The in-memory STS.
    pub fn sts(&self) -> &InMemorySts {
        &self.sts
    }

    /// The simulated account.
    pub fn account(&self) -> &AccountId {
        &self.account
    }
}

/// "Creates the stack" of `connection`: its role, trusting the vendor with its External
/// ID, in the simulated account (the connection's account when it names one). Again for the
/// same connection: the role's trust policy is replaced (a stack update).
pub(crate) async fn create_stack(
    state: &AppState,
    name: &ConnectionName,
    connection: &Connection,
) -> Result<RoleArn, Problem> {
    let Some(simulator) = state.simulator() else {
        return Err(Problem::new(
            axum::http::StatusCode::NOT_FOUND,
            "not-found",
            "this server does not simulate customer accounts",
        ));
    };
    let onboarding = crate::api::connection_onboarding(state, connection).await?;
    let account = connection.account_id().unwrap_or(&simulator.account);
    let role_name: String = format!("{}-{name}", state.config().role_name)
        .chars()
        .take(64)
        .collect();
    let role: RoleArn = format!("arn:aws:iam::{account}:role/{role_name}")
        .parse()
        .map_err(|_| Problem::invalid("name", "a name that makes a valid IAM role name"))?;
    let trust = onboarding.trust_policy().clone();
    let result = if simulator.sts.role_exists(&role) {
        simulator.sts.update_trust_policy(&role, trust)
    } else {
        simulator.sts.create_role(
            role.clone(),
            trust,
            Duration::from_secs(u64::from(onboarding.max_session_duration())),
        )
    };
    result.map_err(|e| Problem::invalid("stack", e.to_string()))?;
    Ok(role)
}

/// `POST /simulate/stacks/{name}`.
pub(crate) async fn stacks(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<serde_json::Value>, Problem> {
    let resolved = caller.connection(&state, &name, Access::Manage).await?;
    let role = create_stack(&state, resolved.name(), resolved.connection()).await?;
    Ok(Json(serde_json::json!({ "role_arn": role.to_string() })))
}
