//! Form catalogue files: the shipped versions, and every way a file is
//! refused, with the file and line named.

use chiso_cchc::catalogue::{Aggregate, Catalogue, CatalogueSet, Kind, Prefill};
use chiso_cchc::value::{IndicatorId, Tier};
use chiso_core::records::UnitKind;

/// A small valid catalogue; tests break one thing at a time.
const SMALL: &str = r#"id = "t"
name = "Thử"
top_level = "province"
reporting_levels = ["province", "department", "district"]

[[form]]
no = 1
area = "I"
title = "Biểu 1"

[[form.indicator]]
code = "1"
label = "Tỷ lệ"
unit = "%"
kind = "rate"
formula = "1.2 / 1.1"

[[form.indicator]]
code = "1.1"
label = "Tổng"
unit = "Hồ sơ"
kind = "count"

[[form.indicator]]
code = "1.2"
label = "Đúng hạn"
unit = "Hồ sơ"
kind = "count"

[[form.indicator]]
code = "2"
label = "Có khảo sát"
kind = "bool"
choices = [{ code = 1, label = "Có" }, { code = 0, label = "Không" }]

[[rule]]
id = "r"
check = "B1 1.2 <= B1 1.1"
severity = "error"
message = "Đúng hạn vượt tổng"
"#;

fn refused(text: &str) -> (usize, String) {
    let e = Catalogue::from_toml("bad.toml", text).expect_err("must be refused");
    assert_eq!(e.file, "bad.toml");
    assert!(e.to_string().starts_with(&format!("bad.toml:{}: ", e.line)));
    (e.line, e.message)
}

fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).expect("needle in text")]
        .matches('\n')
        .count()
        + 1
}

#[test]
fn the_small_catalogue_loads() {
    let c = Catalogue::from_toml("t.toml", SMALL).unwrap();
    assert_eq!(c.forms.len(), 1);
    assert_eq!(c.rules.len(), 1);
    let rate = c.indicator(&IndicatorId::new(1, "1")).unwrap();
    assert_eq!(
        rate.kind,
        Kind::Rate {
            num: "1.2".into(),
            den: "1.1".into()
        }
    );
    assert_eq!(rate.aggregate, Aggregate::Recompute);
    assert_eq!(rate.precision, 2);
    let count = c.indicator(&IndicatorId::new(1, "1.1")).unwrap();
    assert_eq!(count.aggregate, Aggregate::Sum);
    assert!(c.reported_by(count, UnitKind::District));
    assert!(!c.reported_by(count, UnitKind::Commune));
}

#[test]
fn refusals_name_the_line_and_what_to_do() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (replace, with, line of, message contains)
        ("kind = \"count\"\n\n[[form.indicator]]\ncode = \"1.2\"", "kind = \"counter\"\n\n[[form.indicator]]\ncode = \"1.2\"", "kind = \"counter\"", "unknown kind 'counter'"),
        ("code = \"1.2\"", "code = \"1.1\"", "code = \"1.1\"\nlabel = \"Đúng hạn\"", "B1 1.1: code defined twice"),
        ("formula = \"1.2 / 1.1\"", "formula = \"1.2 / 1.9\"", "formula = \"1.2 / 1.9\"", "formula names unknown indicator '1.9'"),
        ("formula = \"1.2 / 1.1\"\n", "", "kind = \"rate\"", "kind 'rate' needs a formula"),
        ("formula = \"1.2 / 1.1\"", "formula = \"1.2 + 1.1\"", "formula = \"1.2 + 1.1\"", "a rate is 'numerator / denominator'"),
        ("formula = \"1.2 / 1.1\"", "formula = \"1.2 / 2\"", "formula = \"1.2 / 2\"", "B1 2 is a bool row; parts must be counts, amounts or sums"),
        ("kind = \"bool\"", "kind = \"enum\"\nformula = \"1.1\"", "formula = \"1.1\"", "a enum row takes no formula"),
        ("choices = [{ code = 1, label = \"Có\" }, { code = 0, label = \"Không\" }]", "choices = [{ code = 1, label = \"Có\" }, { code = 2, label = \"Không\" }]", "choices = [", "a bool's choices must be the codes 0 and 1"),
        ("choices = [{ code = 1, label = \"Có\" }, { code = 0, label = \"Không\" }]\n", "", "kind = \"bool\"", "kind 'bool' needs choices"),
        ("unit = \"Hồ sơ\"\nkind = \"count\"\n\n[[form.indicator]]\ncode = \"1.2\"", "unit = \"Hồ sơ\"\nkind = \"count\"\nlevels = [\"commune\"]\n\n[[form.indicator]]\ncode = \"1.2\"", "levels = [\"commune\"]", "level 'commune' does not report in this catalogue"),
        ("unit = \"Hồ sơ\"\nkind = \"count\"\n\n[[form.indicator]]\ncode = \"1.2\"", "unit = \"Hồ sơ\"\nkind = \"count\"\nlevels = [\"ward office\"]\n\n[[form.indicator]]\ncode = \"1.2\"", "levels = [\"ward office\"]", "unknown level 'ward office'"),
        ("unit = \"Hồ sơ\"\nkind = \"count\"\n\n[[form.indicator]]\ncode = \"1.2\"", "unit = \"Hồ sơ\"\nkind = \"count\"\nlevels = [\"district\"]\naggregate = \"own\"\n\n[[form.indicator]]\ncode = \"1.2\"", "[[form.indicator]]\ncode = \"1.1\"", "the province must fill it: add it to levels"),
        ("kind = \"rate\"", "kind = \"rate\"\naggregate = \"sum\"", "aggregate = \"sum\"", "a rate row cannot aggregate by 'sum'"),
        ("kind = \"rate\"", "kind = \"rate\"\naccumulation = \"forever\"", "accumulation = \"forever\"", "unknown accumulation 'forever' (use period, ytd, stock, vs_2015)"),
        ("kind = \"bool\"", "kind = \"bool\"\nprecision = 1", "precision = 1", "precision (0–4 decimals) applies to rates only"),
        ("kind = \"bool\"", "kind = \"bool\"\nprefill = \"dossiers_completed\"", "prefill = ", "only counts and amounts can be prefilled"),
        ("unit = \"Hồ sơ\"\nkind = \"count\"\n\n[[form.indicator]]\ncode = \"1.2\"", "unit = \"Hồ sơ\"\nkind = \"count\"\nprefill = \"guesswork\"\n\n[[form.indicator]]\ncode = \"1.2\"", "prefill = \"guesswork\"", "unknown prefill source 'guesswork'"),
        ("code = \"1.2\"", "code = \"1.2.\"", "code = \"1.2.\"", "code '1.2.' must be numbers separated by dots"),
        ("area = \"I\"", "area = \"VIII\"", "area = \"VIII\"", "unknown area 'VIII' (use I–VII)"),
        ("top_level = \"province\"", "top_level = \"commune\"", "top_level", "top_level 'commune' must be one of reporting_levels"),
        ("check = \"B1 1.2 <= B1 1.1\"", "check = \"B1 1.2 <= B1 7\"", "check = ", "rule 'r': names unknown indicator B1 7"),
        ("check = \"B1 1.2 <= B1 1.1\"", "check = \"B1 1.2 <= B1 2\"", "check = ", "rule 'r': B1 2 is a bool row and cannot be compared"),
        ("check = \"B1 1.2 <= B1 1.1\"", "check = \"B1 1.2 ~ B1 1.1\"", "check = ", "is not 'left <= right'"),
        ("check = \"B1 1.2 <= B1 1.1\"", "when = \"B1 2 = 7\"\nrequire = [\"B1 1.1\"]", "when = ", "B1 2 is not a yes/no or list row with code 7"),
        ("check = \"B1 1.2 <= B1 1.1\"", "when = \"B1 2 = 1\"\nrequire = [\"B1 1.7\"]", "require = ", "names unknown indicator B1 1.7"),
        ("severity = \"error\"", "severity = \"fatal\"", "severity = ", "unknown severity 'fatal' (use error, warning)"),
        ("message = \"Đúng hạn vượt tổng\"", "message = \"Đúng hạn vượt tổng\"\nweight = 2", "weight = 2", "unknown field `weight`"),
        ("name = \"Thử\"", "name = \"Thử", "name = \"Thử", "invalid basic string"),
    ];
    for (from, to, at, message) in cases {
        assert!(SMALL.contains(from), "case setup: {from}");
        let text = SMALL.replacen(from, to, 1);
        let (line, got) = refused(&text);
        assert!(
            got.contains(message),
            "{to:?}: message {got:?} lacks {message:?}"
        );
        assert_eq!(line, line_of(&text, at), "{to:?}: {got}");
    }
}

#[test]
fn sums_must_not_loop_and_forms_must_not_repeat() {
    let looped = SMALL.replacen(
        "code = \"1.1\"\nlabel = \"Tổng\"\nunit = \"Hồ sơ\"\nkind = \"count\"",
        "code = \"1.1\"\nlabel = \"Tổng\"\nunit = \"Hồ sơ\"\nkind = \"sum\"\nformula = \"1.2 + 1.3\"\n\n[[form.indicator]]\ncode = \"1.3\"\nlabel = \"Vòng\"\nkind = \"sum\"\nformula = \"1.1 + 1.2\"",
        1,
    );
    let (_, message) = refused(&looped);
    assert!(message.contains("sums loop through"), "{message}");

    let twice = format!(
        "{}\n[[form]]\nno = 1\narea = \"II\"\ntitle = \"Lại\"\n\n[[form.indicator]]\ncode = \"1\"\nlabel = \"x\"\nkind = \"count\"\n",
        SMALL.split("[[rule]]").next().unwrap()
    );
    let (line, message) = refused(&twice);
    assert_eq!(message, "form 1 defined twice");
    assert_eq!(line, line_of(&twice, "no = 1\narea = \"II\"") - 1);
}

#[test]
fn shipped_catalogues_hold_every_indicator_of_the_seed() {
    let set = CatalogueSet::builtin();
    let c24 = set.get("cchc-2024").unwrap();
    let c25 = set.get("cchc-2025").unwrap();
    assert_eq!(c24.forms.len(), 7);
    let counts: Vec<usize> = c24.forms.iter().map(|f| f.indicators.len()).collect();
    assert_eq!(
        counts,
        [23, 14, 25, 18, 15, 13, 27],
        "Appendix B, with B1 4.2.a"
    );
    assert_eq!(c24.valid_to.unwrap().vn(), "30/06/2025");
    assert_eq!(c25.valid_from.unwrap().vn(), "01/07/2025");

    // Rates recompute from parts; own rows include the province.
    for c in [c24, c25] {
        for ind in c.indicators() {
            if ind.kind.is_derived() {
                assert_eq!(ind.aggregate, Aggregate::Recompute, "{}", ind.id);
            }
            if ind.aggregate == Aggregate::Own && !ind.levels.is_empty() {
                assert!(ind.levels.contains(&UnitKind::Province), "{}", ind.id);
            }
        }
    }
    let id = |s: &str| s.parse::<IndicatorId>().unwrap();
    assert_eq!(c24.indicator(&id("B7 6.3")).unwrap().precision, 1);
    assert_eq!(
        c24.indicator(&id("B1 2.2")).unwrap().prefill,
        Some(Prefill::PlanDone)
    );
    assert_eq!(
        c24.indicator(&id("B3 3.3.1")).unwrap().of_level,
        Some(Tier::Commune),
        "a commune figure counted by the district"
    );

    // The two-tier version: no district level, communes report, codes kept.
    assert_eq!(
        c25.reporting_levels,
        [UnitKind::Province, UnitKind::Department, UnitKind::Commune]
    );
    for ind in c25.indicators() {
        assert!(!ind.levels.contains(&UnitKind::District), "{}", ind.id);
        assert!(ind.of_level.is_none(), "{}", ind.id);
        assert!(
            !ind.label.contains("cấp huyện"),
            "{}: {}",
            ind.id,
            ind.label
        );
        assert!(
            c24.indicator(&ind.id).is_some(),
            "{}: codes are kept",
            ind.id
        );
    }
    for gone in [
        "B2 1.2", "B3 1.4.2", "B3 3.2", "B7 5.1.3", "B7 5.2.2", "B7 5.3.3",
    ] {
        assert!(c25.indicator(&id(gone)).is_none(), "{gone}");
    }
    assert_eq!(
        c25.indicator(&id("B2 1")).unwrap().kind,
        Kind::Sum(vec!["1.1".into(), "1.3".into()])
    );
    assert_eq!(
        c25.indicator(&id("B3 3.3.1")).unwrap().levels,
        [UnitKind::Commune]
    );
}

#[test]
fn an_oversized_file_is_refused_before_parsing() {
    let big = "#".repeat(chiso_cchc::catalogue::MAX_FILE_BYTES + 1);
    let (line, message) = refused(&big);
    assert_eq!(line, 1);
    assert!(message.starts_with("file too large"), "{message}");
}
