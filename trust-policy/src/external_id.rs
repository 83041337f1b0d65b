//! `ExternalId`: the shared secret-ish token that stops the confused-deputy problem.
//!
//! AWS rules (STS `AssumeRole` API reference, `ExternalId` parameter): 2 to 1,224 characters
//! from `[\w+=,.@:/-]`. Generated ids are 32 characters from `[A-Za-z0-9]` drawn from the
//! operating system's CSPRNG, about 190 bits; they are unguessable, so one customer cannot
//! make the vendor assume another customer's role.

use std::fmt;
use std::str::FromStr;

use subtle::ConstantTimeEq;

use crate::TrustPolicyError;

/// An External ID, validated against AWS's rules.
///
/// `Display` shows the whole value (the customer has to paste it into the trust policy);
/// `Debug` shows only a short prefix so it does not spread through logs; equality runs in
/// constant time for equal-length values.
///
/// ```
/// use trust_policy::ExternalId;
/// let id = ExternalId::generate().unwrap();
/// assert_eq!(id.as_str().len(), 32);
/// assert!(format!("{id:?}").len() < 32);
/// let parsed: ExternalId = id.to_string().parse().unwrap();
/// assert_eq!(parsed, id);
/// assert!("x".parse::<ExternalId>().is_err());
/// ```
#[derive(Clone)]
pub struct ExternalId(String);

impl ExternalId {
    /// Length of generated ids.
    pub const GENERATED_LEN: usize = 32;
    /// Fewest characters AWS accepts.
    pub const MIN_LEN: usize = 2;
    /// Most characters AWS accepts.
    pub const MAX_LEN: usize = 1224;

    /// A new random id: 32 characters from `[A-Za-z0-9]` (about 190 bits).
    pub fn generate() -> Result<ExternalId, TrustPolicyError> {
        ExternalId::generate_with_len(Self::GENERATED_LEN)
    }

    /// A new random id of `len` characters from `[A-Za-z0-9]` (at least 16, for 95 bits).
    pub fn generate_with_len(len: usize) -> Result<ExternalId, TrustPolicyError> {
        const ALPHABET: &[u8; 62] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        if !(16..=Self::MAX_LEN).contains(&len) {
            return Err(TrustPolicyError::invalid(
                "external id length",
                &len.to_string(),
                "generated external ids are 16 to 1,224 characters",
            ));
        }
        let mut out = String::with_capacity(len);
        let mut buf = [0u8; 64];
        while out.len() < len {
            getrandom::fill(&mut buf).map_err(|e| TrustPolicyError::Randomness(e.to_string()))?;
            // Rejection sampling keeps every character equally likely: 248 = 4 * 62.
            // `byte % 62` always indexes the 62-character alphabet.
            let chars = buf
                .iter()
                .filter(|&&b| b < 248)
                .filter_map(|&b| ALPHABET.get(usize::from(b % 62)));
            for &c in chars {
                if out.len() == len {
                    break;
                }
                out.push(char::from(c));
            }
        }
        Ok(ExternalId(out))
    }

    /// The id as written in the trust policy.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `text` satisfies AWS's rules for an External ID.
    pub fn is_valid(text: &str) -> bool {
        (Self::MIN_LEN..=Self::MAX_LEN).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@:/-".contains(&b))
    }
}

impl FromStr for ExternalId {
    type Err = TrustPolicyError;
    fn from_str(text: &str) -> Result<Self, TrustPolicyError> {
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&text.chars().count()) {
            return Err(TrustPolicyError::invalid(
                "external id",
                text,
                "an External ID is 2 to 1,224 characters long",
            ));
        }
        if !ExternalId::is_valid(text) {
            return Err(TrustPolicyError::invalid(
                "external id",
                text,
                "an External ID uses only letters, digits and _+=,.@:/-",
            ));
        }
        Ok(ExternalId(text.to_owned()))
    }
}

impl PartialEq for ExternalId {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for ExternalId {}

impl fmt::Display for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix: String = self.0.chars().take(4).collect();
        write!(f, "ExternalId({prefix}…)")
    }
}

impl serde::Serialize for ExternalId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ExternalId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for ExternalId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ExternalId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 2,
            "maxLength": 1224,
            "pattern": "^[\\w+=,.@:/-]+$",
            "description": "An STS External ID."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_distinct_and_valid() {
        let a = ExternalId::generate().unwrap();
        let b = ExternalId::generate().unwrap();
        assert_ne!(a, b);
        assert!(ExternalId::is_valid(a.as_str()));
        assert!(a.as_str().bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(
            ExternalId::generate_with_len(1224).unwrap().as_str().len(),
            1224
        );
        assert!(ExternalId::generate_with_len(8).is_err());
    }

    #[test]
    fn generated_characters_cover_the_alphabet() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..64 {
            seen.extend(ExternalId::generate().unwrap().as_str().chars());
        }
        // 2,048 draws from 62 symbols: missing one is astronomically unlikely if uniform.
        assert_eq!(seen.len(), 62);
    }

    #[test]
    fn rules_are_named() {
        let short = "a".parse::<ExternalId>().unwrap_err().to_string();
        assert!(short.contains("2 to 1,224"), "{short}");
        let chars = "has space".parse::<ExternalId>().unwrap_err().to_string();
        assert!(chars.contains("letters, digits"), "{chars}");
        assert!("a".repeat(1225).parse::<ExternalId>().is_err());
        assert!("a:b/c=d,e.f@g+h_i-j".parse::<ExternalId>().is_ok());
        assert!("日本".parse::<ExternalId>().is_err());
    }

    #[test]
    fn debug_hides_and_serde_is_a_string() {
        let id: ExternalId = "SecretValue123".parse().unwrap();
        assert_eq!(format!("{id:?}"), "ExternalId(Secr…)");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"SecretValue123\"");
        assert!(serde_json::from_str::<ExternalId>("\"x\"").is_err());
    }
}
