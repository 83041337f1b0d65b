//! Key material: a data key (256 bits, secret, zeroized on drop) and the wrapped form a
//! record keeps beside its ciphertext.

use secrecy::{ExposeSecret, SecretBox};

/// The length of an AES-256 key, in bytes.
pub const KEY_LEN: usize = 32;

/// A 256-bit data key in clear: what seals and opens records. Never printed, never
/// serialized; zeroized when dropped.
pub struct DataKey(SecretBox<[u8; KEY_LEN]>);

impl DataKey {
    /// Wraps key bytes.
    pub fn new(bytes: [u8; KEY_LEN]) -> DataKey {
        DataKey(SecretBox::new(Box::new(bytes)))
    }

    /// Reads a key from a slice, which must be exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<DataKey> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(DataKey::new(array))
    }

    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Result<DataKey, KeyError> {
        let mut bytes = [0u8; KEY_LEN];
        aws_lc_rs::rand::fill(&mut bytes)
            .map_err(|_| KeyError::unavailable("the system random number generator failed"))?;
        let key = DataKey::new(bytes);
        zeroize::Zeroize::zeroize(&mut bytes);
        Ok(key)
    }

    /// The key bytes, for the cipher.
    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        self.0.expose_secret()
    }

    /// A copy (the cache hands out copies so a caller never holds the cache's lock).
    pub(crate) fn duplicate(&self) -> DataKey {
        DataKey::new(*self.expose())
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey([REDACTED])")
    }
}

/// A data key as a record stores it: encrypted under a master key, with the master key's id,
/// so the provider that made it can unwrap it (and `rekey` can tell which records a retired
/// master key still protects).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct WrappedKey {
    master_key_id: String,
    blob: Vec<u8>,
}

impl WrappedKey {
    /// The longest master key id, in bytes (a KMS key ARN is at most 2,048 characters).
    pub const MAX_ID_LEN: usize = 2048;
    /// The longest wrapped blob, in bytes (a KMS ciphertext blob is at most 6 KiB).
    pub const MAX_BLOB_LEN: usize = 6144;

    /// A wrapped key; the id and blob must be non-empty and within their limits.
    pub fn new(master_key_id: impl Into<String>, blob: Vec<u8>) -> Result<WrappedKey, KeyError> {
        let master_key_id = master_key_id.into();
        if master_key_id.is_empty() || master_key_id.len() > WrappedKey::MAX_ID_LEN {
            return Err(KeyError::invalid("master key id", "1 to 2,048 bytes"));
        }
        if blob.is_empty() || blob.len() > WrappedKey::MAX_BLOB_LEN {
            return Err(KeyError::invalid("wrapped key", "1 to 6,144 bytes"));
        }
        Ok(WrappedKey {
            master_key_id,
            blob,
        })
    }

    /// The master key that wrapped it.
    pub fn master_key_id(&self) -> &str {
        &self.master_key_id
    }

    /// The encrypted key bytes.
    pub fn blob(&self) -> &[u8] {
        &self.blob
    }
}

impl std::fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WrappedKey")
            .field("master_key_id", &self.master_key_id)
            .field("blob_len", &self.blob.len())
            .finish()
    }
}

/// Why a key provider failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key service cannot be reached or refused for now (throttled, timed out): retry.
    #[error("the key provider is unavailable: {message}")]
    Unavailable {
        /// What happened (never key material).
        message: String,
    },
    /// The wrapped key names a master key this provider does not hold, or does not unwrap
    /// under it: the record cannot be opened with these keys.
    #[error("the data key cannot be unwrapped: {message}")]
    Unwrap {
        /// Why (never key material).
        message: String,
    },
    /// A key setting is malformed.
    #[error("invalid {field}: {rule}")]
    Invalid {
        /// The setting.
        field: &'static str,
        /// The rule it breaks.
        rule: &'static str,
    },
}

impl KeyError {
    /// An unavailable provider.
    pub fn unavailable(message: impl Into<String>) -> KeyError {
        KeyError::Unavailable {
            message: message.into(),
        }
    }

    /// A key that cannot be unwrapped.
    pub fn unwrap_failed(message: impl Into<String>) -> KeyError {
        KeyError::Unwrap {
            message: message.into(),
        }
    }

    /// A malformed setting.
    pub fn invalid(field: &'static str, rule: &'static str) -> KeyError {
        KeyError::Invalid { field, rule }
    }
}
