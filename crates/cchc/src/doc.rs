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
