//! What the vendor expects of the customer's trust policy: [`TrustExpectation`], and the
//! rest of the vendor's real AssumeRole call, [`VendorCall`].

use iam_policy::Region;

use crate::finish::{DEFAULT_TRUST_POLICY_LIMIT, check_limit};
use crate::{ExternalId, TrustPolicyError, VendorPrincipal};

/// What the vendor expects the customer's trust policy to say: who calls, with which External
/// ID, under which size quota, and what else the call carries.
///
/// ```
/// use trust_policy::{TrustExpectation, VendorCall, VendorPrincipal};
/// let expectation = TrustExpectation::new(
///     VendorPrincipal::account("999988887777".parse()?),
///     "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4".parse()?,
/// )
/// .with_call(VendorCall::new().with_region("eu-west-1".parse()?))
/// .with_size_limit(4096)?;
/// assert_eq!(expectation.size_limit(), 4096);
/// assert_eq!(expectation.call().region().map(|r| r.as_str()), Some("eu-west-1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustExpectation {
    vendor: VendorPrincipal,
    external_id: ExternalId,
    size_limit: usize,
    call: VendorCall,
}

impl TrustExpectation {
    /// Expect `vendor` with `external_id` under the default 2,048-character quota.
    pub fn new(vendor: VendorPrincipal, external_id: ExternalId) -> TrustExpectation {
        TrustExpectation {
            vendor,
            external_id,
            size_limit: DEFAULT_TRUST_POLICY_LIMIT,
            call: VendorCall::default(),
        }
    }

    /// Describe the rest of the vendor's call, so conditions it does satisfy are not
    /// reported.
    pub fn with_call(mut self, call: VendorCall) -> TrustExpectation {
        self.call = call;
        self
    }

    /// Use a raised quota (at most 4,096).
    pub fn with_size_limit(mut self, limit: usize) -> Result<TrustExpectation, TrustPolicyError> {
        self.size_limit = check_limit(limit)?;
        Ok(self)
    }

    /// The vendor principal that will call `sts:AssumeRole`.
    pub fn vendor(&self) -> &VendorPrincipal {
        &self.vendor
    }

    /// The External ID the vendor will send.
    pub fn external_id(&self) -> &ExternalId {
        &self.external_id
    }

    /// The trust policy quota in characters (2,048 unless the customer raised it).
    pub fn size_limit(&self) -> usize {
        self.size_limit
    }

    /// What else the vendor's AssumeRole carries.
    pub fn call(&self) -> &VendorCall {
        &self.call
    }
}

/// The parts of the vendor's real AssumeRole call that conditions may test: the region of
/// the STS endpoint, the source identity, session tags and the vendor's organization.
///
/// ```
/// use trust_policy::VendorCall;
/// let call = VendorCall::new()
///     .with_region("us-east-1".parse()?)
///     .with_source_identity("scanner")
///     .with_tag("customer", "acme")
///     .with_principal_org_id("o-abcdefghij");
/// assert_eq!(call.source_identity(), Some("scanner"));
/// assert_eq!(call.tags(), [("customer".to_owned(), "acme".to_owned())]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VendorCall {
    region: Option<Region>,
    source_identity: Option<String>,
    tags: Vec<(String, String)>,
    principal_org_id: Option<String>,
}

impl VendorCall {
    /// A call that carries nothing beyond the External ID.
    pub fn new() -> VendorCall {
        VendorCall::default()
    }

    /// The region of the STS endpoint the vendor calls (`aws:RequestedRegion`).
    pub fn with_region(mut self, region: Region) -> VendorCall {
        self.region = Some(region);
        self
    }

    /// The source identity the vendor sets (`sts:SourceIdentity`).
    pub fn with_source_identity(mut self, source_identity: impl Into<String>) -> VendorCall {
        self.source_identity = Some(source_identity.into());
        self
    }

    /// A session tag the vendor passes (`aws:RequestTag/KEY`).
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> VendorCall {
        self.tags.push((key.into(), value.into()));
        self
    }

    /// The vendor's AWS Organization id (`aws:PrincipalOrgID`).
    pub fn with_principal_org_id(mut self, org_id: impl Into<String>) -> VendorCall {
        self.principal_org_id = Some(org_id.into());
        self
    }

    /// The region of the STS endpoint, when known.
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// The source identity, when the vendor sets one.
    pub fn source_identity(&self) -> Option<&str> {
        self.source_identity.as_deref()
    }

    /// The session tags, in the order given.
    pub fn tags(&self) -> &[(String, String)] {
        &self.tags
    }

    /// The vendor's organization id, when known.
    pub fn principal_org_id(&self) -> Option<&str> {
        self.principal_org_id.as_deref()
    }
}
