//! Where SNS signing certificates come from ([`CertificateSource`]: over HTTPS in
//! production, a fixed map in tests) and the bounded cache in front of it (SNS signs with
//! a handful of certificates per Region, so each is fetched once, not per message).

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use connector_core::BoxFuture;

use super::cert_url::SigningCertUrl;
use crate::https::{HttpClient, HttpError};

/// The largest certificate accepted (an SNS certificate is under 2 KiB in PEM).
const MAX_CERTIFICATE_BYTES: usize = 16 * 1024;

/// A certificate that could not be obtained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// The request failed.
    #[error("the signing certificate could not be fetched: {0}")]
    Fetch(#[from] HttpError),
    /// The server answered with another status than 200.
    #[error("the signing certificate URL answered HTTP {0}")]
    Status(u16),
    /// The source has no certificate for that URL.
    #[error("no certificate for {0}")]
    Unknown(String),
}

/// Fetches the PEM bytes of a signing certificate (the URL is already checked).
pub trait CertificateSource: Send + Sync + std::fmt::Debug {
    /// The certificate at `url`.
    fn fetch<'a>(
        &'a self,
        url: &'a SigningCertUrl,
    ) -> BoxFuture<'a, Result<Vec<u8>, CertificateError>>;
}

/// GET over HTTPS (the workspace's rustls stack, the system's roots), 10 s per fetch.
#[derive(Debug, Clone)]
pub struct HttpsCertificateSource {
    client: HttpClient,
    timeout: Duration,
}

impl HttpsCertificateSource {
    /// A source over the system's root certificates.
    pub fn new() -> Result<HttpsCertificateSource, HttpError> {
        Ok(HttpsCertificateSource {
            client: HttpClient::https_only()?,
            timeout: Duration::from_secs(10),
        })
    }

    /// **Tests only** (feature `testing`): every fetch goes to `origin` (e.g. a server on
    /// 127.0.0.1) with the certificate URL's path, after the URL checks passed.
    #[cfg(any(test, feature = "testing"))]
    pub fn redirecting_for_tests(origin: &str) -> Result<HttpsCertificateSource, HttpError> {
        Ok(HttpsCertificateSource {
            client: HttpClient::redirecting_for_tests(origin)?,
            timeout: Duration::from_secs(10),
        })
    }

    /// The longest wait for one certificate.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl CertificateSource for HttpsCertificateSource {
    fn fetch<'a>(
        &'a self,
        url: &'a SigningCertUrl,
    ) -> BoxFuture<'a, Result<Vec<u8>, CertificateError>> {
        Box::pin(async move {
            let answer = self
                .client
                .send(
                    http::Method::GET,
                    url.as_url(),
                    bytes::Bytes::new(),
                    MAX_CERTIFICATE_BYTES,
                    self.timeout,
                )
                .await?;
            if answer.status != http::StatusCode::OK {
                return Err(CertificateError::Status(answer.status.as_u16()));
            }
            Ok(answer.body.to_vec())
        })
    }
}

/// Certificates given up front, by URL (tests, or a vendor who pins SNS's certificates).
/// Counts fetches, so a test can see the cache at work.
#[derive(Debug, Clone, Default)]
pub struct StaticCertificateSource {
    certificates: BTreeMap<String, Vec<u8>>,
    fetches: Arc<Mutex<u32>>,
}

impl StaticCertificateSource {
    /// No certificates.
    pub fn new() -> StaticCertificateSource {
        StaticCertificateSource::default()
    }

    /// Serves `pem` at `url`.
    pub fn with_certificate(mut self, url: &str, pem: impl Into<Vec<u8>>) -> Self {
        self.certificates.insert(url.to_owned(), pem.into());
        self
    }

    /// How many fetches were made.
    pub fn fetches(&self) -> u32 {
        *self.fetches.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl CertificateSource for StaticCertificateSource {
    fn fetch<'a>(
        &'a self,
        url: &'a SigningCertUrl,
    ) -> BoxFuture<'a, Result<Vec<u8>, CertificateError>> {
        *self.fetches.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        let found = self.certificates.get(url.as_url().as_str()).cloned();
        Box::pin(
            async move { found.ok_or_else(|| CertificateError::Unknown(url.as_url().to_string())) },
        )
    }
}

/// The last `capacity` certificates fetched, by URL (oldest evicted first). Only parsed,
/// usable keys are kept: a failure is never cached, so the next message fetches again.
#[derive(Debug)]
pub(crate) struct CertificateCache<T> {
    capacity: usize,
    entries: Mutex<VecDeque<(SigningCertUrl, Arc<T>)>>,
}

impl<T> CertificateCache<T> {
    pub(crate) fn new(capacity: usize) -> CertificateCache<T> {
        CertificateCache {
            capacity: capacity.max(1),
            entries: Mutex::new(VecDeque::new()),
        }
    }

    pub(crate) fn get(&self, url: &SigningCertUrl) -> Option<Arc<T>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .iter()
            .find(|(u, _)| u == url)
            .map(|(_, v)| Arc::clone(v))
    }

    pub(crate) fn insert(&self, url: SigningCertUrl, value: Arc<T>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|(u, _)| *u != url);
        while entries.len() >= self.capacity {
            entries.pop_front();
        }
        entries.push_back((url, value));
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}
