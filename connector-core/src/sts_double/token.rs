//! Test OIDC tokens the in-memory STS can check: `memsts.ISSUER.SUBJECT.AUDIENCE.EXPIRY.CHECK`
//! with each part hex-encoded and a checksum keyed by the STS instance, so a garbled or
//! foreign token is rejected as `InvalidIdentityToken`. A test double, not cryptography.

use std::hash::{DefaultHasher, Hash, Hasher};

/// The claims the STS reads from a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claims {
    pub(crate) issuer: String,
    pub(crate) subject: String,
    pub(crate) audience: String,
    pub(crate) expires: u64,
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<String> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

fn check(key: u64, body: &str) -> String {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    body.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

pub(crate) fn encode(key: u64, claims: &Claims) -> String {
    let body = format!(
        "memsts.{}.{}.{}.{}",
        hex(&claims.issuer),
        hex(&claims.subject),
        hex(&claims.audience),
        claims.expires
    );
    let check = check(key, &body);
    format!("{body}.{check}")
}

pub(crate) fn decode(key: u64, token: &str) -> Option<Claims> {
    let (body, given) = token.rsplit_once('.')?;
    if check(key, body) != given {
        return None;
    }
    let parts: Vec<&str> = body.split('.').collect();
    let ["memsts", issuer, subject, audience, expires] = parts.as_slice() else {
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
    fn round_trip_and_tamper() {
        let claims = Claims {
            issuer: "id.example.com".into(),
            subject: "org/acme".into(),
            audience: "sts.amazonaws.com".into(),
            expires: 42,
        };
        let token = encode(7, &claims);
        assert_eq!(decode(7, &token), Some(claims));
        assert_eq!(decode(8, &token), None);
        assert_eq!(decode(7, &token.replace("memsts", "other")), None);
        assert_eq!(decode(7, "garbage"), None);
    }
}
