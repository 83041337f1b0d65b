//! Server-rendered HTML pages (maud): no inline script or style (the CSP allows only the
//! same-origin `/assets/app.js` and `/assets/app.css`), and every page works without
//! JavaScript; the script only adds copy buttons, checks the role ARN as it is typed and
//! keeps the state live.
//!
//! - [`onboarding`]: the customer's page at `/onboarding/{token}`, opened by the page
//!   token alone (that connection's page, role submission and state, nothing else).
//! - `/assets/…`: the stylesheet and the script ([`assets`]).

mod assets;
mod layout;
pub(crate) mod onboarding;

use axum::Router;

use crate::state::AppState;

/// The pages' routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(onboarding::router())
        .merge(assets::router())
}
