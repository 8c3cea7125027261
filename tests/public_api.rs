//! The public API, as a library user sees it, is the list in `tests/public-api.txt`: a
//! change of surface (an item, method, field, variant or trait impl added or removed) is
//! a decision, made by updating that list in the same commit.
//!
//! The list is read from rustdoc's output for the library as a user builds it (no default
//! features, so neither the CLI nor the hidden `internals`; the driver features on, as
//! their impls are part of the surface). Run with `UPDATE_PUBLIC_API=1` to rewrite the
//! list after a deliberate change, and review the diff.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const ITEM_KINDS: &[&str] = &[
    "struct", "enum", "fn", "constant", "type", "trait", "macro", "union", "static",
];

/// The text between the first `from` marker and the next `to` marker (or the end).
fn section<'a>(html: &'a str, from: &str, to: &[&str]) -> &'a str {
    let Some(start) = html.find(from) else {
        return "";
    };
    let rest = &html[start..];
    let end = to
        .iter()
        .filter_map(|t| rest.find(t))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The values of every `id="<prefix>..."` attribute in `html`.
fn ids<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    let needle = format!("id=\"{prefix}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + 4..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(&rest[..end]);
    }
    out
}

/// The text of every `<h3 class="code-header">` in `html`, tags stripped, entities
/// decoded.
fn headers(html: &str) -> Vec<String> {
    let open = "<h3 class=\"code-header\">";
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        rest = &rest[i + open.len()..];
        let end = rest.find("</h3>").unwrap_or(rest.len());
        let mut text = String::new();
        let mut in_tag = false;
        for c in rest[..end].chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        out.push(text);
    }
    out
}

fn collect(dir: &Path, module: &str, out: &mut BTreeSet<String>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a doc directory")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if path.is_dir() {
            let index = path.join("index.html");
            let html = std::fs::read_to_string(&index).unwrap_or_default();
            // A directory without its own page holds only redirects to re-exported items.
            if !html.is_empty() && !html.contains("http-equiv=\"refresh\"") {
                let inner = format!("{module}::{name}");
                out.insert(format!("mod {inner}"));
                collect(&path, &inner, out);
            }
            continue;
        }
        let Some((kind, item)) = name
            .strip_suffix(".html")
            .and_then(|n| n.split_once('.'))
            .filter(|(k, _)| ITEM_KINDS.contains(k))
        else {
            continue;
        };
        let html = std::fs::read_to_string(&path).expect("an item page");
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        let path = format!("{module}::{item}");
        out.insert(format!("{kind} {path}"));
        let inherent = section(
            &html,
            "id=\"implementations-list\"",
            &[
                "id=\"trait-implementations\"",
                "id=\"synthetic-implementations\"",
            ],
        );
        for m in ids(inherent, "method.") {
            out.insert(format!("  {path}::{}()", &m["method.".len()..]));
        }
        for c in ids(inherent, "associatedconstant.") {
            out.insert(format!("  {path}::{}", &c["associatedconstant.".len()..]));
        }
        for f in ids(&html, "structfield.") {
            out.insert(format!("  {path}.{}", &f["structfield.".len()..]));
        }
        for v in ids(&html, "variant.") {
            let v = &v["variant.".len()..];
            if !v.ends_with(".fields") {
                out.insert(format!("  {path}::{v}"));
            }
        }
        for section_id in [
            "trait-implementations-list",
            "synthetic-implementations-list",
        ] {
            let impls = section(
                &html,
                &format!("id=\"{section_id}\""),
                &[
                    "id=\"synthetic-implementations\"",
                    "id=\"blanket-implementations\"",
                ],
            );
            for h in headers(impls) {
                // Trait methods' own headers (`fn fmt(...)`) are part of the trait, not
                // of the surface; of the auto traits, the stable ones a user relies on
                // (newer toolchains list more).
                let auto_ok = section_id != "synthetic-implementations-list"
                    || ["Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe"]
                        .iter()
                        .any(|t| h.contains(&format!(" {t} for ")));
                if h.starts_with("impl") && auto_ok {
                    out.insert(format!("  {path}: {h}"));
                }
            }
        }
    }
}

#[test]
fn public_api_is_the_listed_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // A target directory of its own: the surrounding `cargo test` may hold the main one.
    let target = root.join("target").join("public-api");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "doc",
            "--no-deps",
            "--lib",
            "--no-default-features",
            "--features",
            "rusqlite,postgres,mysql",
            "--locked",
            "--quiet",
        ])
        .arg("--target-dir")
        .arg(&target)
        .current_dir(root)
        .env_remove("RUSTDOCFLAGS")
        .output()
        .expect("cargo doc runs");
    assert!(
        out.status.success(),
        "cargo doc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut items = BTreeSet::new();
    collect(&target.join("doc").join("filterql"), "filterql", &mut items);
    let mut actual = String::from(
        "# The public API of filterql (library, no default features, driver features on).\n\
         # Generated by tests/public_api.rs; UPDATE_PUBLIC_API=1 rewrites it.\n",
    );
    for line in &items {
        actual.push_str(line);
        actual.push('\n');
    }
    let listed_path = root.join("tests").join("public-api.txt");
    if std::env::var_os("UPDATE_PUBLIC_API").is_some() {
        std::fs::write(&listed_path, &actual).expect("write the list");
        return;
    }
    let listed = std::fs::read_to_string(&listed_path).unwrap_or_default();
    if listed != actual {
        let old: BTreeSet<&str> = listed.lines().collect();
        let new: BTreeSet<&str> = actual.lines().collect();
        let added: Vec<&&str> = new.difference(&old).collect();
        let removed: Vec<&&str> = old.difference(&new).collect();
        panic!(
            "the public API changed; if that is deliberate, run with UPDATE_PUBLIC_API=1.\n\
             added:\n{}\nremoved:\n{}",
            added.iter().map(|l| format!("+ {l}\n")).collect::<String>(),
            removed
                .iter()
                .map(|l| format!("- {l}\n"))
                .collect::<String>(),
        );
    }
}
