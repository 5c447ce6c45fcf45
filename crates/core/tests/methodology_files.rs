//! Methodology files: any number of groups, validation with file and line.

use chiso_core::methodology::{Methodology, MethodologySet};
use chiso_core::time::Date;

fn criterion(id: &str, group: &str, max: f64, extra: &str) -> String {
    format!(
        "\n[[criterion]]\nid = \"{id}\"\ngroup = \"{group}\"\nname = \"{id}\"\nnumerator = \"dossiers_online\"\n\
         denominator = \"dossiers_received\"\nrule = \"linear\"\nmax = {max}\nno_data = \"exclude\"\n{extra}"
    )
}

/// F's five-group arrangement: online payment folded into group 3.
fn five_groups() -> String {
    let mut text = String::from("id = \"F-5\"\nname = \"Năm nhóm\"\nvalid_from = \"2030-01-01\"\n");
    for (id, max) in [("1", 18), ("2", 20), ("3", 22), ("4", 22), ("5", 18)] {
        text += &format!("\n[[group]]\nid = \"{id}\"\nname = \"Nhóm {id}\"\nmax = {max}\n");
    }
    for (id, group, max) in [
        ("1.1", "1", 18.0),
        ("2.1", "2", 20.0),
        ("3.1", "3", 12.0),
        ("3.2", "3", 10.0),
        ("4.1", "4", 22.0),
        ("5.1", "5", 18.0),
    ] {
        text += &criterion(id, group, max, "");
    }
    text
}

#[test]
fn a_five_group_file_loads_and_takes_over_from_its_date() {
    let m = Methodology::from_toml("f5.toml", &five_groups()).expect("valid");
    assert_eq!(m.groups.len(), 5);
    let mut set = MethodologySet::builtin();
    set.add(m);
    assert_eq!(
        set.in_force(Date::parse("2030-01-01").unwrap()).unwrap().id,
        "F-5"
    );
    assert_eq!(
        set.in_force(Date::parse("2029-12-31").unwrap()).unwrap().id,
        "766-2026"
    );
}

fn error(text: &str) -> (usize, String) {
    let e = Methodology::from_toml("bad.toml", text).expect_err("must be rejected");
    assert_eq!(e.file, "bad.toml");
    (e.line, e.message)
}

#[test]
fn maxima_must_add_up() {
    let text = five_groups().replace(
        "max = 22\n\n[[group]]\nid = \"4\"",
        "max = 23\n\n[[group]]\nid = \"4\"",
    );
    let (_, message) = error(&text);
    assert!(
        message.contains("group '3'") && message.contains("sum to 22"),
        "{message}"
    );

    let mut text =
        String::from("id = \"x\"\nname = \"x\"\n[[group]]\nid = \"1\"\nname = \"a\"\nmax = 90\n");
    text += &criterion("1.1", "1", 90.0, "");
    let (_, message) = error(&text);
    assert!(message.contains("not the total 100"), "{message}");
}

#[test]
fn unknown_measure_rule_and_policy_name_the_line() {
    let base = five_groups();
    let text = base.replacen(
        "numerator = \"dossiers_online\"",
        "numerator = \"dossiers_onlin\"",
        1,
    );
    let (line, message) = error(&text);
    assert!(
        message.contains("unknown measure 'dossiers_onlin'"),
        "{message}"
    );
    assert_eq!(
        text.lines().nth(line - 1).unwrap(),
        "numerator = \"dossiers_onlin\""
    );

    let text = base.replacen("rule = \"linear\"", "rule = \"exponential\"", 1);
    let (line, message) = error(&text);
    assert!(message.contains("unknown rule 'exponential'"), "{message}");
    assert_eq!(
        text.lines().nth(line - 1).unwrap(),
        "rule = \"exponential\""
    );

    let text = base.replacen("no_data = \"exclude\"", "no_data = \"maybe\"", 1);
    let (line, message) = error(&text);
    assert!(
        message.contains("unknown no_data policy 'maybe'"),
        "{message}"
    );
    assert_eq!(text.lines().nth(line - 1).unwrap(), "no_data = \"maybe\"");

    let text = base.replacen("rule = \"linear\"", "rule = \"threshold\"", 1);
    assert!(error(&text).1.contains("needs a threshold"));

    let text = base.replacen("group = \"1\"", "group = \"9\"", 1);
    assert!(error(&text).1.contains("unknown group '9'"));

    let (line, message) = error("id = \"x\"\nname = 3\n");
    assert_eq!(line, 2, "{message}");
}

#[test]
fn shipped_versions_follow_methodology_md() {
    let set = MethodologySet::builtin();
    for id in ["766-2023", "766-2026"] {
        let m = set.get(id).unwrap();
        let maxima: Vec<f64> = m.groups.iter().map(|g| g.max).collect();
        assert_eq!(maxima, [18.0, 20.0, 12.0, 10.0, 18.0, 22.0], "{id}");
    }
    let m = set.get("766-2026").unwrap();
    assert_eq!(m.criteria.len(), 21);
    assert_eq!(m.criterion("6.7").unwrap().max, 2.0);
    assert_eq!(set.get("766-2023").unwrap().criteria.len(), 18);
}
