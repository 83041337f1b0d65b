//! Rendering a permission set into what IAM takes: policy documents that fit the quotas, a
//! session policy, and the "why each line" explanation.

mod explain;
mod pack;

pub use explain::ExplanationRow;

use iam_policy::{
    ActionClause, Arn, Effect, OneOrMany, PolicyDocument, PolicyKind, ResourceClause, Severity,
    Statement, Validator,
};

use crate::set::{render_resource, resolve};
use crate::{Grant, ParameterValues, PermissionSet, PermissionSetError};

/// Where the rendered documents go, which decides their size quota (IAM User Guide, "IAM and
/// AWS STS quotas"; IAM does not count white space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyTarget {
    /// Customer managed policies, 6,144 characters each; as many as needed.
    ManagedPolicies,
    /// Inline policies of the role: 10,240 characters for all of them together.
    InlinePolicies,
}

impl PolicyTarget {
    fn kind(self) -> PolicyKind {
        match self {
            PolicyTarget::ManagedPolicies => PolicyKind::ManagedPolicy,
            PolicyTarget::InlinePolicies => PolicyKind::RoleInlinePolicy,
        }
    }
}

/// A rendered permission set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The policy documents, each within its quota and free of validation errors.
    pub documents: Vec<PolicyDocument>,
    /// Managed policies to attach by ARN.
    pub managed_policy_arns: Vec<Arn>,
}

/// The most managed policies a role can have attached by default (IAM quotas: "Managed
/// policies attached to an IAM role: 10", raisable to 20).
pub const DEFAULT_ATTACHED_POLICY_QUOTA: usize = 10;

/// STS: the plaintext of a session policy is at most 2,048 characters.
pub const SESSION_POLICY_LIMIT: usize = 2048;

impl PermissionSet {
    /// Renders one statement per grant (split when a grant alone exceeds the quota) and packs
    /// them into as few documents as fit the target's quota. The claimed guarantees are
    /// checked on the result ([`check_claims`](Self::check_claims)): the customer's values can
    /// break one that held for the sample values.
    pub fn render(
        &self,
        values: &ParameterValues,
        target: PolicyTarget,
    ) -> Result<Rendered, PermissionSetError> {
        let statements = self.statements(values, None)?;
        let limit = target.kind().size_limit().unwrap_or(usize::MAX);
        let documents = match target {
            PolicyTarget::ManagedPolicies => pack::pack(statements, limit)?,
            PolicyTarget::InlinePolicies => {
                let doc = PolicyDocument::new(statements);
                let size = iam_policy::policy_size(&doc);
                if size > limit {
                    return Err(PermissionSetError::TooLarge {
                        what: format!("the inline policies of {}", self.name()),
                        size,
                        limit,
                    });
                }
                if doc.statements().is_empty() {
                    Vec::new()
                } else {
                    vec![doc]
                }
            }
        };
        let managed_policy_arns: Vec<Arn> = self
            .managed_policies()
            .iter()
            .map(|m| m.arn.clone())
            .collect();
        if target == PolicyTarget::ManagedPolicies
            && documents.len() + managed_policy_arns.len() > DEFAULT_ATTACHED_POLICY_QUOTA
        {
            return Err(PermissionSetError::TooLarge {
                what: format!("the managed policies attached for {}", self.name()),
                size: documents.len() + managed_policy_arns.len(),
                limit: DEFAULT_ATTACHED_POLICY_QUOTA,
            });
        }
        for doc in &documents {
            check_valid(doc, target.kind())?;
        }
        self.check_claims(&documents, &managed_policy_arns)?;
        Ok(Rendered {
            documents,
            managed_policy_arns,
        })
    }

    /// A session policy for `AssumeRole`'s `Policy` parameter: the grants named in `grant_ids`
    /// (all when `None`), so one session gets less than the role may do. The result must fit
    /// STS's 2,048-character limit. Managed policies are not included: pass their ARNs as
    /// `PolicyArns`. The claimed guarantees are checked on the session policy.
    pub fn session_policy(
        &self,
        values: &ParameterValues,
        grant_ids: Option<&[&str]>,
    ) -> Result<PolicyDocument, PermissionSetError> {
        if let Some(ids) = grant_ids {
            for id in ids {
                if !self.grants().iter().any(|g| g.id == *id) {
                    return Err(PermissionSetError::invalid(
                        "grant id",
                        id,
                        format!("{} has no such grant", self.name()),
                    ));
                }
            }
        }
        let doc = PolicyDocument::new(self.statements(values, grant_ids)?);
        let size = iam_policy::policy_size(&doc);
        if size > SESSION_POLICY_LIMIT {
            return Err(PermissionSetError::TooLarge {
                what: format!("the session policy for {}", self.name()),
                size,
                limit: SESSION_POLICY_LIMIT,
            });
        }
        check_valid(&doc, PolicyKind::SessionPolicy)?;
        self.check_claims(std::slice::from_ref(&doc), &[])?;
        Ok(doc)
    }

    /// The grant a rendered statement came from: its `Sid` is the grant id, or the grant id
    /// followed by `PartN` when [`render`](Self::render) split the grant to fit a quota. Tools
    /// that re-express the rendered documents (a CloudFormation template that turns parameter
    /// values back into template parameters) use it to find the resource templates.
    pub fn grant_of(&self, statement: &Statement) -> Option<&Grant> {
        let sid = statement.sid.as_deref()?;
        let exact = self.grants().iter().find(|g| g.id == sid);
        exact.or_else(|| {
            let (base, number) = sid.rsplit_once("Part")?;
            if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            self.grants().iter().find(|g| g.id == base)
        })
    }

    /// One statement per grant (those in `only`, or all), with `values` filled in.
    pub(crate) fn statements(
        &self,
        values: &ParameterValues,
        only: Option<&[&str]>,
    ) -> Result<Vec<Statement>, PermissionSetError> {
        let resolved = resolve(self.parameters(), values)?;
        let mut statements = Vec::new();
        for grant in self.grants() {
            if only.is_some_and(|ids| !ids.contains(&grant.id.as_str())) {
                continue;
            }
            let mut resources = Vec::new();
            for template in &grant.resources {
                for resource in render_resource(template, &resolved)? {
                    if !resources.contains(&resource) {
                        resources.push(resource);
                    }
                }
            }
            let mut statement = Statement::new(
                Effect::Allow,
                ActionClause::Action(OneOrMany::Many(grant.actions.clone())),
            )
            .with_sid(grant.id.clone());
            statement.resource = Some(ResourceClause::Resource(OneOrMany::Many(resources)));
            statement.condition = grant.condition.clone();
            statements.push(statement);
        }
        Ok(statements)
    }
}

fn check_valid(doc: &PolicyDocument, kind: PolicyKind) -> Result<(), PermissionSetError> {
    let errors: Vec<_> = Validator::new(kind)
        .validate(doc)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(PermissionSetError::Invalid { findings: errors })
    }
}

#[cfg(test)]
mod tests {
    use crate::builtin;

    use super::*;

    #[test]
    fn every_rendered_statement_names_its_grant() {
        for set in builtin::all() {
            let values = set.sample_values();
            let rendered = set.render(&values, PolicyTarget::ManagedPolicies).unwrap();
            for statement in rendered.documents.iter().flat_map(|d| d.statements()) {
                let grant = set.grant_of(statement).unwrap();
                let sid = statement.sid.as_deref().unwrap();
                assert!(sid.starts_with(&grant.id), "{sid} from {}", grant.id);
            }
        }
    }

    #[test]
    fn split_parts_map_back_and_strangers_do_not() {
        let set = builtin::read_only_scan().unwrap();
        let first = &set.grants()[0];
        let part = Statement::allow(["s3:GetObject"])
            .unwrap()
            .with_sid(format!("{}Part2", first.id));
        assert_eq!(set.grant_of(&part).map(|g| &g.id), Some(&first.id));
        let stranger = Statement::allow(["s3:GetObject"])
            .unwrap()
            .with_sid("NoSuchGrant");
        assert!(set.grant_of(&stranger).is_none());
        let bad_part = Statement::allow(["s3:GetObject"])
            .unwrap()
            .with_sid(format!("{}PartX", first.id));
        assert!(set.grant_of(&bad_part).is_none());
        let no_sid = Statement::allow(["s3:GetObject"]).unwrap();
        assert!(set.grant_of(&no_sid).is_none());
    }
}
