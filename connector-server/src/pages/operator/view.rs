//! The operator's pages: the login form, and the fleet at a glance (counts by state, the
//! connections in trouble with their diagnosis and, for an operator who may act, "check
//! now" and "disconnect" buttons, the recent state changes).

use axum::response::Html;
use maud::{Markup, html};

use super::fleet::{FleetView, SCAN_LIMIT, VERIFYING_TOO_LONG_SECONDS};
use super::session::Operator;
use super::time::utc;
use crate::pages::layout::{self, Head};
use crate::state::AppState;

/// The login form, with an error line after a failed attempt.
pub(crate) fn login(csrf: &str, failed: bool) -> Html<String> {
    layout::page(
        "Operator login",
        Head::default(),
        html! {
            h1 { "Operator login" }
            p { "The operator page shows the whole fleet. It opens with an operator key (" code { "op.…" } "), never with a tenant's API key." }
            form method="post" action="/operator/login" {
                input type="hidden" name="csrf" value=(csrf);
                div class={ "field" @if failed { " invalid" } } {
                    label for="operator_key" { "Operator key" }
                    input id="operator_key" name="key" type="password" required autocomplete="current-password"
                        aria-describedby="operator_key-error" aria-invalid=[failed.then_some("true")];
                    div id="operator_key-error" class="field-error" {
                        @if failed { p id="error" role="alert" { "That key opens nothing here. Check that it is an operator key and that it is still configured." } }
                    }
                }
                button type="submit" class="button primary" { "Log in" }
            }
        },
    )
}

/// The fleet at a glance.
pub(crate) fn dashboard(
    state: &AppState,
    operator: &Operator,
    fleet: &FleetView,
    notice: Option<&str>,
) -> Html<String> {
    let csrf = operator.csrf(state);
    let recent = state
        .pages()
        .recent
        .as_ref()
        .map(|r| r.newest_first())
        .unwrap_or_default();
    layout::page(
        "Operator: the fleet",
        Head::default(),
        html! {
            div class="topbar" {
                h1 { "The fleet at a glance" }
                @if operator.session.is_some() {
                    form class="inline-form" method="post" action="/operator/logout" {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" class="button" { "Log out" }
                    }
                }
            }
            p { "Operator " strong id="operator" { (operator.key.label()) } ": "
                @if operator.key.may_act() { "may act (check now, disconnect)." } @else { "read-only." } }
            @if let Some(notice) = notice {
                p id="notice" class="notice" role="status" { (notice) }
            }
            section aria-labelledby="counts-title" {
                h2 id="counts-title" { "Connections by state" }
                ul class="counts" id="counts" {
                    @for name in connector_core::ConnectionState::ALL.map(|s| s.name()) {
                        li id={ "count-" (name) } { strong { (fleet.counts.get(name).copied().unwrap_or(0)) } (name) }
                    }
                }
                p class="hint" { (fleet.total) " connections in all"
                    @if fleet.truncated { " (the first " (SCAN_LIMIT) " read; there are more)" } "." }
            }
            section aria-labelledby="trouble-title" {
                h2 id="trouble-title" { "In trouble (" (fleet.trouble_total) ")" }
                p class="hint" { "Degraded, disconnected by the customer, or verifying for more than " (VERIFYING_TOO_LONG_SECONDS / 60) " minutes; longest first." }
                @if fleet.trouble.is_empty() {
                    p id="no-trouble" { "None." }
                } @else {
                    div class="table-wrap" tabindex="0" role="region" aria-label="Table of the connections in trouble" {
                        table id="trouble" {
                            thead { tr {
                                th scope="col" { "Connection" } th scope="col" { "Trouble" } th scope="col" { "Since" }
                                th scope="col" { "Diagnosis" } th scope="col" { "What to do" }
                                @if operator.key.may_act() { th scope="col" { "Act" } }
                            } }
                            tbody {
                                @for (trouble, connection) in &fleet.trouble {
                                    tr {
                                        td { code { (connection.id()) } }
                                        td { (trouble.label()) }
                                        td { (utc(connection.state_since().0)) }
                                        @if let Some(d) = connection.last_diagnosis() {
                                            td { strong { (d.code().to_string()) } ": " (d.message()) }
                                            td { (d.remediation()) }
                                        } @else {
                                            td { "—" } td { "—" }
                                        }
                                        @if operator.key.may_act() { td { (actions(&csrf, connection.id().as_str())) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="recent-title" {
                h2 id="recent-title" { "Recent state changes" }
                @if state.pages().recent.is_none() {
                    p { "Not recorded by this server (no RecentChanges subscriber)." }
                } @else if recent.is_empty() {
                    p id="no-changes" { "None since the server started." }
                } @else {
                    div class="table-wrap" tabindex="0" role="region" aria-label="Table of the recent state changes" {
                        table id="recent" {
                            thead { tr { th scope="col" { "When" } th scope="col" { "Connection" } th scope="col" { "From" } th scope="col" { "To" } th scope="col" { "Why" } } }
                            tbody {
                                @for change in &recent {
                                    tr {
                                        td { (utc(connector_core::Timestamp::from_system(change.at()).0)) }
                                        td { code { (change.id()) } }
                                        td { (change.from().name()) }
                                        td { (change.to().name()) }
                                        td { @if let Some(d) = why(change) { strong { (d.code().to_string()) } ": " (d.message()) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The diagnosis that explains `change`: the change carries the connection's last
/// diagnosis, which is history when the connection became active (or removed) or when it
/// was made before the change.
fn why(change: &connector_core::StateChange) -> Option<&connector_core::Diagnosis> {
    use connector_core::ConnectionState;
    match change.to() {
        ConnectionState::Active | ConnectionState::Removed => None,
        _ => change
            .diagnosis()
            .filter(|d| d.at() >= connector_core::Timestamp::from_system(change.at())),
    }
}

fn actions(csrf: &str, id: &str) -> Markup {
    html! {
        form class="inline-form" method="post" action={ "/operator/connections/" (id) "/check" } {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" class="button" aria-label={ "Check " (id) " now" } { "Check now" }
        }
        " "
        form class="inline-form" method="post" action={ "/operator/connections/" (id) "/disconnect" } {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" class="button" aria-label={ "Disconnect " (id) } { "Disconnect" }
        }
    }
}
