//! # trust-policy
//!
//! The part of onboarding that every vendor gets subtly wrong: the External ID and the trust
//! policy on the customer's role.
//!
//! - [`ExternalId`]: generated from the OS CSPRNG, validated against AWS's rules, compared in
//!   constant time, kept out of `Debug` output.
//! - [`CrossAccountTrust`] and [`OidcTrust`]: trust policies that always validate and fit
//!   IAM's 2,048-character quota, or say by how much they don't.
//! - [`RotationPlan`]: rotate an External ID without cutting access.
//! - [`TrustPolicyLint`]: what is wrong with the trust policy a customer pasted back, as
//!   [`LintFinding`]s with a [`LintCode`] on the workspace's one [`Severity`] scale: for the
//!   vendor's External ID call ([`TrustExpectation`]) or its web identity token
//!   ([`WebIdentityExpectation`]).
//! - [`simulate`]: would an [`AssumeRoleAttempt`] be allowed, and by which statement.
//!
//! The `iam-policy` types that appear in this crate's signatures are re-exported
//! ([`AccountId`], [`Region`], [`PolicyDocument`], [`Decision`], ...), so a caller needs no
//! direct dependency on `iam-policy` to use it. The one exception is `iam_policy::Error`, held
//! by [`TrustPolicyError::Policy`].
//!
//! ```
//! use trust_policy::{CrossAccountTrust, ExternalId, Region, VendorPrincipal};
//! let external_id = ExternalId::generate()?;
//! let vendor = VendorPrincipal::account("999988887777".parse()?);
//! let region: Region = "eu-west-1".parse()?;
//! let policy = CrossAccountTrust::new(vendor, external_id.clone())
//!     .restrict_regions([region])?
//!     .policy()?;
//! println!("{}", policy.to_json_pretty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod attempt;
mod caller;
mod cross_account;
mod error;
mod external_id;
mod finish;
mod input;
mod lint;
mod oidc;
mod rotation;
mod simulate;
mod vendor;

pub use attempt::AssumeRoleAttempt;
pub use caller::caller_arn;
pub use cross_account::{CrossAccountTrust, VENDOR_STATEMENT_SID};
pub use error::TrustPolicyError;
pub use external_id::ExternalId;
pub use finish::{DEFAULT_TRUST_POLICY_LIMIT, MAX_TRUST_POLICY_LIMIT};
pub use input::{DEFAULT_INPUT_LIMIT, check_input_size};
pub use lint::{
    LintCode, LintFinding, LintReport, TrustExpectation, TrustPolicyLint, VendorCall,
    WebIdentityExpectation,
};
pub use oidc::{OidcTrust, SubjectMatch};
pub use rotation::RotationPlan;
pub use simulate::{ActionSimulation, Simulation, simulate};
pub use vendor::VendorPrincipal;

// The `iam-policy` types in this crate's public signatures.
pub use iam_policy::{
    AccountId, Arn, ContextValue, Decision, Evaluation, Finding, FindingCode, Partition,
    PolicyDocument, Region, Request, RoleArn, Severity, SourceLocation, StatementTrace,
    UnknownCode,
};
