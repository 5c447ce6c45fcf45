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
