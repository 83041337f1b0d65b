//! `connector demo`: the whole onboarding story on the in-memory STS, with no AWS account,
//! told through the `Connector`: External ID, template, the customer's role, the connection
//! test, credentials and their refresh, revocation, and the connection noticing it.
//!
//! Every step runs the library for real (the in-memory STS evaluates the trust policy the
//! onboarding produced); time is a manual clock moved forward, so the demo takes a second,
//! not an hour.

mod callback;
mod oidc;

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use connector_core::testing::InMemorySts;
use connector_core::{
    Arn, Clock, ConnectionId, ConnectionState, ConnectionStore, Connector, InMemoryConnectionStore,
    ManualClock, NewConnection, RoleArn, VendorPrincipal,
};
use permission_sets::builtin;
use serde::Serialize;

use crate::exit::Outcome;
use crate::output::outln;
use crate::store::StoreArgs;

/// Eight random hexadecimal digits from the OS CSPRNG.
pub(crate) fn random_suffix() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl From<Outcome> for DemoError {
    fn from(outcome: Outcome) -> DemoError {
        match outcome {
            Outcome::BadInput(message) => DemoError::BadInput(message),
            Outcome::Failed(message) => DemoError::Failed(message),
            Outcome::Ok | Outcome::Findings | Outcome::Unhealthy(_) => {
                DemoError::Failed("the store did not open".to_owned())
            }
        }
    }
}

const VENDOR_ACCOUNT: &str = "999988887777";
const CUSTOMER_ACCOUNT: &str = "111122223333";

/// Options of `connector demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// The permission set the customer grants.
    #[arg(long = "set", default_value = "axiom:read-only-scan")]
    set: String,
    /// Print the steps as JSON at the end instead of as they happen.
    #[arg(long)]
    json: bool,
    /// Keep the demo's connection in this store (sqlite:PATH, postgres://…,
    /// dynamodb://TABLE), to look at it afterwards with `connector connections`; without
    /// it, the demo keeps its connection in memory.
    #[command(flatten)]
    store: StoreArgs,
    /// Show the automatic path: the template's registration resource tells the vendor when
    /// the stack is created (the connection turns active with no role ARN pasted) and when it
    /// is deleted (it disconnects at once).
    #[arg(long)]
    callback: bool,
    /// Tell the Nomos story instead: no long-lived key anywhere. The vendor is an OIDC
    /// issuer, the customer's stack creates an IAM OIDC provider and a role trusting the
    /// tenant's tokens, and every refresh swaps a freshly minted token for credentials
    /// (AssumeRoleWithWebIdentity), across a signing key rotation.
    #[arg(long, conflicts_with = "callback")]
    oidc: bool,
}

/// One step of the story, as printed.
#[derive(Debug, Serialize)]
struct Step {
    /// Short name, stable in JSON.
    step: &'static str,
    /// What happened.
    summary: String,
    /// Details, one per line.
    details: Vec<String>,
    /// The connection's state after the step, when there is one.
    connection_state: Option<String>,
    /// The connection's revision after the step.
    revision: Option<u64>,
}

struct Story {
    json: bool,
    steps: Vec<Step>,
}

impl Story {
    fn record(&mut self, step: Step) {
        if !self.json {
            let n = self.steps.len() + 1;
            outln!("{n}. {}", step.summary);
            for line in &step.details {
                outln!("   {line}");
            }
            if let (Some(state), Some(revision)) = (&step.connection_state, step.revision) {
                outln!("   connection: {state} (revision {revision})");
            }
            outln!();
        }
        self.steps.push(step);
    }
}

pub(crate) fn run(args: DemoArgs) -> Outcome {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Outcome::Failed(format!("could not start the async runtime: {e}")),
    };
    let mut story = Story {
        json: args.json,
        steps: Vec::new(),
    };
    let result = runtime.block_on(tell(&args, &mut story));
    if args.json {
        outln!(
            "{:#}",
            serde_json::json!({ "steps": story.steps, "completed": result.is_ok() })
        );
    }
    match result {
        Ok(()) => Outcome::Ok,
        Err(DemoError::BadInput(message)) => Outcome::BadInput(message),
        Err(DemoError::Failed(message)) => Outcome::Failed(message),
    }
}

enum DemoError {
    BadInput(String),
    Failed(String),
}

fn failed(what: &str) -> impl Fn(&dyn std::fmt::Display) -> DemoError + '_ {
    move |e| DemoError::Failed(format!("{what}: {e}"))
}

async fn tell(args: &DemoArgs, story: &mut Story) -> Result<(), DemoError> {
    let set = builtin::get(&args.set).map_err(|e| DemoError::BadInput(format!("--set: {e}")))?;
    let clock = ManualClock::at_unix(1_800_000_000);
    let shared_clock: Arc<dyn Clock> = Arc::new(clock.clone());

    // The vendor's side: the connector over a store and STS (the in-memory STS plays AWS).
    let vendor =
        VendorPrincipal::account(VENDOR_ACCOUNT.parse().map_err(|e| failed("vendor")(&e))?);
    let caller: Arn = format!("arn:aws:sts::{VENDOR_ACCOUNT}:assumed-role/connector/worker")
        .parse()
        .map_err(|e| failed("caller")(&e))?;
    let sts = InMemorySts::with_seed(Arc::clone(&shared_clock), caller, 7);
    let (store, id, kept_in): (Arc<dyn ConnectionStore>, ConnectionId, Option<String>) =
        if args.store.given() {
            let (url, store) = args.store.open().await.map_err(DemoError::from)?;
            // A store outlives the demo: each run's connection gets an id of its own.
            let id = format!(
                "acme-demo-{}",
                random_suffix().map_err(|e| failed("id")(&e))?
            )
            .parse()
            .map_err(|e| failed("id")(&e))?;
            (Arc::new(store), id, Some(url.to_string()))
        } else {
            let id = "acme-prod".parse().map_err(|e| failed("id")(&e))?;
            (Arc::new(InMemoryConnectionStore::new()), id, None)
        };
    let builder = Connector::builder(vendor, store, Arc::new(sts.clone()))
        .with_clock(Arc::clone(&shared_clock))
        .with_permission_set(set.clone());
    if args.oidc {
        let record = oidc::tell(story, set, clock, sts, builder, id.clone()).await?;
        return keep_note(story, kept_in, &id, &record);
    }
    let connector = builder.build();

    // 1. A pending connection with a fresh External ID.
    let pending = connector
        .create(
            NewConnection::new(id.clone())
                .with_display_name("Acme production")
                .with_permission_set(set.reference().clone()),
        )
        .await
        .map_err(|e| failed("create")(&e))?;
    story.record(Step {
        step: "external_id",
        summary:
            "The vendor creates a pending connection with a fresh External ID for the customer."
                .into(),
        details: vec![format!("External ID: {}", pending.external_id().as_str())],
        connection_state: Some(pending.state().name().into()),
        revision: Some(pending.revision()),
    });

    // 2. The onboarding artifacts, all from one description.
    let onboarding = connector
        .onboarding(&id)
        .await
        .map_err(|e| failed("onboarding")(&e))?
        .with_values(set.sample_values())
        .with_role_name("AcmeConnector");
    let onboarding = if args.callback {
        let registration = onboarding::Registration::new(
            VENDOR_ACCOUNT.parse().map_err(|e| failed("vendor")(&e))?,
            callback::TOPIC_NAME,
        )
        .and_then(|r| r.with_connection_id(id.as_str()))
        .map_err(|e| failed("registration")(&e))?
        .with_regions([callback::REGION.parse().map_err(|e| failed("region")(&e))?]);
        onboarding.with_registration(registration)
    } else {
        onboarding
    }
    .build()
    .map_err(|e| failed("onboarding")(&e))?;
    let template = onboarding
        .cloudformation()
        .and_then(|t| t.to_yaml())
        .map_err(|e| failed("template")(&e))?;
    let link = onboarding
        .quick_create_link(
            &"us-east-1".parse().map_err(|e| failed("region")(&e))?,
            "https://vendor-onboarding.s3.us-east-1.amazonaws.com/connector/role.yaml",
            "AcmeConnector",
        )
        .map_err(|e| failed("link")(&e))?;
    story.record(Step {
        step: "artifacts",
        summary: format!(
            "The vendor renders the onboarding for {}: CloudFormation ({} lines), Terraform, manual steps, and a quick-create link.",
            set.reference(),
            template.lines().count()
        ),
        details: vec![
            format!("quick-create link: {link}"),
            format!(
                "the role gets {} permission polic{} and {} AWS managed polic{}",
                onboarding.policies().len(),
                if onboarding.policies().len() == 1 { "y" } else { "ies" },
                onboarding.managed_policy_arns().len(),
                if onboarding.managed_policy_arns().len() == 1 { "y" } else { "ies" },
            ),
        ],
        connection_state: None,
        revision: None,
    });

    // 3. The customer creates the role in their account.
    let role_arn: RoleArn = format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:role/AcmeConnector")
        .parse()
        .map_err(|e| failed("role")(&e))?;
    sts.create_role(
        role_arn.clone(),
        onboarding.trust_policy().clone(),
        Duration::from_secs(u64::from(onboarding.max_session_duration())),
    )
    .map_err(|e| failed("create role")(&e))?;
    let submission = if args.callback {
        // CloudFormation creates the role, then the registration resource (it reads the
        // role's ARN) and sends its Create request to the vendor's topic.
        let started = Instant::now();
        let request = callback::request(
            "Create",
            &pending,
            &role_arn,
            CUSTOMER_ACCOUNT,
            VENDOR_ACCOUNT,
            "AcmeConnector",
        )
        .map_err(|e| failed("registration request")(&e))?;
        let registered = connector
            .register(
                &request,
                &callback::ClockTimer(clock.clone()),
                callback::settle(),
            )
            .await
            .map_err(|e| failed("register")(&e))?;
        let took = started.elapsed();
        let connection = registered
            .connection()
            .cloned()
            .ok_or_else(|| DemoError::Failed("the registration named no connection".into()))?;
        story.record(Step {
            step: "registered",
            summary: "The customer creates the stack: CloudFormation creates the role, then its registration resource tells the vendor, which tests the role and answers CloudFormation. No role ARN was pasted.".into(),
            details: vec![
                format!("role: {role_arn}"),
                format!("registration outcome: {:?}; CloudFormation is answered {}", registered.outcome(), registered.response().to_json()),
                format!("handled in {} µs on the in-memory STS", took.as_micros()),
            ],
            connection_state: Some(connection.state().name().into()),
            revision: Some(connection.revision()),
        });
        if !connection.state().is_live() {
            return Err(DemoError::Failed(
                "the registration did not activate the connection".into(),
            ));
        }
        None
    } else {
        story.record(Step {
            step: "role_created",
            summary: "The customer creates the role from the template and hands back its ARN."
                .into(),
            details: vec![format!("role: {role_arn}")],
            connection_state: None,
            revision: None,
        });
        Some(
            connector
                .submit_role(&id, role_arn.clone())
                .await
                .map_err(|e| failed("submit role")(&e))?,
        )
    };

    // 4. The vendor submits the role: the connection test, including the negative check
    //    without the External ID, decides whether the connection goes live.
    if let Some(submission) = &submission {
        record_verification(
            story,
            submission,
            "The vendor tests the connection: assumed with the External ID, identity checked, refused without it. The connection is active.",
            "without the External ID, AssumeRole was denied, as it must be".into(),
        )?;
    }

    // 5. Credentials for the vendor's workers, cached and refreshed ahead of expiry.
    let worker = connector.session(id.clone());
    let first = worker
        .credentials()
        .await
        .map_err(|e| failed("credentials")(&e))?;
    let again = worker
        .credentials()
        .await
        .map_err(|e| failed("credentials")(&e))?;
    let worker_calls = |sts: &InMemorySts| sts.calls().assume_role;
    let calls_after_test = worker_calls(&sts);
    story.record(Step {
        step: "credentials",
        summary: "A worker gets short-lived credentials; a second call is served from the cache."
            .into(),
        details: vec![
            format!(
                "access key id {} (secret and session token never printed: {first:?})",
                first.access_key_id()
            ),
            format!(
                "expires in {} minutes",
                first.remaining_at(clock.now()).as_secs() / 60
            ),
            format!(
                "same credentials on the second call: {}",
                first.same_secrets(&again)
            ),
            format!("AssumeRole calls so far (the connection test made 2): {calls_after_test}"),
        ],
        connection_state: None,
        revision: None,
    });

    // 6. Fifty minutes later the credentials are inside the refresh window.
    clock.advance(Duration::from_secs(50 * 60));
    let refreshed = worker
        .credentials()
        .await
        .map_err(|e| failed("refresh")(&e))?;
    story.record(Step {
        step: "refreshed",
        summary: "Fifty minutes later the session refreshes ahead of expiry.".into(),
        details: vec![
            format!("new access key id {}", refreshed.access_key_id()),
            format!(
                "expires in {} minutes",
                refreshed.remaining_at(clock.now()).as_secs() / 60
            ),
            format!("AssumeRole calls so far: {}", worker_calls(&sts)),
        ],
        connection_state: None,
        revision: None,
    });

    // 7. The customer deletes the role (or the stack); the connection notices.
    if args.callback {
        let current = connector.get(&id).await.map_err(|e| failed("store")(&e))?;
        let started = Instant::now();
        // Deleting the stack deletes the registration resource first (it depends on the
        // role): its Delete request reaches the vendor before the role goes.
        let request = callback::request(
            "Delete",
            &current,
            &role_arn,
            CUSTOMER_ACCOUNT,
            VENDOR_ACCOUNT,
            "AcmeConnector",
        )
        .map_err(|e| failed("registration request")(&e))?;
        let registered = connector
            .register(
                &request,
                &callback::ClockTimer(clock.clone()),
                callback::settle(),
            )
            .await
            .map_err(|e| failed("register")(&e))?;
        let took = started.elapsed();
        sts.delete_role(&role_arn)
            .map_err(|e| failed("delete role")(&e))?;
        let record = connector.get(&id).await.map_err(|e| failed("store")(&e))?;
        let calls = worker_calls(&sts);
        let after = worker.credentials().await;
        let mut details = vec![
            format!(
                "registration outcome: {:?}; CloudFormation is answered {}",
                registered.outcome(),
                registered.response().to_json()
            ),
            format!(
                "handled in {} µs, before the role was deleted",
                took.as_micros()
            ),
        ];
        if let Some(diagnosis) = record.last_diagnosis() {
            details.push(format!(
                "diagnosis {}: {}",
                diagnosis.code(),
                diagnosis.remediation()
            ));
        }
        details.push(format!(
            "the worker's next call is refused at once, without calling STS: {}",
            after.is_err() && worker_calls(&sts) == calls
        ));
        story.record(Step {
            step: "stack_deleted",
            summary: "The customer deletes the stack: its registration resource tells the vendor, and the connection disconnects at once, not at the next refresh.".into(),
            details,
            connection_state: Some(record.state().name().into()),
            revision: Some(record.revision()),
        });
        if after.is_ok() || record.state() != ConnectionState::Disconnected {
            return Err(DemoError::Failed(
                "the stack deletion was not noticed: the connection should be disconnected".into(),
            ));
        }
        return keep_note(story, kept_in, &id, &record);
    }
    sts.delete_role(&role_arn)
        .map_err(|e| failed("delete role")(&e))?;
    clock.advance(Duration::from_secs(50 * 60));
    let outcome = worker.credentials().await;
    let record = connector.get(&id).await.map_err(|e| failed("store")(&e))?;
    let mut details = revocation_details(&outcome, &record);
    let calls = worker_calls(&sts);
    let after = worker.credentials().await;
    details.push(format!(
        "the next call is refused at once, without calling STS: {}",
        after.is_err() && worker_calls(&sts) == calls
    ));
    story.record(Step {
        step: "revoked",
        summary: "The customer deletes the role; at the next refresh the connection disconnects and no credentials are handed out.".into(),
        details,
        connection_state: Some(record.state().name().into()),
        revision: Some(record.revision()),
    });
    if outcome.is_ok() || after.is_ok() || record.state() != ConnectionState::Disconnected {
        return Err(DemoError::Failed(
            "revocation was not noticed: the connection should be disconnected".into(),
        ));
    }
    keep_note(story, kept_in, &id, &record)
}

/// Records the connection test's step (the identity, the findings, and `negative` — what
/// AWS refused — when verified); fails the demo when the connection did not go live.
fn record_verification(
    story: &mut Story,
    submission: &connector_core::Submission,
    verified: &str,
    negative: String,
) -> Result<(), DemoError> {
    let connection = submission.connection();
    let mut details = Vec::new();
    if let Some(report) = submission.report() {
        details.extend(report.identity().map(|i| format!("assumed as {}", i.arn)));
        details.extend(
            report
                .findings()
                .iter()
                .map(|f| format!("{} {}: {}", f.severity(), f.code(), f.message())),
        );
        if report.is_verified() {
            details.push(negative);
        }
    }
    story.record(Step {
        step: "verified",
        summary: if submission.is_live() {
            verified.to_owned()
        } else {
            "The connection test did not verify the role.".into()
        },
        details,
        connection_state: Some(connection.state().name().into()),
        revision: Some(connection.revision()),
    });
    if submission.is_live() {
        Ok(())
    } else {
        Err(DemoError::Failed("the connection test failed".into()))
    }
}

/// What the refresh after a revocation said, and the diagnosis it left on the connection.
fn revocation_details<T, E: std::fmt::Display>(
    outcome: &Result<T, E>,
    record: &connector_core::Connection,
) -> Vec<String> {
    let mut details = vec![match outcome {
        Ok(_) => "credentials were still served (unexpected)".to_owned(),
        Err(e) => format!("refresh refused: {e}"),
    }];
    if let Some(diagnosis) = record.last_diagnosis() {
        details.push(format!(
            "diagnosis {}: {}",
            diagnosis.code(),
            diagnosis.remediation()
        ));
    }
    details
}

/// Where the demo's connection stays, when it was kept in a store.
fn keep_note(
    story: &mut Story,
    kept_in: Option<String>,
    id: &ConnectionId,
    record: &connector_core::Connection,
) -> Result<(), DemoError> {
    if let Some(url) = kept_in {
        story.record(Step {
            step: "kept",
            summary: format!("The connection stays in {url}, sealed: look at it with `connector connections show {id} --store {url}`."),
            details: vec![
                "the role ARN and the External ID are encrypted at rest (AES-256-GCM under a data key; id and revision bound)".into(),
            ],
            connection_state: Some(record.state().name().into()),
            revision: Some(record.revision()),
        });
    }
    Ok(())
}
