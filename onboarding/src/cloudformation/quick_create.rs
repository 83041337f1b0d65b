//! The quick-create link: one click opens the CloudFormation console with the vendor's
//! template and the customer's values filled in (CloudFormation User Guide, "Create quick-create
//! links for stacks").
//!
//! `https://REGION.console.aws.amazon.com/cloudformation/home?region=REGION#/stacks/create/review?templateURL=...&stackName=...&param_NAME=...`

use iam_policy::{Partition, Region};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::CloudFormationTemplate;
use crate::{Onboarding, OnboardingError};

/// Everything but RFC 3986's unreserved characters is encoded, so a value can never end its
/// query parameter or the fragment.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The longest link we hand out: 2,048 characters. AWS documents no limit for console links;
/// this one is ours, because links travel through e-mail, chat and ticketing systems that cut
/// or refuse longer URLs (Internet Explorer's 2,083 was the historical floor).
pub const MAX_LINK_LEN: usize = 2048;

/// CloudFormation: a stack name is 1 to 128 letters, digits and hyphens, starting with a
/// letter (`CreateStack`, `StackName`).
const STACK_NAME_LIMIT: usize = 128;

/// A validated quick-create link.
///
/// ```
/// # use onboarding::Onboarding;
/// # use trust_policy::{CrossAccountTrust, VendorPrincipal};
/// # let trust = CrossAccountTrust::new(
/// #     VendorPrincipal::account("999988887777".parse().unwrap()),
/// #     "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap(),
/// # );
/// # let onboarding = Onboarding::builder(trust, permission_sets::builtin::read_only_access().unwrap()).build().unwrap();
/// let link = onboarding
///     .quick_create_link(
///         &"eu-west-1".parse().unwrap(),
///         "https://acme-templates.s3.amazonaws.com/connector/v1.yaml",
///         "AcmeConnector",
///     )
///     .unwrap();
/// assert!(link.as_str().starts_with("https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks/create/review?templateURL=https%3A%2F%2Facme-templates"));
/// let parts = onboarding::QuickCreateLink::decode(link.as_str()).unwrap();
/// assert_eq!(parts.parameter("ExternalId"), Some("q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickCreateLink {
    url: String,
}

/// What a quick-create link carries, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickCreateParts {
    /// The console region.
    pub region: String,
    /// The template's S3 URL.
    pub template_url: String,
    /// The stack name.
    pub stack_name: String,
    /// `param_NAME` values, in order.
    pub parameters: Vec<(String, String)>,
}

impl QuickCreateParts {
    /// The value of parameter `name`.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl QuickCreateLink {
    /// Builds a link for `template` (hosted at `template_url`), checking the stack name, the
    /// template URL, that every parameter names a parameter of the template, and the length.
    pub fn new(
        template: &CloudFormationTemplate,
        region: &Region,
        template_url: &str,
        stack_name: &str,
        parameters: &[(String, String)],
    ) -> Result<QuickCreateLink, OnboardingError> {
        check_stack_name(stack_name)?;
        check_template_url(template_url, region)?;
        for (name, _) in parameters {
            if !template.parameter_names().contains(name) {
                return Err(OnboardingError::invalid(
                    "quick-create parameter",
                    name,
                    format!(
                        "the template has no such parameter; its parameters are {}",
                        template.parameter_names().join(", ")
                    ),
                ));
            }
        }
        let host = console_host(region.partition()).ok_or_else(|| {
            OnboardingError::invalid(
                "region",
                region.as_str(),
                "quick-create links exist for the aws, aws-cn and aws-us-gov partitions",
            )
        })?;
        let mut url = format!(
            "https://{region}.{host}/cloudformation/home?region={region}#/stacks/create/review?templateURL={}&stackName={}",
            encode(template_url),
            encode(stack_name),
        );
        for (name, value) in parameters {
            url.push_str(&format!("&param_{}={}", encode(name), encode(value)));
        }
        if url.len() > MAX_LINK_LEN {
            return Err(OnboardingError::TooLarge {
                what: "the quick-create link".to_owned(),
                size: url.len(),
                limit: MAX_LINK_LEN,
            });
        }
        Ok(QuickCreateLink { url })
    }

    /// The link.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Decodes a quick-create link back into its parts.
    pub fn decode(url: &str) -> Result<QuickCreateParts, OnboardingError> {
        let bad = |rule: &str| OnboardingError::invalid("quick-create link", url, rule);
        let rest = url
            .strip_prefix("https://")
            .ok_or_else(|| bad("starts with https://"))?;
        let (region, _) = rest
            .split_once('.')
            .ok_or_else(|| bad("the host starts with the region"))?;
        let (_, fragment) = rest
            .split_once("#/stacks/create/review?")
            .ok_or_else(|| bad("the fragment is #/stacks/create/review?..."))?;
        let mut parts = QuickCreateParts {
            region: region.to_owned(),
            template_url: String::new(),
            stack_name: String::new(),
            parameters: Vec::new(),
        };
        for pair in fragment.split('&') {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| bad("every query item is key=value"))?;
            let value = decode(value).ok_or_else(|| bad("values are UTF-8"))?;
            match key {
                "templateURL" => parts.template_url = value,
                "stackName" => parts.stack_name = value,
                _ => {
                    let name = key.strip_prefix("param_").ok_or_else(|| {
                        bad("query items are templateURL, stackName or param_NAME")
                    })?;
                    let name = decode(name).ok_or_else(|| bad("names are UTF-8"))?;
                    parts.parameters.push((name, value));
                }
            }
        }
        Ok(parts)
    }
}

impl std::fmt::Display for QuickCreateLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.url)
    }
}

impl Onboarding {
    /// The quick-create link for this onboarding's template, hosted at `template_url`, with
    /// every input's value: a vendor hosts one template for all its customers, and what is
    /// particular to a customer (the External ID above all) travels in the link.
    pub fn quick_create_link(
        &self,
        region: &Region,
        template_url: &str,
        stack_name: &str,
    ) -> Result<QuickCreateLink, OnboardingError> {
        let template = self.cloudformation()?;
        let parameters: Vec<(String, String)> = self
            .inputs()
            .iter()
            .map(|i| (i.name.clone(), i.default.join(",")))
            .collect();
        QuickCreateLink::new(&template, region, template_url, stack_name, &parameters)
    }
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, VALUE).to_string()
}

fn decode(text: &str) -> Option<String> {
    percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

fn console_host(partition: Partition) -> Option<&'static str> {
    match partition {
        Partition::Aws => Some("console.aws.amazon.com"),
        Partition::AwsCn => Some("console.amazonaws.cn"),
        Partition::AwsUsGov => Some("console.amazonaws-us-gov.com"),
        _ => None,
    }
}

/// Checks a stack name against CloudFormation's rule: 1 to 128 letters, digits and hyphens,
/// starting with a letter (the rule the quick-create link applies, public so a caller can
/// check a stack name it uses elsewhere, such as in the disconnect steps).
///
/// ```
/// assert!(onboarding::check_stack_name("Acme-Connector").is_ok());
/// let error = onboarding::check_stack_name("bad_name").unwrap_err();
/// assert!(error.to_string().contains("stack name"));
/// ```
pub fn check_stack_name(name: &str) -> Result<(), OnboardingError> {
    let valid = (1..=STACK_NAME_LIMIT).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(OnboardingError::invalid(
            "stack name",
            name,
            "a stack name is 1 to 128 letters, digits and hyphens, starting with a letter",
        ))
    }
}

/// The console only opens templates stored in Amazon S3, by an `https` URL: virtual-hosted
/// (`BUCKET.s3.REGION.amazonaws.com/KEY`, `BUCKET.s3.amazonaws.com/KEY`,
/// `BUCKET.s3-REGION.amazonaws.com/KEY`) or path style (`s3.REGION.amazonaws.com/BUCKET/KEY`),
/// `.amazonaws.com.cn` in China. CloudFormation API Reference, `CreateStack` `TemplateURL`:
/// "The URL must point to a template that's located in an Amazon S3 bucket … The location for
/// an Amazon S3 bucket must start with https://. URLs from S3 static websites are not
/// supported."
///
/// The URL is parsed (WHATWG rules, as a browser and the console read it) and the rules are
/// checked on the parsed host, never on the text: in `https://s3.evil.example?.amazonaws.com/k`
/// the host is `s3.evil.example`, whatever the text ends with.
fn check_template_url(text: &str, region: &Region) -> Result<(), OnboardingError> {
    let bad = |rule: &str| OnboardingError::invalid("template URL", text, rule);
    // The parser drops surrounding white space and tabs or newlines inside; the link carries
    // the text, so it must have none.
    if text.contains(char::is_whitespace) {
        return Err(bad("the URL has no white space"));
    }
    let url = url::Url::parse(text).map_err(|e| bad(&format!("not a URL: {e}")))?;
    if url.scheme() != "https" {
        return Err(bad("the template URL must use https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("the URL has no user name or password"));
    }
    if url.port().is_some() {
        return Err(bad("the URL uses the default https port"));
    }
    let suffix = if region.partition() == Partition::AwsCn {
        ".amazonaws.com.cn"
    } else {
        ".amazonaws.com"
    };
    let in_s3 = format!("the template must be in Amazon S3 (a host ending in {suffix})");
    // An IP address or no host at all is not an S3 endpoint.
    let Some(url::Host::Domain(host)) = url.host() else {
        return Err(bad(&in_s3));
    };
    let Some(name) = host.strip_suffix(suffix) else {
        return Err(bad(&in_s3));
    };
    let labels: Vec<&str> = name.split('.').collect();
    // `s3`, `s3-REGION` (legacy) or `s3.dualstack…`; never a static website endpoint
    // (`s3-website-REGION`, `s3-website.REGION`).
    let is_s3_label = |l: &str| l == "s3" || (l.starts_with("s3-") && !l.starts_with("s3-website"));
    let path_style = labels.first().is_some_and(|l| is_s3_label(l));
    let virtual_hosted = labels.len() > 1 && labels.get(1).is_some_and(|l| is_s3_label(l));
    if !path_style && !virtual_hosted {
        return Err(bad(
            "the template must be in Amazon S3 (an s3 endpoint host)",
        ));
    }
    let needed_segments = if path_style { 2 } else { 1 };
    let segments = url
        .path_segments()
        .map_or(0, |segments| segments.filter(|s| !s.is_empty()).count());
    if segments < needed_segments {
        return Err(bad("the URL names the template object (bucket and key)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_names() {
        assert!(check_stack_name("Acme-Connector-1").is_ok());
        for bad in [
            "",
            "1stack",
            "has_underscore",
            "has space",
            &"a".repeat(129),
        ] {
            assert!(check_stack_name(bad).is_err(), "{bad}");
        }
        assert!(check_stack_name(&"a".repeat(128)).is_ok());
    }

    #[test]
    fn template_urls() {
        let us: Region = "us-east-1".parse().unwrap();
        for good in [
            "https://bucket.s3.amazonaws.com/t.yaml",
            "https://bucket.s3.us-east-1.amazonaws.com/dir/t.yaml",
            "https://bucket.s3-us-west-2.amazonaws.com/t.yaml",
            "https://s3.us-east-1.amazonaws.com/bucket/t.yaml",
            "https://s3.amazonaws.com/bucket/t.yaml",
        ] {
            assert!(check_template_url(good, &us).is_ok(), "{good}");
        }
        for bad in [
            "http://bucket.s3.amazonaws.com/t.yaml",
            "https://example.com/t.yaml",
            "https://bucket.s3.amazonaws.com/",
            "https://s3.amazonaws.com/bucket",
            "https://evil.com/.s3.amazonaws.com/t.yaml",
            "https://bucket.nots3.amazonaws.com/t.yaml",
            "https://bucket.s3-website-us-east-1.amazonaws.com/t.yaml",
            "https://bucket.s3.amazonaws.com:8443/t.yaml",
            "https://bucket.s3.amazonaws.com@evil.example/t.yaml",
            "https://user:pw@bucket.s3.amazonaws.com/t.yaml",
            "https://52.216.0.1/bucket/t.yaml",
            " https://bucket.s3.amazonaws.com/t.yaml",
            "https://bucket.s3.amazonaws.com/t\t.yaml",
        ] {
            assert!(check_template_url(bad, &us).is_err(), "{bad}");
        }
        let cn: Region = "cn-north-1".parse().unwrap();
        assert!(check_template_url("https://b.s3.cn-north-1.amazonaws.com.cn/t.yaml", &cn).is_ok());
    }

    /// The rule is checked on the parsed host: the text before a `?` or `#` that ends in
    /// `.amazonaws.com` is query or fragment, not host.
    #[test]
    fn template_url_host_is_parsed_not_matched_as_text() {
        let us: Region = "us-east-1".parse().unwrap();
        for bypass in [
            "https://s3.evil.example?.amazonaws.com/b/k.yaml",
            "https://s3.evil.example#.amazonaws.com/b/k.yaml",
            "https://bucket.s3.evil.example?.amazonaws.com/k.yaml",
            "https://bucket.s3.evil.example#x.s3.amazonaws.com/k.yaml",
            "https://s3.evil.example\\.amazonaws.com/b/k.yaml",
        ] {
            let error = check_template_url(bypass, &us).unwrap_err();
            assert!(error.to_string().contains("Amazon S3"), "{bypass}: {error}");
        }
        // A query (a presigned URL) is still fine once the host is S3's.
        assert!(
            check_template_url("https://b.s3.amazonaws.com/k.yaml?X-Amz-Signature=a", &us).is_ok()
        );
    }

    proptest::proptest! {
        /// Whatever follows `?` or `#`, the host decides: a non-S3 host never passes.
        #[test]
        fn a_non_s3_host_never_passes(tail in "[a-z0-9./?#=&-]{0,40}") {
            let us: Region = "us-east-1".parse().unwrap();
            for sep in ["?", "#", "/"] {
                let url = format!("https://s3.evil.example{sep}{tail}.amazonaws.com/b/k.yaml");
                proptest::prop_assert!(check_template_url(&url, &us).is_err(), "{}", url);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn values_round_trip_through_encoding(value in "\\PC{0,40}") {
            proptest::prop_assert_eq!(decode(&encode(&value)).unwrap(), value);
        }
    }
}
