//! The manual path: the trust policy and each permission policy as JSON files, and the AWS CLI
//! commands that create the role from them, in order, ready to paste.

use permission_sets::PolicyTarget;

use crate::{DisconnectStep, Onboarding, OnboardingError};

/// The file the trust policy is saved as.
pub const TRUST_POLICY_FILE: &str = "trust-policy.json";

/// A file the commands read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ManualFile {
    /// The file name the commands use.
    pub name: String,
    /// Its contents (pretty-printed JSON).
    pub contents: String,
}

/// The manual path.
///
/// ```
/// # use onboarding::Onboarding;
/// # use trust_policy::{CrossAccountTrust, VendorPrincipal};
/// # let trust = CrossAccountTrust::new(
/// #     VendorPrincipal::account("999988887777".parse().unwrap()),
/// #     "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap(),
/// # );
/// # let onboarding = Onboarding::builder(trust, permission_sets::builtin::read_only_access().unwrap()).with_role_name("Cloudcraft").build().unwrap();
/// let manual = onboarding.manual().unwrap();
/// assert_eq!(manual.files()[0].name, "trust-policy.json");
/// assert!(manual.commands().iter().any(|c| c.contains("attach-role-policy")));
/// let last = manual.disconnect_steps().last().unwrap();
/// assert!(last.command.as_deref().unwrap().starts_with("aws iam delete-role"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ManualSteps {
    role_name: String,
    files: Vec<ManualFile>,
    commands: Vec<String>,
    disconnect: Vec<DisconnectStep>,
}

impl ManualSteps {
    /// The files to save before running the commands.
    pub fn files(&self) -> &[ManualFile] {
        &self.files
    }

    /// The commands, in order.
    pub fn commands(&self) -> &[String] {
        &self.commands
    }

    /// How to take the access away again.
    pub fn disconnect_steps(&self) -> &[DisconnectStep] {
        &self.disconnect
    }

    /// Everything as one text: the files (as here-documents) and the commands, a shell script
    /// a customer can read and run.
    pub fn script(&self) -> String {
        let mut out = format!(
            "#!/bin/sh\n# Creates the IAM role {} by hand. Review each file, then run the commands in order.\nset -eu\n\n",
            self.role_name
        );
        for file in &self.files {
            out.push_str(&format!(
                "cat > {} <<'JSON'\n{}\nJSON\n\n",
                quote(&file.name),
                file.contents
            ));
        }
        for command in &self.commands {
            out.push_str(command);
            out.push('\n');
        }
        out
    }
}

impl Onboarding {
    /// The manual path, with this onboarding's values.
    pub fn manual(&self) -> Result<ManualSteps, OnboardingError> {
        let role = quote(self.role_name());
        let partition = self.partition();
        let Some(trust_policy) = self.customer_trust_policy() else {
            return Err(OnboardingError::invalid(
                "customer account",
                "",
                "the manual steps write the web identity trust policy for one account: give the customer's account (OidcOnboarding::with_customer_account)",
            ));
        };
        let mut files = vec![ManualFile {
            name: TRUST_POLICY_FILE.to_owned(),
            contents: trust_policy.to_json_pretty(),
        }];
        let mut commands = Vec::new();
        let mut provider_steps = Vec::new();
        if let Some(oidc) = self.oidc()
            && let Some(account) = oidc.customer_account()
        {
            let arn = quote(&oidc.provider_arn(account));
            let mut create = format!(
                "aws iam create-open-id-connect-provider --url {} --client-id-list {}",
                quote(oidc.issuer_url()),
                quote(oidc.audience())
            );
            if !oidc.thumbprints().is_empty() {
                create.push_str(&format!(
                    " --thumbprint-list {}",
                    oidc.thumbprints().join(" ")
                ));
            }
            // IAM refuses a second provider for the same URL in an account ("You cannot
            // register the same provider multiple times in a single Amazon Web Services
            // account", CreateOpenIDConnectProvider): an existing one (another integration
            // with the same issuer) is reused, and the step is skipped.
            commands.push(format!(
                "aws iam get-open-id-connect-provider --open-id-connect-provider-arn {arn} >/dev/null 2>&1 || {create}"
            ));
            provider_steps.push(DisconnectStep::run(
                format!(
                    "If no other integration uses it, delete the OIDC identity provider for {} (skip this if it existed before this connection).",
                    oidc.issuer_url()
                ),
                format!("aws iam delete-open-id-connect-provider --open-id-connect-provider-arn {arn}"),
            ));
        }
        commands.push(format!(
            "aws iam create-role --role-name {role} --description {} --max-session-duration {} --assume-role-policy-document file://{TRUST_POLICY_FILE}",
            quote(&self.role_description()),
            self.max_session_duration()
        ));
        let mut disconnect = Vec::new();
        for policy in self.policies() {
            let file = format!("{}-{}.json", self.role_name(), policy.name);
            files.push(ManualFile {
                name: file.clone(),
                contents: policy.document.to_json_pretty(),
            });
            match self.policy_target() {
                PolicyTarget::InlinePolicies => {
                    commands.push(format!(
                        "aws iam put-role-policy --role-name {role} --policy-name {} --policy-document file://{}",
                        quote(&policy.name),
                        quote(&file)
                    ));
                    disconnect.push(DisconnectStep::run(
                        format!("Delete the inline policy {}.", policy.name),
                        format!(
                            "aws iam delete-role-policy --role-name {role} --policy-name {}",
                            quote(&policy.name)
                        ),
                    ));
                }
                _ => {
                    let name = format!("{}-{}", self.role_name(), policy.name);
                    let arn = format!(
                        "arn:{partition}:iam::$(aws sts get-caller-identity --query Account --output text):policy/{name}"
                    );
                    commands.push(format!(
                        "aws iam create-policy --policy-name {} --policy-document file://{}",
                        quote(&name),
                        quote(&file)
                    ));
                    commands.push(format!(
                        "aws iam attach-role-policy --role-name {role} --policy-arn \"{arn}\""
                    ));
                    disconnect.push(DisconnectStep::run(
                        format!("Detach the policy {name} from the role."),
                        format!(
                            "aws iam detach-role-policy --role-name {role} --policy-arn \"{arn}\""
                        ),
                    ));
                    disconnect.push(DisconnectStep::run(
                        format!("Delete the policy {name}."),
                        format!("aws iam delete-policy --policy-arn \"{arn}\""),
                    ));
                }
            }
        }
        for arn in self.managed_policy_arns() {
            commands.push(format!(
                "aws iam attach-role-policy --role-name {role} --policy-arn {}",
                quote(&arn)
            ));
            disconnect.push(DisconnectStep::run(
                format!("Detach the AWS managed policy {arn}."),
                format!(
                    "aws iam detach-role-policy --role-name {role} --policy-arn {}",
                    quote(&arn)
                ),
            ));
        }
        commands.push(format!(
            "aws iam get-role --role-name {role} --query Role.Arn --output text"
        ));
        disconnect.push(DisconnectStep::run(
            "Delete the role; the vendor's next credential refresh fails and it sees the connection revoked.",
            format!("aws iam delete-role --role-name {role}"),
        ));
        disconnect.extend(provider_steps);
        Ok(ManualSteps {
            role_name: self.role_name().to_owned(),
            files,
            commands,
            disconnect,
        })
    }
}

/// Quotes `text` for a POSIX shell when it needs quoting (role names and policy names
/// usually do not).
pub(crate) fn quote(text: &str) -> String {
    // `try_quote` refuses only a NUL byte, which no validated input holds and no shell
    // argument can carry; removing it first makes quoting total.
    let text = text.replace('\0', "");
    match shlex::try_quote(&text) {
        Ok(quoted) => quoted.into_owned(),
        Err(_) => format!("'{}'", text.replace('\'', r"'\''")),
    }
}
