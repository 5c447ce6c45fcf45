//! Golden tests: the Markdown rendering of each part on the fixture database.
//! `UPDATE_GOLDEN=1 cargo test -p chiso-report --test golden` rewrites the files.

mod common;

use std::path::PathBuf;

use chiso_app::report::build;
use chiso_report::{render, Format, PartKind};

fn check(name: &str, parts: &[PartKind], adjust: impl FnOnce(&mut chiso_report::ReportRequest)) {
    let store = common::store();
    let mut request = common::request().with_parts(parts);
    adjust(&mut request);
    let report = build(&store, &request).expect("report");
    let text =
        String::from_utf8(render(&report, Format::Markdown).expect("markdown")).expect("utf-8");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.md"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &text).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    if text != expected {
        let first = text.lines().zip(expected.lines()).position(|(a, b)| a != b);
        panic!(
            "{name}.md differs from the rendering (first differing line {:?}); rerun with UPDATE_GOLDEN=1 if intended\n--- rendered ---\n{text}",
            first.map(|i| i + 1)
        );
    }
}

#[test]
fn letter() {
    check("letter", &[PartKind::Letter], |_| {});
}

#[test]
fn criteria() {
    check("criteria", &[PartKind::Criteria], |_| {});
}

#[test]
fn components() {
    check("components", &[PartKind::Components], |_| {});
}

#[test]
fn ranking() {
    check("ranking", &[PartKind::Ranking], |_| {});
}

#[test]
fn monthly() {
    check("monthly", &[PartKind::Monthly], |_| {});
}

#[test]
fn timeliness() {
    check("timeliness", &[PartKind::Timeliness], |_| {});
}

#[test]
fn departments_only_with_numbered_appendices() {
    check(
        "departments",
        &[PartKind::Ranking, PartKind::Timeliness],
        |r| {
            r.kinds = vec![chiso_core::records::UnitKind::Department];
        },
    );
}

#[test]
fn components_of_a_district_against_its_peers() {
    check("components-district", &[PartKind::Components], |r| {
        r.unit = Some("000.00.10.H99".into())
    });
}

#[test]
fn certification_by_district() {
    check("certification", &[PartKind::Certification], |_| {});
}

/// Communes straight under the scope, as under the two-tier government
/// (here a district's communes): one row per commune, "1/1" or "0/1".
#[test]
fn certification_by_commune() {
    check("certification-communes", &[PartKind::Certification], |r| {
        r.unit = Some("000.00.10.H99".into())
    });
}
