//! The workload for the instruction-count measurement (issue 8): runs one pipeline on
//! one shape a given number of times. `scripts/bench` runs it under
//! `valgrind --tool=callgrind` with 0 and with N iterations; the difference divided by
//! N is the instruction count of one run, free of timing noise and of the setup cost.
//!
//! Usage: `instructions SHAPE PIPELINE ITERATIONS`, PIPELINE one of
//! `sqlparser`, `parse`, `compile`, `compile_flat`, or a name of `shapes::PIPELINES`
//! (`jdy`, `jdy_pushdown`, `masterdata`, `sql`, `sql_params`, ...). Without arguments it
//! runs every pipeline on every shape once.

mod shapes;

use std::hint::black_box;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; only positional arguments matter here.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if args.is_empty() {
        // `cargo test --all-targets` runs bench binaries without arguments: check once
        // that every shape goes through every pipeline.
        smoke();
        return ExitCode::SUCCESS;
    }
    let [shape, pipeline, iterations] = args.as_slice() else {
        eprintln!("usage: instructions SHAPE PIPELINE ITERATIONS");
        return ExitCode::from(2);
    };
    let Some(shape) = shapes::shape(shape) else {
        eprintln!("unknown shape {shape}");
        return ExitCode::from(2);
    };
    let Ok(n) = iterations.parse::<usize>() else {
        eprintln!("ITERATIONS must be a number");
        return ExitCode::from(2);
    };
    let opts = shapes::options();
    let run: Box<dyn Fn()> = match pipeline.as_str() {
        "sqlparser" => Box::new(|| {
            black_box(shapes::sqlparser_parse(black_box(&shape.sql)));
        }),
        "parse" => Box::new(|| {
            black_box(shapes::parse(black_box(&shape.fq)));
        }),
        // The front end alone (parse, check, normalize): what every output path shares.
        "compile" => Box::new(|| {
            black_box(shapes::compile(black_box(&shape.fq), &shape.schema, &opts));
        }),
        // The same on a nested shape's flat equivalent: what the nesting costs.
        "compile_flat" => Box::new(|| {
            let fq = black_box(shape.input("jdy"));
            black_box(shapes::compile(fq, &shape.schema, &opts));
        }),
        name => match shapes::PIPELINES.iter().find(|(t, _)| *t == name) {
            Some(&(target, p)) => Box::new(move || {
                black_box(p(black_box(shape.input(target)), &shape.schema, &opts));
            }),
            None => {
                eprintln!("unknown pipeline {name}");
                return ExitCode::from(2);
            }
        },
    };
    for _ in 0..n {
        run();
    }
    ExitCode::SUCCESS
}

fn smoke() {
    let opts = shapes::options();
    for shape in shapes::shapes() {
        shapes::sqlparser_parse(&shape.sql);
        shapes::parse(&shape.fq);
        for (target, p) in shapes::PIPELINES {
            p(shape.input(target), &shape.schema, &opts);
        }
    }
}
