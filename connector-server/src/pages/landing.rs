//! `GET /`: what a person who opens the server's address finds — where the customer's
//! onboarding page, the API and the operator page are. It names no connection and no token:
//! the onboarding pages are reached only through their own links.

use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use maud::html;

use super::layout::{self, Head};
use crate::state::AppState;

/// The route.
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/", get(landing))
}

async fn landing(State(state): State<AppState>) -> Html<String> {
    let simulated = state.simulated();
    layout::page(
        "Connect an AWS account",
        Head::default(),
        html! {
            h1 { "Connect an AWS account" }
            section {
                h2 { "Customers" }
                p { "Your vendor sends you a link to your own onboarding page (it ends in "
                    code { "/onboarding/…" } "). Open it to create the role in your account and connect it." }
                @if simulated {
                    p class="notice" {
                        "This server simulates the customer's AWS account: the onboarding link of a first connection was printed in the terminal where "
                        code { "connector serve --simulate" } " runs."
                    }
                }
            }
            section {
                h2 { "The vendor's product" }
                p { "The API is under " code { "/v1" } ", described by the OpenAPI document "
                    a href="/v1/openapi.json" { "/v1/openapi.json" } "; every other "
                    code { "/v1" } " route needs an API key." }
            }
            section {
                h2 { "Operators" }
                p { "The fleet at a glance: " a href="/operator" { "the operator page" } " (with an operator key)." }
            }
        },
    )
}
