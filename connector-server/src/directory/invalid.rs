//! [`InvalidRecord`]: the typed error of the directory's record constructors, naming the
//! record, the field and the rule it broke; and the rules shared by several records.

use crate::secret;

/// A record built from parts that break a rule: which record, which field, which rule.
/// A [`Directory`](super::Directory) reading a stored row that fails a rule answers a
/// corrupt-row [`DirectoryError`](super::DirectoryError) that quotes this error, never a
/// default.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {record} {field}: {rule}")]
pub struct InvalidRecord {
    record: &'static str,
    field: &'static str,
    rule: &'static str,
}

impl InvalidRecord {
    pub(crate) fn new(record: &'static str, field: &'static str, rule: &'static str) -> Self {
        InvalidRecord {
            record,
            field,
            rule,
        }
    }

    /// The record (`key`, `page token`).
    pub fn record(&self) -> &'static str {
        self.record
    }

    /// The field whose value broke the rule (`id`, `teams`, `connection`, …).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The rule it broke.
    pub fn rule(&self) -> &'static str {
        self.rule
    }
}

/// The rule of a key's and a page token's id.
pub(crate) const ID_RULE: &str = "16 lowercase hex digits, as secret::mint makes them";

/// `id` as the id of a `record`, when it is one [`secret::mint`] could have made.
pub(crate) fn checked_id(record: &'static str, id: String) -> Result<String, InvalidRecord> {
    if secret::is_id(&id) {
        Ok(id)
    } else {
        Err(InvalidRecord::new(record, "id", ID_RULE))
    }
}
