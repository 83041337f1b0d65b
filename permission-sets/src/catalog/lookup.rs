//! "Did you mean": the closest real action to a misspelt one.

use super::{Action, Service};

/// The action of `service` whose name is closest to `name` (case-insensitive edit distance),
/// when it is close enough to be a plausible typo: at most 3 edits, and at most half the
/// name's length (one edit for names of up to 3 characters). Ties go to the
/// alphabetically first name. An exact match (ignoring case) is its own closest action.
///
/// ```
/// use permission_sets::{Catalog, closest_action};
/// let s3 = Catalog::aws().service("s3").unwrap();
/// assert_eq!(closest_action(s3, "GetObjects").map(|a| a.name()), Some("GetObject"));
/// assert_eq!(closest_action(s3, "RebootTheMainframe"), None);
/// ```
pub fn closest_action<'s>(service: &'s Service, name: &str) -> Option<&'s Action> {
    let wanted = name.to_ascii_lowercase();
    let limit = 3.min(wanted.len() / 2).max(1);
    service
        .actions()
        .iter()
        .zip(&service.lower_names)
        // The distance is at least the difference in length: skip those cheaply, which also
        // keeps absurdly long input from costing more than one pass.
        .filter(|(_, lower)| wanted.len().abs_diff(lower.len()) <= limit)
        .map(|(a, lower)| (edit_distance(&wanted, lower), a))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, a)| (*d, a.name()))
        .map(|(_, a)| a)
}

/// Levenshtein distance over bytes (action names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // `previous[j]`: the distance between the first `i` bytes of `a` and the first `j` of `b`.
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = Vec::with_capacity(b.len() + 1);
    for (i, &ca) in a.iter().enumerate() {
        current.clear();
        let mut left = i + 1;
        current.push(left);
        // Per byte of `b`: the cell diagonally above-left, and the one above.
        for ((&cb, &diagonal), &above) in b.iter().zip(&previous).zip(previous.iter().skip(1)) {
            left = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(left + 1);
            current.push(left);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    // `previous` holds `b.len() + 1` distances; the last compares the whole of both.
    previous.last().copied().unwrap_or(a.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("getobjects", "getobject"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggestions() {
        let catalog = crate::Catalog::aws();
        let s3 = catalog.service("s3").unwrap();
        let suggest = |name: &str| closest_action(s3, name).map(|a| a.full_name());
        assert_eq!(suggest("GetObjects"), Some("s3:GetObject"));
        assert_eq!(suggest("getobject"), Some("s3:GetObject"));
        assert_eq!(suggest("PutObjekt"), Some("s3:PutObject"));
        assert_eq!(suggest(""), None);
        assert_eq!(suggest("Xyzzy"), None);
        let long = "GetObject".repeat(100_000);
        assert_eq!(suggest(&long), None);
    }
}
