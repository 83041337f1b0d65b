//! The order findings are reported in: severity, then position in the document (`[10]` after
//! `[9]`), then code and message, so the same input always gives the same list.

use std::cmp::Ordering;

use super::Finding;

pub(crate) fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| compare_paths(&a.location.path, &b.location.path))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
            .then_with(|| a.location.line.cmp(&b.location.line))
            .then_with(|| a.location.column.cmp(&b.location.column))
    });
    findings.dedup();
}

/// Compares text with runs of digits compared as numbers.
pub(crate) fn compare_paths(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.split_first(), y.split_first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some((p, _)), Some((q, _))) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let (xn, xrest) = split_digits(x);
                let (yn, yrest) = split_digits(y);
                let order = compare_numbers(xn, yn);
                if order != Ordering::Equal {
                    return order;
                }
                (x, y) = (xrest, yrest);
            }
            (Some((p, xrest)), Some((q, yrest))) => {
                if p != q {
                    return p.cmp(q);
                }
                (x, y) = (xrest, yrest);
            }
        }
    }
}

fn split_digits(bytes: &[u8]) -> (&[u8], &[u8]) {
    let n = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    bytes.split_at(n)
}

fn compare_numbers(a: &[u8], b: &[u8]) -> Ordering {
    let (a, b) = (trim_zeros(a), trim_zeros(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn trim_zeros(mut digits: &[u8]) -> &[u8] {
    while let [b'0', rest @ ..] = digits {
        digits = rest;
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_compare_as_numbers() {
        assert_eq!(
            compare_paths("$.Statement[9]", "$.Statement[10]"),
            Ordering::Less
        );
        assert_eq!(
            compare_paths("$.Statement[10].Action", "$.Statement[2]"),
            Ordering::Greater
        );
        assert_eq!(compare_paths("$", "$.Statement"), Ordering::Less);
        assert_eq!(compare_paths("$.A[007]", "$.A[7]"), Ordering::Equal);
        assert_eq!(compare_paths("$.Action", "$.Resource"), Ordering::Less);
        assert_eq!(compare_paths("", ""), Ordering::Equal);
    }
}
