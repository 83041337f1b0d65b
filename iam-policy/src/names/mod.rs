//! Validated identifiers: account ids, ARNs, role ARNs, action and resource patterns.
//!
//! Each type can only hold a value that satisfies its rule; each parses with `FromStr`,
//! prints with `Display` and (de)serializes as a plain JSON string.

mod account;
mod action;
mod arn;
mod region;
mod resource;
mod role_arn;

pub use account::AccountId;
pub use action::{ActionMatcher, ActionPattern};
pub use arn::{Arn, Partition};
pub use region::Region;
pub use resource::ResourcePattern;
pub use role_arn::RoleArn;

/// Implements `Serialize`/`Deserialize` through `Display`/`FromStr` and a string JSON schema.
macro_rules! string_serde {
    ($ty:ty, $name:literal, $description:literal) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "description": $description })
            }
        }
    };
}
pub(crate) use string_serde;
