//! The StackSets variant for AWS Organizations: one stack, created in the management account
//! (or a delegated administrator), that deploys the role to every account of the chosen
//! organizational units, and to accounts that join them later (service-managed permissions,
//! automatic deployment).

use crate::cloudformation::{CloudFormationTemplate, list_inputs, lower, quick_create, reference};
use crate::manual::quote;
use crate::node::{Node, Text};
use crate::{DisconnectStep, Onboarding, OnboardingError};

/// CloudFormation: `TemplateBody` is at most 51,200 bytes.
const TEMPLATE_BODY_LIMIT: usize = 51_200;
/// The logical id of the stack set in the template.
pub const STACK_SET_LOGICAL_ID: &str = "ConnectorStackSet";
/// The parameter naming the organizational units (or the root) to deploy to.
pub const TARGETS_PARAMETER: &str = "OrganizationalUnitIds";
/// The parameter naming the one region the stack instances are created in (IAM is global, so
/// one region is enough, and a second would try to create the same role twice).
pub const REGION_PARAMETER: &str = "DeploymentRegion";

/// A template that deploys the role through a service-managed StackSet.
///
/// ```
/// # use onboarding::Onboarding;
/// # use trust_policy::{CrossAccountTrust, VendorPrincipal};
/// # let trust = CrossAccountTrust::new(
/// #     VendorPrincipal::account("999988887777".parse().unwrap()),
/// #     "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap(),
/// # );
/// # let onboarding = Onboarding::builder(trust, permission_sets::builtin::read_only_access().unwrap()).build().unwrap();
/// let stackset = onboarding.stackset("AcmeConnector").unwrap();
/// let yaml = stackset.to_yaml().unwrap();
/// assert!(yaml.contains("PermissionModel: SERVICE_MANAGED"));
/// assert!(stackset.cli_commands(&["ou-ab12-cdef3456".into()], "us-east-1")[0].contains("create-stack-set"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StackSetTemplate {
    name: String,
    template: Node,
    role_template: CloudFormationTemplate,
    parameters: Vec<(String, String)>,
}

impl StackSetTemplate {
    /// The wrapper template as YAML.
    pub fn to_yaml(&self) -> Result<String, OnboardingError> {
        Ok(crate::yaml::to_yaml(&self.template))
    }

    /// The wrapper template as JSON.
    pub fn to_json(&self) -> Result<String, OnboardingError> {
        serde_json::to_string_pretty(&self.template).map_err(|e| OnboardingError::Write {
            artifact: "StackSet template",
            message: e.to_string(),
        })
    }

    /// The role template each account receives.
    pub fn role_template(&self) -> &CloudFormationTemplate {
        &self.role_template
    }

    /// The same deployment with the AWS CLI instead of the wrapper template, run in the
    /// management account: the role template saved as `connector-role.json` next to it.
    pub fn cli_commands(&self, organizational_units: &[String], region: &str) -> Vec<String> {
        let parameters: Vec<serde_json::Value> = self
            .parameters
            .iter()
            .map(|(k, v)| serde_json::json!({ "ParameterKey": k, "ParameterValue": v }))
            .collect();
        let parameters = serde_json::Value::Array(parameters).to_string();
        vec![
            format!(
                "aws cloudformation create-stack-set --stack-set-name {} --template-body file://connector-role.json --permission-model SERVICE_MANAGED --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false --capabilities CAPABILITY_NAMED_IAM --managed-execution Active=true --parameters {}",
                quote(&self.name),
                quote(&parameters)
            ),
            format!(
                "aws cloudformation create-stack-instances --stack-set-name {} --deployment-targets OrganizationalUnitIds={} --regions {}",
                quote(&self.name),
                quote(&organizational_units.join(",")),
                quote(region)
            ),
        ]
    }

    /// How to take the access away from every account again.
    pub fn disconnect_steps(
        &self,
        stack_name: &str,
        organizational_units: &[String],
        region: &str,
    ) -> Vec<DisconnectStep> {
        let mut steps = vec![DisconnectStep::run(
            format!(
                "If you created the stack set with the template: delete the stack {stack_name} in the management account; CloudFormation deletes the stack instances (and the role in every account) and then the stack set."
            ),
            format!(
                "aws cloudformation delete-stack --stack-name {}",
                quote(stack_name)
            ),
        )];
        if !organizational_units.is_empty() {
            steps.push(DisconnectStep::run(
                "If you created the stack set with the CLI: delete its stack instances (and the role in every account) ...",
                format!(
                    "aws cloudformation delete-stack-instances --stack-set-name {} --deployment-targets OrganizationalUnitIds={} --regions {} --no-retain-stacks",
                    quote(&self.name),
                    quote(&organizational_units.join(",")),
                    quote(region)
                ),
            ));
            steps.push(DisconnectStep::run(
                "... then the stack set, once the instances are gone.",
                format!(
                    "aws cloudformation delete-stack-set --stack-set-name {}",
                    quote(&self.name)
                ),
            ));
        }
        steps
    }
}

impl Onboarding {
    /// The StackSets variant, with the stack set named `stack_set_name`.
    ///
    /// Service-managed stack sets never deploy to the management account itself: that
    /// account, if it needs the role, uses [`cloudformation`](Onboarding::cloudformation).
    pub fn stackset(&self, stack_set_name: &str) -> Result<StackSetTemplate, OnboardingError> {
        quick_create::check_stack_name(stack_set_name).map_err(|_| {
            OnboardingError::invalid(
                "stack set name",
                stack_set_name,
                "a stack set name is 1 to 128 letters, digits and hyphens, starting with a letter",
            )
        })?;
        if let Some(registration) = self.registration()
            && !registration.has_tenant_token()
        {
            return Err(OnboardingError::invalid(
                "registration",
                registration.topic_name(),
                "every account of the Organization runs the same template with the same External ID, so a StackSets registration carries the tenant's token (Registration::with_tenant_token)",
            ));
        }
        let role_template = self.cloudformation()?;
        let body =
            serde_json::to_string(role_template.node()).map_err(|e| OnboardingError::Write {
                artifact: "StackSet template",
                message: e.to_string(),
            })?;
        if body.len() > TEMPLATE_BODY_LIMIT {
            return Err(OnboardingError::TooLarge {
                what: "the role template passed as the stack set's TemplateBody".to_owned(),
                size: body.len(),
                limit: TEMPLATE_BODY_LIMIT,
            });
        }
        let lists = list_inputs(self.inputs());
        let mut stack_parameters = Vec::new();
        for input in self.inputs() {
            let value = if input.list {
                Node::map([(
                    "Fn::Join",
                    Node::List(vec![Node::str(","), reference(&input.name)]),
                )])
            } else {
                lower(&Node::Text(Text::slot(&input.name)), &lists)?
            };
            stack_parameters.push(Node::map([
                ("ParameterKey", Node::str(&input.name)),
                ("ParameterValue", value),
            ]));
        }
        let role_parameters = match role_template.node().get("Parameters") {
            Some(Node::Map(pairs)) => pairs.clone(),
            _ => Vec::new(),
        };
        let mut parameters = vec![
            (
                TARGETS_PARAMETER.to_owned(),
                Node::map([
                    ("Type", Node::str("CommaDelimitedList")),
                    (
                        "Description",
                        Node::str(
                            "The organizational units (ou-...) or the root (r-...) whose accounts get the role, now and when they join later.",
                        ),
                    ),
                    (
                        "AllowedPattern",
                        Node::str("^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$"),
                    ),
                    (
                        "ConstraintDescription",
                        Node::str(
                            "organizational unit ids look like ou-ab12-cdef3456, the root like r-ab12",
                        ),
                    ),
                ]),
            ),
            (
                REGION_PARAMETER.to_owned(),
                Node::map([
                    ("Type", Node::str("String")),
                    (
                        "Description",
                        Node::str(
                            "The one region the stack instances are created in (IAM roles are global).",
                        ),
                    ),
                    ("Default", Node::str("us-east-1")),
                    ("AllowedPattern", Node::str("^[a-z]+(-[a-z]+)+-[0-9]{1,2}$")),
                    (
                        "ConstraintDescription",
                        Node::str("a region code such as us-east-1"),
                    ),
                ]),
            ),
        ];
        parameters.extend(role_parameters);
        let template = Node::map([
            ("AWSTemplateFormatVersion", Node::str("2010-09-09")),
            (
                "Description",
                Node::str(format!(
                    "Deploys the role {} assumes to every account of the chosen organizational units, and to accounts that join them later ({}).",
                    self.trusted_party(),
                    self.permission_set_ref()
                )),
            ),
            ("Parameters", Node::Map(parameters)),
            (
                "Resources",
                Node::map([(
                    STACK_SET_LOGICAL_ID,
                    Node::map([
                        ("Type", Node::str("AWS::CloudFormation::StackSet")),
                        (
                            "Properties",
                            Node::map([
                                ("StackSetName", Node::str(stack_set_name)),
                                (
                                    "Description",
                                    Node::str(match self.trust() {
                                        Some(trust) => format!(
                                            "The role {} assumes, with the External ID it was given.",
                                            trust.vendor().principal_arn()
                                        ),
                                        None => format!(
                                            "The role {} assumes, and the OIDC provider it comes through.",
                                            self.trusted_party()
                                        ),
                                    }),
                                ),
                                ("PermissionModel", Node::str("SERVICE_MANAGED")),
                                (
                                    "AutoDeployment",
                                    Node::map([
                                        ("Enabled", Node::Bool(true)),
                                        ("RetainStacksOnAccountRemoval", Node::Bool(false)),
                                    ]),
                                ),
                                ("Capabilities", Node::strs(["CAPABILITY_NAMED_IAM"])),
                                (
                                    "ManagedExecution",
                                    Node::map([("Active", Node::Bool(true))]),
                                ),
                                (
                                    "OperationPreferences",
                                    Node::map([
                                        ("FailureTolerancePercentage", Node::int(0)),
                                        ("MaxConcurrentPercentage", Node::int(100)),
                                    ]),
                                ),
                                ("Parameters", Node::List(stack_parameters)),
                                (
                                    "StackInstancesGroup",
                                    Node::List(vec![Node::map([
                                        (
                                            "DeploymentTargets",
                                            Node::map([(
                                                "OrganizationalUnitIds",
                                                reference(TARGETS_PARAMETER),
                                            )]),
                                        ),
                                        ("Regions", Node::List(vec![reference(REGION_PARAMETER)])),
                                    ])]),
                                ),
                                ("TemplateBody", Node::str(body)),
                            ]),
                        ),
                    ]),
                )]),
            ),
            (
                "Outputs",
                Node::map([(
                    "StackSetId",
                    Node::map([
                        (
                            "Description",
                            Node::str("The stack set that deploys the role."),
                        ),
                        ("Value", reference(STACK_SET_LOGICAL_ID)),
                    ]),
                )]),
            ),
        ]);
        let parameters = self
            .inputs()
            .iter()
            .map(|i| (i.name.clone(), i.default.join(",")))
            .collect();
        Ok(StackSetTemplate {
            name: stack_set_name.to_owned(),
            template,
            role_template,
            parameters,
        })
    }
}
