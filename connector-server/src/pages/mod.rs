//! Server-rendered HTML pages (maud): no inline script or style (the CSP allows only the
//! same-origin `/assets/app.js` and `/assets/app.css`), and every page works without
//! JavaScript; the script only adds copy buttons, checks the role ARN as it is typed and
//! keeps the state live.
//!
//! - [`onboarding`]: the customer's page at `/onboarding/{token}`, opened by the page
//!   token alone (that connection's page, role submission and state, nothing else).
//! - [`operator`]: the fleet at a glance at `/operator`, for operators only (an operator
//!   key, never a tenant key; a login form sets a signed, expiring session cookie).
//! - `/assets/…`: the stylesheet and the script ([`assets`]).
//! - `/`: where a person who opens the server's address finds the rest ([`landing`]).

mod assets;
mod landing;
mod layout;
pub(crate) mod onboarding;
pub(crate) mod operator;

use std::sync::Arc;

use axum::Router;

use crate::state::AppState;

/// The pages' routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(onboarding::router())
        .merge(operator::router())
        .merge(assets::router())
        .merge(landing::router())
}

/// What the pages add to the [`AppState`]: the operator keys and the recent state changes.
#[derive(Debug, Clone, Default)]
pub(crate) struct PagesState {
    /// The operator keys that open the operator page.
    pub(crate) operators: Vec<operator::OperatorKey>,
    /// The recent state changes (the connector's subscriber), when recorded.
    pub(crate) recent: Option<Arc<operator::RecentChanges>>,
}
