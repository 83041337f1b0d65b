//! The rules a grant follows against the catalog: real actions, the declared area is the
//! catalog's area of every action, and the excluded area only with an opt-in.

use super::Grant;
use crate::{Area, Catalog, PermissionSetError};

impl Grant {
    /// Checks the grant against `catalog`:
    ///
    /// - it has at least one action pattern, and every pattern names real actions (no unknown
    ///   service, no typo, no wildcard that matches nothing);
    /// - the declared area is the catalog's area ([`area_of`](crate::area_of)) of every action
    ///   the patterns expand to, wildcards included: otherwise
    ///   [`AreaMismatch`](PermissionSetError::AreaMismatch), naming the first such action
    ///   (patterns in order, each expanded in catalog order);
    /// - a grant declared in [`Area::Excluded`] has opted in with
    ///   [`allow_excluded`](Grant::allow_excluded): otherwise
    ///   [`ExcludedAreaNotAllowed`](PermissionSetError::ExcludedAreaNotAllowed);
    /// - an opt-in is only on a grant declared in the excluded area (so the table never shows
    ///   an excluded-area reason for a line that is not).
    pub fn check(&self, catalog: &Catalog) -> Result<(), PermissionSetError> {
        if self.actions.is_empty() {
            return Err(PermissionSetError::invalid(
                "actions",
                &self.id,
                "a grant needs at least one action",
            ));
        }
        for pattern in &self.actions {
            catalog.check(pattern)?;
        }
        let mut expanded = self.actions.iter().flat_map(|p| catalog.expand(p));
        if let Some(action) = expanded.find(|a| catalog.area(a) != self.area) {
            return Err(PermissionSetError::AreaMismatch {
                grant: self.id.clone(),
                declared: self.area,
                action: action.full_name().to_owned(),
                actual: catalog.area(action),
            });
        }
        match (self.area, self.excluded_area_justification()) {
            (Area::Excluded, None) => {
                let first = self.actions.iter().flat_map(|p| catalog.expand(p)).next();
                Err(PermissionSetError::ExcludedAreaNotAllowed {
                    grant: self.id.clone(),
                    action: first.map_or_else(String::new, |a| a.full_name().to_owned()),
                })
            }
            (Area::Excluded, Some(_)) | (_, None) => Ok(()),
            (declared, Some(_)) => Err(PermissionSetError::invalid(
                "excluded-area opt-in",
                &self.id,
                format!(
                    "only a grant declared in the excluded area opts in to it; this grant declares {declared}"
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(area: Area, actions: &[&str]) -> Grant {
        Grant::new("G", area, actions, "why").unwrap()
    }

    #[test]
    fn the_first_mismatching_action_is_named_with_both_areas() {
        let catalog = Catalog::aws();
        let error = grant(Area::Compute, &["ec2:DescribeInstances", "s3:GetObject"])
            .check(catalog)
            .unwrap_err();
        assert_eq!(
            error,
            PermissionSetError::AreaMismatch {
                grant: "G".to_owned(),
                declared: Area::Compute,
                action: "s3:GetObject".to_owned(),
                actual: Area::Storage,
            }
        );
    }

    #[test]
    fn unknown_actions_are_refused_before_areas() {
        let error = grant(Area::Storage, &["s3:GetObjects"])
            .check(Catalog::aws())
            .unwrap_err();
        assert!(
            matches!(error, PermissionSetError::UnknownAction { .. }),
            "{error}"
        );
    }

    #[test]
    fn opt_ins_are_explicit_non_blank_and_only_for_the_excluded_area() {
        let catalog = Catalog::aws();
        let costs = grant(Area::Excluded, &["ce:Get*"]);
        assert_eq!(
            costs.check(catalog),
            Err(PermissionSetError::ExcludedAreaNotAllowed {
                grant: "G".to_owned(),
                action: "ce:GetAnomalies".to_owned(),
            })
        );
        for blank in ["", "   ", "\t\n"] {
            let error = costs.clone().allow_excluded(blank).unwrap_err();
            assert!(
                matches!(&error, PermissionSetError::InvalidValue { field: "excluded-area justification", value, .. } if value == "G"),
                "{error}"
            );
        }
        let opted = costs.allow_excluded("Show the bill.").unwrap();
        assert_eq!(opted.excluded_area_justification(), Some("Show the bill."));
        assert_eq!(opted.check(catalog), Ok(()));
        let misplaced = grant(Area::Storage, &["s3:GetObject"])
            .allow_excluded("Not excluded at all.")
            .unwrap();
        let error = misplaced.check(catalog).unwrap_err().to_string();
        assert!(
            error.contains("excluded-area opt-in") && error.contains("declares storage"),
            "{error}"
        );
    }
}
