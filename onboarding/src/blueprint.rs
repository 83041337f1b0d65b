//! `Onboarding`: the one description (trust policy + permission set + the customer's choices)
//! every artifact is produced from.
//!
//! It renders the trust policy and the permission set once, with the customer's values, so
//! sizes and splits are decided on real documents; then it turns those documents back into
//! templates whose inputs (the External ID, the role name, the permission set's parameters)
//! each artifact expresses in its own way.

use std::collections::BTreeMap;

use iam_policy::{OneOrMany, PolicyDocument, ResourceClause, RoleArn};
use permission_sets::{ParameterValues, PermissionSet, PermissionSetRef, PolicyTarget, Rendered};
use trust_policy::{CrossAccountTrust, ExternalId};

use crate::node::{Node, Text};
use crate::oidc::{EXISTING_PROVIDER_INPUT, PROVIDER_ARN_SLOT};
use crate::{OidcOnboarding, OnboardingError};

/// The input name of the External ID in every artifact.
pub const EXTERNAL_ID_INPUT: &str = "ExternalId";
/// The account an OIDC trust template is rendered for before its provider ARN becomes a slot,
/// and the account of [`Onboarding::trust_policy`] for an OIDC onboarding without the
/// customer's account: AWS issues no account with this id.
pub const STAND_IN_ACCOUNT: &str = "000000000000";
/// The input name of the role name in every artifact.
pub const ROLE_NAME_INPUT: &str = "RoleName";

/// IAM: a role's maximum session duration is 3,600 to 43,200 seconds (IAM API Reference,
/// `CreateRole`, `MaxSessionDuration`).
const SESSION_DURATION_RANGE: std::ops::RangeInclusive<u32> = 3600..=43_200;
/// IAM: a role description is at most 1,000 characters.
const ROLE_DESCRIPTION_LIMIT: usize = 1000;

/// What the customer chooses when they run an artifact: the External ID, the role name and
/// each parameter of the permission set. Every artifact exposes the same inputs, with the
/// same rule and the same default.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Input {
    /// The name, `ExternalId` or `RoleName` or the permission set parameter's name
    /// (CloudFormation parameter names; Terraform uses [`terraform_name`](Self::terraform_name)).
    pub name: String,
    /// What it is for.
    pub description: String,
    /// True for a list of values.
    pub list: bool,
    /// The rule each value follows, as a regular expression anchored at both ends.
    pub pattern: String,
    /// The rule in words.
    pub rule: String,
    /// The value(s) this onboarding was produced with.
    pub default: Vec<String>,
    /// The shortest and longest value, when the pattern does not say it (an External ID's
    /// 1,224 characters are beyond the repeat count Terraform's RE2 regular expressions take).
    pub length: Option<(usize, usize)>,
}

impl Input {
    /// The Terraform variable name: `ExternalId` becomes `external_id`.
    pub fn terraform_name(&self) -> String {
        snake_case(&self.name)
    }
}

/// One permission policy of the role: the concrete document (manual path) and its template
/// (CloudFormation, Terraform), which fill back to the same document.
#[derive(Debug, Clone, PartialEq)]
pub struct PermissionPolicy {
    /// The policy name: `Permissions1`, `Permissions2`, ...
    pub name: String,
    /// The document with the customer's values.
    pub document: PolicyDocument,
    /// The document with a slot for every input.
    pub template: Node,
}

impl PermissionPolicy {
    /// Its Terraform resource name: `Permissions1` becomes `permissions1`.
    pub fn terraform_name(&self) -> String {
        snake_case(&self.name)
    }

    /// The Terraform local that holds its document: `permissions1_policy`.
    pub fn terraform_local(&self) -> String {
        format!("{}_policy", self.terraform_name())
    }
}

/// The one description every onboarding artifact is produced from.
///
/// ```
/// use onboarding::Onboarding;
/// use permission_sets::builtin;
/// use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};
///
/// let trust = CrossAccountTrust::new(
///     VendorPrincipal::account("999988887777".parse().unwrap()),
///     "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap(),
/// );
/// let set = builtin::read_only_scan().unwrap();
/// let onboarding = Onboarding::builder(trust, set).with_role_name("AxiomScanner").build().unwrap();
/// let yaml = onboarding.cloudformation().unwrap().to_yaml().unwrap();
/// assert!(yaml.contains("AWS::IAM::Role"));
/// let hcl = onboarding.terraform().unwrap().to_hcl().unwrap();
/// assert!(hcl.contains("resource \"aws_iam_role\""));
/// let manual = onboarding.manual().unwrap();
/// assert!(manual.commands()[0].starts_with("aws iam create-role --role-name AxiomScanner"));
/// ```
#[derive(Debug, Clone)]
pub struct Onboarding {
    trust: TrustKind,
    /// The first of the trust's External IDs (External ID onboardings).
    external_id: Option<ExternalId>,
    set: PermissionSet,
    role_name: String,
    max_session_duration: u32,
    target: PolicyTarget,
    trust_policy: PolicyDocument,
    /// False for an OIDC onboarding without the customer's account (`trust_policy` is then
    /// the stand-in account's).
    trust_policy_is_the_customers: bool,
    trust_template: Node,
    policies: Vec<PermissionPolicy>,
    rendered: Rendered,
    inputs: Vec<Input>,
    registration: Option<crate::Registration>,
}

/// How the vendor reaches the role: `sts:AssumeRole` with an External ID, or
/// `sts:AssumeRoleWithWebIdentity` with a token of the vendor's OIDC issuer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TrustKind {
    /// The vendor's principal with the External ID.
    ExternalId(CrossAccountTrust),
    /// The vendor's OIDC issuer: the artifacts also create the customer's OIDC provider.
    Oidc(OidcOnboarding),
}

/// Builds an [`Onboarding`].
#[derive(Debug, Clone)]
pub struct OnboardingBuilder {
    trust: TrustKind,
    set: PermissionSet,
    values: Option<ParameterValues>,
    role_name: Option<String>,
    max_session_duration: u32,
    target: Option<PolicyTarget>,
    registration: Option<crate::Registration>,
}

impl Onboarding {
    /// Starts from the trust policy and the permission set.
    pub fn builder(trust: CrossAccountTrust, set: PermissionSet) -> OnboardingBuilder {
        Onboarding::builder_for(TrustKind::ExternalId(trust), set)
    }

    /// Starts from the vendor's OIDC issuer and the permission set: the artifacts create the
    /// customer's IAM OIDC provider for the issuer (or reuse one, through the
    /// `ExistingOidcProviderArn` input) and a role trusting the tenant's tokens.
    ///
    /// ```
    /// use onboarding::{OidcOnboarding, Onboarding};
    /// let oidc = OidcOnboarding::new("https://id.auto-nomos.com", "acme")?;
    /// let onboarding = Onboarding::oidc_builder(oidc, permission_sets::builtin::read_only_access()?)
    ///     .build()?;
    /// let yaml = onboarding.cloudformation()?.to_yaml()?;
    /// assert!(yaml.contains("AWS::IAM::OIDCProvider"));
    /// assert!(yaml.contains("sts:AssumeRoleWithWebIdentity"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn oidc_builder(oidc: OidcOnboarding, set: PermissionSet) -> OnboardingBuilder {
        Onboarding::builder_for(TrustKind::Oidc(oidc), set)
    }

    /// Starts from either kind of trust.
    pub fn builder_for(trust: TrustKind, set: PermissionSet) -> OnboardingBuilder {
        OnboardingBuilder {
            trust,
            set,
            values: None,
            role_name: None,
            max_session_duration: 3600,
            target: None,
            registration: None,
        }
    }

    /// How the vendor reaches the role.
    pub fn trust_kind(&self) -> &TrustKind {
        &self.trust
    }

    /// The External ID trust policy description (External ID onboardings).
    pub fn trust(&self) -> Option<&CrossAccountTrust> {
        match &self.trust {
            TrustKind::ExternalId(trust) => Some(trust),
            TrustKind::Oidc(_) => None,
        }
    }

    /// The OIDC side (OIDC onboardings).
    pub fn oidc(&self) -> Option<&OidcOnboarding> {
        match &self.trust {
            TrustKind::Oidc(oidc) => Some(oidc),
            TrustKind::ExternalId(_) => None,
        }
    }

    /// Who may assume the role, for descriptions: the vendor's principal ARN, or the
    /// issuer's web identities with the tenant's subject.
    pub(crate) fn trusted_party(&self) -> String {
        match &self.trust {
            TrustKind::ExternalId(trust) => trust.vendor().principal_arn(),
            TrustKind::Oidc(oidc) => oidc.describe(),
        }
    }

    /// The partition of the ARNs the artifacts write.
    pub(crate) fn partition(&self) -> iam_policy::Partition {
        match &self.trust {
            TrustKind::ExternalId(trust) => trust.vendor().partition(),
            TrustKind::Oidc(oidc) => oidc.partition(),
        }
    }

    /// The registration resource's settings, when the templates carry one.
    pub fn registration(&self) -> Option<&crate::Registration> {
        self.registration.as_ref()
    }

    /// The External ID the role requires (the first one during a rotation); none for an
    /// OIDC onboarding.
    pub fn external_id(&self) -> Option<&ExternalId> {
        self.external_id.as_ref()
    }

    /// The permission set.
    pub fn permission_set(&self) -> &PermissionSet {
        &self.set
    }

    /// The permission set's name and version, as every artifact records and shows them
    /// (`name@version` in descriptions, `Name` and `Version` in the template's metadata).
    pub fn permission_set_ref(&self) -> &PermissionSetRef {
        self.set.reference()
    }

    /// The default role name.
    pub fn role_name(&self) -> &str {
        &self.role_name
    }

    /// The role's maximum session duration, in seconds.
    pub fn max_session_duration(&self) -> u32 {
        self.max_session_duration
    }

    /// Where the permission documents go: inline policies of the role when they fit IAM's
    /// 10,240-character aggregate quota, customer managed policies otherwise.
    pub fn policy_target(&self) -> PolicyTarget {
        self.target
    }

    /// The trust policy with the customer's values. An OIDC trust policy names the provider
    /// in the customer's account: without that account
    /// ([`OidcOnboarding::with_customer_account`]) this is the policy for the stand-in account
    /// [`STAND_IN_ACCOUNT`] (no such account exists, so a role created with it can never be
    /// assumed); use [`customer_trust_policy`](Self::customer_trust_policy) to tell.
    pub fn trust_policy(&self) -> &PolicyDocument {
        &self.trust_policy
    }

    /// The trust policy for the customer's own account: always for an External ID onboarding,
    /// for an OIDC onboarding only when the customer's account was given.
    pub fn customer_trust_policy(&self) -> Option<&PolicyDocument> {
        self.trust_policy_is_the_customers
            .then_some(&self.trust_policy)
    }

    /// The trust policy with a slot for the External ID (or, OIDC, for the provider's ARN).
    pub fn trust_template(&self) -> &Node {
        &self.trust_template
    }

    /// The permission policies.
    pub fn policies(&self) -> &[PermissionPolicy] {
        &self.policies
    }

    /// The AWS managed policies attached by ARN.
    pub fn managed_policy_arns(&self) -> Vec<String> {
        self.rendered
            .managed_policy_arns
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// The inputs every artifact takes: `ExternalId` (OIDC: none), `RoleName`, (OIDC:
    /// `ExistingOidcProviderArn`), then the permission set's parameters.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// The input named `name`.
    pub fn input(&self, name: &str) -> Option<&Input> {
        self.inputs.iter().find(|i| i.name == name)
    }

    /// The role's description: who may assume it and for what.
    pub fn role_description(&self) -> String {
        let text = match &self.trust {
            TrustKind::ExternalId(trust) => format!(
                "Lets {} assume this role with the External ID it was given, for {}: {}",
                trust.vendor().principal_arn(),
                self.permission_set_ref(),
                self.set.description()
            ),
            TrustKind::Oidc(oidc) => format!(
                "Lets {} assume this role, for {}: {}",
                oidc.describe(),
                self.permission_set_ref(),
                self.set.description()
            ),
        };
        // IAM: a description is printable ASCII or Latin-1 and at most 1,000 characters.
        let printable: String = text
            .chars()
            .map(|c| if (' '..='~').contains(&c) { c } else { ' ' })
            .collect();
        truncate(&printable, ROLE_DESCRIPTION_LIMIT)
    }

    /// Every input with the value this onboarding was produced with.
    pub fn default_values(&self) -> BTreeMap<String, Vec<String>> {
        self.inputs
            .iter()
            .map(|i| (i.name.clone(), i.default.clone()))
            .collect()
    }
}

impl OnboardingBuilder {
    /// The customer's values for the permission set's parameters (defaults and samples are
    /// not assumed: a parameter without a default needs a value).
    pub fn with_values(mut self, values: ParameterValues) -> Self {
        self.values = Some(values);
        self
    }

    /// The role name offered by default (IAM: 1 to 64 of `[A-Za-z0-9+=,.@_-]`). Without
    /// it the name is derived from the permission set's name.
    pub fn with_role_name(mut self, name: &str) -> Self {
        self.role_name = Some(name.to_owned());
        self
    }

    /// The role's maximum session duration in seconds (3,600 to 43,200; 3,600 by default).
    pub fn with_max_session_duration(mut self, seconds: u32) -> Self {
        self.max_session_duration = seconds;
        self
    }

    /// Forces inline or customer managed policies instead of choosing by size.
    pub fn with_policy_target(mut self, target: PolicyTarget) -> Self {
        self.target = Some(target);
        self
    }

    /// Adds the registration resource to the CloudFormation and StackSets templates: the
    /// stack tells the vendor when it is created (with the role's ARN), updated or deleted
    /// (see [`Registration`](crate::Registration)). Terraform and the manual steps have no
    /// custom resources: their customers still hand the role ARN back (Terraform's output
    /// names it).
    pub fn with_registration(mut self, registration: crate::Registration) -> Self {
        self.registration = Some(registration);
        self
    }

    /// Renders everything once and checks it.
    pub fn build(self) -> Result<Onboarding, OnboardingError> {
        if let Some(registration) = &self.registration
            && registration.connection_id().is_none()
            && !registration.has_tenant_token()
        {
            return Err(OnboardingError::invalid(
                "registration",
                registration.topic_name(),
                "a registration names the connection (with_connection_id) or carries the tenant's token (with_tenant_token), or the vendor cannot tell whose stack it is",
            ));
        }
        let role_name = match self.role_name {
            Some(name) => name,
            None => default_role_name(self.set.name()),
        };
        if !RoleArn::is_valid_role_name(&role_name) {
            return Err(OnboardingError::invalid(
                "role name",
                role_name,
                "a role name is 1 to 64 letters, digits and +=,.@_-",
            ));
        }
        if !SESSION_DURATION_RANGE.contains(&self.max_session_duration) {
            return Err(OnboardingError::invalid(
                "max session duration",
                self.max_session_duration.to_string(),
                "a role's maximum session duration is 3,600 to 43,200 seconds",
            ));
        }
        if let (Some(registration), TrustKind::Oidc(_)) = (&self.registration, &self.trust) {
            return Err(OnboardingError::invalid(
                "registration",
                registration.topic_name(),
                "the registration resource reports the role with its External ID; an OIDC connection has none, so it registers through the vendor's own onboarding step",
            ));
        }
        for parameter in self.set.parameters() {
            if [EXTERNAL_ID_INPUT, ROLE_NAME_INPUT, EXISTING_PROVIDER_INPUT]
                .contains(&parameter.name.as_str())
            {
                return Err(OnboardingError::invalid(
                    "parameter",
                    &parameter.name,
                    "ExternalId, RoleName and ExistingOidcProviderArn are the onboarding's own inputs; rename the permission set's parameter",
                ));
            }
        }
        let values = self.values.unwrap_or_default();
        let (target, rendered) = match self.target {
            Some(target) => (target, self.set.render(&values, target)?),
            None => match self.set.render(&values, PolicyTarget::InlinePolicies) {
                Ok(rendered) => (PolicyTarget::InlinePolicies, rendered),
                Err(permission_sets::PermissionSetError::TooLarge { .. }) => (
                    PolicyTarget::ManagedPolicies,
                    self.set.render(&values, PolicyTarget::ManagedPolicies)?,
                ),
                Err(other) => return Err(other.into()),
            },
        };
        let (trust_policy, trust_policy_is_the_customers, trust_template, primary, own_inputs) =
            match &self.trust {
                TrustKind::ExternalId(trust) => {
                    let trust_policy = trust.policy()?;
                    // `CrossAccountTrust` always holds at least one id (its constructor takes one).
                    let Some(primary) = trust.external_ids().first().cloned() else {
                        return Err(OnboardingError::invalid(
                            "external ids",
                            "",
                            "a trust policy accepts at least one External ID",
                        ));
                    };
                    let template = trust_template(&trust_policy, primary.as_str())?;
                    let own = external_id_inputs(primary.as_str(), &role_name);
                    (trust_policy, true, template, Some(primary), own)
                }
                TrustKind::Oidc(oidc) => {
                    // The template is rendered for a stand-in account (the size and the checks do
                    // not depend on which); its provider ARN becomes a slot at once.
                    let stand_in: iam_policy::AccountId =
                        STAND_IN_ACCOUNT.parse().map_err(|e: iam_policy::Error| {
                            OnboardingError::invalid("account", STAND_IN_ACCOUNT, e.to_string())
                        })?;
                    let shape = oidc.trust_for(stand_in.clone())?.policy()?;
                    let template = oidc_trust_template(&shape, &oidc.provider_arn(&stand_in))?;
                    let (trust_policy, the_customers) = match oidc.customer_account() {
                        Some(account) => (oidc.trust_for(account.clone())?.policy()?, true),
                        None => (shape, false),
                    };
                    let own = oidc_inputs(oidc, &role_name);
                    (trust_policy, the_customers, template, None, own)
                }
            };
        let policies = policy_templates(&self.set, &rendered)?;
        crate::promises::keeps_promises(&self.set, &policies, &rendered)?;
        let inputs = inputs(&self.set, &values, own_inputs);
        Ok(Onboarding {
            trust: self.trust,
            external_id: primary,
            set: self.set,
            role_name,
            max_session_duration: self.max_session_duration,
            target,
            trust_policy,
            trust_policy_is_the_customers,
            trust_template,
            policies,
            rendered,
            inputs,
            registration: self.registration,
        })
    }
}

/// `axiom:read-only-scan` becomes `axiom-read-only-scan` (colons are not allowed in role names).
fn default_role_name(set_name: &str) -> String {
    let name: String = set_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    truncate(&name, 64)
}

fn truncate(text: &str, limit: usize) -> String {
    text.chars().take(limit).collect()
}

pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The trust policy with the primary External ID (only where the policy compares
/// `sts:ExternalId`) replaced by a slot.
fn trust_template(policy: &PolicyDocument, external_id: &str) -> Result<Node, OnboardingError> {
    let mut node = parse(&policy.to_json())?;
    if let Some(Node::List(statements)) = node.get_mut("Statement") {
        for statement in statements {
            let Some(Node::Map(operators)) = statement.get_mut("Condition") else {
                continue;
            };
            for (_, keys) in operators {
                let Some(values) = keys.get_mut("sts:ExternalId") else {
                    continue;
                };
                mark(values, external_id);
            }
        }
    }
    Ok(node)
}

/// The OIDC trust policy with the provider's ARN (in the `Federated` principal) replaced by
/// the provider slot; anything else that names it would be a template bug, so it is refused.
fn oidc_trust_template(
    policy: &PolicyDocument,
    provider_arn: &str,
) -> Result<Node, OnboardingError> {
    let mut node = parse(&policy.to_json())?;
    let mut replaced = 0usize;
    if let Some(Node::List(statements)) = node.get_mut("Statement") {
        for statement in statements {
            let Some(principal) = statement.get_mut("Principal") else {
                continue;
            };
            let Some(federated) = principal.get_mut("Federated") else {
                continue;
            };
            if let Node::Text(text) = federated
                && text.as_literal().as_deref() == Some(provider_arn)
            {
                *text = Text::slot(PROVIDER_ARN_SLOT);
                replaced += 1;
            }
        }
    }
    if replaced == 0 {
        return Err(OnboardingError::invalid(
            "OIDC issuer",
            provider_arn,
            "the web identity trust policy names no OIDC provider to replace",
        ));
    }
    Ok(node)
}

fn mark(values: &mut Node, external_id: &str) {
    match values {
        Node::Text(text) if text.as_literal().as_deref() == Some(external_id) => {
            *text = Text::slot(EXTERNAL_ID_INPUT);
        }
        Node::List(items) => items.iter_mut().for_each(|v| mark(v, external_id)),
        _ => {}
    }
}

/// Each rendered document with its resources put back as the grant's templates.
fn policy_templates(
    set: &PermissionSet,
    rendered: &Rendered,
) -> Result<Vec<PermissionPolicy>, OnboardingError> {
    let count = rendered.documents.len();
    rendered
        .documents
        .iter()
        .enumerate()
        .map(|(i, document)| {
            let mut template = parse(&document.to_json())?;
            if let Some(Node::List(nodes)) = template.get_mut("Statement") {
                for (statement, node) in document.statements().iter().zip(nodes) {
                    let Some(grant) = set.grant_of(statement) else {
                        continue;
                    };
                    let single = matches!(
                        statement.resource,
                        Some(ResourceClause::Resource(OneOrMany::One(_)))
                    );
                    let mut texts: Vec<Text> = Vec::new();
                    for resource in &grant.resources {
                        let text = Text::from_placeholders(resource);
                        if !texts.contains(&text) {
                            texts.push(text);
                        }
                    }
                    let has_list = texts.iter().any(|t| {
                        t.slots()
                            .any(|s| set.parameters().iter().any(|p| p.name == s && p.list))
                    });
                    let resource = if single && texts.len() == 1 && !has_list {
                        Node::Text(texts.remove(0))
                    } else {
                        Node::List(texts.into_iter().map(Node::Text).collect())
                    };
                    if let Some(slot) = node.get_mut("Resource") {
                        *slot = resource;
                    }
                }
            }
            Ok(PermissionPolicy {
                name: if count == 1 {
                    "Permissions".to_owned()
                } else {
                    format!("Permissions{}", i + 1)
                },
                document: document.clone(),
                template,
            })
        })
        .collect()
}

fn parse(json: &str) -> Result<Node, OnboardingError> {
    Node::from_json(json).map_err(|e| OnboardingError::Write {
        artifact: "policy template",
        message: e.to_string(),
    })
}

fn role_name_input(role_name: &str) -> Input {
    Input {
        name: ROLE_NAME_INPUT.to_owned(),
        description: "The name of the IAM role to create.".to_owned(),
        list: false,
        pattern: r"^[\w+=,.@-]{1,64}$".to_owned(),
        rule: "a role name is 1 to 64 letters, digits and +=,.@_-".to_owned(),
        default: vec![role_name.to_owned()],
        length: None,
    }
}

fn oidc_inputs(oidc: &OidcOnboarding, role_name: &str) -> Vec<Input> {
    vec![
        role_name_input(role_name),
        Input {
            name: EXISTING_PROVIDER_INPUT.to_owned(),
            description: format!(
                "Leave empty to create the IAM OIDC identity provider for {}. If this account already has one for it (another integration), give its ARN to reuse it.",
                oidc.issuer_url()
            ),
            list: false,
            pattern: oidc.existing_provider_pattern(),
            rule: format!(
                "empty, or the ARN of this account's OIDC provider for {} (arn:{}:iam::ACCOUNT:oidc-provider/{})",
                oidc.issuer_url(),
                oidc.partition(),
                oidc.issuer()
            ),
            default: vec![String::new()],
            length: None,
        },
    ]
}

fn external_id_inputs(external_id: &str, role_name: &str) -> Vec<Input> {
    vec![
        Input {
            name: EXTERNAL_ID_INPUT.to_owned(),
            description: "The External ID the vendor gave you. The role can only be assumed with it; keep it as given.".to_owned(),
            list: false,
            pattern: r"^[\w+=,.@:/-]+$".to_owned(),
            rule: "an External ID is 2 to 1,224 letters, digits and _+=,.@:/-".to_owned(),
            default: vec![external_id.to_owned()],
            length: Some((ExternalId::MIN_LEN, ExternalId::MAX_LEN)),
        },
        role_name_input(role_name),
    ]
}

fn inputs(set: &PermissionSet, values: &ParameterValues, own: Vec<Input>) -> Vec<Input> {
    let mut inputs = own;
    for parameter in set.parameters() {
        let default = values
            .get(&parameter.name)
            .map(<[String]>::to_vec)
            .or_else(|| parameter.default.clone())
            .unwrap_or_default();
        inputs.push(Input {
            name: parameter.name.clone(),
            description: parameter.description.clone(),
            list: parameter.list,
            pattern: parameter.rule.pattern().to_owned(),
            rule: parameter.rule.describe().to_owned(),
            default,
            length: None,
        });
    }
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake_case("ExternalId"), "external_id");
        assert_eq!(snake_case("PassRolePath"), "pass_role_path");
        assert_eq!(
            default_role_name("axiom:read-only-scan"),
            "axiom-read-only-scan"
        );
    }
}
