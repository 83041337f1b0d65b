//! `Service`: one service prefix and its actions, with a case-insensitive index.

use std::collections::HashMap;

use super::Action;

/// One AWS service (one action prefix).
#[derive(Debug, Clone)]
pub struct Service {
    pub(super) prefix: &'static str,
    pub(super) name: &'static str,
    /// Sorted by lowercase name.
    pub(super) actions: Vec<Action>,
    /// Lowercase action names, in the same order as `actions`.
    pub(super) lower_names: Vec<&'static str>,
    /// Lowercase action name to its index in `actions`.
    pub(super) by_name: HashMap<&'static str, usize>,
}

impl Service {
    /// The prefix used in actions, e.g. `s3`.
    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// The service's name, e.g. `Amazon S3`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Its actions, sorted by name (case-insensitively).
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// An action by name (`GetObject`), case-insensitively.
    pub fn action(&self, name: &str) -> Option<&Action> {
        let index = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            self.by_name.get(name.to_ascii_lowercase().as_str())
        } else {
            self.by_name.get(name)
        };
        index.and_then(|&i| self.actions.get(i))
    }

    /// The lowercase names of `actions`, a range of this service's actions (as
    /// [`Service::starting_with`] returns), in the same order.
    pub(super) fn lower_names_of(&self, actions: &[Action]) -> &[&'static str] {
        let start = match (actions.first(), self.actions.first()) {
            (Some(first), Some(base)) => first.id().saturating_sub(base.id()),
            _ => return &[],
        };
        self.lower_names
            .get(start..start.saturating_add(actions.len()))
            .unwrap_or_default()
    }

    /// The actions whose lowercase names start with `lower_prefix` (lowercase), found by
    /// binary search.
    pub(super) fn starting_with(&self, lower_prefix: &str) -> &[Action] {
        // `lower_names` and `actions` are parallel (the parser pushes one of each).
        let start = self.lower_names.partition_point(|n| &**n < lower_prefix);
        let names = self.lower_names.get(start..).unwrap_or_default();
        let len = names.partition_point(|n| n.starts_with(lower_prefix));
        self.actions.get(start..start + len).unwrap_or_default()
    }
}
