//! `connector demo --oidc`: the Nomos story, with no long-lived key anywhere. The vendor is an
//! OIDC issuer; the customer's stack creates an IAM OIDC provider for it and a role that
//! trusts the tenant's tokens; the vendor swaps a freshly minted token for credentials on
//! every refresh (`AssumeRoleWithWebIdentity`), rotates its signing key without a gap, and
//! notices when the customer deletes the role. Every step runs the library for real on the
//! in-memory STS, which verifies the JWTs against the published JWKS.

use std::sync::Arc;
use std::time::Duration;

use connector_core::oidc::{Issuer, IssuerUrl, KeySet, STS_AUDIENCE, SigningAlgorithm, SigningKey};
use connector_core::testing::InMemorySts;
use connector_core::{
    Clock, ConnectionState, ManualClock, NewConnection, RoleArn, SharedIssuer, TokenSubject,
    WebIdentityTokens,
};

use super::{
    CUSTOMER_ACCOUNT, DemoError, Step, Story, failed, record_verification, revocation_details,
};

/// The vendor's issuer (Nomos serves its discovery document and JWKS here).
const ISSUER: &str = "https://id.auto-nomos.com";
/// The tenant whose account the demo connects.
const TENANT: &str = "acme";

/// Tells the story; `connector` is built here because it needs the issuer.
pub(super) async fn tell(
    story: &mut Story,
    set: permission_sets::PermissionSet,
    clock: ManualClock,
    sts: InMemorySts,
    builder: connector_core::ConnectorBuilder,
    id: connector_core::ConnectionId,
) -> Result<connector_core::Connection, DemoError> {
    // 1. The vendor's issuer: a signing key, the discovery document and the JWKS it serves.
    let key =
        SigningKey::generate(SigningAlgorithm::Es256).map_err(|e| failed("signing key")(&e))?;
    let issuer = Issuer::new(
        IssuerUrl::parse(ISSUER).map_err(|e| failed("issuer")(&e))?,
        KeySet::new(key),
    );
    let discovery = issuer.discovery();
    let first_kid = issuer.keys().current().kid().to_owned();
    let issuer = Arc::new(SharedIssuer::new(issuer));
    story.record(Step {
        step: "issuer",
        summary: "The vendor runs an OIDC issuer: one signing key (ES256), a discovery document and a JWKS served from its own HTTPS host. It holds no AWS key for any customer.".into(),
        details: vec![
            format!("issuer: {}", discovery.issuer),
            format!("jwks_uri: {}", discovery.jwks_uri),
            format!("signing key id (kid): {first_kid}; the private key is never printed"),
        ],
        connection_state: None,
        revision: None,
    });

    let connector = builder
        .with_web_identity_tokens(Arc::clone(&issuer) as Arc<dyn WebIdentityTokens>)
        .build();
    let subject = TokenSubject::for_tenant(TENANT).map_err(|e| failed("subject")(&e))?;

    // 2. A pending web-identity connection for the tenant.
    let pending = connector
        .create(
            NewConnection::new(id.clone())
                .with_display_name("Acme production")
                .with_account(
                    CUSTOMER_ACCOUNT
                        .parse()
                        .map_err(|e| failed("account")(&e))?,
                )
                .with_web_identity(subject.clone())
                .with_permission_set(set.reference().clone()),
        )
        .await
        .map_err(|e| failed("create")(&e))?;
    story.record(Step {
        step: "connection",
        summary: format!(
            "The vendor creates a pending web-identity connection: the role will trust tokens whose sub is {subject} and whose aud is {STS_AUDIENCE}."
        ),
        details: vec![format!("kind: {}", pending.kind().name())],
        connection_state: Some(pending.state().name().into()),
        revision: Some(pending.revision()),
    });

    // 3. The artifacts: the customer's OIDC provider and the role.
    let onboarding = connector
        .onboarding(&id)
        .await
        .map_err(|e| failed("onboarding")(&e))?
        .with_values(set.sample_values())
        .with_role_name("AcmeConnector")
        .build()
        .map_err(|e| failed("onboarding")(&e))?;
    let template = onboarding
        .cloudformation()
        .and_then(|t| t.to_yaml())
        .map_err(|e| failed("template")(&e))?;
    let trust = onboarding
        .customer_trust_policy()
        .cloned()
        .ok_or_else(|| DemoError::Failed("the onboarding has no trust policy".into()))?;
    story.record(Step {
        step: "artifacts",
        summary: format!(
            "The vendor renders the onboarding: CloudFormation ({} lines) creates the IAM OIDC provider for {ISSUER} (client id {STS_AUDIENCE}, or reuses an existing one) and the role; Terraform and manual steps say the same.",
            template.lines().count()
        ),
        details: vec![format!("trust policy: {}", trust.to_json())],
        connection_state: None,
        revision: None,
    });

    // 4. The customer creates the stack: the provider (AWS fetches the JWKS) and the role.
    let role_arn: RoleArn = format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:role/AcmeConnector")
        .parse()
        .map_err(|e| failed("role")(&e))?;
    let customer = CUSTOMER_ACCOUNT
        .parse()
        .map_err(|e| failed("account")(&e))?;
    sts.create_oidc_provider_with_jwks(
        &customer,
        ISSUER,
        &[STS_AUDIENCE],
        issuer.read(|i| i.jwks()),
    )
    .map_err(|e| failed("OIDC provider")(&e))?;
    sts.create_role(
        role_arn.clone(),
        trust,
        Duration::from_secs(u64::from(onboarding.max_session_duration())),
    )
    .map_err(|e| failed("create role")(&e))?;
    story.record(Step {
        step: "stack_created",
        summary: "The customer creates the stack: the OIDC provider and the role. No key or secret changes hands.".into(),
        details: vec![format!("role: {role_arn}")],
        connection_state: None,
        revision: None,
    });

    // 5. The connection test, with its negative checks.
    let submission = connector
        .submit_role(&id, role_arn.clone())
        .await
        .map_err(|e| failed("submit role")(&e))?;
    record_verification(
        story,
        &submission,
        "The vendor tests the connection: the tenant's token is accepted, the session is the role's, and another tenant's token and another audience are refused. The connection is active.",
        format!(
            "a token for {subject}-another-tenant and a token for another audience were both refused, as they must be"
        ),
    )?;

    // 6. Credentials for the workers; each refresh mints a fresh token.
    let web_calls = |sts: &InMemorySts| sts.calls().assume_role_with_web_identity;
    let worker = connector.session(id.clone());
    let first = worker
        .credentials()
        .await
        .map_err(|e| failed("credentials")(&e))?;
    story.record(Step {
        step: "credentials",
        summary: "A worker gets short-lived credentials through AssumeRoleWithWebIdentity, with a token minted for this call.".into(),
        details: vec![
            format!("access key id {}", first.access_key_id()),
            format!(
                "AssumeRoleWithWebIdentity calls so far (the connection test made 3): {}; AssumeRole calls: {}",
                web_calls(&sts),
                sts.calls().assume_role
            ),
        ],
        connection_state: None,
        revision: None,
    });

    // 7. Key rotation: publish the next key, AWS refetches the JWKS, switch, refresh.
    issuer
        .update(|i| {
            let next = SigningKey::generate(SigningAlgorithm::Es256)?;
            i.keys_mut().set_next(next)
        })
        .map_err(|e| failed("next key")(&e))?;
    sts.set_oidc_provider_jwks(&customer, ISSUER, issuer.read(|i| i.jwks()))
        .map_err(|e| failed("JWKS")(&e))?;
    clock.advance(Duration::from_secs(50 * 60));
    let now = clock.now();
    issuer
        .update(|i| {
            let max = i.max_ttl();
            i.keys_mut().rotate(now, max)
        })
        .map_err(|e| failed("rotate")(&e))?;
    let new_kid = issuer.read(|i| i.keys().current().kid().to_owned());
    let refreshed = worker
        .credentials()
        .await
        .map_err(|e| failed("refresh")(&e))?;
    story.record(Step {
        step: "refreshed",
        summary: "The vendor rotates its signing key (published in the JWKS before the switch); fifty minutes later the session refreshes with a token signed by the new key.".into(),
        details: vec![
            format!("kid {first_kid} → {new_kid}; the old key stays published until its last token expires"),
            format!("new access key id {}", refreshed.access_key_id()),
            format!("AssumeRoleWithWebIdentity calls so far: {}", web_calls(&sts)),
        ],
        connection_state: None,
        revision: None,
    });

    // 8. The customer deletes the IAM OIDC identity provider (which withdraws every role that
    // trusts the vendor's issuer at once); the connection notices at the next refresh. STS
    // answers InvalidIdentityToken "No OpenIDConnect provider found in your account for
    // ISSUER", naming the vendor's own issuer: the customer's doing, not a token fault.
    sts.delete_oidc_provider(&customer, ISSUER)
        .map_err(|e| failed("delete OIDC provider")(&e))?;
    clock.advance(Duration::from_secs(50 * 60));
    let outcome = worker.credentials().await;
    let record = connector.get(&id).await.map_err(|e| failed("store")(&e))?;
    let details = revocation_details(&outcome, &record);
    story.record(Step {
        step: "revoked",
        summary: "The customer deletes the IAM OIDC identity provider for the vendor's issuer; at the next refresh the connection disconnects and no credentials are handed out.".into(),
        details,
        connection_state: Some(record.state().name().into()),
        revision: Some(record.revision()),
    });
    if outcome.is_ok() || record.state() != ConnectionState::Disconnected {
        return Err(DemoError::Failed(
            "revocation was not noticed: the connection should be disconnected".into(),
        ));
    }
    Ok(record)
}
