//! `PermissionSet`: a named, versioned set of grants and managed policies, with the
//! parameters a customer fills in.

mod claims;
mod grant;
mod parameter;
mod reference;

pub use grant::{Access, Grant};
pub use parameter::{Parameter, ParameterRule, ParameterValues};
pub(crate) use parameter::{render_resource, resolve};
pub use reference::PermissionSetRef;

use std::collections::BTreeMap;

use iam_policy::Arn;

use crate::{Guarantee, PermissionSetError};

/// An AWS managed policy attached by ARN, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ManagedPolicy {
    /// `arn:aws:iam::aws:policy/ReadOnlyAccess` and the like.
    pub arn: Arn,
    /// Why the vendor needs it.
    pub justification: String,
}

/// A named, versioned permission set, with the guarantees it claims.
///
/// ```
/// use permission_sets::{
///     Area, Grant, Guarantee, Parameter, ParameterRule, ParameterValues, PermissionSet,
///     PermissionSetError, PolicyTarget,
/// };
/// let set = PermissionSet::builder("acme:artefacts", "1.0.0")
///     .with_description("Read and write build artefacts.")
///     .with_parameter(Parameter::single("Bucket", "The artefact bucket.", ParameterRule::BucketName))
///     .with_grant(Grant::new("Artefacts", Area::Storage, ["s3:GetObject", "s3:PutObject"], "Store builds.")?
///         .with_resources(["arn:aws:s3:::{{Bucket}}/*"]))
///     .with_claims([Guarantee::NoExcludedArea, Guarantee::NoPrivilegeEscalation])
///     .build()?;
/// assert_eq!(set.claims(), [Guarantee::NoExcludedArea, Guarantee::NoPrivilegeEscalation]);
/// let rendered = set.render(&ParameterValues::new().with_value("Bucket", "acme-builds"), PolicyTarget::ManagedPolicies)?;
/// assert!(rendered.documents[0].to_json().contains("arn:aws:s3:::acme-builds/*"));
///
/// // A claim the audit disproves is refused, naming the grant and the action.
/// let error = PermissionSet::builder("acme:artefacts", "1.0.0")
///     .with_grant(Grant::new("Artefacts", Area::Storage, ["s3:PutObject"], "Store builds.")?)
///     .with_claims([Guarantee::ReadOnly])
///     .build()
///     .unwrap_err();
/// assert!(matches!(error, PermissionSetError::ClaimDisproved { guarantee: Guarantee::ReadOnly, .. }));
/// assert!(error.to_string().contains("grant `Artefacts` allows s3:PutObject"));
/// # Ok::<(), PermissionSetError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PermissionSet {
    #[serde(flatten)]
    reference: PermissionSetRef,
    description: String,
    parameters: Vec<Parameter>,
    grants: Vec<Grant>,
    managed_policies: Vec<ManagedPolicy>,
    claims: Vec<Guarantee>,
}

impl PermissionSet {
    /// Starts a set named `name` at `version`; [`build`](PermissionSetBuilder::build) checks
    /// both with the [`PermissionSetRef`] rule.
    pub fn builder(name: &str, version: &str) -> PermissionSetBuilder {
        PermissionSetBuilder {
            name: name.to_owned(),
            version: version.to_owned(),
            set: PermissionSet {
                // Replaced by `build` once the name and version are checked.
                reference: PermissionSetRef::placeholder(),
                description: String::new(),
                parameters: Vec::new(),
                grants: Vec::new(),
                managed_policies: Vec::new(),
                claims: Vec::new(),
            },
            managed_errors: Vec::new(),
        }
    }

    /// The name.
    pub fn name(&self) -> &str {
        self.reference.name()
    }

    /// The version.
    pub fn version(&self) -> &str {
        self.reference.version()
    }

    /// The name and version, as connections and artifacts record them.
    pub fn reference(&self) -> &PermissionSetRef {
        &self.reference
    }

    /// What the set is for.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The parameters customers fill in.
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The grants.
    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// The managed policies attached by ARN.
    pub fn managed_policies(&self) -> &[ManagedPolicy] {
        &self.managed_policies
    }

    /// The guarantees the set claims, sorted, each once; [`build`](PermissionSetBuilder::build)
    /// and every rendering check them with the [`audit`](crate::audit).
    pub fn claims(&self) -> &[Guarantee] {
        &self.claims
    }

    /// Values that satisfy every parameter, for checks and previews: defaults, or a sample
    /// that follows the parameter's rule.
    pub fn sample_values(&self) -> ParameterValues {
        self.parameters
            .iter()
            .fold(ParameterValues::new(), |values, p| {
                let sample = p.default.clone().unwrap_or_else(|| {
                    vec![
                        match p.rule {
                            ParameterRule::IamPath => "/",
                            ParameterRule::BucketName => "example-bucket",
                            ParameterRule::TableName => "ExampleTable",
                            ParameterRule::NamePrefix => "example-",
                        }
                        .to_owned(),
                    ]
                });
                values.with_values(&p.name, sample)
            })
    }
}

/// Builds a [`PermissionSet`], checking it as a whole on [`build`](PermissionSetBuilder::build).
#[derive(Debug, Clone)]
pub struct PermissionSetBuilder {
    name: String,
    version: String,
    set: PermissionSet,
    managed_errors: Vec<PermissionSetError>,
}

impl PermissionSetBuilder {
    /// Sets the description.
    pub fn with_description(mut self, description: &str) -> Self {
        self.set.description = description.to_owned();
        self
    }

    /// Adds a parameter.
    pub fn with_parameter(mut self, parameter: Parameter) -> Self {
        self.set.parameters.push(parameter);
        self
    }

    /// Adds a grant.
    pub fn with_grant(mut self, grant: Grant) -> Self {
        self.set.grants.push(grant);
        self
    }

    /// Claims guarantees (added to any claimed before). [`build`](Self::build) refuses the set
    /// when the audit of its documents (with [sample values](PermissionSet::sample_values))
    /// disproves one, or when the set attaches managed policies, whose statements the audit
    /// cannot see; [`render`](PermissionSet::render) and
    /// [`session_policy`](PermissionSet::session_policy) check them again with the customer's
    /// values, which can matter (a `PassRole` path of `/` passes every role).
    pub fn with_claims(mut self, guarantees: impl IntoIterator<Item = Guarantee>) -> Self {
        self.set.claims.extend(guarantees);
        self.set.claims.sort();
        self.set.claims.dedup();
        self
    }

    /// Attaches a managed policy by ARN.
    pub fn with_managed_policy(mut self, arn: &str, justification: &str) -> Self {
        match arn.parse::<Arn>() {
            Ok(parsed) if parsed.service() == "iam" && parsed.resource().starts_with("policy/") => {
                self.set.managed_policies.push(ManagedPolicy {
                    arn: parsed,
                    justification: justification.to_owned(),
                })
            }
            Ok(_) => self.managed_errors.push(PermissionSetError::invalid(
                "managed policy",
                arn,
                "a managed policy ARN looks like arn:aws:iam::aws:policy/NAME",
            )),
            Err(e) => self.managed_errors.push(e.into()),
        }
        self
    }

    /// Checks and returns the set: name and version rules, unique grant ids, every grant's
    /// [`check`](Grant::check) (actions known to the catalog, typos such as `s3:GetObjects`
    /// refused with a suggestion; declared areas that are the catalog's; the excluded area
    /// only with an opt-in), placeholders that name declared parameters, resources that render
    /// to valid patterns, and the claimed guarantees, audited with sample values.
    pub fn build(self) -> Result<PermissionSet, PermissionSetError> {
        let mut set = self.set;
        if let Some(error) = self.managed_errors.into_iter().next() {
            return Err(error);
        }
        set.reference = PermissionSetRef::new(&self.name, &self.version)?;
        if set.grants.is_empty() && set.managed_policies.is_empty() {
            return Err(PermissionSetError::invalid(
                "permission set",
                set.name(),
                "a permission set needs at least one grant or managed policy",
            ));
        }
        let mut ids = std::collections::BTreeSet::new();
        for grant in &set.grants {
            if !ids.insert(grant.id.as_str()) {
                return Err(PermissionSetError::invalid(
                    "grant id",
                    &grant.id,
                    "grant ids are unique within a set (they become statement Sids)",
                ));
            }
        }
        let mut names = std::collections::BTreeSet::new();
        for p in &set.parameters {
            if p.name.is_empty()
                || !p.name.bytes().all(|b| b.is_ascii_alphanumeric())
                || !names.insert(p.name.as_str())
            {
                return Err(PermissionSetError::invalid(
                    "parameter name",
                    &p.name,
                    "parameter names are unique and made of letters and digits",
                ));
            }
        }
        let catalog = crate::Catalog::aws();
        for grant in &set.grants {
            grant.check(catalog)?;
        }
        let samples: BTreeMap<String, Vec<String>> =
            resolve(&set.parameters, &set.sample_values())?;
        for grant in &set.grants {
            for resource in &grant.resources {
                render_resource(resource, &samples)?;
            }
        }
        set.check_claims_with(&set.sample_values())?;
        Ok(set)
    }
}
