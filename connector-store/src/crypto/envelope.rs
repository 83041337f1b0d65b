//! `Envelope`: seals a whole connection record under a data key from a [`KeyProvider`] and
//! opens it again, with the record's id and revision bound as associated data, so a sealed
//! record copied into another row, or replayed at another revision, does not open.
//!
//! A sealed record (format version 1):
//!
//! ```text
//! 0x01 | u16 id length | master key id | u16 blob length | wrapped data key | nonce | ciphertext | tag
//! ```
//!
//! The ciphertext is the connection's JSON: every field, identifiers included (role ARN,
//! External IDs, and diagnosis text that may quote them). Stores keep beside it, in clear,
//! only what they query by: id, state, account, revision and times.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use connector_core::{Connection, ConnectorError};

use super::{DataKey, KeyError, KeyProvider, WrappedKey, aead};

const VERSION: u8 = 1;

/// How long and how much one data key is used, and how many opened keys are kept.
///
/// ```
/// use std::time::Duration;
/// use connector_store::KeyCacheLimits;
/// let limits = KeyCacheLimits::default().with_max_age(Duration::from_secs(60)).with_max_uses(10_000);
/// assert_eq!(limits.max_uses(), 10_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCacheLimits {
    max_age: Duration,
    max_uses: u64,
    max_opened: usize,
}

impl Default for KeyCacheLimits {
    /// A data key seals for at most 5 minutes and 2^20 records (far below AES-GCM's 2^32
    /// random-nonce bound, NIST SP 800-38D §8.3); 1,024 opened keys are kept.
    fn default() -> Self {
        KeyCacheLimits {
            max_age: Duration::from_secs(300),
            max_uses: 1 << 20,
            max_opened: 1024,
        }
    }
}

impl KeyCacheLimits {
    /// How long a data key seals new records.
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// How many records one data key seals (at least 1).
    pub fn with_max_uses(mut self, max_uses: u64) -> Self {
        self.max_uses = max_uses.max(1);
        self
    }

    /// How many opened data keys are kept (at least 1).
    pub fn with_max_opened(mut self, max_opened: usize) -> Self {
        self.max_opened = max_opened.max(1);
        self
    }

    /// The seal age limit.
    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    /// The seal count limit.
    pub fn max_uses(&self) -> u64 {
        self.max_uses
    }

    /// The opened-key cache size.
    pub fn max_opened(&self) -> usize {
        self.max_opened
    }
}

struct SealingKey {
    key: DataKey,
    wrapped: WrappedKey,
    since: Instant,
    uses: u64,
}

/// Envelope encryption of connection records, with data keys cached within
/// [`KeyCacheLimits`]. Share one per store.
///
/// ```
/// use std::sync::Arc;
/// use connector_core::{Connection, Timestamp};
/// use connector_store::{Envelope, LocalKeyProvider};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let envelope = Envelope::new(Arc::new(LocalKeyProvider::generate("k1")?));
/// let c = Connection::builder("acme".parse()?, "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse()?).build(Timestamp(0))?;
/// let sealed = envelope.seal(&c).await?;
/// assert!(!String::from_utf8_lossy(&sealed).contains("q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4"));
/// assert_eq!(envelope.open("acme", 0, &sealed).await?, c);
/// // Bound to its record: another id or revision does not open it.
/// assert!(envelope.open("other", 0, &sealed).await.is_err());
/// assert!(envelope.open("acme", 1, &sealed).await.is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Envelope {
    provider: Arc<dyn KeyProvider>,
    limits: KeyCacheLimits,
    sealing: Mutex<Option<SealingKey>>,
    opened: Mutex<HashMap<WrappedKey, DataKey>>,
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Envelope")
            .field("provider", &self.provider)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section is a single map or option operation: a panic elsewhere cannot
    // leave the cache half-updated.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The associated data of a record: what it is, the record's id and revision, and the
/// header (so the wrapped key cannot be swapped either).
fn record_aad(id: &str, revision: u64, header: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(32 + id.len() + header.len());
    aad.extend_from_slice(b"connector-store/record/v1\0");
    aad.extend_from_slice(id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(&revision.to_be_bytes());
    aad.extend_from_slice(header);
    aad
}

fn push_field(out: &mut Vec<u8>, field: &[u8]) -> Result<(), KeyError> {
    let len = u16::try_from(field.len())
        .map_err(|_| KeyError::invalid("wrapped key", "each part is under 64 KiB"))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(field);
    Ok(())
}

fn take_field(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, rest) = input.split_first_chunk::<2>()?;
    let len = usize::from(u16::from_be_bytes(*len));
    (rest.len() >= len).then(|| rest.split_at(len))
}

/// A sealed record split into its parts.
struct Parsed<'a> {
    header: &'a [u8],
    wrapped: WrappedKey,
    body: &'a [u8],
}

fn parse(sealed: &[u8]) -> Option<Parsed<'_>> {
    let (&version, rest) = sealed.split_first()?;
    if version != VERSION {
        return None;
    }
    let (id, rest) = take_field(rest)?;
    let (blob, body) = take_field(rest)?;
    let header_len = sealed.len() - body.len();
    let header = sealed.get(..header_len)?;
    let id = std::str::from_utf8(id).ok()?;
    let wrapped = WrappedKey::new(id, blob.to_vec()).ok()?;
    Some(Parsed {
        header,
        wrapped,
        body,
    })
}

fn corrupt(id: &str, detail: impl Into<String>) -> ConnectorError {
    ConnectorError::CorruptRecord {
        connection: id.to_owned(),
        detail: detail.into(),
    }
}

fn key_unavailable(error: KeyError) -> ConnectorError {
    ConnectorError::StoreUnavailable {
        message: error.to_string(),
    }
}

impl Envelope {
    /// An envelope over `provider` with the default [`KeyCacheLimits`].
    pub fn new(provider: Arc<dyn KeyProvider>) -> Envelope {
        Envelope::with_limits(provider, KeyCacheLimits::default())
    }

    /// An envelope with other cache limits.
    pub fn with_limits(provider: Arc<dyn KeyProvider>, limits: KeyCacheLimits) -> Envelope {
        Envelope {
            provider,
            limits,
            sealing: Mutex::new(None),
            opened: Mutex::new(HashMap::new()),
        }
    }

    /// The key provider.
    pub fn provider(&self) -> &Arc<dyn KeyProvider> {
        &self.provider
    }

    /// The data key to seal with now: the cached one while within its limits, else a fresh
    /// one from the provider.
    async fn sealing_key(&self) -> Result<(DataKey, WrappedKey), KeyError> {
        {
            let mut sealing = lock(&self.sealing);
            if let Some(current) = sealing.as_mut()
                && current.uses < self.limits.max_uses
                && current.since.elapsed() < self.limits.max_age
                && current.wrapped.master_key_id() == self.provider.current_master_key_id()
            {
                current.uses += 1;
                return Ok((current.key.duplicate(), current.wrapped.clone()));
            }
        }
        let (key, wrapped) = self.provider.generate_data_key().await?;
        self.remember_opened(&wrapped, &key);
        *lock(&self.sealing) = Some(SealingKey {
            key: key.duplicate(),
            wrapped: wrapped.clone(),
            since: Instant::now(),
            uses: 1,
        });
        Ok((key, wrapped))
    }

    fn remember_opened(&self, wrapped: &WrappedKey, key: &DataKey) {
        let mut opened = lock(&self.opened);
        if opened.len() >= self.limits.max_opened && !opened.contains_key(wrapped) {
            // A bounded cache, emptied when full: simple, and a record's key is fetched
            // again at worst.
            opened.clear();
        }
        opened.insert(wrapped.clone(), key.duplicate());
    }

    async fn opening_key(&self, wrapped: &WrappedKey) -> Result<DataKey, KeyError> {
        if let Some(key) = lock(&self.opened).get(wrapped) {
            return Ok(key.duplicate());
        }
        let key = self.provider.unwrap_data_key(wrapped).await?;
        self.remember_opened(wrapped, &key);
        Ok(key)
    }

    /// Seals `connection` (bound to its id and revision).
    pub async fn seal(&self, connection: &Connection) -> Result<Vec<u8>, ConnectorError> {
        let mut json = serde_json::to_vec(connection).map_err(|e| {
            ConnectorError::invalid("connection", connection.id().as_str(), e.to_string())
        })?;
        let sealed = self
            .seal_bytes(connection.id().as_str(), connection.revision(), &json)
            .await;
        zeroize::Zeroize::zeroize(&mut json);
        sealed
    }

    async fn seal_bytes(
        &self,
        id: &str,
        revision: u64,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, ConnectorError> {
        let (key, wrapped) = self.sealing_key().await.map_err(key_unavailable)?;
        let mut out = vec![VERSION];
        push_field(&mut out, wrapped.master_key_id().as_bytes()).map_err(key_unavailable)?;
        push_field(&mut out, wrapped.blob()).map_err(key_unavailable)?;
        let body = aead::seal(&key, &record_aad(id, revision, &out), plaintext)
            .map_err(key_unavailable)?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Opens a sealed record stored under `id` at `revision`. A record that was altered,
    /// moved from another id or revision, or whose data key its provider cannot unwrap is
    /// [`ConnectorError::CorruptRecord`]; a provider that cannot be reached is
    /// [`ConnectorError::StoreUnavailable`] (retryable).
    pub async fn open(
        &self,
        id: &str,
        revision: u64,
        sealed: &[u8],
    ) -> Result<Connection, ConnectorError> {
        let parsed =
            parse(sealed).ok_or_else(|| corrupt(id, "the sealed record's header is malformed"))?;
        let key = match self.opening_key(&parsed.wrapped).await {
            Ok(key) => key,
            Err(KeyError::Unavailable { message }) => {
                return Err(ConnectorError::StoreUnavailable { message });
            }
            Err(other) => return Err(corrupt(id, other.to_string())),
        };
        let mut json = aead::open(&key, &record_aad(id, revision, parsed.header), parsed.body)
            .ok_or_else(|| {
                corrupt(
                    id,
                    "the sealed record does not open: altered, or moved from another record or revision",
                )
            })?;
        let connection = serde_json::from_slice::<Connection>(&json).map_err(|e| {
            corrupt(
                id,
                format!("the sealed record is not a valid connection: {e}"),
            )
        });
        zeroize::Zeroize::zeroize(&mut json);
        let connection = connection?;
        if connection.id().as_str() != id || connection.revision() != revision {
            return Err(corrupt(id, "the sealed record belongs to another record"));
        }
        Ok(connection)
    }

    /// The master key a sealed record's data key is wrapped under, if the header reads.
    pub fn master_key_id_of(sealed: &[u8]) -> Option<String> {
        parse(sealed).map(|p| p.wrapped.master_key_id().to_owned())
    }

    /// True when the record is sealed under a master key other than the provider's current
    /// one: what `rekey` rewrites.
    pub fn needs_rekey(&self, sealed: &[u8]) -> bool {
        Envelope::master_key_id_of(sealed)
            .is_none_or(|id| id != self.provider.current_master_key_id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LocalKeyProvider;
    use connector_core::{BoxFuture, Timestamp};

    /// A key service that cannot be reached (throttled, timed out).
    #[derive(Debug)]
    struct Unreachable;

    impl KeyProvider for Unreachable {
        fn current_master_key_id(&self) -> &str {
            "k1"
        }

        fn generate_data_key(&self) -> BoxFuture<'_, Result<(DataKey, WrappedKey), KeyError>> {
            Box::pin(std::future::ready(Err(KeyError::unavailable("throttled"))))
        }

        fn unwrap_data_key<'a>(
            &'a self,
            _wrapped: &'a WrappedKey,
        ) -> BoxFuture<'a, Result<DataKey, KeyError>> {
            Box::pin(std::future::ready(Err(KeyError::unavailable("timed out"))))
        }
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn an_unreachable_key_service_is_retryable_never_a_record_and_never_corrupt() {
        let c = connector_core::Connection::builder(
            "acme".parse().unwrap(),
            "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse().unwrap(),
        )
        .build(Timestamp(0))
        .unwrap();
        // Sealed under a key the unreachable service would hold (same id, "k1").
        let local = Envelope::new(Arc::new(LocalKeyProvider::generate("k1").unwrap()));
        let sealed = block_on(local.seal(&c)).unwrap();

        let envelope = Envelope::new(Arc::new(Unreachable));
        let err = block_on(envelope.seal(&c)).unwrap_err();
        assert!(
            matches!(err, ConnectorError::StoreUnavailable { .. }),
            "{err}"
        );
        assert!(err.is_retryable());
        let err = block_on(envelope.open("acme", 0, &sealed)).unwrap_err();
        assert!(
            matches!(err, ConnectorError::StoreUnavailable { .. }),
            "{err}"
        );
        assert!(err.is_retryable());
    }

    #[test]
    fn a_malformed_header_is_corrupt() {
        let envelope = Envelope::new(Arc::new(LocalKeyProvider::generate("k1").unwrap()));
        for sealed in [&b""[..], &[2u8, 0, 1][..], &[1u8, 0, 9, b'k'][..]] {
            let err = block_on(envelope.open("acme", 0, sealed)).unwrap_err();
            assert!(matches!(err, ConnectorError::CorruptRecord { .. }), "{err}");
        }
    }
}
