//! Areas: what part of a customer's account an action touches, as the mission's vendors
//! describe their roles (compute / storage / observability, and an excluded area that is
//! never granted).
//!
//! Every catalog service has an explicit area in `data/service-areas.tsv` (a test checks
//! that the file names each service exactly once). IAM is split per action: reading IAM is
//! `Other`, `iam:PassRole` is `Compute` (it launches workloads under a role), and every
//! other IAM write (users, groups, keys, policies, roles) is `Excluded`, since those are the
//! ways a role escalates its own privileges.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::catalog::{Action, Catalog};

const SERVICE_AREAS: &str = include_str!("../data/service-areas.tsv");

/// The area an action belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Area {
    /// Running workloads: EC2, ECS, EKS, Lambda, ...
    Compute,
    /// Holding data: S3, DynamoDB, RDS, EFS, ...
    Storage,
    /// Telemetry: CloudWatch, Logs, X-Ray, CloudTrail, ...
    Observability,
    /// Never granted: IAM user and policy management, billing, Organizations, account settings.
    Excluded,
    /// Everything else.
    Other,
}

impl Area {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Compute => "compute",
            Area::Storage => "storage",
            Area::Observability => "observability",
            Area::Excluded => "excluded",
            Area::Other => "other",
        }
    }

    fn parse(text: &str) -> Option<Area> {
        [
            Area::Compute,
            Area::Storage,
            Area::Observability,
            Area::Excluded,
            Area::Other,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The service table, lowercase prefix to area.
pub(crate) fn service_areas() -> &'static HashMap<String, Area> {
    static TABLE: OnceLock<HashMap<String, Area>> = OnceLock::new();
    TABLE.get_or_init(|| {
        parse_table(SERVICE_AREAS)
            .unwrap_or_else(|e| panic!("the embedded service area table is corrupt: {e}"))
    })
}

fn parse_table(text: &str) -> Result<HashMap<String, Area>, String> {
    let mut table = HashMap::new();
    for (number, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (prefix, area) = line
            .split_once('\t')
            .ok_or_else(|| format!("line {}: expected PREFIX<TAB>AREA", number + 1))?;
        let area = Area::parse(area)
            .ok_or_else(|| format!("line {}: unknown area {area:?}", number + 1))?;
        if table.insert(prefix.to_ascii_lowercase(), area).is_some() {
            return Err(format!("line {}: {prefix} appears twice", number + 1));
        }
    }
    Ok(table)
}

/// The area of one action.
pub fn area_of(action: &Action) -> Area {
    if action.service().eq_ignore_ascii_case("iam") {
        return if action.name().eq_ignore_ascii_case("PassRole") {
            Area::Compute
        } else if action.access_level().is_read_only() {
            Area::Other
        } else {
            Area::Excluded
        };
    }
    // Catalog prefixes are lowercase already; only fold case when that lookup misses.
    let table = service_areas();
    table
        .get(action.service())
        .or_else(|| table.get(&action.service().to_ascii_lowercase()))
        .copied()
        .unwrap_or(Area::Other)
}

impl Catalog {
    /// The area of `action` (see [`area_of`]).
    pub fn area(&self, action: &Action) -> Area {
        area_of(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_service_has_exactly_one_explicit_area() {
        let table = parse_table(SERVICE_AREAS).unwrap();
        let catalog = Catalog::aws();
        for service in catalog.services() {
            assert!(
                table.contains_key(&service.prefix().to_ascii_lowercase()),
                "{} has no area in data/service-areas.tsv",
                service.prefix()
            );
        }
        for prefix in table.keys() {
            assert!(
                catalog.service(prefix).is_some(),
                "{prefix} is not a catalog service"
            );
        }
    }

    #[test]
    fn the_missions_areas() {
        let catalog = Catalog::aws();
        let area = |name: &str| catalog.area(catalog.action(name).unwrap());
        for (action, expected) in [
            ("ecs:CreateService", Area::Compute),
            ("lambda:CreateFunction", Area::Compute),
            ("ec2:RunInstances", Area::Compute),
            ("s3:PutObject", Area::Storage),
            ("dynamodb:PutItem", Area::Storage),
            ("cloudwatch:GetMetricData", Area::Observability),
            ("logs:FilterLogEvents", Area::Observability),
            ("iam:CreateUser", Area::Excluded),
            ("iam:AttachRolePolicy", Area::Excluded),
            ("iam:GetRole", Area::Other),
            ("iam:PassRole", Area::Compute),
            ("organizations:CreateAccount", Area::Excluded),
            ("aws-portal:ViewBilling", Area::Excluded),
            ("ce:GetCostAndUsage", Area::Excluded),
            ("translate:TranslateText", Area::Other),
        ] {
            assert_eq!(area(action), expected, "{action}");
        }
        assert!(parse_table("x\tnowhere\n").is_err());
        assert!(parse_table("x\tother\nx\tother\n").is_err());
    }
}
