//! The pages' stylesheet and script, compiled into the binary (`include_str!`) and served
//! as same-origin files, so the Content-Security-Policy (`script-src 'self'`,
//! `style-src 'self'`) needs no inline code. Their URLs carry a digest of the contents
//! (`?v=…`), so they are cached for a year (`immutable`) and a new build is fetched anew.

use std::sync::LazyLock;

use aws_lc_rs::digest;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

/// The stylesheet.
pub(crate) const APP_CSS: &str = include_str!("../../assets/app.css");
/// The script: progressive enhancement only (copy buttons, the ARN checked as typed, the
/// live state); every page works without it.
pub(crate) const APP_JS: &str = include_str!("../../assets/app.js");

/// A year: the URLs change with the contents.
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut both = digest::Context::new(&digest::SHA256);
    both.update(APP_CSS.as_bytes());
    both.update(APP_JS.as_bytes());
    both.finish()
        .as_ref()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
});

/// The stylesheet's URL.
pub(crate) fn css_url() -> String {
    format!("/assets/app.css?v={}", VERSION.as_str())
}

/// The script's URL.
pub(crate) fn js_url() -> String {
    format!("/assets/app.js?v={}", VERSION.as_str())
}

fn file(body: &'static str, media: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_FOREVER),
    );
    response
}

async fn css() -> Response {
    file(APP_CSS, "text/css; charset=utf-8")
}

async fn js() -> Response {
    file(APP_JS, "text/javascript; charset=utf-8")
}

/// `GET /assets/app.css`, `GET /assets/app.js`.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/assets/app.css", get(css))
        .route("/assets/app.js", get(js))
}
