//! The `onboard` flags' values: which flag an onboarding error is about, and the checks of
//! values the library takes as plain strings (organizational unit ids).

use onboarding::OnboardingError;

/// The flag a rejected onboarding value came from, by the library's field name.
pub(crate) fn flag_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "role name" => "--role-name",
        "max session duration" => "--max-session-duration",
        "template URL" => "--template-url",
        "stack name" => "--stack-name",
        "stack set name" => "--stack-set-name",
        "region" => "--region",
        "parameter" | "quick-create parameter" => "--param",
        "external ids" => "--external-id",
        "OIDC issuer" => "--oidc-issuer",
        "tenant" | "OIDC subject" => "--tenant",
        "OIDC thumbprint" => "--thumbprint",
        "customer account" => "--customer-account",
        "registration" => "--callback-topic",
        _ => return None,
    })
}

/// An onboarding error as the message of bad input, starting with the flag it is about.
pub(crate) fn flagged(error: &OnboardingError) -> String {
    match error {
        OnboardingError::InvalidValue { field, .. } => match flag_of(field) {
            Some(flag) => format!("{flag}: {error}"),
            None => error.to_string(),
        },
        _ => error.to_string(),
    }
}

/// Checks an `--organizational-unit` value: an OU id or the organization root's id, as
/// CloudFormation StackSets accept them (CloudFormation API Reference,
/// `StackSetAutoDeploymentTargetSummary.OrganizationalUnitId`: "Pattern:
/// `^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$`").
pub(crate) fn organizational_unit(id: &str) -> Result<(), String> {
    let lower_alnum = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    let valid = if let Some(rest) = id.strip_prefix("ou-") {
        rest.split_once('-')
            .is_some_and(|(root, unit)| lower_alnum(root, 4, 32) && lower_alnum(unit, 8, 32))
    } else if let Some(root) = id.strip_prefix("r-") {
        lower_alnum(root, 4, 32)
    } else {
        false
    };
    if valid {
        Ok(())
    } else {
        Err(format!(
            "--organizational-unit {:?}: an organizational unit id is ou-, 4 to 32 lowercase letters or digits, -, 8 to 32 more (ou-ab12-cd34ef56), or the root's id r- and 4 to 32 (r-ab12)",
            excerpt(id)
        ))
    }
}

/// At most 80 characters of a rejected value, for messages.
fn excerpt(value: &str) -> String {
    if value.chars().count() <= 80 {
        value.to_owned()
    } else {
        let head: String = value.chars().take(80).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn organizational_unit_ids_follow_the_stacksets_pattern() {
        for good in [
            "ou-ab12-cd34ef56",
            "r-ab12",
            &format!("ou-{}-{}", "a".repeat(32), "0".repeat(32)),
        ] {
            assert!(organizational_unit(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "nope",
            "ou-ab1-cd34ef56",
            "ou-ab12-cd34ef5",
            "ou-AB12-cd34ef56",
            "ou-ab12-cd34ef56-x",
            "r-ab1",
            "r-ab12 ",
            "o-ab12cd34ef",
            &format!("r-{}", "a".repeat(33)),
        ] {
            let error = organizational_unit(bad).unwrap_err();
            assert!(error.starts_with("--organizational-unit"), "{error}");
        }
    }

    #[test]
    fn every_onboarding_field_with_a_flag_is_named() {
        for (field, flag) in [
            ("role name", "--role-name"),
            ("max session duration", "--max-session-duration"),
            ("template URL", "--template-url"),
            ("stack name", "--stack-name"),
            ("stack set name", "--stack-set-name"),
        ] {
            assert_eq!(flag_of(field), Some(flag));
        }
        assert_eq!(flag_of("something else"), None);
    }

    proptest! {
        /// Agrees with the documented regular expression on arbitrary input.
        #[test]
        fn organizational_unit_matches_the_documented_pattern(id in "(ou-|r-|o-)?[a-z0-9A-Z-]{0,40}") {
            let pattern = regex_lite_match(&id);
            prop_assert_eq!(organizational_unit(&id).is_ok(), pattern, "{}", id);
        }
    }

    /// `^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$`, written out independently.
    fn regex_lite_match(id: &str) -> bool {
        let class = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
        let run = |s: &str| s.chars().take_while(|c| class(*c)).count();
        if let Some(rest) = id.strip_prefix("ou-") {
            let first = run(rest);
            let Some(after) = rest.get(first..).and_then(|r| r.strip_prefix('-')) else {
                return false;
            };
            (4..=32).contains(&first)
                && (8..=32).contains(&after.len())
                && run(after) == after.len()
        } else if let Some(rest) = id.strip_prefix("r-") {
            (4..=32).contains(&rest.len()) && run(rest) == rest.len()
        } else {
            false
        }
    }
}
