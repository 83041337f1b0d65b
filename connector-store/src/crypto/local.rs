//! `LocalKeyProvider`: master keys held by the process (from a file or an environment
//! variable), for one machine and development. Data keys are still generated per
//! [`Envelope`](super::Envelope) and wrapped under the master key, so moving to KMS later
//! changes the provider, not the record format.

use std::collections::HashMap;
use std::path::Path;

use base64::Engine as _;
use connector_core::BoxFuture;

use super::{DataKey, KEY_LEN, KeyError, KeyProvider, WrappedKey, aead};

/// Master keys in the process: the current one wraps new data keys, retired ones still
/// unwrap what they wrapped (until `rekey` has rewritten those records).
///
/// The text form, for a file or an environment variable: one key per line (or separated by
/// commas), `ID:BASE64` where BASE64 is 32 random bytes (`openssl rand -base64 32`); the first
/// is current, the rest retired. Ids are 1 to 64 letters, digits, `-`, `_`, `.`.
///
/// ```
/// use connector_store::LocalKeyProvider;
/// let keys = LocalKeyProvider::parse(
///     "k2:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\nk1:Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=",
/// )?;
/// assert_eq!(keys.current_id(), "k2");
/// assert!(LocalKeyProvider::parse("k1:c2hvcnQ=").is_err()); // not 32 bytes
/// # Ok::<(), connector_store::KeyError>(())
/// ```
pub struct LocalKeyProvider {
    current: String,
    keys: HashMap<String, DataKey>,
}

/// Associated data of a wrapped data key: what it is and which master key wrapped it.
fn wrap_aad(master_key_id: &str) -> Vec<u8> {
    let mut aad = b"connector-store/local-data-key/v1\0".to_vec();
    aad.extend_from_slice(master_key_id.as_bytes());
    aad
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl LocalKeyProvider {
    /// One master key, current.
    pub fn new(id: &str, key: DataKey) -> Result<LocalKeyProvider, KeyError> {
        if !valid_id(id) {
            return Err(KeyError::invalid(
                "master key id",
                "1 to 64 letters, digits, '-', '_' and '.'",
            ));
        }
        let mut keys = HashMap::new();
        keys.insert(id.to_owned(), key);
        Ok(LocalKeyProvider {
            current: id.to_owned(),
            keys,
        })
    }

    /// One fresh random master key (for tests and throwaway stores: what it seals is lost
    /// with it).
    pub fn generate(id: &str) -> Result<LocalKeyProvider, KeyError> {
        LocalKeyProvider::new(id, DataKey::generate()?)
    }

    /// Adds a retired master key, which still unwraps what it wrapped.
    pub fn with_retired(mut self, id: &str, key: DataKey) -> Result<LocalKeyProvider, KeyError> {
        if !valid_id(id) {
            return Err(KeyError::invalid(
                "master key id",
                "1 to 64 letters, digits, '-', '_' and '.'",
            ));
        }
        if self.keys.contains_key(id) {
            return Err(KeyError::invalid("master key id", "each id appears once"));
        }
        self.keys.insert(id.to_owned(), key);
        Ok(self)
    }

    /// Reads the text form (see the type's documentation).
    pub fn parse(text: &str) -> Result<LocalKeyProvider, KeyError> {
        let mut provider: Option<LocalKeyProvider> = None;
        for entry in text
            .split(['\n', ','])
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
        {
            let (id, encoded) = entry.split_once(':').ok_or(KeyError::invalid(
                "master key",
                "each key is written ID:BASE64",
            ))?;
            let mut bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .map_err(|_| KeyError::invalid("master key", "the key is standard base64"))?;
            let key = DataKey::from_slice(&bytes);
            zeroize::Zeroize::zeroize(&mut bytes);
            let key = key.ok_or(KeyError::invalid(
                "master key",
                "a key is 32 bytes (44 characters of base64)",
            ))?;
            provider = Some(match provider {
                None => LocalKeyProvider::new(id.trim(), key)?,
                Some(provider) => provider.with_retired(id.trim(), key)?,
            });
        }
        provider.ok_or(KeyError::invalid("master key", "at least one key is given"))
    }

    /// Reads the text form from a file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<LocalKeyProvider, KeyError> {
        let mut text = std::fs::read_to_string(path.as_ref())
            .map_err(|e| KeyError::unavailable(format!("cannot read the key file: {e}")))?;
        let provider = LocalKeyProvider::parse(&text);
        zeroize::Zeroize::zeroize(&mut text);
        provider
    }

    /// Reads the text form from an environment variable.
    pub fn from_env(variable: &str) -> Result<LocalKeyProvider, KeyError> {
        let mut text = std::env::var(variable).map_err(|_| {
            KeyError::invalid("master key", "the environment variable is set and UTF-8")
        })?;
        let provider = LocalKeyProvider::parse(&text);
        zeroize::Zeroize::zeroize(&mut text);
        provider
    }

    /// One key in the text form (`ID:BASE64`), to write a new key file. The line holds the
    /// key in clear: write it only where the key belongs (a file readable by its owner
    /// alone, a secret manager).
    pub fn export_line(id: &str, key: &DataKey) -> String {
        format!(
            "{id}:{}",
            base64::engine::general_purpose::STANDARD.encode(key.expose())
        )
    }

    /// The current master key's id.
    pub fn current_id(&self) -> &str {
        &self.current
    }

    fn wrap(&self, key: &DataKey) -> Result<WrappedKey, KeyError> {
        let master = self.keys.get(&self.current).ok_or(KeyError::invalid(
            "master key id",
            "the current key is held",
        ))?;
        let blob = aead::seal(master, &wrap_aad(&self.current), key.expose())?;
        WrappedKey::new(self.current.clone(), blob)
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Result<DataKey, KeyError> {
        let master = self.keys.get(wrapped.master_key_id()).ok_or_else(|| {
            KeyError::unwrap_failed(format!(
                "master key {:?} is not held by this provider",
                wrapped.master_key_id()
            ))
        })?;
        let mut bytes = aead::open(master, &wrap_aad(wrapped.master_key_id()), wrapped.blob())
            .ok_or_else(|| {
                KeyError::unwrap_failed(format!(
                    "the wrapped data key does not open under master key {:?}",
                    wrapped.master_key_id()
                ))
            })?;
        let key = DataKey::from_slice(&bytes);
        zeroize::Zeroize::zeroize(&mut bytes);
        key.ok_or_else(|| KeyError::unwrap_failed(format!("a data key is {KEY_LEN} bytes")))
    }
}

impl std::fmt::Debug for LocalKeyProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut ids: Vec<&String> = self.keys.keys().collect();
        ids.sort();
        f.debug_struct("LocalKeyProvider")
            .field("current", &self.current)
            .field("keys", &ids)
            .finish()
    }
}

impl KeyProvider for LocalKeyProvider {
    fn current_master_key_id(&self) -> &str {
        &self.current
    }

    fn generate_data_key(&self) -> BoxFuture<'_, Result<(DataKey, WrappedKey), KeyError>> {
        let result = DataKey::generate().and_then(|key| {
            let wrapped = self.wrap(&key)?;
            Ok((key, wrapped))
        });
        Box::pin(std::future::ready(result))
    }

    fn unwrap_data_key<'a>(
        &'a self,
        wrapped: &'a WrappedKey,
    ) -> BoxFuture<'a, Result<DataKey, KeyError>> {
        Box::pin(std::future::ready(self.unwrap(wrapped)))
    }
}
