//! How one request value compares with one policy value, for every operator family.
//!
//! Policy values are parsed once into a [`PreparedValue`] (the compiled evaluator keeps them;
//! the interpreted one prepares them per request), so both evaluators share these rules.

use std::net::IpAddr;

use crate::OperatorFamily;
use crate::OperatorKind;
use crate::excerpt::excerpt;
use crate::glob::{Case, Glob, StarScope};
use crate::template;

/// A policy value ready to be compared with request values under one operator.
#[derive(Debug, Clone)]
pub(crate) enum PreparedValue {
    /// `StringEquals`, `BinaryEquals`.
    Exact(String),
    /// `StringEqualsIgnoreCase`: the lowercased policy value.
    Folded(String),
    /// `StringLike`.
    Like(Glob),
    /// Numeric operators.
    Number(f64),
    /// Date operators: seconds and nanoseconds since the Unix epoch.
    Date((i64, u32)),
    /// `Bool`.
    Bool(bool),
    /// `IpAddress` / `NotIpAddress`.
    Cidr(Cidr),
    /// `ArnEquals` / `ArnLike`: one matcher per ARN component.
    Arn(Box<[Glob; 6]>),
}

impl PreparedValue {
    /// Parses `text` for the base (non-negated) comparison of `kind`. `Err` carries the reason
    /// the policy value is unusable (IAM would refuse such a policy).
    pub(crate) fn prepare(kind: OperatorKind, text: &str) -> Result<PreparedValue, String> {
        use OperatorKind::*;
        Ok(match kind {
            StringEquals | StringNotEquals | BinaryEquals => PreparedValue::Exact(text.to_owned()),
            StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => {
                PreparedValue::Folded(text.to_lowercase())
            }
            StringLike | StringNotLike => PreparedValue::Like(Glob::from_pattern(
                text,
                StarScope::Anything,
                Case::Sensitive,
            )),
            _ => match kind.family() {
                OperatorFamily::Numeric => PreparedValue::Number(
                    parse_number(text)
                        .ok_or_else(|| format!("{:?} is not a number ({kind})", excerpt(text)))?,
                ),
                OperatorFamily::Date => PreparedValue::Date(parse_date(text).ok_or_else(|| {
                    format!(
                        "{:?} is not an ISO 8601 date or epoch time ({kind})",
                        excerpt(text)
                    )
                })?),
                OperatorFamily::Bool | OperatorFamily::Null => {
                    PreparedValue::Bool(parse_bool(text).ok_or_else(|| {
                        format!("{:?} is not true or false ({kind})", excerpt(text))
                    })?)
                }
                OperatorFamily::IpAddress => {
                    PreparedValue::Cidr(Cidr::parse(text).ok_or_else(|| {
                        format!(
                            "{:?} is not an IP address or CIDR block ({kind})",
                            excerpt(text)
                        )
                    })?)
                }
                OperatorFamily::Arn => {
                    PreparedValue::Arn(Box::new(arn_globs(text).ok_or_else(|| {
                        format!(
                            "{:?} does not have the six colon-separated parts of an ARN ({kind})",
                            excerpt(text)
                        )
                    })?))
                }
                // Every string operator is handled above.
                OperatorFamily::String | OperatorFamily::Binary => {
                    PreparedValue::Exact(text.to_owned())
                }
            },
        })
    }

    /// Does `request_value` satisfy the base comparison of `kind` against this value? `None`
    /// when the request value cannot be read as the operator's type (a number, a date, a
    /// boolean, an IP address, an ARN): such a comparison has no answer, and the caller reports
    /// the condition as unevaluable instead of guessing (which, for a negated operator, would
    /// be a vacuous "true" that can allow).
    pub(crate) fn test(&self, kind: OperatorKind, request_value: &str) -> Option<bool> {
        use OperatorKind::*;
        match self {
            PreparedValue::Exact(p) => Some(p == request_value),
            PreparedValue::Folded(p) => Some(*p == request_value.to_lowercase()),
            PreparedValue::Like(glob) => Some(glob.matches(request_value)),
            PreparedValue::Number(p) => parse_number(request_value).map(|r| match kind {
                NumericEquals | NumericNotEquals => r == *p,
                NumericLessThan => r < *p,
                NumericLessThanEquals => r <= *p,
                NumericGreaterThan => r > *p,
                NumericGreaterThanEquals => r >= *p,
                _ => false,
            }),
            PreparedValue::Date(p) => parse_date(request_value).map(|r| match kind {
                DateEquals | DateNotEquals => r == *p,
                DateLessThan => r < *p,
                DateLessThanEquals => r <= *p,
                DateGreaterThan => r > *p,
                DateGreaterThanEquals => r >= *p,
                _ => false,
            }),
            PreparedValue::Bool(p) => parse_bool(request_value).map(|r| r == *p),
            PreparedValue::Cidr(cidr) => request_value
                .trim()
                .parse::<IpAddr>()
                .ok()
                .map(|ip| cidr.contains(ip)),
            PreparedValue::Arn(globs) => split_arn(request_value)
                .map(|parts| globs.iter().zip(parts).all(|(g, part)| g.matches(part))),
        }
    }
}

/// Substitutes the policy variables of a string or ARN operator's value and prepares the
/// result; `Ok(None)` when a variable has no value (the value then matches nothing), `Err`
/// when the substituted text is not a value of the operator's type (an ARN operator's value
/// that is not six colon-separated parts once substituted). Substituted text is literal for
/// `StringLike` (so `${*}` or a `*` in a tag value is not a wildcard).
pub(crate) fn resolve_policy_value(
    kind: OperatorKind,
    segments: &[template::Segment],
    source: &dyn template::VariableSource,
) -> Result<Option<PreparedValue>, String> {
    if matches!(kind, OperatorKind::StringLike | OperatorKind::StringNotLike) {
        Ok(
            template::resolve_glob(segments, source, StarScope::Anything, Case::Sensitive)
                .map(PreparedValue::Like),
        )
    } else {
        match template::resolve_text(segments, source) {
            Some(text) => PreparedValue::prepare(kind, &text).map(Some),
            None => Ok(None),
        }
    }
}

/// `ArnEquals` and `ArnLike` check "each of the six colon-delimited components of the ARN
/// separately", each of which may contain wildcards (IAM User Guide, "ARN condition operators").
/// A policy value with fewer than six parts has no components to compare one by one, so it is
/// not a value of these operators (`None`); it is never padded with empty components, which
/// would make `ArnNotLike` true of almost every ARN.
fn arn_globs(pattern: &str) -> Option<[Glob; 6]> {
    let parts = split_arn_parts(pattern)?;
    Some(parts.map(|part| Glob::from_pattern(part, StarScope::Anything, Case::Sensitive)))
}

/// The six colon-separated parts of `text` (the last keeps any further colons), or `None`
/// when it has fewer.
fn split_arn_parts(text: &str) -> Option<[&str; 6]> {
    let mut parts = text.splitn(6, ':');
    Some([
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    ])
}

/// The six components of an ARN, or `None` when `text` is not shaped like one.
pub(crate) fn split_arn(text: &str) -> Option<[&str; 6]> {
    split_arn_parts(text).filter(|[prefix, ..]| *prefix == "arn")
}

/// `true` / `false`, case-insensitively.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A decimal number: optional sign, digits, optional fraction. Rejects `inf`, `NaN` and
/// exponents, which `f64::from_str` would accept but IAM's numeric operators do not document.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let well_formed = !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty() && int.is_empty());
    if !well_formed {
        return None;
    }
    text.parse().ok()
}

/// An ISO 8601 date/time (`2026-11`, `2026-11-22`, `2026-11-22T17:56:53Z`, with optional
/// fraction and offset) or whole epoch seconds, as seconds and nanoseconds since
/// 1970-01-01T00:00:00Z.
pub(crate) fn parse_date(text: &str) -> Option<(i64, u32)> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok().map(|s| (s, 0));
    }
    let bytes = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    // W3C's "Year and month" profile of ISO 8601 (`YYYY-MM`), which the Date operators accept
    // ("W3C implementations of the ISO 8601 date formats", IAM User Guide, "Date condition
    // operators"): the first instant of that month. (A bare `YYYY` is read as epoch seconds.)
    if bytes.len() == 7 && bytes.get(4) == Some(&b'-') {
        let (year, month) = (num(0..4)?, num(5..7)?);
        return (1..=12)
            .contains(&month)
            .then(|| (days_from_civil(year, month, 1) * 86_400, 0));
    }
    if bytes.len() < 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    let mut nanos = 0u32;
    let mut rest = text.get(10..)?;
    if !rest.is_empty() {
        rest = rest.strip_prefix(['T', 't'])?;
        let (hour, minute) = (num_in(rest, 0..2)?, {
            if rest.as_bytes().get(2) != Some(&b':') {
                return None;
            }
            num_in(rest, 3..5)?
        });
        rest = rest.get(5..)?;
        let mut second = 0;
        if let Some(after) = rest.strip_prefix(':') {
            second = num_in(after, 0..2)?;
            rest = after.get(2..)?;
            if let Some(after) = rest.strip_prefix('.') {
                let end = after.bytes().take_while(u8::is_ascii_digit).count();
                if end == 0 {
                    return None;
                }
                let fraction = after.get(..end.min(9))?;
                nanos = fraction.parse::<u32>().ok()? * 10u32.pow(9 - fraction.len() as u32);
                rest = after.get(end..)?;
            }
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        seconds += hour * 3600 + minute * 60 + second;
        match rest {
            "" | "Z" | "z" => {}
            _ => {
                let (sign, offset) = if let Some(offset) = rest.strip_prefix('+') {
                    (1, offset)
                } else if let Some(offset) = rest.strip_prefix('-') {
                    (-1, offset)
                } else {
                    return None;
                };
                let (oh, om) = match offset.len() {
                    5 if offset.as_bytes().get(2) == Some(&b':') => {
                        (num_in(offset, 0..2)?, num_in(offset, 3..5)?)
                    }
                    4 => (num_in(offset, 0..2)?, num_in(offset, 2..4)?),
                    2 => (num_in(offset, 0..2)?, 0),
                    _ => return None,
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                seconds -= sign * (oh * 3600 + om * 60);
            }
        }
    }
    Some((seconds, nanos))
}

fn num_in(text: &str, range: std::ops::Range<usize>) -> Option<i64> {
    let part = text.get(range)?;
    if part.bytes().all(|b| b.is_ascii_digit()) {
        part.parse().ok()
    } else {
        None
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An IPv4 or IPv6 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// `203.0.113.0/24`, `2001:db8::/32`, or a single address (a /32 or /128).
    pub(crate) fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => {
                if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (addr, Some(prefix.parse::<u8>().ok()?))
            }
            None => (text, None),
        };
        let network: IpAddr = addr.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return None;
        }
        // Request addresses in IPv4-mapped IPv6 form (`::ffff:203.0.113.5`) are compared as
        // the IPv4 addresses they are, so a mapped network (`::ffff:203.0.113.0/120`) must be
        // too, or an address would not even match its own /128.
        Some(match network {
            IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => Cidr {
                    network: IpAddr::V4(v4),
                    prefix: prefix - 96,
                },
                None => Cidr { network, prefix },
            },
            _ => Cidr { network, prefix },
        })
    }

    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_strict_decimals() {
        assert_eq!(parse_number("10"), Some(10.0));
        assert_eq!(parse_number("-1.5"), Some(-1.5));
        assert_eq!(parse_number(".5"), Some(0.5));
        for bad in ["", "-", ".", "1e3", "inf", "NaN", "1.2.3", " 1"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_in_iso_and_epoch_forms() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(parse_date("1970-01-02"), Some((86_400, 0)));
        assert_eq!(parse_date("1700000000"), Some((1_700_000_000, 0)));
        assert_eq!(
            parse_date("2019-07-16T12:00:00+02:00"),
            parse_date("2019-07-16T10:00:00Z")
        );
        assert_eq!(
            parse_date("2020-02-29T00:00:00.5Z").map(|d| d.1),
            Some(500_000_000)
        );
        assert_eq!(parse_date("2026-11-22T17:56:53Z"), Some((1_795_370_213, 0)));
        assert_eq!(parse_date("2020-03"), parse_date("2020-03-01T00:00:00Z"));
        assert_eq!(parse_date("2020-13"), None);
        assert_eq!(parse_date("2020-3"), None);
        for bad in [
            "2019-02-29",
            "2019-13-01",
            "2019-07-16T25:00Z",
            "yesterday",
            "2019-07-16T10:00:00X",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn cidr_blocks() {
        let net = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(net.contains("203.0.113.77".parse().unwrap()));
        assert!(!net.contains("203.0.114.1".parse().unwrap()));
        assert!(net.contains("::ffff:203.0.113.5".parse().unwrap()));
        let v6 = Cidr::parse("2001:DB8:1234:5678::/64").unwrap();
        assert!(v6.contains("2001:db8:1234:5678::1".parse().unwrap()));
        assert!(!v6.contains("203.0.113.77".parse().unwrap()));
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(
            Cidr::parse("10.0.0.1")
                .unwrap()
                .contains("10.0.0.1".parse().unwrap())
        );
        let mapped = Cidr::parse("::ffff:203.0.113.0/120").unwrap();
        assert!(mapped.contains("::ffff:203.0.113.9".parse().unwrap()));
        assert!(mapped.contains("203.0.113.9".parse().unwrap()));
        assert!(!mapped.contains("203.0.114.9".parse().unwrap()));
        assert!(
            Cidr::parse("::ffff:1.2.3.4")
                .unwrap()
                .contains("::ffff:1.2.3.4".parse().unwrap())
        );
        for bad in ["10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "host"] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn arn_components_match_separately() {
        let p =
            PreparedValue::prepare(OperatorKind::ArnLike, "arn:aws:iam::*:role/Admin*").unwrap();
        assert_eq!(
            p.test(
                OperatorKind::ArnLike,
                "arn:aws:iam::123456789012:role/AdminX"
            ),
            Some(true)
        );
        // The account wildcard cannot swallow colons into the next component.
        assert_eq!(
            p.test(OperatorKind::ArnLike, "arn:aws:iam::1:2:role/Admin"),
            Some(false)
        );
        assert_eq!(p.test(OperatorKind::ArnLike, "not-an-arn"), None);
    }
}
