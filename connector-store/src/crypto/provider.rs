//! `KeyProvider`: where data keys come from and how wrapped ones are opened again. A local
//! master key ([`LocalKeyProvider`](super::LocalKeyProvider)) for one machine and development,
//! AWS KMS (`GenerateDataKey` / `Decrypt`, feature `kms`) for fleets.

use connector_core::BoxFuture;

use super::{DataKey, KeyError, WrappedKey};

/// A source of data keys for envelope encryption. Object-safe; futures are boxed, as for
/// `ConnectionStore`. The [`Envelope`](super::Envelope) in front of it caches data keys, so a
/// provider is called once per data key, not once per record.
///
/// ```
/// use connector_store::{KeyProvider, LocalKeyProvider};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let keys = LocalKeyProvider::generate("dev-2026-12")?;
/// let (key, wrapped) = keys.generate_data_key().await?;
/// assert_eq!(wrapped.master_key_id(), "dev-2026-12");
/// let unwrapped = keys.unwrap_data_key(&wrapped).await?;
/// # let _ = (key, unwrapped);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait KeyProvider: Send + Sync + std::fmt::Debug {
    /// The id of the master key new data keys are wrapped under: records wrapped under
    /// another id are what `rekey` rewrites.
    fn current_master_key_id(&self) -> &str;

    /// A fresh data key, in clear and wrapped under the current master key.
    fn generate_data_key(&self) -> BoxFuture<'_, Result<(DataKey, WrappedKey), KeyError>>;

    /// Opens a wrapped data key (from the current master key or a retired one it still
    /// holds).
    fn unwrap_data_key<'a>(
        &'a self,
        wrapped: &'a WrappedKey,
    ) -> BoxFuture<'a, Result<DataKey, KeyError>>;
}
