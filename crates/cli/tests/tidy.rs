//! Tidy: the workspace keeps the shape ARCHITECTURE.md describes. Each
//! crate depends only on the chiso crates it is allowed to (a pure core at
//! the bottom, backends and the application layer above it, the edges on
//! top), the report crate knows no store, command line or error-context
//! crate, every crate takes the workspace lints, and every Rust file starts
//! with a `//!` doc saying what it is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `[dependencies]` names of a crate's manifest (not dev-dependencies).
fn dependencies(manifest: &str) -> Vec<String> {
    let mut inside = false;
    let mut names = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[dependencies]"
                || line.starts_with("[target.") && line.ends_with(".dependencies]");
            continue;
        }
        if inside && !line.is_empty() && !line.starts_with('#') {
            if let Some(name) = line.split(['=', '.', ' ']).next() {
                names.push(name.trim().to_string());
            }
        }
    }
    names
}

fn crates() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(workspace().join("crates")).expect("crates/") {
        let dir = entry.expect("entry").path();
        let manifest = dir.join("Cargo.toml");
        if manifest.is_file() {
            let name = dir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            out.insert(name, std::fs::read_to_string(&manifest).expect("manifest"));
        }
    }
    out
}

/// The chiso crates each crate may depend on (by folder name).
fn allowed(krate: &str) -> Option<&'static [&'static str]> {
    Some(match krate {
        "core" => &[],
        "ingest" | "store" | "demo" | "cchc" => &["core"],
        // The CCHC appendices are laid out from the pure CCHC domain's
        // computed tables and plan (`report/src/reform.rs`).
        "report" => &["core", "cchc"],
        "store-pg" => &["core"],
        // The one crate that knows both backends: the edges reach them
        // through it.
        "backend" => &["core", "store", "store-pg"],
        // The application layer runs the CCHC use cases over the journals
        // (`chiso_core::reform`), so it knows the CCHC domain.
        "app" => &["core", "ingest", "report", "cchc"],
        // The CCHC pages render the domain's periods, sheets and statuses.
        "web" => &["core", "app", "ingest", "backend", "report", "demo", "cchc"],
        "cli" => &[
            "core", "app", "ingest", "store", "store-pg", "backend", "report", "demo", "web",
            "cchc",
        ],
        _ => return None,
    })
}

#[test]
fn crates_depend_only_on_what_they_may() {
    let all = crates();
    assert!(all.len() >= 9, "{:?}", all.keys());
    for (name, manifest) in &all {
        let allowed = allowed(name).unwrap_or_else(|| {
            panic!("crate {name}: add its allowed dependencies to this test and ARCHITECTURE.md")
        });
        for dep in dependencies(manifest) {
            if let Some(internal) = dep.strip_prefix("chiso-") {
                assert!(
                    allowed.contains(&internal),
                    "{name} must not depend on chiso-{internal}"
                );
            }
        }
    }
    let report = dependencies(&all["report"]);
    for forbidden in ["chiso-store", "clap", "anyhow", "rusqlite"] {
        assert!(
            !report.contains(&forbidden.to_string()),
            "the report crate must not know {forbidden}"
        );
    }
    for pure in ["core", "ingest", "report", "app", "demo", "cchc"] {
        for io in ["rusqlite", "postgres", "axum", "tokio", "clap"] {
            assert!(
                !dependencies(&all[pure]).iter().any(|d| d == io),
                "{pure} must not depend on {io}"
            );
        }
    }
}

#[test]
fn every_crate_takes_the_workspace_lints() {
    for (name, manifest) in crates() {
        let lints = manifest
            .lines()
            .skip_while(|l| l.trim() != "[lints]")
            .nth(1)
            .unwrap_or("");
        assert_eq!(
            lints.replace(' ', ""),
            "workspace=true",
            "crate {name}: add [lints] workspace = true"
        );
    }
    let root = std::fs::read_to_string(workspace().join("Cargo.toml")).expect("root manifest");
    assert!(root.contains("[workspace.lints.rust]") && root.contains("unsafe_code = \"deny\""));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() && name != "target" && !name.starts_with('.') {
            rust_files(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_file_says_what_it_is() {
    let mut files = Vec::new();
    rust_files(&workspace().join("crates"), &mut files);
    assert!(files.len() > 100, "{}", files.len());
    let undocumented: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            !text.trim_start_matches('\u{feff}').starts_with("//!")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        undocumented.is_empty(),
        "files without a //! doc: {undocumented:?}"
    );
}

#[test]
fn the_core_does_no_io() {
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/core/src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).expect("source");
        for io in [
            "std::fs",
            "std::net",
            "std::process",
            "std::env",
            "println!",
            "eprintln!",
        ] {
            assert!(
                !text.contains(io),
                "{}: the core must not use {io}",
                f.display()
            );
        }
    }
}
