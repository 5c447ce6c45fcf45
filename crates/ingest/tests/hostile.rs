//! Hostile input is normal input: arbitrary bytes, and real payloads
//! damaged at random (a portal envelope, a JSON array, JSON Lines, a staff
//! export as CSV and as an HTML table), read as every record kind, never
//! panic and account for every row: accepted + rejected = read, each
//! rejection naming the file. Workbooks seen in attacks: a tiny file with
//! one far-away cell (which once made the reader allocate the whole
//! rectangle, 512 GB), formulas without a value, and random sparse sheets.

use std::io::Cursor;
use std::sync::Arc;

use chiso_core::records::{ProcedureLevel, UnitKind};
use chiso_ingest::{
    from_reader_with, Catalogue, DateBounds, Item, ReadOptions, RecordKind, Rejected,
};
use proptest::prelude::*;
use rust_xlsxwriter::{Formula, Workbook, Worksheet};

const ENVELOPE: &str = r#"{"session":"s","madonvi":"000.22.20.H53","service":"DongBoHoSoMC","isUpdating":"False","data":[
{"MaHoSo":"000.22.20.H53-261019-00001","MaTTHC":"1.001","DonViXuLy":"Sở Tư pháp","KenhThucHien":"2","NgayTiepNhan":"20261019135404",
 "NgayHenTra":"2026-10-23 17:00:00","TrangThaiHoSo":"10","NgayKetThucXuLy":"2026-10-22T07:47:28.329","DanhSachLePhi":[{"Gia":"50.000"}],
 "DanhSachGiayToKetQua":[{"DuongDanTepTinKetQua":"http://x"}],"DanhSachHoSoBoSung":[{"NgayBoSung":"20261020080000","NgayTiepNhanBoSung":"20261021080000"}],
 "TaiLieuNop":[{"DuocSoHoa":"1","DuocTaiSuDung":"2","DuocLayTuKhoDMQG":"0"}],"DSKetNoiCSDL":[{"MaCSDL":"7"}]},
{"MaHoSo":"X-2","MaTTHC":"1.001","NgayTiepNhan":"19/10/2026 13:54:04","TrangThaiHoSo":"Đang xử lý"}]}"#;

const STAFF_CSV: &str = "DANH SÁCH HỒ SƠ\n\nSTT,Đơn vị tiếp nhận,Tên thủ tục hành chính,Mã hồ sơ,Trạng thái,Ngày nộp hồ sơ,Ngày nhận,Ngày hẹn trả,Ngày kết thúc xử lý\n\
1,Sở Tư pháp,Chứng thực bản sao,H-1,Đã trả kết quả,19/10/2026 07:50:00,19/10/2026 08:00:00,23/10/2026 17:00:00,22/10/2026 10:00:00\n\
2,UBND xã An Lạc,Chứng thực bản sao,H-2,Mới đăng ký,20/10/2026 21:10:00,,,\n";

const STAFF_HTML: &str = "<html><table><tr><td colspan=3>DANH SÁCH</td></tr><tr><th>Mã hồ sơ</th><th>Đơn vị tiếp nhận</th>\
<th>Tên thủ tục hành chính</th><th>Ngày nhận</th></tr><tr><td>H-1</td><td>Sở Tư pháp</td><td>Chứng thực bản sao</td>\
<td>19/10/2026 08:00:00</td></tr></table></html>";

fn catalogue() -> Arc<Catalogue> {
    Arc::new(Catalogue::new(
        [
            (
                "000.22.20.H53".to_string(),
                "Sở Tư pháp".to_string(),
                UnitKind::Department,
            ),
            (
                "000.01.01.H53".to_string(),
                "UBND xã An Lạc".to_string(),
                UnitKind::Commune,
            ),
        ],
        [(
            "1.001".to_string(),
            "Chứng thực bản sao".to_string(),
            Some(ProcedureLevel::Commune),
        )],
    ))
}

/// Reads `bytes` as `kind`; checks the accounting. A file that cannot be
/// read at all is an error, never a panic.
fn check(kind: RecordKind, bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let options = ReadOptions {
        catalogue: Some(catalogue()),
        ..ReadOptions::default()
    };
    let Ok(mut reader) = from_reader_with(kind, "hostile.bin", None, Cursor::new(bytes), &options)
    else {
        return Ok(());
    };
    let (mut accepted, mut rejected) = (0u64, 0u64);
    for item in reader.by_ref().take(100_000) {
        match item {
            Item::Accepted { .. } => accepted += 1,
            Item::Rejected(r) => {
                prop_assert_eq!(r.file.as_str(), "hostile.bin");
                prop_assert!(!r.reason.is_empty());
                rejected += 1;
            }
        }
    }
    prop_assert_eq!(accepted, reader.accepted());
    prop_assert_eq!(rejected, reader.rejected());
    prop_assert_eq!(accepted + rejected, reader.rows_read());
    Ok(())
}

fn kinds() -> impl Strategy<Value = RecordKind> {
    proptest::sample::select(RecordKind::ALL.to_vec())
}

/// A real payload with a few bytes replaced, inserted or removed.
fn damaged(base: &'static str) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 0..8).prop_map(
        move |edits| {
            let mut bytes = base.as_bytes().to_vec();
            for (at, byte, how) in edits {
                if bytes.is_empty() {
                    break;
                }
                let i = at.index(bytes.len());
                match how {
                    0 => bytes[i] = byte,
                    1 => bytes.insert(i, byte),
                    _ => {
                        bytes.remove(i);
                    }
                }
            }
            bytes
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_bytes(kind in kinds(), bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(kind, bytes)?;
    }

    #[test]
    fn arbitrary_text_starting_like_each_format(
        kind in kinds(),
        start in proptest::sample::select(vec!["{", "[", "<table><tr><td>", "\u{feff}", "PK\u{3}\u{4}", "MaHoSo,NgayTiepNhan\n"]),
        rest in "[\\[\\]{}\":,<>/a-zA-Z0-9 \n\r\tđĐáàảãạ&;#.-]{0,400}",
    ) {
        check(kind, format!("{start}{rest}").into_bytes())?;
    }

    #[test]
    fn damaged_envelopes(kind in kinds(), bytes in damaged(ENVELOPE)) {
        check(kind, bytes)?;
    }

    #[test]
    fn sparse_workbooks(cells in proptest::collection::vec(
        (0u32..1_048_576, 0u16..16_384, 0u8..4, "[a-zA-Z0-9 ./:-]{0,12}"), 0..12)
    ) {
        let bytes = workbook(|ws| {
            for (i, name) in ["code", "name", "kind"].into_iter().enumerate() {
                ws.write_string(0, i as u16, name).expect("header");
            }
            for (row, col, how, text) in &cells {
                let (row, col) = (row.saturating_add(1).min(1_048_575), *col);
                match how {
                    0 => ws.write_string(row, col, text).map(|_| ()),
                    1 => ws.write_number(row, col, f64::from(row)).map(|_| ()),
                    2 => ws.write_formula(row, col, "=1+1").map(|_| ()),
                    _ => ws
                        .write_formula(row, col, Formula::new("=\"x\"").set_result(text.clone()))
                        .map(|_| ()),
                }
                .expect("cell");
            }
        });
        check(RecordKind::Units, bytes)?;
    }

    #[test]
    fn damaged_staff_exports(csv in damaged(STAFF_CSV), html in damaged(STAFF_HTML)) {
        check(RecordKind::Dossiers, csv)?;
        check(RecordKind::Dossiers, html)?;
    }
}

#[test]
fn the_undamaged_payloads_read_whole() {
    let options = ReadOptions {
        catalogue: Some(catalogue()),
        ..ReadOptions::default()
    };
    for (text, accepted) in [(ENVELOPE, 2), (STAFF_CSV, 2), (STAFF_HTML, 1)] {
        let reader = from_reader_with(
            RecordKind::Dossiers,
            "ok",
            None,
            Cursor::new(text.as_bytes().to_vec()),
            &options,
        )
        .expect("readable");
        let items: Vec<Item> = reader.collect();
        let ok = items
            .iter()
            .filter(|i| matches!(i, Item::Accepted { .. }))
            .count();
        assert_eq!(ok, accepted, "{items:?}");
    }
}

/// An XLSX file built by `fill` on its one sheet.
fn workbook(fill: impl FnOnce(&mut Worksheet)) -> Vec<u8> {
    let mut book = Workbook::new();
    fill(book.add_worksheet());
    book.save_to_buffer().expect("workbook")
}

/// Reads `bytes` as units, checking the accounting; (accepted, rejected).
fn read_units(bytes: Vec<u8>) -> (u64, Vec<Rejected>) {
    let reader = from_reader_with(
        RecordKind::Units,
        "hostile.xlsx",
        None,
        Cursor::new(bytes),
        &ReadOptions::default(),
    )
    .expect("readable");
    let mut reader = reader;
    let items: Vec<Item> = reader.by_ref().collect();
    let accepted = items
        .iter()
        .filter(|i| matches!(i, Item::Accepted { .. }))
        .count() as u64;
    let rejected: Vec<Rejected> = items
        .into_iter()
        .filter_map(|i| match i {
            Item::Rejected(r) => Some(r),
            Item::Accepted { .. } => None,
        })
        .collect();
    assert_eq!(accepted + rejected.len() as u64, reader.rows_read());
    (accepted, rejected)
}

/// One cell at the sheet's last row and column, in a file of a few KB:
/// read as the cells it holds (two rows), not as 17 billion empty cells.
#[test]
fn a_far_away_cell_does_not_allocate_the_whole_sheet() {
    let bytes = workbook(|ws| {
        ws.write_string(0, 0, "code").expect("cell");
        ws.write_string(0, 1, "name").expect("cell");
        ws.write_string(1, 0, "U1").expect("cell");
        ws.write_string(1, 1, "Sở Tư pháp").expect("cell");
        ws.write_string(1_048_575, 16_383, "x").expect("cell");
    });
    assert!(bytes.len() < 8_000, "{} bytes", bytes.len());
    let (accepted, rejected) = read_units(bytes);
    assert_eq!(accepted, 1);
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0].line, 1_048_576);
    // The row's text goes up to its one cell: bounded by the sheet's width.
    assert!(rejected[0].raw.len() <= 16_384, "{}", rejected[0].raw.len());
}

/// A formula the file carries no value for (written by a program that does
/// not calculate) is a rejected row naming the cell, never an empty or 0
/// value; one with its value is read.
#[test]
fn formulas_without_a_value_are_rejected_by_cell() {
    let bytes = workbook(|ws| {
        ws.write_string(0, 0, "code").expect("cell");
        ws.write_string(0, 1, "name").expect("cell");
        ws.write_string(0, 2, "valid_from").expect("cell");
        ws.write_string(1, 0, "U1").expect("cell");
        ws.write_formula(1, 1, "=\"Sở \"&\"Tư pháp\"")
            .expect("cell");
        ws.write_string(2, 0, "U2").expect("cell");
        ws.write_formula(
            2,
            1,
            Formula::new("=\"Sở \"&\"Y tế\"").set_result("Sở Y tế"),
        )
        .expect("cell");
        ws.write_string(3, 0, "U3").expect("cell");
        ws.write_string(3, 1, "Sở Xây dựng").expect("cell");
        ws.write_formula(3, 2, "=DATE(2024,1,1)").expect("cell");
        // Outside the kind's columns: not read, so not a reason.
        ws.write_string(4, 0, "U4").expect("cell");
        ws.write_string(4, 1, "Sở Nội vụ").expect("cell");
        ws.write_formula(4, 5, "=1+1").expect("cell");
        // A row holding nothing but a formula without a value is still a row.
        ws.write_formula(5, 1, "=A1").expect("cell");
    });
    let (accepted, rejected) = read_units(bytes);
    assert_eq!(accepted, 2, "{rejected:?}");
    let lines: Vec<usize> = rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 4, 6]);
    assert!(rejected[0]
        .reason
        .contains("ô B2 ở cột name là công thức chưa có giá trị"));
    assert!(!rejected[0].reason.contains("  "), "{}", rejected[0].reason);
    assert_eq!(rejected[0].column.as_deref(), Some("name"));
    assert!(rejected[1].reason.contains("ô C4 ở cột valid_from"));
    assert!(rejected[2].reason.contains("ô B6"));
}

/// Reads dossiers from CSV text with `dates`; every row accounted for.
fn read_dossiers(csv: &str, dates: DateBounds) -> (Vec<String>, Vec<Rejected>) {
    let options = ReadOptions {
        dates,
        ..ReadOptions::default()
    };
    let mut reader = from_reader_with(
        RecordKind::Dossiers,
        "dates.csv",
        None,
        Cursor::new(csv.as_bytes().to_vec()),
        &options,
    )
    .expect("readable");
    let (mut accepted, mut rejected) = (Vec::new(), Vec::new());
    for item in reader.by_ref() {
        match item {
            Item::Accepted { record, .. } => accepted.push(record.key()),
            Item::Rejected(r) => rejected.push(r),
        }
    }
    assert_eq!((accepted.len() + rejected.len()) as u64, reader.rows_read());
    (accepted, rejected)
}

/// A year typed wrong (nine digits, five, or outside 1990–2100) is a
/// rejected row naming the column, never another date; the window can be
/// narrowed.
#[test]
fn years_outside_the_window_are_rejected() {
    let csv = "id,unit_code,procedure_code,received_at,due_at,finished_at\n\
               ok,U,P,2024-03-01 08:00,2024-03-05,2024-03-04 10:00\n\
               huge,U,P,999999999-01-01,,\n\
               huge-vn,U,P,01/01/999999999 08:00,,\n\
               five,U,P,20224-03-01,,\n\
               far,U,P,2101-01-01,,\n\
               early,U,P,1989-12-31,,\n\
               due,U,P,2024-03-01,2124-03-05,\n\
               end,U,P,2024-03-01,,2999-03-04 10:00\n\
               compact,U,P,99990101080000,,\n\
               old,U,P,1995-06-01,,\n";
    let (accepted, rejected) = read_dossiers(csv, DateBounds::default());
    assert_eq!(accepted, vec!["ok", "old"], "{rejected:#?}");
    let reasons: Vec<(&str, &str)> = rejected
        .iter()
        .map(|r| (r.column.as_deref().unwrap_or(""), r.reason.as_str()))
        .collect();
    for (column, reason) in &reasons[..3] {
        assert_eq!(*column, "received_at");
        assert!(reason.starts_with("ngày không hợp lệ"), "{reason}");
    }
    for (i, (column, year)) in [
        ("received_at", "2101"),
        ("received_at", "1989"),
        ("due_at", "2124"),
        ("finished_at", "2999"),
        ("received_at", "9999"),
    ]
    .into_iter()
    .enumerate()
    {
        let (c, reason) = reasons[3 + i];
        assert_eq!(c, column, "{reason}");
        assert!(
            reason.contains(&format!("năm {year} của ngày")) && reason.contains("1990–2100"),
            "{reason}"
        );
    }
    let narrow = DateBounds {
        first_year: 2000,
        ..DateBounds::default()
    };
    let (accepted, rejected) = read_dossiers(csv, narrow);
    assert_eq!(accepted, vec!["ok"]);
    assert!(rejected.last().unwrap().reason.contains("2000–2100"));
}

/// Bounded by the time of the import, an event cannot be in the future:
/// one dossier received in 2099 would otherwise move the data's as-of
/// instant, the dashboard's default period and the judging of every open
/// dossier. A due date may be later.
#[test]
fn events_after_the_import_are_rejected() {
    let now = chiso_core::time::parse_instant("2026-12-04T08:00:00")
        .unwrap()
        .instant;
    let csv = "id,unit_code,procedure_code,received_at,due_at,finished_at\n\
               ok,U,P,2026-12-04 07:00,2027-01-05,\n\
               tomorrow,U,P,2026-12-05 07:00,,\n\
               outlier,U,P,2099-03-01,,\n\
               finished-later,U,P,2026-12-01,,2027-02-01 10:00\n";
    let (accepted, rejected) = read_dossiers(csv, DateBounds::until(now));
    assert_eq!(accepted, vec!["ok", "tomorrow"], "{rejected:#?}");
    assert_eq!(rejected.len(), 2);
    assert_eq!(rejected[0].column.as_deref(), Some("received_at"));
    assert!(rejected[0]
        .reason
        .contains("ở sau thời điểm nhập (04/12/2026 08:00)"));
    assert_eq!(rejected[1].column.as_deref(), Some("finished_at"));
    // Without a bound (a file read outside an import), the window only.
    let (accepted, _) = read_dossiers(csv, DateBounds::default());
    assert_eq!(accepted.len(), 4);
}

/// A header of hundreds of long unknown names (CSV) or a record with long
/// unknown keys (JSON Lines) is reported as at most 100 names of at most
/// 60 characters: summaries and API answers never echo it whole.
#[test]
fn unknown_columns_are_reported_bounded() {
    let names: Vec<String> = (0..500)
        .map(|i| format!("{i}{}", "x".repeat(2_000)))
        .collect();
    let csv = format!(
        "id,unit_code,procedure_code,received_at,{}\nH1,U,P,2024-03-01,{}\n",
        names.join(","),
        vec!["v"; 500].join(",")
    );
    let mut json = serde_json::Map::new();
    json.insert("id".into(), "H1".into());
    json.insert("unit_code".into(), "U".into());
    json.insert("procedure_code".into(), "P".into());
    json.insert("received_at".into(), "2024-03-01".into());
    for name in &names {
        json.insert(name.clone(), "v".into());
    }
    let jsonl = serde_json::Value::Object(json).to_string();
    for (name, text) in [("wide.csv", csv), ("wide.jsonl", jsonl)] {
        let mut reader = from_reader_with(
            RecordKind::Dossiers,
            name,
            None,
            Cursor::new(text.into_bytes()),
            &ReadOptions::default(),
        )
        .expect("readable");
        let items: Vec<Item> = reader.by_ref().collect();
        assert_eq!(items.len(), 1, "{name}");
        let extra = reader.extra_columns();
        assert_eq!(extra.len(), 100, "{name}");
        assert!(extra.iter().all(|e| e.chars().count() <= 61), "{name}");
    }
}

/// An ODS file as LibreOffice writes it: the sheet `rows` in one table.
fn ods(rows: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("entry");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("write");
    zip.start_file(
        "META-INF/manifest.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("entry");
    zip.write_all(
        b"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
          <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
          </manifest:manifest>",
    )
    .expect("write");
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .expect("entry");
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>\
         <office:spreadsheet><table:table table:name=\"S\">{rows}</table:table></office:spreadsheet>\
         </office:body></office:document-content>"
    );
    zip.write_all(content.as_bytes()).expect("write");
    zip.finish().expect("zip").into_inner()
}

fn ods_cell(text: &str) -> String {
    format!(
        "<table:table-cell office:value-type=\"string\"><text:p>{text}</text:p></table:table-cell>"
    )
}

/// One value repeated over every row and column of an ODS sheet (a file
/// under 1 KB that calamine would lay out as 17 billion cells) is refused
/// before reading; the same sheet with two rows is read.
#[test]
fn an_ods_sheet_repeated_to_the_end_is_refused() {
    let header = format!(
        "<table:table-row>{}{}</table:table-row>",
        ods_cell("code"),
        ods_cell("name")
    );
    let row = format!(
        "<table:table-row>{}{}</table:table-row>",
        ods_cell("U1"),
        ods_cell("Sở Tư pháp")
    );
    let trailing = "<table:table-row table:number-rows-repeated=\"1048574\">\
                    <table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>";
    let (accepted, rejected) = read_units(ods(&format!("{header}{row}{trailing}")));
    assert_eq!((accepted, rejected.len()), (1, 0), "{rejected:?}");
    let hostile = ods(&format!(
        "{header}<table:table-row table:number-rows-repeated=\"1048575\">\
         <table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" \
         office:value=\"1\"/></table:table-row>"
    ));
    assert!(hostile.len() < 1_000, "{}", hostile.len());
    let err = from_reader_with(
        RecordKind::Units,
        "hostile.ods",
        None,
        Cursor::new(hostile),
        &ReadOptions::default(),
    )
    .err()
    .expect("refused");
    assert!(err.to_string().contains("bảng tính ODS trải ra"), "{err}");
}

#[test]
fn a_rejected_portal_record_keeps_no_personal_data() {
    let text = r#"{"session":"s","madonvi":"000.00.01.H53","service":"DongBoHoSoMC","isUpdating":false,"data":[
{"MaHoSo":"H-1","MaTTHC":"1.001","NgayTiepNhan":"không phải ngày","ChuHoSo":"Nguyễn Văn An","SoGiayToChuHoSo":"001203004567","SoDienThoai":"0912345678","Email":"an@example.vn","DiaChi":"12 Lê Lợi","DanhSachLePhi":[{"Gia":"50.000"}]}]}"#;
    let reader = chiso_ingest::from_text(
        RecordKind::Dossiers,
        "sync.json",
        chiso_ingest::Format::Json,
        text,
    )
    .expect("read");
    let rejected: Vec<Rejected> = reader
        .filter_map(|item| match item {
            chiso_ingest::Item::Rejected(r) => Some(r),
            chiso_ingest::Item::Accepted { .. } => None,
        })
        .collect();
    assert_eq!(rejected.len(), 1);
    let raw = &rejected[0].raw;
    for personal in [
        "Nguyễn Văn An",
        "001203004567",
        "0912345678",
        "an@example.vn",
        "Lê Lợi",
    ] {
        assert!(!raw.contains(personal), "{personal} kept in {raw}");
    }
    assert!(
        raw.contains("\"ChuHoSo\":\"***\"") && raw.contains("H-1"),
        "{raw}"
    );
}

/// The rejected rows of a staff export of dossiers (any format).
fn rejected_dossiers(name: &str, bytes: Vec<u8>) -> Vec<Rejected> {
    from_reader_with(
        RecordKind::Dossiers,
        name,
        None,
        Cursor::new(bytes),
        &ReadOptions::default(),
    )
    .expect("readable")
    .filter_map(|i| match i {
        Item::Rejected(r) => Some(r),
        Item::Accepted { .. } => None,
    })
    .collect()
}

#[test]
fn a_rejected_staff_export_row_keeps_no_personal_data() {
    let personal = ["Nguyễn Văn An", "0912345678", "12 Lê Lợi, phường 1"];
    let csv = "Mã hồ sơ,Mã đơn vị,Mã TTHC,Chủ hồ sơ,Số điện thoại,Địa chỉ,Ngày nhận\n\
               H-1,S1,1.001,Nguyễn Văn An,0912345678,\"12 Lê Lợi, phường 1\",không phải ngày\n";
    let xlsx = workbook(|sheet| {
        let rows = [
            [
                "Mã hồ sơ",
                "Mã đơn vị",
                "Mã TTHC",
                "Chủ hồ sơ",
                "Số điện thoại",
                "Địa chỉ",
                "Ngày nhận",
            ],
            [
                "H-1",
                "S1",
                "1.001",
                personal[0],
                personal[1],
                personal[2],
                "không phải ngày",
            ],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *text).expect("cell");
            }
        }
    });
    let html = format!(
        "<table><tr><th>Mã hồ sơ</th><th>Mã đơn vị</th><th>Mã TTHC</th><th>Chủ hồ sơ</th>\
         <th>Số điện thoại</th><th>Địa chỉ</th><th>Ngày nhận</th></tr><tr><td>H-1</td><td>S1</td>\
         <td>1.001</td><td>{}</td><td>{}</td><td>{}</td><td>không phải ngày</td></tr></table>",
        personal[0], personal[1], personal[2]
    );
    for (name, bytes) in [
        ("export.csv", csv.as_bytes().to_vec()),
        ("export.xlsx", xlsx),
        ("export.html", html.into_bytes()),
    ] {
        let rejected = rejected_dossiers(name, bytes);
        assert_eq!(rejected.len(), 1, "{name}");
        let raw = &rejected[0].raw;
        for p in personal {
            assert!(!raw.contains(p), "{name}: {p} kept in {raw}");
        }
        assert!(raw.contains("H-1") && raw.contains("***"), "{name}: {raw}");
    }
}
