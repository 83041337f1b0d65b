//! SARIF 2.1.0 output for code-scanning pipelines (GitHub code scanning, GitLab, Azure
//! DevOps): one run, the command's stable finding codes as rules, one result per finding with
//! its file and, where known, its line and column; documents that could not be used are
//! tool execution notifications, and make the invocation unsuccessful.

use iam_policy::Severity;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;

use super::{Item, PolicyReport, Report};

/// The SARIF schema this output follows.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Characters percent-encoded in a file path made a URI reference (RFC 3986: what may not
/// appear in a path segment; `/` stays the separator).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The SARIF level of a severity: errors are `error`, security and other warnings `warning`,
/// suggestions `note`.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::SecurityWarning | Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

/// A file path as a SARIF `artifactLocation.uri`: relative paths stay relative (forward
/// slashes), absolute ones become `file://` URIs.
fn uri(file: &str) -> String {
    let path = std::path::Path::new(file);
    if let Some(url) = path
        .is_absolute()
        .then(|| url::Url::from_file_path(path).ok())
        .flatten()
    {
        return url.to_string();
    }
    let forward = file.replace('\\', "/");
    utf8_percent_encode(&forward, PATH).to_string()
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    /// Columns count Unicode code points, as the policy crates locate them.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<SarifRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: &'static str,
    name: &'static str,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    severity: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    command_line: String,
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    logical_locations: [LogicalLocation; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    source: &'a str,
    section: &'a str,
    path: &'a str,
    conditional: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    statement: Option<&'a str>,
}

/// The SARIF log of a batch, as compact JSON (SARIF logs of a whole account are large).
pub(crate) fn render(report: &Report) -> Result<String, serde_json::Error> {
    let rules = report
        .rules
        .iter()
        .map(|rule| SarifRule {
            id: rule.id,
            name: rule.id,
            default_configuration: Configuration {
                level: level(rule.severity),
            },
            properties: RuleProperties {
                severity: rule.severity.as_str(),
                tags: if rule.severity == Severity::SecurityWarning {
                    vec!["security"]
                } else {
                    Vec::new()
                },
            },
        })
        .collect();
    let mut results = Vec::new();
    for policy in &report.policies {
        for section in &policy.sections {
            for item in &section.items {
                results.push(result(report, policy, &section.title, item));
            }
        }
    }
    let notifications = report
        .errors
        .iter()
        .map(|error| Notification {
            level: "error",
            message: Message {
                text: format!("{}: {}", error.source, error.message),
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "connector",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://crates.io/crates/connector-cli",
                    rules,
                },
            },
            invocations: [Invocation {
                command_line: format!("connector {}", report.command),
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_string(&log)
}

fn result<'a>(
    report: &Report,
    policy: &'a PolicyReport,
    section: &'a str,
    item: &'a Item,
) -> SarifResult<'a> {
    SarifResult {
        rule_id: item.code,
        rule_index: report.rules.iter().position(|r| r.id == item.code),
        level: level(item.severity),
        message: Message {
            text: item.message.clone(),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(&policy.file),
                },
                region: item.line.map(|line| Region {
                    start_line: line,
                    start_column: item.column,
                }),
            },
            logical_locations: [LogicalLocation {
                fully_qualified_name: format!("{} {}", policy.source, item.path),
                kind: "object",
            }],
        }],
        properties: ResultProperties {
            source: &policy.source,
            section,
            path: &item.path,
            conditional: item.conditional,
            action: item.action.as_deref(),
            statement: item.statement.as_deref(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Rule, Section};
    use super::*;
    use crate::policy::input::InputError;

    fn report() -> Report {
        Report {
            command: "policy audit",
            items_name: "violations",
            rules: vec![
                Rule {
                    id: "NOT_READ_ONLY",
                    severity: Severity::Warning,
                },
                Rule {
                    id: "PRIVILEGE_ESCALATION",
                    severity: Severity::SecurityWarning,
                },
            ],
            policies: vec![PolicyReport {
                source: "dir/my policy.json".into(),
                file: "dir/my policy.json".into(),
                note: None,
                sections: vec![Section {
                    title: "no-privilege-escalation".into(),
                    description: None,
                    holds: Some(false),
                    items: vec![Item {
                        code: "PRIVILEGE_ESCALATION",
                        severity: Severity::SecurityWarning,
                        conditional: false,
                        action: Some("iam:CreateAccessKey".into()),
                        statement: Some("0 (Keys)".into()),
                        path: "$.Statement[0]".into(),
                        line: Some(3),
                        column: Some(5),
                        message: "mints credentials".into(),
                    }],
                }],
            }],
            errors: vec![InputError {
                source: "dir/bad.json".into(),
                message: "cannot read it".into(),
            }],
        }
    }

    #[test]
    fn sarif_results_carry_rule_file_line_and_column() {
        let log: serde_json::Value = serde_json::from_str(&render(&report()).unwrap()).unwrap();
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"][1]["id"],
            "PRIVILEGE_ESCALATION"
        );
        assert_eq!(
            run["tool"]["driver"]["rules"][1]["properties"]["tags"][0],
            "security"
        );
        let result = &run["results"][0];
        assert_eq!(result["ruleId"], "PRIVILEGE_ESCALATION");
        assert_eq!(result["ruleIndex"], 1);
        assert_eq!(result["level"], "warning");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "dir/my%20policy.json");
        assert_eq!(location["region"]["startLine"], 3);
        assert_eq!(location["region"]["startColumn"], 5);
        assert_eq!(result["properties"]["action"], "iam:CreateAccessKey");
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        assert!(
            run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
                .as_str()
                .unwrap()
                .contains("dir/bad.json")
        );
    }

    #[test]
    fn a_finding_without_a_position_has_no_region() {
        let mut report = report();
        report.policies[0].sections[0].items[0].line = None;
        let log: serde_json::Value = serde_json::from_str(&render(&report).unwrap()).unwrap();
        let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert!(location.get("region").is_none(), "{location}");
    }

    #[test]
    fn absolute_paths_are_file_uris() {
        assert_eq!(uri("/tmp/a b.json"), "file:///tmp/a%20b.json");
        assert_eq!(uri("a#b.json"), "a%23b.json");
    }
}
