//! Driver errors in the store's taxonomy: a unique violation on create is `AlreadyExists`;
//! everything the backend fails with (connection lost, pool exhausted, database busy or shut
//! down, a failed statement) is `StoreUnavailable`, which is retryable and loses nothing,
//! because every write is a single conditional statement that either happened or did not;
//! a TLS failure or a bad connection option is `StoreMisconfigured`, which is not.

use connector_core::ConnectorError;

/// A backend failure, described without bind values (sqlx never puts them in its errors):
/// a TLS failure (a certificate that does not verify against the configured root) or a bad
/// connection option is `StoreMisconfigured`, which no retry fixes; the rest is
/// `StoreUnavailable`.
pub(crate) fn unavailable(error: sqlx::Error) -> ConnectorError {
    let message = describe(&error);
    let misconfigured = match &error {
        sqlx::Error::Configuration(_) => true,
        // rustls reports a certificate or protocol fault of the handshake as an I/O error of
        // kind `InvalidData` (sqlx passes it on as `Io`, or wrapped in `Tls`); any other I/O
        // error (a reset, an EOF, a refused connection) is the network's, which a retry may
        // get past. Other TLS errors (a root file that is no certificate, a server without
        // TLS) are configuration.
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::InvalidData,
        sqlx::Error::Tls(inner) => inner
            .downcast_ref::<std::io::Error>()
            .is_none_or(|io| io.kind() == std::io::ErrorKind::InvalidData),
        _ => false,
    };
    if misconfigured {
        ConnectorError::StoreMisconfigured { message }
    } else {
        ConnectorError::StoreUnavailable { message }
    }
}

/// A create that may have hit the primary key.
pub(crate) fn on_create(error: sqlx::Error, id: &str) -> ConnectorError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            ConnectorError::AlreadyExists(id.to_owned())
        }
        _ => unavailable(error),
    }
}

fn describe(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("database error {code}: {}", db.message()),
            None => format!("database error: {}", db.message()),
        },
        sqlx::Error::PoolTimedOut => "no database connection became free in time".to_owned(),
        sqlx::Error::PoolClosed => "the connection pool is closed".to_owned(),
        sqlx::Error::Io(e) => format!("i/o error talking to the database: {e}"),
        sqlx::Error::Tls(e) => format!("TLS error talking to the database: {e}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tls(inner: Box<dyn std::error::Error + Send + Sync>) -> ConnectorError {
        unavailable(sqlx::Error::Tls(inner))
    }

    #[test]
    fn a_certificate_fault_is_misconfigured_and_a_network_blip_is_not() {
        let certificate = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "invalid peer certificate: UnknownIssuer",
        );
        let error = tls(Box::new(certificate));
        assert!(
            matches!(error, ConnectorError::StoreMisconfigured { .. }),
            "{error}"
        );
        assert!(!error.is_retryable());
        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let error = tls(Box::new(reset));
        assert!(
            matches!(error, ConnectorError::StoreUnavailable { .. }),
            "{error}"
        );
        assert!(error.is_retryable());
        let refused = tls("server does not support TLS".into());
        assert!(matches!(refused, ConnectorError::StoreMisconfigured { .. }));
        let handshake = unavailable(sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "invalid peer certificate: UnknownIssuer",
        )));
        assert!(matches!(
            handshake,
            ConnectorError::StoreMisconfigured { .. }
        ));
        let refused = unavailable(sqlx::Error::Io(
            std::io::ErrorKind::ConnectionRefused.into(),
        ));
        assert!(refused.is_retryable());
        let timeout = unavailable(sqlx::Error::PoolTimedOut);
        assert!(timeout.is_retryable());
    }
}
