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
//!
//! ```
//! use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};
//! let external_id = ExternalId::generate().unwrap();
//! let vendor = VendorPrincipal::account("999988887777".parse().unwrap());
//! let policy = CrossAccountTrust::new(vendor, external_id.clone()).policy().unwrap();
//! println!("{}", policy.to_json_pretty());
//! ```
#![deny(missing_docs)]

mod cross_account;
mod error;
mod external_id;
mod finish;
mod lint;
mod oidc;
mod rotation;
mod simulate;
mod vendor;

pub use cross_account::{CrossAccountTrust, VENDOR_STATEMENT_SID};
pub use error::TrustPolicyError;
pub use external_id::ExternalId;
pub use finish::{DEFAULT_TRUST_POLICY_LIMIT, MAX_TRUST_POLICY_LIMIT};
pub use iam_policy;
pub use lint::{
    LintCode, LintFinding, LintReport, LintSeverity, TrustExpectation, TrustPolicyLint, VendorCall,
};
pub use oidc::{OidcTrust, SubjectMatch};
pub use rotation::RotationPlan;
pub use simulate::{ActionSimulation, AssumeRoleRequest, Simulation, simulate};
pub use vendor::VendorPrincipal;
