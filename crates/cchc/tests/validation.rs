//! Every validation rule of cchc.md §3, on the shipped cchc-2024 catalogue:
//! errors block submission, warnings need an explanation.

use std::collections::BTreeMap;

use chiso_cchc::catalogue::{Catalogue, CatalogueSet, Severity};
use chiso_cchc::decimal::Decimal;
use chiso_cchc::sheet::{Scope, Sheet};
use chiso_cchc::validate::{blockers, validate, Context, Finding};
use chiso_cchc::value::{Breakdown, Entry, IndicatorId, Origin, Value, Values};
use chiso_core::records::UnitKind;

fn cat() -> Catalogue {
    CatalogueSet::builtin().get("cchc-2024").unwrap().clone()
}

fn id(s: &str) -> IndicatorId {
    s.parse().unwrap()
}

fn num(text: &str) -> Entry {
    Entry::number(Decimal::parse_vi(text, false).unwrap())
}

fn values(entries: &[(&str, Entry)]) -> Values {
    let mut v = Values::default();
    for (code, e) in entries {
        v.set(id(code), e.clone());
    }
    v
}

fn check(scope: Scope, entries: &[(&str, Entry)]) -> Vec<Finding> {
    let c = cat();
    validate(
        &c,
        &values(entries),
        Context {
            scope,
            previous: None,
        },
    )
}

/// (severity, key) of each finding.
fn keys(findings: &[Finding]) -> Vec<(Severity, String)> {
    findings.iter().map(|f| (f.severity, f.key())).collect()
}

fn only(findings: &[Finding], severity: Severity, key: &str) {
    assert_eq!(
        keys(findings),
        [(severity, key.to_string())],
        "{:#?}",
        findings
    );
}

const PROVINCE: Scope = Scope::Unit(UnitKind::Province);
const DEPARTMENT: Scope = Scope::Unit(UnitKind::Department);
const DISTRICT: Scope = Scope::Unit(UnitKind::District);

#[test]
fn domain_whole_numbers_percentages_and_codes() {
    let text = Entry {
        value: Some(Value::Text("nhiều".into())),
        ..Entry::default()
    };
    only(
        &check(PROVINCE, &[("B1 1", text)]),
        Severity::Error,
        "wrong_type@B1 1",
    );
    only(
        &check(PROVINCE, &[("B1 1", num("1,5"))]),
        Severity::Error,
        "not_whole@B1 1",
    );
    only(
        &check(DISTRICT, &[("B4 2.4", num("-1"))]),
        Severity::Error,
        "negative@B4 2.4",
    );
    only(
        &check(PROVINCE, &[("B4 1.1", num("100,5"))]),
        Severity::Error,
        "percent_range@B4 1.1",
    );
    assert!(check(PROVINCE, &[("B4 1.1", num("100"))]).is_empty());
    let code = |c| Entry {
        value: Some(Value::Code(c)),
        ..Entry::default()
    };
    only(
        &check(PROVINCE, &[("B1 6", code(2))]),
        Severity::Error,
        "unknown_code@B1 6",
    );
    only(
        &check(PROVINCE, &[("B7 4", code(3))]),
        Severity::Error,
        "unknown_code@B7 4",
    );
    assert!(check(PROVINCE, &[("B7 4", code(2))]).is_empty());
}

#[test]
fn rows_outside_the_catalogue_or_the_units_level() {
    only(
        &check(PROVINCE, &[("B4 3.2", num("1"))]),
        Severity::Error,
        "not_in_catalogue@B4 3.2",
    );
    let f = check(DEPARTMENT, &[("B2 1.2", num("6"))]);
    only(&f, Severity::Error, "not_applicable@B2 1.2");
    assert!(f[0].message.contains("UBND cấp huyện"), "{}", f[0].message);
    only(
        &check(PROVINCE, &[("B2 2", num("0"))]),
        Severity::Warning,
        "heading_value@B2 2",
    );
}

#[test]
fn part_not_above_whole_and_compulsory_pairs() {
    let f = check(
        DISTRICT,
        &[("B3 3.4.1", num("152")), ("B3 3.4.2", num("153"))],
    );
    only(&f, Severity::Error, "part_exceeds_whole@B3 3.4");
    only(
        &check(PROVINCE, &[("B1 3.3.1", num("1"))]),
        Severity::Error,
        "compulsory_pair@B1 3.3",
    );
    only(
        &check(PROVINCE, &[("B1 3.3.2", num("1"))]),
        Severity::Error,
        "compulsory_pair@B1 3.3",
    );
    assert!(check(PROVINCE, &[("B1 3.3.1", num("1")), ("B1 3.3.2", num("0"))]).is_empty());
    // A rate of nothing is empty, not a finding.
    assert!(check(DISTRICT, &[("B3 3.4.1", num("0")), ("B3 3.4.2", num("0"))]).is_empty());
}

#[test]
fn printed_sums_and_rates_are_compared_with_their_parts() {
    let parts = [
        ("B2 1.1", num("17")),
        ("B2 1.2", num("6")),
        ("B2 1.3", num("0")),
    ];
    let mut with = parts.to_vec();
    with.push(("B2 1", num("23")));
    assert!(check(Scope::Consolidated, &with).is_empty());
    with.pop();
    with.push(("B2 1", num("24")));
    let f = check(Scope::Consolidated, &with);
    only(&f, Severity::Warning, "sum_mismatch@B2 1");
    assert!(
        f[0].message
            .contains("tổng ghi 24 nhưng 1.1 + 1.2 + 1.3 = 23"),
        "{}",
        f[0].message
    );

    // A district filled 1.2 but left 1.3 (its communes') empty.
    let f = check(DISTRICT, &[("B2 1.2", num("6"))]);
    only(&f, Severity::Warning, "incomplete_sum@B2 1");
    assert!(f[0].message.contains("1.3 trống"), "{}", f[0].message);

    let rate = |printed: &str| {
        check(
            Scope::Consolidated,
            &[
                ("B7 6.2.1", num("349")),
                ("B7 6.2.2", num("323")),
                ("B7 6.2", num(printed)),
            ],
        )
    };
    only(&rate("80,76"), Severity::Warning, "rate_mismatch@B7 6.2");
    assert!(rate("92,55").is_empty());
    assert!(
        rate("92,6").is_empty(),
        "half a unit of the printed precision"
    );
    only(
        &check(PROVINCE, &[("B1 2", num("51,43"))]),
        Severity::Warning,
        "printed_uncomputable@B1 2",
    );
}

#[test]
fn breakdowns_by_level_add_up() {
    let with = |total: &str, note: &str| Entry {
        by_level: Breakdown::parse_note(note).unwrap(),
        ..num(total)
    };
    // Partial: the city's share is not stated.
    assert!(check(
        Scope::Consolidated,
        &[("B4 2.4", with("62196", "Cấp huyện: 5061 Cấp xã: 9917"))]
    )
    .is_empty());
    only(
        &check(
            Scope::Consolidated,
            &[("B4 2.4", with("100", "Cấp huyện: 90 Cấp xã: 20"))],
        ),
        Severity::Error,
        "breakdown@B4 2.4",
    );
    // A district states both of its levels: they must make the total.
    assert!(check(
        DISTRICT,
        &[("B4 2.4", with("110", "Cấp huyện: 90 Cấp xã: 20"))]
    )
    .is_empty());
    only(
        &check(
            DISTRICT,
            &[("B4 2.4", with("120", "Cấp huyện: 90 Cấp xã: 20"))],
        ),
        Severity::Error,
        "breakdown@B4 2.4",
    );
    // A department has no commune figures.
    let f = check(DEPARTMENT, &[("B4 2.4", with("30", "Cấp xã: 20"))]);
    only(&f, Severity::Error, "breakdown@B4 2.4");
    assert!(f[0].message.contains("cấp xã"), "{}", f[0].message);
}

#[test]
fn a_prefilled_figure_changed_needs_a_reason() {
    let overridden = |reason: &str| Entry {
        origin: Origin::Overridden {
            prefilled: Some(Decimal::from_int(86_650)),
            reason: reason.into(),
        },
        ..num("86643")
    };
    only(
        &check(
            DEPARTMENT,
            &[("B3 3.1.1", overridden(" ")), ("B3 3.1.2", num("86593"))],
        ),
        Severity::Error,
        "override_reason@B3 3.1.1",
    );
    assert!(check(
        DEPARTMENT,
        &[
            ("B3 3.1.1", overridden("7 hồ sơ nhập trùng")),
            ("B3 3.1.2", num("86593"))
        ]
    )
    .is_empty());
}

#[test]
fn year_to_date_figures_do_not_decrease() {
    let c = cat();
    let before = values(&[("B5 3", num("5"))]);
    let previous = Sheet::resolve(&c, &before, PROVINCE);
    let ctx = Context {
        scope: PROVINCE,
        previous: Some(&previous),
    };
    only(
        &validate(&c, &values(&[("B5 3", num("3"))]), ctx),
        Severity::Warning,
        "ytd_decrease@B5 3",
    );
    assert!(validate(&c, &values(&[("B5 3", num("5"))]), ctx).is_empty());
    // A stock may go down.
    let before = values(&[("B4 2.2", num("1734"))]);
    let previous = Sheet::resolve(&c, &before, PROVINCE);
    let ctx = Context {
        scope: PROVINCE,
        previous: Some(&previous),
    };
    assert!(validate(&c, &values(&[("B4 2.2", num("1700"))]), ctx).is_empty());
}

#[test]
fn catalogue_rules_with_their_missing_value_strategies() {
    // Part ≤ whole (error), empty parts count 0 unless all are empty.
    only(
        &check(
            PROVINCE,
            &[
                ("B1 5.1", num("84")),
                ("B1 5.2", num("80")),
                ("B1 5.4", num("5")),
            ],
        ),
        Severity::Error,
        "rule:b1-5-parts@B1 5.2",
    );
    assert!(check(PROVINCE, &[("B1 5.1", num("84")), ("B1 5.2", num("30"))]).is_empty());
    // Part ≤ whole as a warning.
    only(
        &check(
            PROVINCE,
            &[("B4 2.1", num("1853")), ("B4 2.2", num("1900"))],
        ),
        Severity::Warning,
        "rule:b4-2.2-le-2.1@B4 2.2",
    );
    // Cross-form: B4 1.5 = B6 2.1 and B5 1.2 ≤ B4 1.5, skipped while a side is empty.
    let b4 = [
        ("B4 1.5.1", num("13")),
        ("B4 1.5.2", num("99")),
        ("B4 1.5.3", num("415")),
    ];
    assert!(check(Scope::Consolidated, &b4).is_empty());
    let mut both = b4.to_vec();
    both.extend([
        ("B6 2.2", num("0")),
        ("B6 2.3", num("44")),
        ("B6 2.4.1", num("6")),
        ("B6 2.4.2", num("23")),
        ("B6 2.4.3", num("117")),
        ("B6 2.5", num("347")),
        ("B5 1.2", num("530")),
    ]);
    let f = check(Scope::Consolidated, &both);
    assert_eq!(
        keys(&f),
        [
            (
                Severity::Warning,
                "rule:b4-1.5-eq-b6-2.1@B4 1.5".to_string()
            ),
            (
                Severity::Warning,
                "rule:b5-1.2-le-b4-1.5@B5 1.2".to_string()
            ),
        ]
    );
    // Conditional: a survey held needs its count and method.
    let yes = Entry {
        value: Some(Value::Code(1)),
        ..Entry::default()
    };
    let f = check(PROVINCE, &[("B1 6", yes.clone())]);
    assert_eq!(
        keys(&f),
        [
            (Severity::Error, "rule:b1-6-survey@B1 6.1".to_string()),
            (Severity::Error, "rule:b1-6-survey@B1 6.2".to_string()),
        ]
    );
    let method = Entry {
        value: Some(Value::Code(2)),
        ..Entry::default()
    };
    assert!(check(
        PROVINCE,
        &[("B1 6", yes), ("B1 6.1", num("300")), ("B1 6.2", method)]
    )
    .is_empty());
}

#[test]
fn errors_block_and_warnings_need_an_explanation() {
    let f = check(
        Scope::Consolidated,
        &[
            ("B7 6.2.1", num("349")),
            ("B7 6.2.2", num("323")),
            ("B7 6.2", num("80,76")),
            ("B1 3.3.1", num("1")),
        ],
    );
    let mut explained = BTreeMap::new();
    assert_eq!(blockers(&f, &explained).len(), 2);
    explained.insert("rate_mismatch@B7 6.2".to_string(), "  ".to_string());
    assert_eq!(
        blockers(&f, &explained).len(),
        2,
        "a blank explanation is none"
    );
    explained.insert(
        "rate_mismatch@B7 6.2".to_string(),
        "Tỷ lệ in sai, số liệu 6.2.1 và 6.2.2 đúng".to_string(),
    );
    explained.insert(
        "compulsory_pair@B1 3.3".to_string(),
        "Giải trình".to_string(),
    );
    let left = blockers(&f, &explained);
    assert_eq!(left.len(), 1, "an error cannot be explained away");
    assert_eq!(left[0].key(), "compulsory_pair@B1 3.3");
}
