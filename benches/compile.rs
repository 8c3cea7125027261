//! Criterion benches of issues 8 and 18: the shapes (typical, 200 conditions, a
//! 10,000-value `in` list, and the nested A and B) through sqlparser's `parse_expr` (the
//! baseline, same run), filterql's parser alone, its front end (parse, check, normalize), and the whole compile to each target
//! (strict jdy on a nested shape's flat equivalent); then the scaling group from 10 to
//! 100,000 conditions.
//!
//! `scripts/bench` runs this and turns the medians into `benches/RESULTS.md`.

mod shapes;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

fn shapes_group(c: &mut Criterion) {
    let opts = shapes::options();
    for shape in shapes::shapes() {
        let mut g = c.benchmark_group(shape.name);
        g.throughput(Throughput::Bytes(shape.fq.len() as u64));
        g.bench_function("sqlparser_parse_expr", |b| {
            b.iter(|| shapes::sqlparser_parse(black_box(&shape.sql)))
        });
        g.bench_function("filterql_parse", |b| {
            b.iter(|| shapes::parse(black_box(&shape.fq)))
        });
        g.bench_function("filterql_compile", |b| {
            b.iter(|| shapes::compile(black_box(&shape.fq), &shape.schema, &opts))
        });
        for (target, pipeline) in shapes::PIPELINES {
            g.bench_function(format!("filterql_compile_{target}"), |b| {
                b.iter(|| pipeline(black_box(shape.input(target)), &shape.schema, &opts))
            });
        }
        g.finish();
    }
}

fn scaling_group(c: &mut Criterion) {
    let opts = shapes::options();
    let schema = shapes::scaling_schema();
    let mut g = c.benchmark_group("scaling");
    g.sample_size(10);
    for n in [10usize, 100, 1_000, 10_000, 100_000] {
        let fq = shapes::scaling(n);
        // Elements = conditions, so the report's "per element" time is per condition.
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("compile_jdy", n), &fq, |b, fq| {
            b.iter(|| shapes::compile_jdy(black_box(fq), &schema, &opts))
        });
    }
    g.finish();
}

fn config() -> Criterion {
    // Two shared, noisy cores: short runs, medians in the report.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = shapes_group, scaling_group
}
criterion_main!(benches);
