//! The yearly plan as a table (the template chiso generates, filled in a
//! spreadsheet): one row per task, its columns named in Vietnamese
//! ([`COLUMNS`], compared without case or accents). Lead and coordinating
//! agencies are separated by `;` or line breaks; each is a unit of the
//! catalogue when the caller's lookup finds one (by code or name), else kept
//! as printed ("Các sở, ban, ngành"). A row may carry the task's status as of
//! a day with its evidence; it is appended to the task's history when the
//! plan is imported. Every row below the header is read, skipped (blank) or
//! refused with its line.

use chiso_core::names::fold;
use chiso_core::time::Date;

use crate::catalogue::Area;
use crate::plan::{Party, Plan, Reported, StatusEntry, Task};
use crate::template::Problem;

/// The plan template's columns, in order.
pub const COLUMNS: [&str; 11] = [
    "STT",
    "Lĩnh vực",
    "Nhiệm vụ",
    "Sản phẩm",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian thực hiện",
    "Trạng thái",
    "Ngày cập nhật",
    "Văn bản",
    "Ghi chú",
];

/// Rows searched for the header.
const HEADER_SEARCH: usize = 40;

/// What reading a plan table gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadPlan {
    pub plan: Plan,
    pub problems: Vec<Problem>,
    pub read: usize,
    pub skipped: usize,
}

/// A status as typed: the Vietnamese label or its code.
pub fn parse_status(text: &str) -> Option<Reported> {
    let t = fold(text);
    Some(match t.as_str() {
        "done" | "da thuc hien" | "da hoan thanh" | "hoan thanh" => Reported::Done,
        "in progress" | "dang trien khai" | "dang trien khai thuc hien" | "dang thuc hien" => {
            Reported::InProgress
        }
        "not yet due" | "chua toi thoi gian thuc hien" | "chua den thoi gian thuc hien" => {
            Reported::NotYetDue
        }
        "cancelled" | "khong thuc hien" | "huy" => Reported::Cancelled,
        _ => return None,
    })
}

/// The label printed for a reported status.
pub fn status_label(status: Reported) -> &'static str {
    match status {
        Reported::Done => "Đã thực hiện",
        Reported::InProgress => "Đang triển khai thực hiện",
        Reported::NotYetDue => "Chưa tới thời gian thực hiện",
        Reported::Cancelled => "Không thực hiện",
    }
}

fn parties(text: &str, unit: &dyn Fn(&str) -> Option<String>) -> Vec<Party> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match unit(p) {
            Some(code) => Party::Unit { code },
            None => Party::Text {
                text: p.to_string(),
            },
        })
        .collect()
}

/// Reads a plan of `owner` for `year`. `unit` finds a unit's code from a
/// code or a name; `by` is who imports (the status entries' author).
pub fn read(
    owner: &str,
    year: i32,
    rows: &[(usize, Vec<String>)],
    unit: &dyn Fn(&str) -> Option<String>,
    by: &str,
) -> Result<ReadPlan, String> {
    let column = |header: &[String], name: &str| {
        let want = fold(name);
        header.iter().position(|h| fold(h) == want)
    };
    let Some((h, header)) = rows
        .iter()
        .take(HEADER_SEARCH)
        .enumerate()
        .find(|(_, (_, cells))| {
            column(cells, COLUMNS[2]).is_some() && column(cells, COLUMNS[0]).is_some()
        })
        .map(|(i, (_, cells))| (i, cells))
    else {
        return Err(format!(
            "không thấy dòng tiêu đề có cột '{}' và '{}' trong {HEADER_SEARCH} dòng đầu: dùng mẫu do chiso tạo (chiso plan template)",
            COLUMNS[0], COLUMNS[2]
        ));
    };
    let cols: Vec<Option<usize>> = COLUMNS.iter().map(|c| column(header, c)).collect();
    let mut out = ReadPlan {
        plan: Plan {
            owner: owner.to_string(),
            year,
            document: None,
            tasks: Vec::new(),
        },
        problems: Vec::new(),
        read: 0,
        skipped: 0,
    };
    for (line, cells) in &rows[h + 1..] {
        out.read += 1;
        let line = *line;
        let cell = |i: usize| {
            cols[i]
                .and_then(|c| cells.get(c))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        let mut refuse = |message: String| out.problems.push(Problem { line, message });
        if cells.iter().all(|c| c.trim().is_empty()) {
            out.skipped += 1;
            continue;
        }
        let Ok(no) = cell(0).trim_end_matches('.').parse::<u32>() else {
            refuse(format!(
                "cột STT '{}' không phải số thứ tự nhiệm vụ",
                cell(0)
            ));
            continue;
        };
        let Some(area) = Area::parse(cell(1).trim_end_matches('.')) else {
            refuse(format!(
                "nhiệm vụ {no}: cột Lĩnh vực '{}' phải là I, II, III, IV, V, VI hoặc VII",
                cell(1)
            ));
            continue;
        };
        if cell(2).is_empty() {
            refuse(format!("nhiệm vụ {no}: cột Nhiệm vụ trống"));
            continue;
        }
        if out.plan.tasks.iter().any(|t| t.no == no) {
            refuse(format!("nhiệm vụ {no} có hai dòng: giữ một dòng"));
            continue;
        }
        let lead = parties(cell(4), unit);
        if lead.is_empty() {
            refuse(format!("nhiệm vụ {no}: cột Cơ quan chủ trì trống"));
            continue;
        }
        let mut history = Vec::new();
        if !cell(7).is_empty() {
            let Some(status) = parse_status(cell(7)) else {
                refuse(format!(
                    "nhiệm vụ {no}: trạng thái '{}' không rõ: dùng Đã thực hiện, Đang triển khai thực hiện, Chưa tới thời gian thực hiện hoặc Không thực hiện",
                    cell(7)
                ));
                continue;
            };
            let Some(as_of) = Date::parse(cell(8)) else {
                refuse(format!(
                    "nhiệm vụ {no}: có trạng thái thì phải có Ngày cập nhật (dd/mm/yyyy), '{}' không đọc được",
                    cell(8)
                ));
                continue;
            };
            if status == Reported::Cancelled && cell(10).is_empty() {
                refuse(format!(
                    "nhiệm vụ {no}: không thực hiện thì phải ghi lý do ở cột Ghi chú"
                ));
                continue;
            }
            history.push(StatusEntry {
                status,
                as_of,
                evidence: cell(9)
                    .split([';', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(crate::doc::from_number)
                    .collect(),
                note: cell(10).to_string(),
                by: by.to_string(),
            });
        }
        out.plan.tasks.push(Task {
            no,
            area,
            text: cell(2).to_string(),
            products: cell(3)
                .split([';', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            lead,
            coordinating: parties(cell(5), unit),
            deadline_text: cell(6).to_string(),
            history,
        });
    }
    out.plan.tasks.sort_by_key(|t| t.no);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> (usize, Vec<String>) {
        (line, cells.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn a_plan_table_is_read_with_units_and_statuses() {
        let lookup = |name: &str| (fold(name) == "so noi vu").then(|| "SNV".to_string());
        let rows = vec![
            row(1, &["KẾ HOẠCH CCHC NĂM 2024"]),
            row(2, &COLUMNS),
            row(
                3,
                &[
                    "1",
                    "I",
                    "Tham mưu Hội đồng…",
                    "Kế hoạch",
                    "Sở Nội vụ",
                    "Các sở, ban, ngành; Văn phòng UBND",
                    "Tháng 12/2023. Quý IV/2024",
                    "Đã thực hiện",
                    "23/01/2024",
                    "125/QĐ-UBND",
                    "",
                ],
            ),
            row(4, &["", "", "", "", "", "", "", "", "", "", ""]),
            row(
                5,
                &["2", "VIII", "x", "", "Sở Nội vụ", "", "", "", "", "", ""],
            ),
            row(
                6,
                &[
                    "3",
                    "II",
                    "x",
                    "",
                    "Sở Nội vụ",
                    "",
                    "Quý I/2024",
                    "huỷ",
                    "01/02/2024",
                    "",
                    "",
                ],
            ),
            row(
                7,
                &[
                    "4",
                    "II",
                    "x",
                    "",
                    "Sở Tư pháp",
                    "",
                    "Trong năm 2024",
                    "đang triển khai",
                    "",
                    "",
                    "",
                ],
            ),
        ];
        let r = read("92", 2024, &rows, &lookup, "snv").expect("read");
        assert_eq!(r.read, 5);
        assert_eq!(r.plan.tasks.len() + r.skipped + r.problems.len(), r.read);
        let t = &r.plan.tasks[0];
        assert_eq!(t.lead, vec![Party::Unit { code: "SNV".into() }]);
        assert_eq!(t.coordinating.len(), 2);
        assert_eq!(t.history[0].status, Reported::Done);
        assert_eq!(t.history[0].evidence[0].number, "125/QĐ-UBND");
        let lines: Vec<usize> = r.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [5, 6, 7], "{:?}", r.problems);
    }

    #[test]
    fn statuses_read_as_printed() {
        for s in [
            Reported::Done,
            Reported::InProgress,
            Reported::NotYetDue,
            Reported::Cancelled,
        ] {
            assert_eq!(parse_status(status_label(s)), Some(s));
        }
        assert_eq!(
            parse_status("Đang triển khai (thực hiện)"),
            Some(Reported::InProgress)
        );
    }
}
