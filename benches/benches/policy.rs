//! Policy benchmarks: parsing and validating the whole AWS managed policy corpus, one
//! decision on a ten-statement policy (compiled and interpreted), and the oversized inputs
//! that used to be quadratic. Figures: benches/README.md.

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

use benches::{TEN_STATEMENT_POLICY, corpus_documents};
use criterion::{Criterion, criterion_group, criterion_main};
use iam_policy::{CompiledPolicy, PolicyDocument, PolicyKind, Request, Validator};

fn corpus_parse_validate(c: &mut Criterion) {
    let Some(documents) = corpus_documents() else {
        eprintln!(
            "skipping corpus_parse_validate: {} not found (it lives beside the project in ../shared)",
            benches::CORPUS_DIR
        );
        return;
    };
    let validator = Validator::new(PolicyKind::AwsManagedPolicy);
    let mut group = c.benchmark_group("corpus");
    group.sample_size(20);
    group.bench_function(
        format!("parse_validate_{}_documents", documents.len()),
        |b| {
            b.iter(|| {
                let mut findings = 0usize;
                for (_, text) in &documents {
                    let doc = PolicyDocument::from_json(black_box(text)).expect("corpus parses");
                    findings += validator.validate(&doc).len();
                }
                findings
            })
        },
    );
    group.bench_function(format!("parse_only_{}_documents", documents.len()), |b| {
        b.iter(|| {
            documents
                .iter()
                .map(|(_, text)| PolicyDocument::from_json(black_box(text)).is_ok() as usize)
                .sum::<usize>()
        })
    });
    group.finish();
}

fn ten_statement_decision(c: &mut Criterion) {
    let doc: PolicyDocument = TEN_STATEMENT_POLICY.parse().expect("bench policy parses");
    let compiled = CompiledPolicy::new(&doc);
    // Allowed by the ninth statement after checking every other one, and the Deny.
    let request = Request::new(
        "s3:PutObject",
        "arn:aws:s3:::app-artifacts/builds/42.tar.gz",
    )
    .with_context("aws:SecureTransport", "true")
    .with_context("aws:RequestedRegion", "us-east-1");
    assert_eq!(compiled.evaluate(&request), doc.evaluate(&request));
    assert_eq!(compiled.decide(&request), iam_policy::Decision::Allow);
    // Denied: no statement allows it.
    let denied = Request::new(
        "ec2:TerminateInstances",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
    );

    let mut group = c.benchmark_group("decision_10_statements");
    group.bench_function("compiled_decide_allow", |b| {
        b.iter(|| compiled.decide(black_box(&request)))
    });
    group.bench_function("compiled_decide_implicit_deny", |b| {
        b.iter(|| compiled.decide(black_box(&denied)))
    });
    group.bench_function("compiled_evaluate_allow", |b| {
        b.iter(|| compiled.evaluate(black_box(&request)))
    });
    group.bench_function("interpreted_evaluate_allow", |b| {
        b.iter(|| doc.evaluate(black_box(&request)))
    });
    group.finish();
}

/// The inputs that were quadratic (issue 13, "Hostile and oversized input"), far beyond IAM's
/// quotas: each must stay near-linear.
fn oversized_inputs(c: &mut Criterion) {
    let mut group = c.benchmark_group("oversized");
    group.sample_size(10);

    // 20,000 findings in one 2.3 MB document, each located by line and column.
    let statements: Vec<String> = (0..20_000)
        .map(|i| {
            format!(
                r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {{"NumericLessThan": {{"s3:max-keys": "n{i}"}}}}}}"#
            )
        })
        .collect();
    let text = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}",
        statements.join(",\n")
    );
    let validator = Validator::new(PolicyKind::ManagedPolicy).with_max_document_bytes(8 << 20);
    group.bench_function("validate_text_20000_findings", |b| {
        b.iter(|| validator.validate_text(black_box(&text)).1.len())
    });

    // One 16 KB wildcard pattern against a 100 KB resource.
    let pattern = format!("arn:aws:s3:::b/{}z", "*a".repeat(8 * 1024));
    let doc: PolicyDocument = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "{pattern}"}}}}"#
    )
    .parse()
    .unwrap();
    let compiled = CompiledPolicy::new(&doc);
    let request = Request::new(
        "s3:GetObject",
        format!("arn:aws:s3:::b/{}", "a".repeat(100 * 1024)),
    );
    group.bench_function("glob_16kb_pattern_100kb_resource", |b| {
        b.iter(|| compiled.decide(black_box(&request)))
    });

    // 100,000 condition keys, all in the request.
    let entries: Vec<String> = (0..100_000)
        .map(|i| format!(r#""k:key{i}": "v{i}""#))
        .collect();
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {{"StringEquals": {{{}}}}}}}}}"#,
        entries.join(", ")
    );
    let options = iam_policy::ParseOptions::new().with_max_bytes(8 << 20);
    let mut request = Request::new("s3:GetObject", "arn:aws:s3:::b/k");
    for i in 0..100_000 {
        request.set_context(format!("K:KEY{i}"), format!("v{i}"));
    }
    group.bench_function("parse_compile_decide_100000_condition_keys", |b| {
        b.iter(|| {
            let doc = options.parse(black_box(&text)).unwrap();
            CompiledPolicy::new(&doc).decide(black_box(&request))
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    corpus_parse_validate,
    ten_statement_decision,
    oversized_inputs
);
criterion_main!(benches);
