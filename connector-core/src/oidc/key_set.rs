//! `KeySet`: the current signing key, the next one (published before the switch, because AWS
//! caches the JWKS), and retired keys kept until the last token they signed has expired.

use std::time::{Duration, SystemTime};

use super::{Jwks, OidcError, SigningAlgorithm, SigningKey};

/// A retired key and the instant after which no token it signed is still valid.
#[derive(Debug)]
struct Retired {
    key: SigningKey,
    until: SystemTime,
}

/// The issuer's keys. Rotation is two steps: [`with_next`](KeySet::with_next) publishes the
/// next key in the JWKS while the current key still signs; once relying parties have had
/// time to refetch the JWKS, [`rotate`](KeySet::rotate) makes the next key current and
/// retires the old one, which the JWKS keeps publishing until its last token has expired
/// ([`prune`](KeySet::prune) then drops it).
#[derive(Debug)]
pub struct KeySet {
    current: SigningKey,
    next: Option<SigningKey>,
    retired: Vec<Retired>,
}

impl KeySet {
    /// A set whose only key is `current`.
    pub fn new(current: SigningKey) -> KeySet {
        KeySet {
            current,
            next: None,
            retired: Vec::new(),
        }
    }

    /// Publishes `next` in the JWKS ahead of the switch (replaces a pending next key).
    pub fn with_next(mut self, next: SigningKey) -> KeySet {
        self.next = Some(next);
        self
    }

    /// Sets the next key on an existing set.
    pub fn set_next(&mut self, next: SigningKey) -> Result<(), OidcError> {
        if self.kids().any(|kid| kid == next.kid()) {
            return Err(OidcError::Rotation("the next key is already in the set"));
        }
        self.next = Some(next);
        Ok(())
    }

    /// The key that signs new tokens.
    pub fn current(&self) -> &SigningKey {
        &self.current
    }

    /// The key published for the next switch, if any.
    pub fn next(&self) -> Option<&SigningKey> {
        self.next.as_ref()
    }

    /// Switches to the next key at `now`: the old current key is retired and stays in the
    /// JWKS until `now + max_token_ttl`, when the last token it may have signed expires.
    /// Refused without a next key (it must have been published first).
    pub fn rotate(&mut self, now: SystemTime, max_token_ttl: Duration) -> Result<(), OidcError> {
        let Some(next) = self.next.take() else {
            return Err(OidcError::Rotation(
                "no next key: publish one with set_next before rotating",
            ));
        };
        let until = now.checked_add(max_token_ttl).ok_or(OidcError::Rotation(
            "the retirement instant is out of range",
        ))?;
        let old = std::mem::replace(&mut self.current, next);
        self.retired.push(Retired { key: old, until });
        Ok(())
    }

    /// Drops the retired keys whose last token has expired by `now`.
    pub fn prune(&mut self, now: SystemTime) {
        self.retired.retain(|r| r.until > now);
    }

    /// The kids of every published key: current, next, then retired.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.current.kid())
            .chain(self.next.iter().map(SigningKey::kid))
            .chain(self.retired.iter().map(|r| r.key.kid()))
    }

    /// The algorithms of the published keys.
    pub fn algorithms(&self) -> Vec<SigningAlgorithm> {
        std::iter::once(&self.current)
            .chain(self.next.iter())
            .chain(self.retired.iter().map(|r| &r.key))
            .map(SigningKey::algorithm)
            .collect()
    }

    /// The JWKS: the public halves of current, next and retired keys.
    pub fn jwks(&self) -> Jwks {
        Jwks::new(
            std::iter::once(&self.current)
                .chain(self.next.iter())
                .chain(self.retired.iter().map(|r| &r.key))
                .map(|k| k.public_jwk().clone())
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::generate(SigningAlgorithm::Es256).unwrap()
    }

    #[test]
    fn jwks_publishes_next_before_the_switch_and_retired_until_their_tokens_expire() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let (a, b) = (key(), key());
        let (kid_a, kid_b) = (a.kid().to_owned(), b.kid().to_owned());
        let mut set = KeySet::new(a);
        assert_eq!(set.jwks().keys().len(), 1);
        assert!(matches!(
            set.rotate(t0, Duration::from_secs(300)),
            Err(OidcError::Rotation(_))
        ));
        set.set_next(b).unwrap();
        let published: Vec<_> = set.kids().map(str::to_owned).collect();
        assert_eq!(
            published,
            [kid_a.clone(), kid_b.clone()],
            "next published before the switch"
        );
        assert_eq!(set.current().kid(), kid_a);
        set.rotate(t0, Duration::from_secs(300)).unwrap();
        assert_eq!(set.current().kid(), kid_b);
        assert!(
            set.jwks().find(&kid_a).is_some(),
            "retired key still published"
        );
        set.prune(t0 + Duration::from_secs(299));
        assert!(
            set.jwks().find(&kid_a).is_some(),
            "its last token is still valid"
        );
        set.prune(t0 + Duration::from_secs(300));
        assert!(
            set.jwks().find(&kid_a).is_none(),
            "dropped once its last token expired"
        );
        assert_eq!(set.jwks().keys().len(), 1);
    }

    #[test]
    fn a_key_already_in_the_set_cannot_be_the_next_key() {
        let a = key();
        let again =
            SigningKey::from_pkcs8_pem(secrecy::ExposeSecret::expose_secret(&a.to_pkcs8_pem()))
                .unwrap();
        let mut set = KeySet::new(a);
        assert!(set.set_next(again).is_err());
    }
}
