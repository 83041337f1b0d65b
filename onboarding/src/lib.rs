//! # onboarding
//!
//! What a customer runs to create the cross-account role, produced from one description so
//! the paths can never disagree: the trust policy ([`trust_policy::CrossAccountTrust`]), the
//! permission set ([`permission_sets::PermissionSet`]) and the customer's values.
//!
//! - [`CloudFormationTemplate`] (YAML and JSON) and its [`QuickCreateLink`];
//! - [`StackSetTemplate`], for AWS Organizations: every account of some organizational units,
//!   including accounts that join later;
//! - [`TerraformConfig`], written with `hcl-rs`;
//! - [`ManualSteps`]: the policy files and the AWS CLI commands in order;
//! - for each, the steps that take the access away again.
//!
//! The vendor reaches the role with an External ID ([`Onboarding::builder`]) or, with no
//! stored key anywhere, with a token of its OIDC issuer ([`Onboarding::oidc_builder`],
//! [`OidcOnboarding`]): then every artifact also creates the customer's IAM OIDC identity
//! provider for the issuer, or reuses the one the customer already has.
//!
//! Every artifact takes the same inputs ([`Input`]): the External ID (OIDC: whether to reuse
//! an existing provider), the role name and the permission set's parameters, with the same
//! rules and defaults.
//!
//! [`OnboardingBuilder::build`] refuses a permission set that breaks its own promises in
//! what the customer would run: a grant whose declared area is not the catalog's, the
//! excluded area without an opt-in, or a claimed guarantee that the audit of the documents
//! disproves.
//!
//! ```
//! use onboarding::Onboarding;
//! use permission_sets::{ParameterValues, builtin};
//! use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};
//!
//! let trust = CrossAccountTrust::new(
//!     VendorPrincipal::account("999988887777".parse().unwrap()),
//!     ExternalId::generate().unwrap(),
//! );
//! let onboarding = Onboarding::builder(trust, builtin::s3_read().unwrap())
//!     .with_values(ParameterValues::new().with_values("Buckets", ["acme-data", "acme-logs"]))
//!     .with_role_name("NomosReader")
//!     .build()
//!     .unwrap();
//! let template = onboarding.cloudformation().unwrap();
//! assert!(template.to_yaml().unwrap().contains("Type: CommaDelimitedList"));
//! ```
#![deny(missing_docs)]

mod blueprint;
mod cloudformation;
mod disconnect;
mod error;
mod manual;
mod node;
mod oidc;
mod promises;
mod registration;
mod terraform;
mod yaml;

pub use blueprint::{
    EXTERNAL_ID_INPUT, Input, Onboarding, OnboardingBuilder, PermissionPolicy, ROLE_NAME_INPUT,
    STAND_IN_ACCOUNT, TrustKind,
};
pub use cloudformation::{
    CloudFormationTemplate, MAX_LINK_LEN, QuickCreateLink, QuickCreateParts, REGION_PARAMETER,
    ROLE_LOGICAL_ID, STACK_SET_LOGICAL_ID, StackSetTemplate, TARGETS_PARAMETER, check_stack_name,
};
pub use disconnect::DisconnectStep;
pub use error::OnboardingError;
pub use manual::{ManualFile, ManualSteps, TRUST_POLICY_FILE};
pub use node::{Node, Piece, Text};
pub use oidc::{
    CREATE_PROVIDER_CONDITION, DEFAULT_AUDIENCE, EXISTING_PROVIDER_INPUT, OIDC_PROVIDER_LOGICAL_ID,
    OidcOnboarding, check_issuer_url,
};
pub use registration::{
    REGISTRATION_LOGICAL_ID, REGISTRATION_TYPE, REGISTRATION_VERSION, Registration,
};
pub use terraform::{ROLE_RESOURCE, TerraformConfig};
