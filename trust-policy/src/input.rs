//! The input limit: a trust policy far larger than any IAM accepts is refused before it is
//! parsed, so a hostile or mistaken input (a 57 MB policy with 2.5 million actions) costs
//! nothing.
//!
//! IAM's quota for a role trust policy is 2,048 characters by default and can be raised (IAM
//! User Guide, "IAM and AWS STS quotas": "Role trust policy length"; see
//! [`MAX_TRUST_POLICY_LIMIT`](crate::MAX_TRUST_POLICY_LIMIT) for the largest quota this crate
//! accepts). A document IAM cannot store is never a real trust policy, so the default input
//! limit, 64 KiB, is a generous multiple of the largest quota (16 times 4,096, 8 times 8,192)
//! that still leaves room for pretty-printed JSON; batch tools can raise or lower it.

use crate::TrustPolicyError;

/// The default input limit in bytes: 64 KiB.
pub const DEFAULT_INPUT_LIMIT: usize = 64 * 1024;

/// Refuses `text` when it is longer than `limit` bytes, before any parsing.
///
/// ```
/// use trust_policy::{DEFAULT_INPUT_LIMIT, TrustPolicyError, check_input_size};
/// assert!(check_input_size("{}", DEFAULT_INPUT_LIMIT).is_ok());
/// let huge = "x".repeat(DEFAULT_INPUT_LIMIT + 1);
/// let err = check_input_size(&huge, DEFAULT_INPUT_LIMIT).unwrap_err();
/// assert!(matches!(err, TrustPolicyError::InputTooLarge { limit: 65536, .. }));
/// assert!(err.to_string().contains("65536-byte input limit"));
/// ```
pub fn check_input_size(text: &str, limit: usize) -> Result<(), TrustPolicyError> {
    if text.len() > limit {
        Err(TrustPolicyError::InputTooLarge {
            size: text.len(),
            limit,
        })
    } else {
        Ok(())
    }
}

/// At most 120 characters of `text` (by characters, never splitting one), followed by an
/// ellipsis when cut: error messages quote an excerpt of the input, never all of it.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 120;
    match text.char_indices().nth(MAX) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}...", text.get(..cut).unwrap_or_default()),
    }
}
