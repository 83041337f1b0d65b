//! `IssuerUrl`: the issuer as AWS compares it — `https://HOST[/PATH]`, exactly, with no
//! trailing slash, no port, no query and no fragment.

use std::fmt;
use std::str::FromStr;

use super::OidcError;

/// IAM `CreateOpenIDConnectProvider`: "The URL must begin with https:// and should correspond
/// to the iss claim in the provider's OpenID Connect ID tokens." (IAM API reference, `Url`;
/// at most 255 characters). The `iss` claim of every token is this string byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IssuerUrl(String);

/// IAM's limit on an OIDC provider URL.
const MAX_LEN: usize = 255;

fn invalid(url: &str, rule: &'static str) -> OidcError {
    OidcError::InvalidIssuerUrl {
        url: url.to_owned(),
        rule,
    }
}

impl IssuerUrl {
    /// Checks `url` against the rules; see the type docs.
    pub fn parse(url: &str) -> Result<IssuerUrl, OidcError> {
        if url.len() > MAX_LEN {
            return Err(invalid(url, "an issuer URL is at most 255 characters"));
        }
        let Some(rest) = url.strip_prefix("https://") else {
            return Err(invalid(url, "the issuer URL must start with https://"));
        };
        if rest.ends_with('/') {
            return Err(invalid(
                url,
                "the issuer URL must not end with a slash (iss is compared exactly)",
            ));
        }
        if rest.contains(['?', '#']) {
            return Err(invalid(
                url,
                "the issuer URL cannot have a query or a fragment",
            ));
        }
        if rest
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '"' || c == '\\')
        {
            return Err(invalid(
                url,
                "the issuer URL cannot hold spaces, quotes or control characters",
            ));
        }
        let host = rest.split('/').next().unwrap_or(rest);
        let host_ok = host.contains('.')
            && !host.starts_with('.')
            && !host.ends_with('.')
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if !host_ok {
            return Err(invalid(
                url,
                "the issuer needs a DNS host name such as id.example.com (no port, no user info)",
            ));
        }
        if rest.contains("//") {
            return Err(invalid(url, "the issuer path cannot have empty segments"));
        }
        let parsed = url::Url::parse(url).map_err(|_| invalid(url, "not a valid URL"))?;
        if parsed.as_str().trim_end_matches('/') != url {
            return Err(invalid(
                url,
                "the issuer URL must be in canonical form (lower-case host, no escapes to normalize)",
            ));
        }
        Ok(IssuerUrl(url.to_owned()))
    }

    /// The URL, `https://HOST[/PATH]`: the `iss` claim.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Host and path without `https://`: how IAM names the provider in its ARN and in the
    /// condition keys (`HOST/PATH:sub`, `HOST/PATH:aud`).
    pub fn host_path(&self) -> &str {
        self.0.strip_prefix("https://").unwrap_or(&self.0)
    }

    /// `ISSUER/.well-known/openid-configuration`, where AWS reads the discovery document.
    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.0)
    }

    /// `ISSUER/.well-known/jwks.json`, where this crate's discovery document points for the
    /// JWKS.
    pub fn jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.0)
    }
}

impl FromStr for IssuerUrl {
    type Err = OidcError;
    fn from_str(s: &str) -> Result<IssuerUrl, OidcError> {
        IssuerUrl::parse(s)
    }
}

impl fmt::Display for IssuerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn issuer_url_must_be_https_without_trailing_slash_query_or_fragment() {
        assert!(IssuerUrl::parse("https://id.example.com").is_ok());
        assert!(IssuerUrl::parse("https://id.example.com/tenants/acme").is_ok());
        for bad in [
            "http://id.example.com",
            "id.example.com",
            "https://id.example.com/",
            "https://id.example.com?x=1",
            "https://id.example.com#frag",
            "https://id.example.com:8443",
            "https://user@id.example.com",
            "https://localhost",
            "https://ID.example.com",
            "https://id.example.com//x",
            "https://id example.com",
            "",
        ] {
            let error = IssuerUrl::parse(bad).unwrap_err();
            assert!(
                matches!(error, OidcError::InvalidIssuerUrl { ref url, .. } if url == bad),
                "{bad}: {error}"
            );
        }
        let long = format!("https://id.example.com/{}", "a".repeat(250));
        assert!(IssuerUrl::parse(&long).is_err());
    }

    #[test]
    fn issuer_url_names_host_path_and_well_known_urls() {
        let url = IssuerUrl::parse("https://id.example.com/t").unwrap();
        assert_eq!(url.host_path(), "id.example.com/t");
        assert_eq!(
            url.discovery_url(),
            "https://id.example.com/t/.well-known/openid-configuration"
        );
        assert_eq!(
            url.jwks_url(),
            "https://id.example.com/t/.well-known/jwks.json"
        );
    }

    proptest! {
        #[test]
        fn issuer_url_parse_never_panics_and_accepts_only_https(s in "\\PC{0,80}") {
            if let Ok(url) = IssuerUrl::parse(&s) {
                prop_assert!(url.as_str().starts_with("https://"));
                prop_assert!(!url.as_str().ends_with('/'));
            }
        }

        #[test]
        fn issuer_url_accepts_dns_names(host in "[a-z0-9]{1,10}\\.[a-z]{2,6}", path in "(/[a-z0-9_-]{1,8}){0,3}") {
            let url = format!("https://{host}{path}");
            let parsed = IssuerUrl::parse(&url).unwrap();
            prop_assert_eq!(parsed.as_str(), url.as_str());
        }
    }
}
