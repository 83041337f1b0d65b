//! Bearer secrets: API keys (`ck.ID.SECRET`) and onboarding-page tokens (`pt.ID.SECRET`).
//! The id (8 random bytes, hex) finds the record; the secret (32 random bytes from the OS
//! CSPRNG, base64url) is stored only as its SHA-256 digest and compared in constant time.
//! A 256-bit random secret needs no slow password hash: nobody can guess it, and the digest
//! reveals nothing about it. The presented text lives in a [`SecretString`] and is never
//! logged or echoed.

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret as _, SecretString};
use subtle::ConstantTimeEq as _;

/// What kind of bearer secret a text is: its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// An API key (`ck.`).
    ApiKey,
    /// An onboarding-page token (`pt.`).
    PageToken,
    /// An operator key (`op.`), for the operator page.
    Operator,
}

impl SecretKind {
    fn prefix(self) -> &'static str {
        match self {
            SecretKind::ApiKey => "ck",
            SecretKind::PageToken => "pt",
            SecretKind::Operator => "op",
        }
    }
}

/// The length of a secret's id: 8 random bytes as lowercase hex.
pub const ID_LEN: usize = 16;

/// True when `text` is an id as [`mint`] makes them: [`ID_LEN`] lowercase hex digits.
pub fn is_id(text: &str) -> bool {
    text.len() == ID_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The SHA-256 digest of a secret, as stored. Its bytes never show in `Debug`.
///
/// ```
/// use connector_server::secret::SecretHash;
/// let hash = SecretHash::of("a secret");
/// assert!(hash.matches("a secret") && !hash.matches("another"));
/// assert_eq!(SecretHash::from_slice(hash.as_bytes()), Some(hash.clone()));
/// assert_eq!(SecretHash::from_slice(&[0; 31]), None);         // not 32 bytes
/// assert_eq!(format!("{hash:?}"), "SecretHash(..)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretHash([u8; 32]);

impl std::fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretHash(..)")
    }
}

impl SecretHash {
    /// The digest of `secret`.
    pub fn of(secret: &str) -> SecretHash {
        let mut out = [0u8; 32];
        let digest = digest::digest(&digest::SHA256, secret.as_bytes());
        for (slot, byte) in out.iter_mut().zip(digest.as_ref()) {
            *slot = *byte;
        }
        SecretHash(out)
    }

    /// True when `secret` hashes to this digest; the comparison takes the same time whatever
    /// the bytes.
    pub fn matches(&self, secret: &str) -> bool {
        bool::from(SecretHash::of(secret).0.ct_eq(&self.0))
    }

    /// Reads a stored digest; `None` unless it is 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<SecretHash> {
        <[u8; 32]>::try_from(bytes).ok().map(SecretHash)
    }

    /// The digest's 32 bytes, to store.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// A freshly generated bearer secret: its public id, its full text (shown once) and the
/// digest to store. Only [`mint`] makes one, so the digest is always the text's.
#[derive(Debug)]
pub struct Minted {
    id: String,
    text: SecretString,
    hash: SecretHash,
}

impl Minted {
    /// The id that finds the record (not secret): [`ID_LEN`] lowercase hex digits.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The whole text the holder presents: `PREFIX.ID.SECRET`.
    pub fn text(&self) -> &SecretString {
        &self.text
    }

    /// The digest of the secret part, the only thing stored.
    pub fn hash(&self) -> &SecretHash {
        &self.hash
    }

    /// The text, to hand to its holder once.
    pub fn into_text(self) -> SecretString {
        self.text
    }
}

/// The OS random source failed: no secret was made.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the OS random source failed: {0}")]
pub struct RandomError(String);

/// Generates a secret of `kind`.
pub fn mint(kind: SecretKind) -> Result<Minted, RandomError> {
    let mut id = [0u8; 8];
    let mut secret = [0u8; 32];
    getrandom::fill(&mut id).map_err(|e| RandomError(e.to_string()))?;
    getrandom::fill(&mut secret).map_err(|e| RandomError(e.to_string()))?;
    let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let secret = URL_SAFE_NO_PAD.encode(secret);
    let hash = SecretHash::of(&secret);
    let text = SecretString::from(format!("{}.{id}.{secret}", kind.prefix()));
    Ok(Minted { id, text, hash })
}

/// The server's own key: it signs the CSRF tokens of the pages' forms and the operator's
/// session cookies (HMAC-SHA-256, each use under its own label). Every instance behind one
/// load balancer needs the same key, or a form one instance served is refused by the next and
/// an operator's session ends at every other request; a restart with the same key keeps open
/// pages and sessions working. Without one, the server makes one at start.
///
/// 32 random bytes, zeroized on drop, never shown in `Debug`; written as base64.
///
/// ```
/// use connector_server::secret::ServerKey;
/// let key = ServerKey::generate()?;
/// let text = key.to_base64();                       // give it to every instance, secretly
/// # use secrecy::ExposeSecret as _;
/// let again = ServerKey::from_base64(text.expose_secret())?;
/// assert!(again.same_as(&key));
/// assert_eq!(format!("{key:?}"), "ServerKey(..)");
/// assert!(ServerKey::from_base64("too short").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ServerKey(secrecy::SecretBox<[u8; 32]>);

/// A text that is not a server key: the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a server key is 32 random bytes in base64 (`head -c 32 /dev/urandom | base64`): {0}")]
pub struct InvalidServerKey(&'static str);

impl ServerKey {
    /// A fresh key from the OS CSPRNG.
    pub fn generate() -> Result<ServerKey, RandomError> {
        let mut key = Box::new([0u8; 32]);
        getrandom::fill(key.as_mut_slice()).map_err(|e| RandomError(e.to_string()))?;
        Ok(ServerKey(secrecy::SecretBox::new(key)))
    }

    /// Reads a key written in base64 (standard or URL-safe alphabet, padded or not; spaces
    /// around it are ignored).
    pub fn from_base64(text: &str) -> Result<ServerKey, InvalidServerKey> {
        use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE};
        let text = text.trim();
        let decoded = [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(text).ok())
            .map(secrecy::zeroize::Zeroizing::new)
            .ok_or(InvalidServerKey("not base64"))?;
        let mut key = Box::new([0u8; 32]);
        if decoded.len() != key.len() {
            return Err(InvalidServerKey("not 32 bytes long"));
        }
        key.copy_from_slice(&decoded);
        if key.iter().all(|b| *b == 0) {
            return Err(InvalidServerKey("all zero"));
        }
        Ok(ServerKey(secrecy::SecretBox::new(key)))
    }

    /// The key in base64 (standard alphabet, padded), to hand to other instances.
    pub fn to_base64(&self) -> SecretString {
        use base64::engine::general_purpose::STANDARD;
        SecretString::from(STANDARD.encode(self.0.expose_secret()))
    }

    /// True when both are the same key (constant time).
    pub fn same_as(&self, other: &ServerKey) -> bool {
        bool::from(self.0.expose_secret().ct_eq(other.0.expose_secret()))
    }

    /// The HMAC key the server signs with.
    pub(crate) fn hmac_key(&self) -> aws_lc_rs::hmac::Key {
        aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, self.0.expose_secret())
    }
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(..)")
    }
}

/// A presented secret split into its id and secret part, when it has the shape of `kind`.
/// Only [`parse`] makes one.
#[derive(Debug)]
pub struct Presented {
    id: String,
    secret: SecretString,
}

/// Splits `text` (`PREFIX.ID.SECRET`); `None` when it is not a secret of `kind`.
pub fn parse(kind: SecretKind, text: &str) -> Option<Presented> {
    let mut parts = text.splitn(3, '.');
    let (prefix, id, secret) = (parts.next()?, parts.next()?, parts.next()?);
    let id_ok = is_id(id);
    let secret_ok = secret.len() == 43
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (prefix == kind.prefix() && id_ok && secret_ok).then(|| Presented {
        id: id.to_owned(),
        secret: SecretString::from(secret.to_owned()),
    })
}

impl Presented {
    /// The id part: [`ID_LEN`] lowercase hex digits.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The secret part.
    pub fn secret(&self) -> &SecretString {
        &self.secret
    }

    /// True when the secret part hashes to `hash` (constant time).
    pub fn matches(&self, hash: &SecretHash) -> bool {
        hash.matches(self.secret.expose_secret())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_key_is_32_bytes_of_base64_in_either_alphabet_and_round_trips() {
        let key = ServerKey::generate().unwrap();
        let text = key.to_base64();
        assert!(
            ServerKey::from_base64(text.expose_secret())
                .unwrap()
                .same_as(&key)
        );
        assert!(!ServerKey::generate().unwrap().same_as(&key));
        // The same bytes, URL-safe and unpadded, with a newline (as a file holds it).
        let url_safe = format!("{}\n", URL_SAFE_NO_PAD.encode([0xfbu8; 32]));
        let standard = base64::engine::general_purpose::STANDARD.encode([0xfbu8; 32]);
        assert!(
            ServerKey::from_base64(&url_safe)
                .unwrap()
                .same_as(&ServerKey::from_base64(&standard).unwrap())
        );
        for (bad, rule) in [
            ("", "not 32 bytes long"),
            ("not base64!", "not base64"),
            (
                &*base64::engine::general_purpose::STANDARD.encode([7u8; 31]),
                "not 32 bytes long",
            ),
            (
                &*base64::engine::general_purpose::STANDARD.encode([7u8; 33]),
                "not 32 bytes long",
            ),
            (
                &*base64::engine::general_purpose::STANDARD.encode([0u8; 32]),
                "all zero",
            ),
        ] {
            let error = ServerKey::from_base64(bad).unwrap_err();
            assert!(error.to_string().ends_with(rule), "{bad:?}: {error}");
        }
        assert_eq!(format!("{key:?}"), "ServerKey(..)");
    }

    #[test]
    fn a_minted_secret_parses_back_and_matches_only_its_own_hash() {
        let a = mint(SecretKind::ApiKey).unwrap();
        let b = mint(SecretKind::ApiKey).unwrap();
        let presented = parse(SecretKind::ApiKey, a.text.expose_secret()).unwrap();
        assert_eq!(presented.id(), a.id());
        assert!(is_id(a.id()));
        assert!(presented.matches(&a.hash));
        assert!(!presented.matches(&b.hash));
        assert_ne!(a.id, b.id);
    }

    #[test]
    fn a_secret_of_the_other_kind_or_malformed_does_not_parse() {
        let key = mint(SecretKind::ApiKey).unwrap();
        assert!(parse(SecretKind::PageToken, key.text.expose_secret()).is_none());
        let upper = format!("ck.0123456789ABCDEF.{}", "a".repeat(43));
        for text in [
            "",
            "ck",
            "ck..",
            "ck.zz.abc",
            "ck.0123456789abcdef.short",
            &upper,
        ] {
            assert!(parse(SecretKind::ApiKey, text).is_none(), "{text}");
        }
    }

    #[test]
    fn an_id_is_16_lowercase_hex_digits() {
        assert!(is_id("0123456789abcdef"));
        for bad in [
            "",
            "0123456789abcde",
            "0123456789abcdef0",
            "0123456789ABCDEF",
            "0123456789abcdeg",
        ] {
            assert!(!is_id(bad), "{bad}");
        }
    }

    #[test]
    fn a_hash_reads_back_from_its_bytes_and_only_from_32_bytes() {
        let hash = SecretHash::of("s");
        assert_eq!(SecretHash::from_slice(hash.as_bytes()), Some(hash.clone()));
        assert_eq!(SecretHash::from_slice(&[1; 31]), None);
        assert_eq!(SecretHash::from_slice(&[1; 33]), None);
    }

    #[test]
    fn the_debug_form_of_a_hash_shows_no_bytes() {
        let minted = mint(SecretKind::PageToken).unwrap();
        assert_eq!(format!("{:?}", minted.hash), "SecretHash(..)");
        assert!(!format!("{minted:?}").contains(minted.text.expose_secret()));
    }
}
