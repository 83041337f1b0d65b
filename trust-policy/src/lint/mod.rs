//! Linting the trust policy a customer pasted: will the vendor's AssumeRole work, and is the
//! role safe from the confused deputy?
//!
//! The linter combines the `iam-policy` validator with offline simulations of the calls that
//! matter: the vendor with the right External ID (must be allowed), the vendor with a wrong
//! one or none (must be refused), and another account (must be refused). The vendor is every
//! principal that could call (see `callers`), never one invented name. Static checks cover
//! what a simulation cannot see: External ID patterns, principals outside the vendor, and
//! the federated ways in (web identity, SAML). Text over the input limit is refused before
//! parsing. Each problem becomes
//! a [`LintFinding`] with a stable code, a severity, the JSON path (and line and column when
//! linting text) and a sentence the customer can act on.

mod callers;
mod checks;
mod expectation;
mod external_id;
mod federation;
mod finding;
mod principals;
mod scope;
mod web_identity;
mod web_identity_checks;

pub use expectation::{TrustExpectation, VendorCall};
pub use finding::{LintCode, LintFinding};
pub use web_identity::WebIdentityExpectation;

use iam_policy::{PolicyDocument, Severity, SourceLocation};

use crate::{DEFAULT_INPUT_LIMIT, TrustPolicyError, check_input_size};

/// The trust policy linter.
///
/// ```
/// use trust_policy::{LintCode, TrustExpectation, TrustPolicyLint, VendorPrincipal};
/// let expect = TrustExpectation::new(
///     VendorPrincipal::account("999988887777".parse()?),
///     "right-id".parse()?,
/// );
/// let report = TrustPolicyLint::new(expect).lint_text(r#"{
///   "Version": "2012-10-17",
///   "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
///                  "Action": "sts:AssumeRole"}]
/// }"#);
/// assert!(!report.vendor_may_connect());
/// assert!(report.findings.iter().any(|f| f.code() == LintCode::ExternalIdMissing));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct TrustPolicyLint {
    expectation: Expectation,
    input_limit: usize,
}

/// Which call the linter checks the policy against.
#[derive(Debug, Clone)]
enum Expectation {
    /// The vendor's `sts:AssumeRole` with its External ID.
    ExternalId(TrustExpectation),
    /// The vendor's `sts:AssumeRoleWithWebIdentity` with its OIDC token.
    WebIdentity(WebIdentityExpectation),
}

/// The linter's answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LintReport {
    /// Every finding, errors first, then by path.
    pub findings: Vec<LintFinding>,
    /// True when the vendor's call would be allowed: its AssumeRole with the right External
    /// ID, or (for a web identity expectation) its AssumeRoleWithWebIdentity with its token.
    pub vendor_allowed: bool,
}

impl LintReport {
    /// True when the vendor should accept this role: its AssumeRole works and there is no
    /// error finding (a role that does not enforce the External ID must be refused).
    pub fn vendor_may_connect(&self) -> bool {
        self.vendor_allowed && !self.has_errors()
    }

    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity() == Severity::Error)
    }
}

impl TrustPolicyLint {
    /// A linter for one expectation.
    pub fn new(expectation: TrustExpectation) -> TrustPolicyLint {
        TrustPolicyLint {
            expectation: Expectation::ExternalId(expectation),
            input_limit: DEFAULT_INPUT_LIMIT,
        }
    }

    /// A linter for a web identity (OIDC) trust policy: the vendor's token must be allowed,
    /// another tenant's or another audience's token refused.
    pub fn web_identity(expectation: WebIdentityExpectation) -> TrustPolicyLint {
        TrustPolicyLint {
            expectation: Expectation::WebIdentity(expectation),
            input_limit: DEFAULT_INPUT_LIMIT,
        }
    }

    /// Sets the input limit in bytes ([`DEFAULT_INPUT_LIMIT`], 64 KiB, unless set): text
    /// longer than this is refused before parsing.
    pub fn with_input_limit(mut self, bytes: usize) -> TrustPolicyLint {
        self.input_limit = bytes;
        self
    }

    /// The input limit in bytes.
    pub fn input_limit(&self) -> usize {
        self.input_limit
    }

    /// Lints JSON text as pasted, refusing text over the input limit with
    /// [`TrustPolicyError::InputTooLarge`] before parsing it.
    ///
    /// ```
    /// use trust_policy::{TrustExpectation, TrustPolicyError, TrustPolicyLint, VendorPrincipal};
    /// let lint = TrustPolicyLint::new(TrustExpectation::new(
    ///     VendorPrincipal::account("999988887777".parse()?),
    ///     "right-id".parse()?,
    /// ))
    /// .with_input_limit(1024);
    /// let huge = format!("{{\"Statement\": [{}]}}", "{},".repeat(1000));
    /// assert!(matches!(lint.try_lint_text(&huge), Err(TrustPolicyError::InputTooLarge { limit: 1024, .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_lint_text(&self, text: &str) -> Result<LintReport, TrustPolicyError> {
        check_input_size(text, self.input_limit)?;
        Ok(self.lint_text(text))
    }

    /// Lints JSON text as pasted; findings carry line and column. Text over the input limit
    /// is not parsed: the report has the one error finding [`LintCode::InputTooLarge`].
    pub fn lint_text(&self, text: &str) -> LintReport {
        if let Err(error) = check_input_size(text, self.input_limit) {
            return LintReport {
                findings: vec![LintFinding::new(
                    LintCode::InputTooLarge,
                    SourceLocation::path("$"),
                    error.to_string(),
                )],
                vendor_allowed: false,
            };
        }
        // The size was checked against this linter's own limit; the parser's default limit
        // must not refuse what a batch tool raised it for.
        match iam_policy::ParseOptions::new()
            .with_max_bytes(self.input_limit)
            .parse(text)
        {
            Ok(doc) => {
                let mut report = self.lint(&doc);
                for finding in &mut report.findings {
                    finding.locate(text);
                }
                report
            }
            Err(error) => {
                let (location, message) = match error {
                    iam_policy::Error::Parse { location, message } => (location, message),
                    other => (SourceLocation::path("$"), other.to_string()),
                };
                LintReport {
                    findings: vec![LintFinding::new(
                        LintCode::MalformedPolicy,
                        location,
                        format!(
                            "the trust policy is not valid policy JSON: {}",
                            crate::input::excerpt(&message)
                        ),
                    )],
                    vendor_allowed: false,
                }
            }
        }
    }

    /// Lints a parsed document.
    pub fn lint(&self, doc: &PolicyDocument) -> LintReport {
        let (mut findings, vendor_allowed) = match &self.expectation {
            Expectation::ExternalId(expectation) => checks::run(expectation, doc),
            Expectation::WebIdentity(expectation) => web_identity_checks::run(expectation, doc),
        };
        findings.sort_by(|a, b| {
            (a.severity(), &a.location().path, a.code().as_str()).cmp(&(
                b.severity(),
                &b.location().path,
                b.code().as_str(),
            ))
        });
        findings.dedup();
        LintReport {
            findings,
            vendor_allowed,
        }
    }
}
