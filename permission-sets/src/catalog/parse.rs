//! Reading the embedded catalog file (format documented in
//! `permission-sets/scripts/generate_catalog.py`).

use std::collections::HashMap;

use super::{AccessLevel, Action, Catalog, CatalogSource, ResourceType, Service};

/// Parses the catalog text; `Err` names the line that breaks the format.
pub(super) fn parse(text: &'static str) -> Result<Catalog, String> {
    let mut source = None;
    let mut keys: Vec<&'static str> = Vec::new();
    let mut services: Vec<Service> = Vec::new();
    let mut by_id: Vec<(usize, usize)> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let bad = |what: &str| format!("line {}: {what}: {line:?}", number + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&'static str> = line.split('\t').collect();
        match fields.as_slice() {
            ["source", package, version, generated] => {
                source = Some(CatalogSource {
                    package,
                    version,
                    generated,
                })
            }
            ["K", key] => keys.push(key),
            ["S", prefix, name] => services.push(Service {
                prefix,
                name,
                actions: Vec::new(),
                lower_names: Vec::new(),
                by_name: HashMap::new(),
            }),
            ["A", name, access, resource_types, condition_keys] => {
                let service_index = services.len().saturating_sub(1);
                let service = services
                    .last_mut()
                    .ok_or_else(|| bad("an action before any service"))?;
                let access =
                    AccessLevel::from_code(access).ok_or_else(|| bad("unknown access level"))?;
                let resource_types = resource_types
                    .split(',')
                    .filter(|r| !r.is_empty())
                    .map(|r| match r.strip_suffix('*') {
                        Some(name) => ResourceType {
                            name,
                            required: true,
                        },
                        None => ResourceType {
                            name: r,
                            required: false,
                        },
                    })
                    .collect();
                let condition_keys = condition_keys
                    .split(',')
                    .filter(|k| !k.is_empty())
                    .map(|k| {
                        k.parse::<usize>()
                            .ok()
                            .and_then(|i| keys.get(i).copied())
                            .ok_or_else(|| bad("unknown condition key number"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                service
                    .by_name
                    .insert(name.to_ascii_lowercase(), service.actions.len());
                by_id.push((service_index, service.actions.len()));
                service.lower_names.push(name.to_ascii_lowercase());
                service.actions.push(Action {
                    id: by_id.len() - 1,
                    service: service.prefix,
                    name,
                    full_name: format!("{}:{name}", service.prefix),
                    access,
                    resource_types,
                    condition_keys,
                });
            }
            _ => return Err(bad("unknown record")),
        }
    }
    let source = source.ok_or("no source line")?;
    let by_prefix = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.prefix.to_ascii_lowercase(), i))
        .collect();
    Ok(Catalog {
        source,
        services,
        by_prefix,
        by_id,
    })
}
