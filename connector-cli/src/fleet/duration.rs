//! Durations on the command line (`--interval 5m`, `--lease 60s`, `--duration 1h30m`): one
//! or more whole numbers, each followed by its unit (`ms`, `s`, `m`, `h`, `d`), with no
//! spaces, signs or fractions. A bare number is refused: `--interval 300` could mean seconds
//! or milliseconds, and a health-check schedule off by a factor of 1,000 is worse than an
//! error.

use std::time::Duration;

use crate::exit::Outcome;

/// What a duration flag accepts, for error messages.
const RULE: &str =
    "a duration like 500ms, 60s, 5m, 1h or 1h30m (whole numbers, units ms, s, m, h, d)";

/// Milliseconds in one `unit`, or `None` for an unknown unit.
fn unit_millis(unit: &str) -> Option<u128> {
    match unit {
        "ms" => Some(1),
        "s" => Some(1_000),
        "m" => Some(60_000),
        "h" => Some(3_600_000),
        "d" => Some(86_400_000),
        _ => None,
    }
}

/// Parses `text` (see the module documentation); the error says what is wrong.
pub(crate) fn parse(text: &str) -> Result<Duration, String> {
    if text.is_empty() {
        return Err(format!("empty; {RULE}"));
    }
    let mut total: u128 = 0;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let mut number: u128 = 0;
        let mut digits = 0usize;
        while let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
            number = number
                .checked_mul(10)
                .and_then(|n| n.checked_add(u128::from(digit)))
                .ok_or_else(|| "too long".to_owned())?;
            digits += 1;
            chars.next();
        }
        if digits == 0 {
            return Err(RULE.to_owned());
        }
        let mut unit = String::new();
        while let Some(c) = chars.peek().copied().filter(char::is_ascii_alphabetic) {
            unit.push(c);
            chars.next();
        }
        if unit.is_empty() {
            return Err(format!("a number needs a unit; {RULE}"));
        }
        let per = unit_millis(&unit).ok_or_else(|| format!("unknown unit {unit:?}; {RULE}"))?;
        total = number
            .checked_mul(per)
            .and_then(|n| total.checked_add(n))
            .ok_or_else(|| "too long".to_owned())?;
    }
    let millis = u64::try_from(total).map_err(|_| "too long".to_owned())?;
    Ok(Duration::from_millis(millis))
}

/// Parses the value of `flag`; bad input names the flag and the value.
pub(crate) fn flag(flag: &str, text: &str) -> Result<Duration, Outcome> {
    parse(text).map_err(|why| Outcome::BadInput(format!("{flag} {text:?}: {why}")))
}

/// Parses the value of `flag` and requires at least `min`.
pub(crate) fn at_least(flag_name: &str, text: &str, min: Duration) -> Result<Duration, Outcome> {
    let value = flag(flag_name, text)?;
    if value < min {
        return Err(Outcome::BadInput(format!(
            "{flag_name} {text:?}: at least {}",
            show(min)
        )));
    }
    Ok(value)
}

/// A duration as the flags write it (`1h30m`, `500ms`), for messages and status lines.
pub(crate) fn show(duration: Duration) -> String {
    let mut millis = duration.as_millis();
    if millis == 0 {
        return "0s".to_owned();
    }
    let mut text = String::new();
    for (unit, per) in [
        ("d", 86_400_000u128),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ] {
        let count = millis / per;
        if count > 0 {
            text.push_str(&format!("{count}{unit}"));
            millis %= per;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn durations_take_whole_numbers_with_units() {
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(parse("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5_400)));
        assert_eq!(parse("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(parse("0s"), Ok(Duration::ZERO));
    }

    #[test]
    fn a_bare_number_a_sign_a_fraction_or_an_unknown_unit_is_refused() {
        for bad in [
            "", "300", "-5m", "+5m", "1.5h", "5 m", "5min", "m", "5m3", "5M", "1y", "٣s",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(parse("99999999999999999999999999999999999999999d").is_err());
        assert!(parse("999999999999999d").is_err());
    }

    #[test]
    fn bad_input_names_the_flag_and_the_minimum() {
        let Err(Outcome::BadInput(message)) = flag("--interval", "5x") else {
            panic!("accepted");
        };
        assert!(message.starts_with("--interval \"5x\""), "{message}");
        let Err(Outcome::BadInput(message)) = at_least("--lease", "500ms", Duration::from_secs(1))
        else {
            panic!("accepted");
        };
        assert!(
            message.contains("--lease") && message.contains("at least 1s"),
            "{message}"
        );
    }

    proptest! {
        /// What `show` writes, `parse` reads back to the same duration.
        #[test]
        fn shown_durations_parse_back(millis in 0u64..10_000_000_000_000) {
            let duration = Duration::from_millis(millis);
            prop_assert_eq!(parse(&show(duration)), Ok(duration));
        }

        /// Any sequence of number-unit pairs adds up.
        #[test]
        fn parts_add_up(parts in proptest::collection::vec((0u64..100_000, 0usize..5), 1..5)) {
            let units = [("ms", 1u64), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)];
            let mut text = String::new();
            let mut total = 0u64;
            for (n, u) in &parts {
                let (unit, per) = units[*u];
                text.push_str(&format!("{n}{unit}"));
                total += n * per;
            }
            prop_assert_eq!(parse(&text), Ok(Duration::from_millis(total)));
        }

        /// Nothing makes the parser panic, and whatever it accepts ends with a unit.
        #[test]
        fn never_panics(text in "\\PC{0,20}") {
            if parse(&text).is_ok() {
                prop_assert!(text.ends_with(|c: char| c.is_ascii_alphabetic()));
            }
        }
    }
}
