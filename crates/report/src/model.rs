//! The report model: what every renderer lays out.
//!
//! A [`Report`] is a list of [`Part`]s (the cover letter, the appendices),
//! each a list of [`Block`]s. Every figure is already computed here, as a
//! typed [`Cell`]: renderers only choose fonts, widths and number formats, so
//! the Markdown, CSV, Excel, Word and PDF outputs always show the same figures.

use chiso_core::format;

/// Quốc hiệu (Decree 30/2020/NĐ-CP, Appendix I, item 1).
pub const NATIONAL_TITLE: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// Tiêu ngữ.
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// A whole report: the letter and its appendices.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Document title (file metadata, first heading of a lone appendix).
    pub title: String,
    /// Period code (`2024-03`), for file names.
    pub period_code: String,
    pub parts: Vec<Part>,
}

impl Report {
    /// A download name such as `chiso-bao-cao-2024-03.xlsx`.
    pub fn file_name(&self, extension: &str) -> String {
        let period: String = self
            .period_code
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("chiso-bao-cao-{period}.{extension}")
    }
}

/// Which part of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartKind {
    /// The cover letter (công văn) with its body filled in.
    Letter,
    /// Per-unit groups, two periods side by side (S000).
    Criteria,
    /// The province's components against its peers (S001 Appendix I).
    Components,
    /// Ranking of units (S001 Appendix II).
    Ranking,
    /// Electronic certification of copies per unit (S001 Appendix III).
    Certification,
    /// Per-unit monthly table with score and change (S002).
    Monthly,
    /// Timeliness and online dossiers (S001 Appendix IV).
    Timeliness,
    /// The CCHC plan's results (seed 004 Phụ lục I).
    ReformPlan,
    /// The CCHC statistical forms 1–7 (seed 004 Phụ lục II).
    ReformForms,
    /// A unit's fill-in template of forms 1–7.
    FormsTemplate,
}

impl PartKind {
    /// The appendices in the order they are attached.
    pub const APPENDICES: [PartKind; 6] = [
        PartKind::Criteria,
        PartKind::Components,
        PartKind::Ranking,
        PartKind::Monthly,
        PartKind::Timeliness,
        // Last, so that the appendices offices already cite keep their numbers.
        PartKind::Certification,
    ];
}

/// Page orientation of a part: wide tables go landscape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

/// One part: printed from a new page, one worksheet in Excel, one section in Word.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub kind: PartKind,
    /// Short name: the worksheet's name ("Phụ lục I", "Công văn").
    pub name: String,
    pub orientation: Orientation,
    pub blocks: Vec<Block>,
}

/// A piece of a part, in reading order.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// The letter's header block (authority, number, place and date, subject).
    Letterhead(Letterhead),
    /// "Phụ lục I": bold, centred.
    Title(String),
    /// The appendix's name: bold, centred, upper case.
    Heading(String),
    /// "(Kèm theo Công văn số … ngày … của …)": italic, centred.
    Attribution(String),
    /// "Kính gửi:" and the addressees.
    Addressees(Vec<String>),
    /// A body paragraph: justified, first line indented.
    Paragraph(String),
    Table(Table),
    /// "Ghi chú:" and its lines, under a table.
    Notes(Vec<String>),
    /// "Nơi nhận:" on the left, the signature on the right.
    Signature(Signature),
}

/// Header block of an official letter (Decree 30/2020/NĐ-CP, Appendix I).
#[derive(Clone, Debug, PartialEq)]
pub struct Letterhead {
    /// Cơ quan chủ quản ("UBND TỈNH SƠN THỦY"), may be empty.
    pub authority: String,
    /// Cơ quan ban hành ("VĂN PHÒNG").
    pub issuer: String,
    /// "Số: 4153/VPUB-KSTT".
    pub number: String,
    /// "V/v công bố kết quả …".
    pub subject: String,
    /// "Sơn Thủy, ngày 02 tháng 11 năm 2026".
    pub place_date: String,
}

/// The closing block of a letter.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// Nơi nhận.
    pub copies: Vec<String>,
    /// Quyền hạn, chức vụ ("KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG").
    pub title: Vec<String>,
    /// Người ký, may be empty (signed by hand).
    pub signer: String,
}

/// A table with a (possibly two-level) header.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    /// Header cells placed on a grid of `header_rows` rows.
    pub header: Vec<HeaderCell>,
    pub header_rows: usize,
    pub rows: Vec<Row>,
}

impl Table {
    /// The header cell that starts at `(row, col)`, if one does.
    pub fn header_at(&self, row: usize, col: usize) -> Option<&HeaderCell> {
        self.header.iter().find(|h| h.row == row && h.col == col)
    }

    /// Whether `(row, col)` of the header is covered by a cell starting elsewhere.
    pub fn header_covered(&self, row: usize, col: usize) -> bool {
        self.header.iter().any(|h| {
            (h.row..h.row + h.rows).contains(&row)
                && (h.col..h.col + h.cols).contains(&col)
                && (h.row, h.col) != (row, col)
        })
    }
}

/// A column: its relative width (about a character of body text per unit) and alignment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Column {
    pub width: f32,
    pub align: Align,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A header cell spanning `rows` × `cols` grid positions from `(row, col)`.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderCell {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
    pub text: String,
}

/// A body row.
#[derive(Clone, Debug, PartialEq)]
pub enum Row {
    /// A section heading across the whole table ("I. SỞ, BAN, NGÀNH").
    Section(String),
    /// One unit's (or criterion's) figures.
    Data(Vec<Cell>),
    /// A summary row in bold: a whole (the province) or a group of criteria.
    Summary(Vec<Cell>),
}

/// A typed table cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    /// A number shown with a fixed number of decimals (points).
    Decimal(f64, usize),
    /// A ratio, shown as a percentage with two decimals (`0.9148` → `91,48`).
    Percent(f64),
    /// A signed change with two decimals (`+ 1,70`, `- 8,54`).
    Change(f64),
    /// No data for the period: "-" (S000).
    NoData,
    Empty,
}

impl Cell {
    /// `Some(x)` as a cell made by `f`, `None` as [`Cell::NoData`].
    pub fn or_no_data<T>(value: Option<T>, f: impl FnOnce(T) -> Cell) -> Cell {
        value.map_or(Cell::NoData, f)
    }

    /// The cell as printed, Vietnamese convention (58,58; 1.502).
    pub fn display(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Integer(n) => format::integer(*n),
            Cell::Decimal(x, places) => format::decimal(*x, *places),
            Cell::Percent(r) => format::percent(*r),
            Cell::Change(x) => format::signed(*x),
            Cell::NoData => "-".to_string(),
            Cell::Empty => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_display_the_vietnamese_way() {
        assert_eq!(Cell::Integer(1502).display(), "1.502");
        assert_eq!(Cell::Decimal(58.5812, 2).display(), "58,58");
        assert_eq!(Cell::Percent(0.9148).display(), "91,48");
        assert_eq!(Cell::Change(-8.54).display(), "- 8,54");
        assert_eq!(Cell::NoData.display(), "-");
        assert_eq!(Cell::or_no_data(None::<i64>, Cell::Integer), Cell::NoData);
    }

    #[test]
    fn header_grid() {
        let t = Table {
            columns: vec![
                Column {
                    width: 1.0,
                    align: Align::Left
                };
                3
            ],
            header: vec![
                HeaderCell {
                    row: 0,
                    col: 0,
                    rows: 2,
                    cols: 1,
                    text: "STT".into(),
                },
                HeaderCell {
                    row: 0,
                    col: 1,
                    rows: 1,
                    cols: 2,
                    text: "Nhóm".into(),
                },
                HeaderCell {
                    row: 1,
                    col: 1,
                    rows: 1,
                    cols: 1,
                    text: "a".into(),
                },
                HeaderCell {
                    row: 1,
                    col: 2,
                    rows: 1,
                    cols: 1,
                    text: "b".into(),
                },
            ],
            header_rows: 2,
            rows: vec![],
        };
        assert!(t.header_covered(1, 0));
        assert!(t.header_covered(0, 2));
        assert!(!t.header_covered(1, 1));
        assert_eq!(t.header_at(1, 2).map(|h| h.text.as_str()), Some("b"));
    }
}
