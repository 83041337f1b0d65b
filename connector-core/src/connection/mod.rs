//! Connections: the record a platform keeps per customer, its state machine and its store.

mod id;
mod memory;
mod record;
mod state;
mod store;
mod transition;

pub use id::ConnectionId;
pub use memory::InMemoryConnectionStore;
pub use record::{Connection, Diagnosis};
pub use state::{ConnectionEvent, ConnectionState};
pub use store::{ConnectionStore, update};
