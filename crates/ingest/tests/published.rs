//! The portal's published results (`chiso_ingest::published`): every shape
//! it comes in, every reason a row is rejected, and a property test that no
//! input panics and every row is accounted for.

use std::path::Path;

use chiso_core::period::Period;
use chiso_core::records::{Unit, UnitKind};
use chiso_ingest::published::{
    read_bytes, read_file, MatchedBy, Published, PublishedError, PublishedFormat,
};

fn unit(code: &str, name: &str) -> Unit {
    Unit {
        code: code.into(),
        name: name.into(),
        parent_code: None,
        kind: UnitKind::Commune,
        valid_from: None,
        valid_to: None,
        successor_code: None,
        scored: true,
    }
}

fn catalogue() -> Vec<Unit> {
    vec![
        unit("000.00.00.H99", "UBND tỉnh Sơn Thủy"),
        unit("000.00.01.H99", "Sở Tư pháp"),
        unit("000.00.02.H99", "Sở Tài chính"),
        unit("000.31.01.H99", "UBND xã Hải Thành"),
        unit("000.32.01.H99", "UBND phường Hải Thành"),
    ]
}

fn october() -> Option<Period> {
    Some(Period::parse("2026-10").unwrap())
}

fn read(text: &str, period: Option<Period>) -> Published {
    read_bytes("ketqua", text.as_bytes(), &catalogue(), period)
        .unwrap_or_else(|e| panic!("unreadable: {e}"))
}

fn codes(p: &Published) -> Vec<&str> {
    p.rows
        .iter()
        .map(|r| r.figures.unit_code.as_str())
        .collect()
}

fn rejected_on(p: &Published, line: usize) -> &chiso_ingest::Rejected {
    p.rejected
        .iter()
        .find(|r| r.line == line)
        .unwrap_or_else(|| panic!("no rejection on line {line}: {:#?}", p.rejected))
}

const ARRAY: &str = r#"[
  {
    "ID": "000.00.00.H99",
    "ROW_STT": "1",
    "TEN": "UBND tỉnh Sơn Thủy",
    "CKMB": "16.5",
    "TDGQ": "18,25",
    "TTTT": "9",
    "CLGQ": "6.50",
    "MDHL": "16",
    "MDSH": "12.3",
    "TONG_SCORE": "78.55"
  },
  {
    "ID": "000.00.01.H99", "ROW_STT": "2", "TEN": "Sở Tư pháp",
    "CKMB": 15.2, "TDGQ": 19.75, "TTTT": 10, "CLGQ": 7.5, "MDHL": 17, "MDSH": 14, "TONG_SCORE": 83.45
  }
]"#;

#[test]
fn a_bare_array_pretty_printed() {
    let p = read(ARRAY, october());
    assert_eq!(p.format, PublishedFormat::Json);
    assert_eq!(codes(&p), ["000.00.00.H99", "000.00.01.H99"]);
    assert!(p.rejected.is_empty() && p.extra_columns.is_empty());
    let first = &p.rows[0];
    assert_eq!(first.line, 2, "the line where the object starts");
    assert_eq!(first.period.code(), "2026-10");
    assert_eq!(first.matched_by, MatchedBy::Code);
    assert_eq!(first.figures.name, "UBND tỉnh Sơn Thủy");
    assert_eq!(
        first.figures.groups,
        [
            Some(16.5),
            Some(18.25),
            Some(9.0),
            Some(6.5),
            Some(16.0),
            Some(12.3)
        ]
    );
    assert_eq!(first.figures.total, Some(78.55));
    assert!(first.raw.starts_with('{') && first.raw.ends_with('}'));
    assert!(first.raw.contains("\"TDGQ\": \"18,25\""), "kept as sent");
    let second = &p.rows[1];
    assert_eq!(second.line, 14);
    assert_eq!(second.figures.groups[1], Some(19.75), "JSON numbers too");
}

#[test]
fn envelopes_with_result_or_data() {
    let one_line: String = ARRAY.split_whitespace().collect::<Vec<_>>().join(" ");
    for text in [
        format!(r#"{{"error_code":"0","message":"Thành công","result":{one_line}}}"#),
        format!(r#"{{"error_code":0,"message":"OK","data":{ARRAY},"total":2}}"#),
        format!(r#"{{"error_code":0,"data":{{"page":1,"result":{ARRAY}}}}}"#),
    ] {
        let p = read(&text, october());
        assert_eq!(codes(&p), ["000.00.00.H99", "000.00.01.H99"], "{text}");
        assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    }
}

#[test]
fn the_envelope_may_carry_the_period() {
    let cases = [
        (r#""nam":"2026","thang":"9""#, "2026-09"),
        (r#""nam":2026,"quy":3"#, "2026-Q3"),
        (r#""period":"2026-H1""#, "2026-H1"),
        (r#""ky":"2026""#, "2026"),
    ];
    for (fields, code) in cases {
        let text = format!(r#"{{"error_code":"0",{fields},"result":{ARRAY}}}"#);
        let p = read(&text, None);
        assert!(p.rows.iter().all(|r| r.period.code() == code), "{text}");
        // A different --period rejects every row, saying why.
        let p = read(&text, Some(Period::parse("2025-01").unwrap()));
        assert!(p.rows.is_empty());
        assert_eq!(p.rejected.len(), 2);
        assert!(p.rejected[0]
            .reason
            .contains(&format!("kỳ trong tệp là {code}")));
        assert_eq!(p.rejected[0].column.as_deref(), Some("KY"));
    }
    let bad = format!(r#"{{"period":"tháng 13","result":{ARRAY}}}"#);
    assert!(matches!(
        read_bytes("x", bad.as_bytes(), &catalogue(), None),
        Err(PublishedError::BadPeriod { .. })
    ));
}

#[test]
fn without_any_period_the_file_is_refused() {
    let e = read_bytes("ketqua.json", ARRAY.as_bytes(), &catalogue(), None).unwrap_err();
    assert!(matches!(e, PublishedError::NoPeriod { .. }));
    assert!(e.to_string().contains("--period"), "{e}");
}

#[test]
fn the_portal_answering_an_error_is_said_so() {
    let e = read_bytes(
        "x",
        r#"{"error_code":"-1","message":"Phiên làm việc hết hạn"}"#.as_bytes(),
        &catalogue(),
        october(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("Phiên làm việc hết hạn"), "{e}");
    for text in [&br#"{"error_code":"0","result":"none"}"#[..], b"{\"a\":1}"] {
        assert!(matches!(
            read_bytes("x", text, &catalogue(), october()),
            Err(PublishedError::NoRows { .. })
        ));
    }
    for text in [&b"{\"a\" 1}"[..], b"{1:2}", b"["] {
        let r = read_bytes("x", text, &catalogue(), october());
        assert!(
            matches!(r, Err(PublishedError::Json { .. }))
                || r.as_ref().is_ok_and(|p| p.read() == 1),
            "{:?}",
            r
        );
    }
}

#[test]
fn units_by_name_without_case_or_accents() {
    let text = r#"[
      {"TEN": "SỞ TÀI CHÍNH", "TONG_SCORE": "80"},
      {"TEN": "so tu phap", "TONG_SCORE": "81"},
      {"ID": "17", "TEN": "Ủy ban nhân dân xã Hải Thành", "TONG_SCORE": "82"},
      {"TEN": "Hải Thành", "TONG_SCORE": "83"},
      {"TEN": "Sở", "TONG_SCORE": "84"},
      {"TEN": "Bộ Ngoại giao", "TONG_SCORE": "85"},
      {"ID": "999", "TONG_SCORE": "86"},
      {"ROW_STT": "8", "TONG_SCORE": "87"}
    ]"#;
    let p = read(text, october());
    assert_eq!(
        codes(&p),
        ["000.00.02.H99", "000.00.01.H99", "000.31.01.H99"]
    );
    assert!(p.rows.iter().all(|r| r.matched_by == MatchedBy::Name));
    assert_eq!(p.read(), 8);
    let ambiguous = rejected_on(&p, 5);
    assert_eq!(ambiguous.column.as_deref(), Some("TEN"));
    assert!(
        ambiguous.reason.contains("ứng với 2 đơn vị")
            && ambiguous
                .reason
                .contains("UBND xã Hải Thành (000.31.01.H99)")
            && ambiguous
                .reason
                .contains("UBND phường Hải Thành (000.32.01.H99)"),
        "{}",
        ambiguous.reason
    );
    let several = rejected_on(&p, 6);
    assert!(
        several.reason.contains("ứng với 2 đơn vị"),
        "{}",
        several.reason
    );
    let unknown = rejected_on(&p, 7);
    assert!(
        unknown
            .reason
            .contains("không có đơn vị nào tên 'Bộ Ngoại giao'"),
        "{}",
        unknown.reason
    );
    let code_only = rejected_on(&p, 8);
    assert_eq!(code_only.column.as_deref(), Some("ID"));
    assert!(code_only.reason.contains("mã đơn vị '999'"));
    assert!(rejected_on(&p, 9)
        .reason
        .contains("thiếu mã đơn vị (ID) và tên đơn vị (TEN)"));
}

#[test]
fn every_bad_row_is_rejected_with_its_line_column_and_text() {
    let text = r#"[
      {"ID": "000.00.00.H99", "CKMB": "abc", "TONG_SCORE": "70"},
      {"ID": "000.00.01.H99", "TDGQ": "120", "TONG_SCORE": "70"},
      {"ID": "000.00.02.H99", "CKMB": "", "TONG_SCORE": "-"},
      "not a row",
      {},
      {"ID": "000.00.02.H99", "TONG_SCORE": "70", "DanhGa": "x"},
      {"ID": "000.00.02.H99", "TONG_SCORE": "71"},
      {"ID": "000.31.01.H99", "KY": "2026-13", "TONG_SCORE": "71"},
      {"ID": "000.31.01.H99", "TONG_SCORE": "71"}
    "#;
    let p = read(text, october());
    assert_eq!(codes(&p), ["000.00.02.H99", "000.31.01.H99"]);
    assert_eq!(p.extra_columns, ["DanhGa"], "unknown keys are named");
    let cases: [(usize, Option<&str>, &str); 7] = [
        (2, Some("CKMB"), "điểm 'abc' không phải số từ 0 đến 100"),
        (3, Some("TDGQ"), "điểm '120'"),
        (4, None, "dòng không có điểm nào"),
        (5, None, "không phải một dòng kết quả"),
        (8, Some("ID"), "đã có ở dòng 7"),
        (9, Some("KY"), "kỳ '2026-13' không hợp lệ"),
        (11, None, "thiếu ']'"),
    ];
    for (line, column, reason) in cases {
        let r = rejected_on(&p, line);
        assert_eq!(r.column.as_deref(), column, "line {line}");
        assert!(r.reason.contains(reason), "line {line}: {}", r.reason);
        assert_eq!(r.file, "ketqua");
    }
    assert_eq!(
        rejected_on(&p, 2).raw,
        r#"{"ID": "000.00.00.H99", "CKMB": "abc", "TONG_SCORE": "70"}"#
    );
    assert_eq!(p.read(), 2 + cases.len(), "the blank {{}} is not a row");
}

#[test]
fn a_json_error_stops_reading_with_one_rejected_row() {
    let text = "[\n{\"ID\": \"000.00.00.H99\", \"TONG_SCORE\": \"70\"},\n{\"ID\": \"000.00.01.H99\" \"TONG_SCORE\": 1},\n{\"ID\": \"000.00.02.H99\", \"TONG_SCORE\": \"70\"}\n]";
    let p = read(text, october());
    assert_eq!(codes(&p), ["000.00.00.H99"]);
    assert_eq!(p.rejected.len(), 1);
    assert_eq!(p.rejected[0].line, 3);
    assert!(p.rejected[0].reason.contains("không đọc được phần còn lại"));
}

#[test]
fn csv_with_title_rows_semicolons_and_decimal_commas() {
    let text = "\u{feff}KẾT QUẢ THÁNG 10/2026;;;\n\nROW_STT;ID;TEN;CKMB;TDGQ;TTTT;CLGQ;MDHL;MDSH;TONG_SCORE;Ghi chú\n\
                1;000.00.00.H99;UBND tỉnh Sơn Thủy;16,5;18,25;9;6,5;16;12,3;78,55;\n\
                ;;;;;;;;;;\n\
                2;;sở tư pháp;15,2;19,75;10;7,5;17;14;83,45;kiểm tra\n\
                3;;Sở Ngoại vụ;1;1;1;1;1;1;6;\n";
    let p = read(text, october());
    assert_eq!(p.format, PublishedFormat::Csv);
    assert_eq!(codes(&p), ["000.00.00.H99", "000.00.01.H99"]);
    assert_eq!(p.rows[0].line, 4);
    assert_eq!(p.rows[1].line, 6, "blank rows keep line numbers right");
    assert_eq!(p.rows[0].figures.groups[1], Some(18.25));
    assert_eq!(
        p.rows[1].raw,
        "2;;sở tư pháp;15,2;19,75;10;7,5;17;14;83,45;kiểm tra"
    );
    assert_eq!(p.extra_columns, ["Ghi chú"]);
    assert_eq!(rejected_on(&p, 7).column.as_deref(), Some("TEN"));
    assert_eq!(p.read(), 3);

    let comma = "id,ten,ckmb,tdgq,tttt,clgq,mdhl,mdsh,tong_score,ky\n000.00.02.H99,,1,2,3,4,5,6,21,2026-10\n\"000.00.01.H99\",\"Sở Tư pháp\",\"1,5\",2,3,4,5,6,\"21,5\",2026-10\n";
    let p = read(comma, None);
    assert_eq!(codes(&p), ["000.00.02.H99", "000.00.01.H99"]);
    assert_eq!(p.rows[1].figures.total, Some(21.5));
    assert!(p.rows.iter().all(|r| r.period.code() == "2026-10"));
}

#[test]
fn tables_need_a_header_naming_the_unit_and_a_score() {
    for text in ["a,b,c\n1,2,3\n", "ID,TEN\n1,x\n", ""] {
        assert!(
            matches!(
                read_bytes("x.csv", text.as_bytes(), &catalogue(), october()),
                Err(PublishedError::NoHeader { .. })
            ),
            "{text:?}"
        );
    }
    assert!(matches!(
        read_bytes(
            "x.csv",
            b"ID,TONG_SCORE\n\xff\xfe,1\n",
            &catalogue(),
            october()
        ),
        Err(PublishedError::NotUtf8 { .. })
    ));
    assert!(matches!(
        read_bytes(
            "x.xls",
            b"<table><tr><td>ID</td></tr></table>",
            &catalogue(),
            october()
        ),
        Err(PublishedError::Html { .. })
    ));
    assert!(matches!(
        read_bytes("x.xlsx", b"PK\x03\x04 not really", &catalogue(), october()),
        Err(PublishedError::NotXlsx { .. })
    ));
}

#[test]
fn xlsx_with_a_title_row() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/published.xlsx");
    let p = read_file(&path, &catalogue(), october()).expect("fixture reads");
    assert_eq!(p.format, PublishedFormat::Xlsx);
    assert_eq!(codes(&p), ["000.00.00.H99", "000.00.01.H99"]);
    assert_eq!(p.rows[0].line, 4);
    assert_eq!(p.rows[0].figures.total, Some(78.55));
    assert_eq!(p.rows[1].figures.groups[0], Some(15.2));
    assert_eq!(p.rows[1].matched_by, MatchedBy::Name);
    assert_eq!(rejected_on(&p, 6).column.as_deref(), Some("TEN"));
    assert_eq!(p.extra_columns, ["GHI_CHU"]);
    assert_eq!(p.read(), 3);
    assert!(matches!(
        read_file(
            Path::new("/nonexistent/ketqua.json"),
            &catalogue(),
            october()
        ),
        Err(PublishedError::Io { .. })
    ));
}

/// splitmix64: deterministic test data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const VALUES: &[&str] = &[
    "",
    "0",
    "58,58",
    "58.58",
    "100",
    "101",
    "-3",
    "abc",
    "1.502,5",
    "null",
    "-",
    " 7 ",
    "1e2",
    "NaN",
    "Sở Tư pháp",
    "\"",
    ",",
    ";",
    "\n",
    "ộ",
    "{",
    "]",
];
const KEYS: &[&str] = &[
    "ID",
    "TEN",
    "ROW_STT",
    "CKMB",
    "TDGQ",
    "TTTT",
    "CLGQ",
    "MDHL",
    "MDSH",
    "TONG_SCORE",
    "KY",
    "DanhGa",
];
const NAMES: &[&str] = &[
    "000.00.00.H99",
    "000.00.01.H99",
    "Sở Tài chính",
    "hai thanh",
    "UBND xã Hải Thành",
    "xyz",
    "",
];

/// A JSON array of `n` random rows, none of them blank, and `n`.
fn random_json(rng: &mut Rng) -> (String, usize) {
    let n = rng.below(8);
    let rows: Vec<String> = (0..n)
        .map(|_| {
            let mut fields = vec![format!("\"ID\": {:?}", rng.pick(NAMES))];
            for _ in 0..rng.below(6) {
                let key = rng.pick(KEYS);
                let value = rng.pick(VALUES);
                fields.push(
                    if rng.below(3) == 0 && serde_json::from_str::<f64>(value.trim()).is_ok() {
                        format!("{key:?}: {}", value.trim())
                    } else {
                        format!("{key:?}: {value:?}")
                    },
                );
            }
            fields.push("\"X\": 1".into()); // never blank
            format!("{{{}}}", fields.join(", "))
        })
        .collect();
    let sep = if rng.below(2) == 0 { ",\n  " } else { "," };
    (format!("[{}]", rows.join(sep)), n)
}

/// A CSV of `n` random rows, none of them blank, and `n`.
fn random_csv(rng: &mut Rng) -> (String, usize) {
    let n = rng.below(8);
    let mut out = String::from("TEN;TONG_SCORE;CKMB;KY\n");
    for _ in 0..n {
        let cells = [
            rng.pick(NAMES),
            rng.pick(VALUES),
            rng.pick(VALUES),
            rng.pick(&["", "2026-10", "2026-09", "x"]),
        ];
        let quoted: Vec<String> = cells
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
        out.push_str(&quoted.join(";"));
        out.push_str(";x\n"); // never blank
    }
    (out, n)
}

fn check(bytes: &[u8], expected_rows: Option<usize>, period: Option<Period>) {
    match read_bytes("prop", bytes, &catalogue(), period) {
        Ok(p) => {
            if let Some(n) = expected_rows {
                assert_eq!(
                    p.read(),
                    n,
                    "every row accounted for: {}",
                    String::from_utf8_lossy(bytes)
                );
            }
            for r in &p.rejected {
                assert!(r.line >= 1 && !r.reason.is_empty(), "{r:?}");
            }
            for r in &p.rows {
                assert!(r.line >= 1);
                assert!(r
                    .figures
                    .groups
                    .iter()
                    .chain([&r.figures.total])
                    .flatten()
                    .all(|x| (0.0..=100.0).contains(x)));
            }
        }
        Err(e) => {
            assert!(
                expected_rows.is_none() || matches!(e, PublishedError::NoPeriod { .. }),
                "{e}: {}",
                String::from_utf8_lossy(bytes)
            );
            assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn no_input_panics_and_every_row_is_accounted_for() {
    let mut rng = Rng(766);
    for round in 0..3_000 {
        let period = if rng.below(4) == 0 { None } else { october() };
        let (text, n) = if round % 2 == 0 {
            random_json(&mut rng)
        } else {
            random_csv(&mut rng)
        };
        check(text.as_bytes(), Some(n), period);
        // The same text damaged: bytes dropped, repeated or replaced.
        let mut bytes = text.into_bytes();
        for _ in 0..1 + rng.below(4) {
            if bytes.is_empty() {
                break;
            }
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => {
                    bytes.remove(at);
                }
                1 => bytes.insert(at, bytes[at]),
                _ => bytes[at] = b"{}[],:;\"\n\\x\xc3\xff0"[rng.below(14)],
            }
        }
        check(&bytes, None, period);
        // Arbitrary bytes, sometimes behind a plausible start.
        let len = rng.below(64);
        let mut noise: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        match rng.below(4) {
            0 => noise.insert(0, b'['),
            1 => noise
                .splice(0..0, b"{\"result\":[".iter().copied())
                .for_each(drop),
            2 => noise
                .splice(0..0, b"PK\x03\x04".iter().copied())
                .for_each(drop),
            _ => {}
        }
        check(&noise, None, period);
    }
}
