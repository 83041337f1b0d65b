//! The request context: keys in insertion order, compared case-insensitively as IAM does, with
//! a hash index once there are more than a few, so that looking up every key of a policy with
//! 100,000 condition keys is linear rather than quadratic.

use std::borrow::Cow;
use std::collections::HashMap;

use super::ContextValue;

/// Up to this many keys a linear scan is faster than hashing (and the common case: a request
/// carries a handful of keys).
const SCAN_LIMIT: usize = 8;

/// Context keys and values; equality ignores the index.
#[derive(Debug, Clone, Default)]
pub(crate) struct ContextMap {
    entries: Vec<(String, ContextValue)>,
    /// ASCII-lowercased key → position in `entries`; `None` while there are at most
    /// [`SCAN_LIMIT`] entries.
    index: Option<HashMap<String, usize>>,
}

impl PartialEq for ContextMap {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Eq for ContextMap {}

/// The key as the index stores it; borrowed when it has no ASCII capital.
fn folded(key: &str) -> Cow<'_, str> {
    if key.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(key.to_ascii_lowercase())
    } else {
        Cow::Borrowed(key)
    }
}

impl ContextMap {
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(folded(key).as_ref()).copied(),
            None => self
                .entries
                .iter()
                .position(|(k, _)| k.eq_ignore_ascii_case(key)),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&ContextValue> {
        self.entries.get(self.position(key)?).map(|(_, v)| v)
    }

    pub(crate) fn set(&mut self, key: String, value: ContextValue) {
        if let Some(slot) = self.position(&key).and_then(|i| self.entries.get_mut(i)) {
            *slot = (key, value);
            return;
        }
        if let Some(index) = &mut self.index {
            index.insert(folded(&key).into_owned(), self.entries.len());
        }
        self.entries.push((key, value));
        if self.index.is_none() && self.entries.len() > SCAN_LIMIT {
            self.reindex();
        }
    }

    pub(crate) fn remove(&mut self, key: &str) {
        let before = self.entries.len();
        self.entries.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
        if self.entries.len() != before {
            self.reindex();
        }
    }

    pub(crate) fn entries(&self) -> &[(String, ContextValue)] {
        &self.entries
    }

    fn reindex(&mut self) {
        self.index = (self.entries.len() > SCAN_LIMIT).then(|| {
            self.entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (folded(k).into_owned(), i))
                .collect()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_agree_below_and_above_the_scan_limit() {
        let mut map = ContextMap::default();
        for i in 0..20 {
            map.set(format!("Key{i}"), ContextValue::from(format!("v{i}")));
            for j in 0..=i {
                let found = map.get(&format!("kEY{j}")).map(|v| v.values().to_vec());
                assert_eq!(found, Some(vec![format!("v{j}")]), "{i} {j}");
            }
            assert!(map.get("key99").is_none());
        }
        map.set("KEY3".into(), ContextValue::from("new"));
        assert_eq!(map.entries().len(), 20);
        assert_eq!(
            map.get("key3").map(|v| v.values().to_vec()),
            Some(vec!["new".to_owned()])
        );
        map.remove("key4");
        assert!(map.get("Key4").is_none());
        assert_eq!(
            map.get("key19").map(|v| v.values().to_vec()),
            Some(vec!["v19".to_owned()])
        );
        for i in 0..20 {
            map.remove(&format!("key{i}"));
        }
        assert!(map.entries().is_empty() && map.index.is_none());
    }
}
