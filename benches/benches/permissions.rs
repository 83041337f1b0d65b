//! Permission-set benchmarks: expanding and auditing AWS's `ReadOnlyAccess` against the full
//! action catalog, and auditing every corpus policy. Figures: benches/README.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "benchmarks may panic: a broken fixture stops the run"
)]

use std::hint::black_box;

use benches::corpus_documents;
use criterion::{Criterion, criterion_group, criterion_main};
use iam_policy::PolicyDocument;
use permission_sets::{Catalog, audit};

fn audits(c: &mut Criterion) {
    let Some(documents) = corpus_documents() else {
        eprintln!(
            "skipping permission-set benchmarks: {} not found (it lives beside the project in ../shared)",
            benches::CORPUS_DIR
        );
        return;
    };
    let policies: Vec<(String, PolicyDocument)> = documents
        .iter()
        .map(|(name, text)| (name.clone(), text.parse().expect("corpus parses")))
        .collect();
    // Load the catalog outside the timings (it is parsed once per process).
    let catalog = Catalog::aws();
    let read_only = &policies
        .iter()
        .find(|(name, _)| name == "ReadOnlyAccess.json")
        .expect("ReadOnlyAccess is in the corpus")
        .1;

    let mut group = c.benchmark_group("permissions");
    group.bench_function("expand_read_only_access", |b| {
        b.iter(|| {
            read_only
                .statements()
                .iter()
                .flat_map(|s| s.action.patterns().iter())
                .map(|p| catalog.expand(black_box(p)).len())
                .sum::<usize>()
        })
    });
    group.bench_function("audit_read_only_access", |b| {
        b.iter(|| audit(black_box(read_only)).allowed_actions())
    });
    group.sample_size(10);
    group.bench_function(format!("audit_{}_corpus_policies", policies.len()), |b| {
        b.iter(|| {
            policies
                .iter()
                .map(|(_, doc)| audit(black_box(doc)).allowed_actions())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, audits);
criterion_main!(benches);
