//! `VendorPrincipal`: who the customer's role trusts, an account or one specific role.

use std::fmt;

use iam_policy::{AccountId, Partition, RoleArn};

/// The vendor identity a trust policy names.
///
/// Trusting the vendor's account root delegates the choice of caller to the vendor's own IAM
/// policies; trusting one role ARN is narrower and is what a careful customer may ask for.
///
/// ```
/// use trust_policy::VendorPrincipal;
/// let account = VendorPrincipal::account("999988887777".parse().unwrap());
/// assert_eq!(account.principal_arn(), "arn:aws:iam::999988887777:root");
/// let role = VendorPrincipal::Role("arn:aws:iam::999988887777:role/scanner".parse().unwrap());
/// assert_eq!(role.account_id().as_str(), "999988887777");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum VendorPrincipal {
    /// The vendor's whole account (`arn:PARTITION:iam::ACCOUNT:root`).
    Account {
        /// The account id.
        account: AccountId,
        /// Its partition.
        #[serde(with = "partition_serde")]
        partition: Partition,
    },
    /// One role in the vendor's account.
    Role(RoleArn),
}

impl VendorPrincipal {
    /// The vendor's account in the `aws` partition.
    pub fn account(account: AccountId) -> VendorPrincipal {
        VendorPrincipal::Account {
            account,
            partition: Partition::Aws,
        }
    }

    /// The ARN written in the trust policy's `Principal`.
    pub fn principal_arn(&self) -> String {
        match self {
            VendorPrincipal::Account { account, partition } => {
                format!("arn:{partition}:iam::{account}:root")
            }
            VendorPrincipal::Role(role) => role.to_string(),
        }
    }

    /// The vendor's account id.
    pub fn account_id(&self) -> &AccountId {
        match self {
            VendorPrincipal::Account { account, .. } => account,
            VendorPrincipal::Role(role) => role.account_id(),
        }
    }

    /// The partition.
    pub fn partition(&self) -> Partition {
        match self {
            VendorPrincipal::Account { partition, .. } => *partition,
            VendorPrincipal::Role(role) => role.partition(),
        }
    }
}

impl fmt::Display for VendorPrincipal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.principal_arn())
    }
}

mod partition_serde {
    use iam_policy::Partition;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(p: &Partition, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(p.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Partition, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
