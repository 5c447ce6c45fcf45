//! Golden tests of the CCHC appendices on seed 004 (Cần Thơ, 137/BC-UBND,
//! 10/6/2024) through the report renderers. Phụ lục II: the seed's printed
//! values entered into the cchc-2024 forms come back in the seed's layout
//! (STT, chỉ tiêu, đơn vị tính, số liệu, ghi chú) in Markdown, in the XLSX
//! read back cell by cell, in Word and in PDF. Phụ lục I: the plan of
//! cchc.md Appendix A (`fixtures/seed004-phu-luc-i.csv`, read by the plan
//! table reader) gives "Kết quả đạt 18/35 nhiệm vụ, đạt 51,43%" and the
//! tasks grouped by area.
//! `UPDATE_GOLDEN=1 cargo test -p chiso-report --test cchc_seed004` rewrites the files.

#[path = "../../cchc/tests/common/seed004.rs"]
mod seed;

use std::io::{Cursor, Read};
use std::path::PathBuf;

use calamine::{Reader as _, Xlsx};
use chiso_cchc::sheet::{Scope, Sheet};
use chiso_cchc::table::{tables, FormTable};
use chiso_core::time::Date;
use chiso_report::reform::{forms_part, plan_part, report, Heading};
use chiso_report::{render, Format, Report};

fn heading() -> Heading {
    Heading {
        owner: "thành phố Cần Thơ".into(),
        period: "06 tháng năm 2024".into(),
        attribution: Some(
            "Kèm theo Báo cáo số 137/BC-UBND ngày 10 tháng 6 năm 2024 của Ủy ban nhân dân thành phố"
                .into(),
        ),
    }
}

fn seed_tables() -> Vec<FormTable> {
    let cat = seed::catalogue();
    let (values, _) = seed::enter(&cat, &seed::printed_rows());
    let sheet = Sheet::resolve(&cat, &values, Scope::Consolidated);
    tables(&sheet, "Cấp thành phố")
}

fn golden(name: &str, text: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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
    if text != expected {
        let first = text.lines().zip(expected.lines()).position(|(a, b)| a != b);
        panic!(
            "{name} differs from the rendering (first differing line {:?}); rerun with UPDATE_GOLDEN=1 if intended\n--- rendered ---\n{text}",
            first.map(|i| i + 1)
        );
    }
}

fn forms_report() -> Report {
    report(
        vec![forms_part(&seed_tables(), &heading())],
        &heading(),
        "2024-H1",
    )
}

#[test]
fn appendix_ii_in_the_seeds_layout() {
    let text =
        String::from_utf8(render(&forms_report(), Format::Markdown).expect("md")).expect("utf-8");
    golden("cchc-phu-luc-ii.md", &text);
    for printed in [
        "| 2. | Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo) | % | 51,43 |",
        "| 3.1. | Tỷ lệ hồ sơ TTHC do các sở, ngành tiếp nhận được giải quyết đúng hạn | % | 99,94 |",
        "Cấp thành phố: 114, cấp huyện: 423",
    ] {
        assert!(text.contains(printed), "{printed}");
    }
}

#[test]
fn appendix_ii_xlsx_holds_every_printed_figure() {
    let tables = seed_tables();
    let bytes = render(&forms_report(), Format::Xlsx).expect("xlsx");
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
    let range = book.worksheet_range("Phụ lục II").expect("sheet");
    // Each table row's STT and figure, in order, as the renderer laid them out.
    let cells: Vec<(String, String)> = range
        .rows()
        .filter(|r| r.len() >= 4)
        .map(|r| (r[0].to_string(), r[3].to_string()))
        .filter(|(stt, _)| {
            stt.ends_with('.') && stt.chars().next().is_some_and(|c| c.is_ascii_digit())
        })
        .collect();
    let expected: Vec<(String, String)> = tables
        .iter()
        .flat_map(|t| t.rows.iter().map(|r| (r.stt.clone(), r.value.clone())))
        .collect();
    assert_eq!(cells, expected);
    assert!(cells.len() > 100, "{} rows", cells.len());
}

#[test]
fn appendix_ii_in_word_and_pdf() {
    let r = forms_report();
    let docx = render(&r, Format::Docx).expect("docx");
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document")
        .read_to_string(&mut xml)
        .expect("utf-8");
    for text in ["Biểu mẫu 7", "92,55", "Kết quả thống kê", "<w:tblHeader/>"] {
        assert!(xml.contains(text), "{text}");
    }
    let pdf = render(&r, Format::Pdf).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn appendix_i_from_the_plan_of_appendix_a() {
    let text = include_str!("fixtures/seed004-phu-luc-i.csv");
    let sheets = chiso_ingest::cells::read("seed004-phu-luc-i.csv", text.as_bytes()).expect("csv");
    let read =
        chiso_cchc::plan_file::read("92", 2024, &sheets[0].rows, &|_| None, "snv").expect("plan");
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert_eq!(read.plan.tasks.len(), 35);
    let day = Date::from_ymd(2024, 6, 14).expect("day");
    assert_eq!(
        read.plan.completion(day).summary_vi(),
        "Kết quả đạt 18/35 nhiệm vụ, đạt 51,43%"
    );
    let part = plan_part(&read.plan, day, &|code| code.to_string(), &heading());
    let r = report(vec![part], &heading(), "2024-H1");
    let md = String::from_utf8(render(&r, Format::Markdown).expect("md")).expect("utf-8");
    golden("cchc-phu-luc-i.md", &md);
    assert!(md.contains("Kết quả đạt 18/35 nhiệm vụ, đạt 51,43%"));
    for format in [Format::Xlsx, Format::Docx, Format::Pdf] {
        assert!(!render(&r, format).expect("render").is_empty());
    }
}
