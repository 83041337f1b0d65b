//! `connector demo`: the whole onboarding story on the in-memory STS, with no AWS account:
//! External ID, template, the customer's role, verification, credentials and their refresh,
//! revocation, and the connection noticing it.
//!
//! Every step runs the library for real (the in-memory STS evaluates the trust policy the
//! onboarding produced); time is a manual clock moved forward, so the demo takes a second,
//! not an hour.

use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use connector_core::testing::InMemorySts;
use connector_core::{
    Clock, ConnectedSession, Connection, ConnectionEvent, ConnectionStore, CredentialSession,
    Diagnosis, InMemoryConnectionStore, ManualClock, RefreshPolicy, StsProvider, Timestamp, update,
    verify_connection,
};
use iam_policy::{Arn, RoleArn};
use onboarding::Onboarding;
use permission_sets::builtin;
use serde::Serialize;
use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};

use crate::exit::Outcome;

const VENDOR_ACCOUNT: &str = "999988887777";
const CUSTOMER_ACCOUNT: &str = "111122223333";
const CAS_ATTEMPTS: u32 = 8;

/// Options of `connector demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// The permission set the customer grants.
    #[arg(long = "set", default_value = "axiom:read-only-scan")]
    set: String,
    /// Print the steps as JSON at the end instead of as they happen.
    #[arg(long)]
    json: bool,
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
            println!("{n}. {}", step.summary);
            for line in &step.details {
                println!("   {line}");
            }
            if let (Some(state), Some(revision)) = (&step.connection_state, step.revision) {
                println!("   connection: {state} (revision {revision})");
            }
            println!();
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
        println!(
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
    let now = || Timestamp::from_system(clock.now());

    // 1. The vendor gives the customer an External ID.
    let external_id = ExternalId::generate().map_err(|e| failed("External ID")(&e))?;
    let vendor =
        VendorPrincipal::account(VENDOR_ACCOUNT.parse().map_err(|e| failed("vendor")(&e))?);
    let store = Arc::new(InMemoryConnectionStore::new());
    let connection = Connection::new(
        "acme-prod",
        "Acme production",
        CUSTOMER_ACCOUNT
            .parse()
            .map_err(|e| failed("account")(&e))?,
        external_id.clone(),
        now(),
    )
    .map_err(|e| failed("connection")(&e))?
    .with_permission_set(set.name(), set.version());
    let id = connection.id.clone();
    store.create(connection).map_err(|e| failed("store")(&e))?;
    story.record(Step {
        step: "external_id",
        summary:
            "The vendor generates an External ID for the customer and records a pending connection."
                .into(),
        details: vec![format!("External ID: {}", external_id.as_str())],
        connection_state: Some("pending".into()),
        revision: Some(0),
    });

    // 2. The onboarding artifacts, all from one description.
    let sample = set.sample_values();
    let onboarding = Onboarding::builder(
        CrossAccountTrust::new(vendor.clone(), external_id.clone()),
        set,
    )
    .values(sample)
    .role_name("AcmeConnector")
    .build()
    .map_err(|e| DemoError::Failed(format!("onboarding: {e}")))?;
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
            "The vendor renders the onboarding for {} {}: CloudFormation ({} lines), Terraform, manual steps, and a quick-create link.",
            onboarding.permission_set().name(),
            onboarding.permission_set().version(),
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

    // 3. The customer creates the role in their account (the in-memory STS plays AWS).
    let caller: Arn = format!("arn:aws:sts::{VENDOR_ACCOUNT}:assumed-role/connector/worker")
        .parse()
        .map_err(|e| failed("caller")(&e))?;
    let sts = InMemorySts::with_seed(Arc::clone(&shared_clock), caller, 7);
    let role_arn: RoleArn = format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:role/AcmeConnector")
        .parse()
        .map_err(|e| failed("role")(&e))?;
    sts.create_role(
        role_arn.clone(),
        onboarding.trust_policy().clone(),
        Duration::from_secs(u64::from(onboarding.max_session_duration())),
    )
    .map_err(|e| failed("create role")(&e))?;
    let submitted = update(&*store, &id, now(), CAS_ATTEMPTS, |_| {
        ConnectionEvent::RoleSubmitted {
            role_arn: role_arn.clone(),
        }
    })
    .map_err(|e| failed("role submitted")(&e))?;
    story.record(Step {
        step: "role_created",
        summary: "The customer creates the role from the template and hands back its ARN.".into(),
        details: vec![format!("role: {role_arn}")],
        connection_state: Some(submitted.state.name().into()),
        revision: Some(submitted.revision),
    });

    // 4. The connection test, including the negative check without the External ID.
    let provider: Arc<dyn StsProvider> = Arc::new(sts.clone());
    let report = verify_connection(
        &*provider,
        &role_arn,
        &external_id,
        "connector-verify",
        None,
    )
    .await;
    let verified = if report.verified {
        update(&*store, &id, now(), CAS_ATTEMPTS, |_| {
            ConnectionEvent::VerificationSucceeded
        })
    } else {
        let diagnosis = report.first_error().map(|f| Diagnosis {
            code: f.code.clone(),
            message: f.message.clone(),
            remediation: f.remediation.clone(),
            at: now(),
        });
        match diagnosis {
            Some(diagnosis) => update(&*store, &id, now(), CAS_ATTEMPTS, |_| {
                ConnectionEvent::VerificationFailed {
                    diagnosis: diagnosis.clone(),
                }
            }),
            None => {
                return Err(DemoError::Failed(
                    "verification failed without a finding".into(),
                ));
            }
        }
    }
    .map_err(|e| failed("verification")(&e))?;
    let mut details: Vec<String> = report
        .identity
        .iter()
        .map(|i| format!("assumed as {}", i.arn))
        .collect();
    details.extend(
        report
            .findings
            .iter()
            .map(|f| format!("{:?} {}: {}", f.severity, f.code, f.message)),
    );
    if report.verified {
        details.push("without the External ID, AssumeRole was denied, as it must be".into());
    }
    story.record(Step {
        step: "verified",
        summary: if report.verified {
            "The vendor tests the connection: assumed with the External ID, identity checked, refused without it.".into()
        } else {
            "The connection test failed.".into()
        },
        details,
        connection_state: Some(verified.state.name().into()),
        revision: Some(verified.revision),
    });
    if !report.verified {
        return Err(DemoError::Failed("the connection test failed".into()));
    }

    // 5. Credentials for the vendor's workers, cached and refreshed ahead of expiry.
    let request = connector_core::AssumeRoleRequest::new(role_arn.clone(), "connector-worker")
        .external_id(external_id.clone())
        .duration(Duration::from_secs(3600));
    let session = CredentialSession::new(
        Arc::clone(&provider),
        request,
        Arc::clone(&shared_clock),
        RefreshPolicy::default(),
    )
    .map_err(|e| failed("session")(&e))?;
    let connected = ConnectedSession::new(
        Arc::clone(&store) as Arc<dyn ConnectionStore>,
        id.clone(),
        session,
        Arc::clone(&shared_clock),
    );
    let first = connected
        .credentials()
        .await
        .map_err(|e| failed("credentials")(&e))?;
    let again = connected
        .credentials()
        .await
        .map_err(|e| failed("credentials")(&e))?;
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
            format!(
                "provider calls so far: {}",
                connected.session().provider_calls()
            ),
        ],
        connection_state: None,
        revision: None,
    });

    // 6. Fifty minutes later the credentials are inside the refresh window.
    clock.advance(Duration::from_secs(50 * 60));
    let refreshed = connected
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
            format!(
                "provider calls so far: {}",
                connected.session().provider_calls()
            ),
        ],
        connection_state: None,
        revision: None,
    });

    // 7. The customer deletes the role; the next refresh notices.
    sts.delete_role(&role_arn)
        .map_err(|e| failed("delete role")(&e))?;
    clock.advance(Duration::from_secs(50 * 60));
    let outcome = connected.credentials().await;
    let record = store
        .get(&id)
        .map_err(|e| failed("store")(&e))?
        .ok_or_else(|| DemoError::Failed("the connection vanished".into()))?;
    let mut details = vec![match &outcome {
        Ok(_) => "credentials were still served (unexpected)".to_owned(),
        Err(e) => format!("refresh refused: {e}"),
    }];
    if let Some(diagnosis) = &record.last_diagnosis {
        details.push(format!(
            "diagnosis {}: {}",
            diagnosis.code, diagnosis.remediation
        ));
    }
    story.record(Step {
        step: "revoked",
        summary: "The customer deletes the role; at the next refresh the connection disconnects and no credentials are handed out.".into(),
        details,
        connection_state: Some(record.state.name().into()),
        revision: Some(record.revision),
    });
    if outcome.is_ok() || record.state.name() != "disconnected" {
        return Err(DemoError::Failed(
            "revocation was not noticed: the connection should be disconnected".into(),
        ));
    }
    Ok(())
}
