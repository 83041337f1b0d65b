//! Expanding an action pattern to the catalog actions it matches, and checking that a pattern
//! names real actions.

use iam_policy::ActionPattern;

use super::{Action, Catalog, closest_action};
use crate::PermissionSetError;

impl Catalog {
    /// Exactly the catalog actions `pattern` matches (with [`ActionPattern::matches`]'
    /// semantics: case-insensitive, `*` any run, `?` one character), sorted by full name
    /// (case-insensitively), as [`Catalog::actions`] lists them. `*` is every action.
    ///
    /// Fast: only the pattern's own service is looked at (prefixes never hold wildcards),
    /// and within it only the range of names that start with the pattern's literal
    /// beginning, found by binary search.
    pub fn expand(&self, pattern: &ActionPattern) -> Vec<&Action> {
        let (Some(prefix), Some(name)) = (pattern.service(), pattern.name()) else {
            return self.actions().collect();
        };
        let Some(service) = self.service(prefix) else {
            return Vec::new();
        };
        if !pattern.has_wildcard() {
            return service.action(name).into_iter().collect();
        }
        // The literal beginning, and the rest from the first wildcard on.
        let (literal, wildcards) = name
            .find(['*', '?'])
            .and_then(|i| name.split_at_checked(i))
            .unwrap_or((name, ""));
        let candidates = service.starting_with(&literal.to_ascii_lowercase());
        if wildcards == "*" {
            // `Name*`: the range is the answer.
            return candidates.iter().collect();
        }
        // Cheap necessary conditions before the matcher: a name is at least as long as the
        // pattern's characters other than `*` (exactly as long without a `*`), and holds each
        // literal run of the pattern. An absurdly long pattern is then refused per action by
        // one length comparison, and a long one runs the matcher only where it can match.
        let lower = wildcards.to_ascii_lowercase();
        let fixed = lower.bytes().filter(|&b| b != b'*').count() + literal.len();
        let has_star = lower.contains('*');
        let runs: Vec<&str> = lower.split(['*', '?']).filter(|r| !r.is_empty()).collect();
        let matcher = pattern.matcher();
        let lower_names = service.lower_names_of(candidates);
        candidates
            .iter()
            .zip(lower_names)
            .filter(|(_, name)| {
                (if has_star {
                    name.len() >= fixed
                } else {
                    name.len() == fixed
                }) && runs.iter().all(|run| name.contains(run))
            })
            .map(|(a, _)| a)
            .filter(|a| matcher.matches(a.full_name()))
            .collect()
    }

    /// Checks that `pattern` names real actions and says how many it matches.
    ///
    /// An unknown service (`s3x:GetObject`), an unknown action (`s3:GetObjects`, with the
    /// closest real action as a suggestion) or a wildcard that matches nothing
    /// (`s3:Nothing*`) is an error.
    pub fn check(&self, pattern: &ActionPattern) -> Result<usize, PermissionSetError> {
        let (Some(prefix), Some(name)) = (pattern.service(), pattern.name()) else {
            return Ok(self.len());
        };
        let Some(service) = self.service(prefix) else {
            return Err(PermissionSetError::UnknownService {
                service: prefix.to_owned(),
                pattern: pattern.to_string(),
            });
        };
        let matched = self.expand(pattern).len();
        if matched > 0 {
            Ok(matched)
        } else if pattern.has_wildcard() {
            Err(PermissionSetError::MatchesNothing {
                pattern: pattern.to_string(),
            })
        } else {
            Err(PermissionSetError::UnknownAction {
                action: pattern.to_string(),
                suggestion: closest_action(service, name).map(|a| a.full_name().to_owned()),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(text: &str) -> Vec<&'static str> {
        let pattern: ActionPattern = text.parse().unwrap();
        Catalog::aws()
            .expand(&pattern)
            .into_iter()
            .map(|a| a.full_name())
            .collect()
    }

    #[test]
    fn literal_prefix_ranges() {
        assert_eq!(expand("s3:GetObject"), ["s3:GetObject"]);
        assert_eq!(expand("S3:GETOBJECT"), ["s3:GetObject"]);
        assert!(expand("s3:getobject*").contains(&"s3:GetObjectAcl"));
        assert!(expand("s3:GetObject?cl").contains(&"s3:GetObjectAcl"));
        assert!(expand("s3:*Object").contains(&"s3:PutObject"));
        assert_eq!(
            expand("s3:*").len(),
            Catalog::aws().service("s3").unwrap().actions().len()
        );
        assert_eq!(expand("*").len(), Catalog::aws().len());
        assert!(expand("s3x:*").is_empty());
        assert!(expand("s3:Zzz*").is_empty());
        assert!(expand("s3:Zzz").is_empty());
    }
}
