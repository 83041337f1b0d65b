//! `Region`: an AWS region code, and the partition it belongs to.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Partition};

/// An AWS region code such as `us-east-1`, `ap-southeast-5`, `us-gov-west-1`,
/// `cn-northwest-1`, `us-isob-east-1` or `eusc-de-east-1`: lowercase words joined by
/// hyphens, ending in a number.
///
/// The rule is the shape of region codes, not a fixed list, so regions AWS opens later are
/// accepted. It follows the `regionRegex` of the partitions in the AWS SDKs' endpoint data
/// (`partitions.json`: `^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$`, `^us-gov-\w+-\d+$`,
/// `^us-isob-\w+-\d+$`, `^eusc-(de)-\w+-\d+$`, ...), which every published region code
/// matches, without binding the first word to today's list: two to four lowercase words,
/// then a number of one or two digits, at most 50 characters (AWS Account Management API
/// reference, `Region` data type: `RegionName` is 1 to 50 characters).
///
/// ```
/// use iam_policy::{Partition, Region};
/// let region: Region = "cn-northwest-1".parse().unwrap();
/// assert_eq!(region.partition(), Partition::AwsCn);
/// assert_eq!("eusc-de-east-1".parse::<Region>().unwrap().partition(), Partition::AwsEusc);
/// assert!("US-EAST-1".parse::<Region>().is_err());
/// assert!("us-east-1a".parse::<Region>().is_err()); // an availability zone, not a region
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(String);

impl Region {
    /// The longest region code accepted, in characters (AWS Account Management API
    /// reference, `Region` data type: `RegionName` has a maximum length of 50).
    pub const MAX_LEN: usize = 50;

    /// The region code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `text` has the shape of a region code: two to four words of lowercase ASCII
    /// letters, then a number of one or two digits, joined by single hyphens, at most
    /// [`MAX_LEN`](Region::MAX_LEN) characters.
    pub fn is_valid(text: &str) -> bool {
        if text.len() > Self::MAX_LEN {
            return false;
        }
        let Some((words, number)) = text.rsplit_once('-') else {
            return false;
        };
        let number_ok =
            (1..=2).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit());
        let mut count = 0usize;
        let words_ok = words.split('-').all(|word| {
            count += 1;
            !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase())
        });
        number_ok && words_ok && (2..=4).contains(&count)
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
        // Each partition's `regionRegex` (`^us\-gov\-\w+\-\d+$` and the like) wants a word
        // between the prefix and the number: `us-gov-1` is not a GovCloud region.
        PREFIXES
            .iter()
            .find(|(prefix, _)| {
                self.0
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_lowercase()))
            })
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
                "a region code is two to four lowercase words and a one- or two-digit number joined by hyphens, at most 50 characters, like us-east-1",
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

    /// Every region code AWS has published (AWS General Reference, "AWS Regions"; the isolated
    /// and sovereign partitions from the SDKs' `partitions.json`), with its partition.
    const PUBLISHED: &[(&str, Partition)] = &[
        ("us-east-1", Partition::Aws),
        ("us-east-2", Partition::Aws),
        ("us-west-1", Partition::Aws),
        ("us-west-2", Partition::Aws),
        ("af-south-1", Partition::Aws),
        ("ap-east-1", Partition::Aws),
        ("ap-east-2", Partition::Aws),
        ("ap-south-1", Partition::Aws),
        ("ap-south-2", Partition::Aws),
        ("ap-northeast-1", Partition::Aws),
        ("ap-northeast-2", Partition::Aws),
        ("ap-northeast-3", Partition::Aws),
        ("ap-southeast-1", Partition::Aws),
        ("ap-southeast-2", Partition::Aws),
        ("ap-southeast-3", Partition::Aws),
        ("ap-southeast-4", Partition::Aws),
        ("ap-southeast-5", Partition::Aws),
        ("ap-southeast-7", Partition::Aws),
        ("ca-central-1", Partition::Aws),
        ("ca-west-1", Partition::Aws),
        ("eu-central-1", Partition::Aws),
        ("eu-central-2", Partition::Aws),
        ("eu-north-1", Partition::Aws),
        ("eu-south-1", Partition::Aws),
        ("eu-south-2", Partition::Aws),
        ("eu-west-1", Partition::Aws),
        ("eu-west-2", Partition::Aws),
        ("eu-west-3", Partition::Aws),
        ("il-central-1", Partition::Aws),
        ("me-central-1", Partition::Aws),
        ("me-south-1", Partition::Aws),
        ("mx-central-1", Partition::Aws),
        ("sa-east-1", Partition::Aws),
        ("cn-north-1", Partition::AwsCn),
        ("cn-northwest-1", Partition::AwsCn),
        ("us-gov-east-1", Partition::AwsUsGov),
        ("us-gov-west-1", Partition::AwsUsGov),
        ("us-iso-east-1", Partition::AwsIso),
        ("us-iso-west-1", Partition::AwsIso),
        ("us-isob-east-1", Partition::AwsIsoB),
        ("eu-isoe-west-1", Partition::AwsIsoE),
        ("us-isof-south-1", Partition::AwsIsoF),
        ("us-isof-east-1", Partition::AwsIsoF),
        ("eusc-de-east-1", Partition::AwsEusc),
    ];

    #[test]
    fn every_published_region_parses_into_its_partition() {
        for (text, partition) in PUBLISHED {
            let region: Region = text.parse().unwrap();
            assert_eq!(region.partition(), *partition, "{text}");
            assert_eq!(region.to_string(), *text);
        }
    }

    #[test]
    fn a_partition_prefix_needs_a_word_before_the_number() {
        // The SDKs' `regionRegex` (`^us\-gov\-\w+\-\d+$`, ...) does not match these.
        for (text, expected) in [
            ("us-gov-1", Partition::Aws),
            ("us-isob-1", Partition::Aws),
            ("cn-north-x-1", Partition::AwsCn),
        ] {
            let region: Region = text.parse().unwrap();
            assert_eq!(region.partition(), expected, "{text}");
        }
    }

    #[test]
    fn other_shapes_are_refused_with_the_rule() {
        for bad in [
            "",
            "us",
            "us-east",
            "us-east-",
            "-us-east-1",
            "US-east-1",
            "us--1",
            "us-east--1",
            "useast1",
            "us-east-123",
            "us-east-1a",       // an availability zone
            "use1-az1",         // an availability zone id
            "us-east-1-bos-1a", // a Local Zone
            "us_east-1",
            "us-east-1 ",
            "aws-global",
            "a-b-c-d-e-1",
        ] {
            let err = bad.parse::<Region>().unwrap_err();
            assert!(
                matches!(&err, Error::InvalidValue { field: "region", value, .. } if value == bad),
                "{bad}: {err}"
            );
            assert!(err.to_string().contains("like us-east-1"), "{err}");
        }
        let longest = format!("{}-b-1", "a".repeat(Region::MAX_LEN - 4));
        assert!(Region::is_valid(&longest));
        assert!(!Region::is_valid(&format!("a{longest}")));
    }
}
