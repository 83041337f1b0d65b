//! Our side of the peer comparison (benches/peers/run): over the AWS managed policy corpus,
//! in-process, best of N runs, the work `connector policy expand` and `connector policy
//! check`/`audit` do, printed as one JSON object.

use std::time::{Duration, Instant};

use iam_policy::{ActionClause, PolicyDocument, PolicyKind, Validator};
use permission_sets::Catalog;

fn best<T>(runs: u32, mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut fastest = Duration::MAX;
    let mut result = work();
    for _ in 0..runs {
        let start = Instant::now();
        result = work();
        fastest = fastest.min(start.elapsed());
    }
    (fastest, result)
}

fn main() {
    let runs: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let Some(corpus) = benches::corpus_documents() else {
        eprintln!(
            "the corpus is not at {} beside the workspace",
            benches::CORPUS_DIR
        );
        std::process::exit(2);
    };
    let catalog = Catalog::aws();
    let texts: Vec<&str> = corpus.iter().map(|(_, text)| text.as_str()).collect();

    // Expansion: parse each policy, expand every Action pattern against the catalog (what
    // policyuniverse's expand_policy does, including the parse it does first).
    let (expand, actions) = best(runs, || {
        let mut actions = 0usize;
        for text in &texts {
            let Ok(doc) = text.parse::<PolicyDocument>() else {
                continue;
            };
            for statement in doc.statements() {
                if let ActionClause::Action(patterns) = &statement.action {
                    for pattern in patterns.as_slice() {
                        actions += catalog.expand(pattern).len();
                    }
                }
            }
        }
        actions
    });
    // Linting: parse and validate (grammar, names, conditions, sizes), as parliament lints.
    let validator = Validator::new(PolicyKind::AwsManagedPolicy);
    let (lint, findings) = best(runs, || {
        texts
            .iter()
            .filter_map(|text| text.parse::<PolicyDocument>().ok())
            .map(|doc| validator.validate(&doc).len())
            .sum::<usize>()
    });
    // Linting plus the guarantee audit (`connector policy check` + `connector policy audit`).
    let (lint_audit, violations) = best(runs, || {
        texts
            .iter()
            .filter_map(|text| text.parse::<PolicyDocument>().ok())
            .map(|doc| {
                let audit = permission_sets::audit(&doc);
                validator.validate(&doc).len()
                    + audit
                        .checks()
                        .iter()
                        .map(|g| g.violations().len())
                        .sum::<usize>()
            })
            .sum::<usize>()
    });
    println!(
        "{{\"policies\":{},\"ours_expand_s\":{},\"ours_actions\":{actions},\"ours_lint_s\":{},\"ours_findings\":{findings},\"ours_lint_audit_s\":{},\"ours_findings_and_violations\":{violations}}}",
        texts.len(),
        expand.as_secs_f64(),
        lint.as_secs_f64(),
        lint_audit.as_secs_f64(),
    );
}
