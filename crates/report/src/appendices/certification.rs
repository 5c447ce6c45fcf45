//! Electronic certification of copies from originals on the national portal
//! (S001 Appendix III, "Kết quả thực hiện chứng thực điện tử bản sao từ bản
//! chính"): per unit under the scope, the units with certification authority
//! that have completed electronic certified copies out of those with
//! authority ("37/37"), the dossiers completed, and the units not yet
//! deployed, with the seed's footnote on the 100% expectation.
//!
//! Units with authority: a district (huyện) and each of its communes; under
//! the two-tier government (communes directly under the province) each
//! commune alone. A unit has deployed when its own monthly counts show
//! electronic certified copies in the period (a district's own figure is its
//! subtree's less its communes'). Figures come from the monthly unit counts
//! (`Measure::ECertifiedCopies`), rolled up by the engine.

use chiso_core::measures::Measure;
use chiso_core::records::UnitKind;
use chiso_core::scoring::UnitScore;

use super::{col, hc, Context};
use crate::model::{Align, Block, Cell, Orientation, Part, PartKind, Row, Table};

/// One row's figures.
struct Certification {
    deployed: i64,
    authority: i64,
    completed: i64,
}

fn copies(u: &UnitScore) -> i64 {
    u.measures.get(Measure::ECertifiedCopies)
}

fn of(ctx: &Context, row: &UnitScore) -> Certification {
    let communes: Vec<&UnitScore> = ctx
        .sheet
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Commune && u.parent.as_deref() == Some(&row.code))
        .collect();
    let own = copies(row) - communes.iter().map(|c| copies(c)).sum::<i64>();
    let deployed = i64::from(own > 0) + communes.iter().filter(|c| copies(c) > 0).count() as i64;
    Certification {
        deployed,
        authority: 1 + communes.len() as i64,
        completed: copies(row),
    }
}

pub(crate) fn part(ctx: &Context, title: String) -> Part {
    let columns = vec![
        col(5.0, Align::Center),
        col(44.0, Align::Left),
        col(12.0, Align::Center),
        col(14.0, Align::Center),
        col(14.0, Align::Center),
    ];
    let header = vec![
        hc(0, 0, 1, 1, "STT"),
        hc(0, 1, 1, 1, "Đơn vị"),
        hc(0, 2, 1, 1, "Đã triển khai"),
        hc(0, 3, 1, 1, "Số lượng hồ sơ hoàn thành"),
        hc(0, 4, 1, 1, "Số đơn vị chưa triển khai ¹"),
    ];
    // Districts under the scope (three tiers), else its communes (two tiers).
    let under = |kind: UnitKind| -> Vec<&UnitScore> {
        ctx.sheet
            .units
            .iter()
            .filter(|u| u.kind == kind && u.parent.as_deref() == Some(&ctx.scope.code))
            .collect()
    };
    let mut units = under(UnitKind::District);
    let two_tier = units.is_empty();
    if two_tier {
        units = under(UnitKind::Commune);
    }
    units.sort_by(|a, b| a.code.cmp(&b.code));
    let cells = |number: Cell, name: String, c: &Certification| {
        vec![
            number,
            Cell::Text(name),
            Cell::Text(format!("{}/{}", c.deployed, c.authority)),
            Cell::Integer(c.completed),
            Cell::Integer(c.authority - c.deployed),
        ]
    };
    let figures: Vec<Certification> = units.iter().map(|u| of(ctx, u)).collect();
    let mut rows = Vec::new();
    for (i, (u, c)) in units.iter().zip(&figures).enumerate() {
        rows.push(Row::Data(cells(
            Cell::Integer(i as i64 + 1),
            u.name.clone(),
            c,
        )));
    }
    let who = if two_tier {
        "UBND các xã, phường"
    } else {
        "UBND các huyện, thị xã, thành phố"
    };
    let mut notes = vec![format!(
        "¹ {who} đảm bảo tỷ lệ các đơn vị có thẩm quyền giải quyết có phát sinh hồ sơ chứng thực bản sao điện tử từ bản chính đạt 100%."
    )];
    if !two_tier {
        notes.push(
            "Đơn vị có thẩm quyền: UBND cấp huyện và các xã, phường trực thuộc; đã triển khai: có hồ sơ chứng thực điện tử hoàn thành trong kỳ."
                .to_string(),
        );
    }
    notes.extend(ctx.common_notes(false));
    let heading = format!(
        "Kết quả thực hiện chứng thực điện tử bản sao từ bản chính trên Cổng Dịch vụ công quốc gia {}",
        ctx.period_name()
    );
    let mut blocks = ctx.appendix_heading(title.clone(), &heading);
    blocks.push(Block::Table(Table {
        columns,
        header,
        header_rows: 1,
        rows,
    }));
    blocks.push(Block::Notes(notes));
    Part {
        kind: PartKind::Certification,
        name: title,
        orientation: Orientation::Portrait,
        blocks,
    }
}
