//! The ways to create the role — CloudFormation, Terraform, by hand — as tabs that are plain
//! links (`?method=…`, so they work without JavaScript), each with its artifact and a copy
//! button, and the matching steps to disconnect later.

use connector_core::Onboarding;
use maud::{Markup, html};

use crate::api::dto::ArtifactsView;
use crate::state::AppState;

/// One step to disconnect: what to do, and the command when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    /// For people.
    pub(crate) description: String,
    /// Ready to paste.
    pub(crate) command: Option<String>,
}

/// How the customer creates the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Method {
    /// A CloudFormation stack (quick-create link, or the template).
    #[default]
    CloudFormation,
    /// A Terraform configuration.
    Terraform,
    /// AWS CLI commands, by hand.
    Manual,
}

impl Method {
    /// Every method, in tab order.
    pub(crate) const ALL: [Method; 3] = [Method::CloudFormation, Method::Terraform, Method::Manual];

    /// The method named `text`; CloudFormation for anything else (the default tab).
    pub(crate) fn parse(text: &str) -> Method {
        Method::ALL
            .into_iter()
            .find(|m| m.slug() == text)
            .unwrap_or_default()
    }

    /// Its name in URLs and forms.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Method::CloudFormation => "cloudformation",
            Method::Terraform => "terraform",
            Method::Manual => "manual",
        }
    }

    /// Its name for people.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Method::CloudFormation => "CloudFormation",
            Method::Terraform => "Terraform",
            Method::Manual => "By hand (AWS CLI)",
        }
    }
}

/// A block of text with a copy button (the button appears only with JavaScript).
pub(crate) fn copyable(id: &str, label: &str, text: &str) -> Markup {
    html! {
        div class="copyable" {
            button type="button" class="copy" data-copy=(id) hidden { "Copy " (label) }
            pre tabindex="0" aria-label=(label) { code id=(id) { (text) } }
        }
    }
}

/// The tabs and the chosen method's instructions and artifact.
pub(crate) fn tabs(
    page: &str,
    chosen: Method,
    artifacts: &ArtifactsView,
    simulate: Option<Markup>,
) -> Markup {
    html! {
        nav class="tabs" aria-label="How to create the role" {
            ul {
                @for method in Method::ALL {
                    li {
                        a id={ "tab-" (method.slug()) } href={ (page) "?method=" (method.slug()) "#create" }
                            aria-current=[(method == chosen).then_some("page")] { (method.label()) }
                    }
                }
            }
        }
        div class="tab-panel" id={ "panel-" (chosen.slug()) } {
            @match chosen {
                Method::CloudFormation => {
                    @if let Some(link) = &artifacts.quick_create_link {
                        p {
                            a class="button primary" id="quick-create" href=(link) rel="noopener noreferrer" {
                                "Launch the stack in the AWS console"
                            }
                        }
                        p class="hint" { "The console opens with the template and every value filled in; tick the IAM acknowledgement and choose Create stack." }
                    } @else {
                        p { "Create a stack from this template in the CloudFormation console (Stacks > Create stack > Upload a template file)." }
                    }
                    @if let Some(simulate) = simulate { (simulate) }
                    details {
                        summary { "The CloudFormation template (YAML)" }
                        (copyable("artifact-cloudformation", "the CloudFormation template", &artifacts.cloudformation))
                    }
                    details {
                        summary { "For many accounts: the StackSets template (YAML)" }
                        (copyable("artifact-stacksets", "the StackSets template", &artifacts.stacksets))
                    }
                }
                Method::Terraform => {
                    p { "Save this as " code { "main.tf" } " in an empty directory, then run " code { "terraform init" } " and " code { "terraform apply" } "; the output " code { "role_arn" } " is the ARN to paste below." }
                    (copyable("artifact-terraform", "the Terraform configuration", &artifacts.terraform))
                }
                Method::Manual => {
                    p { "Review the files and commands, then run them in a shell with AWS CLI credentials for your account; the last command prints the role's ARN." }
                    (copyable("artifact-manual", "the AWS CLI script", &artifacts.manual))
                }
            }
        }
    }
}

/// The steps that take the vendor's access away again for `method`.
pub(crate) fn disconnect_steps(
    state: &AppState,
    onboarding: &Onboarding,
    method: Method,
) -> Option<Vec<Step>> {
    let steps = match method {
        Method::CloudFormation => onboarding
            .cloudformation()
            .ok()
            .map(|t| t.disconnect_steps(&state.config().role_name)),
        Method::Terraform => onboarding.terraform().ok().map(|t| t.disconnect_steps()),
        Method::Manual => onboarding
            .manual()
            .ok()
            .map(|m| m.disconnect_steps().to_vec()),
    }?;
    Some(
        steps
            .into_iter()
            .map(|s| Step {
                description: s.description,
                command: s.command,
            })
            .collect(),
    )
}

/// The disconnect section's list.
pub(crate) fn disconnect_list(steps: &[Step]) -> Markup {
    html! {
        ol class="steps" {
            @for (i, step) in steps.iter().enumerate() {
                li {
                    p { (step.description) }
                    @if let Some(command) = &step.command {
                        (copyable(&format!("disconnect-{i}"), "the command", command))
                    }
                }
            }
        }
    }
}
