//! The lint checks for a [`WebIdentityExpectation`]: the vendor's own token must be allowed,
//! tokens of another tenant (another `sub`) and for another audience must be refused (the OIDC
//! counterpart of the External ID check), no principal but the expected OIDC provider may
//! assume the role, and the federation rules apply as for any policy.
//!
//! What STS evaluates: a call to `sts:AssumeRoleWithWebIdentity` is made as the `Federated`
//! principal of the OIDC provider (`arn:aws:iam::ACCOUNT:oidc-provider/ISSUER`), and the
//! token's claims are the condition keys `ISSUER:aud` and `ISSUER:sub`, ISSUER being the
//! provider URL without `https://` (AWS re:Post Knowledge Center, "iam-idp-access-error": its
//! example trust policy for GitHub trusts `Federated`
//! `arn:aws:iam::012345678910:oidc-provider/token.actions.githubusercontent.com` for
//! `sts:AssumeRoleWithWebIdentity` under `StringEquals` on
//! `token.actions.githubusercontent.com:aud` and `token.actions.githubusercontent.com:sub`);
//! `sts:RoleSessionName` is the session name sent. The STS API Reference
//! (AssumeRoleWithWebIdentity, RoleArn) states why the audience matters: the trust policies of
//! roles Cognito identity pools assume "must contain the cognito-identity.amazonaws.com:aud
//! condition key to restrict role assumption to users from your intended identity pools".
//!
//! Fail closed: a probe that should be refused but reaches a statement that cannot be
//! evaluated is not counted as refused; it is reported as inconclusive.

use iam_policy::json_path;
use iam_policy::{
    Decision, Effect, Evaluation, PolicyDocument, Principal, PrincipalClause, PrincipalKind,
    Request, RequestPrincipal, SourceLocation,
};

use super::external_id::{excerpt, first_few};
use super::scope::{
    ASSUME_ROLE, ASSUME_ROLE_WITH_SAML, ASSUME_ROLE_WITH_WEB_IDENTITY, grants, grants_any_assume,
};
use super::{LintCode, LintFinding, WebIdentityExpectation};
use crate::simulate::simulate_request;

/// An audience no customer would have written: a token for another application.
const OTHER_AUDIENCE: &str = "lint-probe-other-audience";
/// A tenant name no customer would have written.
const OTHER_TENANT: &str = "lint-probe-other-tenant";

pub(super) fn run(
    expectation: &WebIdentityExpectation,
    doc: &PolicyDocument,
) -> (Vec<LintFinding>, bool) {
    let mut findings = Vec::new();
    super::checks::validator_findings(expectation.size_limit(), doc, &mut findings);
    super::federation::federated_statements(doc, &mut findings);
    other_principals(expectation, doc, &mut findings);

    let vendor = simulate_request(
        doc,
        ASSUME_ROLE_WITH_WEB_IDENTITY,
        &token(expectation, expectation.audience(), expectation.subject()),
    );
    let vendor_allowed = vendor.decision == Decision::Allow;
    if !vendor_allowed {
        findings.push(LintFinding::new(
            LintCode::OidcTokenNotTrusted,
            SourceLocation::path(json_path::child("$", "Statement")),
            format!(
                "the vendor's token (issuer {:?}, audience {:?}, subject {:?}) would be refused: {}",
                excerpt(expectation.issuer()),
                excerpt(expectation.audience()),
                excerpt(expectation.subject()),
                vendor.explanation
            ),
        ));
    }

    let subjects = other_subjects(expectation.subject());
    let mut probes: Vec<(LintCode, &str, &str)> = subjects
        .iter()
        .map(|sub| {
            (
                LintCode::OidcOtherSubjectAccepted,
                expectation.audience(),
                sub.as_str(),
            )
        })
        .collect();
    probes.push((
        LintCode::OidcOtherAudienceAccepted,
        OTHER_AUDIENCE,
        expectation.subject(),
    ));
    for (code, audience, subject) in probes {
        let evaluation = doc.evaluate(&token(expectation, audience, subject));
        let what = if code == LintCode::OidcOtherAudienceAccepted {
            format!("a token for another audience ({audience:?})")
        } else {
            format!("a token of another tenant (subject {:?})", excerpt(subject))
        };
        match verdict(&evaluation) {
            Verdict::Refused => {}
            Verdict::Allowed(index) => findings.push(LintFinding::new(
                code,
                SourceLocation::path(index.map_or_else(
                    || json_path::child("$", "Statement"),
                    |i| doc.statement_path(i),
                )),
                format!("this statement lets {what} assume the role"),
            )),
            Verdict::Inconclusive { path, reason } => findings.push(LintFinding::new(
                LintCode::OidcProbeInconclusive,
                SourceLocation::path(path),
                format!(
                    "{what} cannot be shown to be refused: this element could not be evaluated ({reason})"
                ),
            )),
        }
    }
    (findings, vendor_allowed)
}

/// The web identity call with a token carrying `audience` and `subject`.
fn token(expectation: &WebIdentityExpectation, audience: &str, subject: &str) -> Request {
    let issuer = expectation.issuer();
    let mut request = Request::new(ASSUME_ROLE_WITH_WEB_IDENTITY, "*")
        .with_principal(RequestPrincipal::Federated(expectation.provider_arn()))
        .with_context(format!("{issuer}:aud"), audience)
        .with_context(format!("{issuer}:sub"), subject);
    if let Some(name) = expectation.session_name() {
        request.set_context("sts:RoleSessionName", name);
    }
    request
}

/// Subjects of other tenants that a loose subject condition might let through: a sibling
/// (the last path segment replaced), an extension, a child path, another case, and an
/// unrelated subject.
fn other_subjects(subject: &str) -> Vec<String> {
    let sibling = match subject.rsplit_once('/') {
        Some((parent, _)) => format!("{parent}/{OTHER_TENANT}"),
        None => OTHER_TENANT.to_owned(),
    };
    let recased: String = subject
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let mut subjects = Vec::new();
    for candidate in [
        sibling,
        format!("{subject}-{OTHER_TENANT}"),
        format!("{subject}/{OTHER_TENANT}"),
        recased,
        format!("{OTHER_TENANT}/{subject}"),
    ] {
        if candidate != subject && !subjects.contains(&candidate) {
            subjects.push(candidate);
        }
    }
    subjects
}

/// What a probe that must be refused got.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Refused,
    /// Allowed (by this statement, when known).
    Allowed(Option<usize>),
    /// Not allowed only because something could not be evaluated: an `Allow` statement that
    /// might apply, or a `Deny` that stands alone against an applicable `Allow`.
    Inconclusive {
        path: String,
        reason: String,
    },
}

fn verdict(evaluation: &Evaluation) -> Verdict {
    match evaluation.decision {
        Decision::Allow => Verdict::Allowed(evaluation.deciding_statement().map(|m| m.index)),
        Decision::ExplicitDeny => Verdict::Refused,
        Decision::ImplicitDeny => {
            let allow_matched = evaluation.matched.iter().any(|m| m.effect == Effect::Allow);
            evaluation
                .unevaluable
                .iter()
                .find(|u| u.effect == Effect::Allow || allow_matched)
                .map_or(Verdict::Refused, |u| Verdict::Inconclusive {
                    path: u.path.clone(),
                    reason: u.reason.clone(),
                })
        }
    }
}

/// Every principal but the expected OIDC provider in a statement that lets it assume the
/// role: the vendor connects with its token only, so no AWS account, service or other
/// provider needs to be trusted.
fn other_principals(
    expectation: &WebIdentityExpectation,
    doc: &PolicyDocument,
    out: &mut Vec<LintFinding>,
) {
    let provider = expectation.provider_arn();
    for (index, statement) in doc.statements().iter().enumerate() {
        if !grants_any_assume(statement) {
            continue;
        }
        let path = doc.statement_path(index);
        let principal = match &statement.principal {
            Some(PrincipalClause::Principal(Principal::Any)) => {
                out.push(LintFinding::new(
                    LintCode::PrincipalTooBroad,
                    SourceLocation::path(json_path::child(&path, "Principal")),
                    "the principal \"*\" lets every AWS account and identity provider try to assume this role; name the OIDC provider as Federated principal".to_owned(),
                ));
                continue;
            }
            Some(PrincipalClause::NotPrincipal(_)) => {
                out.push(LintFinding::new(
                    LintCode::PrincipalTooBroad,
                    SourceLocation::path(json_path::child(&path, "NotPrincipal")),
                    "Allow with NotPrincipal trusts every principal except the ones listed"
                        .to_owned(),
                ));
                continue;
            }
            Some(PrincipalClause::Principal(principal)) => principal,
            None => continue,
        };
        let location = || SourceLocation::path(json_path::child(&path, "Principal"));
        let mut aws = Vec::new();
        let mut providers = Vec::new();
        let mut others = Vec::new();
        for (kind, id) in principal.entries() {
            match kind {
                PrincipalKind::Aws if grants(statement, ASSUME_ROLE) => {
                    aws.push(format!("{:?}", excerpt(id)));
                }
                PrincipalKind::Federated
                    if id != provider
                        && (grants(statement, ASSUME_ROLE_WITH_WEB_IDENTITY)
                            || grants(statement, ASSUME_ROLE_WITH_SAML)) =>
                {
                    providers.push(format!("{:?}", excerpt(id)));
                }
                PrincipalKind::Aws | PrincipalKind::Federated | PrincipalKind::CanonicalUser => {}
                // A service, or a kind this crate does not know: fail closed, it may be a way in.
                _ => others.push(format!("{:?}", excerpt(id))),
            }
        }
        if !aws.is_empty() {
            out.push(LintFinding::new(
                LintCode::OtherAccountsAllowed,
                location(),
                format!(
                    "the vendor connects with its web identity token only, but this statement lets the AWS principals {} assume the role",
                    first_few(&aws, ", ")
                ),
            ));
        }
        if !providers.is_empty() {
            out.push(LintFinding::new(
                LintCode::OidcOtherProviderTrusted,
                location(),
                format!(
                    "besides the vendor's provider {:?}, this statement trusts the identity providers {}",
                    excerpt(&provider),
                    first_few(&providers, ", ")
                ),
            ));
        }
        if !others.is_empty() {
            out.push(LintFinding::new(
                LintCode::OtherPrincipalsAllowed,
                location(),
                format!(
                    "this statement also lets {} (an AWS service or another principal type) assume the role",
                    first_few(&others, ", ")
                ),
            ));
        }
    }
}
