//! Policy validation: IAM's grammar, element rules and quotas for each kind of policy, and
//! security checks, reported as findings in the shape of IAM Access Analyzer's
//! `ValidatePolicy`.

mod conditions;
mod document;
mod elements;
mod finding;
mod kind;
mod locate;
mod locator;
mod order;
mod principals;
mod report;
mod security;
mod size;

pub use finding::{Finding, FindingCode, Severity};
pub use kind::PolicyKind;
pub use locate::locate_path;
pub use locator::Locator;
pub use size::{policy_size, text_size};

use crate::{Error, ParseOptions, PolicyDocument, SourceLocation};

use report::Report;

/// Checks policy documents for one [`PolicyKind`].
///
/// [`validate`](Validator::validate) checks a document; [`validate_text`](Validator::validate_text)
/// also parses it, turns parse errors into findings and gives every finding the line and
/// column it is about. Findings come sorted: errors first, then by position in the document.
///
/// ```
/// use iam_policy::{FindingCode, PolicyKind, Severity, Validator};
///
/// let text = r#"{
///   "Version": "2012-10-17",
///   "Statement": [{
///     "Effect": "Allow",
///     "Action": ["iam:PassRole", "iam:GetRole"],
///     "Resource": "*"
///   }]
/// }"#;
/// let (doc, findings) = Validator::new(PolicyKind::ManagedPolicy).validate_text(text);
/// assert!(doc.is_some());
/// assert_eq!(findings.len(), 1);
/// let finding = &findings[0];
/// assert_eq!(finding.code, FindingCode::PassRoleWithStarInResource);
/// assert_eq!(finding.severity, Severity::SecurityWarning);
/// assert_eq!(finding.location.path, "$.Statement[0].Resource");
/// assert_eq!(finding.location.line, Some(6));
///
/// // Text that does not parse gives an error finding instead of a document.
/// let (doc, findings) = Validator::new(PolicyKind::ManagedPolicy).validate_text("{\"Statement\": [");
/// assert!(doc.is_none());
/// assert_eq!(findings[0].code, FindingCode::JsonSyntaxError);
///
/// // Trust policies must name a principal; codes can be switched off.
/// let trust = r#"{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}"#.parse().unwrap();
/// let codes: Vec<FindingCode> = Validator::new(PolicyKind::trust_policy())
///     .ignoring(FindingCode::MissingVersion)
///     .validate(&trust)
///     .into_iter()
///     .map(|f| f.code)
///     .collect();
/// assert_eq!(codes, [FindingCode::MissingPrincipal]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validator {
    kind: PolicyKind,
    ignored: Vec<FindingCode>,
    parse: ParseOptions,
}

impl Validator {
    /// A validator for policies of `kind`, with every check on.
    pub fn new(kind: PolicyKind) -> Validator {
        Validator {
            kind,
            ignored: Vec::new(),
            parse: ParseOptions::new(),
        }
    }

    /// The same validator, accepting texts of up to `max_bytes` bytes in
    /// [`validate_text`](Validator::validate_text) (default
    /// [`ParseOptions::DEFAULT_MAX_BYTES`]; larger texts get one `DOCUMENT_TOO_LARGE`
    /// finding and are not parsed). For batch tools that read larger documents.
    pub fn with_max_document_bytes(mut self, max_bytes: usize) -> Validator {
        self.parse = self.parse.with_max_bytes(max_bytes);
        self
    }

    /// The same validator, no longer reporting `code`.
    pub fn ignoring(mut self, code: FindingCode) -> Validator {
        if !self.ignored.contains(&code) {
            self.ignored.push(code);
        }
        self
    }

    /// The kind of policy this validator checks.
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// Checks a document. Sizes are those of its compact JSON form ([`policy_size`]); locations
    /// have JSON paths only.
    pub fn validate(&self, doc: &PolicyDocument) -> Vec<Finding> {
        let mut report = self.check(doc);
        let compact = doc.to_json();
        size::check(self.kind, compact.chars().count(), &mut report);
        if self.kind == PolicyKind::SessionPolicy {
            size::session_characters(&compact, &mut report);
        }
        self.finish(report.into_findings())
    }

    /// Parses and checks JSON text. Returns the document when it parses, and the findings,
    /// each with the line and column it is about. A parse failure is an error finding
    /// (`JSON_SYNTAX_ERROR` or `MALFORMED_POLICY_DOCUMENT`) at the place the parser stopped.
    /// Sizes are measured on the text as given ([`text_size`]; for session policies, every
    /// character, as STS counts its `Policy` parameter).
    pub fn validate_text(&self, text: &str) -> (Option<PolicyDocument>, Vec<Finding>) {
        // Before any parsing: the text alone can be too big to work on.
        if let Err(error) = self.parse.check_size(text) {
            let finding = Finding::new(
                FindingCode::DocumentTooLarge,
                SourceLocation::path("$"),
                format!("{error}. No IAM policy is this large; the text was not checked."),
            );
            return (None, self.finish(vec![finding]));
        }
        if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            let location = SourceLocation {
                path: "$".to_owned(),
                line: (error.line() > 0).then_some(error.line()),
                column: (error.line() > 0).then_some(error.column()),
            };
            let finding = Finding::new(
                FindingCode::JsonSyntaxError,
                location,
                format!(
                    "The text is not valid JSON: {}. Fix the JSON syntax there.",
                    without_position(&error.to_string())
                ),
            );
            return (None, self.finish(vec![finding]));
        }
        let doc = match self.parse.parse(text) {
            Ok(doc) => doc,
            Err(error) => {
                let (mut location, message) = match error {
                    Error::Parse { location, message } => (location, message),
                    other => (SourceLocation::path("$"), other.to_string()),
                };
                if location.line.is_none() {
                    fill_position(text, &mut location);
                }
                let finding = Finding::new(
                    FindingCode::MalformedPolicyDocument,
                    location,
                    format!(
                        "The document does not follow the IAM policy grammar: {message}. Fix this element; IAM rejects the policy as it is."
                    ),
                );
                return (None, self.finish(vec![finding]));
            }
        };
        let mut report = self.check(&doc);
        let measured = if self.kind == PolicyKind::SessionPolicy {
            // AssumeRole API reference, `Policy`: "Maximum length of 2048", a limit on the
            // parameter string itself, white space included.
            text.chars().count()
        } else {
            text_size(text)
        };
        size::check(self.kind, measured, &mut report);
        if self.kind == PolicyKind::SessionPolicy {
            size::session_characters(text, &mut report);
        }
        let mut findings = report.into_findings();
        // One index for every finding: looking each one up from the start of the text was
        // quadratic (20,000 findings took 18.6 s).
        if !findings.is_empty() {
            let locator = Locator::new(text);
            for finding in &mut findings {
                if finding.location.line.is_none()
                    && let Some((line, column)) = locator.locate(&finding.location.path)
                {
                    finding.location.line = Some(line);
                    finding.location.column = Some(column);
                }
            }
        }
        (Some(doc), self.finish(findings))
    }

    /// Checks the inline policies of one identity together against their shared quota
    /// (`RoleInlinePolicy`: 10,240 characters for all inline policies of a role,
    /// `UserInlinePolicy`: 2,048, `GroupInlinePolicy`: 5,120). For kinds whose quota is per
    /// document, each document is checked on its own. Only size is checked here; validate
    /// each document for everything else.
    ///
    /// ```
    /// use iam_policy::{FindingCode, PolicyDocument, PolicyKind, Statement, Validator};
    ///
    /// let statement = Statement::allow(["s3:GetObject"]).unwrap()
    ///     .with_resources([format!("arn:aws:s3:::bucket/{}", "k".repeat(1000))]).unwrap();
    /// let doc = PolicyDocument::new(vec![statement]);
    /// let findings = Validator::inline_aggregate(PolicyKind::UserInlinePolicy, &[&doc, &doc]);
    /// assert_eq!(findings[0].code, FindingCode::InlinePoliciesSizeExceedQuota);
    /// assert!(Validator::inline_aggregate(PolicyKind::RoleInlinePolicy, &[&doc, &doc]).is_empty());
    /// ```
    pub fn inline_aggregate(kind: PolicyKind, docs: &[&PolicyDocument]) -> Vec<Finding> {
        let mut findings = size::aggregate(kind, docs);
        order::sort(&mut findings);
        findings
    }

    /// Runs every document check.
    fn check(&self, doc: &PolicyDocument) -> Report {
        let mut report = Report::new(self.kind);
        document::check(doc, &mut report);
        elements::check(doc, &mut report);
        principals::check(doc, &mut report);
        conditions::check(doc, &mut report);
        security::check(doc, &mut report);
        report
    }

    fn finish(&self, mut findings: Vec<Finding>) -> Vec<Finding> {
        findings.retain(|f| !self.ignored.contains(&f.code));
        order::sort(&mut findings);
        findings
    }
}

fn fill_position(text: &str, location: &mut SourceLocation) {
    if location.line.is_some() {
        return;
    }
    if let Some((line, column)) = locate_path(text, &location.path) {
        location.line = Some(line);
        location.column = Some(column);
    }
}

/// serde_json appends " at line L column C"; the location carries that separately.
fn without_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .and_then(|i| message.get(..i))
        .unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::report::testing::*;
    use super::*;

    #[test]
    fn json_syntax_errors_carry_the_parser_position() {
        let (doc, found) = Validator::new(MANAGED)
            .validate_text("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [}\n}");
        assert!(doc.is_none());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, FindingCode::JsonSyntaxError);
        assert_eq!(found[0].location.line, Some(3));
        assert!(
            !found[0].message.contains(" at line "),
            "{}",
            found[0].message
        );
        let (_, found) = Validator::new(MANAGED).validate_text("");
        assert_eq!(found[0].code, FindingCode::JsonSyntaxError);
        let (_, found) = Validator::new(MANAGED).validate_text("{} x");
        assert_eq!(found[0].code, FindingCode::JsonSyntaxError);
    }

    #[test]
    fn grammar_errors_are_malformed_documents() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Actions\": \"s3:*\"}]\n}";
        let (doc, found) = Validator::new(MANAGED).validate_text(text);
        assert!(doc.is_none());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, FindingCode::MalformedPolicyDocument);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(
            found[0].location.path.starts_with("$.Statement[0]"),
            "{:?}",
            found[0].location
        );
        assert_eq!(found[0].location.line, Some(3));
        assert!(found[0].message.contains("Actions"), "{}", found[0].message);
    }

    #[test]
    fn findings_are_sorted_and_located() {
        let text = r#"{"Statement": [
            {"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"},
            {"Sid": "a-b", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Allow", "Action": [], "Resource": "*"}
        ]}"#;
        let (_, found) = Validator::new(MANAGED).validate_text(text);
        let summary: Vec<(Severity, &str)> = found
            .iter()
            .map(|f| (f.severity, f.location.path.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (Severity::Error, "$.Statement[1].Sid"),
                (Severity::Error, "$.Statement[2].Action"),
                (Severity::SecurityWarning, "$.Statement[1].Action"),
                (Severity::SecurityWarning, "$.Statement[1].Resource"),
                (Severity::Warning, "$"),
                (Severity::Suggestion, "$.Statement[0].Action[1]"),
            ]
        );
        assert!(
            found
                .iter()
                .all(|f| f.location.line.is_some() && f.location.column.is_some())
        );
        let ignored = Validator::new(MANAGED)
            .ignoring(FindingCode::MissingVersion)
            .ignoring(FindingCode::MissingVersion)
            .validate_text(text)
            .1;
        assert_eq!(ignored.len(), found.len() - 1);
    }

    #[test]
    fn validate_and_validate_text_agree_on_compact_text() {
        let text = r#"{"Statement":[{"Sid":"x-1","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"maybe"}}}]}"#;
        let doc: PolicyDocument = text.parse().unwrap();
        for kind in [MANAGED, TRUST, PolicyKind::SessionPolicy] {
            let direct = Validator::new(kind).validate(&doc);
            let (_, from_text) = Validator::new(kind).validate_text(text);
            let strip = |f: &Finding| (f.code, f.location.path.clone());
            assert_eq!(
                direct.iter().map(strip).collect::<Vec<_>>(),
                from_text.iter().map(strip).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "null",
            "[]",
            "1",
            "\"x\"",
            "{}",
            "{\"Statement\": null}",
            "{\"Statement\": {}}",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"\\u00e9\": {\"k\": [\"v\"]}}}]}",
            "\u{feff}{}",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}   \n",
        ] {
            for kind in [
                MANAGED,
                TRUST,
                PolicyKind::SessionPolicy,
                PolicyKind::AwsManagedPolicy,
            ] {
                let _ = Validator::new(kind).validate_text(text);
            }
        }
    }
}
