//! Peak heap per input byte (issue 8): a counting global allocator records the highest
//! number of live heap bytes during one run of each pipeline on each shape, measured
//! from the live total just before the run (so the schema, the input text and the
//! allocator's own bookkeeping do not count). Prints a Markdown table.
//!
//! `cargo bench --bench memory` (no timing involved: the numbers are exact and
//! repeatable).

mod shapes;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The system allocator, counting live bytes, their peak and the number of allocations.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            ALLOCS.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            ALLOCS.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            ALLOCS.fetch_add(1, Relaxed);
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Peak live bytes above the starting level, and allocations, while `f` runs (its
/// result is dropped inside the measurement, so it counts at its peak).
fn measure<T>(f: impl FnOnce() -> T) -> (usize, usize) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let allocs = ALLOCS.load(Relaxed);
    black_box(f());
    (PEAK.load(Relaxed) - base, ALLOCS.load(Relaxed) - allocs)
}

fn main() {
    let opts = shapes::options();
    println!(
        "| shape | input bytes | pipeline | peak heap (bytes) | bytes / input byte | allocations |"
    );
    println!("|---|---:|---|---:|---:|---:|");
    for shape in shapes::shapes() {
        let row = |pipeline: &str, len: usize, (peak, allocs): (usize, usize)| {
            println!(
                "| {} | {} | {} | {} | {:.1} | {} |",
                shape.name,
                len,
                pipeline,
                peak,
                peak as f64 / len as f64,
                allocs
            );
        };
        // Warm up once: lazily initialised statics (e.g. in chrono or sqlparser) are not
        // part of a compile's working set.
        shapes::sqlparser_parse(&shape.sql);
        for (target, pipeline) in shapes::PIPELINES {
            pipeline(shape.input(target), &shape.schema, &opts);
        }
        row(
            "sqlparser parse_expr",
            shape.sql.len(),
            measure(|| shapes::sqlparser_parse(&shape.sql)),
        );
        row(
            "filterql parse",
            shape.fq.len(),
            measure(|| shapes::parse(&shape.fq)),
        );
        row(
            "filterql compile",
            shape.fq.len(),
            measure(|| shapes::compile(&shape.fq, &shape.schema, &opts)),
        );
        for (target, pipeline) in shapes::PIPELINES {
            let input = shape.input(target);
            row(
                &format!("filterql compile → {target}"),
                input.len(),
                measure(|| pipeline(input, &shape.schema, &opts)),
            );
        }
    }
}
