//! `KmsKeyProvider`: data keys from AWS KMS (`GenerateDataKey`, `Decrypt`), bound to the
//! encryption context `{"purpose": "connector-store"}`, so a data key made for another use
//! of the same KMS key does not decrypt here (and CloudTrail shows what each call was for).
//! The [`Envelope`](crate::Envelope) caches data keys, so KMS is called once per data key,
//! not once per record.

use aws_sdk_kms::Client;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::DataKeySpec;
use connector_core::BoxFuture;

use crate::aws_errors::{code, describe};
use crate::{DataKey, KeyError, KeyProvider, WrappedKey};

const CONTEXT_KEY: &str = "purpose";
const CONTEXT_VALUE: &str = "connector-store";

/// Data keys from one KMS key (its id, ARN or alias; the one written into each record, so
/// records stay readable after the provider moves to another key, as long as the role may
/// still decrypt with the old one).
///
/// ```no_run
/// use std::sync::Arc;
/// use connector_store::{Envelope, KmsKeyProvider};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
/// let keys = KmsKeyProvider::new(aws_sdk_kms::Client::new(&config), "alias/connector-store")?;
/// let envelope = Envelope::new(Arc::new(keys));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct KmsKeyProvider {
    client: Client,
    key_id: String,
}

impl KmsKeyProvider {
    /// Data keys from `key_id` (1 to 2,048 characters).
    pub fn new(client: Client, key_id: impl Into<String>) -> Result<KmsKeyProvider, KeyError> {
        let key_id = key_id.into();
        if key_id.is_empty() || key_id.len() > WrappedKey::MAX_ID_LEN {
            return Err(KeyError::invalid("KMS key id", "1 to 2,048 characters"));
        }
        Ok(KmsKeyProvider { client, key_id })
    }

    /// Data keys from `key_id`, with a KMS client configured from the environment (region,
    /// credentials and endpoint as the AWS CLI reads them).
    pub async fn from_environment(key_id: impl Into<String>) -> Result<KmsKeyProvider, KeyError> {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        KmsKeyProvider::new(Client::new(&config), key_id)
    }

    async fn generate(&self) -> Result<(DataKey, WrappedKey), KeyError> {
        let output = self
            .client
            .generate_data_key()
            .key_id(&self.key_id)
            .key_spec(DataKeySpec::Aes256)
            .encryption_context(CONTEXT_KEY, CONTEXT_VALUE)
            .send()
            .await
            .map_err(|e| KeyError::unavailable(describe("KMS", "GenerateDataKey", &e)))?;
        let key = output
            .plaintext()
            .and_then(|plaintext| DataKey::from_slice(plaintext.as_ref()))
            .ok_or_else(|| KeyError::unavailable("KMS GenerateDataKey returned no 32-byte key"))?;
        let blob = output
            .ciphertext_blob()
            .map(|blob| blob.as_ref().to_vec())
            .ok_or_else(|| KeyError::unavailable("KMS GenerateDataKey returned no ciphertext"))?;
        Ok((key, WrappedKey::new(self.key_id.clone(), blob)?))
    }

    async fn unwrap(&self, wrapped: &WrappedKey) -> Result<DataKey, KeyError> {
        let output = self
            .client
            .decrypt()
            .key_id(wrapped.master_key_id())
            .ciphertext_blob(Blob::new(wrapped.blob().to_vec()))
            .encryption_context(CONTEXT_KEY, CONTEXT_VALUE)
            .send()
            .await
            .map_err(|e| match code(&e) {
                // The blob is not a data key of that KMS key under this context: the record
                // was altered or made elsewhere. Anything else (throttling, a disabled key,
                // access denied, the network) may pass: retry, and never read the record.
                Some("InvalidCiphertextException" | "IncorrectKeyException") => {
                    KeyError::unwrap_failed(describe("KMS", "Decrypt", &e))
                }
                _ => KeyError::unavailable(describe("KMS", "Decrypt", &e)),
            })?;
        output
            .plaintext()
            .and_then(|plaintext| DataKey::from_slice(plaintext.as_ref()))
            .ok_or_else(|| KeyError::unwrap_failed("KMS Decrypt returned no 32-byte key"))
    }
}

impl KeyProvider for KmsKeyProvider {
    fn current_master_key_id(&self) -> &str {
        &self.key_id
    }

    fn generate_data_key(&self) -> BoxFuture<'_, Result<(DataKey, WrappedKey), KeyError>> {
        Box::pin(self.generate())
    }

    fn unwrap_data_key<'a>(
        &'a self,
        wrapped: &'a WrappedKey,
    ) -> BoxFuture<'a, Result<DataKey, KeyError>> {
        Box::pin(self.unwrap(wrapped))
    }
}
