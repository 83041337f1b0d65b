//! A connection's onboarding artifacts as the server renders them: the connector's
//! onboarding with the vendor-wide parameter values and role name of the configuration.

use connector_core::{Connection, Onboarding, ParameterValues, Region};

use crate::api::dto::ArtifactsView;
use crate::problem::Problem;
use crate::state::AppState;

/// The onboarding of `connection` (a problem when it grants no permission set or a value
/// is missing).
pub(crate) async fn onboarding(
    state: &AppState,
    connection: &Connection,
) -> Result<Onboarding, Problem> {
    let config = state.config();
    let values = connection
        .permission_set()
        .and_then(|set| config.parameter_values.get(set))
        .cloned()
        .unwrap_or_else(ParameterValues::new);
    let builder = state.connector().onboarding(connection.id()).await?;
    Ok(builder
        .with_values(values)
        .with_role_name(&config.role_name)
        .build()
        .map_err(connector_core::ConnectorError::from)?)
}

/// The quick-create link, when a template URL is configured.
pub(crate) fn quick_create_link(
    state: &AppState,
    onboarding: &Onboarding,
) -> Result<Option<String>, Problem> {
    let config = state.config();
    let Some(template_url) = &config.template_url else {
        return Ok(None);
    };
    let region: Region = config
        .quick_create_region
        .parse()
        .map_err(|_| Problem::invalid("quick_create_region", "an AWS Region name"))?;
    let link = onboarding
        .quick_create_link(&region, template_url, &config.role_name)
        .map_err(connector_core::ConnectorError::from)?;
    Ok(Some(link.to_string()))
}

/// Every artifact of `onboarding`.
pub(crate) fn render(state: &AppState, onboarding: &Onboarding) -> Result<ArtifactsView, Problem> {
    let wrap =
        |e: connector_core::OnboardingError| Problem::from(connector_core::ConnectorError::from(e));
    Ok(ArtifactsView {
        trust_policy: onboarding.trust_policy().to_json_pretty(),
        cloudformation: onboarding
            .cloudformation()
            .and_then(|t| t.to_yaml())
            .map_err(wrap)?,
        stacksets: onboarding
            .stackset(&state.config().role_name)
            .and_then(|t| t.to_yaml())
            .map_err(wrap)?,
        terraform: onboarding
            .terraform()
            .and_then(|t| t.to_hcl())
            .map_err(wrap)?,
        manual: onboarding.manual().map(|m| m.script()).map_err(wrap)?,
        quick_create_link: quick_create_link(state, onboarding)?,
    })
}
