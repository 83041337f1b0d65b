//! Connections: the record a platform keeps per customer, its state machine, its diagnoses
//! and its store.

mod diagnosis;
mod id;
mod kind;
mod memory;
mod memory_queue;
mod record;
mod state;
mod store;
mod transition;

pub use diagnosis::{Diagnosis, DiagnosisCode};
pub use id::ConnectionId;
pub use kind::{ConnectionKind, TokenSubject};
pub use memory::{InMemoryConnectionStore, check_next_revision};
pub use record::{Connection, ConnectionBuilder, LiveConnection};
pub use state::{ConnectionEvent, ConnectionState};
pub use store::{ConnectionStore, ListCursor, ListQuery, Page, apply_event};
