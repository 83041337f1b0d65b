//! `OidcOnboarding`: what an OIDC (web identity) connection needs in the customer's account,
//! the IAM OIDC identity provider for the vendor's issuer and the role whose trust policy
//! accepts the tenant's tokens (`sts:AssumeRoleWithWebIdentity`, `ISSUER:aud` and
//! `ISSUER:sub` pinned), as [`trust_policy::OidcTrust`] writes it.
//!
//! Thumbprints: IAM's `CreateOpenIDConnectProvider` reference says of `ThumbprintList`: "This
//! parameter is optional. If it is not included, IAM will retrieve and use the top
//! intermediate certificate authority (CA) thumbprint of the OpenID Connect identity provider
//! server certificate", and (`UpdateOpenIDConnectProviderThumbprint`): "AWS secures
//! communication with OIDC identity providers (IdPs) using our library of trusted root
//! certificate authorities (CAs) to verify the JSON Web Key Set (JWKS) endpoint's TLS
//! certificate. If your OIDC IdP relies on a certificate that is not signed by one of these
//! trusted CAs, only then we secure communication using the thumbprints set in the IdP's
//! configuration." So a thumbprint is needed only when the issuer's JWKS host serves a
//! certificate from a CA outside AWS's trusted library (a private or self-signed CA); the
//! artifacts leave it out unless one is given ([`OidcOnboarding::with_thumbprint`]).

use iam_policy::{AccountId, Partition};
use trust_policy::{OidcTrust, SubjectMatch};

use crate::OnboardingError;

/// The audience AWS STS expects by default in the token (`aud`), and the provider's client id.
pub const DEFAULT_AUDIENCE: &str = "sts.amazonaws.com";
/// The logical id (CloudFormation) of the OIDC provider.
pub const OIDC_PROVIDER_LOGICAL_ID: &str = "ConnectorOidcProvider";
/// The input naming a provider the customer already has for this issuer (empty: create one).
pub const EXISTING_PROVIDER_INPUT: &str = "ExistingOidcProviderArn";
/// The CloudFormation condition under which the template creates the provider.
pub const CREATE_PROVIDER_CONDITION: &str = "CreateOidcProvider";
/// The slot standing for the provider's ARN in the trust template: each artifact lowers it to
/// "the existing provider if given, else the one created" in its own way.
pub(crate) const PROVIDER_ARN_SLOT: &str = "OidcProviderArn";

/// IAM: an OIDC provider URL is at most 255 characters (`CreateOpenIDConnectProvider`, `Url`).
const URL_LIMIT: usize = 255;
/// IAM: at most five thumbprints per provider.
const THUMBPRINT_LIMIT: usize = 5;
/// Our limit for a tenant name in the subject `org/<tenant>`.
const TENANT_LIMIT: usize = 128;

/// The OIDC side of an onboarding: the vendor's issuer, the audience and the subject the
/// customer's role accepts, and optional thumbprints.
///
/// ```
/// use onboarding::OidcOnboarding;
/// let oidc = OidcOnboarding::new("https://id.auto-nomos.com", "acme")?;
/// assert_eq!(oidc.issuer(), "id.auto-nomos.com");
/// assert_eq!(oidc.audience(), "sts.amazonaws.com");
/// assert!(OidcOnboarding::new("https://id.auto-nomos.com/", "acme").is_err());
/// assert!(OidcOnboarding::new("http://id.auto-nomos.com", "acme").is_err());
/// # Ok::<(), onboarding::OnboardingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcOnboarding {
    issuer_url: String,
    issuer: String,
    tenant: String,
    audience: String,
    subject: SubjectMatch,
    thumbprints: Vec<String>,
    partition: Partition,
    customer_account: Option<AccountId>,
}

impl OidcOnboarding {
    /// Trust tokens of `issuer_url` (exactly `https://HOST[/PATH]`, no trailing slash, as the
    /// tokens' `iss` claim) whose subject is `org/<tenant>`, for the audience
    /// `sts.amazonaws.com`.
    pub fn new(issuer_url: &str, tenant: &str) -> Result<OidcOnboarding, OnboardingError> {
        let issuer = check_issuer_url(issuer_url)?;
        check_tenant(tenant)?;
        Ok(OidcOnboarding {
            issuer_url: issuer_url.to_owned(),
            issuer,
            tenant: tenant.to_owned(),
            audience: DEFAULT_AUDIENCE.to_owned(),
            subject: SubjectMatch::Exact(format!("org/{tenant}")),
            thumbprints: Vec::new(),
            partition: Partition::Aws,
            customer_account: None,
        })
    }

    /// Another audience (the `aud` claim and the provider's client id).
    pub fn with_audience(mut self, audience: &str) -> Result<OidcOnboarding, OnboardingError> {
        self.trust_for_check()?
            .with_audience(audience)
            .map_err(|e| OnboardingError::invalid("OIDC audience", audience, e.to_string()))?;
        self.audience = audience.to_owned();
        Ok(self)
    }

    /// Another subject than `org/<tenant>` (a `Like` pattern must name more than wildcards).
    pub fn with_subject(
        mut self,
        subject: SubjectMatch,
    ) -> Result<OidcOnboarding, OnboardingError> {
        let text = match &subject {
            SubjectMatch::Exact(s) | SubjectMatch::Like(s) => s.clone(),
        };
        self.trust_for_check()?
            .with_subject(subject.clone())
            .map_err(|e| OnboardingError::invalid("OIDC subject", text, e.to_string()))?;
        self.subject = subject;
        Ok(self)
    }

    /// A server certificate thumbprint (40 hexadecimal digits, the SHA-1 of the certificate;
    /// at most five). Needed only when the issuer's JWKS host uses a certificate from a CA
    /// outside AWS's trusted library (see the module documentation).
    pub fn with_thumbprint(mut self, thumbprint: &str) -> Result<OidcOnboarding, OnboardingError> {
        let valid = thumbprint.len() == 40 && thumbprint.bytes().all(|b| b.is_ascii_hexdigit());
        if !valid {
            return Err(OnboardingError::invalid(
                "OIDC thumbprint",
                thumbprint,
                "a thumbprint is the certificate's SHA-1 as 40 hexadecimal digits",
            ));
        }
        let thumbprint = thumbprint.to_ascii_lowercase();
        if !self.thumbprints.contains(&thumbprint) {
            if self.thumbprints.len() >= THUMBPRINT_LIMIT {
                return Err(OnboardingError::invalid(
                    "OIDC thumbprint",
                    thumbprint,
                    "IAM keeps at most five thumbprints per OIDC provider",
                ));
            }
            self.thumbprints.push(thumbprint);
        }
        Ok(self)
    }

    /// The partition of the customer's account (`aws` unless set).
    pub fn with_partition(mut self, partition: Partition) -> OidcOnboarding {
        self.partition = partition;
        self
    }

    /// The customer's account, when the vendor knows it: the manual steps write the trust
    /// policy for one account, so they need it (the templates use the account they run in).
    pub fn with_customer_account(mut self, account: AccountId) -> OidcOnboarding {
        self.customer_account = Some(account);
        self
    }

    /// The issuer URL, exactly as given (`https://id.example.com`).
    pub fn issuer_url(&self) -> &str {
        &self.issuer_url
    }

    /// The issuer as IAM writes it in ARNs and condition keys (`id.example.com`).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The tenant.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// The audience.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The subject the role accepts.
    pub fn subject(&self) -> &SubjectMatch {
        &self.subject
    }

    /// The thumbprints (often none).
    pub fn thumbprints(&self) -> &[String] {
        &self.thumbprints
    }

    /// The partition.
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The customer's account, when given.
    pub fn customer_account(&self) -> Option<&AccountId> {
        self.customer_account.as_ref()
    }

    /// The web identity trust policy for `account`: what every artifact makes the role trust.
    pub fn trust_for(&self, account: AccountId) -> Result<OidcTrust, OnboardingError> {
        Ok(OidcTrust::new(account, &self.issuer_url)?
            .with_partition(self.partition)
            .with_audience(&self.audience)?
            .with_subject(self.subject.clone())?)
    }

    /// The provider's ARN in `account`.
    pub fn provider_arn(&self, account: &AccountId) -> String {
        format!(
            "arn:{}:iam::{}:oidc-provider/{}",
            self.partition, account, self.issuer
        )
    }

    /// A rule an existing provider's ARN must follow: this issuer's provider, in any account
    /// of the partition (the regular expression anchored at both ends, empty allowed).
    pub(crate) fn existing_provider_pattern(&self) -> String {
        format!(
            "^(arn:{}:iam::[0-9]{{12}}:oidc-provider/{})?$",
            self.partition,
            regex_escape(&self.issuer)
        )
    }

    /// Who the role trusts, in words.
    pub(crate) fn describe(&self) -> String {
        let subject = match &self.subject {
            SubjectMatch::Exact(s) => s.clone(),
            SubjectMatch::Like(p) => format!("matching {p}"),
        };
        format!(
            "a web identity of {} (subject {subject}, audience {})",
            self.issuer_url, self.audience
        )
    }

    fn trust_for_check(&self) -> Result<OidcTrust, OnboardingError> {
        let account = match &self.customer_account {
            Some(account) => account.clone(),
            None => check_account()?,
        };
        Ok(OidcTrust::new(account, &self.issuer_url)?)
    }
}

/// A well-formed account id for checks only (the audience and subject rules do not depend on
/// the account).
fn check_account() -> Result<AccountId, OnboardingError> {
    "000000000000".parse().map_err(|e: iam_policy::Error| {
        OnboardingError::invalid("account", "000000000000", e.to_string())
    })
}

/// Checks an issuer URL: `https://`, a DNS host name (letters, digits, hyphens, at least one
/// dot, no port or user info), an optional path of non-empty segments, nothing else, no
/// trailing slash, at most 255 characters. IAM, `CreateOpenIDConnectProvider`, `Url`: "The URL
/// must begin with https:// and should correspond to the iss claim in the provider's OpenID
/// Connect ID tokens. Per the OIDC standard, path components are allowed but query parameters
/// are not. … The URL should not contain a port number." A token's `iss` must equal the
/// provider URL exactly, so a trailing slash (which IAM strips from the provider's name) is
/// refused rather than silently dropped.
pub fn check_issuer_url(url: &str) -> Result<String, OnboardingError> {
    let err = |rule: &str| OnboardingError::invalid("OIDC issuer", url, rule);
    if url.len() > URL_LIMIT {
        return Err(err("an OIDC provider URL is at most 255 characters"));
    }
    let Some(rest) = url.strip_prefix("https://") else {
        return Err(err("an OIDC issuer URL starts with https://"));
    };
    if rest.ends_with('/') {
        return Err(err(
            "the issuer URL has no trailing slash: it must equal the tokens' iss claim exactly",
        ));
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !host.contains('.') || !host.split('.').all(label_ok) {
        return Err(err(
            "the issuer needs a DNS host name such as id.example.com (no port, user info or IP literal)",
        ));
    }
    let segment_ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    };
    if !path.is_empty() && !path.split('/').all(segment_ok) {
        return Err(err(
            "the issuer's path is non-empty segments of letters, digits and -._~ (no query, fragment or empty segment)",
        ));
    }
    Ok(rest.to_owned())
}

/// A tenant: 1 to 128 letters, digits, `-`, `_` or `.` (it becomes the subject `org/<tenant>`,
/// compared exactly, so wildcard characters are refused).
fn check_tenant(tenant: &str) -> Result<(), OnboardingError> {
    let valid = (1..=TENANT_LIMIT).contains(&tenant.len())
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(OnboardingError::invalid(
            "tenant",
            tenant,
            "a tenant is 1 to 128 letters, digits, '-', '_' or '.'",
        ))
    }
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_urls_are_exact_https_without_trailing_slash() {
        for good in [
            "https://id.auto-nomos.com",
            "https://id.example.com/tenant/v1",
            "https://a-b.c.example",
        ] {
            assert!(check_issuer_url(good).is_ok(), "{good}");
        }
        for bad in [
            "http://id.example.com",
            "id.example.com",
            "https://id.example.com/",
            "https://id.example.com/a/",
            "https://id.example.com:8443",
            "https://user@id.example.com",
            "https://id.example.com?x=1",
            "https://id.example.com#f",
            "https://id.example.com//a",
            "https://localhost",
            "https://-a.example.com",
            "HTTPS://id.example.com",
            "https://",
        ] {
            let error = check_issuer_url(bad).unwrap_err();
            assert!(
                matches!(
                    &error,
                    OnboardingError::InvalidValue {
                        field: "OIDC issuer",
                        ..
                    }
                ),
                "{bad}: {error}"
            );
        }
        assert!(check_issuer_url(&format!("https://a.example.com/{}", "x".repeat(240))).is_err());
    }

    #[test]
    fn tenants_are_plain_names() {
        assert!(OidcOnboarding::new("https://id.example.com", "acme-prod_1.eu").is_ok());
        for bad in ["", "a*", "a/b", "a b", &"x".repeat(129)] {
            let error = OidcOnboarding::new("https://id.example.com", bad).unwrap_err();
            assert!(
                matches!(
                    error,
                    OnboardingError::InvalidValue {
                        field: "tenant",
                        ..
                    }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn thumbprints_are_forty_hex_digits_at_most_five() {
        let mut oidc = OidcOnboarding::new("https://id.example.com", "acme").unwrap();
        assert!(oidc.clone().with_thumbprint("abc").is_err());
        assert!(oidc.clone().with_thumbprint(&"g".repeat(40)).is_err());
        for i in 0..5 {
            oidc = oidc.with_thumbprint(&format!("{i}").repeat(40)).unwrap();
        }
        let error = oidc.with_thumbprint(&"a".repeat(40)).unwrap_err();
        assert!(error.to_string().contains("at most five"));
    }

    #[test]
    fn audience_and_subject_follow_the_trust_policy_rules() {
        let oidc = OidcOnboarding::new("https://id.example.com", "acme").unwrap();
        assert!(matches!(
            oidc.clone().with_audience(""),
            Err(OnboardingError::InvalidValue {
                field: "OIDC audience",
                ..
            })
        ));
        assert!(matches!(
            oidc.clone().with_subject(SubjectMatch::Like("*".into())),
            Err(OnboardingError::InvalidValue {
                field: "OIDC subject",
                ..
            })
        ));
        let oidc = oidc.with_audience("api://nomos").unwrap();
        assert_eq!(oidc.audience(), "api://nomos");
    }

    #[test]
    fn the_existing_provider_pattern_names_this_issuer_only() {
        let oidc = OidcOnboarding::new("https://id.auto-nomos.com/v1", "acme").unwrap();
        assert_eq!(
            oidc.existing_provider_pattern(),
            r"^(arn:aws:iam::[0-9]{12}:oidc-provider/id\.auto-nomos\.com/v1)?$"
        );
    }

    proptest::proptest! {
        /// Whatever the text, the validator never panics, and what it accepts is an https
        /// URL without a trailing slash whose host-and-path IAM accepts too.
        #[test]
        fn accepted_issuers_are_what_iam_names(text in "(https?://)?[a-zA-Z0-9.:/?#@_~ -]{0,40}") {
            if let Ok(host_path) = check_issuer_url(&text) {
                proptest::prop_assert!(text.starts_with("https://"));
                proptest::prop_assert!(!text.ends_with('/'));
                proptest::prop_assert!(!text.contains(['?', '#', '@', ' ']));
                let trust = OidcTrust::new(check_account().unwrap(), &text).unwrap();
                proptest::prop_assert_eq!(trust.issuer(), host_path.as_str());
            }
        }

        #[test]
        fn a_trailing_slash_is_always_refused(host in "[a-z]{1,10}\\.[a-z]{2,5}", path in "(/[a-z0-9]{1,6}){0,3}") {
            let good = format!("https://{host}{path}");
            let slash = format!("{good}/");
            let http = format!("http://{host}{path}");
            proptest::prop_assert!(check_issuer_url(&good).is_ok());
            proptest::prop_assert!(check_issuer_url(&slash).is_err());
            proptest::prop_assert!(check_issuer_url(&http).is_err());
        }
    }
}
