//! `Grant`: one line of a permission set, with the area it belongs to and why it is there.

mod check;

use iam_policy::{ActionPattern, Condition};

use crate::{Area, Catalog, PermissionSetError};

/// Whether a grant only reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Every action is List or Read.
    ReadOnly,
    /// Some action writes, manages permissions or tags.
    ReadWrite,
}

/// One grant: actions on resources (optionally under conditions), its area, a one-line
/// justification the customer reads, and whether its actions need a second approval.
///
/// The declared area must be the catalog's area ([`area_of`](crate::area_of)) of every action
/// the patterns expand to, and the excluded area is refused unless the grant opts in with
/// [`allow_excluded`](Grant::allow_excluded), saying why; [`check`](Grant::check) (run by
/// [`PermissionSetBuilder::build`](crate::PermissionSetBuilder::build)) enforces both.
///
/// ```
/// use permission_sets::{Area, Catalog, Grant};
/// let grant = Grant::new("ReadObjects", Area::Storage, ["s3:GetObject"], "Read build artefacts.")?
///     .with_resources(["arn:aws:s3:::{{Buckets}}/*"]);
/// assert_eq!(grant.resources, ["arn:aws:s3:::{{Buckets}}/*"]);
/// assert!(!grant.step_up);
/// assert!(grant.check(Catalog::aws()).is_ok());
///
/// // Cost Explorer is billing, in the excluded area: refused unless the grant opts in.
/// let costs = Grant::new("Costs", Area::Excluded, ["ce:GetCostAndUsage"], "Show savings.")?;
/// assert!(costs.check(Catalog::aws()).is_err());
/// let costs = costs.allow_excluded("Reads the bill to confirm savings; it never changes it.")?;
/// assert!(costs.check(Catalog::aws()).is_ok());
/// # Ok::<(), permission_sets::PermissionSetError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Grant {
    /// Identifier, letters and digits; it becomes the statement's `Sid`.
    pub id: String,
    /// The area the grant belongs to.
    pub area: Area,
    /// The actions (patterns allowed).
    pub actions: Vec<ActionPattern>,
    /// Resource patterns, which may use `{{Parameter}}` placeholders; `*` by default.
    pub resources: Vec<String>,
    /// Conditions, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// Why the vendor needs it, in one line.
    pub justification: String,
    /// True when using these actions needs a second approval (step-up) in the vendor's product.
    pub step_up: bool,
    /// Why the vendor needs actions from the excluded area, when the grant opts in (never
    /// blank; set only by [`allow_excluded`](Grant::allow_excluded)).
    #[serde(skip_serializing_if = "Option::is_none")]
    excluded_area_justification: Option<String>,
}

impl Grant {
    /// A grant of `actions` on every resource.
    pub fn new<I, S>(
        id: &str,
        area: Area,
        actions: I,
        justification: &str,
    ) -> Result<Grant, PermissionSetError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(PermissionSetError::invalid(
                "grant id",
                id,
                "a grant id is letters and digits (it becomes the statement Sid)",
            ));
        }
        if justification.trim().is_empty() {
            return Err(PermissionSetError::invalid(
                "justification",
                id,
                "every grant says in one line why the vendor needs it",
            ));
        }
        let actions = actions
            .into_iter()
            .map(|a| a.as_ref().parse::<ActionPattern>())
            .collect::<Result<Vec<_>, _>>()?;
        if actions.is_empty() {
            return Err(PermissionSetError::invalid(
                "actions",
                id,
                "a grant needs at least one action",
            ));
        }
        Ok(Grant {
            id: id.to_owned(),
            area,
            actions,
            resources: vec!["*".to_owned()],
            condition: None,
            justification: justification.to_owned(),
            step_up: false,
            excluded_area_justification: None,
        })
    }

    /// Restricts the grant to these resources (templates with `{{Parameter}}` placeholders).
    pub fn with_resources<I, S>(mut self, resources: I) -> Grant
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.resources = resources.into_iter().map(Into::into).collect();
        self
    }

    /// Adds conditions.
    pub fn with_condition(mut self, condition: Condition) -> Grant {
        self.condition = Some(condition);
        self
    }

    /// Read-only when every catalog action its patterns cover is List or Read.
    pub fn access(&self, catalog: &Catalog) -> Access {
        let writes = self.actions.iter().any(|pattern| {
            catalog
                .expand(pattern)
                .iter()
                .any(|a| !a.access_level().is_read_only())
        });
        if writes {
            Access::ReadWrite
        } else {
            Access::ReadOnly
        }
    }

    /// Marks the grant as needing a second approval.
    pub fn step_up(mut self) -> Grant {
        self.step_up = true;
        self
    }

    /// Opts the grant in to the excluded area ([`Area::Excluded`]: IAM user, credential and
    /// policy management, billing, Organizations, audit-trail changes), which is otherwise
    /// refused. `why` says, for the customer, why the vendor needs it; it shows in the "why
    /// each line" table. The grant must declare [`Area::Excluded`].
    ///
    /// A blank `why` is refused.
    pub fn allow_excluded(mut self, why: &str) -> Result<Grant, PermissionSetError> {
        if why.trim().is_empty() {
            return Err(PermissionSetError::invalid(
                "excluded-area justification",
                &self.id,
                "a grant that opts in to the excluded area says why the vendor needs it",
            ));
        }
        self.excluded_area_justification = Some(why.to_owned());
        Ok(self)
    }

    /// Why the grant opts in to the excluded area, when it does.
    pub fn excluded_area_justification(&self) -> Option<&str> {
        self.excluded_area_justification.as_deref()
    }
}
