//! What the letter says about itself: number, date, issuing office, place,
//! addressees, signature. Taken from command-line options and a small TOML
//! file; what neither gives is derived from the province's name or left as a
//! blank to fill in by hand ("Số: ……").
//!
//! ```toml
//! number = "4153/VPUB-KSTT"
//! date = "2026-11-02"
//! office = "Văn phòng UBND tỉnh Sơn Thủy"
//! place = "Sơn Thủy"
//! signer_title = ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]
//! signer = "Nguyễn Văn A"
//! ```

use chiso_core::time::Date;
use serde::Deserialize;

use crate::ReportError;

/// The letter's own particulars; `None` fields get defaults (see [`Letter::resolve`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LetterInfo {
    /// Số và ký hiệu: `4153/VPUB-KSTT`.
    pub number: Option<String>,
    /// Ngày ban hành.
    pub date: Option<Date>,
    /// The issuing office as named in the attribution line: "Văn phòng UBND tỉnh Sơn Thủy".
    pub office: Option<String>,
    /// Cơ quan chủ quản line of the header block; default from the office.
    pub authority: Option<String>,
    /// Cơ quan ban hành line of the header block; default from the office.
    pub issuer: Option<String>,
    /// Địa danh: "Sơn Thủy".
    pub place: Option<String>,
    /// Trích yếu, after "V/v".
    pub subject: Option<String>,
    /// Kính gửi.
    pub addressees: Option<Vec<String>>,
    /// Nơi nhận.
    pub copies: Option<Vec<String>>,
    /// Quyền hạn, chức vụ của người ký, one line each.
    pub signer_title: Option<Vec<String>>,
    pub signer: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    number: Option<String>,
    date: Option<toml::Value>,
    office: Option<String>,
    authority: Option<String>,
    issuer: Option<String>,
    place: Option<String>,
    subject: Option<String>,
    addressees: Option<Vec<String>>,
    copies: Option<Vec<String>>,
    signer_title: Option<Vec<String>>,
    signer: Option<String>,
}

/// Parses a date given as `2026-11-02` or `02/11/2026`.
pub fn parse_date(text: &str) -> Result<Date, ReportError> {
    Date::parse(text).ok_or_else(|| ReportError::Date(text.to_string()))
}

impl LetterInfo {
    /// Parses the text of a config file.
    pub fn from_toml(text: &str) -> Result<LetterInfo, ReportError> {
        let config = |message: String| ReportError::Config {
            path: String::new(),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| config(e.to_string()))?;
        let date = match raw.date {
            None => None,
            Some(toml::Value::String(s)) => Some(parse_date(&s)?),
            Some(toml::Value::Datetime(d)) => Some(parse_date(&d.to_string())?),
            Some(other) => {
                return Err(config(format!(
                    "date = {other}: dùng \"2026-11-02\" (expected a date)"
                )))
            }
        };
        Ok(LetterInfo {
            number: raw.number,
            date,
            office: raw.office,
            authority: raw.authority,
            issuer: raw.issuer,
            place: raw.place,
            subject: raw.subject,
            addressees: raw.addressees,
            copies: raw.copies,
            signer_title: raw.signer_title,
            signer: raw.signer,
        })
    }

    /// `self` with every field that `over` sets replaced (options over the file).
    pub fn overridden_by(self, over: LetterInfo) -> LetterInfo {
        LetterInfo {
            number: over.number.or(self.number),
            date: over.date.or(self.date),
            office: over.office.or(self.office),
            authority: over.authority.or(self.authority),
            issuer: over.issuer.or(self.issuer),
            place: over.place.or(self.place),
            subject: over.subject.or(self.subject),
            addressees: over.addressees.or(self.addressees),
            copies: over.copies.or(self.copies),
            signer_title: over.signer_title.or(self.signer_title),
            signer: over.signer.or(self.signer),
        }
    }
}

/// The particulars with defaults filled in, as the report prints them.
#[derive(Clone, Debug, PartialEq)]
pub struct Letter {
    pub number: Option<String>,
    pub date: Option<Date>,
    pub office: String,
    pub authority: String,
    pub issuer: String,
    pub place: String,
    pub subject: Option<String>,
    pub addressees: Option<Vec<String>>,
    pub copies: Vec<String>,
    pub signer_title: Vec<String>,
    pub signer: String,
}

/// Blank left for a figure written by hand.
const BLANK: &str = "……";

impl Letter {
    /// Fills in defaults from the name of the top unit ("UBND tỉnh Sơn Thủy").
    pub fn resolve(info: &LetterInfo, top_name: &str) -> Letter {
        let office = info
            .office
            .clone()
            .unwrap_or_else(|| format!("Văn phòng {top_name}"));
        // "Văn phòng UBND tỉnh X" prints as "UBND TỈNH X" over "VĂN PHÒNG".
        let (default_authority, default_issuer) = match strip_prefix_ci(&office, "Văn phòng ") {
            Some(rest) => (rest.to_uppercase(), "VĂN PHÒNG".to_string()),
            None => (String::new(), office.to_uppercase()),
        };
        let base = strip_prefix_ci(&office, "Văn phòng ").unwrap_or(top_name);
        let place = info.place.clone().unwrap_or_else(|| place_of(base));
        let head = if default_issuer == "VĂN PHÒNG" {
            "CHÁNH VĂN PHÒNG"
        } else {
            "THỦ TRƯỞNG CƠ QUAN"
        };
        Letter {
            number: info.number.clone(),
            date: info.date,
            authority: info.authority.clone().unwrap_or(default_authority),
            issuer: info.issuer.clone().unwrap_or(default_issuer),
            office,
            place,
            subject: info.subject.clone(),
            addressees: info.addressees.clone(),
            copies: info
                .copies
                .clone()
                .unwrap_or_else(|| vec!["Như trên;".into(), "Lưu: VT.".into()]),
            signer_title: info
                .signer_title
                .clone()
                .unwrap_or_else(|| vec![head.to_string()]),
            signer: info.signer.clone().unwrap_or_default(),
        }
    }

    /// "Số: 4153/VPUB-KSTT", or a blank to fill in.
    pub fn number_line(&self) -> String {
        format!("Số: {}", self.number.as_deref().unwrap_or(BLANK))
    }

    /// "Sơn Thủy, ngày 02 tháng 11 năm 2026" (Decree 30: day below 10 and
    /// months 1 and 2 with a leading zero), or blanks to fill in.
    pub fn place_date(&self) -> String {
        format!("{}, {}", self.place, self.long_date())
    }

    fn long_date(&self) -> String {
        match self.date {
            Some(d) => long_date(d),
            None => format!("ngày {BLANK} tháng {BLANK} năm {BLANK}"),
        }
    }

    /// "(Kèm theo Công văn số 4153/VPUB-KSTT ngày 02 tháng 11 năm 2026 của Văn phòng UBND tỉnh Sơn Thủy)".
    pub fn attribution(&self) -> String {
        format!(
            "(Kèm theo Công văn số {} {} của {})",
            self.number.as_deref().unwrap_or(BLANK),
            self.long_date(),
            self.office
        )
    }
}

/// "ngày 02 tháng 11 năm 2026"; "ngày 15 tháng 02 năm 2026".
pub fn long_date(d: Date) -> String {
    let (y, m, day) = d.ymd();
    let month = if m <= 2 {
        format!("{m:02}")
    } else {
        m.to_string()
    };
    format!("ngày {day:02} tháng {month} năm {y}")
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    (head.to_lowercase() == prefix.to_lowercase()).then(|| &text[prefix.len()..])
}

/// "UBND tỉnh Sơn Thủy" → "Sơn Thủy".
fn place_of(top_name: &str) -> String {
    const PREFIXES: &[&str] = &[
        "Ủy ban nhân dân tỉnh ",
        "Ủy ban nhân dân thành phố ",
        "UBND tỉnh ",
        "UBND thành phố ",
        "UBND TP. ",
        "Tỉnh ",
        "Thành phố ",
    ];
    PREFIXES
        .iter()
        .find_map(|p| strip_prefix_ci(top_name, p))
        .unwrap_or(top_name)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_from_the_province() {
        let l = Letter::resolve(&LetterInfo::default(), "UBND tỉnh Sơn Thủy");
        assert_eq!(l.office, "Văn phòng UBND tỉnh Sơn Thủy");
        assert_eq!(
            (l.authority.as_str(), l.issuer.as_str()),
            ("UBND TỈNH SƠN THỦY", "VĂN PHÒNG")
        );
        assert_eq!(l.place, "Sơn Thủy");
        assert_eq!(l.number_line(), "Số: ……");
        assert_eq!(l.place_date(), "Sơn Thủy, ngày …… tháng …… năm ……");
    }

    #[test]
    fn file_then_options() {
        let file = LetterInfo::from_toml(
            "number = \"1/VP\"\ndate = 2026-02-05\noffice = \"Văn phòng UBND tỉnh A\"\nsigner = \"Lê Văn B\"\n",
        )
        .unwrap();
        let info = file.overridden_by(LetterInfo {
            number: Some("4153/VPUB-KSTT".into()),
            ..LetterInfo::default()
        });
        let l = Letter::resolve(&info, "UBND tỉnh Sơn Thủy");
        assert_eq!(l.number_line(), "Số: 4153/VPUB-KSTT");
        assert_eq!(l.place_date(), "A, ngày 05 tháng 02 năm 2026");
        assert_eq!(
            l.attribution(),
            "(Kèm theo Công văn số 4153/VPUB-KSTT ngày 05 tháng 02 năm 2026 của Văn phòng UBND tỉnh A)"
        );
        assert_eq!(l.signer, "Lê Văn B");
        assert!(LetterInfo::from_toml("numbr = 1").is_err());
        assert!(LetterInfo::from_toml("date = \"31/02/2026\"").is_err());
    }

    #[test]
    fn decree_30_dates() {
        assert_eq!(
            long_date(Date::from_ymd(2023, 11, 2).unwrap()),
            "ngày 02 tháng 11 năm 2023"
        );
        assert_eq!(
            long_date(Date::from_ymd(2023, 3, 13).unwrap()),
            "ngày 13 tháng 3 năm 2023"
        );
    }
}
