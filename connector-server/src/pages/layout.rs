//! The frame of every page: `lang`, the viewport, the stylesheet and the script (both
//! same-origin files, so the CSP needs no inline code), a skip link, and the "not found"
//! page that every invalid, forged or expired link gets.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use super::assets;

/// What the `<head>` carries beside the title.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Head {
    /// Reload the page after this many seconds when scripting is off (`<noscript>`): the
    /// live state without JavaScript.
    pub(crate) refresh_without_script: Option<u32>,
}

/// A whole page.
pub(crate) fn page(title: &str, head: Head, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="referrer" content="no-referrer";
                    title { (title) }
                    link rel="stylesheet" href=(assets::css_url());
                    script src=(assets::js_url()) defer {}
                    @if let Some(seconds) = head.refresh_without_script {
                        noscript { meta http-equiv="refresh" content=(seconds); }
                    }
                }
                body {
                    a class="skip" href="#main" { "Skip to the content" }
                    main id="main" { (body) }
                }
            }
        }
        .into_string(),
    )
}

/// The page of a link that opens nothing: unknown, forged or expired (404, the same page
/// whichever it is, so it tells nothing about which).
pub(crate) fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        page(
            "Link not valid",
            Head::default(),
            html! {
                h1 { "This onboarding link is not valid" }
                p { "It may have expired. Ask your vendor for a new link." }
            },
        ),
    )
        .into_response()
}
