//! `RoleSessionName`: the name a role session carries into the customer's CloudTrail, valid by
//! construction, and the derivation of related names that stay valid and distinct.

use std::fmt;
use std::str::FromStr;

use super::{ProviderError, ProviderErrorKind};

/// A `RoleSessionName` (STS API reference, `AssumeRole`: "Length Constraints: Minimum length
/// of 2. Maximum length of 64. Pattern: `[\w+=,.@-]*`"). `\w` is ASCII letters, digits and
/// `_` here: STS's pattern is evaluated on ASCII.
///
/// The customer sees it in CloudTrail (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`), so
/// it should say who is calling and why.
///
/// ```
/// use connector_core::RoleSessionName;
/// let name: RoleSessionName = "acme-sync".parse()?;
/// assert_eq!(name.as_str(), "acme-sync");
/// assert!("x".parse::<RoleSessionName>().is_err());           // too short
/// assert!("a b".parse::<RoleSessionName>().is_err());         // a space
/// assert!("a".repeat(65).parse::<RoleSessionName>().is_err()); // too long
///
/// // Derived names always stay within the rules and never collide by truncation.
/// let long: RoleSessionName = "v".repeat(64).parse()?;
/// let a = long.with_suffix("noid");
/// assert!(a.as_str().len() <= 64 && a.as_str() != long.as_str());
/// let other: RoleSessionName = format!("{}w", "v".repeat(63)).parse()?;
/// assert_ne!(other.with_suffix("noid"), a);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleSessionName(String);

impl RoleSessionName {
    /// The shortest name STS accepts.
    pub const MIN_LEN: usize = 2;
    /// The longest name STS accepts.
    pub const MAX_LEN: usize = 64;

    /// Checks `name` against STS's rule; the error names `RoleSessionName` and the rule.
    pub fn new(name: &str) -> Result<RoleSessionName, ProviderError> {
        if RoleSessionName::is_valid(name) {
            Ok(RoleSessionName(name.to_owned()))
        } else {
            Err(ProviderError::new(
                ProviderErrorKind::InvalidRequest,
                format!(
                    "RoleSessionName: {name:?} must be 2 to 64 characters from letters, digits and _+=,.@-"
                ),
            ))
        }
    }

    /// A name written in this crate's source, which the unit tests check against the rule.
    pub(crate) fn literal(name: &'static str) -> RoleSessionName {
        debug_assert!(RoleSessionName::is_valid(name), "{name}");
        RoleSessionName(name.to_owned())
    }

    /// True when `name` follows STS's rule (also the rule of `SourceIdentity`).
    pub fn is_valid(name: &str) -> bool {
        (RoleSessionName::MIN_LEN..=RoleSessionName::MAX_LEN).contains(&name.len())
            && name.bytes().all(is_session_byte)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `NAME-SUFFIX` when that fits in 64 characters; otherwise the name is shortened and a
    /// 64-bit FNV-1a digest of the whole name and suffix is appended
    /// (`PREFIX-SUFFIX-0123456789abcdef`), so two names that differ only in what was cut off
    /// still derive different names. Characters of `suffix` outside the rule become `-`; an
    /// empty suffix is `x`.
    pub fn with_suffix(&self, suffix: &str) -> RoleSessionName {
        let mut suffix: String = suffix
            .bytes()
            .map(|b| {
                if is_session_byte(b) {
                    char::from(b)
                } else {
                    '-'
                }
            })
            .collect();
        if suffix.is_empty() {
            suffix.push('x');
        }
        let joined = format!("{}-{suffix}", self.0);
        if joined.len() <= RoleSessionName::MAX_LEN {
            return RoleSessionName(joined);
        }
        let digest = format!("{:016x}", fnv1a(joined.as_bytes()));
        // Keep as much of the suffix as fits beside the digest, then as much of the name.
        let room = RoleSessionName::MAX_LEN - digest.len() - 1;
        let suffix: String = suffix.chars().take(room / 2).collect();
        let name_room = room - suffix.len() - 1;
        let name: String = self.0.chars().take(name_room).collect();
        RoleSessionName(format!("{name}-{suffix}-{digest}"))
    }
}

/// Letters, digits and `_+=,.@-`: the bytes of STS's `[\w+=,.@-]` pattern.
fn is_session_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b)
}

/// FNV-1a, 64 bits: stable across processes and releases, so derived names are the same
/// wherever they are computed (the fleet schedule hashes connection ids with it too).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl FromStr for RoleSessionName {
    type Err = ProviderError;
    fn from_str(name: &str) -> Result<Self, ProviderError> {
        RoleSessionName::new(name)
    }
}

impl fmt::Display for RoleSessionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for RoleSessionName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_follow_the_rule() {
        // Every literal of the crate: the connector's default prefix, the contract's.
        for name in ["connector", "contract"] {
            assert!(RoleSessionName::is_valid(name), "{name}");
            assert_eq!(RoleSessionName::literal(name).as_str(), name);
        }
    }

    #[test]
    fn short_names_get_the_plain_suffix() {
        let name = RoleSessionName::new("verify").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(name.with_suffix("noid").as_str(), "verify-noid");
        assert_eq!(name.with_suffix("a b").as_str(), "verify-a-b");
        assert_eq!(name.with_suffix("").as_str(), "verify-x");
    }

    #[test]
    fn the_longest_plain_derivation_is_exactly_64() {
        let name = RoleSessionName::new(&"n".repeat(59)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(name.with_suffix("noid").as_str().len(), 64);
        let name = RoleSessionName::new(&"n".repeat(60)).unwrap_or_else(|e| panic!("{e}"));
        let derived = name.with_suffix("noid");
        assert_eq!(derived.as_str().len(), 64);
        assert!(derived.as_str().contains("-noid-"), "{derived}");
    }

    proptest::proptest! {
        #[test]
        fn derived_names_are_valid_and_distinct(
            a in "[A-Za-z0-9_+=,.@-]{2,64}",
            b in "[A-Za-z0-9_+=,.@-]{2,64}",
            suffix in "[ -~]{0,80}",
        ) {
            let a_name = RoleSessionName::new(&a).unwrap_or_else(|e| panic!("{e}"));
            let derived = a_name.with_suffix(&suffix);
            proptest::prop_assert!(RoleSessionName::is_valid(derived.as_str()), "{}", derived);
            proptest::prop_assert_ne!(derived.as_str(), a.as_str());
            if a != b {
                let b_name = RoleSessionName::new(&b).unwrap_or_else(|e| panic!("{e}"));
                proptest::prop_assert_ne!(b_name.with_suffix(&suffix), derived);
            }
        }

        #[test]
        fn parsing_agrees_with_the_rule(name in "[ -~]{0,70}") {
            let ok = name.len() >= 2 && name.len() <= 64
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
            proptest::prop_assert_eq!(RoleSessionName::new(&name).is_ok(), ok);
        }
    }
}
