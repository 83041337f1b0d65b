//! AES-256-GCM through aws-lc-rs (the crypto library rustls already builds here): a random
//! 96-bit nonce per message, written before the ciphertext, and associated data bound to
//! what the message belongs to.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use super::{DataKey, KeyError};

/// The bytes AES-GCM adds to a message: the nonce in front and the tag behind.
pub(crate) const OVERHEAD: usize = NONCE_LEN + 16;

fn cipher(key: &DataKey) -> Result<LessSafeKey, KeyError> {
    UnboundKey::new(&AES_256_GCM, key.expose())
        .map(LessSafeKey::new)
        .map_err(|_| KeyError::invalid("data key", "an AES-256 key is 32 bytes"))
}

/// Encrypts `plaintext` under `key` with `aad`: `nonce || ciphertext || tag`.
pub(crate) fn seal(key: &DataKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, KeyError> {
    let cipher = cipher(key)?;
    let mut nonce = [0u8; NONCE_LEN];
    aws_lc_rs::rand::fill(&mut nonce)
        .map_err(|_| KeyError::unavailable("the system random number generator failed"))?;
    let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
    out.extend_from_slice(&nonce);
    let mut body = plaintext.to_vec();
    cipher
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad),
            &mut body,
        )
        .map_err(|_| KeyError::unavailable("AES-GCM refused to encrypt"))?;
    out.extend_from_slice(&body);
    zeroize::Zeroize::zeroize(&mut body);
    Ok(out)
}

/// Decrypts what [`seal`] wrote; `None` when the key, the associated data or any byte is
/// wrong (GCM's tag check), or the message is too short to hold a nonce and a tag.
pub(crate) fn open(key: &DataKey, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    let cipher = cipher(key).ok()?;
    let (nonce, body) = sealed.split_first_chunk::<NONCE_LEN>()?;
    if body.len() < OVERHEAD - NONCE_LEN {
        return None;
    }
    let mut buffer = body.to_vec();
    let plaintext_len = cipher
        .open_in_place(
            Nonce::assume_unique_for_key(*nonce),
            Aad::from(aad),
            &mut buffer,
        )
        .ok()?
        .len();
    buffer.truncate(plaintext_len);
    Some(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_round_trips_and_every_altered_byte_is_refused() {
        let key = DataKey::generate().unwrap();
        let sealed = seal(&key, b"record-1", b"role arn and external id").unwrap();
        assert_eq!(sealed.len(), OVERHEAD + 24);
        assert_eq!(
            open(&key, b"record-1", &sealed).as_deref(),
            Some(&b"role arn and external id"[..])
        );
        for i in 0..sealed.len() {
            let mut altered = sealed.clone();
            altered[i] ^= 1;
            assert!(open(&key, b"record-1", &altered).is_none(), "byte {i}");
        }
        assert!(open(&key, b"record-2", &sealed).is_none());
        assert!(open(&DataKey::generate().unwrap(), b"record-1", &sealed).is_none());
        assert!(open(&key, b"record-1", &sealed[..OVERHEAD - 1]).is_none());
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let key = DataKey::generate().unwrap();
        let a = seal(&key, b"", b"same").unwrap();
        let b = seal(&key, b"", b"same").unwrap();
        assert_ne!(a, b);
    }
}
