//! The two URLs an SNS message makes the receiver fetch, checked before any request so a
//! forged message cannot point the vendor anywhere else (no SSRF): the signing certificate
//! (`https://sns.REGION.amazonaws.com/….pem`) and the subscription confirmation
//! (`https://sns.REGION.amazonaws.com/?Action=ConfirmSubscription&TopicArn=…&Token=…`).
//!
//! "Verifying the signatures of Amazon SNS messages" (SNS Developer Guide): "Always retrieve
//! the signing certificate using HTTPS", "The certificate should come from an SNS-signed
//! URL", and ensure the `SigningCertURL` "is from a trusted AWS domain (for example,
//! https://sns.…amazonaws.com)". China Regions use `amazonaws.com.cn`.

use super::message::SnsMessageError;

/// `sns.REGION.amazonaws.com` or `sns.REGION.amazonaws.com.cn`, REGION a plausible Region
/// name (lowercase letters, digits and dashes, with at least one dash).
pub(crate) fn is_sns_host(host: &str) -> bool {
    let Some(rest) = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))
    else {
        return false;
    };
    let Some(region) = rest.strip_prefix("sns.") else {
        return false;
    };
    !region.is_empty()
        && region.len() <= 32
        && region.contains('-')
        && !region.starts_with('-')
        && !region.ends_with('-')
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The URL of an SNS https endpoint, or the rule it breaks.
fn sns_https_url(text: &str) -> Result<url::Url, &'static str> {
    let url = url::Url::parse(text).map_err(|_| "not a URL")?;
    if url.scheme() != "https" {
        return Err("must be https");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials");
    }
    if url.port().is_some_and(|p| p != 443) {
        return Err("must use the default https port");
    }
    match url.host() {
        Some(url::Host::Domain(host)) if is_sns_host(host) => Ok(url),
        _ => Err("the host must be sns.REGION.amazonaws.com (or .amazonaws.com.cn)"),
    }
}

/// A `SigningCertURL` that may be fetched: https, the default port, an SNS host, a path
/// ending in `.pem`, no query, no credentials.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SigningCertUrl(url::Url);

impl SigningCertUrl {
    /// Checks `text`.
    pub fn parse(text: &str) -> Result<SigningCertUrl, SnsMessageError> {
        let refuse = |rule| SnsMessageError::CertUrlRefused {
            url: text.chars().take(200).collect(),
            rule,
        };
        let url = sns_https_url(text).map_err(refuse)?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(refuse("must have no query or fragment"));
        }
        if !url.path().ends_with(".pem") || url.path().contains("..") {
            return Err(refuse("must be a .pem file"));
        }
        Ok(SigningCertUrl(url))
    }

    /// The URL.
    pub fn as_url(&self) -> &url::Url {
        &self.0
    }

    /// Wraps a URL without checks: only for test certificate sources and emulators.
    #[cfg(any(test, feature = "testing"))]
    pub fn unchecked_for_tests(url: url::Url) -> SigningCertUrl {
        SigningCertUrl(url)
    }
}

/// A `SubscribeURL` that may be visited: https, an SNS host, `Action=ConfirmSubscription`
/// and the `TopicArn` of the (verified) message it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeUrl(url::Url);

/// A `SubscribeURL` refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SNS SubscribeURL {url:?} refused: {rule}")]
pub struct SubscribeUrlError {
    /// The URL (cut to 200 characters).
    pub url: String,
    /// The rule.
    pub rule: &'static str,
}

impl SubscribeUrl {
    /// Checks `text`, which must confirm a subscription to `topic_arn`.
    pub fn parse(text: &str, topic_arn: &str) -> Result<SubscribeUrl, SubscribeUrlError> {
        let refuse = |rule| SubscribeUrlError {
            url: text.chars().take(200).collect(),
            rule,
        };
        let url = sns_https_url(text).map_err(refuse)?;
        let value = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        if value("Action").as_deref() != Some("ConfirmSubscription") {
            return Err(refuse("must be Action=ConfirmSubscription"));
        }
        if value("TopicArn").as_deref() != Some(topic_arn) {
            return Err(refuse("must confirm the message's own TopicArn"));
        }
        if value("Token").is_none_or(|t| t.is_empty()) {
            return Err(refuse("must carry the Token"));
        }
        Ok(SubscribeUrl(url))
    }

    /// The URL.
    pub fn as_url(&self) -> &url::Url {
        &self.0
    }
}
