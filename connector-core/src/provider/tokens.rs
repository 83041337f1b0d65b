//! `WebIdentityTokens`: where a web-identity connection's tokens come from. The vendor's
//! OIDC issuer ([`oidc::Issuer`](crate::oidc::Issuer), feature `oidc`) is the implementation;
//! a product with its issuer elsewhere (a KMS-held key, another service) writes its own.

use std::time::SystemTime;

use secrecy::SecretString;

use crate::{ProviderError, TokenSubject};

/// Mints the short-lived tokens `AssumeRoleWithWebIdentity` takes: one per call, never
/// cached (a token lives minutes; the credentials it buys are what a session caches).
///
/// ```
/// # #[cfg(feature = "oidc")] {
/// use std::time::SystemTime;
/// use connector_core::oidc::{Issuer, IssuerUrl, KeySet, SigningAlgorithm, SigningKey};
/// use connector_core::{TokenSubject, WebIdentityTokens};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let issuer = Issuer::new(IssuerUrl::parse("https://id.example.com")?,
///     KeySet::new(SigningKey::generate(SigningAlgorithm::Es256)?));
/// let tokens: &dyn WebIdentityTokens = &issuer;
/// let token = tokens.mint(&TokenSubject::for_tenant("acme")?, None, SystemTime::now())?;
/// assert_eq!(tokens.issuer(), "https://id.example.com");
/// # let _ = token;
/// # Ok(())
/// # }
/// # main().unwrap();
/// # }
/// ```
pub trait WebIdentityTokens: Send + Sync + std::fmt::Debug {
    /// The issuer URL (`iss`): what the customer's IAM OIDC provider is created for.
    fn issuer(&self) -> &str;

    /// A fresh token for `subject`, valid from `now`, with `aud` = `audience` or, when
    /// `None`, the issuer's own (`sts.amazonaws.com`). A failure is the vendor's fault
    /// (kind [`Other`](crate::ProviderErrorKind::Other)): never a verdict on the customer.
    fn mint(
        &self,
        subject: &TokenSubject,
        audience: Option<&str>,
        now: SystemTime,
    ) -> Result<SecretString, ProviderError>;
}

#[cfg(feature = "oidc")]
impl WebIdentityTokens for crate::oidc::Issuer {
    fn issuer(&self) -> &str {
        self.url().as_str()
    }

    fn mint(
        &self,
        subject: &TokenSubject,
        audience: Option<&str>,
        now: SystemTime,
    ) -> Result<SecretString, ProviderError> {
        let mut request = crate::oidc::TokenRequest::for_subject(subject.as_str());
        if let Some(audience) = audience {
            request = request.with_audience(audience);
        }
        crate::oidc::Issuer::mint(self, &request, now).map_err(|error| {
            ProviderError::new(
                crate::ProviderErrorKind::Other,
                format!("the vendor's OIDC issuer could not mint a token: {error}"),
            )
        })
    }
}

/// An issuer behind a lock, so its keys can be rotated (`write().keys_mut()`) while sessions
/// mint with it.
#[cfg(feature = "oidc")]
#[derive(Debug)]
pub struct SharedIssuer {
    issuer: std::sync::RwLock<crate::oidc::Issuer>,
    url: String,
}

#[cfg(feature = "oidc")]
impl SharedIssuer {
    /// Shares `issuer`.
    pub fn new(issuer: crate::oidc::Issuer) -> SharedIssuer {
        SharedIssuer {
            url: issuer.url().as_str().to_owned(),
            issuer: std::sync::RwLock::new(issuer),
        }
    }

    /// Runs `change` on the issuer (publish a next key, rotate, prune retired keys).
    pub fn update<T>(&self, change: impl FnOnce(&mut crate::oidc::Issuer) -> T) -> T {
        let mut guard = self
            .issuer
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut guard)
    }

    /// Runs `read` on the issuer (its JWKS and discovery document, to serve them).
    pub fn read<T>(&self, read: impl FnOnce(&crate::oidc::Issuer) -> T) -> T {
        let guard = self
            .issuer
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        read(&guard)
    }
}

#[cfg(feature = "oidc")]
impl WebIdentityTokens for SharedIssuer {
    fn issuer(&self) -> &str {
        &self.url
    }

    fn mint(
        &self,
        subject: &TokenSubject,
        audience: Option<&str>,
        now: SystemTime,
    ) -> Result<SecretString, ProviderError> {
        self.read(|issuer| WebIdentityTokens::mint(issuer, subject, audience, now))
    }
}
