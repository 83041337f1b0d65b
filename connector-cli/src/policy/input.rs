//! The policy documents a batch command (`policy check|expand|audit`) reads: files and
//! directories (every `*.json` below, recursively), each holding one of the shapes people
//! actually have:
//!
//! - a bare policy document;
//! - `aws iam get-policy-version` output, `{"PolicyVersion": {"Document": …}}`;
//! - `aws iam get-account-authorization-details` output: every role's trust policy
//!   (`AssumeRolePolicyDocument`), the inline policies of roles, users and groups
//!   (`RolePolicyList`, `UserPolicyList`, `GroupPolicyList`), and the default version of each
//!   managed policy (`Policies[].PolicyVersionList[]` where `IsDefaultVersion`), each labelled
//!   by its owner (`role/Name inline PolicyName`).
//!
//! A document may be the JSON object itself or a string holding it, URL-encoded as the IAM API
//! returns it ("The policy document returned in this structure is URL-encoded compliant with
//! RFC 3986", IAM API Reference, `PolicyVersion`); `aws iam` usually decodes it, not always.
//!
//! A document embedded in a larger file keeps its place: [`PolicyInput::origin`] is where its
//! text starts in the file, so findings point at the file's own lines. A file that cannot be
//! read, or whose wrapper is broken, is an [`InputError`] naming it; the others go on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iam_policy::PolicyKind;
use serde::Deserialize;
use serde_json::value::RawValue;

/// One policy document to check, expand or audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyInput {
    /// What to call it in reports: the file, and the owner when the file holds several
    /// documents (`auth.json: role/App inline S3Access`).
    pub(crate) source: String,
    /// The file it was read from (`-` for standard input).
    pub(crate) file: PathBuf,
    /// The document's JSON text.
    pub(crate) text: String,
    /// The 1-based line and column in the file where [`text`](Self::text) starts; `None` when
    /// the text was decoded from a JSON or URL-encoded string and has no place in the file.
    pub(crate) origin: Option<(usize, usize)>,
    /// What the document is, when its place in the file says (a role's trust policy, an
    /// inline policy, an AWS managed policy); `None` for a bare or `get-policy-version`
    /// document.
    pub(crate) kind: Option<PolicyKind>,
}

impl PolicyInput {
    /// Maps a 1-based line and column inside [`text`](Self::text) to the file's; `None` when
    /// the text has no place in the file.
    pub(crate) fn file_position(&self, line: usize, column: usize) -> Option<(usize, usize)> {
        let (origin_line, origin_column) = self.origin?;
        if line <= 1 {
            Some((origin_line, origin_column + column.saturating_sub(1)))
        } else {
            Some((origin_line + line - 1, column))
        }
    }

    /// Where `path` (the crate's JSON path notation) is in the file, when it can be found.
    pub(crate) fn locate(&self, path: &str) -> Option<(usize, usize)> {
        let (line, column) = iam_policy::locate_path(&self.text, path)?;
        self.file_position(line, column)
    }
}

/// A file or a document that could not be read, and why; the rest of the batch goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputError {
    /// The file (and the owner, for a document inside one).
    pub(crate) source: String,
    /// What is wrong.
    pub(crate) message: String,
}

/// How many files a batch found, and what it read from them.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    /// The documents, in command-line order (directories sorted by path).
    pub(crate) documents: Vec<Result<PolicyInput, InputError>>,
    /// True when the command line named a directory or several files, or a file held other
    /// than one document: the output is a batch report.
    pub(crate) batch: bool,
}

/// Reads every path: a file as given (`-` is standard input), a directory as every `*.json`
/// file below it, recursively, sorted by path.
pub(crate) fn read_all(paths: &[PathBuf]) -> Inputs {
    let mut inputs = Inputs {
        batch: paths.len() > 1,
        ..Inputs::default()
    };
    for path in paths {
        if path != Path::new("-") && path.is_dir() {
            inputs.batch = true;
            let mut files = Vec::new();
            if let Err(error) = json_files(path, &mut files) {
                inputs.documents.push(Err(error));
            }
            files.sort();
            for file in files {
                read_file(&file, &mut inputs.documents);
            }
        } else {
            let before = inputs.documents.len();
            read_file(path, &mut inputs.documents);
            if inputs.documents.len() != before + 1 {
                inputs.batch = true;
            }
        }
    }
    inputs
}

/// Every `*.json` file below `dir`, recursively (symbolic links to directories are not
/// followed, so a link cycle cannot loop).
fn json_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let entries = std::fs::read_dir(dir).map_err(|e| InputError {
        source: dir.display().to_string(),
        message: format!("cannot read the directory: {e}"),
    })?;
    for entry in entries {
        let entry = entry.map_err(|e| InputError {
            source: dir.display().to_string(),
            message: format!("cannot read the directory: {e}"),
        })?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| InputError {
            source: path.display().to_string(),
            message: format!("cannot read it: {e}"),
        })?;
        if file_type.is_dir() {
            json_files(&path, files)?;
        } else if path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"))
        {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads one file and appends its documents (or the error that stopped it).
fn read_file(file: &Path, out: &mut Vec<Result<PolicyInput, InputError>>) {
    let text = if file == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(file)
    };
    match text {
        Ok(text) => documents(file, &text, out),
        Err(e) => out.push(Err(InputError {
            source: file.display().to_string(),
            message: format!("cannot read it: {e}"),
        })),
    }
}

/// The documents in one file's text, by its shape.
pub(crate) fn documents(file: &Path, text: &str, out: &mut Vec<Result<PolicyInput, InputError>>) {
    let name = file.display().to_string();
    // Anything that is not a JSON object goes to the command as a bare document, whose parser
    // reports where the JSON breaks.
    let Ok(top) = serde_json::from_str::<BTreeMap<String, &RawValue>>(text) else {
        out.push(Ok(bare(file, &name, text)));
        return;
    };
    if let Some(version) = top.get("PolicyVersion") {
        out.push(policy_version(file, &name, text, version));
    } else if AUTHORIZATION_DETAILS.iter().any(|k| top.contains_key(*k)) {
        authorization_details(file, &name, text, out);
    } else {
        out.push(Ok(bare(file, &name, text)));
    }
}

/// The keys of `get-account-authorization-details` output; a policy document has none.
const AUTHORIZATION_DETAILS: [&str; 4] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];

fn bare(file: &Path, name: &str, text: &str) -> PolicyInput {
    PolicyInput {
        source: name.to_owned(),
        file: file.to_path_buf(),
        text: text.to_owned(),
        origin: Some((1, 1)),
        kind: None,
    }
}

/// `{"PolicyVersion": {"Document": …}}`, from `aws iam get-policy-version`.
fn policy_version(
    file: &Path,
    name: &str,
    text: &str,
    version: &RawValue,
) -> Result<PolicyInput, InputError> {
    #[derive(Deserialize)]
    struct Version<'a> {
        #[serde(rename = "Document", borrow)]
        document: Option<&'a RawValue>,
    }
    let error = |message: String| InputError {
        source: name.to_owned(),
        message,
    };
    let parsed: Version<'_> =
        serde_json::from_str(version.get()).map_err(|e| error(format!("PolicyVersion: {e}")))?;
    let document = parsed
        .document
        .ok_or_else(|| error("PolicyVersion has no Document".to_owned()))?;
    let (doc_text, origin) =
        document_text(text, document).map_err(|m| error(format!("PolicyVersion.Document: {m}")))?;
    Ok(PolicyInput {
        source: name.to_owned(),
        file: file.to_path_buf(),
        text: doc_text,
        origin,
        kind: None,
    })
}

/// `aws iam get-account-authorization-details` output (the fields this reads; the others are
/// ignored).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AuthorizationDetails<'a> {
    #[serde(default, borrow)]
    user_detail_list: Vec<Owner<'a>>,
    #[serde(default, borrow)]
    group_detail_list: Vec<Owner<'a>>,
    #[serde(default, borrow)]
    role_detail_list: Vec<Owner<'a>>,
    #[serde(default, borrow)]
    policies: Vec<ManagedPolicy<'a>>,
}

/// A user, group or role with its inline policies (and, for a role, its trust policy).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Owner<'a> {
    #[serde(alias = "UserName", alias = "GroupName")]
    role_name: Option<String>,
    #[serde(default, borrow)]
    assume_role_policy_document: Option<&'a RawValue>,
    #[serde(default, borrow, alias = "UserPolicyList", alias = "GroupPolicyList")]
    role_policy_list: Vec<InlinePolicy<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InlinePolicy<'a> {
    policy_name: Option<String>,
    #[serde(borrow)]
    policy_document: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ManagedPolicy<'a> {
    policy_name: Option<String>,
    arn: Option<String>,
    #[serde(default, borrow)]
    policy_version_list: Vec<ManagedVersion<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ManagedVersion<'a> {
    #[serde(borrow)]
    document: Option<&'a RawValue>,
    version_id: Option<String>,
    #[serde(default)]
    is_default_version: bool,
}

fn authorization_details(
    file: &Path,
    name: &str,
    text: &str,
    out: &mut Vec<Result<PolicyInput, InputError>>,
) {
    let details: AuthorizationDetails<'_> = match serde_json::from_str(text) {
        Ok(details) => details,
        Err(e) => {
            out.push(Err(InputError {
                source: name.to_owned(),
                message: format!("not get-account-authorization-details output: {e}"),
            }));
            return;
        }
    };
    let mut push = |label: String, document: Option<&RawValue>, kind: PolicyKind| {
        let source = format!("{name}: {label}");
        let Some(document) = document else {
            out.push(Err(InputError {
                source,
                message: "no policy document".to_owned(),
            }));
            return;
        };
        out.push(match document_text(text, document) {
            Ok((doc_text, origin)) => Ok(PolicyInput {
                source,
                file: file.to_path_buf(),
                text: doc_text,
                origin,
                kind: Some(kind),
            }),
            Err(message) => Err(InputError { source, message }),
        });
    };
    let lists = [
        (
            "role",
            &details.role_detail_list,
            PolicyKind::RoleInlinePolicy,
        ),
        (
            "user",
            &details.user_detail_list,
            PolicyKind::UserInlinePolicy,
        ),
        (
            "group",
            &details.group_detail_list,
            PolicyKind::GroupInlinePolicy,
        ),
    ];
    for (owner_type, owners, inline_kind) in lists {
        for owner in owners {
            let owner_name = owner.role_name.as_deref().unwrap_or("(unnamed)");
            if let Some(trust) = owner.assume_role_policy_document {
                push(
                    format!("{owner_type}/{owner_name} trust policy"),
                    Some(trust),
                    PolicyKind::trust_policy(),
                );
            }
            for inline in &owner.role_policy_list {
                let policy = inline.policy_name.as_deref().unwrap_or("(unnamed)");
                push(
                    format!("{owner_type}/{owner_name} inline {policy}"),
                    inline.policy_document,
                    inline_kind,
                );
            }
        }
    }
    for policy in &details.policies {
        let id = policy
            .arn
            .clone()
            .or_else(|| policy.policy_name.as_ref().map(|n| format!("policy/{n}")))
            .unwrap_or_else(|| "(unnamed)".to_owned());
        // AWS managed policies live under the `aws` account: "arn:aws:iam::aws:policy/…"
        // (IAM User Guide, "AWS managed policies").
        let kind = if id.contains(":iam::aws:policy/") {
            PolicyKind::AwsManagedPolicy
        } else {
            PolicyKind::ManagedPolicy
        };
        for version in policy
            .policy_version_list
            .iter()
            .filter(|v| v.is_default_version)
        {
            let version_id = version.version_id.as_deref().unwrap_or("default version");
            push(format!("managed {id} {version_id}"), version.document, kind);
        }
    }
}

/// The JSON text of a document found inside `file_text`, and where it starts in the file: the
/// object itself, or a string holding the JSON text, URL-encoded or not.
fn document_text(
    file_text: &str,
    document: &RawValue,
) -> Result<(String, Option<(usize, usize)>), String> {
    let raw = document.get();
    if !raw.starts_with('"') {
        return Ok((raw.to_owned(), position_of(file_text, raw)));
    }
    let string: String =
        serde_json::from_str(raw).map_err(|e| format!("not a JSON string: {e}"))?;
    if string.trim_start().starts_with('{') {
        return Ok((string, None));
    }
    let decoded = percent_encoding::percent_decode_str(&string)
        .decode_utf8()
        .map_err(|e| format!("the URL-encoded document is not UTF-8 once decoded: {e}"))?;
    Ok((decoded.into_owned(), None))
}

/// The 1-based line and column (in characters, as `iam_policy::locate_path` counts them) where
/// `part`, a slice of `whole`, starts.
fn position_of(whole: &str, part: &str) -> Option<(usize, usize)> {
    let offset = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let before = whole.get(..offset)?;
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..)?.chars().count() + 1;
    Some((line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Result<PolicyInput, InputError>> {
        let mut out = Vec::new();
        documents(Path::new("in.json"), text, &mut out);
        out
    }

    const DOC: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#;

    #[test]
    fn a_bare_document_is_the_whole_file() {
        let docs = read(DOC);
        assert_eq!(docs.len(), 1);
        let doc = docs[0].as_ref().unwrap();
        assert_eq!((doc.source.as_str(), doc.text.as_str()), ("in.json", DOC));
        assert_eq!((doc.origin, doc.kind), (Some((1, 1)), None));
    }

    #[test]
    fn text_that_is_not_json_goes_to_the_parser_as_a_bare_document() {
        let docs = read("{\"Statement\": [");
        assert_eq!(docs[0].as_ref().unwrap().text, "{\"Statement\": [");
    }

    #[test]
    fn get_policy_version_output_keeps_the_document_place_in_the_file() {
        let text = format!(
            "{{\n  \"PolicyVersion\": {{\n    \"VersionId\": \"v3\",\n    \"Document\": {DOC}\n  }}\n}}"
        );
        let docs = read(&text);
        let doc = docs[0].as_ref().unwrap();
        assert_eq!(doc.text, DOC);
        assert_eq!(doc.origin, Some((4, 17)));
        // `$.Statement` is on the document's first line, 27 characters in.
        assert_eq!(doc.locate("$.Statement"), Some((4, 17 + 26)));
    }

    #[test]
    fn a_url_encoded_document_is_decoded() {
        let encoded: String =
            percent_encoding::utf8_percent_encode(DOC, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let text = format!(r#"{{"PolicyVersion": {{"Document": "{encoded}"}}}}"#);
        let docs = read(&text);
        let doc = docs[0].as_ref().unwrap();
        assert_eq!((doc.text.as_str(), doc.origin), (DOC, None));
        // A document given as a plain JSON string is taken as is.
        let text = format!(
            r#"{{"PolicyVersion": {{"Document": {}}}}}"#,
            serde_json::to_string(DOC).unwrap()
        );
        assert_eq!(read(&text)[0].as_ref().unwrap().text, DOC);
    }

    #[test]
    fn a_policy_version_without_a_document_is_an_error_naming_the_file() {
        let docs = read(r#"{"PolicyVersion": {"VersionId": "v1"}}"#);
        let error = docs[0].as_ref().unwrap_err();
        assert_eq!(error.source, "in.json");
        assert!(error.message.contains("Document"), "{error:?}");
    }

    #[test]
    fn authorization_details_yield_every_document_by_its_owner() {
        let text = format!(
            r#"{{
  "UserDetailList": [{{"UserName": "alice", "UserPolicyList": [{{"PolicyName": "Self", "PolicyDocument": {DOC}}}]}}],
  "GroupDetailList": [{{"GroupName": "ops", "GroupPolicyList": [{{"PolicyName": "Ops", "PolicyDocument": {DOC}}}]}}],
  "RoleDetailList": [{{
    "RoleName": "App",
    "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "ec2.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}},
    "RolePolicyList": [{{"PolicyName": "S3Access", "PolicyDocument": "{encoded}"}}]
  }}],
  "Policies": [{{
    "PolicyName": "ReadOnlyAccess", "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "PolicyVersionList": [
      {{"Document": {DOC}, "VersionId": "v2", "IsDefaultVersion": true}},
      {{"Document": {DOC}, "VersionId": "v1", "IsDefaultVersion": false}}
    ]
  }}]
}}"#,
            encoded =
                percent_encoding::utf8_percent_encode(DOC, percent_encoding::NON_ALPHANUMERIC)
        );
        let docs: Vec<PolicyInput> = read(&text).into_iter().map(Result::unwrap).collect();
        let sources: Vec<&str> = docs.iter().map(|d| d.source.as_str()).collect();
        assert_eq!(
            sources,
            [
                "in.json: role/App trust policy",
                "in.json: role/App inline S3Access",
                "in.json: user/alice inline Self",
                "in.json: group/ops inline Ops",
                "in.json: managed arn:aws:iam::aws:policy/ReadOnlyAccess v2",
            ]
        );
        assert_eq!(docs[0].kind, Some(PolicyKind::trust_policy()));
        assert_eq!(docs[1].kind, Some(PolicyKind::RoleInlinePolicy));
        assert_eq!((docs[1].text.as_str(), docs[1].origin), (DOC, None));
        assert_eq!(docs[2].kind, Some(PolicyKind::UserInlinePolicy));
        assert_eq!(docs[2].origin.map(|(line, _)| line), Some(2));
        assert_eq!(docs[3].kind, Some(PolicyKind::GroupInlinePolicy));
        assert_eq!(docs[4].kind, Some(PolicyKind::AwsManagedPolicy));
        assert!(
            docs.iter()
                .all(|d| d.text.parse::<iam_policy::PolicyDocument>().is_ok())
        );
    }

    #[test]
    fn a_broken_authorization_details_file_is_one_error() {
        let docs = read(r#"{"RoleDetailList": [{"RoleName": 7}]}"#);
        assert_eq!(docs.len(), 1);
        assert!(
            docs[0]
                .as_ref()
                .unwrap_err()
                .message
                .contains("authorization-details")
        );
    }

    #[test]
    fn directories_are_read_recursively_for_json_files_only() {
        let dir = std::env::temp_dir().join(format!("connector-input-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("b.json"), DOC).unwrap();
        std::fs::write(dir.join("sub/a.JSON"), DOC).unwrap();
        std::fs::write(dir.join("notes.txt"), "not a policy").unwrap();
        std::fs::write(dir.join("bad.json"), "{").unwrap();
        let inputs = read_all(&[dir.clone(), dir.join("missing.json")]);
        assert!(inputs.batch);
        let sources: Vec<String> = inputs
            .documents
            .iter()
            .map(|d| match d {
                Ok(d) => d.source.clone(),
                Err(e) => format!("error {}", e.source),
            })
            .collect();
        let name = |p: &str| dir.join(p).display().to_string();
        assert_eq!(
            sources,
            [
                name("b.json"),
                name("bad.json"),
                name("sub/a.JSON"),
                format!("error {}", name("missing.json")),
            ]
        );
        let single = read_all(&[dir.join("b.json")]);
        assert!(!single.batch);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
