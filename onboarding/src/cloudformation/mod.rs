//! The CloudFormation template: one `AWS::IAM::Role` with the trust policy and the
//! permission documents, every input a template parameter, the "why each line" explanation
//! in the template's `Metadata`.

mod lower;
mod quick_create;
mod stackset;

pub use quick_create::{MAX_LINK_LEN, QuickCreateLink, QuickCreateParts, check_stack_name};
pub use stackset::{REGION_PARAMETER, STACK_SET_LOGICAL_ID, StackSetTemplate, TARGETS_PARAMETER};

use std::collections::BTreeSet;

use permission_sets::PolicyTarget;

use crate::node::Node;
use crate::{DisconnectStep, Input, Onboarding, OnboardingError};
pub(crate) use lower::{lower, provider_arn, reference};

/// The logical id of the role in the template.
pub const ROLE_LOGICAL_ID: &str = "ConnectorRole";
/// CloudFormation: a template's `Description` is at most 1,024 bytes.
const DESCRIPTION_LIMIT: usize = 1024;
/// CloudFormation: a template given by URL (the quick-create link's `templateURL`) is at most
/// 1 MB (CloudFormation quotas, "Template body size in an Amazon S3 object").
const TEMPLATE_URL_BODY_LIMIT: usize = 1_000_000;

/// A CloudFormation template for the customer's role.
///
/// ```
/// # use onboarding::Onboarding;
/// # use trust_policy::{CrossAccountTrust, VendorPrincipal};
/// # let trust = CrossAccountTrust::new(
/// #     VendorPrincipal::account("999988887777".parse().unwrap()),
/// #     "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap(),
/// # );
/// let onboarding = Onboarding::builder(trust, permission_sets::builtin::read_only_access().unwrap())
///     .build()
///     .unwrap();
/// let template = onboarding.cloudformation().unwrap();
/// assert_eq!(template.parameter_names(), ["ExternalId", "RoleName"]);
/// let json: serde_json::Value = serde_json::from_str(&template.to_json().unwrap()).unwrap();
/// assert_eq!(json["Resources"]["ConnectorRole"]["Type"], "AWS::IAM::Role");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CloudFormationTemplate {
    template: Node,
    parameters: Vec<String>,
}

impl CloudFormationTemplate {
    /// The template as YAML.
    pub fn to_yaml(&self) -> Result<String, OnboardingError> {
        within_limit(crate::yaml::to_yaml(&self.template))
    }

    /// The template as JSON (pretty-printed).
    pub fn to_json(&self) -> Result<String, OnboardingError> {
        let json =
            serde_json::to_string_pretty(&self.template).map_err(|e| OnboardingError::Write {
                artifact: "CloudFormation template",
                message: e.to_string(),
            })?;
        within_limit(json)
    }

    /// The template's parameter names, in order.
    pub fn parameter_names(&self) -> &[String] {
        &self.parameters
    }

    /// The template tree.
    pub fn node(&self) -> &Node {
        &self.template
    }

    /// How to take the access away again.
    pub fn disconnect_steps(&self, stack_name: &str) -> Vec<DisconnectStep> {
        let stack = crate::manual::quote(stack_name);
        let creates_provider = self
            .template
            .get("Resources")
            .and_then(|r| r.get(crate::OIDC_PROVIDER_LOGICAL_ID))
            .is_some();
        let what = if creates_provider {
            "the role, its policies and the OIDC identity provider if the stack created it (an integration that reuses that provider through ExistingOidcProviderArn loses it too)"
        } else {
            "the role and its policies"
        };
        vec![
            DisconnectStep::run(
                format!(
                    "Delete the CloudFormation stack {stack_name} (console: CloudFormation > Stacks > {stack_name} > Delete); this deletes {what}."
                ),
                format!("aws cloudformation delete-stack --stack-name {stack}"),
            ),
            DisconnectStep::run(
                "Wait until the deletion is complete.",
                format!("aws cloudformation wait stack-delete-complete --stack-name {stack}"),
            ),
        ]
    }
}

impl Onboarding {
    /// The CloudFormation template.
    pub fn cloudformation(&self) -> Result<CloudFormationTemplate, OnboardingError> {
        let lists = list_inputs(self.inputs());
        let mut role = vec![
            ("RoleName", reference(crate::ROLE_NAME_INPUT)),
            ("Description", Node::str(self.role_description())),
            (
                "MaxSessionDuration",
                Node::int(u64::from(self.max_session_duration())),
            ),
            (
                "AssumeRolePolicyDocument",
                lower(self.trust_template(), &lists)?,
            ),
        ];
        let mut resources = Vec::new();
        match self.policy_target() {
            PolicyTarget::InlinePolicies if !self.policies().is_empty() => {
                let policies = self
                    .policies()
                    .iter()
                    .map(|p| {
                        Ok(Node::map([
                            ("PolicyName", Node::str(&p.name)),
                            ("PolicyDocument", lower(&p.template, &lists)?),
                        ]))
                    })
                    .collect::<Result<Vec<_>, OnboardingError>>()?;
                role.push(("Policies", Node::List(policies)));
            }
            PolicyTarget::InlinePolicies => {}
            _ => {
                for p in self.policies() {
                    resources.push((
                        p.name.clone(),
                        Node::map([
                            ("Type", Node::str("AWS::IAM::ManagedPolicy")),
                            (
                                "Properties",
                                Node::map([
                                    (
                                        "Description",
                                        Node::str(format!(
                                            "{} ({})",
                                            self.permission_set_ref(),
                                            p.name
                                        )),
                                    ),
                                    ("PolicyDocument", lower(&p.template, &lists)?),
                                    ("Roles", Node::List(vec![reference(ROLE_LOGICAL_ID)])),
                                ]),
                            ),
                        ]),
                    ));
                }
            }
        }
        let managed = self.managed_policy_arns();
        if !managed.is_empty() {
            role.push(("ManagedPolicyArns", Node::strs(managed)));
        }
        let policy_resources: Vec<String> =
            resources.iter().map(|(name, _)| name.clone()).collect();
        resources.insert(
            0,
            (
                ROLE_LOGICAL_ID.to_owned(),
                Node::map([
                    ("Type", Node::str("AWS::IAM::Role")),
                    ("Properties", Node::map(role)),
                ]),
            ),
        );
        let mut sections = vec![
            ("AWSTemplateFormatVersion", Node::str("2010-09-09")),
            ("Description", Node::str(self.template_description())),
            ("Metadata", self.metadata()),
            ("Parameters", parameters(self.inputs())),
        ];
        if let Some(oidc) = self.oidc() {
            sections.push(("Conditions", oidc_conditions()));
            resources.insert(
                0,
                (
                    crate::OIDC_PROVIDER_LOGICAL_ID.to_owned(),
                    oidc_provider(oidc),
                ),
            );
        }
        if let Some(registration) = self.registration() {
            if let Some(rules) = registration_rules(registration) {
                sections.push(("Rules", rules));
            }
            resources.push((
                crate::REGISTRATION_LOGICAL_ID.to_owned(),
                registration_resource(self, registration, &policy_resources),
            ));
        }
        sections.push(("Resources", Node::map(resources)));
        let second_output = if self.oidc().is_some() {
            (
                "OidcProviderArn",
                Node::map([
                    (
                        "Description",
                        Node::str(
                            "The IAM OIDC identity provider the role trusts (created here, or the existing one).",
                        ),
                    ),
                    ("Value", provider_arn()),
                ]),
            )
        } else {
            (
                "ExternalId",
                Node::map([
                    (
                        "Description",
                        Node::str("The External ID the role requires."),
                    ),
                    ("Value", reference(crate::EXTERNAL_ID_INPUT)),
                ]),
            )
        };
        let template = Node::map(sections.into_iter().chain([(
            "Outputs",
            Node::map([
                (
                    "RoleArn",
                    Node::map([
                        (
                            "Description",
                            Node::str("Give this role ARN to the vendor to finish connecting."),
                        ),
                        (
                            "Value",
                            Node::map([("Fn::GetAtt", Node::strs([ROLE_LOGICAL_ID, "Arn"]))]),
                        ),
                    ]),
                ),
                second_output,
            ]),
        )]));
        Ok(CloudFormationTemplate {
            template,
            parameters: self.inputs().iter().map(|i| i.name.clone()).collect(),
        })
    }

    fn template_description(&self) -> String {
        let text = format!(
            "Creates the IAM role {} assumes to reach this account ({}). See Metadata.Connector.WhyEachLine for why each permission is there.",
            self.trusted_party(),
            self.permission_set_ref(),
        );
        // The limit is in bytes; the text is ASCII but cut on a character boundary anyway.
        let mut description = String::with_capacity(text.len().min(DESCRIPTION_LIMIT));
        for c in text.chars() {
            if description.len() + c.len_utf8() > DESCRIPTION_LIMIT {
                break;
            }
            description.push(c);
        }
        description
    }

    fn metadata(&self) -> Node {
        let set = self.permission_set();
        let why = set
            .explain()
            .into_iter()
            .map(|row| {
                let mut fields = vec![
                    ("Id", Node::str(row.id)),
                    (
                        "Area",
                        Node::str(row.area.map_or("managed", |a| a.as_str())),
                    ),
                    ("Actions", Node::strs(row.actions)),
                    ("Resources", Node::strs(row.resources)),
                    ("Why", Node::str(row.justification)),
                    ("StepUp", Node::Bool(row.step_up)),
                ];
                if let Some(excluded) = row.excluded_area_justification {
                    fields.push(("WhyExcludedArea", Node::str(excluded)));
                }
                Node::map(fields)
            })
            .collect();
        let scoping: Vec<String> = set.parameters().iter().map(|p| p.name.clone()).collect();
        let own: Vec<String> = self
            .inputs()
            .iter()
            .map(|i| i.name.clone())
            .filter(|name| !scoping.contains(name))
            .collect();
        let mut groups = vec![Node::map([
            (
                "Label",
                Node::map([("default", Node::str("Access for the vendor"))]),
            ),
            ("Parameters", Node::strs(own)),
        ])];
        if !scoping.is_empty() {
            groups.push(Node::map([
                (
                    "Label",
                    Node::map([("default", Node::str("What the vendor may use"))]),
                ),
                ("Parameters", Node::strs(scoping)),
            ]));
        }
        Node::map([
            (
                "AWS::CloudFormation::Interface",
                Node::map([("ParameterGroups", Node::List(groups))]),
            ),
            (
                "Connector",
                Node::map([
                    ("Vendor", Node::str(self.trusted_party())),
                    (
                        "PermissionSet",
                        Node::map([
                            ("Name", Node::str(self.permission_set_ref().name())),
                            ("Version", Node::str(self.permission_set_ref().version())),
                            ("Description", Node::str(set.description())),
                            (
                                "Guarantees",
                                Node::strs(set.claims().iter().map(|g| g.as_str())),
                            ),
                        ]),
                    ),
                    ("WhyEachLine", Node::List(why)),
                ]),
            ),
        ])
    }
}

/// The template text, when CloudFormation takes a template that large.
fn within_limit(text: String) -> Result<String, OnboardingError> {
    if text.len() > TEMPLATE_URL_BODY_LIMIT {
        return Err(OnboardingError::TooLarge {
            what: "the CloudFormation template".to_owned(),
            size: text.len(),
            limit: TEMPLATE_URL_BODY_LIMIT,
        });
    }
    Ok(text)
}

pub(crate) fn list_inputs(inputs: &[Input]) -> BTreeSet<String> {
    inputs
        .iter()
        .filter(|i| i.list)
        .map(|i| i.name.clone())
        .collect()
}

fn parameters(inputs: &[Input]) -> Node {
    Node::map(inputs.iter().map(|input| {
        let mut fields = vec![
            (
                "Type",
                Node::str(if input.list {
                    "CommaDelimitedList"
                } else {
                    "String"
                }),
            ),
            ("Description", Node::str(&input.description)),
            ("Default", Node::str(input.default.join(","))),
            ("AllowedPattern", Node::str(&input.pattern)),
            ("ConstraintDescription", Node::str(&input.rule)),
        ];
        if let Some((min, max)) = input.length {
            fields.push(("MinLength", Node::int(min as u64)));
            fields.push(("MaxLength", Node::int(max as u64)));
        }
        (input.name.clone(), Node::map(fields))
    }))
}

/// `CreateOidcProvider`: true when the customer named no existing provider.
fn oidc_conditions() -> Node {
    Node::map([(
        crate::CREATE_PROVIDER_CONDITION,
        Node::map([(
            "Fn::Equals",
            Node::List(vec![
                reference(crate::EXISTING_PROVIDER_INPUT),
                Node::str(""),
            ]),
        )]),
    )])
}

/// The IAM OIDC identity provider for the vendor's issuer: its URL exactly as the tokens'
/// `iss`, the audience as its one client id, thumbprints only when given (see
/// [`OidcOnboarding`](crate::OidcOnboarding) for when AWS still uses one).
fn oidc_provider(oidc: &crate::OidcOnboarding) -> Node {
    let mut properties = vec![
        ("Url", Node::str(oidc.issuer_url())),
        ("ClientIdList", Node::strs([oidc.audience()])),
    ];
    if !oidc.thumbprints().is_empty() {
        properties.push(("ThumbprintList", Node::strs(oidc.thumbprints())));
    }
    Node::map([
        ("Type", Node::str("AWS::IAM::OIDCProvider")),
        ("Condition", Node::str(crate::CREATE_PROVIDER_CONDITION)),
        ("Properties", Node::map(properties)),
    ])
}

/// The registration custom resource: created after the role and its policies (it reads the
/// role's ARN; `DependsOn` orders it after the policies), so the role never waits for the
/// vendor and the vendor's connection test runs with the permissions in place.
fn registration_resource(
    onboarding: &Onboarding,
    registration: &crate::Registration,
    policy_resources: &[String],
) -> Node {
    let mut properties = vec![
        (
            "ServiceToken",
            Node::map([(
                "Fn::Sub",
                Node::str(format!(
                    "arn:${{AWS::Partition}}:sns:${{AWS::Region}}:{}:{}",
                    registration.vendor_account().as_str(),
                    registration.topic_name()
                )),
            )]),
        ),
        (
            "ServiceTimeout",
            Node::int(u64::from(registration.timeout_seconds())),
        ),
        (
            "RoleArn",
            Node::map([("Fn::GetAtt", Node::strs([ROLE_LOGICAL_ID, "Arn"]))]),
        ),
        ("ExternalId", reference(crate::EXTERNAL_ID_INPUT)),
        ("AccountId", reference("AWS::AccountId")),
        ("Region", reference("AWS::Region")),
        (
            "PermissionSet",
            Node::str(onboarding.permission_set_ref().to_string()),
        ),
        ("TemplateVersion", Node::str(crate::REGISTRATION_VERSION)),
    ];
    if let Some(id) = registration.connection_id() {
        properties.push(("ConnectionId", Node::str(id)));
    }
    if let Some(token) = registration.tenant_token() {
        properties.push(("RegistrationToken", Node::str(token)));
    }
    let mut resource = vec![
        ("Type", Node::str(crate::REGISTRATION_TYPE)),
        ("Properties", Node::map(properties)),
    ];
    if !policy_resources.is_empty() {
        resource.push(("DependsOn", Node::strs(policy_resources.iter().cloned())));
    }
    Node::map(resource)
}

/// A rule refusing Regions where the vendor keeps no topic: the stack fails before anything
/// is created, with a message naming the Regions, instead of failing on the custom resource
/// after the role exists.
fn registration_rules(registration: &crate::Registration) -> Option<Node> {
    if registration.regions().is_empty() {
        return None;
    }
    let regions: Vec<&str> = registration.regions().iter().map(|r| r.as_str()).collect();
    Some(Node::map([(
        "RegistrationRegion",
        Node::map([(
            "Assertions",
            Node::List(vec![Node::map([
                (
                    "Assert",
                    Node::map([(
                        "Fn::Contains",
                        Node::List(vec![Node::strs(regions.clone()), reference("AWS::Region")]),
                    )]),
                ),
                (
                    "AssertDescription",
                    Node::str(format!(
                        "Create this stack in one of the Regions the vendor accepts: {}.",
                        regions.join(", ")
                    )),
                ),
            ])]),
        )]),
    )]))
}
