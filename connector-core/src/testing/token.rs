//! Test OIDC tokens: `memsts1.ISSUER.SUBJECT.AUDIENCE.EXPIRY.CHECK`, the claims hex-encoded and
//! the check an FNV-1a hash keyed by the issuing STS instance. A garbled token, or one from
//! another instance, fails the check. A test double's format, not a JWT and not cryptography.

/// The claims the STS reads from a token. `issuer` is host and path, without `https://`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Claims {
    pub(super) issuer: String,
    pub(super) subject: String,
    pub(super) audience: String,
    /// Seconds since the Unix epoch.
    pub(super) expires: u64,
}

const PREFIX: &str = "memsts1";

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<String> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let bytes = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

fn check(key: u64, body: &str) -> String {
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325 ^ key;
    for byte in body.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
    }
    format!("{:016x}", super::mint::mix64(hash ^ key.rotate_left(17)))
}

pub(super) fn encode(key: u64, claims: &Claims) -> String {
    let body = format!(
        "{PREFIX}.{}.{}.{}.{}",
        hex(&claims.issuer),
        hex(&claims.subject),
        hex(&claims.audience),
        claims.expires
    );
    let check = check(key, &body);
    format!("{body}.{check}")
}

/// The claims, or `None` when the token is not one this instance issued intact.
pub(super) fn decode(key: u64, token: &str) -> Option<Claims> {
    let (body, given) = token.rsplit_once('.')?;
    if check(key, body) != given {
        return None;
    }
    let parts: Vec<&str> = body.split('.').collect();
    let [PREFIX, issuer, subject, audience, expires] = parts.as_slice() else {
        return None;
    };
    Some(Claims {
        issuer: unhex(issuer)?,
        subject: unhex(subject)?,
        audience: unhex(audience)?,
        expires: expires.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tampering() {
        let claims = Claims {
            issuer: "id.example.com".into(),
            subject: "org/acme".into(),
            audience: "sts.amazonaws.com".into(),
            expires: 42,
        };
        let token = encode(7, &claims);
        assert_eq!(decode(7, &token), Some(claims.clone()));
        assert_eq!(decode(8, &token), None, "another instance's key");
        let evil = encode(
            7,
            &Claims {
                subject: "org/evil".into(),
                ..claims
            },
        );
        let spliced = format!(
            "{}.{}",
            evil.rsplit_once('.').map_or("", |(body, _)| body),
            token.rsplit_once('.').map_or("", |(_, check)| check)
        );
        assert_eq!(decode(7, &spliced), None, "claims changed, check kept");
        assert_eq!(decode(7, "garbage"), None);
        assert_eq!(decode(7, ""), None);
        assert_eq!(decode(7, "a.b.c.d.e.f"), None);
    }
}
