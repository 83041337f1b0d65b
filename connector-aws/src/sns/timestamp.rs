//! SNS's `Timestamp` ("2012-04-26T20:45:04.751Z": ISO 8601, UTC, optional fraction), read
//! strictly into a `SystemTime` without a date library.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`, from 1970 on; anything else is `None`.
pub(crate) fn parse_iso8601(text: &str) -> Option<SystemTime> {
    let rest = text.strip_suffix('Z')?;
    let (date, time) = rest.split_once('T')?;
    let mut date_parts = date.split('-');
    let (y, m, d) = (date_parts.next()?, date_parts.next()?, date_parts.next()?);
    if date_parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (time, None),
    };
    let mut clock_parts = clock.split(':');
    let (hh, mm, ss) = (
        clock_parts.next()?,
        clock_parts.next()?,
        clock_parts.next()?,
    );
    if clock_parts.next().is_some() || hh.len() != 2 || mm.len() != 2 || ss.len() != 2 {
        return None;
    }
    let (year, month, day) = (
        i64::try_from(digits(y)?).ok()?,
        i64::try_from(digits(m)?).ok()?,
        i64::try_from(digits(d)?).ok()?,
    );
    let (hour, minute, second) = (digits(hh)?, digits(mm)?, digits(ss)?);
    if year < 1970
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let nanos = match fraction {
        None => 0,
        Some(f) if (1..=9).contains(&f.len()) => {
            let value = u32::try_from(digits(f)?).ok()?;
            let scale = 10u32.checked_pow(9 - u32::try_from(f.len()).ok()?)?;
            value.checked_mul(scale)?
        }
        Some(_) => return None,
    };
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    UNIX_EPOCH.checked_add(Duration::new(seconds, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sns_timestamps_read_exactly() {
        let t = parse_iso8601("2012-04-26T20:45:04.751Z").unwrap();
        let d = t.duration_since(UNIX_EPOCH).unwrap();
        assert_eq!(d.as_secs(), 1_335_473_104);
        assert_eq!(d.subsec_millis(), 751);
        assert_eq!(
            parse_iso8601("2024-02-29T00:00:00Z")
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            1_709_164_800
        );
    }

    #[test]
    fn malformed_timestamps_are_refused() {
        for bad in [
            "",
            "2012-04-26T20:45:04.751",
            "2012-04-26 20:45:04Z",
            "2023-02-29T00:00:00Z",
            "2012-13-01T00:00:00Z",
            "2012-04-26T24:00:00Z",
            "2012-04-26T20:45:04.Z",
            "2012-04-26T20:45:04.1234567890Z",
            "+012-04-26T20:45:04Z",
            "1969-12-31T23:59:59Z",
            "2012-04-26T20:45:04+00:00",
        ] {
            assert!(parse_iso8601(bad).is_none(), "{bad}");
        }
    }
}
