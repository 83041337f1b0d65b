//! Parameters a customer fills in when a permission set is rendered for their account: the
//! IAM path of the roles the vendor may pass, the buckets or tables it may read, ...
//!
//! Resources refer to a parameter as `{{Name}}`; IAM's own policy variables (`${aws:...}`)
//! are left alone. The same parameters become CloudFormation and Terraform inputs, so each
//! carries the rule its values must follow, also as a regular expression for
//! CloudFormation's `AllowedPattern`.

use std::collections::BTreeMap;

use iam_policy::{ResourcePattern, RoleArn};

use crate::PermissionSetError;

/// What values a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum ParameterRule {
    /// An IAM path: `/` or `/segment/.../` (at most 512 printable ASCII characters).
    IamPath,
    /// An S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and
    /// ending with a letter or digit.
    BucketName,
    /// A DynamoDB table name: 3 to 255 letters, digits, `_`, `-` and `.`.
    TableName,
    /// A resource name prefix (Lambda functions and the like): 1 to 40 letters, digits, `-`
    /// and `_`.
    NamePrefix,
}

impl ParameterRule {
    /// Does `value` follow the rule?
    pub fn accepts(self, value: &str) -> bool {
        match self {
            ParameterRule::IamPath => RoleArn::is_valid_path(value),
            ParameterRule::BucketName => {
                let b = value.as_bytes();
                (3..=63).contains(&b.len())
                    && b.iter()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b".-".contains(c))
                    && b.first().is_some_and(u8::is_ascii_alphanumeric)
                    && b.last().is_some_and(u8::is_ascii_alphanumeric)
                    && !value.contains("..")
            }
            ParameterRule::TableName => {
                (3..=255).contains(&value.len())
                    && value
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b"_-.".contains(&c))
            }
            ParameterRule::NamePrefix => {
                (1..=40).contains(&value.len())
                    && value
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b"_-".contains(&c))
            }
        }
    }

    /// The rule in words, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            ParameterRule::IamPath => {
                "an IAM path is \"/\" or \"/name/.../\": at most 512 printable ASCII characters starting and ending with a slash"
            }
            ParameterRule::BucketName => {
                "a bucket name is 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit"
            }
            ParameterRule::TableName => {
                "a table name is 3 to 255 letters, digits, underscores, hyphens and dots"
            }
            ParameterRule::NamePrefix => {
                "a name prefix is 1 to 40 letters, digits, hyphens and underscores"
            }
        }
    }

    /// The rule as a regular expression (CloudFormation `AllowedPattern`).
    pub fn pattern(self) -> &'static str {
        match self {
            ParameterRule::IamPath => r"^/([\x21-\x2E\x30-\x7E]+/)*$",
            ParameterRule::BucketName => r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
            ParameterRule::TableName => r"^[A-Za-z0-9_.-]{3,255}$",
            ParameterRule::NamePrefix => r"^[A-Za-z0-9_-]{1,40}$",
        }
    }
}

/// A parameter of a permission set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Parameter {
    /// The name used in `{{Name}}` placeholders; letters and digits.
    pub name: String,
    /// What it is for, shown to the customer.
    pub description: String,
    /// The rule every value follows.
    pub rule: ParameterRule,
    /// True when it takes a list of values (each placeholder use then expands into one
    /// resource per value).
    pub list: bool,
    /// The value used when the customer gives none.
    pub default: Option<Vec<String>>,
}

impl Parameter {
    /// A single-valued parameter.
    pub fn single(name: &str, description: &str, rule: ParameterRule) -> Parameter {
        Parameter {
            name: name.to_owned(),
            description: description.to_owned(),
            rule,
            list: false,
            default: None,
        }
    }

    /// A list parameter.
    pub fn list(name: &str, description: &str, rule: ParameterRule) -> Parameter {
        Parameter {
            list: true,
            ..Parameter::single(name, description, rule)
        }
    }

    /// Sets the default value(s).
    pub fn with_default<I, S>(mut self, values: I) -> Parameter
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.default = Some(values.into_iter().map(Into::into).collect());
        self
    }
}

/// The values a customer chose, by parameter name.
///
/// ```
/// use permission_sets::ParameterValues;
/// let values = ParameterValues::new()
///     .with_value("PassRolePath", "/orchestrator/")
///     .with_values("Buckets", ["acme-prod-data", "acme-prod-logs"]);
/// assert_eq!(values.get("Buckets").unwrap().len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ParameterValues(BTreeMap<String, Vec<String>>);

impl ParameterValues {
    /// No values.
    pub fn new() -> ParameterValues {
        ParameterValues::default()
    }

    /// Sets a single value.
    pub fn with_value(mut self, name: &str, value: impl Into<String>) -> ParameterValues {
        self.0.insert(name.to_owned(), vec![value.into()]);
        self
    }

    /// Sets a list of values.
    pub fn with_values<I, S>(mut self, name: &str, values: I) -> ParameterValues
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.0.insert(
            name.to_owned(),
            values.into_iter().map(Into::into).collect(),
        );
        self
    }

    /// The values of `name`.
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.0.get(name).map(Vec::as_slice)
    }

    /// Every name and its values.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// Checks `values` against `parameters` and fills in defaults: every parameter gets valid
/// values, and no value names an unknown parameter.
pub(crate) fn resolve(
    parameters: &[Parameter],
    values: &ParameterValues,
) -> Result<BTreeMap<String, Vec<String>>, PermissionSetError> {
    for (name, _) in values.iter() {
        if !parameters.iter().any(|p| p.name == name) {
            return Err(PermissionSetError::invalid(
                "parameter",
                name,
                format!(
                    "this permission set has no such parameter; it takes: {}",
                    names(parameters)
                ),
            ));
        }
    }
    let mut resolved = BTreeMap::new();
    for parameter in parameters {
        let given = values
            .get(&parameter.name)
            .map(<[String]>::to_vec)
            .or_else(|| parameter.default.clone());
        let Some(given) = given else {
            return Err(PermissionSetError::invalid(
                "parameter",
                &parameter.name,
                format!("a value is required: {}", parameter.description),
            ));
        };
        if given.is_empty() || (!parameter.list && given.len() != 1) {
            return Err(PermissionSetError::invalid(
                "parameter",
                &parameter.name,
                if parameter.list {
                    "takes at least one value".to_owned()
                } else {
                    "takes exactly one value".to_owned()
                },
            ));
        }
        for value in &given {
            if !parameter.rule.accepts(value) {
                return Err(PermissionSetError::invalid(
                    "parameter value",
                    value,
                    format!("{}: {}", parameter.name, parameter.rule.describe()),
                ));
            }
        }
        resolved.insert(parameter.name.clone(), given);
    }
    Ok(resolved)
}

fn names(parameters: &[Parameter]) -> String {
    if parameters.is_empty() {
        return "none".to_owned();
    }
    parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `{{Name}}` placeholders in `template`, in order (`None` when one is unterminated).
pub(crate) fn placeholders(template: &str) -> Option<Vec<&str>> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some((_, after)) = rest.split_once("{{") {
        let (name, tail) = after.split_once("}}")?;
        found.push(name);
        rest = tail;
    }
    Some(found)
}

/// Renders a resource template: each `{{Name}}` is replaced by its value; a list parameter
/// makes one resource per value.
pub(crate) fn render_resource(
    template: &str,
    values: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<ResourcePattern>, PermissionSetError> {
    let names = placeholders(template).ok_or_else(|| {
        PermissionSetError::invalid(
            "resource",
            template,
            "a {{ placeholder is not closed with }}",
        )
    })?;
    let mut rendered = vec![template.to_owned()];
    for name in names {
        let Some(options) = values.get(name) else {
            return Err(PermissionSetError::invalid(
                "resource",
                template,
                format!("{{{{{name}}}}} names no parameter of this permission set"),
            ));
        };
        let placeholder = format!("{{{{{name}}}}}");
        rendered = rendered
            .iter()
            .flat_map(|r| options.iter().map(|v| r.replacen(&placeholder, v, 1)))
            .collect();
    }
    rendered
        .iter()
        .map(|r| r.parse().map_err(PermissionSetError::from))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(ParameterRule::IamPath.accepts("/"));
        assert!(ParameterRule::IamPath.accepts("/orchestrator/tasks/"));
        assert!(!ParameterRule::IamPath.accepts("orchestrator"));
        assert!(ParameterRule::BucketName.accepts("acme-prod-data"));
        assert!(!ParameterRule::BucketName.accepts("Acme"));
        assert!(!ParameterRule::BucketName.accepts("a..b"));
        assert!(ParameterRule::TableName.accepts("orders_v2"));
        assert!(!ParameterRule::TableName.accepts("ab"));
    }

    #[test]
    fn list_parameters_expand_resources() {
        let params = [Parameter::list(
            "Buckets",
            "buckets",
            ParameterRule::BucketName,
        )];
        let values = resolve(
            &params,
            &ParameterValues::new().with_values("Buckets", ["aaa", "bbb"]),
        )
        .unwrap();
        let rendered = render_resource("arn:aws:s3:::{{Buckets}}/*", &values).unwrap();
        let text: Vec<String> = rendered.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["arn:aws:s3:::aaa/*", "arn:aws:s3:::bbb/*"]);
    }

    #[test]
    fn bad_values_name_the_parameter_and_rule() {
        let params = [Parameter::single(
            "PassRolePath",
            "path",
            ParameterRule::IamPath,
        )];
        let missing = resolve(&params, &ParameterValues::new())
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("PassRolePath") && missing.contains("required"),
            "{missing}"
        );
        let bad = resolve(
            &params,
            &ParameterValues::new().with_value("PassRolePath", "x"),
        )
        .unwrap_err()
        .to_string();
        assert!(bad.contains("IAM path"), "{bad}");
        let unknown = resolve(&params, &ParameterValues::new().with_value("Nope", "/"))
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("PassRolePath"), "{unknown}");
        let defaulted = [Parameter::single("P", "p", ParameterRule::IamPath).with_default(["/a/"])];
        assert_eq!(
            resolve(&defaulted, &ParameterValues::new()).unwrap()["P"],
            ["/a/"]
        );
        assert!(render_resource("arn:aws:s3:::{{Open", &BTreeMap::new()).is_err());
        assert!(render_resource("arn:aws:s3:::{{Unknown}}", &BTreeMap::new()).is_err());
    }
}
