//! `TemporaryCredentials`: what STS hands back. The secret parts live in `secrecy` types:
//! redacted in `Debug`, never serialized, zeroized when dropped.

use std::fmt;
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};

use crate::Timestamp;

/// Short-lived AWS credentials.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use connector_core::TemporaryCredentials;
/// let creds = TemporaryCredentials::new(
///     "ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "FwoGZXIvYXdzEJr//token",
///     UNIX_EPOCH + Duration::from_secs(1_700_003_600),
/// );
/// let shown = format!("{creds:?}");
/// assert!(!shown.contains("wJalrXUtnFEMI") && !shown.contains("FwoGZXIvYXdzEJr"));
/// assert_eq!(creds.secret_access_key().expose_secret(), "wJalrXUtnFEMI/K7MDENG");
/// # use secrecy::ExposeSecret;
/// ```
#[derive(Clone)]
pub struct TemporaryCredentials {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: SecretString,
    expiration: SystemTime,
}

impl TemporaryCredentials {
    /// Credentials from their parts.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: impl Into<String>,
        expiration: SystemTime,
    ) -> TemporaryCredentials {
        TemporaryCredentials {
            access_key_id: access_key_id.into(),
            secret_access_key: SecretString::from(secret_access_key.into()),
            session_token: SecretString::from(session_token.into()),
            expiration,
        }
    }

    /// The access key id (an identifier, not a secret; shown in `Debug` as a prefix only).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &SecretString {
        &self.secret_access_key
    }

    /// The session token.
    pub fn session_token(&self) -> &SecretString {
        &self.session_token
    }

    /// When they stop working.
    pub fn expiration(&self) -> SystemTime {
        self.expiration
    }

    /// True at or after expiry.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        now >= self.expiration
    }

    /// Time left at `now` (zero once expired).
    pub fn remaining_at(&self, now: SystemTime) -> Duration {
        self.expiration.duration_since(now).unwrap_or_default()
    }

    /// True when the secrets equal `other`'s (for tests; constant-time is not needed there).
    pub fn same_secrets(&self, other: &TemporaryCredentials) -> bool {
        self.access_key_id == other.access_key_id
            && self.secret_access_key.expose_secret() == other.secret_access_key.expose_secret()
            && self.session_token.expose_secret() == other.session_token.expose_secret()
    }
}

impl fmt::Debug for TemporaryCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix: String = self.access_key_id.chars().take(4).collect();
        f.debug_struct("TemporaryCredentials")
            .field("access_key_id", &format_args!("{prefix}…"))
            .field("secret_access_key", &"[REDACTED]")
            .field("session_token", &"[REDACTED]")
            .field(
                "expiration",
                &Timestamp::from_system(self.expiration).to_string(),
            )
            .finish()
    }
}
