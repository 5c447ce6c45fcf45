//! Every format renders the fixture report; the binary formats have the
//! structure the office tools rely on; `chiso report` options become the
//! right request.

mod common;

use std::io::{Cursor, Read};

use chiso_app::report::build;
use chiso_report::{render, Format, ReportRequest};

fn report() -> chiso_report::Report {
    build(&common::store(), &common::request()).expect("report")
}

#[test]
fn pdf_embeds_its_fonts_with_a_unicode_map() {
    let report = report();
    let pdf = render(&report, Format::Pdf).expect("pdf");
    let text = String::from_utf8_lossy(&pdf);
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        text.contains("/FontFile2") && text.contains("/ToUnicode") && text.contains("/Identity-H")
    );
    let pages = text.matches("/Type /Page\n").count()
        + text.matches("/Type /Page/").count()
        + text.matches("/Type /Page ").count();
    assert!(
        pages >= report.parts.len(),
        "{pages} pages for {} parts",
        report.parts.len()
    );
    assert!(
        text.contains("/MediaBox [0 0 841.89 595.28]"),
        "no landscape page"
    );
}

#[test]
fn docx_has_a_section_per_part_and_repeated_headers() {
    let report = report();
    let docx = render(&report, Format::Docx).expect("docx");
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document")
        .read_to_string(&mut xml)
        .expect("utf-8");
    assert_eq!(xml.matches("<w:sectPr>").count(), report.parts.len());
    assert_eq!(xml.matches(r#"w:orient="landscape""#).count(), 4);
    assert!(xml.contains("<w:tblHeader/>"));
    assert!(xml.contains("Phụ lục V") && xml.contains("Kính gửi:"));
    for part in [
        "word/styles.xml",
        "word/header1.xml",
        "[Content_Types].xml",
        "_rels/.rels",
    ] {
        assert!(zip.by_name(part).is_ok(), "{part} missing");
    }
}

#[test]
fn csv_numbers_are_plain() {
    let csv = String::from_utf8(render(&report(), Format::Csv).expect("csv")).expect("utf-8");
    assert!(csv.starts_with('\u{feff}'), "a byte order mark for Excel");
    let row = csv
        .lines()
        .find(|l| l.contains("000.01.00.H99"))
        .expect("Sở Tư pháp in the monthly table");
    let fields: Vec<&str> = row.split(',').collect();
    assert_eq!(fields[1], "Sở Tư pháp");
    assert!(fields[3].parse::<i64>().is_ok(), "{row}");
    assert!(fields[11].parse::<f64>().is_ok(), "{row}");
    assert!(
        fields[12].starts_with('+') || fields[12].starts_with('-') || fields[12] == "0.00",
        "{row}"
    );
}

#[test]
fn an_unknown_unit_is_refused() {
    let unknown = ReportRequest {
        unit: Some("X".into()),
        ..common::request()
    };
    assert!(build(&common::store(), &unknown).is_err());
    assert_eq!("DOCX".parse::<Format>().expect("format"), Format::Docx);
    assert!("txt".parse::<Format>().is_err());
}
