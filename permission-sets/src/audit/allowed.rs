//! Which catalog actions a policy allows, and which statement allows each.
//!
//! `Action` and `NotAction` are expanded over the catalog. A `Deny` removes an action only
//! when it applies to every resource without conditions; a narrower `Deny` might leave the
//! action allowed somewhere, so for guarantees ("never writes") the action still counts. An
//! action granted only by statements with conditions, or denied everywhere under a
//! condition, is allowed *conditionally*: the audit cannot tell whether the condition holds.

use iam_policy::{ActionClause, Effect, PolicyDocument, ResourceClause, Statement};

use crate::catalog::{Action, Catalog};

/// Where an allowed action comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grantor {
    /// Index of the first Allow statement granting it without conditions, else of the
    /// first granting it at all.
    pub(crate) statement: usize,
    /// True when every granting statement has conditions, or a Deny with conditions might
    /// take it back everywhere.
    pub(crate) conditional: bool,
}

/// The catalog actions a policy allows: a dense table by [`Action::id`].
#[derive(Debug)]
pub(crate) struct Allowed<'c> {
    catalog: &'c Catalog,
    by_id: Vec<Option<Grantor>>,
}

impl<'c> Allowed<'c> {
    /// How many actions are allowed.
    pub(crate) fn len(&self) -> usize {
        self.by_id.iter().filter(|g| g.is_some()).count()
    }

    /// Every allowed action with its grantor, in catalog order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'c Action, Grantor)> + '_ {
        self.by_id
            .iter()
            .enumerate()
            .filter_map(|(id, g)| Some((self.catalog.by_id(id)?, (*g)?)))
    }

    /// The allowed action named `full_name`, if it is allowed.
    pub(crate) fn get(&self, full_name: &str) -> Option<(&'c Action, Grantor)> {
        let action = self.catalog.action(full_name)?;
        Some((action, (*self.by_id.get(action.id())?)?))
    }
}

/// The catalog actions `doc` allows.
pub(crate) fn allowed_actions<'c>(catalog: &'c Catalog, doc: &PolicyDocument) -> Allowed<'c> {
    let mut by_id: Vec<Option<Grantor>> = vec![None; catalog.len()];
    for (index, statement) in doc.statements().iter().enumerate() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let grantor = Grantor {
            statement: index,
            conditional: has_conditions(statement),
        };
        for_each_covered(catalog, statement, |action| {
            if let Some(slot) = by_id.get_mut(action.id()) {
                match slot {
                    Some(held) if held.conditional && !grantor.conditional => *held = grantor,
                    Some(_) => {}
                    None => *slot = Some(grantor),
                }
            }
        });
    }
    for statement in doc.statements() {
        if statement.effect == Effect::Deny && denies_everywhere(statement) {
            let conditional = has_conditions(statement);
            for_each_covered(catalog, statement, |action| {
                if let Some(slot) = by_id.get_mut(action.id()) {
                    if conditional {
                        if let Some(held) = slot {
                            held.conditional = true;
                        }
                    } else {
                        *slot = None;
                    }
                }
            });
        }
    }
    Allowed { catalog, by_id }
}

/// Calls `f` for each catalog action a statement's `Action` / `NotAction` covers (an action
/// matched by several patterns is visited once per pattern).
fn for_each_covered<'c>(
    catalog: &'c Catalog,
    statement: &Statement,
    mut f: impl FnMut(&'c Action),
) {
    match &statement.action {
        ActionClause::Action(patterns) => {
            for pattern in patterns {
                catalog.expand(pattern).into_iter().for_each(&mut f);
            }
        }
        ActionClause::NotAction(patterns) => {
            // The complement of the patterns' expansions: each expansion is a prefix range
            // of one service, so this costs the expansions plus one pass over the catalog,
            // not every pattern against every action.
            let mut excluded = vec![false; catalog.len()];
            for pattern in patterns {
                for action in catalog.expand(pattern) {
                    if let Some(slot) = excluded.get_mut(action.id()) {
                        *slot = true;
                    }
                }
            }
            catalog
                .actions()
                .filter(|a| !excluded.get(a.id()).copied().unwrap_or(false))
                .for_each(f);
        }
    }
}

/// The catalog actions a statement's `Action` / `NotAction` covers, each once, in catalog
/// order.
pub(crate) fn covered<'c>(catalog: &'c Catalog, statement: &Statement) -> Vec<&'c Action> {
    let mut seen = vec![false; catalog.len()];
    let mut actions = Vec::new();
    for_each_covered(catalog, statement, |action| {
        if let Some(slot) = seen.get_mut(action.id())
            && !*slot
        {
            *slot = true;
            actions.push(action);
        }
    });
    actions.sort_by_key(|a| a.id());
    actions
}

/// True when the statement has a non-empty `Condition`.
fn has_conditions(statement: &Statement) -> bool {
    statement.condition.as_ref().is_some_and(|c| !c.is_empty())
}

/// A Deny on every resource (`Resource: "*"`, or no resource element), conditions aside.
fn denies_everywhere(statement: &Statement) -> bool {
    statement.principal.is_none()
        && match &statement.resource {
            None => true,
            Some(ResourceClause::Resource(list)) => list.iter().any(|r| r.is_any()),
            Some(ResourceClause::NotResource(_)) => false,
        }
}
