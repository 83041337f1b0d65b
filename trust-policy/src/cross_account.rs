//! `CrossAccountTrust`: the trust policy that lets a vendor assume a customer's role, bound to
//! an External ID.

use iam_policy::{
    ActionClause, Condition, ConditionOperator, ConditionValue, OneOrMany, OperatorKind,
    PolicyDocument, Principal, Region, Statement,
};

use crate::finish::{DEFAULT_TRUST_POLICY_LIMIT, check_limit, finish};
use crate::{ExternalId, TrustPolicyError, VendorPrincipal};

/// The `Sid` of the statement the builder writes; the linter and rotation use it to find it.
pub const VENDOR_STATEMENT_SID: &str = "VendorAssumeRole";

/// A cross-account trust policy: the vendor may call `sts:AssumeRole` on the customer's role
/// only with the External ID, and optionally only with a source identity, from some
/// regions, or from inside the vendor's AWS Organization.
///
/// ```
/// use iam_policy::{Decision, Request, RequestPrincipal};
/// use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};
///
/// let id: ExternalId = "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse()?;
/// let trust = CrossAccountTrust::new(VendorPrincipal::account("999988887777".parse()?), id)
///     .restrict_regions(["us-east-1".parse()?])?;
/// let policy = trust.policy()?;
/// assert!(policy.to_json().contains(r#""sts:ExternalId":"q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4""#));
///
/// let request = Request::new("sts:AssumeRole", "arn:aws:iam::111122223333:role/vendor")
///     .with_principal(RequestPrincipal::Aws("arn:aws:iam::999988887777:role/app".parse()?))
///     .with_context("sts:ExternalId", "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4")
///     .with_context("aws:RequestedRegion", "us-east-1");
/// assert_eq!(policy.evaluate(&request).decision, Decision::Allow);
///
/// // The vendor (in the aws partition) can never call STS in a China region for this role.
/// let err = trust.restrict_regions(["cn-north-1".parse()?]).unwrap_err();
/// assert!(err.to_string().starts_with("invalid region \"cn-north-1\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossAccountTrust {
    vendor: VendorPrincipal,
    external_ids: Vec<ExternalId>,
    source_identity: Option<SourceIdentityRule>,
    allow_tag_session: bool,
    regions: Vec<Region>,
    principal_org_id: Option<String>,
    limit: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SourceIdentityRule {
    Required,
    Like(String),
}

impl CrossAccountTrust {
    /// Trust `vendor` when it presents `external_id`.
    pub fn new(vendor: VendorPrincipal, external_id: ExternalId) -> CrossAccountTrust {
        CrossAccountTrust {
            vendor,
            external_ids: vec![external_id],
            source_identity: None,
            allow_tag_session: false,
            regions: Vec::new(),
            principal_org_id: None,
            limit: DEFAULT_TRUST_POLICY_LIMIT,
        }
    }

    /// Also accept a second External ID (during a rotation). At most two are accepted at
    /// once, so a rotation can never leave stale ids behind.
    pub fn also_accept(
        mut self,
        external_id: ExternalId,
    ) -> Result<CrossAccountTrust, TrustPolicyError> {
        if self.external_ids.contains(&external_id) {
            return Ok(self);
        }
        if self.external_ids.len() >= 2 {
            return Err(TrustPolicyError::invalid(
                "external ids",
                external_id.as_str(),
                "a trust policy accepts at most two External IDs at once (old and new during a rotation)",
            ));
        }
        self.external_ids.push(external_id);
        Ok(self)
    }

    /// Replaces the accepted External IDs with `external_id` alone.
    pub fn with_external_id(mut self, external_id: ExternalId) -> CrossAccountTrust {
        self.external_ids = vec![external_id];
        self
    }

    /// Require the vendor to set a source identity (`sts:SetSourceIdentity` is allowed and
    /// `sts:SourceIdentity` must be present), so CloudTrail shows who acted.
    pub fn require_source_identity(mut self) -> CrossAccountTrust {
        self.source_identity = Some(SourceIdentityRule::Required);
        self
    }

    /// Require a source identity matching `pattern` (`*` and `?` wildcards).
    pub fn require_source_identity_like(
        mut self,
        pattern: &str,
    ) -> Result<CrossAccountTrust, TrustPolicyError> {
        // Source identities are 2-64 characters from [\w+=,.@-] (STS AssumeRole reference).
        let valid = (1..=64).contains(&pattern.len())
            && pattern
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-*?".contains(&b));
        if !valid {
            return Err(TrustPolicyError::invalid(
                "source identity pattern",
                pattern,
                "a source identity is up to 64 characters from letters, digits and _+=,.@- (with * and ? as wildcards here)",
            ));
        }
        self.source_identity = Some(SourceIdentityRule::Like(pattern.to_owned()));
        Ok(self)
    }

    /// Allow the vendor to pass session tags (`sts:TagSession`).
    pub fn allow_tag_session(mut self) -> CrossAccountTrust {
        self.allow_tag_session = true;
        self
    }

    /// Only accept calls made to STS in these regions (`aws:RequestedRegion`); repeated
    /// regions are kept once. Each region must be in the vendor principal's partition: a role
    /// can only be assumed from its own partition ("direct role assumption with the
    /// AssumeRole API doesn't work across partition boundaries", IAM User Guide, "Federating
    /// AWS identities across AWS partitions"), so a region of another partition would lock
    /// the vendor out.
    pub fn restrict_regions(
        mut self,
        regions: impl IntoIterator<Item = Region>,
    ) -> Result<CrossAccountTrust, TrustPolicyError> {
        for region in regions {
            let partition = self.vendor.partition();
            if region.partition() != partition {
                return Err(TrustPolicyError::invalid(
                    "region",
                    region.as_str(),
                    format!(
                        "the region is in the {} partition but the vendor principal is in {partition}; AssumeRole does not cross partitions",
                        region.partition()
                    ),
                ));
            }
            if !self.regions.contains(&region) {
                self.regions.push(region);
            }
        }
        Ok(self)
    }

    /// Only accept callers from the vendor's AWS Organization (`aws:PrincipalOrgID`).
    pub fn require_principal_org(
        mut self,
        org_id: &str,
    ) -> Result<CrossAccountTrust, TrustPolicyError> {
        // Organizations API reference: an organization id is "o-" and 10 to 32 lowercase
        // letters or digits.
        let valid = org_id.strip_prefix("o-").is_some_and(|rest| {
            (10..=32).contains(&rest.len())
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !valid {
            return Err(TrustPolicyError::invalid(
                "organization id",
                org_id,
                "an AWS Organizations id is \"o-\" followed by 10 to 32 lowercase letters or digits",
            ));
        }
        self.principal_org_id = Some(org_id.to_owned());
        Ok(self)
    }

    /// Use a raised trust policy quota (up to 4,096 characters) instead of 2,048.
    pub fn with_size_limit(mut self, limit: usize) -> Result<CrossAccountTrust, TrustPolicyError> {
        self.limit = check_limit(limit)?;
        Ok(self)
    }

    /// The vendor principal.
    pub fn vendor(&self) -> &VendorPrincipal {
        &self.vendor
    }

    /// The External IDs accepted (one, or two during a rotation).
    pub fn external_ids(&self) -> &[ExternalId] {
        &self.external_ids
    }

    /// The regions calls must be made in (`aws:RequestedRegion`); empty when any region is
    /// accepted.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The actions the vendor is allowed on the role.
    pub fn actions(&self) -> Vec<&'static str> {
        let mut actions = vec!["sts:AssumeRole"];
        if self.source_identity.is_some() {
            actions.push("sts:SetSourceIdentity");
        }
        if self.allow_tag_session {
            actions.push("sts:TagSession");
        }
        actions
    }

    /// Renders the trust policy, checked by the `iam-policy` validator and the size quota.
    pub fn policy(&self) -> Result<PolicyDocument, TrustPolicyError> {
        let ids: Vec<ConditionValue> = self
            .external_ids
            .iter()
            .map(|id| ConditionValue::from(id.as_str()))
            .collect();
        let ids = match ids.as_slice() {
            [only] => OneOrMany::One(only.clone()),
            _ => OneOrMany::Many(ids),
        };
        let equals = ConditionOperator::new(OperatorKind::StringEquals);
        let mut condition = Condition::default().with(equals.clone(), "sts:ExternalId", ids);
        if let Some(org) = &self.principal_org_id {
            condition = condition.with(
                equals.clone(),
                "aws:PrincipalOrgID",
                ConditionValue::from(org.as_str()),
            );
        }
        if !self.regions.is_empty() {
            let regions: Vec<ConditionValue> = self
                .regions
                .iter()
                .map(|r| ConditionValue::from(r.as_str()))
                .collect();
            condition = condition.with(equals, "aws:RequestedRegion", regions);
        }
        match &self.source_identity {
            Some(SourceIdentityRule::Required) => {
                condition = condition.with(
                    ConditionOperator::new(OperatorKind::Null),
                    "sts:SourceIdentity",
                    ConditionValue::from("false"),
                );
            }
            Some(SourceIdentityRule::Like(pattern)) => {
                condition = condition.with(
                    ConditionOperator::new(OperatorKind::StringLike),
                    "sts:SourceIdentity",
                    ConditionValue::from(pattern.as_str()),
                );
            }
            None => {}
        }
        let actions = self
            .actions()
            .into_iter()
            .map(str::parse)
            .collect::<Result<Vec<_>, _>>()?;
        let statement = Statement::new(
            iam_policy::Effect::Allow,
            ActionClause::Action(OneOrMany::Many(actions)),
        )
        .with_sid(VENDOR_STATEMENT_SID)
        .with_principal(Principal::aws(self.vendor.principal_arn()))
        .with_condition(condition);
        finish(PolicyDocument::new(vec![statement]), self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ExternalId {
        s.parse().unwrap()
    }

    fn vendor() -> VendorPrincipal {
        VendorPrincipal::account("999988887777".parse().unwrap())
    }

    fn region(s: &str) -> Region {
        s.parse().unwrap()
    }

    #[test]
    fn renders_the_documented_shape() {
        let policy = CrossAccountTrust::new(vendor(), id("abc123"))
            .policy()
            .unwrap();
        assert_eq!(
            policy.to_json(),
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"VendorAssumeRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":["sts:AssumeRole"],"Condition":{"StringEquals":{"sts:ExternalId":"abc123"}}}]}"#
        );
    }

    #[test]
    fn options_add_actions_and_conditions() {
        let policy = CrossAccountTrust::new(vendor(), id("abc123"))
            .also_accept(id("def456"))
            .unwrap()
            .require_source_identity()
            .allow_tag_session()
            .restrict_regions([
                region("us-east-1"),
                region("eu-west-1"),
                region("us-east-1"),
            ])
            .unwrap()
            .require_principal_org("o-abcdefghij")
            .unwrap()
            .policy()
            .unwrap();
        let json = policy.to_json();
        for part in [
            r#""sts:ExternalId":["abc123","def456"]"#,
            r#""aws:RequestedRegion":["us-east-1","eu-west-1"]"#,
            r#""aws:PrincipalOrgID":"o-abcdefghij""#,
            r#""Null":{"sts:SourceIdentity":"false"}"#,
            r#""Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"]"#,
        ] {
            assert!(json.contains(part), "{part} missing from {json}");
        }
    }

    #[test]
    fn bad_inputs_name_the_rule() {
        let t = CrossAccountTrust::new(vendor(), id("abc123"));
        assert!(
            t.clone()
                .also_accept(id("b2"))
                .unwrap()
                .also_accept(id("c3"))
                .is_err()
        );
        assert!(t.clone().require_principal_org("o-short").is_err());
        assert!(t.clone().require_source_identity_like("has space").is_err());
        assert!(t.clone().with_size_limit(4097).is_err());
    }

    #[test]
    fn regions_must_be_in_the_vendors_partition() {
        let t = CrossAccountTrust::new(vendor(), id("abc123"));
        for other in [
            "cn-north-1",
            "us-gov-west-1",
            "us-isob-east-1",
            "eusc-de-east-1",
        ] {
            match t.clone().restrict_regions([region(other)]) {
                Err(TrustPolicyError::InvalidValue { field, value, rule }) => {
                    assert_eq!((field, value.as_str()), ("region", other));
                    assert!(rule.contains("partition"), "{rule}");
                }
                result => panic!("{other}: expected InvalidValue, got {result:?}"),
            }
        }
        let gov: VendorPrincipal =
            VendorPrincipal::Role("arn:aws-us-gov:iam::999988887777:role/v".parse().unwrap());
        let policy = CrossAccountTrust::new(gov, id("abc123"))
            .restrict_regions([region("us-gov-west-1")])
            .unwrap();
        assert_eq!(policy.regions(), [region("us-gov-west-1")]);
        assert!(policy.restrict_regions([region("us-east-1")]).is_err());
    }

    #[test]
    fn too_large_says_by_how_much() {
        let long = "x".repeat(1224);
        let err = CrossAccountTrust::new(vendor(), id(&long))
            .also_accept(id(&"y".repeat(1224)))
            .unwrap()
            .policy()
            .unwrap_err();
        match err {
            TrustPolicyError::TooLarge { size, limit, over } => {
                assert_eq!(limit, 2048);
                assert_eq!(over, size - 2048);
                assert!(over > 0);
            }
            other => panic!("expected TooLarge, got {other:?}"),
        }
        // The same policy fits after a quota increase.
        assert!(
            CrossAccountTrust::new(vendor(), id(&long))
                .also_accept(id(&"y".repeat(1224)))
                .unwrap()
                .with_size_limit(4096)
                .unwrap()
                .policy()
                .is_ok()
        );
    }
}
