//! `Action` and `ResourceType`: one catalog action and what it works on.

use super::AccessLevel;

/// A resource type an action works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct ResourceType {
    /// Its name in the Service Authorization Reference, e.g. `object`.
    pub name: &'static str,
    /// True when the reference marks it required (`*`) for this action. The source data
    /// does not always know: `false` means "not marked", not "optional for certain".
    pub required: bool,
}

/// One action of the catalog, e.g. `s3:GetObject`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub(super) id: usize,
    pub(super) service: &'static str,
    pub(super) name: &'static str,
    pub(super) full_name: &'static str,
    pub(super) access: AccessLevel,
    pub(super) resource_types: &'static [ResourceType],
    pub(super) condition_keys: &'static [&'static str],
}

impl Action {
    /// The action's position in its catalog (0 to `len() - 1`, in [`Catalog::actions`]
    /// order), for dense per-action tables.
    ///
    /// [`Catalog::actions`]: super::Catalog::actions
    pub fn id(&self) -> usize {
        self.id
    }

    /// The service prefix, e.g. `s3`.
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// The action name as AWS spells it, e.g. `GetObject`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// `service:Name` as AWS spells it, e.g. `s3:GetObject`.
    pub fn full_name(&self) -> &'static str {
        self.full_name
    }

    /// The access level.
    pub fn access_level(&self) -> AccessLevel {
        self.access
    }

    /// True when the access level is List or Read.
    pub fn is_read_only(&self) -> bool {
        self.access.is_read_only()
    }

    /// The resource types it works on, sorted by name (empty when it supports only `*`).
    pub fn resource_types(&self) -> &'static [ResourceType] {
        self.resource_types
    }

    /// The condition keys it supports (those of its resource types included), sorted.
    pub fn condition_keys(&self) -> &'static [&'static str] {
        self.condition_keys
    }
}
