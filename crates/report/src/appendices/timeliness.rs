//! Timeliness and online dossiers per unit (S001 Appendix IV): dossiers
//! handled, overdue, the on-time ratio and the online ratio, best first.

use chiso_core::measures::Measure;
use chiso_core::scoring::UnitScore;

use super::{col, hc, measure, measure_ratio, percent, Context};
use crate::model::{Align, Block, Cell, Orientation, Part, PartKind, Row, Table};

fn on_time(u: &UnitScore) -> Option<f64> {
    measure_ratio(u, Measure::TimelinessOnTime, Measure::TimelinessTotal)
}

fn online(u: &UnitScore) -> Option<f64> {
    measure_ratio(u, Measure::DossiersOnline, Measure::DossiersReceived)
}

/// Higher on-time ratio first, units without dossiers last.
fn by_on_time(a: &UnitScore, b: &UnitScore) -> std::cmp::Ordering {
    let key = |u: &UnitScore| on_time(u).map_or(f64::INFINITY, |r| -r);
    key(a).total_cmp(&key(b)).then_with(|| a.name.cmp(&b.name))
}

pub(crate) fn part(ctx: &Context, title: String) -> Part {
    let columns = vec![
        col(5.0, Align::Center),
        col(36.0, Align::Left),
        col(11.0, Align::Center),
        col(11.0, Align::Center),
        col(11.0, Align::Center),
        col(11.0, Align::Center),
        col(11.0, Align::Center),
        col(11.0, Align::Center),
    ];
    let header = vec![
        hc(0, 0, 2, 1, "STT"),
        hc(0, 1, 2, 1, "Tên đơn vị"),
        hc(0, 2, 1, 3, "Tiến độ giải quyết"),
        hc(
            1,
            2,
            1,
            1,
            format!("Hồ sơ tiếp nhận, xử lý {}", ctx.within()),
        ),
        hc(1, 3, 1, 1, "Hồ sơ xử lý quá hạn (1)"),
        hc(1, 4, 1, 1, "Tỷ lệ hồ sơ đúng hạn, trước hạn (%)"),
        hc(0, 5, 1, 3, "Hồ sơ trực tuyến"),
        hc(1, 5, 1, 1, format!("Hồ sơ tiếp nhận {}", ctx.within())),
        hc(1, 6, 1, 1, "Hồ sơ nộp trực tuyến (2)"),
        hc(1, 7, 1, 1, "Tỷ lệ hồ sơ nộp trực tuyến (%)"),
    ];
    let cells = |number: Cell, u: &UnitScore| {
        vec![
            number,
            Cell::Text(u.name.clone()),
            measure(u, Measure::TimelinessTotal),
            measure(u, Measure::TimelinessLate),
            percent(on_time(u)),
            measure(u, Measure::DossiersReceived),
            measure(u, Measure::DossiersOnline),
            percent(online(u)),
        ]
    };
    let mut rows = Vec::new();
    if let Some(s) = ctx.scope_score {
        rows.push(Row::Summary(cells(Cell::Empty, s)));
    }
    let sections = ctx.sections(by_on_time);
    for s in &sections {
        if sections.len() > 1 {
            rows.push(Row::Section(s.title.clone()));
        }
        for (i, u) in s.units.iter().enumerate() {
            rows.push(Row::Data(cells(Cell::Integer(i as i64 + 1), u)));
        }
    }
    let mut notes = vec![
        "Ghi chú:".to_string(),
        format!(
            "(1) Bao gồm hồ sơ giải quyết trễ hơn ngày hẹn trả kết quả (hoặc thời hạn giải quyết theo quy định), hồ sơ yêu cầu bổ sung quá một lần, hồ sơ thiếu tên cán bộ, công chức thụ lý, và hồ sơ đang giải quyết đã quá hạn tính đến {}.",
            match ctx.as_of {
                Some(t) => t.vn(),
                None => format!("hết ngày {}", ctx.period.to.vn()),
            }
        ),
        "(2) Hồ sơ nộp trực tuyến; với TTHC có kết quả là giấy tờ, chỉ tính hồ sơ được cấp kết quả điện tử.".to_string(),
    ];
    notes.extend(ctx.common_notes(true));
    let heading = format!(
        "Kết quả xử lý hồ sơ thủ tục hành chính {}",
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
        kind: PartKind::Timeliness,
        name: title,
        orientation: Orientation::Landscape,
        blocks,
    }
}
