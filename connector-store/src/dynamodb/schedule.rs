//! The health-check schedule's attributes on a DynamoDB item, and the shard an id falls in.
//!
//! - `due_at` (number, Unix milliseconds) and `due_shard` (string, `"0"` to `"15"`): present
//!   only while the connection is health-checked. They are the `by_due` index's keys, so the
//!   index is sparse: it holds the scheduled connections and nothing else ("DynamoDB writes a
//!   corresponding index entry only if the index sort key value is present in the item",
//!   Amazon DynamoDB Developer Guide, *Take advantage of sparse indexes*).
//! - `lease_owner` (string) and `lease_until` (number, Unix milliseconds): the worker holding
//!   the connection, present only while it is leased.
//!
//! Why shards: with one partition key value for the whole schedule, every claim and every
//! finish of the fleet would write to one index partition, and "each partition has a maximum
//! number of read capacity units (RCUs) and write capacity units (WCUs) per second" (Developer
//! Guide, *Key range throughput exceeded (hot partitions)*); worse, "when a GSI has
//! insufficient write capacity, throttling results in write operations that fail on the base
//! table" (AWS re:Post, *Why is my GSI throttled?*), so a hot schedule would throttle every
//! record write. [`DUE_SHARDS`] partition key values spread the schedule over as many index
//! partitions; a claim queries each and merges by due time.

/// How many `due_shard` values there are. Part of the table's format: an item's shard is
/// `fnv1a64(id) % DUE_SHARDS`, and changing the count would leave items in shards no query
/// reads.
pub(crate) const DUE_SHARDS: u64 = 16;

/// When the next check is due (N, Unix ms).
pub(crate) const DUE_AT: &str = "due_at";
/// The schedule's partition key (S).
pub(crate) const DUE_SHARD: &str = "due_shard";
/// The worker holding the lease (S).
pub(crate) const LEASE_OWNER: &str = "lease_owner";
/// When the lease expires (N, Unix ms).
pub(crate) const LEASE_UNTIL: &str = "lease_until";

/// The shard of `id`: 64-bit FNV-1a of its bytes modulo [`DUE_SHARDS`], stable across
/// processes, platforms and Rust versions (unlike `std`'s `DefaultHasher`), so every writer
/// puts a connection in the same shard.
pub(crate) fn due_shard(id: &str) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = id
        .bytes()
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    (hash % DUE_SHARDS).to_string()
}

/// Every shard's value, `"0"` to `"15"`.
pub(crate) fn shards() -> impl Iterator<Item = String> {
    (0..DUE_SHARDS).map(|s| s.to_string())
}

/// The due time a record gets when it joins the schedule: its update time, in milliseconds.
pub(crate) fn joins_at(updated_at_seconds: i64) -> i64 {
    updated_at_seconds.saturating_mul(1_000)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests may panic")]
    use super::*;

    #[test]
    fn due_shards_are_stable_fnv1a_values_in_range() {
        // FNV-1a 64 of "" is the offset basis, 0xcbf29ce484222325, which is 5 modulo 16;
        // of "a" it is 0xaf63dc4c8601ec8c, 12 modulo 16.
        assert_eq!(due_shard(""), "5");
        assert_eq!(due_shard("a"), "12");
        let all: Vec<String> = shards().collect();
        assert_eq!(all.len(), 16);
        for i in 0..2_000 {
            assert!(all.contains(&due_shard(&format!("conn-{i}"))));
        }
    }

    #[test]
    fn due_shards_spread_ids_evenly() {
        let mut counts = [0u32; 16];
        for i in 0..16_000 {
            let shard: usize = due_shard(&format!("customer-{i}")).parse().unwrap();
            counts[shard] += 1;
        }
        // 1000 expected per shard; a hot shard would show far above.
        assert!(
            counts.iter().all(|&n| (850..1150).contains(&n)),
            "{counts:?}"
        );
    }
}
