//! Golden test on seed 004 (Cần Thơ, 137/BC-UBND, 10/6/2024): the values of
//! its Phụ lục II, read from the seed's own text
//! (`fixtures/seed004-phu-luc-ii.txt`, the appendix copied verbatim), are
//! entered into the cchc-2024 forms; the tables come back as printed
//! (`golden/seed004-phu-luc-ii.md`), and the seed's own inconsistencies come
//! out as findings.
//!
//! `UPDATE_GOLDEN=1 cargo test -p chiso-cchc --test seed004` rewrites the golden file.

use chiso_cchc::catalogue::Severity;
use chiso_cchc::decimal::{self, Decimal};
use chiso_cchc::sheet::{Figure, Scope, Sheet};
use chiso_cchc::table::{tables, FormTable};
use chiso_cchc::validate::{blockers, validate, Check, Context, Finding};
use chiso_cchc::value::{parse_cell, Breakdown, Value};

#[path = "common/seed004.rs"]
mod seed;
use seed::*;

fn markdown(tables: &[FormTable], findings: &[Finding]) -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = String::from(
        "# Phụ lục II — Biểu mẫu thống kê số liệu báo cáo CCHC định kỳ 06 tháng năm 2024 (thành phố Cần Thơ)\n",
    );
    for t in tables {
        out += &format!("\n## {}. {}\n\n", t.caption, t.title);
        out += "| STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu | Ghi chú |\n|---|---|---|---:|---|\n";
        for r in &t.rows {
            let label = if r.heading {
                format!("**{}**", cell(&r.label))
            } else {
                cell(&r.label)
            };
            out += &format!(
                "| {} | {} | {} | {} | {} |\n",
                r.stt,
                label,
                cell(&r.unit),
                r.value,
                cell(&r.note)
            );
        }
    }
    out += "\n## Kiểm tra số liệu\n\n";
    for f in findings {
        out += &format!("- {}: {}\n", f.severity.label_vi(), f.message);
    }
    out
}

fn golden(name: &str, text: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    if expected != text {
        let line = expected
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .map_or(
                expected.lines().count().min(text.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "{name} differs from the rendering at line {line}; rerun with UPDATE_GOLDEN=1 if intended\n--- rendered ---\n{text}"
        );
    }
}

#[test]
fn every_printed_row_is_read_and_the_catalogue_matches_its_labels_and_units() {
    let cat = catalogue();
    let rows = printed_rows();
    let (values, rejected) = enter(&cat, &rows);
    // Accounted for: every printed row is entered or rejected, never dropped.
    assert_eq!(
        rows.len(),
        values.0.len() - 1 + rejected.len(),
        "4.2.a is added"
    );
    let rejected: Vec<String> = rejected.iter().map(|r| r.to_string()).collect();
    assert_eq!(
        rejected,
        [
            "B4 3.2", "B4 3.2.1", "B4 3.2.2", "B4 3.3", "B4 3.3.1", "B4 3.3.2", "B4 3.4",
            "B4 3.4.1", "B4 3.4.2"
        ],
        "only form 4's page 2, which is a copy of form 3's"
    );
    // Every indicator of the catalogue is printed, except the hidden numerator.
    for ind in cat.indicators() {
        assert!(
            ind.hidden || rows.iter().any(|r| r.id == ind.id),
            "{} not printed in the seed",
            ind.id
        );
    }
    let mut mismatches = Vec::new();
    for r in &rows {
        let Some(ind) = cat.indicator(&r.id) else {
            continue;
        };
        for (what, seed, ours) in [
            ("label", &r.label, &ind.label),
            ("unit", &r.unit, &ind.unit),
        ] {
            if ocr_fixed(seed) != *ours {
                mismatches.push(format!(
                    "{} {what} (line {}):\n  seed {:?}\n  ours {ours:?}",
                    r.id,
                    r.line,
                    ocr_fixed(seed)
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn the_seed_tables_come_back_and_its_inconsistencies_are_found() {
    let cat = catalogue();
    let rows = printed_rows();
    let (values, _) = enter(&cat, &rows);
    let sheet = Sheet::resolve(&cat, &values, Scope::Consolidated);
    let findings = validate(
        &cat,
        &values,
        Context {
            scope: Scope::Consolidated,
            previous: None,
        },
    );
    let printed = tables(&sheet, "Cấp thành phố");
    golden("seed004-phu-luc-ii.md", &markdown(&printed, &findings));

    // Every printed figure is reproduced, except where the seed contradicts itself.
    let mut differing = Vec::new();
    for r in &rows {
        let Some(ind) = cat.indicator(&r.id) else {
            continue;
        };
        let row = sheet.row(&r.id).unwrap();
        let seed_value = parse_cell(ind, &r.value).unwrap();
        let same = match (&seed_value, &row.figure, &ind.kind) {
            (None, Figure::Empty, _) => true,
            (Some(Value::Number(p)), Figure::Rate { num, den }, _) => {
                decimal::percent_matches(*p, *num, *den, ind.precision)
            }
            (Some(Value::Number(p)), Figure::Number(n), _) => p == n,
            (Some(Value::Code(p)), Figure::Code(c), _) => p == c,
            _ => false,
        };
        if !same {
            differing.push(format!(
                "{} {:?} → {}",
                r.id,
                r.value,
                row.figure.vi(ind.precision)
            ));
        }
        // Notes: breakdowns come back as breakdowns (rates' computed from their parts).
        let table_row = printed
            .iter()
            .flat_map(|t| &t.rows)
            .find(|t| t.id == r.id)
            .unwrap();
        match Breakdown::parse_note(&r.note) {
            Some(b) => assert_eq!(
                Breakdown::parse_note(&table_row.note),
                Some(b),
                "{}: note {:?} printed as {:?}",
                r.id,
                r.note,
                table_row.note
            ),
            None if !r.note.is_empty() => assert_eq!(table_row.note, r.note, "{}", r.id),
            None => {}
        }
    }
    assert_eq!(
        differing,
        [
            "B2 2 \"0\" → ",
            "B2 2.2 \"\" → 0",
            "B4 1.5 \"\" → 527",
            "B7 6.2 \"80,76\" → 92,55",
        ],
        "only these printed figures differ from what their parts give"
    );

    let keys: Vec<(Severity, String)> = findings.iter().map(|f| (f.severity, f.key())).collect();
    assert_eq!(
        keys,
        [
            (Severity::Error, "compulsory_pair@B1 3.3".to_string()),
            (Severity::Warning, "heading_value@B2 2".to_string()),
            (Severity::Warning, "rate_mismatch@B7 6.2".to_string()),
            (
                Severity::Warning,
                "rule:b4-1.5-eq-b6-2.1@B4 1.5".to_string()
            ),
        ]
    );
    let b7 = findings
        .iter()
        .find(|f| f.check == Check::RateMismatch)
        .unwrap();
    assert!(
        b7.message
            .contains("tỷ lệ ghi 80,76 nhưng 6.2.2/6.2.1 = 323/349 = 92,55"),
        "{}",
        b7.message
    );
    let b4 = findings.iter().find(|f| f.at == id("B4 1.5")).unwrap();
    assert!(
        b4.message.contains("B4 1.5 = 527; B6 2.1 = 537"),
        "{}",
        b4.message
    );

    // The worked check of cchc.md §4.
    let pct = |code: &str| sheet.row(&id(code)).unwrap().figure.vi(3);
    assert_eq!(pct("B1 2"), "51,429");
    assert_eq!(pct("B3 3.1"), "99,942");
    assert_eq!(pct("B3 3.2"), "99,954");
    assert_eq!(pct("B3 3.3"), "99,993");
    assert_eq!(pct("B3 3.4"), "97,368");
    assert_eq!(pct("B6 1"), "52,448");
    assert_eq!(pct("B7 6.3"), "72,448");
    assert_eq!(sheet.number(&id("B3 1.4")), Some(Decimal::from_int(1850)));
    assert_eq!(sheet.number(&id("B2 1")), Some(Decimal::from_int(23)));
    let b6 = sheet.row(&id("B6 2.1")).unwrap();
    assert_eq!(b6.figure.vi(0), "537");
    assert_eq!(
        printed[5]
            .rows
            .iter()
            .find(|r| r.id == id("B6 2.1"))
            .unwrap()
            .note,
        "Cấp thành phố: 114, cấp huyện: 423"
    );

    // Submitting needs the error fixed and each warning explained.
    let mut explanations = std::collections::BTreeMap::new();
    assert_eq!(blockers(&findings, &explanations).len(), 4);
    for f in findings.iter().filter(|f| f.severity == Severity::Warning) {
        explanations.insert(
            f.key(),
            "Đã rà soát với đơn vị cung cấp số liệu".to_string(),
        );
    }
    let left: Vec<String> = blockers(&findings, &explanations)
        .iter()
        .map(|f| f.key())
        .collect();
    assert_eq!(left, ["compulsory_pair@B1 3.3"]);
}

#[test]
fn the_narratives_figures_are_quoted_from_the_forms() {
    let cat = catalogue();
    let (values, _) = enter(&cat, &printed_rows());
    let sheet = Sheet::resolve(&cat, &values, Scope::Consolidated);
    let quotes = chiso_cchc::table::quotes(&sheet);
    for expected in [
        "Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo): 51,43% (18/35)",
        "Tỷ lệ hồ sơ TTHC do các sở, ngành tiếp nhận được giải quyết đúng hạn: 99,94% (86.593/86.643)",
    ] {
        assert!(quotes.iter().any(|q| q == expected), "{expected}\n{quotes:#?}");
    }
    assert!(
        quotes.iter().any(|q| q.contains(": 92,55% (323/349)")),
        "{quotes:#?}"
    );
}
