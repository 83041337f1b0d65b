//! `connector serve`: the reference onboarding service (crate `connector-server`) — the
//! REST API, the customer's onboarding page, the SNS callback, the fleet worker in-process,
//! `/healthz`, `/readyz`, `/metrics` — on SQLite in the user's data directory by default;
//! with a PostgreSQL store, the directory (API keys, grants, onboarding links) lives in the
//! same database, so several instances behind a load balancer share it.
//! `--simulate` plays the customer's AWS account with the in-memory STS: it prints an API
//! key of a simulated tenant and the onboarding page of a first connection, so the whole
//! flow can be clicked through on a laptop without AWS.

mod settings;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use connector_aws::{
    HttpsCertificateSource, RegistrationHandler, ResponseSender, SnsVerifier, SubscriptionConfirmer,
};
use connector_core::oidc::{Issuer, IssuerUrl, KeySet};
use connector_core::testing::InMemorySts;
use connector_core::{
    Arn, CheckQueue, Clock, ConnectionStore, Connector, ListQuery, NewConnection, SharedIssuer,
    StsProvider, SystemClock, VendorPrincipal, WebIdentityTokens,
};
use connector_server::directory::keys::{KeyPolicy, issue_key, issue_page_token};
use connector_server::directory::{
    Access, ConnectionName, Directory, Grantee, PostgresDirectory, SqliteDirectory, TenantId,
};
use connector_server::secret::ServerKey;
use connector_server::simulate::Simulator;
use connector_server::{AppState, OperatorKey, RecentChanges, ServerConfig};
use connector_store::{AnyStore, StoreUrl};
use permission_sets::builtin;
use secrecy::{ExposeSecret as _, SecretString};
use settings::{FileSettings, Sources};

use crate::exit::Outcome;
use crate::fleet::StsArgs;
use crate::output::outln;
use crate::store::StoreArgs;

/// The simulated vendor and customer accounts.
const SIMULATED_VENDOR: &str = "999988887777";
const SIMULATED_CUSTOMER: &str = "111122223333";
const SIMULATED_TENANT: &str = "demo";

/// Options of `connector serve`.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Configuration: flags, then environment variables CONNECTOR_LISTEN, CONNECTOR_STORE, CONNECTOR_DIRECTORY, CONNECTOR_SIMULATE, CONNECTOR_JSON_LOGS, CONNECTOR_FLEET, CONNECTOR_PUBLIC_URL, CONNECTOR_TEMPLATE_URL, CONNECTOR_VENDOR_ACCOUNT, CONNECTOR_VENDOR_ROLE, CONNECTOR_REGION, CONNECTOR_ENDPOINT_URL, CONNECTOR_SNS_TOPIC_ARN, CONNECTOR_MAX_BODY_BYTES, CONNECTOR_REQUEST_TIMEOUT_SECONDS, CONNECTOR_PAGE_TOKEN_TTL_SECONDS, CONNECTOR_PER_KEY_RATE, CONNECTOR_PER_IP_RATE, CONNECTOR_TRUSTED_PROXIES, then the --config file (YAML or JSON, the same names in lowercase without the prefix), then the defaults.\n\n\
Without --store, connections live in SQLite under the user's data directory. API keys, grants and onboarding links (the directory, tables connector_server_*) live where the store is: in the same SQLite file, or with --store postgres://… in the same PostgreSQL database, through the store's connection pool (the same TLS settings), so several instances behind a load balancer share them. --directory puts them elsewhere: a SQLite file, or a postgres:// URL. A DynamoDB store holds no directory: it needs --directory.\n\n\
--simulate: the in-memory STS plays AWS; the simulated tenant's API key is printed once, with the onboarding page of a first connection. Roles of the simulated account live in memory: after a restart, connections made before are found disconnected by the fleet worker.\n\n\
Forms and operator sessions are signed with CONNECTOR_SERVER_KEY (base64 of 32 random bytes, from --new-server-key), which every instance behind one load balancer needs to share; without it each process makes its own.\n\n\
The operator page (/operator) opens with CONNECTOR_OPERATOR_KEY (an op.ID.SECRET key from --new-operator-key); with --simulate and no such key, one is made and printed once.\n\nStops on Ctrl-C or SIGTERM: no new connections, requests in flight finish, the fleet worker gives its checks back."
)]
pub(crate) struct ServeArgs {
    /// The address to listen on (port 0: any free port; the URL printed tells which).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// Simulate the customer's AWS account with the in-memory STS (no AWS needed).
    #[arg(long)]
    simulate: bool,
    /// Where connections are kept (see `connector connections --help`).
    #[command(flatten)]
    store: StoreArgs,
    /// Where API keys, grants and onboarding links are kept: a SQLite file (PATH or
    /// sqlite:PATH) or a PostgreSQL database (postgres://…). Default: the store's SQLite
    /// file or PostgreSQL database; required with a DynamoDB store.
    #[arg(long, value_name = "PATH|URL")]
    directory: Option<String>,
    /// A YAML (or JSON) file of settings.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Logs as JSON lines.
    #[arg(long = "json-logs")]
    json_logs: bool,
    /// Do not run the fleet worker in this process (run `connector fleet run` instead).
    #[arg(long = "no-fleet")]
    no_fleet: bool,
    /// The URL people reach this server at, for links (default: the listening address).
    #[arg(long = "public-url", value_name = "URL")]
    public_url: Option<String>,
    /// The proxies (load balancers) in front of the server, comma-separated networks or
    /// addresses (e.g. 10.0.0.0/8): the per-IP rate limit then reads the client's address
    /// from their X-Forwarded-For. Default: none, the header is ignored.
    #[arg(long = "trusted-proxies", value_name = "CIDR,…")]
    trusted_proxies: Option<String>,
    /// The vendor's AWS account id (required unless --simulate).
    #[arg(long = "vendor-account", value_name = "ID")]
    vendor_account: Option<String>,
    /// The vendor's role customers trust (in --vendor-account).
    #[arg(long = "vendor-role", value_name = "ARN")]
    vendor_role: Option<String>,
    /// Send STS calls here instead of AWS.
    #[arg(long = "endpoint-url", value_name = "URL")]
    endpoint_url: Option<String>,
    /// The STS region.
    #[arg(long, value_name = "R")]
    region: Option<String>,
    /// Web-identity connections (the Nomos model): this server is the vendor's OIDC issuer
    /// at this https URL (its public address), publishing /.well-known/openid-configuration
    /// and /.well-known/jwks.json; needs --oidc-key.
    #[arg(long = "oidc-issuer", value_name = "URL", requires = "oidc_key")]
    oidc_issuer: Option<String>,
    /// The issuer's signing key (PEM or JWK, from `connector oidc keygen`).
    #[arg(long = "oidc-key", value_name = "FILE", requires = "oidc_issuer")]
    oidc_key: Option<PathBuf>,
    /// Print a new operator key (`op.ID.SECRET`) and exit: keep it in a secret store and give
    /// it to the server in CONNECTOR_OPERATOR_KEY to open the operator page (/operator).
    #[arg(long = "new-operator-key")]
    new_operator_key: bool,
    /// Print a new server key (32 random bytes, base64) and exit: give the same one to every
    /// instance in CONNECTOR_SERVER_KEY, so that a form or an operator session one instance
    /// made works on the others (and after a restart).
    #[arg(long = "new-server-key")]
    new_server_key: bool,
}

/// Everything resolved.
struct Resolved {
    listen: SocketAddr,
    simulate: bool,
    json_logs: bool,
    fleet: bool,
    directory: Option<String>,
    sts: Option<StsArgs>,
    sns_topic: Option<String>,
    config: ServerConfig,
}

fn resolve(
    args: &ServeArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(Resolved, Option<String>), Outcome> {
    let file = match &args.config {
        Some(path) => FileSettings::read(path)?,
        None => FileSettings::default(),
    };
    let sources = Sources { env, file: &file };
    let listen_text = sources
        .text(args.listen.as_ref(), "LISTEN", |f| f.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let listen: SocketAddr = listen_text.parse().map_err(|_| {
        Outcome::BadInput(format!(
            "--listen {listen_text:?}: an address such as 127.0.0.1:8080"
        ))
    })?;
    let simulate = sources.switch(args.simulate, "SIMULATE", file.simulate, false)?;
    let json_logs = sources.switch(args.json_logs, "JSON_LOGS", file.json_logs, false)?;
    let fleet = !args.no_fleet && sources.switch(false, "FLEET", file.fleet, true)?;
    let store = sources.text(None, "STORE", |f| f.store.clone());
    let directory = sources.text(args.directory.as_ref(), "DIRECTORY", |f| {
        f.directory.clone()
    });
    let vendor_account = sources.text(args.vendor_account.as_ref(), "VENDOR_ACCOUNT", |f| {
        f.vendor_account.clone()
    });
    let sts = if simulate {
        None
    } else {
        let Some(vendor_account) = vendor_account else {
            return Err(Outcome::BadInput(
                "--vendor-account: required unless --simulate (the account customers' trust policies name)".to_owned(),
            ));
        };
        Some(StsArgs::new(
            vendor_account,
            sources.text(args.vendor_role.as_ref(), "VENDOR_ROLE", |f| {
                f.vendor_role.clone()
            }),
            sources.text(args.endpoint_url.as_ref(), "ENDPOINT_URL", |f| {
                f.endpoint_url.clone()
            }),
            sources.text(args.region.as_ref(), "REGION", |f| f.region.clone()),
        ))
    };
    let defaults = ServerConfig::default();
    let mut config = ServerConfig {
        public_url: sources
            .text(args.public_url.as_ref(), "PUBLIC_URL", |f| {
                f.public_url.clone()
            })
            .unwrap_or_default(),
        template_url: sources.text(None, "TEMPLATE_URL", |f| f.template_url.clone()),
        max_body_bytes: sources.number(
            "MAX_BODY_BYTES",
            file.max_body_bytes,
            defaults.max_body_bytes,
        )?,
        request_timeout: Duration::from_secs(sources.number(
            "REQUEST_TIMEOUT_SECONDS",
            file.request_timeout_seconds,
            defaults.request_timeout.as_secs(),
        )?),
        page_token_ttl: Duration::from_secs(sources.number(
            "PAGE_TOKEN_TTL_SECONDS",
            file.page_token_ttl_seconds,
            defaults.page_token_ttl.as_secs(),
        )?),
        ..defaults
    };
    let key_rate = sources.number("PER_KEY_RATE", file.per_key_rate, config.per_key_rate.0)?;
    let ip_rate = sources.number("PER_IP_RATE", file.per_ip_rate, config.per_ip_rate.0)?;
    for (name, rate) in [
        ("CONNECTOR_PER_KEY_RATE", key_rate),
        ("CONNECTOR_PER_IP_RATE", ip_rate),
    ] {
        if !(rate.is_finite() && rate > 0.0) {
            return Err(Outcome::BadInput(format!(
                "{name} {rate}: a rate above 0 per second"
            )));
        }
    }
    config.trusted_proxies = settings::trusted_proxies(args.trusted_proxies.as_ref(), &sources)?;
    config.per_key_rate = (key_rate, key_rate * 2.0);
    config.per_ip_rate = (ip_rate, ip_rate * 2.0);
    if config.max_body_bytes < 1_024 {
        return Err(Outcome::BadInput(
            "CONNECTOR_MAX_BODY_BYTES: at least 1024".to_owned(),
        ));
    }
    Ok((
        Resolved {
            listen,
            simulate,
            json_logs,
            fleet,
            directory,
            sts,
            sns_topic: sources.text(None, "SNS_TOPIC_ARN", |f| f.sns_topic_arn.clone()),
            config,
        },
        store,
    ))
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CONNECTOR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

pub(crate) fn run(args: ServeArgs) -> Outcome {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Outcome::Failed(format!("could not start the async runtime: {e}")),
    };
    match runtime.block_on(execute(args)) {
        Ok(outcome) | Err(outcome) => outcome,
    }
}

async fn execute(args: ServeArgs) -> Result<Outcome, Outcome> {
    if args.new_operator_key {
        let (_, key) = OperatorKey::issue("operator", true)
            .map_err(|e| Outcome::Failed(format!("operator key: {e}")))?;
        outln!("{}", key.expose_secret());
        return Ok(Outcome::Ok);
    }
    if args.new_server_key {
        let key = ServerKey::generate().map_err(|e| Outcome::Failed(format!("server key: {e}")))?;
        outln!("{}", key.to_base64().expose_secret());
        return Ok(Outcome::Ok);
    }
    let (resolved, store_from_env) = resolve(&args, &|name| std::env::var(name).ok())?;
    init_logs(resolved.json_logs);
    let store_args = args.store.clone().or_store(store_from_env);
    let (url, store) = store_args.open().await?;
    let store = Arc::new(store);
    let place = DirectoryPlace::of(resolved.directory.as_deref(), &url)?;
    let directory = place.open(&store).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let simulated = if resolved.simulate {
        let caller: Arn = format!("arn:aws:sts::{SIMULATED_VENDOR}:assumed-role/connector/server")
            .parse()
            .map_err(|e| Outcome::Failed(format!("caller: {e}")))?;
        Some(InMemorySts::new(Arc::clone(&clock), caller))
    } else {
        None
    };
    let (vendor, provider): (VendorPrincipal, Arc<dyn StsProvider>) =
        match (&simulated, &resolved.sts) {
            (Some(sts), _) => (
                VendorPrincipal::account(
                    SIMULATED_VENDOR
                        .parse()
                        .map_err(|e| Outcome::Failed(format!("vendor: {e}")))?,
                ),
                Arc::new(sts.clone()),
            ),
            (None, Some(sts)) => {
                let sts = sts.check()?;
                (sts.vendor().clone(), sts.provider().await?)
            }
            (None, None) => {
                return Err(Outcome::BadInput(
                    "--vendor-account: required unless --simulate".to_owned(),
                ));
            }
        };
    let issuer = match (&args.oidc_issuer, &args.oidc_key) {
        (Some(url), Some(file)) => {
            let url = IssuerUrl::parse(url)
                .map_err(|e| Outcome::BadInput(format!("--oidc-issuer {url}: {e}")))?;
            let key = crate::oidc::load_key("--oidc-key", file)?;
            Some(Arc::new(SharedIssuer::new(Issuer::new(
                url,
                KeySet::new(key),
            ))))
        }
        _ => None,
    };
    let records: Arc<dyn ConnectionStore> = store.clone();
    // The operator page's "recent changes": every state change this process writes.
    let recent = Arc::new(RecentChanges::new(RECENT_CHANGES));
    let mut builder = Connector::builder(vendor, records, provider)
        .with_clock(Arc::clone(&clock))
        .with_subscriber(recent.clone());
    if let Some(issuer) = &issuer {
        builder =
            builder.with_web_identity_tokens(Arc::clone(issuer) as Arc<dyn WebIdentityTokens>);
    }
    let mut config = resolved.config.clone();
    for set in builtin::all() {
        config
            .parameter_values
            .insert(set.reference().clone(), set.sample_values());
        builder = builder.with_permission_set(set);
    }
    let connector = builder.build();
    let listener = tokio::net::TcpListener::bind(resolved.listen)
        .await
        .map_err(|e| Outcome::Failed(format!("--listen {}: {e}", resolved.listen)))?;
    let local = listener
        .local_addr()
        .map_err(|e| Outcome::Failed(format!("--listen: {e}")))?;
    let base = format!("http://{local}");
    if config.public_url.is_empty() {
        config.public_url = base.clone();
    }
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    let _ = metrics::set_global_recorder(recorder);
    let mut state = AppState::builder(connector.clone(), Arc::clone(&directory))
        .with_config(config.clone())
        .with_metrics(handle)
        .with_recent_changes(recent);
    if let Some(issuer) = issuer {
        state = state.with_oidc_issuer(issuer);
    }
    // The key that signs forms and operator sessions: the same on every instance when given.
    match std::env::var("CONNECTOR_SERVER_KEY") {
        Ok(text) => {
            let key = ServerKey::from_base64(&secrecy::zeroize::Zeroizing::new(text))
                .map_err(|e| Outcome::BadInput(format!("CONNECTOR_SERVER_KEY: {e}")))?;
            state = state.with_server_key(key);
        }
        Err(_) if !matches!(url, StoreUrl::Sqlite(_)) => tracing::warn!(
            "CONNECTOR_SERVER_KEY is not set: forms and operator sessions work only on this \
             instance until it restarts; give every instance the same key (--new-server-key)"
        ),
        Err(_) => {}
    }
    // The operator page opens with CONNECTOR_OPERATOR_KEY (may act), or, in simulate mode
    // without it, with a key made now and printed once.
    let operator = match std::env::var("CONNECTOR_OPERATOR_KEY") {
        Ok(text) => {
            let key = SecretString::from(text);
            let record = OperatorKey::from_key("operator", &key, true).ok_or_else(|| {
                Outcome::BadInput(
                    "CONNECTOR_OPERATOR_KEY: not an operator key (op.ID.SECRET; make one with --new-operator-key)"
                        .to_owned(),
                )
            })?;
            state = state.with_operator_key(record);
            None
        }
        Err(_) if resolved.simulate => {
            let (record, key) = OperatorKey::issue("simulate operator", true)
                .map_err(|e| Outcome::Failed(format!("operator key: {e}")))?;
            state = state.with_operator_key(record);
            Some(key)
        }
        Err(_) => None,
    };
    if let Some(topic) = &resolved.sns_topic {
        let failed = |e: &dyn std::fmt::Display| Outcome::Failed(format!("SNS callback: {e}"));
        let verifier = SnsVerifier::new(Arc::new(
            HttpsCertificateSource::new().map_err(|e| failed(&e))?,
        ))
        .with_topic(topic.clone());
        let handler = RegistrationHandler::new(
            verifier,
            connector.clone(),
            ResponseSender::new().map_err(|e| failed(&e))?,
        )
        .with_subscription_confirmer(SubscriptionConfirmer::new().map_err(|e| failed(&e))?);
        state = state.with_registration_handler(Arc::new(handler));
    }
    if let Some(sts) = &simulated {
        let customer = SIMULATED_CUSTOMER
            .parse()
            .map_err(|e| Outcome::Failed(format!("customer: {e}")))?;
        state = state.with_simulator(Simulator::new(sts.clone(), customer));
    }
    let state = state
        .build()
        .map_err(|e| Outcome::Failed(format!("server: {e}")))?;
    outln!("connector serve: {base} (store {url}, directory {place})");
    if resolved.simulate {
        simulate_start(&state, directory.as_ref()).await?;
    }
    if let Some(key) = operator {
        outln!(
            "operator page: {base}/operator (operator key, shown once: {})",
            key.expose_secret()
        );
    }
    crate::output::flush_stdout();
    let queue: Option<Arc<dyn CheckQueue>> =
        resolved.fleet.then(|| store.clone() as Arc<dyn CheckQueue>);
    tracing::info!(%local, fleet = resolved.fleet, simulate = resolved.simulate, "serving");
    connector_server::serve(listener, state, queue, crate::fleet::stop_signal())
        .await
        .map_err(|e| Outcome::Failed(format!("server: {e}")))?;
    tracing::info!("stopped");
    let _ = store.list(&ListQuery::all().with_limit(1)).await;
    Ok(Outcome::Ok)
}

/// Where the directory (API keys, grants, onboarding links) is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DirectoryPlace {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database of its own (`--directory postgres://…`; the URL may hold a
    /// password: shown through `StoreUrl`'s `Display`, which leaves it out).
    Postgres(StoreUrl),
    /// The PostgreSQL store's database, through the store's pool.
    StoreDatabase,
}

impl DirectoryPlace {
    /// `--directory` (or its variable or file setting), else the store's own database.
    fn of(given: Option<&str>, store: &StoreUrl) -> Result<DirectoryPlace, Outcome> {
        let Some(text) = given else {
            return match store {
                StoreUrl::Sqlite(path) => Ok(DirectoryPlace::Sqlite(path.clone())),
                StoreUrl::Postgres(_) => Ok(DirectoryPlace::StoreDatabase),
                _ => Err(Outcome::BadInput(
                    "--directory: required with a DynamoDB store (a SQLite file or a postgres:// URL for API keys, grants and onboarding links)".to_owned(),
                )),
            };
        };
        if text.is_empty() {
            return Err(Outcome::BadInput(
                "--directory: a SQLite file or a postgres:// URL, not empty".to_owned(),
            ));
        }
        if !text.contains("://") && !text.starts_with("sqlite:") {
            return Ok(DirectoryPlace::Sqlite(PathBuf::from(text)));
        }
        match text.parse::<StoreUrl>() {
            Ok(StoreUrl::Sqlite(path)) => Ok(DirectoryPlace::Sqlite(path)),
            Ok(url @ StoreUrl::Postgres(_)) => Ok(DirectoryPlace::Postgres(url)),
            // The text may hold a password: only its scheme is repeated.
            _ => Err(Outcome::BadInput(format!(
                "--directory {}://…: a SQLite file (PATH or sqlite:PATH) or a postgres:// URL",
                text.split_once("://").map_or(text, |(scheme, _)| scheme)
            ))),
        }
    }

    /// Opens the directory (creating its tables when missing).
    async fn open(&self, store: &AnyStore) -> Result<Arc<dyn Directory>, Outcome> {
        let failed = |e: &dyn std::fmt::Display| Outcome::Failed(format!("directory {self}: {e}"));
        Ok(match self {
            DirectoryPlace::Sqlite(path) => {
                Arc::new(SqliteDirectory::open(path).await.map_err(|e| failed(&e))?)
            }
            DirectoryPlace::Postgres(StoreUrl::Postgres(url)) => Arc::new(
                PostgresDirectory::connect(url)
                    .await
                    .map_err(|e| failed(&e))?,
            ),
            DirectoryPlace::StoreDatabase => match store {
                AnyStore::Postgres(postgres) => Arc::new(
                    PostgresDirectory::with_pool(postgres.pool().clone())
                        .await
                        .map_err(|e| failed(&e))?,
                ),
                _ => return Err(failed(&"the store is not PostgreSQL")),
            },
            DirectoryPlace::Postgres(_) => return Err(failed(&"not a postgres:// URL")),
        })
    }
}

impl std::fmt::Display for DirectoryPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DirectoryPlace::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            DirectoryPlace::Postgres(url) => write!(f, "{url}"),
            DirectoryPlace::StoreDatabase => f.write_str("in the store's database"),
        }
    }
}

/// How many state changes the operator page shows.
const RECENT_CHANGES: usize = 200;

/// The simulated tenant's key and a first connection, printed once.
async fn simulate_start(state: &AppState, directory: &dyn Directory) -> Result<(), Outcome> {
    let failed = |what: &'static str| {
        move |e: &dyn std::fmt::Display| Outcome::Failed(format!("{what}: {e}"))
    };
    let tenant: TenantId = SIMULATED_TENANT.parse().map_err(|e| failed("tenant")(&e))?;
    let now = state.now();
    let key = issue_key(directory, &tenant, &KeyPolicy::admin("simulate"), now)
        .await
        .map_err(|e| failed("API key")(&e))?;
    let suffix = crate::demo::random_suffix().map_err(|e| failed("name")(&e))?;
    let name = ConnectionName::parse(&tenant, &format!("acme-{suffix}"))
        .map_err(|e| failed("name")(&e))?;
    let id = name.store_id(&tenant).map_err(|e| failed("name")(&e))?;
    let set = builtin::get("axiom:read-only-scan").map_err(|e| failed("permission set")(&e))?;
    state
        .connector()
        .create(
            NewConnection::new(id)
                .with_display_name("Acme (simulated customer)")
                .with_permission_set(set.reference().clone()),
        )
        .await
        .map_err(|e| failed("connection")(&e))?;
    directory
        .set_grant(
            &tenant,
            &name,
            &Grantee::key(key.id()).map_err(|e| failed("grant")(&e))?,
            Some(Access::Manage),
        )
        .await
        .map_err(|e| failed("grant")(&e))?;
    let token = issue_page_token(
        directory,
        &tenant,
        &name,
        state.config().page_token_ttl.as_secs(),
        now,
    )
    .await
    .map_err(|e| failed("onboarding link")(&e))?;
    let base = &state.config().public_url;
    outln!(
        "simulated customer account {SIMULATED_CUSTOMER}, vendor {SIMULATED_VENDOR}, tenant {SIMULATED_TENANT}"
    );
    outln!("API key (shown once): {}", key.key().expose_secret());
    outln!(
        "onboarding page of connection {name}: {base}/onboarding/{}",
        token.token().expose_secret()
    );
    outln!(
        "API: {base}/v1/openapi.json; try: curl -H 'Authorization: Bearer <key>' {base}/v1/connections"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: ServeArgs,
    }

    fn resolved(argv: &[&str], env: &[(&str, &str)]) -> Result<Resolved, Outcome> {
        let mut all = vec!["serve"];
        all.extend(argv);
        let cli = Cli::try_parse_from(all).unwrap();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        resolve(&cli.args, &|name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
        .map(|(r, _)| r)
    }

    #[test]
    fn the_directory_lives_in_the_store_unless_directory_says_otherwise() {
        let sqlite: StoreUrl = "sqlite:/data/c.db".parse().unwrap();
        let postgres: StoreUrl = "postgres://app:pw@db.internal/connector".parse().unwrap();
        let dynamodb: StoreUrl = "dynamodb://connections".parse().unwrap();
        assert_eq!(
            DirectoryPlace::of(None, &sqlite).unwrap(),
            DirectoryPlace::Sqlite(PathBuf::from("/data/c.db"))
        );
        assert_eq!(
            DirectoryPlace::of(None, &postgres).unwrap(),
            DirectoryPlace::StoreDatabase
        );
        for store in [&sqlite, &postgres, &dynamodb] {
            assert_eq!(
                DirectoryPlace::of(Some("keys.db"), store).unwrap(),
                DirectoryPlace::Sqlite(PathBuf::from("keys.db"))
            );
            assert_eq!(
                DirectoryPlace::of(Some("sqlite:keys.db"), store).unwrap(),
                DirectoryPlace::Sqlite(PathBuf::from("keys.db"))
            );
            let place =
                DirectoryPlace::of(Some("postgresql://app:s3cret@db.internal/dir"), store).unwrap();
            assert!(matches!(
                place,
                DirectoryPlace::Postgres(StoreUrl::Postgres(_))
            ));
            assert_eq!(place.to_string(), "postgres://db.internal/dir");
        }
    }

    #[test]
    fn a_dynamodb_store_without_directory_and_a_bad_directory_are_bad_input_naming_the_flag() {
        let dynamodb: StoreUrl = "dynamodb://connections".parse().unwrap();
        for (given, store) in [
            (None, &dynamodb),
            (Some("dynamodb://connections"), &dynamodb),
            (Some("mysql://app:s3cret@db/dir"), &dynamodb),
            (Some(""), &dynamodb),
        ] {
            match DirectoryPlace::of(given, store) {
                Err(Outcome::BadInput(message)) => {
                    assert!(message.starts_with("--directory"), "{message}");
                    assert!(!message.contains("s3cret"), "{message}");
                }
                other => panic!("{given:?}: {other:?}"),
            }
        }
        let r = resolved(
            &["--simulate"],
            &[("CONNECTOR_DIRECTORY", "postgres://db.internal/dir")],
        )
        .unwrap();
        assert_eq!(r.directory.as_deref(), Some("postgres://db.internal/dir"));
    }

    #[test]
    fn defaults_bind_loopback_8080_with_the_fleet() {
        let r = resolved(&["--simulate"], &[]).unwrap();
        assert_eq!(r.listen, "127.0.0.1:8080".parse().unwrap());
        assert!(r.simulate && r.fleet && !r.json_logs);
        assert!(r.sts.is_none());
    }

    #[test]
    fn without_simulate_the_vendor_account_is_required() {
        match resolved(&[], &[]) {
            Err(Outcome::BadInput(message)) => assert!(message.starts_with("--vendor-account")),
            _ => panic!("accepted"),
        }
        assert!(resolved(&[], &[("CONNECTOR_VENDOR_ACCOUNT", "999988887777")]).is_ok());
    }

    #[test]
    fn the_listen_flag_beats_the_environment_and_bad_values_name_their_source() {
        let r = resolved(
            &["--simulate", "--listen", "127.0.0.1:0"],
            &[("CONNECTOR_LISTEN", "127.0.0.1:9")],
        )
        .unwrap();
        assert_eq!(r.listen.port(), 0);
        let r = resolved(&["--simulate"], &[("CONNECTOR_LISTEN", "127.0.0.1:9")]).unwrap();
        assert_eq!(r.listen.port(), 9);
        for (env, flag) in [
            (("CONNECTOR_LISTEN", "nowhere"), "--listen"),
            (("CONNECTOR_PER_KEY_RATE", "0"), "CONNECTOR_PER_KEY_RATE"),
            (
                ("CONNECTOR_MAX_BODY_BYTES", "10"),
                "CONNECTOR_MAX_BODY_BYTES",
            ),
        ] {
            match resolved(&["--simulate"], &[env]) {
                Err(Outcome::BadInput(message)) => assert!(message.starts_with(flag), "{message}"),
                _ => panic!("{env:?} accepted"),
            }
        }
    }
}
