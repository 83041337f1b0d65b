//! Page tokens: inserted once, each read back exactly under its own id.

use super::Checks;
use super::fixture::{FAR, Fixture};
use crate::directory::{Directory, PageTokenRecord};

async fn expect(
    directory: &dyn Directory,
    checks: &mut Checks,
    rule: &str,
    id: &str,
    want: Option<&PageTokenRecord>,
) {
    let read = directory.page_token(id).await;
    if let Some(got) = checks.ok(rule, read) {
        checks.same(rule, &got.as_ref(), &want);
    }
}

pub(crate) async fn page_tokens(directory: &dyn Directory, fixture: &Fixture, checks: &mut Checks) {
    let names = (|| {
        Ok::<_, String>((
            fixture.connection(&fixture.a, "prod")?,
            fixture.connection(&fixture.b, "staging_2")?,
        ))
    })();
    let (prod, staging) = match names {
        Ok(names) => names,
        Err(reason) => return checks.check("fixture", false, || reason),
    };
    expect(
        directory,
        checks,
        "page_token_unknown_is_none",
        &fixture.id("notoken"),
        None,
    )
    .await;
    let built = (|| {
        Ok::<_, crate::directory::InvalidRecord>((
            fixture.page_token("pt1", &fixture.a, &prod, FAR)?,
            fixture.page_token("pt2", &fixture.b, &staging, 1)?,
            // Under the id of the first, every other part different.
            fixture.page_token_hashed("pt1", &fixture.b, &staging, FAR + 1, "impostor")?,
        ))
    })();
    let (first, second, impostor) = match built {
        Ok(built) => built,
        Err(reason) => return checks.check("fixture", false, || reason.to_string()),
    };
    for token in [&first, &second] {
        let inserted = directory.insert_page_token(token).await;
        checks.ok("page_token_insert", inserted);
    }
    expect(
        directory,
        checks,
        "page_token_round_trips_exactly",
        first.id(),
        Some(&first),
    )
    .await;
    expect(
        directory,
        checks,
        "page_token_round_trips_exactly",
        second.id(),
        Some(&second),
    )
    .await;
    let duplicate = directory.insert_page_token(&impostor).await;
    checks.check(
        "page_token_duplicate_id_is_refused",
        duplicate.is_err(),
        || "a second page token with a stored id was accepted".to_owned(),
    );
    expect(
        directory,
        checks,
        "page_token_duplicate_id_keeps_the_stored_record",
        first.id(),
        Some(&first),
    )
    .await;
}
