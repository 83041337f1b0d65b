//! `AccountId`: a 12-digit AWS account number.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// An AWS account id: exactly 12 decimal digits (leading zeros are significant).
///
/// ```
/// use iam_policy::AccountId;
/// let id: AccountId = "012345678901".parse().unwrap();
/// assert_eq!(id.as_str(), "012345678901");
/// assert!("1234-5678-9012".parse::<AccountId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(String);

impl AccountId {
    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `text` is a well-formed account id.
    pub fn is_valid(text: &str) -> bool {
        text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
    }
}

impl FromStr for AccountId {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        if AccountId::is_valid(text) {
            Ok(AccountId(text.to_owned()))
        } else {
            Err(Error::invalid(
                "account id",
                text,
                "an AWS account id is exactly 12 digits (0-9), without hyphens",
            ))
        }
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

super::string_serde!(AccountId, "AccountId", "A 12-digit AWS account id.");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exactly_twelve_digits() {
        assert!("123456789012".parse::<AccountId>().is_ok());
        for bad in [
            "",
            "12345678901",
            "1234567890123",
            "12345678901a",
            "١٢٣٤٥٦٧٨٩٠١٢",
        ] {
            assert!(bad.parse::<AccountId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn serde_is_a_string() {
        let id: AccountId = serde_json::from_str("\"123456789012\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"123456789012\"");
        assert!(serde_json::from_str::<AccountId>("123456789012").is_err());
    }
}
