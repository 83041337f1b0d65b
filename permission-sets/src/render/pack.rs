//! Packing statements into as few documents as fit a size quota, splitting a statement whose
//! action list alone is too large.

use iam_policy::{ActionClause, OneOrMany, PolicyDocument, Statement};

use crate::PermissionSetError;

/// Greedy first-fit in order: statements keep their order, documents fill up one by one.
pub(super) fn pack(
    statements: Vec<Statement>,
    limit: usize,
) -> Result<Vec<PolicyDocument>, PermissionSetError> {
    let mut documents: Vec<Vec<Statement>> = Vec::new();
    for statement in statements.into_iter().flat_map(|s| split_to_fit(s, limit)) {
        let statement = statement?;
        let fits_last = documents.last().is_some_and(|last| {
            let mut candidate = last.clone();
            candidate.push(statement.clone());
            size(&candidate) <= limit
        });
        match documents.last_mut() {
            Some(last) if fits_last => last.push(statement),
            _ => documents.push(vec![statement]),
        }
    }
    Ok(documents.into_iter().map(PolicyDocument::new).collect())
}

fn size(statements: &[Statement]) -> usize {
    iam_policy::policy_size(&PolicyDocument::new(statements.to_vec()))
}

/// The statement itself when it fits in a document on its own; otherwise its action list cut
/// in halves (Sids get `Part1`, `Part2`, ...) until every part fits.
fn split_to_fit(statement: Statement, limit: usize) -> Vec<Result<Statement, PermissionSetError>> {
    let alone = size(std::slice::from_ref(&statement));
    if alone <= limit {
        return vec![Ok(statement)];
    }
    let ActionClause::Action(actions) = &statement.action else {
        return vec![Err(too_large(&statement, alone, limit))];
    };
    let actions = actions.as_slice();
    if actions.len() < 2 {
        return vec![Err(too_large(&statement, alone, limit))];
    }
    let (left, right) = actions.split_at(actions.len() / 2);
    let base = statement.sid.clone().unwrap_or_default();
    let halves = [left, right].map(|half| {
        let mut part = statement.clone();
        part.action = ActionClause::Action(OneOrMany::Many(half.to_vec()));
        part
    });
    let mut parts: Vec<Result<Statement, PermissionSetError>> = halves
        .into_iter()
        .flat_map(|half| split_to_fit(half, limit))
        .collect();
    let count = parts.len();
    for (i, part) in parts.iter_mut().enumerate() {
        if let Ok(part) = part {
            // Re-number from the original Sid so nested splits read Part1..PartN.
            if count > 1 {
                part.sid = Some(format!("{base}Part{}", i + 1));
            }
        }
    }
    parts
}

fn too_large(statement: &Statement, size: usize, limit: usize) -> PermissionSetError {
    PermissionSetError::TooLarge {
        what: format!(
            "statement {}",
            statement.sid.as_deref().unwrap_or("without Sid")
        ),
        size,
        limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(sid: &str, n: usize) -> Statement {
        let actions: Vec<String> = (0..n).map(|i| format!("ec2:DescribeThing{i:04}")).collect();
        Statement::allow(&actions)
            .unwrap()
            .with_sid(sid)
            .with_resources(["*"])
            .unwrap()
    }

    #[test]
    fn packs_in_order_under_the_limit() {
        let docs = pack(
            vec![statement("A", 150), statement("B", 150), statement("C", 10)],
            6144,
        )
        .unwrap();
        assert!(docs.len() >= 2);
        for doc in &docs {
            assert!(iam_policy::policy_size(doc) <= 6144);
        }
        let sids: Vec<String> = docs
            .iter()
            .flat_map(|d| d.statements().iter().map(|s| s.sid.clone().unwrap()))
            .collect();
        assert_eq!(sids.first().map(String::as_str), Some("A"));
        assert_eq!(sids.last().map(String::as_str), Some("C"));
    }

    #[test]
    fn splits_a_statement_too_large_alone() {
        let docs = pack(vec![statement("Big", 1000)], 6144).unwrap();
        assert!(docs.len() > 1);
        let total: usize = docs
            .iter()
            .flat_map(|d| d.statements())
            .map(|s| s.action.patterns().len())
            .sum();
        assert_eq!(total, 1000);
        for doc in &docs {
            assert!(iam_policy::policy_size(doc) <= 6144);
            for s in doc.statements() {
                assert!(s.sid.as_deref().unwrap().starts_with("BigPart"));
            }
        }
    }

    #[test]
    fn a_single_action_too_large_is_an_error() {
        assert!(pack(vec![statement("One", 1)], 50).is_err());
    }
}
