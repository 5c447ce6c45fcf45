//! The scope unit's (the province's) components against its peers (S001
//! Appendix I): the total, every group and every criterion with its points,
//! maximum, ratio, counts, the previous period and the peers' average.

use chiso_core::format;
use chiso_core::scoring::{Basis, CriterionScore, UnitScore};

use super::{col, group_ratio, hc, percent, points, Context};
use crate::model::{Align, Block, Cell, Orientation, Part, PartKind, Row, Table};

pub(crate) fn part(ctx: &Context, title: String) -> Part {
    let heading = format!(
        "Kết quả Bộ chỉ số phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công của {} {}",
        ctx.scope.name,
        ctx.period_name()
    );
    let mut blocks = ctx.appendix_heading(title.clone(), &heading);
    match ctx.scope_score {
        Some(u) => {
            let peers = peers(ctx, u);
            blocks.push(Block::Table(table(ctx, u, &peers)));
            let mut notes = vec![
                "Ghi chú:".to_string(),
                "- Tỷ lệ đạt (%): với chỉ số tổng hợp và nhóm chỉ số là điểm đạt / điểm tối đa; với chỉ số thành phần là tử số / mẫu số."
                    .to_string(),
                if peers.len() > 1 {
                    format!(
                        "- Điểm trung bình của {} đơn vị cùng cấp (cùng loại, cùng đơn vị cấp trên) có điểm trong kỳ.",
                        peers.len()
                    )
                } else {
                    "- Không có đơn vị cùng cấp khác trong dữ liệu: không tính điểm trung bình.".to_string()
                },
            ];
            notes.extend(ctx.common_notes(false));
            blocks.push(Block::Notes(notes));
        }
        None => blocks.push(Block::Paragraph(format!(
            "{} không thuộc diện chấm điểm trong kỳ.",
            ctx.scope.name
        ))),
    }
    Part {
        kind: PartKind::Components,
        name: title,
        orientation: Orientation::Landscape,
        blocks,
    }
}

/// The scored units of the same kind under the same parent, the unit included.
fn peers<'a>(ctx: &Context<'a>, u: &UnitScore) -> Vec<&'a UnitScore> {
    ctx.sheet
        .units
        .iter()
        .filter(|p| p.kind == u.kind && p.parent == u.parent && p.total.is_some())
        .collect()
}

/// The peers' average of a figure; none when the unit has no other peer.
fn peers_average<'a>(
    peers: &[&'a UnitScore],
    figure: impl Fn(&'a UnitScore) -> Option<f64>,
) -> Option<f64> {
    if peers.len() < 2 {
        return None;
    }
    average(peers.iter().map(|p| figure(p)))
}

/// The mean of the values there are; `None` without values.
fn average(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = values.flatten().collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn table(ctx: &Context, u: &UnitScore, peers: &[&UnitScore]) -> Table {
    let m = ctx.methodology;
    let before = ctx.previous_of(&u.code);
    let columns = vec![
        col(5.0, Align::Center),
        col(38.0, Align::Left),
        col(8.0, Align::Center),
        col(8.0, Align::Center),
        col(8.0, Align::Center),
        col(9.0, Align::Center),
        col(9.0, Align::Center),
        col(9.0, Align::Center),
        col(10.0, Align::Center),
        col(22.0, Align::Left),
    ];
    let header = [
        "STT",
        "Nội dung",
        "Điểm đạt",
        "Điểm tối đa",
        "Tỷ lệ đạt (%)",
        "Tử số",
        "Mẫu số",
        &format!("Điểm {}", ctx.previous.period.label_vi()),
        "Điểm trung bình các đơn vị cùng cấp",
        "Ghi chú",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| hc(0, i, 1, 1, *t))
    .collect();

    let mut rows = Vec::new();
    let rank_note = match u.rank {
        Some(r) if u.rank_of > 1 => format!("Xếp hạng {r}/{}", u.rank_of),
        _ => String::new(),
    };
    rows.push(Row::Summary(vec![
        Cell::Text("I".into()),
        Cell::Text(format!("Chỉ số tổng hợp của {}", u.name)),
        points(u.total),
        Cell::Decimal(m.total, 0),
        percent(u.total.map(|t| t / m.total)),
        Cell::Empty,
        Cell::Empty,
        points(before.and_then(|b| b.total)),
        points(peers_average(peers, |p| p.total)),
        Cell::Text(rank_note),
    ]));
    rows.push(Row::Summary(vec![
        Cell::Text("II".into()),
        Cell::Text("Các chỉ số thành phần".into()),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ]));
    for g in &m.groups {
        let Some(gs) = u.groups.iter().find(|x| x.id == g.id) else {
            continue;
        };
        let excluded: Vec<&str> = m
            .criteria
            .iter()
            .zip(&u.criteria)
            .filter(|(c, s)| c.group == g.id && s.points.is_none())
            .map(|(c, _)| c.id.as_str())
            .collect();
        let note = if excluded.is_empty() {
            String::new()
        } else {
            format!(
                "Điểm tối đa giảm do không có dữ liệu: {}",
                excluded.join(", ")
            )
        };
        let peer_points = |p: &UnitScore| {
            p.groups
                .iter()
                .find(|x| x.id == g.id)
                .and_then(|x| x.points)
        };
        rows.push(Row::Summary(vec![
            Cell::Text(g.id.clone()),
            Cell::Text(g.name.clone()),
            points(gs.points),
            Cell::Decimal(gs.max, 2),
            percent(group_ratio(gs)),
            Cell::Empty,
            Cell::Empty,
            points(
                before
                    .and_then(|b| b.groups.iter().find(|x| x.id == g.id))
                    .and_then(|x| x.points),
            ),
            points(peers_average(peers, peer_points)),
            Cell::Text(note),
        ]));
        for (c, s) in m
            .criteria
            .iter()
            .zip(&u.criteria)
            .filter(|(c, _)| c.group == g.id)
        {
            let peer_points = |p: &UnitScore| {
                p.criteria
                    .iter()
                    .find(|x| x.id == c.id)
                    .and_then(|x| x.points)
            };
            rows.push(Row::Data(vec![
                Cell::Text(c.id.clone()),
                Cell::Text(c.name.clone()),
                points(s.points),
                Cell::Decimal(s.max, 2),
                percent(s.ratio),
                Cell::or_no_data(s.numerator, Cell::Integer),
                Cell::or_no_data(s.denominator, Cell::Integer),
                points(
                    before
                        .and_then(|b| b.criteria.iter().find(|x| x.id == c.id))
                        .and_then(|x| x.points),
                ),
                points(peers_average(peers, peer_points)),
                Cell::Text(criterion_note(ctx, s)),
            ]));
        }
    }
    Table {
        columns,
        header,
        header_rows: 1,
        rows,
    }
}

/// Why a criterion's figure reads as it does: no data, inherited, target missed.
fn criterion_note(ctx: &Context, s: &CriterionScore) -> String {
    let mut parts = Vec::new();
    match &s.basis {
        Basis::Measured => {}
        Basis::NoData(policy) => parts.push(capitalised(&policy.note_vi())),
        Basis::Inherited(code) => {
            let name = ctx
                .sheet
                .unit(code)
                .map_or(code.as_str(), |u| u.name.as_str());
            parts.push(format!("Lấy theo kết quả của {name}"));
        }
    }
    if s.threshold < 1.0 {
        parts.push(format!(
            "Đạt tối đa khi tỷ lệ ≥ {}%",
            format::decimal(s.threshold * 100.0, 0)
        ));
    }
    if let (true, Some(goal)) = (s.goal_missed, s.goal) {
        parts.push(format!(
            "Chưa đạt chỉ tiêu {}%",
            format::decimal(goal * 100.0, 0)
        ));
    }
    parts.join("; ")
}

/// A note as the first words of a table cell.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
