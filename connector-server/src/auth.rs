//! API authentication and authorisation: the [`Caller`] extractor (a valid, unrevoked key
//! from `Authorization: Bearer`, within its rate limit) and [`Caller::connection`], which
//! resolves a connection name to the caller's tenant's connection with the access an
//! action needs. A connection the caller cannot see — another tenant's, one without a grant,
//! or a missing one — is the same 404.

use std::time::Instant;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use connector_core::{Connection, ConnectionId};

use crate::directory::keys::{self, authenticate};
use crate::directory::{Access, ConnectionName, KeyRecord};
use crate::problem::Problem;
use crate::security::rate_limit::limited;
use crate::state::AppState;

/// The authenticated caller of an API request: made only by the extractor, from a live key.
#[derive(Debug, Clone)]
pub struct Caller {
    key: KeyRecord,
}

/// A connection the caller may act on, with the access it has: made only by
/// [`Caller::connection`], after the access check.
#[derive(Debug, Clone)]
pub struct Resolved {
    name: ConnectionName,
    id: ConnectionId,
    connection: Connection,
    access: Access,
}

impl Resolved {
    /// Its name within the tenant.
    pub fn name(&self) -> &ConnectionName {
        &self.name
    }

    /// Its store id (`TENANT_NAME`).
    pub fn id(&self) -> &ConnectionId {
        &self.id
    }

    /// The stored record.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// The caller's access (at least what the action needed).
    pub fn access(&self) -> Access {
        self.access
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, Problem> {
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(Problem::unauthorized)?;
        let key = authenticate(state.directory(), presented)
            .await?
            .ok_or_else(Problem::unauthorized)?;
        if let Err(wait) = state.limiters().per_key.take(key.id(), Instant::now()) {
            metrics::counter!("connector_server_rate_limited_total", "by" => "key").increment(1);
            return Err(limited(wait));
        }
        Ok(Caller { key })
    }
}

impl Caller {
    /// The key's record (tenant, teams, default access).
    pub fn key(&self) -> &KeyRecord {
        &self.key
    }

    /// The connection `name` of the caller's tenant, when the caller has at least `needed`
    /// access: 404 when it cannot see it (or it does not exist), 403 when it sees it with
    /// less access than `needed`.
    pub async fn connection(
        &self,
        state: &AppState,
        name: &str,
        needed: Access,
    ) -> Result<Resolved, Problem> {
        let tenant = self.key.tenant();
        let name = ConnectionName::parse(tenant, name).map_err(|_| Problem::not_found())?;
        let id = name.store_id(tenant).map_err(|_| Problem::not_found())?;
        let access = keys::access(state.directory(), &self.key, &name)
            .await?
            .ok_or_else(Problem::not_found)?;
        let connection = state.connector().get(&id).await?;
        if access < needed {
            return Err(Problem::forbidden(needed.name()));
        }
        Ok(Resolved {
            name,
            id,
            connection,
            access,
        })
    }
}
