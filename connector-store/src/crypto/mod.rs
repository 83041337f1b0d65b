//! Encryption at rest: data keys, the [`KeyProvider`] trait and its local implementation,
//! and the [`Envelope`] that seals records.

mod aead;
mod envelope;
mod key;
mod local;
mod provider;

pub use envelope::{Envelope, KeyCacheLimits};
pub use key::{DataKey, KEY_LEN, KeyError, WrappedKey};
pub use local::LocalKeyProvider;
pub use provider::KeyProvider;
