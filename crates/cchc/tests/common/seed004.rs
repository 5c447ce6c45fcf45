//! Seed 004's Phụ lục II (Cần Thơ, 137/BC-UBND, 10/6/2024) read from its
//! own text (`fixtures/seed004-phu-luc-ii.txt`) and entered into the
//! cchc-2024 forms: shared by this crate's golden test and the report
//! crate's (`report/tests/cchc_seed004.rs`), which includes this file.

#![allow(dead_code)]

use std::collections::BTreeSet;

use chiso_cchc::catalogue::{Catalogue, CatalogueSet, Kind};
use chiso_cchc::decimal::Decimal;
use chiso_cchc::value::{parse_cell, Breakdown, Entry, IndicatorId, Values};

pub const SEED: &str = include_str!("../fixtures/seed004-phu-luc-ii.txt");

/// One table row of the appendix as printed.
pub struct Printed {
    pub line: usize,
    pub id: IndicatorId,
    pub label: String,
    pub unit: String,
    pub value: String,
    pub note: String,
}

/// The rows of Phụ lục II, first copy of each form (forms 5 and 6 are
/// printed twice; the first copy is used, cchc.md §1).
pub fn printed_rows() -> Vec<Printed> {
    let mut rows = Vec::new();
    let mut seen_forms = BTreeSet::new();
    let mut form: Option<u8> = None;
    for (i, line) in SEED.lines().enumerate() {
        if let Some(n) = line.trim().strip_prefix("Biểu mẫu ") {
            let n: u8 = n.trim().parse().expect("form number");
            form = seen_forms.insert(n).then_some(n);
            continue;
        }
        let Some(form) = form else { continue };
        let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
        let stt = cells[0].trim_end_matches('.');
        if cells.len() < 2 || stt.is_empty() || !stt.split('.').all(|p| p.parse::<u32>().is_ok()) {
            continue;
        }
        let cell = |k: usize| cells.get(k).copied().unwrap_or("").to_string();
        rows.push(Printed {
            line: i + 1,
            id: IndicatorId::new(form, stt),
            label: cell(1),
            unit: cell(2),
            value: cell(3),
            note: cell(4),
        });
    }
    rows
}

/// The seed's obvious OCR slips, as listed in cchc.md Appendix B.
pub fn ocr_fixed(text: &str) -> String {
    let mut t = text
        .replace(['¹', '²', '³'], "")
        .replace("<i>", "")
        .replace("</i>", "");
    for (from, to) in [
        ("Số số, ngành", "Số sở, ngành"),
        ("Thông kê", "Thống kê"),
        ("thông kê", "thống kê"),
        ("Thực tuyến", "Trực tuyến"),
        ("DVSN", "ĐVSN"),
        ("hợp trực tuyến", "họp trực tuyến"),
        ("(Chi thống kê", "(Chỉ thống kê"),
        ("vị phạm", "vi phạm"),
        ("(PAKN) và quy định", "(PAKN) về quy định"),
        ("(Lấy kể từ đầu năm)", "(Lũy kế từ đầu năm)"),
        (
            "(tỷ lệ đến thời điểm báo cáo)",
            "(lũy kế đến thời điểm báo cáo)",
        ),
        (
            "(tỷ lệ kể đến thời điểm báo cáo)",
            "(lũy kế đến thời điểm báo cáo)",
        ),
    ] {
        t = t.replace(from, to);
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn catalogue() -> Catalogue {
    CatalogueSet::builtin()
        .get("cchc-2024")
        .expect("cchc-2024 shipped")
        .clone()
}

pub fn id(text: &str) -> IndicatorId {
    text.parse().unwrap()
}

/// Enters the printed rows as the city's figures. Returns the values and the
/// rows the catalogue does not have (form 4's page 2, a copy of form 3's).
pub fn enter(cat: &Catalogue, rows: &[Printed]) -> (Values, Vec<IndicatorId>) {
    let mut values = Values::default();
    let mut rejected = Vec::new();
    for r in rows {
        let Some(ind) = cat.indicator(&r.id) else {
            rejected.push(r.id.clone());
            continue;
        };
        let value = parse_cell(ind, &r.value).unwrap_or_else(|e| panic!("line {}: {e}", r.line));
        let mut entry = Entry {
            value,
            ..Entry::default()
        };
        match (Breakdown::parse_note(&r.note), &ind.kind) {
            // A rate's figures by level are computed from its parts' (compared below).
            (Some(_), Kind::Rate { .. }) => {}
            (Some(b), _) => entry.by_level = b,
            (None, _) => entry.note = r.note.clone(),
        }
        values.set(r.id.clone(), entry);
    }
    // The hidden numerator of B1 4.2 exists only as the note "01 cơ quan, đơn vị".
    values.set(id("B1 4.2.a"), Entry::number(Decimal::from_int(1)));
    (values, rejected)
}
