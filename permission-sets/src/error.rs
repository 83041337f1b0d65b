//! The crate's one error type; every variant has a stable [`PermissionSetErrorCode`].

mod code;

pub use code::PermissionSetErrorCode;

use iam_policy::Finding;

use crate::{Area, Guarantee, PermissionSetRef, Violation};

/// Everything that can go wrong defining, rendering or checking permission sets.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PermissionSetError {
    /// A value broke its rule; the field, the value and the rule are named.
    #[error("invalid {field} {value:?}: {rule}")]
    InvalidValue {
        /// What the value was meant to be.
        field: &'static str,
        /// The rejected input.
        value: String,
        /// The rule it broke.
        rule: String,
    },
    /// An action names a service the catalog does not know.
    #[error("unknown service {service:?} in {pattern:?}: no AWS service has this prefix")]
    UnknownService {
        /// The prefix.
        service: String,
        /// The whole pattern.
        pattern: String,
    },
    /// An action the service does not have (a typo, usually).
    #[error("unknown action {action:?}: its service has no action of that name{}", suggestion.as_ref().map(|s| format!("; did you mean {s:?}?")).unwrap_or_default())]
    UnknownAction {
        /// The action as written.
        action: String,
        /// The closest real action, if one is close.
        suggestion: Option<String>,
    },
    /// A wildcard pattern that matches no action of its service.
    #[error(
        "the action pattern {pattern:?} matches no action: a wildcard must cover at least one action of its service"
    )]
    MatchesNothing {
        /// The pattern.
        pattern: String,
    },
    /// Something does not fit an IAM or STS quota.
    #[error("{what} is {size}, {} over the limit of {limit}", size.saturating_sub(*limit))]
    TooLarge {
        /// What is too large.
        what: String,
        /// Its size (characters, or a count).
        size: usize,
        /// The quota.
        limit: usize,
    },
    /// A rendered document has validation errors.
    #[error("the rendered policy does not validate: {}", .findings.iter().map(|f| format!("{} at {}: {}", f.code, f.location, f.message)).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// The error findings.
        findings: Vec<Finding>,
    },
    /// An `iam-policy` value was rejected.
    #[error(transparent)]
    Policy(#[from] iam_policy::Error),
    /// A grant's declared area is not the catalog's area of an action its patterns expand to
    /// (see [`area_of`](crate::area_of)).
    #[error(
        "grant `{grant}` declares area {declared} but {action} is {actual}: a grant's area must be the catalog's area of every action it grants"
    )]
    AreaMismatch {
        /// The grant id.
        grant: String,
        /// The area the grant declares.
        declared: Area,
        /// The first action (in catalog order) whose area differs.
        action: String,
        /// That action's area in the catalog.
        actual: Area,
    },
    /// A grant reaches the excluded area without opting in with
    /// [`Grant::allow_excluded`](crate::Grant::allow_excluded).
    #[error(
        "grant `{grant}` grants {action} from the excluded area without opting in: the excluded area (IAM user, credential and policy management, billing, Organizations, audit-trail changes) is refused unless the grant opts in with Grant::allow_excluded and says why"
    )]
    ExcludedAreaNotAllowed {
        /// The grant id.
        grant: String,
        /// The first excluded action (in catalog order) it grants.
        action: String,
    },
    /// A guarantee the set claims is broken by what it grants, as the audit shows.
    #[error("{}", claim_disproved(set, *guarantee, grant.as_deref(), violations))]
    ClaimDisproved {
        /// The set.
        set: PermissionSetRef,
        /// The guarantee it claims.
        guarantee: Guarantee,
        /// The grant behind the first violation, when the statement maps back to one.
        grant: Option<String>,
        /// Every action that breaks the guarantee, sorted by action (never empty).
        violations: Vec<Violation>,
    },
    /// A guarantee the set claims cannot be checked, because the set attaches a managed
    /// policy whose statements the audit does not see.
    #[error(
        "permission set `{set}` claims {guarantee}, which the audit cannot check: it attaches the managed policy {policy}, whose statements are not known here; drop the claim or the managed policy"
    )]
    ClaimUnverifiable {
        /// The set.
        set: PermissionSetRef,
        /// The guarantee it claims.
        guarantee: Guarantee,
        /// The ARN of the managed policy that makes the claim unverifiable.
        policy: String,
    },
}

impl PermissionSetError {
    pub(crate) fn invalid(field: &'static str, value: &str, rule: impl Into<String>) -> Self {
        PermissionSetError::InvalidValue {
            field,
            value: value.to_owned(),
            rule: rule.into(),
        }
    }

    /// The stable code of this error.
    ///
    /// ```
    /// use permission_sets::{Area, Grant, PermissionSet, PermissionSetErrorCode};
    /// let error = PermissionSet::builder("acme:logs", "1.0.0")
    ///     .with_grant(Grant::new("Logs", Area::Observability, ["s3:GetObject"], "Read logs.")?)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(error.code(), PermissionSetErrorCode::AreaMismatch);
    /// assert_eq!(error.code().as_str(), "AREA_MISMATCH");
    /// # Ok::<(), permission_sets::PermissionSetError>(())
    /// ```
    pub fn code(&self) -> PermissionSetErrorCode {
        match self {
            PermissionSetError::InvalidValue { .. } => PermissionSetErrorCode::InvalidValue,
            PermissionSetError::UnknownService { .. } => PermissionSetErrorCode::UnknownService,
            PermissionSetError::UnknownAction { .. } => PermissionSetErrorCode::UnknownAction,
            PermissionSetError::MatchesNothing { .. } => PermissionSetErrorCode::MatchesNothing,
            PermissionSetError::TooLarge { .. } => PermissionSetErrorCode::TooLarge,
            PermissionSetError::Invalid { .. } => PermissionSetErrorCode::InvalidPolicy,
            PermissionSetError::Policy(_) => PermissionSetErrorCode::InvalidPolicyValue,
            PermissionSetError::AreaMismatch { .. } => PermissionSetErrorCode::AreaMismatch,
            PermissionSetError::ExcludedAreaNotAllowed { .. } => {
                PermissionSetErrorCode::ExcludedAreaNotAllowed
            }
            PermissionSetError::ClaimDisproved { .. } => PermissionSetErrorCode::ClaimDisproved,
            PermissionSetError::ClaimUnverifiable { .. } => {
                PermissionSetErrorCode::ClaimUnverifiable
            }
        }
    }
}

/// "permission set `s@1.0.0` claims read-only but grant `G` allows s3:PutObject: access level
/// Write (NOT_READ_ONLY)", and how many more actions break it.
fn claim_disproved(
    set: &PermissionSetRef,
    guarantee: Guarantee,
    grant: Option<&str>,
    violations: &[Violation],
) -> String {
    let Some(first) = violations.first() else {
        return format!("permission set `{set}` claims {guarantee}, which the audit disproves");
    };
    let by = grant.map_or_else(|| "a statement".to_owned(), |g| format!("grant `{g}`"));
    let more = match violations.len() {
        1 => String::new(),
        n => format!("; {} more actions break it", n - 1),
    };
    format!(
        "permission set `{set}` claims {guarantee} but {by} allows {}: {} ({}){more}",
        first.action(),
        first.reason(),
        first.code()
    )
}
