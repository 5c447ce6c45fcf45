//! The Excel workbook read back with calamine: every table cell equals the
//! report model, and the figures equal the engine's own, cell by cell.

mod common;

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use chiso_app::report::build;
use chiso_core::engine;
use chiso_core::measures::Measure;
use chiso_core::period::Period;
use chiso_core::scoring::{ScoreSheet, UnitScore};
use chiso_report::model::{Block, Cell, Row, Table};
use chiso_report::{render, Format};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(n) => *n as f64,
        other => panic!("expected a number, found {other:?}"),
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, found {other:?}"),
    }
}

/// The sheet row where the table's header starts (its first header cell in column A).
fn header_row(range: &Range<Data>, t: &Table) -> u32 {
    let first = t.header_at(0, 0).expect("header cell").text.as_str();
    let start = range.start().expect("range").0;
    (start..=range.end().expect("range").0)
        .find(|r| range.get_value((*r, 0)).is_some_and(|d| text(d) == first))
        .expect("table header in column A")
}

fn workbook() -> (chiso_report::Report, Xlsx<Cursor<Vec<u8>>>, ScoreSheet) {
    let store = common::store();
    let report = build(&store, &common::request()).expect("report");
    let bytes = render(&report, Format::Xlsx).expect("xlsx");
    let workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("open xlsx");
    let methodologies = store.methodologies().expect("methodologies");
    let sheet = engine::score(
        &store,
        &methodologies,
        &Period::parse(common::PERIOD).expect("period"),
    )
    .expect("score");
    (report, workbook, sheet)
}

#[test]
fn every_table_cell_equals_the_model() {
    let (report, mut wb, _) = workbook();
    assert_eq!(
        wb.sheet_names(),
        [
            "Công văn",
            "Phụ lục I",
            "Phụ lục II",
            "Phụ lục III",
            "Phụ lục IV",
            "Phụ lục V",
            "Phụ lục VI"
        ]
    );
    let mut checked = 0;
    for part in &report.parts {
        let range = wb.worksheet_range(&part.name).expect("sheet");
        for block in &part.blocks {
            let Block::Table(t) = block else { continue };
            let first = header_row(&range, t);
            for h in &t.header {
                let got = range
                    .get_value((first + h.row as u32, h.col as u32))
                    .map(text);
                assert_eq!(
                    got.as_deref(),
                    Some(h.text.as_str()),
                    "{}: header ({}, {})",
                    part.name,
                    h.row,
                    h.col
                );
            }
            for (i, row) in t.rows.iter().enumerate() {
                let r = first + (t.header_rows + i) as u32;
                let cells = match row {
                    Row::Section(title) => {
                        assert_eq!(
                            range.get_value((r, 0)).map(text).as_deref(),
                            Some(title.as_str())
                        );
                        continue;
                    }
                    Row::Data(cells) | Row::Summary(cells) => cells,
                };
                for (c, cell) in cells.iter().enumerate() {
                    let got = range.get_value((r, c as u32)).unwrap_or(&Data::Empty);
                    let ok = match cell {
                        Cell::Text(s) => text(got) == *s,
                        Cell::Integer(n) => close(number(got), *n as f64),
                        Cell::Decimal(x, _) | Cell::Change(x) => close(number(got), *x),
                        Cell::Percent(ratio) => close(number(got), ratio * 100.0),
                        Cell::NoData => text(got) == "-",
                        Cell::Empty => matches!(got, Data::Empty),
                    };
                    assert!(
                        ok,
                        "{} row {r} col {c}: model {cell:?}, sheet {got:?}",
                        part.name
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 300, "only {checked} cells checked");
}

/// Rows of a sheet keyed by the text in `key_col`.
fn rows_by(range: &Range<Data>, key_col: u32) -> HashMap<String, u32> {
    let (start, end) = (
        range.start().expect("range").0,
        range.end().expect("range").0,
    );
    (start..=end)
        .filter_map(|r| match range.get_value((r, key_col)) {
            Some(Data::String(s)) => Some((s.clone(), r)),
            _ => None,
        })
        .collect()
}

fn cell(range: &Range<Data>, r: u32, c: u32) -> &Data {
    range.get_value((r, c)).unwrap_or(&Data::Empty)
}

fn ratio(u: &UnitScore, n: Measure, d: Measure) -> Option<f64> {
    let d = u.measures.get(d);
    (d > 0).then(|| u.measures.get(n) as f64 / d as f64 * 100.0)
}

fn same(got: &Data, expected: Option<f64>) -> bool {
    match expected {
        Some(x) => close(number(got), x),
        None => text(got) == "-",
    }
}

#[test]
fn monthly_sheet_equals_the_engine() {
    let (_, mut wb, sheet) = workbook();
    let range = wb.worksheet_range("Phụ lục IV").expect("sheet");
    let rows = rows_by(&range, 2);
    let mut seen = 0;
    for u in &sheet.units {
        let Some(&r) = rows.get(&u.code) else {
            continue;
        };
        seen += 1;
        assert_eq!(text(cell(&range, r, 1)), u.name);
        assert!(
            close(
                number(cell(&range, r, 3)),
                u.measures.get(Measure::DossiersReceived) as f64
            ),
            "{}",
            u.code
        );
        assert!(close(
            number(cell(&range, r, 4)),
            u.measures.get(Measure::TimelinessLate) as f64
        ));
        assert!(same(
            cell(&range, r, 5),
            ratio(u, Measure::DossiersOnline, Measure::DossiersReceived)
        ));
        assert!(same(
            cell(&range, r, 7),
            ratio(u, Measure::DossiersEResult, Measure::DossiersPaperResult)
        ));
        assert!(same(
            cell(&range, r, 8),
            ratio(u, Measure::DossiersDigitized, Measure::DossiersReceived)
        ));
        assert!(close(
            number(cell(&range, r, 9)),
            u.measures.get(Measure::ECertifiedCopies) as f64
        ));
        assert!(close(
            number(cell(&range, r, 10)),
            u.measures.get(Measure::DossiersPaidOnline) as f64
        ));
        assert!(same(cell(&range, r, 11), u.total));
        assert!(same(cell(&range, r, 12), u.delta));
    }
    // The province and its 8 scored units (Thanh tra tỉnh is not scored).
    assert_eq!(seen, 9);
}

#[test]
fn ranking_and_criteria_sheets_equal_the_engine() {
    let (_, mut wb, sheet) = workbook();
    let ranking = wb.worksheet_range("Phụ lục III").expect("sheet");
    let criteria = wb.worksheet_range("Phụ lục I").expect("sheet");
    let (by_name, by_name_criteria) = (rows_by(&ranking, 1), rows_by(&criteria, 1));
    for u in sheet.units.iter().filter(|u| u.parent.is_some()) {
        let r = by_name[&u.name];
        assert!(same(cell(&ranking, r, 2), u.total), "{}", u.name);
        assert!(same(cell(&ranking, r, 3), u.rank.map(|x| x as f64)));
        assert!(same(cell(&ranking, r, 4), u.previous_total));
        assert!(same(cell(&ranking, r, 6), u.delta));
        let r = by_name_criteria[&u.name];
        for (i, g) in u.groups.iter().enumerate() {
            let expected = g.points.filter(|_| g.max > 0.0).map(|p| p / g.max * 100.0);
            assert!(
                same(cell(&criteria, r, 3 + 2 * i as u32), expected),
                "{} group {}",
                u.name,
                g.id
            );
        }
        assert!(same(
            cell(&criteria, r, 3 + 2 * u.groups.len() as u32),
            u.total
        ));
    }
}

#[test]
fn components_sheet_equals_the_engine() {
    let (_, mut wb, sheet) = workbook();
    let range = wb.worksheet_range("Phụ lục II").expect("sheet");
    let rows = rows_by(&range, 0);
    let province = sheet.unit(common::PROVINCE).expect("province");
    for c in &province.criteria {
        let r = rows[&c.id];
        assert!(same(cell(&range, r, 2), c.points), "{}", c.id);
        assert!(close(number(cell(&range, r, 3)), c.max));
        assert!(same(cell(&range, r, 4), c.ratio.map(|x| x * 100.0)));
        assert!(same(cell(&range, r, 5), c.numerator.map(|x| x as f64)));
        assert!(same(cell(&range, r, 6), c.denominator.map(|x| x as f64)));
    }
    for g in &province.groups {
        assert!(same(cell(&range, rows[&g.id], 2), g.points));
    }
    assert!(same(cell(&range, rows["I"], 2), province.total));
}
