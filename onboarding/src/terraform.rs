//! Terraform: `aws_iam_role` with the trust policy, the permission documents as
//! `aws_iam_role_policy` (or `aws_iam_policy` + attachment), a variable for each input with
//! its rule as a validation, and the role ARN as an output. Written with `hcl-rs`.

use std::collections::BTreeSet;

use hcl::expr::{
    BinaryOp, BinaryOperator, Conditional, ForExpr, FuncCall, TemplateExpr, Traversal, Variable,
};
use hcl::template::{Interpolation, Template};
use hcl::{Block, Body, Expression, Identifier, Object, ObjectKey};
use permission_sets::PolicyTarget;

use crate::cloudformation::list_inputs;
use crate::node::{Node, Piece, Text};
use crate::{DisconnectStep, Input, Onboarding, OnboardingError};

const ARTIFACT: &str = "Terraform";
/// The resource name of the role (and of the OIDC provider, for an OIDC onboarding).
pub const ROLE_RESOURCE: &str = "connector";
/// The local holding the OIDC provider's ARN (the existing one, or the one created).
const PROVIDER_LOCAL: &str = "oidc_provider_arn";
/// `thumbprint_list` became optional with hashicorp/terraform-provider-aws#37255 ("Make
/// `thumbprint_list` attribute optional", accepted 2024-12-10; 5.81.0 is the first release after
/// it — the provider's changelog was not at hand to confirm the exact version). Older providers
/// refuse a provider without a thumbprint at plan time ("Missing required argument"), loudly.
const OIDC_PROVIDER_VERSION: &str = ">= 5.81.0";

/// A Terraform configuration for the customer's role.
///
/// ```
/// # use onboarding::Onboarding;
/// # use trust_policy::{CrossAccountTrust, VendorPrincipal};
/// # let trust = CrossAccountTrust::new(
/// #     VendorPrincipal::account("999988887777".parse().unwrap()),
/// #     "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap(),
/// # );
/// # let onboarding = Onboarding::builder(trust, permission_sets::builtin::s3_read().unwrap())
/// #     .with_values(permission_sets::ParameterValues::new().with_values("Buckets", ["acme-data"]))
/// #     .build().unwrap();
/// let hcl = onboarding.terraform().unwrap().to_hcl().unwrap();
/// assert!(hcl.contains("variable \"external_id\""));
/// assert!(hcl.contains("formatlist(\"arn:aws:s3:::%s\", var.buckets)"));
/// assert!(hcl.contains("output \"role_arn\""));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TerraformConfig {
    body: Body,
    header: String,
}

impl TerraformConfig {
    /// The configuration as HCL text (`main.tf`).
    pub fn to_hcl(&self) -> Result<String, OnboardingError> {
        let body = hcl::format::to_string(&self.body).map_err(|e| OnboardingError::Write {
            artifact: "Terraform configuration",
            message: e.to_string(),
        })?;
        Ok(format!("{}{body}", self.header))
    }

    /// The HCL body.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// How to take the access away again.
    pub fn disconnect_steps(&self) -> Vec<DisconnectStep> {
        vec![DisconnectStep::run(
            "In the directory holding this configuration and its state, destroy what it created (or remove it from your module and apply).",
            "terraform destroy",
        )]
    }
}

impl Onboarding {
    /// The Terraform configuration.
    pub fn terraform(&self) -> Result<TerraformConfig, OnboardingError> {
        let lists = list_inputs(self.inputs());
        let mut body = Body::builder().add_block(
            Block::builder("terraform")
                .add_block(
                    Block::builder("required_providers")
                        .add_attribute((
                            "aws",
                            object([
                                ("source", Expression::from("hashicorp/aws")),
                                (
                                    "version",
                                    Expression::from(if self.oidc().is_some() {
                                        OIDC_PROVIDER_VERSION
                                    } else {
                                        ">= 5.0"
                                    }),
                                ),
                            ]),
                        ))
                        .build(),
                )
                .build(),
        );
        for input in self.inputs() {
            body = body.add_block(variable(input));
        }
        let mut locals = Block::builder("locals");
        if let Some(oidc) = self.oidc() {
            body = body.add_block(oidc_provider(oidc));
            // The existing provider when the customer named one, else the one created.
            let existing = var(crate::EXISTING_PROVIDER_INPUT);
            let created = Expression::from(
                Traversal::builder(Variable::unchecked("aws_iam_openid_connect_provider"))
                    .attr(ROLE_RESOURCE)
                    .index(0u64)
                    .attr("arn")
                    .build(),
            );
            locals = locals.add_attribute((
                PROVIDER_LOCAL,
                Expression::from(Conditional::new(
                    BinaryOp::new(existing.clone(), BinaryOperator::NotEq, ""),
                    existing,
                    created,
                )),
            ));
        }
        locals = locals.add_attribute(("trust_policy", lower(self.trust_template(), &lists)?));
        for policy in self.policies() {
            locals =
                locals.add_attribute((policy.terraform_local(), lower(&policy.template, &lists)?));
        }
        body = body.add_block(locals.build());
        let role = Block::builder("resource")
            .add_label("aws_iam_role")
            .add_label(ROLE_RESOURCE)
            .add_attribute(("name", var(crate::ROLE_NAME_INPUT)))
            .add_attribute(("description", Expression::from(self.role_description())))
            .add_attribute((
                "max_session_duration",
                Expression::from(u64::from(self.max_session_duration())),
            ))
            .add_attribute((
                "assume_role_policy",
                jsonencode(traversal("local", &["trust_policy"])),
            ))
            .build();
        body = body.add_block(role);
        for policy in self.policies() {
            let label = policy.terraform_name();
            let document = jsonencode(traversal("local", &[&policy.terraform_local()]));
            match self.policy_target() {
                PolicyTarget::InlinePolicies => {
                    body = body.add_block(
                        Block::builder("resource")
                            .add_label("aws_iam_role_policy")
                            .add_label(&label)
                            .add_attribute(("name", Expression::from(policy.name.as_str())))
                            .add_attribute(("role", role_attribute("id")))
                            .add_attribute(("policy", document))
                            .build(),
                    );
                }
                _ => {
                    let name = template(&Text(vec![
                        Piece::Slot(crate::ROLE_NAME_INPUT.to_owned()),
                        Piece::Literal(format!("-{}", policy.name)),
                    ]));
                    body = body
                        .add_block(
                            Block::builder("resource")
                                .add_label("aws_iam_policy")
                                .add_label(&label)
                                .add_attribute(("name", name))
                                .add_attribute((
                                    "description",
                                    Expression::from(format!(
                                        "{} ({})",
                                        self.permission_set_ref(),
                                        policy.name
                                    )),
                                ))
                                .add_attribute(("policy", document))
                                .build(),
                        )
                        .add_block(
                            Block::builder("resource")
                                .add_label("aws_iam_role_policy_attachment")
                                .add_label(&label)
                                .add_attribute(("role", role_attribute("name")))
                                .add_attribute((
                                    "policy_arn",
                                    traversal("aws_iam_policy", &[&label, "arn"]),
                                ))
                                .build(),
                        );
                }
            }
        }
        for (i, arn) in self.managed_policy_arns().iter().enumerate() {
            body = body.add_block(
                Block::builder("resource")
                    .add_label("aws_iam_role_policy_attachment")
                    .add_label(format!("managed_{}", i + 1))
                    .add_attribute(("role", role_attribute("name")))
                    .add_attribute(("policy_arn", Expression::from(arn.as_str())))
                    .build(),
            );
        }
        body = body
            .add_block(output(
                "role_arn",
                "Give this role ARN to the vendor to finish connecting.",
                role_attribute("arn"),
            ))
            .add_block(if self.oidc().is_some() {
                output(
                    PROVIDER_LOCAL,
                    "The IAM OIDC identity provider the role trusts (created here, or the existing one).",
                    traversal("local", &[PROVIDER_LOCAL]),
                )
            } else {
                output(
                    "external_id",
                    "The External ID the role requires.",
                    var(crate::EXTERNAL_ID_INPUT),
                )
            });
        let header = format!(
            "# The IAM role {} assumes to reach this account ({}).\n# Why each permission is there: see the permission set's explanation.\n# Remove the access with `terraform destroy`.\n\n",
            self.trusted_party(),
            self.permission_set_ref()
        );
        Ok(TerraformConfig {
            body: body.build(),
            header,
        })
    }
}

fn variable(input: &Input) -> Block {
    let name = input.terraform_name();
    let reference = var(&input.name);
    let (kind, default) = if input.list {
        (
            Expression::from(FuncCall::builder("list").arg(ident("string")).build()),
            Expression::Array(
                input
                    .default
                    .iter()
                    .map(|v| Expression::from(v.as_str()))
                    .collect(),
            ),
        )
    } else {
        (
            ident("string"),
            Expression::from(input.default.first().cloned().unwrap_or_default()),
        )
    };
    let matches = |value: Expression| -> Expression {
        let regex = FuncCall::builder("regex")
            .arg(input.pattern.as_str())
            .arg(value.clone())
            .build();
        let mut check = Expression::from(FuncCall::builder("can").arg(regex).build());
        if let Some((min, max)) = input.length {
            let length =
                || Expression::from(FuncCall::builder("length").arg(value.clone()).build());
            let at_least = BinaryOp::new(length(), BinaryOperator::GreaterEq, min as u64);
            let at_most = BinaryOp::new(length(), BinaryOperator::LessEq, max as u64);
            check = Expression::from(BinaryOp::new(
                Expression::from(BinaryOp::new(at_least, BinaryOperator::And, at_most)),
                BinaryOperator::And,
                check,
            ));
        }
        check
    };
    let condition = if input.list {
        let each = ForExpr::new(Identifier::unchecked("v"), reference, matches(ident("v")));
        Expression::from(FuncCall::builder("alltrue").arg(each).build())
    } else {
        matches(reference)
    };
    Block::builder("variable")
        .add_label(name)
        .add_attribute(("type", kind))
        .add_attribute(("description", Expression::from(input.description.as_str())))
        .add_attribute(("default", default))
        .add_block(
            Block::builder("validation")
                .add_attribute(("condition", condition))
                .add_attribute((
                    "error_message",
                    Expression::from(format!("{}: {}.", input.name, input.rule)),
                ))
                .build(),
        )
        .build()
}

/// The IAM OIDC identity provider, created only when no existing one is named (`count`).
fn oidc_provider(oidc: &crate::OidcOnboarding) -> Block {
    let count = Conditional::new(
        BinaryOp::new(var(crate::EXISTING_PROVIDER_INPUT), BinaryOperator::Eq, ""),
        1u64,
        0u64,
    );
    let mut block = Block::builder("resource")
        .add_label("aws_iam_openid_connect_provider")
        .add_label(ROLE_RESOURCE)
        .add_attribute(("count", Expression::from(count)))
        .add_attribute(("url", Expression::from(oidc.issuer_url())))
        .add_attribute((
            "client_id_list",
            Expression::Array(vec![Expression::from(oidc.audience())]),
        ));
    if !oidc.thumbprints().is_empty() {
        block = block.add_attribute((
            "thumbprint_list",
            Expression::Array(
                oidc.thumbprints()
                    .iter()
                    .map(|t| Expression::from(t.as_str()))
                    .collect(),
            ),
        ));
    }
    block.build()
}

fn output(name: &str, description: &str, value: Expression) -> Block {
    Block::builder("output")
        .add_label(name)
        .add_attribute(("description", Expression::from(description)))
        .add_attribute(("value", value))
        .build()
}

fn ident(name: &str) -> Expression {
    Expression::from(Variable::unchecked(name))
}

fn traversal(root: &str, attrs: &[&str]) -> Expression {
    let mut builder = Traversal::builder(Variable::unchecked(root));
    for attr in attrs {
        builder = builder.attr(*attr);
    }
    Expression::from(builder.build())
}

/// `var.NAME` for the input named `input` (its Terraform name).
fn var(input: &str) -> Expression {
    traversal("var", &[&crate::blueprint::snake_case(input)])
}

fn role_attribute(attr: &str) -> Expression {
    traversal("aws_iam_role", &[ROLE_RESOURCE, attr])
}

fn jsonencode(value: Expression) -> Expression {
    Expression::from(FuncCall::builder("jsonencode").arg(value).build())
}

fn object<'a>(pairs: impl IntoIterator<Item = (&'a str, Expression)>) -> Expression {
    let object: Object<ObjectKey, Expression> = pairs
        .into_iter()
        .map(|(k, v)| (ObjectKey::Expression(Expression::from(k)), v))
        .collect();
    Expression::Object(object)
}

/// A node as an HCL expression: slots become `var.name`, list inputs `formatlist`.
fn lower(node: &Node, lists: &BTreeSet<String>) -> Result<Expression, OnboardingError> {
    Ok(match node {
        Node::Null => Expression::Null,
        Node::Bool(b) => Expression::Bool(*b),
        Node::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Expression::from(u),
            (_, Some(i), _) => Expression::from(i),
            (_, _, Some(f)) => Expression::from(f),
            _ => Expression::Null,
        },
        Node::Text(text) if has_list_slot(text, lists) => {
            list_of(std::slice::from_ref(node), lists)?
        }
        Node::Text(text) => template(text),
        Node::List(items) => {
            let spliced = items
                .iter()
                .any(|item| matches!(item, Node::Text(t) if has_list_slot(t, lists)));
            if spliced {
                list_of(items, lists)?
            } else {
                Expression::Array(
                    items
                        .iter()
                        .map(|item| lower(item, lists))
                        .collect::<Result<_, _>>()?,
                )
            }
        }
        Node::Map(pairs) => {
            let object: Object<ObjectKey, Expression> = pairs
                .iter()
                .map(|(k, v)| {
                    Ok((
                        ObjectKey::Expression(Expression::from(k.as_str())),
                        lower(v, lists)?,
                    ))
                })
                .collect::<Result<_, OnboardingError>>()?;
            Expression::Object(object)
        }
    })
}

fn has_list_slot(text: &Text, lists: &BTreeSet<String>) -> bool {
    text.slots().any(|s| lists.contains(s))
}

/// A string: literal, `var.name` alone, or a quoted template `"...${var.name}..."`.
fn template(text: &Text) -> Expression {
    match text.0.as_slice() {
        [Piece::Slot(name)] if name == crate::oidc::PROVIDER_ARN_SLOT => {
            traversal("local", &[PROVIDER_LOCAL])
        }
        [Piece::Slot(name)] => var(name),
        _ => match text.as_literal() {
            Some(literal) => Expression::from(literal),
            None => {
                let mut template = Template::new();
                for piece in &text.0 {
                    template = match piece {
                        // hcl-rs escapes `${` and `%{` in literal elements; quotes and
                        // backslashes are escaped here because the element is written raw.
                        Piece::Literal(literal) => template.add_literal(
                            literal
                                .replace('\\', "\\\\")
                                .replace('"', "\\\"")
                                .replace('\n', "\\n"),
                        ),
                        Piece::Slot(name) => {
                            template.add_interpolation(Interpolation::new(var(name)))
                        }
                    };
                }
                // hcl-rs documents formatting to a string as infallible.
                let raw = hcl::format::to_string(&template).unwrap_or_default();
                Expression::from(TemplateExpr::QuotedString(raw))
            }
        },
    }
}

/// A list where some items take a list input: `concat([..], formatlist("p%ss", var.l), ..)`.
fn list_of(items: &[Node], lists: &BTreeSet<String>) -> Result<Expression, OnboardingError> {
    let mut parts: Vec<Expression> = Vec::new();
    let mut run: Vec<Expression> = Vec::new();
    for item in items {
        let Node::Text(text) = item else {
            run.push(lower(item, lists)?);
            continue;
        };
        if !has_list_slot(text, lists) {
            run.push(template(text));
            continue;
        }
        if text.slots().count() != 1 {
            return Err(OnboardingError::Inexpressible {
                artifact: ARTIFACT,
                what: "a resource that uses a list parameter together with another parameter"
                    .to_owned(),
                why: "use the list parameter alone in that resource template".to_owned(),
            });
        }
        if !run.is_empty() {
            parts.push(Expression::Array(std::mem::take(&mut run)));
        }
        let mut list = String::new();
        let format: String = text
            .0
            .iter()
            .map(|piece| match piece {
                Piece::Literal(literal) => literal.replace('%', "%%"),
                Piece::Slot(name) => {
                    list = name.clone();
                    "%s".to_owned()
                }
            })
            .collect();
        parts.push(Expression::from(
            FuncCall::builder("formatlist")
                .arg(format)
                .arg(var(&list))
                .build(),
        ));
    }
    if !run.is_empty() {
        parts.push(Expression::Array(run));
    }
    Ok(if parts.len() == 1 {
        parts.remove(0)
    } else {
        let mut call = FuncCall::builder("concat");
        for part in parts {
            call = call.arg(part);
        }
        Expression::from(call.build())
    })
}
