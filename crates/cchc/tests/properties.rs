//! Property tests: the readers of untrusted text (deadlines, catalogue
//! files, printed numbers and notes, indicator codes) never panic, stay
//! bounded, and what they write they read back.

use chiso_cchc::catalogue::{Catalogue, CatalogueSet, BUILTIN};
use chiso_cchc::deadline::{parse, MAX_CHARS};
use chiso_cchc::decimal::Decimal;
use chiso_cchc::value::{parse_cell, Breakdown, IndicatorId};
use chiso_core::time::Date;
use proptest::prelude::*;

/// Words and signs deadlines are made of, to reach the reader's deeper paths.
const DEADLINE_WORDS: &[&str] = &[
    "Quý",
    "quý",
    "I",
    "II",
    "III",
    "IV",
    "V",
    "Tháng",
    "tháng",
    "năm",
    "Năm",
    "Trong",
    "trước",
    "ngày",
    "6",
    "06",
    "12",
    "01",
    "31",
    "2",
    "2024",
    "2023",
    "1899",
    "99999",
    "/",
    ",",
    ".",
    ":",
    ";",
    "(",
    ")",
    "khi",
    "có",
    "hướng",
    "dẫn",
    "Thường",
    "xuyên",
    "Hằng",
    "hàng",
    "đầu",
    "cuối",
    "Ban",
    "hành",
    "kế",
    "hoạch",
    "và",
    "-",
    "…",
    "\n",
    "Đ",
    "İ",
];

fn deadline_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(DEADLINE_WORDS), 0..40).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_deadline_reader_never_panics(text in any::<String>(), year in 1900i32..2200) {
        let d = parse(&text, year);
        prop_assert!(d.milestones.len() <= 48);
        prop_assert!(d.text.chars().count() <= MAX_CHARS);
    }

    #[test]
    fn deadline_vocabulary_gives_sane_milestones(text in deadline_text(), glued in any::<bool>()) {
        let text = if glued { text.replace(' ', "") } else { text };
        let d = parse(&text, 2024);
        for m in &d.milestones {
            let y = m.due.year();
            prop_assert!((1990..=2100).contains(&y), "{} → {:?}", text, m);
        }
    }

    #[test]
    fn the_catalogue_loader_never_panics_on_any_text(text in any::<String>()) {
        let _ = Catalogue::from_toml("x.toml", &text);
    }

    #[test]
    fn the_catalogue_loader_never_panics_on_a_damaged_shipped_file(
        cuts in prop::collection::vec((any::<prop::sample::Index>(), 0usize..200, any::<String>()), 1..4)
    ) {
        let mut chars: Vec<char> = BUILTIN[0].1.chars().collect();
        for (at, len, insert) in cuts {
            let start = at.index(chars.len().max(1)).min(chars.len());
            let end = (start + len).min(chars.len());
            chars.splice(start..end, insert.chars());
        }
        let text: String = chars.into_iter().collect();
        if let Err(e) = Catalogue::from_toml("damaged.toml", &text) {
            prop_assert!(e.line >= 1 && e.line <= text.lines().count().max(1) + 1, "{}", e);
        }
    }

    #[test]
    fn printed_cells_never_panic(text in any::<String>()) {
        let set = CatalogueSet::builtin();
        for ind in set.versions[0].indicators() {
            let _ = parse_cell(ind, &text);
        }
        let _ = Breakdown::parse_note(&text);
        let _ = text.parse::<IndicatorId>();
        let _ = Decimal::parse_vi(&text, true);
        let _ = Decimal::parse_vi(&text, false);
        let _ = Date::parse(&text);
    }

    #[test]
    fn numbers_read_back_as_written(
        int in 0u64..99_999_999_999_999,
        frac in 0u32..10_000,
        negative in any::<bool>(),
        places in 0u32..5,
    ) {
        let text = format!("{}{int}.{frac:04}", if negative { "-" } else { "" });
        let v = Decimal::parse_canonical(&text).expect("canonical").round(places);
        prop_assert_eq!(Decimal::parse_vi(&v.vi(), false), Ok(v));
        prop_assert_eq!(Decimal::parse_canonical(&v.canonical()), Some(v));
        if v.is_integer() {
            prop_assert_eq!(Decimal::parse_vi(&v.vi(), true), Ok(v));
        }
    }
}

/// Cells the table readers meet: their own column names, codes, figures,
/// statuses, dates and noise.
fn table_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "Mã chỉ tiêu",
            "Số liệu",
            "Ghi chú",
            "Giải trình",
            "STT",
            "Lĩnh vực",
            "Nhiệm vụ",
            "Cơ quan chủ trì",
            "Trạng thái",
            "Ngày cập nhật",
            "chi_so",
            "nam",
            "don_vi",
            "gia_tri",
            "thanh_phan",
            "B3 3.1.1",
            "B2 1.3",
            "B1 2",
            "B7 6.2",
            "B9 1",
            "par",
            "sipas",
            "2024",
            "I",
            "VII",
            "VIII",
            "Đã thực hiện",
            "Không thực hiện",
            "15/05/2024",
            "31/02/2024",
            "1",
            "86,643",
            "-3",
            "99,9",
            "",
            " ",
            "x;y",
            "\u{feff}",
        ])
        .prop_map(str::to_string),
        ".{0,12}",
    ]
}

fn table() -> impl Strategy<Value = Vec<(usize, Vec<String>)>> {
    proptest::collection::vec(proptest::collection::vec(table_cell(), 0..12), 0..30).prop_map(
        |rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, r)| (i + 1, r))
                .collect()
        },
    )
}

proptest! {
    #[test]
    fn the_forms_template_reader_accounts_for_every_row(rows in table()) {
        let set = CatalogueSet::builtin();
        let c = set.get("cchc-2024").expect("catalogue");
        if let Ok(f) = chiso_cchc::template::read(c, &rows, &chiso_cchc::value::Values::default()) {
            prop_assert_eq!(f.accepted + f.skipped + f.problems.len(), f.read);
            prop_assert!(f.read < rows.len().max(1));
        }
    }

    #[test]
    fn the_plan_reader_accounts_for_every_row(rows in table()) {
        if let Ok(r) = chiso_cchc::plan_file::read("T", 2024, &rows, &|_| None, "x") {
            prop_assert_eq!(r.plan.tasks.len() + r.skipped + r.problems.len(), r.read);
            for t in &r.plan.tasks {
                prop_assert!(!t.lead.is_empty());
            }
        }
    }

    #[test]
    fn the_results_reader_accounts_for_every_row(rows in table()) {
        let header = chiso_cchc::results::COLUMNS;
        let named: Vec<(usize, std::collections::BTreeMap<String, String>)> = rows
            .into_iter()
            .map(|(line, cells)| (line, header.iter().map(|h| h.to_string()).zip(cells).collect()))
            .collect();
        let r = chiso_cchc::results::read_rows(&named);
        prop_assert_eq!(r.read, named.len());
        prop_assert!(r.rejected.len() <= r.read);
        prop_assert!(r.results.len() <= r.accepted());
    }
}
