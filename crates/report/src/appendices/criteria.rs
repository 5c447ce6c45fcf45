//! Per-unit results by group, the previous and the current period side by
//! side (S000's layout): one column pair per criterion group of the
//! methodology, then the total; "-" where a unit had no data.

use chiso_core::scoring::UnitScore;

use super::{by_code, col, group_ratio, hc, percent, points, Context};
use crate::model::{Align, Block, Cell, Orientation, Part, PartKind, Row, Table};

pub(crate) fn part(ctx: &Context, title: String) -> Part {
    let groups = &ctx.methodology.groups;
    let (previous, current) = (ctx.previous_label(), ctx.period_label());
    let mut columns = vec![col(5.0, Align::Center), col(22.0, Align::Left)];
    let mut header = vec![hc(0, 0, 2, 1, "STT"), hc(0, 1, 2, 1, "Tên đơn vị")];
    for (i, g) in groups.iter().enumerate() {
        let c = 2 + 2 * i;
        header.push(hc(0, c, 1, 2, format!("{} (%)", g.name)));
        header.push(hc(1, c, 1, 1, previous.clone()));
        header.push(hc(1, c + 1, 1, 1, current.clone()));
        columns.extend([col(7.0, Align::Center), col(7.0, Align::Center)]);
    }
    let c = 2 + 2 * groups.len();
    header.push(hc(
        0,
        c,
        1,
        2,
        format!(
            "Tổng điểm (/{})",
            chiso_core::format::decimal(ctx.methodology.total, 0)
        ),
    ));
    header.push(hc(1, c, 1, 1, previous));
    header.push(hc(1, c + 1, 1, 1, current));
    columns.extend([col(7.0, Align::Center), col(7.0, Align::Center)]);

    let sections = ctx.sections(by_code);
    let mut rows = Vec::new();
    for s in &sections {
        if sections.len() > 1 {
            rows.push(Row::Section(s.title.clone()));
        }
        for (i, u) in s.units.iter().enumerate() {
            rows.push(Row::Data(unit_cells(ctx, i + 1, u)));
        }
    }
    let mut notes = vec![
        "Ghi chú:".to_string(),
        "- Tỷ lệ (%) của nhóm chỉ số = điểm đạt / điểm tối đa của nhóm; \"-\": đơn vị không có dữ liệu trong kỳ."
            .to_string(),
    ];
    notes.extend(ctx.common_notes(true));

    let heading = format!(
        "Kết quả các nhóm chỉ số trong Bộ chỉ số phục vụ người dân, doanh nghiệp {} và {}",
        ctx.previous.period.label_vi(),
        ctx.period_name()
    );
    let mut blocks = ctx.appendix_heading(title.clone(), &heading);
    blocks.push(Block::Table(Table {
        columns,
        header,
        header_rows: 2,
        rows,
    }));
    blocks.push(Block::Notes(notes));
    Part {
        kind: PartKind::Criteria,
        name: title,
        orientation: Orientation::Landscape,
        blocks,
    }
}

fn unit_cells(ctx: &Context, number: usize, u: &UnitScore) -> Vec<Cell> {
    let before = ctx.previous_of(&u.code);
    let mut cells = vec![Cell::Integer(number as i64), Cell::Text(u.name.clone())];
    for g in &ctx.methodology.groups {
        let previous = before
            .and_then(|b| b.groups.iter().find(|x| x.id == g.id))
            .and_then(group_ratio);
        let current = u.groups.iter().find(|x| x.id == g.id).and_then(group_ratio);
        cells.push(percent(previous));
        cells.push(percent(current));
    }
    cells.push(points(before.and_then(|b| b.total)));
    cells.push(points(u.total));
    cells
}
