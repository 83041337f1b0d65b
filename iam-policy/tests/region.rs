//! Property tests of `Region`: the parser accepts exactly the documented shape (checked
//! against a regular expression written from the rule), its serde form accepts exactly what
//! `FromStr` accepts, and the partition agrees with the `regionRegex` of every partition in
//! the AWS SDKs' endpoint data.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use iam_policy::{Partition, Region};
use proptest::prelude::*;
use proptest::sample::select;
use regex::Regex;
use std::sync::LazyLock;

/// The rule, written independently: two to four lowercase words and a one- or two-digit
/// number joined by single hyphens, at most 50 characters.
fn oracle(text: &str) -> bool {
    static SHAPE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[a-z]+(-[a-z]+){1,3}-[0-9]{1,2}$").unwrap());
    text.len() <= Region::MAX_LEN && SHAPE.is_match(text)
}

/// The partitions' `regionRegex` values from the AWS SDKs' `partitions.json`
/// (`^cn-\w+-\d+$`, `^us-gov-\w+-\d+$`, `^us-iso-\w+-\d+$`, `^us-isob-\w+-\d+$`,
/// `^eu-isoe-\w+-\d+$`, `^us-isof-\w+-\d+$`, `^eusc-(de)-\w+-\d+$`; anything else is `aws`),
/// generalised to the region shape: any words after the partition's prefix, any geography
/// after `eusc-`.
fn sdk_partition(text: &str) -> Partition {
    static TABLE: LazyLock<Vec<(Regex, Partition)>> = LazyLock::new(|| {
        [
            (r"^cn(-[a-z]+)+-\d+$", Partition::AwsCn),
            (r"^us-gov(-[a-z]+)+-\d+$", Partition::AwsUsGov),
            (r"^us-iso(-[a-z]+)+-\d+$", Partition::AwsIso),
            (r"^us-isob(-[a-z]+)+-\d+$", Partition::AwsIsoB),
            (r"^eu-isoe(-[a-z]+)+-\d+$", Partition::AwsIsoE),
            (r"^us-isof(-[a-z]+)+-\d+$", Partition::AwsIsoF),
            (r"^eusc(-[a-z]+)+-\d+$", Partition::AwsEusc),
        ]
        .into_iter()
        .map(|(pattern, partition)| (Regex::new(pattern).unwrap(), partition))
        .collect()
    });
    TABLE
        .iter()
        .find(|(pattern, _)| pattern.is_match(text))
        .map_or(Partition::Aws, |(_, partition)| *partition)
}

/// Region-like text: words from real region codes and near misses, numbers, separators.
fn region_like() -> impl Strategy<Value = String> {
    let word = select(vec![
        "us",
        "eu",
        "ap",
        "cn",
        "gov",
        "iso",
        "isob",
        "isoe",
        "isof",
        "eusc",
        "de",
        "east",
        "west",
        "north",
        "south",
        "central",
        "southeast",
        "northwest",
        "mx",
        "il",
        "me",
        "US",
        "e1",
        "",
        "a_b",
        "é",
    ]);
    let number = select(vec!["1", "2", "5", "9", "10", "99", "123", "", "1a", "x"]);
    (
        proptest::collection::vec(word, 0..6),
        number,
        select(vec!["-", "-", "-", "_", "--", " "]),
    )
        .prop_map(|(words, number, last_separator)| {
            let mut text = words.join("-");
            text.push_str(last_separator);
            text.push_str(number);
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_accepts_exactly_the_rule(
        text in prop_oneof![region_like(), "[a-z0-9-]{0,60}", any::<String>()]
    ) {
        let parsed = text.parse::<Region>();
        prop_assert_eq!(parsed.is_ok(), oracle(&text), "{:?}", text);
        prop_assert_eq!(Region::is_valid(&text), oracle(&text));
        match parsed {
            Ok(region) => {
                prop_assert_eq!(region.as_str(), text.as_str());
                prop_assert_eq!(region.to_string(), text.clone());
                prop_assert_eq!(region.partition(), sdk_partition(&text));
            }
            Err(err) => prop_assert!(err.to_string().contains("invalid region"), "{}", err),
        }
    }

    #[test]
    fn serde_accepts_exactly_what_from_str_accepts(text in prop_oneof![region_like(), any::<String>()]) {
        let json = serde_json::Value::String(text.clone());
        let from_json = serde_json::from_value::<Region>(json.clone());
        prop_assert_eq!(from_json.is_ok(), text.parse::<Region>().is_ok());
        if let Ok(region) = from_json {
            prop_assert_eq!(serde_json::to_value(&region).unwrap(), json);
        }
    }

    #[test]
    fn every_partition_prefix_gives_its_partition(
        prefix in select(vec!["", "cn-", "us-gov-", "us-iso-", "us-isob-", "eu-isoe-", "us-isof-", "eusc-de-"]),
        geography in "[a-z]{2,9}",
        number in 1u8..=99,
    ) {
        let text = if prefix.is_empty() {
            format!("{geography}-central-{number}")
        } else {
            format!("{prefix}{geography}-{number}")
        };
        let region: Region = text.parse().unwrap();
        prop_assert_eq!(region.partition(), sdk_partition(&text), "{}", text);
    }
}
