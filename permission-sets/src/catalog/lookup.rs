//! "Did you mean": the closest real action to a misspelt one.

use super::{Action, Service};

/// The action of `service` whose name is closest to `name` (case-insensitive edit distance),
/// when it is close enough to be a plausible typo (at most 3 edits, and fewer than half the
/// name).
pub fn closest_action<'s>(service: &'s Service, name: &str) -> Option<&'s Action> {
    let wanted = name.to_ascii_lowercase();
    let limit = 3.min(wanted.len() / 2).max(1);
    service
        .actions()
        .iter()
        .map(|a| (edit_distance(&wanted, &a.name().to_ascii_lowercase()), a))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, a)| (*d, a.name()))
        .map(|(_, a)| a)
}

/// Levenshtein distance over bytes (action names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("getobjects", "getobject"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
