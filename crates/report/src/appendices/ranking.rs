//! Ranking of units by total (S001 Appendix II), with the previous period's
//! total and rank and the change, in sections by kind.

use chiso_core::format;

use super::{by_rank, col, hc, points, Context};
use crate::model::{Align, Block, Cell, Orientation, Part, PartKind, Row, Table};

pub(crate) fn part(ctx: &Context, title: String) -> Part {
    let previous = ctx.previous.period.label_vi();
    let columns = vec![
        col(5.0, Align::Center),
        col(40.0, Align::Left),
        col(10.0, Align::Center),
        col(9.0, Align::Center),
        col(10.0, Align::Center),
        col(9.0, Align::Center),
        col(10.0, Align::Center),
    ];
    let header = vec![
        hc(0, 0, 2, 1, "STT"),
        hc(0, 1, 2, 1, "Tên đơn vị"),
        hc(0, 2, 1, 2, ctx.period_label()),
        hc(
            1,
            2,
            1,
            1,
            format!("Tổng điểm (/{})", format::decimal(ctx.methodology.total, 0)),
        ),
        hc(1, 3, 1, 1, "Xếp hạng"),
        hc(0, 4, 1, 2, ctx.previous_label()),
        hc(1, 4, 1, 1, "Tổng điểm"),
        hc(1, 5, 1, 1, "Xếp hạng"),
        hc(0, 6, 2, 1, format!("Tăng (+), giảm (-) so với {previous}")),
    ];
    let sections = ctx.sections(by_rank);
    let mut rows = Vec::new();
    for s in &sections {
        if sections.len() > 1 {
            rows.push(Row::Section(format!(
                "{} ({} đơn vị)",
                s.title,
                s.units.len()
            )));
        }
        for (i, u) in s.units.iter().enumerate() {
            rows.push(Row::Data(vec![
                Cell::Integer(i as i64 + 1),
                Cell::Text(u.name.clone()),
                points(u.total),
                Cell::or_no_data(u.rank, |r| Cell::Integer(r as i64)),
                points(u.previous_total),
                Cell::or_no_data(u.previous_rank, |r| Cell::Integer(r as i64)),
                Cell::or_no_data(u.delta, Cell::Change),
            ]));
        }
    }
    let mut notes = vec![
        "Ghi chú:".to_string(),
        "- Xếp hạng giữa các đơn vị cùng loại, cùng đơn vị cấp trên, theo tổng điểm chưa làm tròn; các đơn vị bằng điểm có cùng thứ hạng.".to_string(),
    ];
    notes.extend(ctx.common_notes(true));
    let heading = format!(
        "Xếp hạng kết quả Bộ chỉ số phục vụ người dân, doanh nghiệp của các đơn vị {}",
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
        kind: PartKind::Ranking,
        name: title,
        orientation: Orientation::Portrait,
        blocks,
    }
}
