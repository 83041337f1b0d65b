//! `TableSts`: the STS of the memory runs. The in-memory STS keeps every credential it
//! issues (to answer GetCallerIdentity), a growth of hundreds of bytes per call that would
//! swamp what the vendor's workers use; this one answers AssumeRole from a fixed table (each
//! connection's External ID, and whether its role was deleted), allocated before the run,
//! and keeps nothing. It decides as the in-memory STS does for these requests: the right
//! External ID on a role that exists is allowed, anything else is `AccessDenied`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use connector_core::{
    AssumeRoleRequest, BoxFuture, Clock, ProviderError, ProviderErrorKind, StsProvider,
    TemporaryCredentials,
};
use trust_policy::ExternalId;

use super::seed::FIRST_CUSTOMER_ACCOUNT;

/// AssumeRole decided from a table of External IDs and deleted roles.
#[derive(Debug)]
pub struct TableSts {
    external_ids: Vec<ExternalId>,
    deleted: Vec<AtomicBool>,
    clock: Arc<dyn Clock>,
}

impl TableSts {
    /// Connection `i`'s role trusts the vendor with `external_ids[i]`.
    pub fn new(external_ids: Vec<ExternalId>, clock: Arc<dyn Clock>) -> TableSts {
        let deleted = external_ids
            .iter()
            .map(|_| AtomicBool::new(false))
            .collect();
        TableSts {
            external_ids,
            deleted,
            clock,
        }
    }

    /// The customer deletes connection `index`'s role.
    pub fn delete_role(&self, index: usize) {
        if let Some(flag) = self.deleted.get(index) {
            flag.store(true, Ordering::Relaxed);
        }
    }

    fn decide(&self, request: &AssumeRoleRequest) -> Result<TemporaryCredentials, ProviderError> {
        let role = request.role_arn();
        let index = role
            .account_id()
            .as_str()
            .parse::<u64>()
            .ok()
            .and_then(|account| account.checked_sub(FIRST_CUSTOMER_ACCOUNT))
            .and_then(|i| usize::try_from(i).ok());
        let allowed = index.is_some_and(|i| {
            let exists = self
                .deleted
                .get(i)
                .is_some_and(|d| !d.load(Ordering::Relaxed));
            exists && self.external_ids.get(i) == request.external_id()
        });
        if allowed {
            Ok(TemporaryCredentials::new(
                "ASIASIMULATEDTABLE00",
                "simulated-secret",
                "simulated-session-token",
                self.clock.now() + request.duration(),
            ))
        } else {
            Err(ProviderError::new(
                ProviderErrorKind::AccessDenied,
                format!(
                    "User: vendor is not authorized to perform: sts:AssumeRole on resource: {role}"
                ),
            ))
        }
    }
}

impl StsProvider for TableSts {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(std::future::ready(self.decide(request)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::ManualClock;

    fn request(index: u64, external_id: &str) -> AssumeRoleRequest {
        let role = format!(
            "arn:aws:iam::{}:role/vendor-connector",
            FIRST_CUSTOMER_ACCOUNT + index
        );
        AssumeRoleRequest::new(role.parse().unwrap(), "sim".parse().unwrap())
            .with_external_id(external_id.parse().unwrap())
    }

    #[tokio::test]
    async fn the_right_external_id_on_an_existing_role_is_allowed_anything_else_denied() {
        let ids = vec!["ext-a-0001".parse().unwrap(), "ext-b-0002".parse().unwrap()];
        let sts = TableSts::new(ids, Arc::new(ManualClock::at_unix(1_800_000_000)));
        assert!(sts.assume_role(&request(0, "ext-a-0001")).await.is_ok());
        // Another customer's External ID (the confused deputy), a role that never existed.
        for denied in [request(0, "ext-b-0002"), request(7, "ext-a-0001")] {
            let error = sts.assume_role(&denied).await.unwrap_err();
            assert_eq!(error.kind, ProviderErrorKind::AccessDenied);
        }
        sts.delete_role(1);
        let error = sts
            .assume_role(&request(1, "ext-b-0002"))
            .await
            .unwrap_err();
        assert_eq!(error.kind, ProviderErrorKind::AccessDenied);
    }
}
