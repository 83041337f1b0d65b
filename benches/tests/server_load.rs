//! The server's load test at test scale: 20 concurrent clients for 2 seconds against the
//! SQLite store, then the in-memory one: every request answered as expected, every created
//! connection listed exactly once and active.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests may panic")]

use std::time::Duration;

use benches::server_load::{CREDENTIALS_WORKING_SET, LoadConfig, LoadStore, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_onboardings_lose_and_duplicate_nothing() {
    for store in [LoadStore::Sqlite, LoadStore::Memory] {
        let report = run(&LoadConfig {
            clients: 20,
            duration: Duration::from_secs(2),
            store,
            credentials: Some(Duration::from_secs(1)),
        })
        .await
        .unwrap();
        assert!(report.clean(), "{store:?}: {report:?}");
        // Credentials for every connection of the working set, from one STS call each.
        let credentials = report.credentials.as_ref().unwrap();
        assert!(
            credentials.connections >= 20
                && credentials.connections <= CREDENTIALS_WORKING_SET as u64,
            "{store:?}: {report:?}"
        );
        assert_eq!(
            credentials.sts_calls, credentials.connections,
            "{store:?}: {report:?}"
        );
        assert!(
            credentials.requests > credentials.connections,
            "{store:?}: {report:?}"
        );
        assert!(report.onboarded >= 20, "{store:?}: {report:?}");
        assert_eq!(
            report.requests,
            report.onboarded * 3,
            "{store:?}: {report:?}"
        );
    }
}
