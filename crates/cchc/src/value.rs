//! What a unit enters in its forms: one [`Entry`] per indicator, with an
//! exact value (empty is not 0), a note, the breakdown by level of
//! government that replaces notes like "Cấp huyện: 72 Cấp xã: 40", the date
//! the figure stands at and where it came from. Plain data with serde, so a
//! store can keep every revision as it is.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chiso_core::records::UnitKind;
use chiso_core::time::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::catalogue::{Indicator, Kind};
use crate::decimal::{Decimal, NumberError};

/// An indicator of a catalogue: form (biểu mẫu) and code (STT), written `B7 6.2`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndicatorId {
    pub form: u8,
    pub code: String,
}

impl IndicatorId {
    pub fn new(form: u8, code: &str) -> IndicatorId {
        IndicatorId {
            form,
            code: code.to_string(),
        }
    }
}

impl fmt::Display for IndicatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "B{} {}", self.form, self.code)
    }
}

impl FromStr for IndicatorId {
    type Err = String;

    /// Parses `B7 6.2` (the `B` may be lower case).
    fn from_str(text: &str) -> Result<IndicatorId, String> {
        let bad = || {
            format!("'{text}' không phải mã chỉ tiêu (viết như 'B7 6.2': biểu mẫu, rồi số thứ tự)")
        };
        let mut parts = text.split_whitespace();
        let form = parts.next().ok_or_else(bad)?;
        let code = parts.next().ok_or_else(bad)?;
        if parts.next().is_some() {
            return Err(bad());
        }
        let form = form
            .strip_prefix(['B', 'b'])
            .and_then(|n| n.parse::<u8>().ok())
            .ok_or_else(bad)?;
        if !valid_code(code) {
            return Err(bad());
        }
        Ok(IndicatorId::new(form, code))
    }
}

/// `1`, `2.1`, `3.3.1`, `4.2.a`: numbers separated by dots, optionally ending
/// in one lower-case letter (a hidden row).
pub fn valid_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('.').collect();
    let Some((last, numbers)) = parts.split_last() else {
        return false;
    };
    let number = |p: &&str| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit());
    let letter = |p: &&str| p.len() == 1 && p.bytes().all(|b| b.is_ascii_lowercase());
    parts.len() <= 6
        && numbers.iter().all(number)
        && (number(last) || (!numbers.is_empty() && letter(last)))
}

impl Serialize for IndicatorId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IndicatorId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IndicatorId, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A level of government (cấp) whose figures a breakdown separates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Trung ương (ministries).
    Central,
    /// Cấp tỉnh: the province itself and its departments.
    Province,
    /// Cấp huyện.
    District,
    /// Cấp xã.
    Commune,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Central, Tier::Province, Tier::District, Tier::Commune];

    /// The level a unit of this kind reports for.
    pub fn of(kind: UnitKind) -> Tier {
        match kind {
            UnitKind::Ministry => Tier::Central,
            UnitKind::Province | UnitKind::Department | UnitKind::Other => Tier::Province,
            UnitKind::District => Tier::District,
            UnitKind::Commune => Tier::Commune,
        }
    }

    /// The levels whose figures a unit of this kind may include: a district
    /// reports for itself and its communes (biểu 7 mục 6).
    pub fn covered_by(kind: UnitKind) -> &'static [Tier] {
        match kind {
            UnitKind::Ministry => &[Tier::Central],
            UnitKind::Province => &[Tier::Province, Tier::District, Tier::Commune],
            UnitKind::Department | UnitKind::Other => &[Tier::Province],
            UnitKind::District => &[Tier::District, Tier::Commune],
            UnitKind::Commune => &[Tier::Commune],
        }
    }

    /// "Cấp huyện"; the province's own level is named by the caller
    /// ("Cấp tỉnh", or "Cấp thành phố" for a centrally-run city).
    pub fn label_vi(self, province: &str) -> String {
        match self {
            Tier::Central => "Trung ương".to_string(),
            Tier::Province => province.to_string(),
            Tier::District => "Cấp huyện".to_string(),
            Tier::Commune => "Cấp xã".to_string(),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Tier::Central => "central",
            Tier::Province => "province",
            Tier::District => "district",
            Tier::Commune => "commune",
        }
    }

    pub fn parse(text: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.code() == text.trim())
    }
}

/// Figures by level of government: `{district: 72, commune: 40}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Breakdown(pub BTreeMap<Tier, Decimal>);

impl Breakdown {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sum of the parts; `None` on overflow.
    pub fn total(&self) -> Option<Decimal> {
        Decimal::sum(self.0.values().copied())
    }

    /// Reads a note that only gives figures by level, as the seed's notes
    /// do: "Cấp thành phố: 34, cấp huyện: 10", "Cấp huyện: 72 Cấp xã: 40",
    /// "Cấp huyện: 64,6% Cấp xã: 96,3%". `None` for any other note.
    pub fn parse_note(note: &str) -> Option<Breakdown> {
        let lower = note.trim().to_lowercase();
        let mut chunks = lower.split("cấp");
        if !chunks.next()?.trim().is_empty() {
            return None;
        }
        let mut parts = BTreeMap::new();
        for chunk in chunks {
            let (name, number) = chunk.split_once(':')?;
            let tier = match name.trim() {
                "tỉnh" | "thành phố" => Tier::Province,
                "huyện" | "quận, huyện" => Tier::District,
                "xã" => Tier::Commune,
                _ => return None,
            };
            let number = number
                .trim()
                .trim_end_matches([',', ';', ' '])
                .trim_end_matches('%')
                .trim();
            let value = Decimal::parse_vi(number, false).ok()?;
            if parts.insert(tier, value).is_some() {
                return None;
            }
        }
        (!parts.is_empty()).then_some(Breakdown(parts))
    }

    /// "Cấp thành phố: 34, cấp huyện: 10" (the seed's form 6 style); rates
    /// get a `%` sign.
    pub fn note(&self, province: &str, percent: bool) -> String {
        self.0
            .iter()
            .enumerate()
            .map(|(i, (tier, v))| {
                let label = tier.label_vi(province);
                let label = if i == 0 { label } else { lower_first(&label) };
                format!("{label}: {}{}", v.vi(), if percent { "%" } else { "" })
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A value as entered. An empty cell is no value at all (`Entry::value = None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Number(Decimal),
    /// The code of a yes/no or a list answer (`Có = 1`).
    Code(i64),
    Text(String),
}

/// Where an entry came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Typed (or uploaded) by the unit.
    #[default]
    Typed,
    /// Filled by chiso from what it knows (its dossier data, the plan).
    Prefilled,
    /// Prefilled by chiso, then changed by the unit: the reason is required.
    Overridden {
        prefilled: Option<Decimal>,
        reason: String,
    },
    /// Added up from the children's approved figures.
    Aggregated,
}

/// One row of a form as a unit filled it. On a derived row (a rate or a
/// sum), the value is the figure as printed: it is only compared with the
/// computed one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Ghi chú.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "Breakdown::is_empty")]
    pub by_level: Breakdown,
    /// The day the figure stands at ("tính đến ngày"), when it is not the
    /// window's end.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::dates::opt_day"
    )]
    pub as_of: Option<Date>,
    #[serde(default)]
    pub origin: Origin,
}

impl Entry {
    pub fn number(value: Decimal) -> Entry {
        Entry {
            value: Some(Value::Number(value)),
            ..Entry::default()
        }
    }

    pub fn as_number(&self) -> Option<Decimal> {
        match self.value {
            Some(Value::Number(n)) => Some(n),
            _ => None,
        }
    }
}

/// Every entry of one submission (all forms of a catalogue), by indicator.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Values(pub BTreeMap<IndicatorId, Entry>);

impl Values {
    pub fn get(&self, id: &IndicatorId) -> Option<&Entry> {
        self.0.get(id)
    }

    pub fn number(&self, id: &IndicatorId) -> Option<Decimal> {
        self.get(id).and_then(Entry::as_number)
    }

    pub fn set(&mut self, id: IndicatorId, entry: Entry) {
        self.0.insert(id, entry);
    }
}

/// Why a printed cell could not be read as a value of its indicator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("{id}: {source}")]
    Number {
        id: IndicatorId,
        #[source]
        source: NumberError,
    },
    #[error("{id}: '{text}' không phải là một lựa chọn (chọn {choices})")]
    Choice {
        id: IndicatorId,
        text: String,
        choices: String,
    },
}

/// Reads a cell as printed or typed, the indicator's kind deciding the
/// reading: `86,643` is 86643 for a count of dossiers; `51,43` is 51,43 for
/// a percentage; `50%` is 50; `Có` or `1` is code 1. An empty cell (or `-`)
/// is `None`, never 0.
pub fn parse_cell(indicator: &Indicator, text: &str) -> Result<Option<Value>, ValueError> {
    let text = text.trim();
    if text.is_empty() || text == "-" || text == "–" {
        return Ok(None);
    }
    let number = |text: &str, whole: bool| {
        Decimal::parse_vi(text, whole)
            .map(|n| Some(Value::Number(n)))
            .map_err(|source| ValueError::Number {
                id: indicator.id.clone(),
                source,
            })
    };
    match &indicator.kind {
        Kind::Count | Kind::Sum(_) => number(text, true),
        Kind::Money | Kind::Heading => number(text, false),
        Kind::Percent | Kind::Rate { .. } => number(text.trim_end_matches('%').trim_end(), false),
        Kind::Bool(choices) | Kind::Enum(choices) => {
            let found = choices.iter().find(|c| {
                text.parse::<i64>() == Ok(c.code) || c.label.to_lowercase() == text.to_lowercase()
            });
            match found {
                Some(c) => Ok(Some(Value::Code(c.code))),
                None => Err(ValueError::Choice {
                    id: indicator.id.clone(),
                    text: text.to_string(),
                    choices: choices
                        .iter()
                        .map(|c| format!("{} = {}", c.label, c.code))
                        .collect::<Vec<_>>()
                        .join("; "),
                }),
            }
        }
        Kind::Text => Ok(Some(Value::Text(text.to_string()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse_canonical(text).unwrap()
    }

    #[test]
    fn indicator_ids_read_and_print() {
        let id: IndicatorId = "B7 6.2".parse().unwrap();
        assert_eq!(id, IndicatorId::new(7, "6.2"));
        assert_eq!(id.to_string(), "B7 6.2");
        assert_eq!("b1  4.2.a".parse::<IndicatorId>().unwrap().code, "4.2.a");
        for bad in [
            "7 6.2", "B7", "B7 6.2 x", "Bx 1", "B1 1..2", "B1 a", "B1 1.A", "B1 ",
        ] {
            assert!(bad.parse::<IndicatorId>().is_err(), "{bad}");
        }
        let json = serde_json::to_string(&IndicatorId::new(4, "1.5")).unwrap();
        assert_eq!(json, "\"B4 1.5\"");
    }

    #[test]
    fn notes_by_level_are_read_as_breakdowns() {
        let b = Breakdown::parse_note("Cấp huyện: 72 Cấp xã: 40").unwrap();
        assert_eq!(b.0[&Tier::District], d("72"));
        assert_eq!(b.0[&Tier::Commune], d("40"));
        assert_eq!(b.total(), Some(d("112")));
        let b = Breakdown::parse_note("Cấp thành phố: 34, cấp huyện: 10").unwrap();
        assert_eq!(
            b.note("Cấp thành phố", false),
            "Cấp thành phố: 34, cấp huyện: 10"
        );
        let b = Breakdown::parse_note("Cấp huyện: 64,6% Cấp xã: 96,3%").unwrap();
        assert_eq!(b.0[&Tier::District], d("64.6"));
        assert_eq!(b.note("Cấp tỉnh", true), "Cấp huyện: 64,6%, cấp xã: 96,3%");
        for other in [
            "Tiếp nhận",
            "UBND TP đang thực hiện thủ tục",
            "Cấp huyện: nhiều",
            "Cấp huyện: 1 Cấp huyện: 2",
            "Gồm cấp huyện: 3",
            "",
        ] {
            assert_eq!(Breakdown::parse_note(other), None, "{other}");
        }
    }

    #[test]
    fn entries_are_plain_data() {
        let mut values = Values::default();
        values.set(
            IndicatorId::new(7, "6.2.1"),
            Entry {
                value: Some(Value::Number(d("349"))),
                by_level: Breakdown::parse_note("Cấp huyện: 72 Cấp xã: 40").unwrap(),
                as_of: Date::parse("2024-05-15"),
                origin: Origin::Overridden {
                    prefilled: Some(d("351")),
                    reason: "Hai dịch vụ trùng mã".into(),
                },
                ..Entry::default()
            },
        );
        values.set(IndicatorId::new(1, "6"), Entry::default());
        let json = serde_json::to_string(&values).unwrap();
        assert!(json.contains("\"B7 6.2.1\""), "{json}");
        assert!(json.contains("\"as_of\":\"2024-05-15\""), "{json}");
        let back: Values = serde_json::from_str(&json).unwrap();
        assert_eq!(back, values);
        assert_eq!(back.get(&IndicatorId::new(1, "6")).unwrap().value, None);
    }
}
