//! `PermissionSetRef`: which permission set, at which version; the one naming rule every
//! crate uses (a connection records it, onboarding artifacts carry it).

use std::fmt;

use crate::PermissionSetError;

/// A permission set's name and version, checked once here.
///
/// - name: 1 to 128 characters from lowercase ASCII letters, digits, `-`, `_` and `:`
///   (`acme:read-only`);
/// - version: `MAJOR.MINOR.PATCH`, each part ASCII digits, at most 32 characters in all.
///
/// ```
/// use permission_sets::PermissionSetRef;
/// let r = PermissionSetRef::new("acme:read-only", "1.2.0")?;
/// assert_eq!((r.name(), r.version()), ("acme:read-only", "1.2.0"));
/// assert_eq!(r.to_string(), "acme:read-only@1.2.0");
/// assert!(PermissionSetRef::new("Acme", "1.0.0").is_err());
/// assert!(PermissionSetRef::new("acme", "1.0").is_err());
/// assert!(PermissionSetRef::new(&"a".repeat(129), "1.0.0").is_err());
/// let json = serde_json::to_string(&r)?;
/// assert_eq!(json, r#"{"name":"acme:read-only","version":"1.2.0"}"#);
/// assert_eq!(serde_json::from_str::<PermissionSetRef>(&json)?, r);
/// assert!(serde_json::from_str::<PermissionSetRef>(r#"{"name":"x","version":"v1"}"#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, schemars::JsonSchema,
)]
#[schemars(description = "A permission set's name and version.")]
pub struct PermissionSetRef {
    /// 1 to 128 lowercase letters, digits, `-`, `_` and `:`.
    #[schemars(length(min = 1, max = 128), regex(pattern = r"^[a-z0-9_:-]{1,128}$"))]
    name: String,
    /// `MAJOR.MINOR.PATCH`.
    #[schemars(length(max = 32), regex(pattern = r"^[0-9]+\.[0-9]+\.[0-9]+$"))]
    version: String,
}

impl PermissionSetRef {
    /// The longest name, in characters.
    pub const MAX_NAME_LEN: usize = 128;
    /// The longest version, in characters.
    pub const MAX_VERSION_LEN: usize = 32;

    /// Checks `name` and `version`; the error names the field and the rule.
    pub fn new(name: &str, version: &str) -> Result<PermissionSetRef, PermissionSetError> {
        PermissionSetRef::check_name(name)?;
        PermissionSetRef::check_version(version)?;
        Ok(PermissionSetRef {
            name: name.to_owned(),
            version: version.to_owned(),
        })
    }

    /// A valid reference the builder holds until it has checked the real one.
    pub(crate) fn placeholder() -> PermissionSetRef {
        PermissionSetRef {
            name: "unnamed".to_owned(),
            version: "0.0.0".to_owned(),
        }
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The version.
    pub fn version(&self) -> &str {
        &self.version
    }

    fn check_name(name: &str) -> Result<(), PermissionSetError> {
        let ok = (1..=PermissionSetRef::MAX_NAME_LEN).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_:".contains(&b));
        if ok {
            Ok(())
        } else {
            Err(PermissionSetError::invalid(
                "permission set name",
                name,
                "a permission set name is 1 to 128 lowercase letters, digits, '-', '_' and ':'",
            ))
        }
    }

    fn check_version(version: &str) -> Result<(), PermissionSetError> {
        let mut parts = 0;
        let parts_ok = version.split('.').all(|p| {
            parts += 1;
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
        });
        if parts_ok && parts == 3 && version.len() <= PermissionSetRef::MAX_VERSION_LEN {
            Ok(())
        } else {
            Err(PermissionSetError::invalid(
                "permission set version",
                version,
                "a version is MAJOR.MINOR.PATCH in digits, at most 32 characters, e.g. 1.0.0",
            ))
        }
    }
}

impl fmt::Display for PermissionSetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.name, self.version)
    }
}

#[derive(serde::Deserialize)]
struct WireRef {
    name: String,
    version: String,
}

impl<'de> serde::Deserialize<'de> for PermissionSetRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let WireRef { name, version } = WireRef::deserialize(deserializer)?;
        PermissionSetRef::new(&name, &version).map_err(<D::Error as serde::de::Error>::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn accepted_refs_follow_the_rule(name in "[a-zA-Z0-9_:. -]{0,130}", version in "[0-9.a]{0,36}") {
            match PermissionSetRef::new(&name, &version) {
                Ok(r) => {
                    proptest::prop_assert!(!name.is_empty() && name.len() <= 128);
                    proptest::prop_assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_:".contains(&b)));
                    proptest::prop_assert_eq!(version.split('.').count(), 3);
                    let json = serde_json::to_string(&r).unwrap();
                    proptest::prop_assert_eq!(serde_json::from_str::<PermissionSetRef>(&json).unwrap(), r);
                }
                Err(PermissionSetError::InvalidValue { field, .. }) => {
                    proptest::prop_assert!(field == "permission set name" || field == "permission set version");
                }
                Err(other) => proptest::prop_assert!(false, "unexpected {other}"),
            }
        }
    }
}
