//! `caller_arn` is total (never panics) and exact: it accepts the four IAM identity shapes
//! with valid names, and nothing else.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use proptest::prelude::*;
use trust_policy::{TrustPolicyError, caller_arn};

const NAME: &str = "[A-Za-z0-9+=,.@_-]{1,64}";
const SESSION: &str = "[A-Za-z0-9+=,.@_-]{2,64}";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn caller_arn_accepts_valid_sessions_users_and_roles(role in NAME, session in SESSION, kind in 0usize..3) {
        let text = match kind {
            0 => format!("arn:aws:sts::999988887777:assumed-role/{role}/{session}"),
            1 => format!("arn:aws:iam::999988887777:role/{role}"),
            _ => format!("arn:aws:iam::999988887777:user/{role}"),
        };
        prop_assert_eq!(caller_arn(&text).unwrap().to_string(), text);
    }

    #[test]
    fn caller_arn_rejects_bad_session_names(role in NAME, session in "[A-Za-z0-9]{0,1}|[A-Za-z0-9]{1,10}[ /:*?#][A-Za-z0-9]{1,10}|[A-Za-z0-9]{65,70}") {
        let text = format!("arn:aws:sts::999988887777:assumed-role/{role}/{session}");
        let rejected = matches!(caller_arn(&text), Err(TrustPolicyError::InvalidValue { field: "caller ARN", .. }));
        prop_assert!(rejected, "{}", text);
    }

    #[test]
    fn caller_arn_never_panics_and_quotes_an_excerpt(text in "\\PC{0,300}") {
        if let Err(err) = caller_arn(&text) {
            prop_assert!(err.to_string().len() < 600, "{}", err);
        }
    }
}
