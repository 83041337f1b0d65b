//! Operator keys: who may open the operator page. An operator key is a bearer secret
//! `op.ID.SECRET` (256 random bits, see [`crate::secret`]) made by the server's owner
//! ([`OperatorKey::issue`], e.g. at `connector serve` start) and given to the
//! [`AppState`](crate::AppState) with
//! [`with_operator_key`](crate::AppStateBuilder::with_operator_key); only its SHA-256
//! digest is kept. It is no tenant API key: a `ck.` key never parses as one, so no tenant
//! key opens the operator page. A key is read-only unless issued with `may_act`.

use secrecy::{ExposeSecret as _, SecretString};

use crate::secret::{self, RandomError, SecretHash, SecretKind};

/// An operator key as the server keeps it: its id, the digest of its secret, and what it
/// may do.
///
/// ```
/// use connector_server::OperatorKey;
/// # use secrecy::ExposeSecret as _;
/// // Made once by the server's owner: the record for the server, the key for the operator.
/// let (record, key) = OperatorKey::issue("on-call", false)?;
/// assert!(key.expose_secret().starts_with("op."));
/// assert!(!format!("{record:?}").contains(key.expose_secret().rsplit('.').next().unwrap()));
/// // Kept in a secret store and given to every instance at start:
/// let again = OperatorKey::from_key("on-call", &key, false).unwrap();
/// assert_eq!(again, record);
/// assert!(!again.may_act());                                // read-only
/// # Ok::<(), connector_server::secret::RandomError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorKey {
    id: String,
    hash: SecretHash,
    label: String,
    may_act: bool,
}

impl OperatorKey {
    /// A new operator key: the record to give the server, and the key itself (shown once).
    pub fn issue(label: &str, may_act: bool) -> Result<(OperatorKey, SecretString), RandomError> {
        let minted = secret::mint(SecretKind::Operator)?;
        Ok((
            OperatorKey {
                id: minted.id().to_owned(),
                hash: minted.hash().clone(),
                label: label.to_owned(),
                may_act,
            },
            minted.into_text(),
        ))
    }
}

impl OperatorKey {
    /// The key's public id (the middle part of `op.ID.SECRET`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// A label for people (shown on the page and in the logs).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Whether the operator may act ("check now", "disconnect"); read-only otherwise.
    pub fn may_act(&self) -> bool {
        self.may_act
    }

    /// The record of a key the owner already holds (`op.ID.SECRET`, e.g. made once with
    /// `connector serve --new-operator-key` and kept in a secret store); `None` when `key`
    /// is not an operator key.
    pub fn from_key(label: &str, key: &SecretString, may_act: bool) -> Option<OperatorKey> {
        let presented = secret::parse(SecretKind::Operator, key.expose_secret())?;
        Some(OperatorKey {
            id: presented.id().to_owned(),
            hash: SecretHash::of(presented.secret().expose_secret()),
            label: label.to_owned(),
            may_act,
        })
    }
}

/// The operator key among `keys` that `presented` is, `None` when it is none of them (a
/// tenant key, a page token, a forged or unknown key). Digests compared in constant time.
pub(crate) fn authenticate<'a>(
    keys: &'a [OperatorKey],
    presented: &str,
) -> Option<&'a OperatorKey> {
    let presented = secret::parse(SecretKind::Operator, presented)?;
    let found = keys.iter().find(|k| k.id == presented.id());
    match found {
        Some(key) => presented.matches(&key.hash).then_some(key),
        None => {
            // The same work as a found key.
            let _ = SecretHash::of(presented.secret().expose_secret());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_key_opens_as_the_issued_one_and_nothing_else_is_a_key() {
        let (issued, key) = OperatorKey::issue("ops", true).unwrap();
        let held = OperatorKey::from_key("ops", &key, true).unwrap();
        assert_eq!(held, issued);
        assert!(authenticate(std::slice::from_ref(&held), key.expose_secret()).is_some());
        for text in [
            "",
            "op.",
            "ck.0123456789abcdef.x",
            "op.0123456789abcdef.short",
        ] {
            assert!(OperatorKey::from_key("ops", &SecretString::from(text), true).is_none());
        }
    }
}
