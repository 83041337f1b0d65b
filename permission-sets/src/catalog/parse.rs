//! Reading the embedded catalog file (format documented in
//! `permission-sets/scripts/generate_catalog.py`), checking the order the lookups rely on.
//!
//! Every name is borrowed from the embedded text, and every lowercase name from one
//! lowercase copy of it; resource types and condition keys live in two shared pools. So
//! parsing makes a handful of allocations rather than several per action, which keeps the
//! first use of the catalog at a few milliseconds. The copy and the pools are leaked: they
//! live as long as the catalog, which is a process-wide static.

use std::collections::HashMap;
use std::ops::Range;

use super::{AccessLevel, Action, Catalog, CatalogSource, ResourceType, Service};

const NOT_IN_TEXT: &str = "a field that is not part of the catalog text";

/// Parses the catalog text; `Err` names the line that breaks the format.
pub(super) fn parse(text: &'static str) -> Result<Catalog, String> {
    let lower: &'static str = Box::leak(text.to_ascii_lowercase().into_boxed_str());
    // The lowercase twin of a slice of `text` (ASCII case changes keep byte offsets).
    // (`None` only for text that is not a slice of `text`.)
    let lowercase = |field: &'static str| -> Option<&'static str> {
        let start = (field.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
        lower.get(start..start.checked_add(field.len())?)
    };
    let mut source = None;
    let mut keys: Vec<&'static str> = Vec::new();
    let mut services: Vec<Service> = Vec::new();
    let mut by_prefix: HashMap<&'static str, usize> = HashMap::new();
    let mut by_id: Vec<(usize, usize)> = Vec::new();
    let mut resource_pool: Vec<ResourceType> = Vec::new();
    let mut key_pool: Vec<&'static str> = Vec::new();
    let mut ranges: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    let mut previous = "";
    for (number, line) in text.lines().enumerate() {
        let bad = |what: &str| format!("line {}: {what}: {line:?}", number + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split('\t');
        let tag = fields.next().unwrap_or_default();
        let mut field = || fields.next().ok_or_else(|| bad("too few fields"));
        match tag {
            "source" => {
                source = Some(CatalogSource {
                    package: field()?,
                    version: field()?,
                    generated: field()?,
                });
            }
            "K" => keys.push(field()?),
            "S" => {
                let (prefix, name) = (field()?, field()?);
                let lower_prefix = lowercase(prefix).ok_or_else(|| bad(NOT_IN_TEXT))?;
                if prefix.is_empty()
                    || prefix.contains(':')
                    || by_prefix.insert(lower_prefix, services.len()).is_some()
                {
                    return Err(bad("empty, repeated or malformed service prefix"));
                }
                services.push(Service {
                    prefix,
                    name,
                    actions: Vec::new(),
                    lower_names: Vec::new(),
                    by_name: HashMap::new(),
                });
            }
            "A" => {
                let (full_name, access) = (field()?, field()?);
                let (resource_types, condition_keys) = (field()?, field()?);
                let service_index = services.len().wrapping_sub(1);
                let service = services
                    .last_mut()
                    .ok_or_else(|| bad("an action before any service"))?;
                let name = full_name
                    .strip_prefix(service.prefix)
                    .and_then(|rest| rest.strip_prefix(':'))
                    .filter(|name| !name.is_empty() && !name.contains(':'))
                    .ok_or_else(|| bad("not an action of the service above"))?;
                let access =
                    AccessLevel::from_code(access).ok_or_else(|| bad("unknown access level"))?;
                let lower_full = lowercase(full_name).ok_or_else(|| bad(NOT_IN_TEXT))?;
                if lower_full <= previous {
                    return Err(bad(
                        "actions must be sorted by lowercase full name, without repeats",
                    ));
                }
                previous = lower_full;
                let lower_name = lowercase(name).ok_or_else(|| bad(NOT_IN_TEXT))?;

                let first_resource = resource_pool.len();
                resource_pool.extend(resource_types.split(',').filter(|r| !r.is_empty()).map(
                    |r| match r.strip_suffix('*') {
                        Some(name) => ResourceType {
                            name,
                            required: true,
                        },
                        None => ResourceType {
                            name: r,
                            required: false,
                        },
                    },
                ));
                let first_key = key_pool.len();
                for number in condition_keys.split(',').filter(|k| !k.is_empty()) {
                    let key = number
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| keys.get(i).copied())
                        .ok_or_else(|| bad("unknown condition key number"))?;
                    key_pool.push(key);
                }
                ranges.push((
                    first_resource..resource_pool.len(),
                    first_key..key_pool.len(),
                ));

                let index = service.actions.len();
                service.by_name.insert(lower_name, index);
                service.lower_names.push(lower_name);
                by_id.push((service_index, index));
                service.actions.push(Action {
                    id: by_id.len() - 1,
                    service: service.prefix,
                    name,
                    full_name,
                    access,
                    resource_types: &[],
                    condition_keys: &[],
                });
            }
            _ => return Err(bad("unknown record")),
        }
        if fields.next().is_some() {
            return Err(bad("too many fields"));
        }
    }
    let source = source.ok_or("no source line")?;

    let resource_pool: &'static [ResourceType] = resource_pool.leak();
    let key_pool: &'static [&'static str] = key_pool.leak();
    for action in services.iter_mut().flat_map(|s| s.actions.iter_mut()) {
        if let Some((resources, keys)) = ranges.get(action.id) {
            action.resource_types = resource_pool.get(resources.clone()).unwrap_or_default();
            action.condition_keys = key_pool.get(keys.clone()).unwrap_or_default();
        }
    }
    Ok(Catalog {
        source,
        services,
        by_prefix,
        by_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &'static str) -> String {
        parse(text).unwrap_err()
    }

    #[test]
    fn a_small_catalog() {
        let catalog = parse(
            "# c\nsource\tp\t1.0\t2026-01-01\nK\ts:k\nS\ts\tSome Service\nA\ts:Get\tR\tthing*,other\t0\nA\ts:Put\tW\t\t\n",
        )
        .unwrap();
        assert_eq!(catalog.len(), 2);
        let get = catalog.action("S:get").unwrap();
        assert_eq!(get.full_name(), "s:Get");
        assert_eq!(get.condition_keys(), ["s:k"]);
        assert_eq!(
            get.resource_types(),
            [
                ResourceType {
                    name: "thing",
                    required: true
                },
                ResourceType {
                    name: "other",
                    required: false
                }
            ]
        );
        assert_eq!(catalog.source().generated, "2026-01-01");
    }

    #[test]
    fn malformed_lines_are_named() {
        assert!(error("source\tp\t1\t2026-01-01\nA\ts:X\tW\t\t\n").contains("line 2"));
        assert!(error("source\tp\t1\td\nS\ts\tS\nA\ts:X\tQ\t\t\n").contains("access level"));
        assert!(error("S\ts\tS\n").contains("source"));
        assert!(error("source\tp\t1\nS\ts\tS\n").contains("too few"));
        assert!(error("source\tp\t1\td\tx\n").contains("too many"));
        assert!(error("source\tp\t1\td\nZ\n").contains("unknown record"));
        assert!(error("source\tp\t1\td\nS\ts\tS\nA\ts:X\tR\t\t7\n").contains("condition key"));
        assert!(error("source\tp\t1\td\nS\ts\tS\nS\tS\tT\n").contains("repeated"));
        assert!(error("source\tp\t1\td\nS\ts:x\tS\n").contains("malformed"));
        for stray in ["t:X", "sx:X", "s:", "X", "s:X:Y"] {
            let text = format!("source\tp\t1\td\nS\ts\tS\nA\t{stray}\tR\t\t\n");
            let text: &'static str = Box::leak(text.into_boxed_str());
            assert!(error(text).contains("not an action of"), "{stray}");
        }
        let unsorted = "source\tp\t1\td\nS\ts\tS\nA\ts:Put\tW\t\t\nA\ts:Get\tR\t\t\n";
        assert!(error(unsorted).contains("sorted"));
        let repeated = "source\tp\t1\td\nS\ts\tS\nA\ts:Get\tW\t\t\nA\ts:GET\tR\t\t\n";
        assert!(error(repeated).contains("sorted"));
        let across = "source\tp\t1\td\nS\tt\tT\nA\tt:A\tW\t\t\nS\ts\tS\nA\ts:B\tR\t\t\n";
        assert!(error(across).contains("sorted"));
    }
}
