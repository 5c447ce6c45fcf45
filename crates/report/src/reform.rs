//! The administrative-reform (CCHC) report's appendices in seed 004's layout
//! (Cần Thơ 137/BC-UBND), and the fill-in template of a unit's forms, as
//! report models the renderers lay out like any other part:
//!
//! - Phụ lục I, the year's plan: STT (area), Nội dung CCHC, Nhiệm vụ cụ
//!   thể, Sản phẩm, Cơ quan chủ trì, Cơ quan phối hợp, Thời gian thực hiện,
//!   Kết quả thực hiện, headed by "Kết quả đạt x/y nhiệm vụ, đạt z%";
//! - Phụ lục II, biểu mẫu 1–7: STT, Chỉ tiêu thống kê, Kết quả thống kê
//!   (Đơn vị tính, Số liệu), Ghi chú;
//! - the template a unit fills ([`template`]), with the columns
//!   `chiso_cchc::template::COLUMNS` reads back.
//!
//! Every figure comes computed from `chiso-cchc` (the plan's progress and
//! completion, the forms' printed tables): nothing is computed here.

use chiso_cchc::catalogue::{Area, Catalogue};
use chiso_cchc::plan::{Party, Plan, Progress};
use chiso_cchc::table::FormTable;
use chiso_cchc::template::COLUMNS;
use chiso_core::time::Date;

use crate::model::{
    Align, Block, Cell, Column, HeaderCell, Orientation, Part, PartKind, Report, Row, Table,
};

/// What the appendices' headings say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heading {
    /// "THÀNH PHỐ CẦN THƠ" (upper case is applied).
    pub owner: String,
    /// "06 THÁNG ĐẦU NĂM 2024".
    pub period: String,
    /// "(Kèm theo Báo cáo số 137/BC-UBND ngày 10 tháng 6 năm 2024 của …)", if known.
    pub attribution: Option<String>,
}

fn col(width: f32, align: Align) -> Column {
    Column { width, align }
}

fn hc(row: usize, col: usize, rows: usize, cols: usize, text: &str) -> HeaderCell {
    HeaderCell {
        row,
        col,
        rows,
        cols,
        text: text.to_string(),
    }
}

fn text(s: impl Into<String>) -> Cell {
    let s = s.into();
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

fn heading_blocks(title: &str, name: &str, h: &Heading) -> Vec<Block> {
    let mut blocks = vec![
        Block::Title(title.to_string()),
        Block::Heading(format!("{name} {}", h.owner.to_uppercase())),
    ];
    if !h.period.is_empty() {
        blocks.push(Block::Heading(h.period.to_uppercase()));
    }
    if let Some(a) = &h.attribution {
        blocks.push(Block::Attribution(a.clone()));
    }
    blocks
}

/// "Sở Nội vụ; Các sở, ban, ngành": units by name, groups as printed.
fn parties(list: &[Party], name: &dyn Fn(&str) -> String) -> String {
    list.iter()
        .map(|p| match p {
            Party::Unit { code } => name(code),
            Party::Text { text } => text.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Phụ lục I: the plan's tasks grouped by area with their result on `day`.
/// `name` gives a unit's name from its code.
pub fn plan_part(plan: &Plan, day: Date, name: &dyn Fn(&str) -> String, h: &Heading) -> Part {
    let columns = vec![
        col(5.0, Align::Center),
        col(16.0, Align::Left),
        col(34.0, Align::Left),
        col(20.0, Align::Left),
        col(14.0, Align::Left),
        col(18.0, Align::Left),
        col(14.0, Align::Left),
        col(30.0, Align::Left),
    ];
    let labels = [
        "STT",
        "Nội dung CCHC",
        "Nhiệm vụ cụ thể",
        "Sản phẩm",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thời gian thực hiện",
        "Kết quả thực hiện",
    ];
    let header = labels
        .iter()
        .enumerate()
        .map(|(i, t)| hc(0, i, 1, 1, t))
        .collect();
    let mut rows = Vec::new();
    for area in Area::ALL {
        for (i, t) in plan.tasks_in(area).enumerate() {
            let progress = t.progress(day, plan.year);
            let mut result = format!("* {}", progress.label_vi());
            let reported = t.reported_on(day);
            if let (Progress::Overdue, Some(r)) = (&progress, reported) {
                result += &format!(
                    " (báo cáo ngày {}: {})",
                    r.as_of.vn(),
                    chiso_cchc::plan_file::status_label(r.status)
                );
            }
            if let Some(r) = reported {
                for e in &r.evidence {
                    result += &format!(" - {}", e.cite());
                }
                if !r.note.is_empty() {
                    result += &format!(" - {}", r.note);
                }
            }
            let first = i == 0;
            rows.push(Row::Data(vec![
                text(if first { area.roman() } else { "" }),
                text(if first { area.label_vi() } else { "" }),
                text(format!("{}. {}", t.no, t.text)),
                text(
                    t.products
                        .iter()
                        .map(|p| format!("- {p}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                text(parties(&t.lead, name)),
                text(parties(&t.coordinating, name)),
                text(t.deadline_text.clone()),
                text(result),
            ]));
        }
    }
    let mut blocks = heading_blocks(
        "Phụ lục I",
        "KẾT QUẢ TRIỂN KHAI KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH",
        h,
    );
    blocks.push(Block::Paragraph(plan.completion(day).summary_vi()));
    blocks.push(Block::Table(Table {
        columns,
        header,
        header_rows: 1,
        rows,
    }));
    Part {
        kind: PartKind::ReformPlan,
        name: "Phụ lục I".into(),
        orientation: Orientation::Landscape,
        blocks,
    }
}

fn form_header() -> (Vec<Column>, Vec<HeaderCell>) {
    (
        vec![
            col(7.0, Align::Left),
            col(52.0, Align::Left),
            col(14.0, Align::Center),
            col(12.0, Align::Right),
            col(24.0, Align::Left),
        ],
        vec![
            hc(0, 0, 2, 1, "STT"),
            hc(
                0,
                1,
                2,
                1,
                "Chỉ tiêu thống kê (Sử dụng trong kỳ báo cáo hàng quý, 6 tháng, năm)",
            ),
            hc(0, 2, 1, 2, "Kết quả thống kê"),
            hc(1, 2, 1, 1, "Đơn vị tính"),
            hc(1, 3, 1, 1, "Số liệu"),
            hc(0, 4, 2, 1, "Ghi chú"),
        ],
    )
}

/// Phụ lục II: each form's caption, title and table, as printed.
pub fn forms_part(tables: &[FormTable], h: &Heading) -> Part {
    let mut blocks = heading_blocks(
        "Phụ lục II",
        "BIỂU MẪU THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH ĐỊNH KỲ",
        h,
    );
    for t in tables {
        blocks.push(Block::Heading(t.caption.clone()));
        blocks.push(Block::Heading(t.title.clone()));
        let (columns, header) = form_header();
        let rows = t
            .rows
            .iter()
            .map(|r| {
                let cells = vec![
                    text(r.stt.clone()),
                    text(r.label.clone()),
                    text(r.unit.clone()),
                    text(r.value.clone()),
                    text(r.note.clone()),
                ];
                if r.heading {
                    Row::Summary(cells)
                } else {
                    Row::Data(cells)
                }
            })
            .collect();
        blocks.push(Block::Table(Table {
            columns,
            header,
            header_rows: 2,
            rows,
        }));
    }
    Part {
        kind: PartKind::ReformForms,
        name: "Phụ lục II".into(),
        orientation: Orientation::Portrait,
        blocks,
    }
}

/// The template a unit fills for a period: every row it reports, with the
/// figures chiso already has (`tables`, resolved from what it knows), the
/// code column it is read back by, and derived rows marked as computed.
pub fn template(
    catalogue: &Catalogue,
    tables: &[FormTable],
    h: &Heading,
    period_code: &str,
) -> Report {
    let columns = vec![
        col(9.0, Align::Left),
        col(7.0, Align::Left),
        col(52.0, Align::Left),
        col(14.0, Align::Center),
        col(12.0, Align::Right),
        col(24.0, Align::Left),
        col(24.0, Align::Left),
        col(24.0, Align::Left),
    ];
    let header = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, t)| hc(0, i, 1, 1, t))
        .collect();
    let mut rows = Vec::new();
    for t in tables {
        rows.push(Row::Section(format!("{}. {}", t.caption, t.title)));
        for r in &t.rows {
            let derived = catalogue
                .indicator(&r.id)
                .is_some_and(|i| i.kind.is_derived());
            let (value, note) = if derived {
                (String::new(), "chiso tự tính".to_string())
            } else {
                (r.value.clone(), r.note.clone())
            };
            rows.push(Row::Data(vec![
                text(r.id.to_string()),
                text(r.stt.clone()),
                text(r.label.clone()),
                text(r.unit.clone()),
                text(value),
                text(note),
                Cell::Empty,
                Cell::Empty,
            ]));
        }
    }
    let mut blocks = vec![
        Block::Title("BIỂU MẪU THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH".into()),
        Block::Heading(format!("{} — {}", h.owner, h.period)),
        Block::Paragraph(format!(
            "Điền cột 'Số liệu' (để trống khi không có số liệu, không ghi 0), ghi chú nếu cần; giải trình ở cột 'Giải trình' các cảnh báo khi nhập. Số liệu chiso điền sẵn từ dữ liệu hồ sơ và kế hoạch: sửa thì ghi lý do ở cột '{}'. Không sửa cột '{}'. Dòng 'chiso tự tính' được tính từ các dòng thành phần.",
            COLUMNS[7], COLUMNS[0]
        )),
    ];
    blocks.push(Block::Table(Table {
        columns,
        header,
        header_rows: 1,
        rows,
    }));
    Report {
        title: format!("Biểu mẫu CCHC {} — {}", h.period, h.owner),
        period_code: period_code.to_string(),
        parts: vec![Part {
            kind: PartKind::FormsTemplate,
            name: "Biểu mẫu".into(),
            orientation: Orientation::Landscape,
            blocks,
        }],
    }
}

/// The figures the report's narrative quotes (`chiso_cchc::table::quotes`,
/// with the plan's completion first), ready to paste.
pub fn quotes_part(lines: &[String], h: &Heading) -> Part {
    let mut blocks = vec![
        Block::Title("Số liệu trích dẫn".into()),
        Block::Heading(format!("{} — {}", h.owner, h.period)),
    ];
    blocks.extend(lines.iter().map(|l| Block::Paragraph(format!("- {l}"))));
    Part {
        kind: PartKind::ReformForms,
        name: "Số liệu trích dẫn".into(),
        orientation: Orientation::Portrait,
        blocks,
    }
}

/// The CCHC report's appendices (plan and forms, whichever are given).
pub fn report(parts: Vec<Part>, h: &Heading, period_code: &str) -> Report {
    Report {
        title: format!("Báo cáo CCHC {} — {}", h.period, h.owner),
        period_code: period_code.to_string(),
        parts,
    }
}
