//! Per-unit figures with the score and its change (S002's layout): code,
//! dossiers received, overdue, online ratio, satisfaction, digitisation,
//! electronic certification, online payments, total and change.

use chiso_core::format;
use chiso_core::measures::Measure;
use chiso_core::scoring::UnitScore;

use super::{by_code, col, group_ratio, hc, measure, measure_ratio, percent, points, Context};
use crate::model::{Align, Block, Cell, Orientation, Part, PartKind, Row, Table};

pub(crate) fn part(ctx: &Context, title: String) -> Part {
    let satisfaction = ctx.group_named("hài lòng");
    let columns = vec![
        col(5.0, Align::Center),
        col(22.0, Align::Left),
        col(15.0, Align::Center),
        col(9.0, Align::Center),
        col(9.0, Align::Center),
        col(9.0, Align::Center),
        col(8.0, Align::Center),
        col(9.0, Align::Center),
        col(10.0, Align::Center),
        col(10.0, Align::Center),
        col(9.0, Align::Center),
        col(8.0, Align::Center),
        col(8.0, Align::Center),
    ];
    let header = vec![
        hc(0, 0, 2, 1, "STT"),
        hc(0, 1, 2, 1, "Tên đơn vị"),
        hc(0, 2, 2, 1, "Mã định danh"),
        hc(
            0,
            3,
            2,
            1,
            format!("Tổng số hồ sơ tiếp nhận {}", ctx.within()),
        ),
        hc(0, 4, 2, 1, "Tổng số hồ sơ xử lý quá hạn"),
        hc(0, 5, 2, 1, "Tỷ lệ hồ sơ nộp trực tuyến (%)"),
        hc(
            0,
            6,
            2,
            1,
            format!(
                "{} (%)",
                satisfaction.map_or("Mức độ hài lòng", |g| g.name.as_str())
            ),
        ),
        hc(0, 7, 1, 3, "Kết quả số hóa hồ sơ"),
        hc(1, 7, 1, 1, "Tỷ lệ hồ sơ cấp kết quả điện tử (%)"),
        hc(
            1,
            8,
            1,
            1,
            "Tỷ lệ hồ sơ TTHC số hóa hồ sơ, kết quả giải quyết TTHC (%)",
        ),
        hc(
            1,
            9,
            1,
            1,
            "Số lượng hồ sơ cung cấp dịch vụ chứng thực điện tử bản sao từ bản chính",
        ),
        hc(0, 10, 2, 1, "Thanh toán trực tuyến (hồ sơ)"),
        hc(
            0,
            11,
            2,
            1,
            format!(
                "Điểm đánh giá (tổng điểm {})",
                format::decimal(ctx.methodology.total, 0)
            ),
        ),
        hc(
            0,
            12,
            2,
            1,
            format!("Điểm so với {}", ctx.previous.period.label_vi()),
        ),
    ];
    let cells = |number: Cell, u: &UnitScore| {
        let satisfaction = satisfaction
            .and_then(|g| u.groups.iter().find(|x| x.id == g.id))
            .and_then(group_ratio);
        vec![
            number,
            Cell::Text(u.name.clone()),
            Cell::Text(u.code.clone()),
            measure(u, Measure::DossiersReceived),
            measure(u, Measure::TimelinessLate),
            percent(measure_ratio(
                u,
                Measure::DossiersOnline,
                Measure::DossiersReceived,
            )),
            percent(satisfaction),
            percent(measure_ratio(
                u,
                Measure::DossiersEResult,
                Measure::DossiersPaperResult,
            )),
            percent(measure_ratio(
                u,
                Measure::DossiersDigitized,
                Measure::DossiersReceived,
            )),
            measure(u, Measure::ECertifiedCopies),
            measure(u, Measure::DossiersPaidOnline),
            points(u.total),
            Cell::or_no_data(u.delta, Cell::Change),
        ]
    };
    let mut rows = Vec::new();
    if let Some(s) = ctx.scope_score {
        rows.push(Row::Summary(cells(Cell::Empty, s)));
    }
    let sections = ctx.sections(by_code);
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
        "- Hồ sơ xử lý quá hạn: hồ sơ tiếp nhận hoặc đang xử lý trong kỳ đã quá hạn tính đến cuối kỳ.".to_string(),
        "- Tỷ lệ hồ sơ cấp kết quả điện tử tính trên hồ sơ của TTHC có kết quả là giấy tờ; tỷ lệ trực tuyến và số hóa tính trên hồ sơ tiếp nhận trong kỳ.".to_string(),
    ];
    if let Some(g) = satisfaction {
        notes.push(format!(
            "- {} (%) = điểm đạt / điểm tối đa của nhóm chỉ số.",
            g.name
        ));
    }
    notes.extend(ctx.common_notes(true));
    let heading = format!(
        "Một số tiêu chí thành phần trong Bộ chỉ số phục vụ người dân, doanh nghiệp của các đơn vị {}",
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
        kind: PartKind::Monthly,
        name: title,
        orientation: Orientation::Landscape,
        blocks,
    }
}
