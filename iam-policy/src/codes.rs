//! One way to declare finding codes: [`finding_codes!`](crate::finding_codes) turns one table
//! (variant, stable name, severity) into a closed enum with its names, severities, parsing,
//! serde and JSON Schema, so the name and the severity of a code cannot drift apart and no
//! finding anywhere in the workspace carries a `format!`-built code.
//!
//! Every crate that reports findings (validation here, trust policy lint, the permission
//! audit, the connection test, connection diagnoses) declares its codes with it, and every
//! severity is on the one scale, [`Severity`](crate::Severity).

/// A code name that is not in the table of the code type being parsed.
///
/// ```
/// use iam_policy::FindingCode;
/// let err = "NOT_A_CODE".parse::<FindingCode>().unwrap_err();
/// assert_eq!(err.to_string(), "unknown FindingCode \"NOT_A_CODE\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {name:?}")]
pub struct UnknownCode {
    kind: &'static str,
    name: String,
}

impl UnknownCode {
    /// `name` is not a `kind` (the code type's name).
    pub fn new(kind: &'static str, name: &str) -> UnknownCode {
        UnknownCode {
            kind,
            name: name.to_owned(),
        }
    }

    /// The code type that was being parsed.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The name that is not in its table.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// What the macro needs from outside the calling crate; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use schemars;
    pub use serde;
}

/// Declares a closed enum of finding codes from one table.
///
/// Each row is `Variant = "STABLE_NAME", Severity;` where `Severity` names a variant of
/// [`Severity`](crate::Severity). The enum gets `ALL` (every code, in table order),
/// `as_str`, `severity`, `Display`, `FromStr` (error [`UnknownCode`]), serde as the stable
/// name, and a JSON Schema listing every name. Attributes before `enum` (docs,
/// `#[non_exhaustive]`) are kept; the string after the enum name describes it in the schema.
///
/// ```
/// use iam_policy::{Severity, finding_codes};
///
/// finding_codes! {
///     /// What the example checks.
///     pub enum ExampleCode: "A stable code of the example check." {
///         /// Broken.
///         Broken = "BROKEN", Error;
///         /// Could be better.
///         Meh = "MEH", Suggestion;
///     }
/// }
///
/// assert_eq!(ExampleCode::Broken.as_str(), "BROKEN");
/// assert_eq!(ExampleCode::Meh.severity(), Severity::Suggestion);
/// assert_eq!("MEH".parse::<ExampleCode>().unwrap(), ExampleCode::Meh);
/// assert_eq!(serde_json::to_string(&ExampleCode::Broken).unwrap(), "\"BROKEN\"");
/// assert!(serde_json::from_str::<ExampleCode>("\"broken\"").is_err());
/// assert_eq!(ExampleCode::ALL.len(), 2);
/// ```
#[macro_export]
macro_rules! finding_codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $description:literal {
            $( $(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$doc])* $variant, )+
        }

        impl $name {
            /// Every code, in table order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name, e.g. `"ACCESS_DENIED"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// The severity every finding with this code has.
            pub fn severity(self) -> $crate::Severity {
                match self {
                    $($name::$variant => $crate::Severity::$severity,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::UnknownCode;
            fn from_str(name: &str) -> ::std::result::Result<Self, $crate::UnknownCode> {
                match name {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::UnknownCode::new(stringify!($name), name)),
                }
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let name: ::std::borrow::Cow<'de, str> =
                    $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                name.parse()
                    .map_err(<D::Error as $crate::__private::serde::de::Error>::custom)
            }
        }

        impl $crate::__private::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(
                _: &mut $crate::__private::schemars::SchemaGenerator,
            ) -> $crate::__private::schemars::Schema {
                $crate::__private::schemars::json_schema!({
                    "description": $description,
                    "type": "string",
                    "enum": [$($code),+]
                })
            }
        }
    };
}
