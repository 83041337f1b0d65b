//! `RekeyReport`: what a `rekey` pass over a store did. A pass reads every record, and each
//! one sealed under a master key other than the provider's current one is opened (which
//! proves it intact), sealed again under the current key at the same revision, and written
//! back only if the row is still exactly what was read (compare-and-swap on the revision
//! and the sealed bytes): a record a writer changed meanwhile was sealed under the current
//! key by that writer.

/// Counts from one `rekey` pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RekeyReport {
    examined: u64,
    rewritten: u64,
    changed_meanwhile: u64,
}

impl RekeyReport {
    pub(crate) fn examined(&mut self) {
        self.examined += 1;
    }

    pub(crate) fn rewritten(&mut self) {
        self.rewritten += 1;
    }

    pub(crate) fn changed_meanwhile(&mut self) {
        self.changed_meanwhile += 1;
    }

    /// Records read.
    pub fn records_examined(&self) -> u64 {
        self.examined
    }

    /// Records sealed again under the current master key.
    pub fn records_rewritten(&self) -> u64 {
        self.rewritten
    }

    /// Records that needed it but changed between the read and the write (their writer
    /// sealed them under the current key).
    pub fn records_changed_meanwhile(&self) -> u64 {
        self.changed_meanwhile
    }
}
