//! Deterministic identifiers and secrets: a counter through the SplitMix64 finalizer. A test
//! double, not a CSPRNG; distinct per call by construction, never derived from real secrets.

use std::sync::atomic::{AtomicU64, Ordering};

/// SplitMix64's increment (the golden ratio), odd, so `counter * GOLDEN` is a bijection.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// Access key ids and role ids use IAM's base32 alphabet.
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Secrets and tokens look like AWS's base64 text.
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Numbers the STS instances of a process, so two of them do not mint the same ids.
static INSTANCES: AtomicU64 = AtomicU64::new(0);

/// The SplitMix64 finalizer: a bijection on `u64`.
pub(super) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of the next instance created without an explicit one.
pub(super) fn next_instance_seed() -> u64 {
    mix64(
        INSTANCES
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_add(0x5EED),
    )
}

/// A counter-based generator. Every value it returns differs from every earlier one (for
/// 2^64 calls), because seed + counter · GOLDEN and the finalizer are both bijections.
#[derive(Debug)]
pub(super) struct IdGenerator {
    seed: u64,
    counter: u64,
}

impl IdGenerator {
    pub(super) fn new(seed: u64) -> IdGenerator {
        IdGenerator { seed, counter: 0 }
    }

    fn next_u64(&mut self) -> u64 {
        self.counter = self.counter.wrapping_add(1);
        mix64(self.seed.wrapping_add(self.counter.wrapping_mul(GOLDEN)))
    }

    /// `len` characters of `alphabet` (a power-of-two size) read from a stream of fresh
    /// values, so the first 64 bits of the text are one value and any text of 13 or more
    /// base32 (11 or more base64) characters is unique.
    fn text(&mut self, alphabet: &[u8], len: usize) -> String {
        let bits = alphabet.len().trailing_zeros();
        let mask = (1u128 << bits) - 1;
        let mut out = String::with_capacity(len);
        let mut buffer: u128 = 0;
        let mut held = 0;
        while out.len() < len {
            if held < bits {
                buffer |= u128::from(self.next_u64()) << held;
                held += 64;
            }
            let index = usize::try_from(buffer & mask).unwrap_or(0);
            let Some(&byte) = alphabet.get(index % alphabet.len().max(1)) else {
                break; // an empty alphabet
            };
            out.push(char::from(byte));
            buffer >>= bits;
            held -= bits;
        }
        out
    }

    /// `ASIA` and 16 base32 characters, like an STS access key id.
    pub(super) fn access_key_id(&mut self) -> String {
        format!("ASIA{}", self.text(BASE32, 16))
    }

    /// `AROA` and 17 base32 characters, like a role's unique id.
    pub(super) fn role_id(&mut self) -> String {
        format!("AROA{}", self.text(BASE32, 17))
    }

    /// 40 base64 characters, like a secret access key.
    pub(super) fn secret_access_key(&mut self) -> String {
        self.text(BASE64, 40)
    }

    /// A session token shaped like STS's (`IQoJb3JpZ2luX2Vj` and base64).
    pub(super) fn session_token(&mut self) -> String {
        format!("IQoJb3JpZ2luX2Vj{}", self.text(BASE64, 160))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_shaped_like_aws_and_distinct() {
        let mut ids = IdGenerator::new(7);
        let mut seen = HashSet::new();
        for _ in 0..2_000 {
            let key = ids.access_key_id();
            assert_eq!(key.len(), 20);
            assert!(key.starts_with("ASIA"));
            assert!(
                key.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            );
            assert!(seen.insert(key));
            let secret = ids.secret_access_key();
            assert_eq!(secret.len(), 40);
            assert!(seen.insert(secret));
        }
        assert_eq!(ids.role_id().len(), 21);
        // Deterministic for a seed.
        assert_eq!(
            IdGenerator::new(1).access_key_id(),
            IdGenerator::new(1).access_key_id()
        );
        assert_ne!(
            IdGenerator::new(1).access_key_id(),
            IdGenerator::new(2).access_key_id()
        );
    }
}
