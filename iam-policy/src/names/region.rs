//! `Region`: an AWS region code, and the partition it belongs to.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Partition};

/// An AWS region code such as `us-east-1`, `us-gov-west-1`, `cn-north-1` or
/// `us-isob-east-1`: lowercase words joined by hyphens, ending in a number.
///
/// The rule is the shape of region codes, not a fixed list, so regions AWS opens later are
/// accepted.
///
/// ```
/// use iam_policy::{Partition, Region};
/// let region: Region = "cn-northwest-1".parse().unwrap();
/// assert_eq!(region.partition(), Partition::AwsCn);
/// assert!("US-EAST-1".parse::<Region>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(String);

impl Region {
    /// The region code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `text` has the shape of a region code.
    pub fn is_valid(text: &str) -> bool {
        let parts: Vec<&str> = text.split('-').collect();
        (3..=5).contains(&parts.len())
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts.last().is_some_and(|n| {
                (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())
            })
    }

    /// The partition the region is in, from its prefix (AWS General Reference, "Regions and
    /// endpoints"): `cn-` China, `us-gov-` GovCloud, `us-iso-`/`us-isob-`/`eu-isoe-`/
    /// `us-isof-` the isolated partitions, `eusc-` the European Sovereign Cloud, anything else
    /// commercial.
    pub fn partition(&self) -> Partition {
        const PREFIXES: [(&str, Partition); 7] = [
            ("cn-", Partition::AwsCn),
            ("us-gov-", Partition::AwsUsGov),
            ("us-isob-", Partition::AwsIsoB),
            ("us-isof-", Partition::AwsIsoF),
            ("us-iso-", Partition::AwsIso),
            ("eu-isoe-", Partition::AwsIsoE),
            ("eusc-", Partition::AwsEusc),
        ];
        PREFIXES
            .iter()
            .find(|(prefix, _)| self.0.starts_with(prefix))
            .map_or(Partition::Aws, |(_, partition)| *partition)
    }
}

impl FromStr for Region {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        if Region::is_valid(text) {
            Ok(Region(text.to_owned()))
        } else {
            Err(Error::invalid(
                "region",
                text,
                "a region code is lowercase words joined by hyphens ending in a number, like us-east-1",
            ))
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

super::string_serde!(Region, "Region", "An AWS region code such as us-east-1.");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_partitions() {
        for (text, partition) in [
            ("us-east-1", Partition::Aws),
            ("ap-southeast-5", Partition::Aws),
            ("us-gov-west-1", Partition::AwsUsGov),
            ("cn-north-1", Partition::AwsCn),
            ("us-iso-east-1", Partition::AwsIso),
            ("us-isob-east-1", Partition::AwsIsoB),
            ("eu-isoe-west-1", Partition::AwsIsoE),
        ] {
            let region: Region = text.parse().unwrap();
            assert_eq!(region.partition(), partition, "{text}");
            assert_eq!(region.to_string(), text);
        }
        for bad in [
            "",
            "us-east",
            "us-east-",
            "US-east-1",
            "us--1",
            "useast1",
            "us-east-123",
        ] {
            assert!(bad.parse::<Region>().is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(text in "[a-z0-9-]{0,20}") {
            if let Ok(region) = text.parse::<Region>() {
                proptest::prop_assert_eq!(region.as_str(), text.as_str());
            }
        }
    }
}
