//! `--store`, `--keys-file` and `--kms-key`: which connection store a command keeps
//! connections in, and where its data keys come from.
//!
//! Without `--store`, connections live in a SQLite file under the user's data directory
//! (`~/.local/share/connector/connections.db` on Linux). Without `--keys-file` or
//! `--kms-key`, the master key comes from `CONNECTOR_STORE_KEYS` (`ID:BASE64` lines), or from
//! `store.keys` beside the default database, created with a fresh random key (mode 0600) the
//! first time. A production deployment keeps its keys apart from its database: a key file on
//! another volume, the environment, or KMS.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use connector_store::{AnyStore, DataKey, KeyProvider, KmsKeyProvider, LocalKeyProvider, StoreUrl};

use crate::exit::Outcome;

/// The environment variable holding local master keys.
pub(crate) const KEYS_ENV: &str = "CONNECTOR_STORE_KEYS";

/// Where connections are kept.
#[derive(Debug, Clone, Args)]
pub(crate) struct StoreArgs {
    /// The store: sqlite:PATH, postgres://USER@HOST/DB, or dynamodb://TABLE?region=REGION
    /// (default: a SQLite file under the user's data directory).
    #[arg(long = "store", value_name = "URL")]
    store: Option<String>,
    /// A file of local master keys (`ID:BASE64` lines, the first current); default: the
    /// CONNECTOR_STORE_KEYS environment variable, else `store.keys` in the data directory.
    #[arg(long = "keys-file", value_name = "PATH", conflicts_with = "kms_key")]
    keys_file: Option<PathBuf>,
    /// Seal records with data keys from this AWS KMS key (id, ARN or alias).
    #[arg(long = "kms-key", value_name = "KEY")]
    kms_key: Option<String>,
}

/// The user's data directory, as the platform's conventions place it: `$XDG_DATA_HOME`, else
/// `~/.local/share` (XDG Base Directory specification); `~/Library/Application Support` on
/// macOS; `%APPDATA%` on Windows. (The `dirs` crate would do this, but pulls an MPL-2.0
/// dependency the workspace's license policy does not admit.)
fn user_data_dir() -> Option<PathBuf> {
    let non_empty = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(windows) {
        return non_empty("APPDATA");
    }
    if cfg!(target_os = "macos") {
        return non_empty("HOME").map(|home| home.join("Library").join("Application Support"));
    }
    non_empty("XDG_DATA_HOME")
        .filter(|dir| dir.is_absolute())
        .or_else(|| non_empty("HOME").map(|home| home.join(".local").join("share")))
}

fn data_dir() -> Result<PathBuf, Outcome> {
    user_data_dir()
        .map(|dir| dir.join("connector"))
        .ok_or_else(|| {
            Outcome::BadInput(
                "--store: the user's data directory is unknown (no HOME); give --store sqlite:PATH"
                    .to_owned(),
            )
        })
}

/// Reads the key file at `path`, creating it with one fresh key when it does not exist.
fn default_key_file(path: &Path) -> Result<LocalKeyProvider, Outcome> {
    if !path.exists() {
        let key = DataKey::generate().map_err(|e| Outcome::Failed(format!("--keys-file: {e}")))?;
        let text = format!("{}\n", LocalKeyProvider::export_line("default", &key));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Outcome::Failed(format!("cannot create {}: {e}", parent.display())))?;
        }
        write_private(path, text.as_bytes())
            .map_err(|e| Outcome::Failed(format!("cannot write {}: {e}", path.display())))?;
        eprintln!("created a master key for the store in {}", path.display());
    }
    LocalKeyProvider::from_file(path)
        .map_err(|e| Outcome::BadInput(format!("--keys-file {}: {e}", path.display())))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

impl StoreArgs {
    /// With `url` as the store when `--store` was not given.
    pub(crate) fn or_store(mut self, url: Option<String>) -> StoreArgs {
        if self.store.is_none() {
            self.store = url;
        }
        self
    }

    /// True when `--store` was given.
    pub(crate) fn given(&self) -> bool {
        self.store.is_some()
    }

    /// The store's URL.
    pub(crate) fn url(&self) -> Result<StoreUrl, Outcome> {
        match &self.store {
            Some(url) => url
                .parse()
                .map_err(|e| Outcome::BadInput(format!("--store: {e}"))),
            None => Ok(StoreUrl::Sqlite(data_dir()?.join("connections.db"))),
        }
    }

    async fn keys(&self) -> Result<Arc<dyn KeyProvider>, Outcome> {
        if let Some(key) = &self.kms_key {
            let provider = KmsKeyProvider::from_environment(key.clone())
                .await
                .map_err(|e| Outcome::BadInput(format!("--kms-key: {e}")))?;
            return Ok(Arc::new(provider));
        }
        if let Some(path) = &self.keys_file {
            return LocalKeyProvider::from_file(path)
                .map(|keys| Arc::new(keys) as Arc<dyn KeyProvider>)
                .map_err(|e| Outcome::BadInput(format!("--keys-file {}: {e}", path.display())));
        }
        if std::env::var_os(KEYS_ENV).is_some() {
            return LocalKeyProvider::from_env(KEYS_ENV)
                .map(|keys| Arc::new(keys) as Arc<dyn KeyProvider>)
                .map_err(|e| Outcome::BadInput(format!("{KEYS_ENV}: {e}")));
        }
        Ok(Arc::new(default_key_file(&data_dir()?.join("store.keys"))?))
    }

    /// Opens the store (creating a SQLite file and its directory when missing).
    pub(crate) async fn open(&self) -> Result<(StoreUrl, AnyStore), Outcome> {
        let url = self.url()?;
        if let StoreUrl::Sqlite(path) = &url
            && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                Outcome::BadInput(format!("--store: cannot create {}: {e}", parent.display()))
            })?;
        }
        let keys = self.keys().await?;
        let store = AnyStore::open(&url, keys)
            .await
            .map_err(|e| Outcome::Failed(format!("store {url}: {e}")))?;
        Ok((url, store))
    }
}
