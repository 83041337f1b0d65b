//! Tenants (added idempotently, known once added) and keys (inserted once, read back
//! exactly, revoked only while live, the first revocation time kept).

use super::Checks;
use super::fixture::{FAR, Fixture};
use crate::directory::{Access, Directory, InvalidRecord, KeyRecord};
use crate::secret::SecretHash;

pub(crate) async fn tenants(directory: &dyn Directory, fixture: &Fixture, checks: &mut Checks) {
    let before = directory.has_tenant(&fixture.a).await;
    if let Some(found) = checks.ok("tenant_unknown_is_absent", before) {
        checks.same("tenant_unknown_is_absent", &found, &false);
    }
    let added = directory.add_tenant(&fixture.a).await;
    checks.ok("tenant_add", added);
    let again = directory.add_tenant(&fixture.a).await;
    checks.ok("tenant_add_is_idempotent", again);
    let found = directory.has_tenant(&fixture.a).await;
    if let Some(found) = checks.ok("tenant_added_is_present", found) {
        checks.same("tenant_added_is_present", &found, &true);
    }
    let other = directory.has_tenant(&fixture.never).await;
    if let Some(found) = checks.ok("tenant_other_is_absent", other) {
        checks.same("tenant_other_is_absent", &found, &false);
    }
}

/// Reads `id`, recording `rule` broken unless it is `want`.
async fn expect_key(
    directory: &dyn Directory,
    checks: &mut Checks,
    rule: &str,
    id: &str,
    want: Option<&KeyRecord>,
) {
    let read = directory.key(id).await;
    if let Some(got) = checks.ok(rule, read) {
        checks.same(rule, &got.as_ref(), &want);
    }
}

/// Revokes `id` at `at`, recording `rule` broken unless the answer is `want`.
async fn expect_revoke(
    directory: &dyn Directory,
    checks: &mut Checks,
    rule: &str,
    (id, at): (&str, u64),
    want: bool,
) {
    let revoked = directory.revoke_key(id, at).await;
    if let Some(got) = checks.ok(rule, revoked) {
        checks.same(rule, &got, &want);
    }
}

pub(crate) async fn keys(directory: &dyn Directory, fixture: &Fixture, checks: &mut Checks) {
    expect_key(
        directory,
        checks,
        "key_unknown_is_none",
        &fixture.id("nokey"),
        None,
    )
    .await;

    // Every access level, none, and the flags both ways round-trip exactly.
    let built = (|| -> Result<_, InvalidRecord> {
        let mut records = Vec::new();
        for (name, access) in [
            ("kview", Some(Access::View)),
            ("kuse", Some(Access::Use)),
            ("kmanage", Some(Access::Manage)),
            ("knone", None),
        ] {
            records.push(fixture.key(name, access).build()?);
        }
        records.push(
            fixture
                .key("kplain", None)
                .with_teams(Vec::<String>::new())
                .with_label("")
                .with_may_create(false)
                .with_created_at(0)
                .build()?,
        );
        let revoked = fixture
            .key("krevoked", Some(Access::View))
            .with_revoked_at(Some(FAR + 1))
            .build()?;
        records.push(revoked.clone());
        // Under the id of the first, every other part different.
        let impostor = KeyRecord::builder(
            fixture.id("kview"),
            fixture.a.clone(),
            SecretHash::of("impostor"),
        )
        .with_label("impostor")
        .with_default_access(Some(Access::Manage))
        .build()?;
        Ok((records, revoked, impostor))
    })();
    let (records, revoked, impostor) = match built {
        Ok(built) => built,
        Err(reason) => return checks.check("fixture", false, || reason.to_string()),
    };
    for record in &records {
        let inserted = directory.insert_key(record).await;
        checks.ok("key_insert", inserted);
    }
    for record in &records {
        expect_key(
            directory,
            checks,
            "key_round_trips_exactly",
            record.id(),
            Some(record),
        )
        .await;
    }

    // A second insert under a stored id fails and changes nothing.
    let Some(live) = records.first().cloned() else {
        return;
    };
    let duplicate = directory.insert_key(&impostor).await;
    checks.check("key_duplicate_id_is_refused", duplicate.is_err(), || {
        "a second key with a stored id was accepted".to_owned()
    });
    expect_key(
        directory,
        checks,
        "key_duplicate_id_keeps_the_stored_record",
        live.id(),
        Some(&live),
    )
    .await;

    // Revocation: only a live key, reported; the first time kept; nothing else changes.
    expect_revoke(
        directory,
        checks,
        "key_revoke_live_reports_true",
        (live.id(), FAR + 7),
        true,
    )
    .await;
    let after = live.clone().revoked(FAR + 7);
    expect_key(
        directory,
        checks,
        "key_revoke_is_stored",
        live.id(),
        Some(&after),
    )
    .await;
    expect_revoke(
        directory,
        checks,
        "key_revoke_twice_reports_false",
        (live.id(), FAR + 9),
        false,
    )
    .await;
    expect_key(
        directory,
        checks,
        "key_revoke_keeps_the_first_time",
        live.id(),
        Some(&after),
    )
    .await;
    expect_revoke(
        directory,
        checks,
        "key_revoke_revoked_at_insert_reports_false",
        (revoked.id(), FAR + 9),
        false,
    )
    .await;
    expect_key(
        directory,
        checks,
        "key_revoke_keeps_the_first_time",
        revoked.id(),
        Some(&revoked),
    )
    .await;
    expect_revoke(
        directory,
        checks,
        "key_revoke_unknown_reports_false",
        (&fixture.id("nokey"), FAR),
        false,
    )
    .await;
    // Revoking one key leaves the others live.
    for record in records.iter().skip(1) {
        expect_key(
            directory,
            checks,
            "key_revoke_touches_one_key",
            record.id(),
            Some(record),
        )
        .await;
    }
}
