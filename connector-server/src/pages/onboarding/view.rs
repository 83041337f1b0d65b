//! The onboarding page itself: the live state, step 1 (create the role, by the chosen
//! method), what the role allows, step 2 (the role ARN form, its errors and the connection
//! test's findings next to the field), and how to disconnect later.

use axum::response::Html;
use connector_core::{Connection, ConnectionState};
use maud::html;

use super::artifacts;
use super::state_json::{self, POLL_SECONDS};
use super::{Extra, ROLE_ARN_REMEDIATION, policies};
use crate::directory::PageTokenRecord;
use crate::pages::layout::{self, Head};
use crate::state::AppState;

/// The page of `connection`, opened with `token`.
pub(crate) async fn render(
    state: &AppState,
    token: &str,
    record: &PageTokenRecord,
    connection: &Connection,
    extra: Extra,
) -> Html<String> {
    let page = format!("/onboarding/{token}");
    let csrf = state.csrf_token(record.id());
    let onboarding = crate::api::connection_onboarding(state, connection).await;
    let rendered = onboarding
        .as_ref()
        .ok()
        .map(|o| crate::api::artifacts_of(state, o));
    let current = connection.state();
    let head = Head {
        refresh_without_script: (current == ConnectionState::Verifying).then_some(POLL_SECONDS),
    };
    let method = extra.method;
    let hidden = |name: &str, value: &str| html! { input type="hidden" name=(name) value=(value); };
    // Once the connection hands out credentials there is no stack left to launch.
    let simulate = (state.simulated() && !current.is_live()).then(|| {
        html! {
            form class="simulate" method="post" action={ (page) "/simulate-stack" } {
                input type="hidden" name="csrf" value=(csrf);
                (hidden("method", method.slug()))
                button type="submit" id="simulate-stack" class="button" { "Launch stack (simulated)" }
                p class="hint" { "This server simulates your AWS account: the button creates the role there, as the stack would." }
            }
        }
    });
    let arn_value = extra
        .role_arn
        .clone()
        .or_else(|| connection.role_arn().map(ToString::to_string))
        .unwrap_or_default();
    let mut described_by = vec!["role_arn-hint", "role_arn-error"];
    if extra.report.is_some() {
        described_by.push("report");
    }
    layout::page(
        "Connect your AWS account",
        head,
        html! {
            h1 { "Connect your AWS account" }
            @if let Some(notice) = &extra.notice {
                p id="notice" class="notice" role="status" { (notice) }
            }
            section id="status" class="status" aria-labelledby="status-title"
                data-state-url={ (page) "/state" } data-state=(current.name()) {
                h2 id="status-title" class="visually-hidden" { "Status" }
                p {
                    "Connection " strong { (record.connection()) } ": "
                    strong class={ "state state-" (current.name()) } id="state" { (current.name()) }
                }
                p id="state-explanation" aria-live="polite" { (state_json::explanation(current)) }
                div id="diagnosis" aria-live="polite" {
                    @if let Some(diagnosis) = state_json::current_diagnosis(connection) {
                        p { strong { (diagnosis.code().to_string()) } ": " (diagnosis.message()) }
                        p class="remediation" { "What to do: " (diagnosis.remediation()) }
                    }
                }
                @if state_json::may_change_by_itself(current) {
                    p class="hint" { a id="refresh" href=(page) { "Refresh the status" } }
                }
            }
            section id="create" aria-labelledby="create-title" {
                h2 id="create-title" { "1. Create the role in your account" }
                @if let Some(subject) = connection.kind().web_identity_subject() {
                    p { "The role trusts the vendor's OIDC identity provider for tokens whose subject is "
                        code { (subject.as_str()) } " and whose audience is " code { "sts.amazonaws.com" }
                        ": no External ID and no key change hands. The artifacts below create the provider (or reuse yours) and the role." }
                } @else {
                    p { "Your External ID (the trust policy requires it; the artifacts below already carry it):" }
                    (artifacts::copyable("external-id", "the External ID", connection.external_id().as_str()))
                }
                @match (&onboarding, &rendered) {
                    (Ok(_), Some(Ok(all))) => { (artifacts::tabs(&page, method, all, simulate)) }
                    (Err(problem), _) | (Ok(_), Some(Err(problem))) => {
                        p class="error" { "The artifacts cannot be shown: " (problem.detail()) }
                    }
                    (Ok(_), None) => {}
                }
            }
            @if let Ok(onboarding) = &onboarding {
                (policies::section(onboarding, state.connector().permission_set(onboarding.permission_set_ref())))
            }
            section id="role" aria-labelledby="role-title" {
                h2 id="role-title" { "2. Paste the role ARN" }
                p id="role-connected" class="notice" hidden[state_json::may_change_by_itself(current)] {
                    "Connected through your role. Nothing more to do here."
                }
                form method="post" action={ (page) "/role" } id="role-form" novalidate hidden[!state_json::may_change_by_itself(current)] {
                    input type="hidden" name="csrf" value=(csrf);
                    (hidden("method", method.slug()))
                    div class={ "field" @if extra.error.is_some() { " invalid" } } {
                        label for="role_arn" { "Role ARN" }
                        p id="role_arn-hint" class="hint" { "The ARN of the role you created, like arn:aws:iam::123456789012:role/VendorConnector." }
                        input id="role_arn" name="role_arn" type="text" required autocomplete="off" spellcheck="false"
                            inputmode="url" placeholder="arn:aws:iam::111122223333:role/VendorConnector"
                            aria-describedby=(described_by.join(" "))
                            aria-invalid=[extra.error.is_some().then_some("true")]
                            value=(arn_value);
                        div id="role_arn-error" class="field-error" aria-live="assertive" {
                            @if let Some(error) = &extra.error {
                                p id="error" role="alert" {
                                    strong { (error.field().unwrap_or("role_arn")) } ": " (error.rule().unwrap_or(error.detail()))
                                }
                                p class="remediation" { "What to do: " (ROLE_ARN_REMEDIATION) }
                            }
                        }
                    }
                    button type="submit" class="button primary" id="test-connection" { "Test the connection" }
                }
                @if let Some(report) = &extra.report {
                    section id="report" class={ "report report-" (report.outcome) } aria-labelledby="report-title" {
                        h3 id="report-title" { "Connection test: " (report.outcome) }
                        @if report.findings.is_empty() {
                            p { "Nothing to report." }
                        }
                        ul class="findings" {
                            @for finding in &report.findings {
                                li class={ "finding finding-" (finding.severity) } {
                                    p { strong class="code" { (finding.code) } " (" (finding.severity) "): " (finding.message) }
                                    p class="remediation" { "What to do: " (finding.remediation) }
                                }
                            }
                        }
                    }
                }
            }
            section id="disconnect" aria-labelledby="disconnect-title" {
                h2 id="disconnect-title" { "How to disconnect later" }
                p { "You can take the vendor's access away at any time; the vendor sees the connection disconnected at its next check." }
                @if let Ok(onboarding) = &onboarding {
                    @if let Some(steps) = artifacts::disconnect_steps(state, onboarding, method) {
                        p { "For a role made with " (method.label()) ":" }
                        (artifacts::disconnect_list(&steps))
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::artifacts::Method;

    #[test]
    fn an_unknown_method_is_the_default_tab() {
        assert_eq!(Method::parse("terraform"), Method::Terraform);
        assert_eq!(Method::parse("manual"), Method::Manual);
        assert_eq!(Method::parse("<script>"), Method::CloudFormation);
    }
}
