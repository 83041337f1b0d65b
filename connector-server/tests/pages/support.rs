//! Helpers of the page tests: reading attributes out of HTML, the checks every page must
//! pass (no inline script, no inline style), and faults of the simulated account.

use crate::harness::Server;

/// The values of `attribute` in `html`, where `prefix` is the text before `="` (e.g.
/// `input id`, `script src`).
pub(crate) fn attribute_values(html: &str, prefix: &str) -> Vec<String> {
    let needle = format!("{prefix}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// No `<script>` without `src`, no `style=` attribute, no `<style>` element, no event
/// handler attribute: what the CSP (`script-src 'self'; style-src 'self'`) would block.
pub(crate) fn assert_no_inline_code(html: &str) {
    let scripts = html.matches("<script").count();
    let with_src = html.matches("<script src=\"/assets/").count();
    assert_eq!(scripts, with_src, "an inline script");
    assert!(!html.contains("style="), "a style attribute");
    assert!(!html.contains("<style"), "a style element");
    for handler in [
        " onclick=",
        " onload=",
        " onsubmit=",
        " onerror=",
        "javascript:",
    ] {
        assert!(!html.contains(handler), "{handler}");
    }
}

/// The role ARN the simulated stack filled into the form.
pub(crate) fn role_from(html: &str) -> String {
    html.split("value=\"arn:aws:iam::")
        .nth(1)
        .map(|rest| format!("arn:aws:iam::{}", rest.split('"').next().unwrap()))
        .unwrap()
}

/// The simulated account's STS answers the next calls with throttling (the connection test
/// reaches no verdict).
pub(crate) async fn throttle_sts(server: &Server) {
    server.sts.throttle_next(100);
}

/// A request with extra headers (cookies, `Sec-Fetch-Site`) and an optional form body.
pub(crate) async fn request(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    form: Option<&[(&str, &str)]>,
) -> crate::harness::Answer {
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(server.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match form {
        Some(fields) => {
            request = request.header("content-type", "application/x-www-form-urlencoded");
            fields
                .iter()
                .map(|(k, v)| format!("{k}={}", encode(v)))
                .collect::<Vec<_>>()
                .join("&")
        }
        None => String::new(),
    };
    server
        .raw(
            request
                .body(http_body_util::Full::new(bytes::Bytes::from(body)))
                .unwrap(),
        )
        .await
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `name=value` part of a `Set-Cookie` header.
pub(crate) fn cookie_of(answer: &crate::harness::Answer) -> String {
    answer
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}
