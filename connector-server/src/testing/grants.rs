//! Grants: one per tenant, connection and grantee (a new level replaces the old, `None`
//! removes it), answered for the grantees asked (a key and a team of one name apart), for
//! the connection asked (not names it is a prefix of), and never across tenants.

use super::Checks;
use super::fixture::Fixture;
use crate::directory::{Access, ConnectionName, Directory, Grant, Grantee, TenantId};

/// Sets a grant, recording `rule` broken when the call fails.
async fn set(
    directory: &dyn Directory,
    checks: &mut Checks,
    rule: &str,
    (tenant, connection, grantee): (&TenantId, &ConnectionName, &Grantee),
    access: Option<Access>,
) {
    let done = directory
        .set_grant(tenant, connection, grantee, access)
        .await;
    checks.ok(rule, done);
}

fn sorted(grants: Vec<Grant>) -> Vec<(String, Grantee, Access)> {
    let mut rows: Vec<(String, Grantee, Access)> = grants
        .iter()
        .map(|g| {
            let connection = g.connection().as_str().to_owned();
            (connection, g.grantee().clone(), g.access())
        })
        .collect();
    rows.sort();
    rows
}

/// Reads grants, recording `rule` broken unless they are `want` (in any order).
async fn expect(
    directory: &dyn Directory,
    checks: &mut Checks,
    rule: &str,
    (tenant, connection, grantees): (&TenantId, Option<&ConnectionName>, &[Grantee]),
    want: &[(&ConnectionName, &Grantee, Access)],
) {
    let read = directory.grants(tenant, connection, grantees).await;
    if let Some(got) = checks.ok(rule, read) {
        let want = sorted(
            want.iter()
                .map(|(c, g, a)| Grant::new((*c).clone(), (*g).clone(), *a))
                .collect(),
        );
        checks.same(rule, &sorted(got), &want);
    }
}

pub(crate) async fn grants(directory: &dyn Directory, fixture: &Fixture, checks: &mut Checks) {
    let names = (|| {
        Ok::<_, String>((
            fixture.connection(&fixture.a, "prod")?,
            fixture.connection(&fixture.a, "prod-eu")?,
            fixture.connection(&fixture.b, "prod")?,
        ))
    })();
    let (prod, prod_eu, b_prod) = match names {
        Ok(names) => names,
        Err(reason) => return checks.check("fixture", false, || reason),
    };
    let (a, b) = (&fixture.a, &fixture.b);
    let key = Grantee::checked_key(&fixture.id("gkey"));
    let other_key = Grantee::checked_key(&fixture.id("gother"));
    let ops = Grantee::checked_team("ops");
    let dev = Grantee::checked_team("dev");
    // A team named as the key's id: a different grantee.
    let key_named_team = Grantee::checked_team(&fixture.id("gkey"));

    expect(
        directory,
        checks,
        "grant_none_yet",
        (a, None, &[key.clone(), ops.clone()]),
        &[],
    )
    .await;
    set(
        directory,
        checks,
        "grant_set",
        (a, &prod, &key),
        Some(Access::View),
    )
    .await;
    set(
        directory,
        checks,
        "grant_set",
        (a, &prod, &key),
        Some(Access::Manage),
    )
    .await;
    expect(
        directory,
        checks,
        "grant_set_replaces_the_level",
        (a, Some(&prod), std::slice::from_ref(&key)),
        &[(&prod, &key, Access::Manage)],
    )
    .await;
    set(
        directory,
        checks,
        "grant_set",
        (a, &prod_eu, &ops),
        Some(Access::Use),
    )
    .await;
    set(
        directory,
        checks,
        "grant_set",
        (a, &prod, &dev),
        Some(Access::View),
    )
    .await;
    set(
        directory,
        checks,
        "grant_set",
        (a, &prod_eu, &other_key),
        Some(Access::Use),
    )
    .await;
    expect(
        directory,
        checks,
        "grant_filter_by_grantees",
        (a, None, &[key.clone(), ops.clone()]),
        &[(&prod, &key, Access::Manage), (&prod_eu, &ops, Access::Use)],
    )
    .await;
    expect(
        directory,
        checks,
        "grant_filter_by_connection",
        (a, Some(&prod), &[key.clone(), ops.clone(), dev.clone()]),
        &[(&prod, &key, Access::Manage), (&prod, &dev, Access::View)],
    )
    .await;
    expect(
        directory,
        checks,
        "grant_filter_by_connection",
        (a, Some(&prod_eu), &[key.clone(), ops.clone(), dev.clone()]),
        &[(&prod_eu, &ops, Access::Use)],
    )
    .await;
    expect(
        directory,
        checks,
        "grant_no_grantees_no_grants",
        (a, None, &[]),
        &[],
    )
    .await;
    expect(
        directory,
        checks,
        "grant_key_and_team_differ",
        (a, None, std::slice::from_ref(&key_named_team)),
        &[],
    )
    .await;

    // Tenant isolation: the same connection name and grantee in tenant b.
    set(
        directory,
        checks,
        "grant_set",
        (b, &b_prod, &key),
        Some(Access::View),
    )
    .await;
    expect(
        directory,
        checks,
        "grant_tenant_isolation",
        (a, Some(&prod), std::slice::from_ref(&key)),
        &[(&prod, &key, Access::Manage)],
    )
    .await;
    expect(
        directory,
        checks,
        "grant_tenant_isolation",
        (
            b,
            None,
            &[key.clone(), ops.clone(), dev.clone(), other_key.clone()],
        ),
        &[(&b_prod, &key, Access::View)],
    )
    .await;
    expect(
        directory,
        checks,
        "grant_tenant_isolation",
        (&fixture.never, None, &[key.clone(), ops.clone()]),
        &[],
    )
    .await;

    // Removal: that grant only; removing again is no error.
    set(directory, checks, "grant_remove", (a, &prod, &key), None).await;
    expect(
        directory,
        checks,
        "grant_remove_removes",
        (a, None, std::slice::from_ref(&key)),
        &[],
    )
    .await;
    expect(
        directory,
        checks,
        "grant_remove_touches_one_grant",
        (a, None, &[ops.clone(), dev.clone(), other_key.clone()]),
        &[
            (&prod_eu, &ops, Access::Use),
            (&prod, &dev, Access::View),
            (&prod_eu, &other_key, Access::Use),
        ],
    )
    .await;
    expect(
        directory,
        checks,
        "grant_remove_touches_one_tenant",
        (b, None, std::slice::from_ref(&key)),
        &[(&b_prod, &key, Access::View)],
    )
    .await;
    set(
        directory,
        checks,
        "grant_remove_missing_is_no_error",
        (a, &prod, &key),
        None,
    )
    .await;
}
