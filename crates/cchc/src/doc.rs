//! A reference to an official document (văn bản): the evidence behind a
//! task's status, a value, or a signed submission.

use chiso_core::time::Date;
use serde::{Deserialize, Serialize};

/// "Quyết định số 125/QĐ-UBND ngày 23/01/2024 của UBND thành phố".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocRef {
    /// Số ký hiệu: `125/QĐ-UBND`.
    pub number: String,
    /// Loại văn bản: Quyết định, Kế hoạch, Công văn, Báo cáo…
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::dates::opt_day"
    )]
    pub date: Option<Date>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issuer: String,
    /// Trích yếu.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

impl DocRef {
    /// "Quyết định số 125/QĐ-UBND ngày 23/01/2024".
    pub fn cite(&self) -> String {
        let mut out = if self.kind.is_empty() {
            format!("Văn bản số {}", self.number)
        } else {
            format!("{} số {}", self.kind, self.number)
        };
        if let Some(d) = self.date {
            out += &format!(" ngày {}", d.vn());
        }
        out
    }
}

/// The kind of a document read from its number's abbreviation
/// (`125/QĐ-UBND` is a Quyết định; `881/UBND-KSTT`, without one, a Công văn).
pub fn kind_of_number(number: &str) -> &'static str {
    let Some((_, sign)) = number.split_once('/') else {
        return "";
    };
    let head = sign.split('-').next().unwrap_or("");
    match head {
        "QĐ" => "Quyết định",
        "KH" => "Kế hoạch",
        "BC" => "Báo cáo",
        "TB" => "Thông báo",
        "CT" => "Chỉ thị",
        "NQ" => "Nghị quyết",
        "TTr" => "Tờ trình",
        "HD" => "Hướng dẫn",
        _ if sign.contains('-') => "Công văn",
        _ => "",
    }
}

/// A reference from its number alone, its kind read from the number.
pub fn from_number(number: &str) -> DocRef {
    DocRef {
        number: number.to_string(),
        kind: kind_of_number(number).to_string(),
        ..DocRef::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_read_from_numbers() {
        assert_eq!(
            from_number("125/QĐ-UBND").cite(),
            "Quyết định số 125/QĐ-UBND"
        );
        assert_eq!(kind_of_number("247/KH-UBND"), "Kế hoạch");
        assert_eq!(kind_of_number("881/UBND-KSTT"), "Công văn");
        assert_eq!(kind_of_number("125"), "");
    }
}
