//! `rust-version` in Cargo.toml must state what the locked dependencies really need: the
//! highest `rust-version` among the packages the crate builds with (library and CLI,
//! dev-dependencies aside). A dependency update that raises it fails here, and so does a
//! stale, too-low claim.

use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::process::Command;

fn version(v: &str) -> (u64, u64, u64) {
    let mut it = v.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
    )
}

#[test]
fn rust_version_is_what_the_locked_dependencies_need() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version=1",
            "--locked",
            "--offline",
            "--filter-platform",
            "x86_64-unknown-linux-gnu",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let packages: HashMap<&str, &Value> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().unwrap_or_default(), p))
        .collect();
    let nodes: HashMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .expect("resolve nodes")
        .iter()
        .map(|n| (n["id"].as_str().unwrap_or_default(), n))
        .collect();
    let root = meta["resolve"]["root"].as_str().expect("a root package");

    // Normal and build dependencies, transitively: what a user of the crate compiles.
    let mut seen = HashSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            let kinds = dep["dep_kinds"].as_array().into_iter().flatten();
            let counts = kinds
                .clone()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if counts {
                stack.push(dep["pkg"].as_str().unwrap_or_default());
            }
        }
    }
    let needed = seen
        .iter()
        .filter(|id| **id != root)
        .filter_map(|id| {
            let p = packages[id];
            p["rust_version"]
                .as_str()
                .map(|v| (version(v), p["name"].as_str().unwrap_or_default()))
        })
        .max()
        .expect("some dependency states a rust-version");
    let claimed = packages[root]["rust_version"]
        .as_str()
        .expect("Cargo.toml states a rust-version");
    assert_eq!(
        version(claimed),
        needed.0,
        "Cargo.toml says rust-version {claimed}, but {} needs {}.{}.{}",
        needed.1,
        needed.0 .0,
        needed.0 .1,
        needed.0 .2
    );
}
