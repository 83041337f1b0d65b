//! Connections: the record a platform keeps per customer, its state machine and its store.

mod record;
mod state;
mod store;

pub use record::{Connection, ConnectionId, Diagnosis};
pub use state::{ConnectionEvent, ConnectionState};
pub use store::{ConnectionStore, InMemoryConnectionStore, update};
