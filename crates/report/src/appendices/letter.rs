//! The cover letter (công văn): header block, addressees, a body in
//! Vietnamese prose with the period's figures filled in (as S002 writes it:
//! the overall result and its change, the highest and lowest units, the
//! criteria where units fall furthest below full marks or a target) and the
//! signature block.

use chiso_core::format;
use chiso_core::measures::Measure;
use chiso_core::methodology::Criterion;
use chiso_core::period;
use chiso_core::records::UnitKind;
use chiso_core::scoring::{Basis, CriterionScore, UnitScore};

use super::{by_rank, group_ratio, lower_first, measure_ratio, Context, Section};
use crate::model::{Block, Letterhead, Orientation, Part, PartKind, Signature};

/// How many criteria the "results are low" sentence names.
const WEAK_CRITERIA: usize = 3;
/// How many units with the largest falls are named.
const FALLS: usize = 3;
/// Groups below this share of their maximum are called low.
const LOW_GROUP: f64 = 0.8;
/// Changes smaller than this (half of the last printed decimal) are no change.
const EPSILON: f64 = 0.005;

pub(crate) fn part(ctx: &Context, with_appendices: bool) -> Part {
    let l = &ctx.letter;
    let sections = ctx.sections(by_rank);
    let subject = l.subject.clone().unwrap_or_else(|| {
        format!(
            "công bố kết quả Bộ chỉ số phục vụ người dân, doanh nghiệp {}",
            ctx.period_name()
        )
    });
    let mut blocks = vec![
        Block::Letterhead(Letterhead {
            authority: l.authority.clone(),
            issuer: l.issuer.clone(),
            number: l.number_line(),
            subject: format!("V/v {}", subject.trim_start_matches("V/v ")),
            place_date: l.place_date(),
        }),
        Block::Addressees(
            l.addressees
                .clone()
                .unwrap_or_else(|| default_addressees(&sections)),
        ),
    ];
    blocks.extend(
        body(ctx, &sections, with_appendices)
            .into_iter()
            .map(Block::Paragraph),
    );
    blocks.push(Block::Signature(Signature {
        copies: l.copies.clone(),
        title: l.signer_title.clone(),
        signer: l.signer.clone(),
    }));
    Part {
        kind: PartKind::Letter,
        name: "Công văn".to_string(),
        orientation: Orientation::Portrait,
        blocks,
    }
}

/// The body's paragraphs.
pub(crate) fn body(ctx: &Context, sections: &[Section], with_appendices: bool) -> Vec<String> {
    let mut out = vec![
        "Căn cứ Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ phê duyệt Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian thực trên môi trường điện tử;".to_string(),
        format!(
            "Căn cứ kết quả đánh giá Bộ chỉ số phục vụ người dân, doanh nghiệp {}{}, {} công bố kết quả đạt được như sau:",
            ctx.period.label_vi(),
            match (ctx.as_of, ctx.data_date) {
                (Some(t), _) => format!(" ({})", period::partial_note(t)),
                (None, Some(d)) => format!(" (dữ liệu cập nhật đến ngày {})", d.vn()),
                (None, None) => String::new(),
            },
            ctx.letter.office
        ),
        overall(ctx),
    ];
    out.extend(sections.iter().map(|s| section(ctx, s)));
    out.extend(weak_areas(ctx));
    out.extend(missed_goals(ctx));
    let low_groups = low_groups(ctx);
    if !low_groups.is_empty() {
        out.push(format!(
            "Hiện nay, vẫn còn một số nhóm chỉ số đạt tỷ lệ thấp như: {}.",
            low_groups.join("; ")
        ));
    }
    if with_appendices {
        out.push("(Phụ lục chi tiết kèm theo)".to_string());
    }
    out.push(
        "Từ kết quả trên, để cải thiện điểm chỉ số trong thời gian tới, đề nghị Thủ trưởng các cơ quan, đơn vị quan tâm chỉ đạo khắc phục những tiêu chí đạt tỷ lệ thấp; thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành chính, tiếp nhận và giải quyết hồ sơ đúng hạn, tăng cường hướng dẫn người dân nộp hồ sơ và thanh toán phí, lệ phí trực tuyến, nâng cao chất lượng phục vụ người dân, doanh nghiệp./.".to_string(),
    );
    out
}

/// "tăng 0,90 điểm so với tháng 01/2023".
fn change(delta: f64, previous: &str) -> String {
    if delta >= EPSILON {
        format!("tăng {} điểm so với {previous}", format::points(delta))
    } else if delta <= -EPSILON {
        format!("giảm {} điểm so với {previous}", format::points(-delta))
    } else {
        format!("không thay đổi so với {previous}")
    }
}

/// Counts as offices write them: "02 đơn vị", "15 đơn vị".
fn count(n: usize) -> String {
    format!("{n:02}")
}

fn overall(ctx: &Context) -> String {
    let previous = ctx.previous.period.label_vi();
    match ctx.scope_score.and_then(|u| u.total.map(|t| (u, t))) {
        Some((u, total)) => {
            let mut text = format!(
                "Tổng số điểm của {} đạt: {}/{} điểm",
                u.name,
                format::points(total),
                format::decimal(ctx.methodology.total, 0)
            );
            if let Some(d) = u.delta {
                text.push_str(&format!(" ({})", change(d, &previous)));
            }
            if let (Some(rank), true) = (u.rank, u.rank_of > 1) {
                text.push_str(&format!(", xếp hạng {rank}/{}", u.rank_of));
            }
            text + "."
        }
        None => format!(
            "{} chưa có đủ dữ liệu để chấm điểm {}.",
            ctx.scope.name,
            ctx.period.label_vi()
        ),
    }
}

/// How a section's units are named in prose.
fn section_label(s: &Section) -> String {
    let kind = match s.kind {
        UnitKind::Department => "các sở, ban, ngành",
        UnitKind::District => "UBND cấp huyện",
        UnitKind::Commune => "UBND cấp xã",
        UnitKind::Province => "các tỉnh, thành phố",
        UnitKind::Ministry => "các bộ, ngành",
        UnitKind::Other => "các đơn vị khác",
    };
    match &s.parent {
        Some(p) => format!("{kind} thuộc {p}"),
        None => kind.to_string(),
    }
}

fn section(ctx: &Context, s: &Section) -> String {
    let label = section_label(s);
    let scored: Vec<(&UnitScore, f64)> = s
        .units
        .iter()
        .filter_map(|u| u.total.map(|t| (*u, t)))
        .collect();
    let (Some(best), Some(worst)) = (
        scored.iter().max_by(|a, b| a.1.total_cmp(&b.1)),
        scored.iter().min_by(|a, b| a.1.total_cmp(&b.1)),
    ) else {
        return format!("Đối với {label}: chưa có đơn vị nào có dữ liệu để chấm điểm.");
    };
    let previous = ctx.previous.period.label_vi();
    if scored.len() == 1 {
        let mut text = format!(
            "Đối với {label}: {} đạt {}/100 điểm",
            best.0.name,
            format::points(best.1)
        );
        if let Some(d) = best.0.delta {
            text.push_str(&format!(" ({})", change(d, &previous)));
        }
        return text + ".";
    }
    let average = scored.iter().map(|(_, t)| t).sum::<f64>() / scored.len() as f64;
    let mut text = format!(
        "Đối với {label} ({} đơn vị): điểm trung bình đạt {}/100 điểm (cao nhất là {} với {} điểm, thấp nhất là {} với {} điểm)",
        count(scored.len()),
        format::points(average),
        best.0.name,
        format::points(best.1),
        worst.0.name,
        format::points(worst.1)
    );
    let deltas: Vec<(&UnitScore, f64, f64)> = scored
        .iter()
        .filter_map(|(u, t)| u.delta.map(|d| (*u, *t, d)))
        .collect();
    if !deltas.is_empty() {
        let up = deltas.iter().filter(|d| d.2 >= EPSILON).count();
        let mut falls: Vec<_> = deltas.iter().filter(|d| d.2 <= -EPSILON).collect();
        falls.sort_by(|a, b| a.2.total_cmp(&b.2).then_with(|| a.0.name.cmp(&b.0.name)));
        let units = |n: usize, what: &str| match n {
            0 => format!("không có đơn vị {what}"),
            n => format!("có {} đơn vị {what}", count(n)),
        };
        text.push_str(&format!(
            ". So với {previous}, {}, {}",
            units(up, "tăng điểm"),
            units(falls.len(), "giảm điểm")
        ));
        if !falls.is_empty() {
            let named: Vec<String> = falls
                .iter()
                .take(FALLS)
                .map(|(u, t, d)| {
                    format!(
                        "{} đạt {} điểm, giảm {} điểm",
                        u.name,
                        format::points(*t),
                        format::points(-d)
                    )
                })
                .collect();
            let lead = if falls.len() > FALLS {
                "giảm nhiều nhất: "
            } else {
                ""
            };
            text.push_str(&format!(" ({lead}{})", named.join("; ")));
        }
    }
    text + "."
}

/// The units the analysis looks at: the listed units, or the scope alone.
fn analysed<'a>(ctx: &Context<'a>) -> Vec<&'a UnitScore> {
    if ctx.units.is_empty() {
        ctx.scope_score.into_iter().collect()
    } else {
        ctx.units.clone()
    }
}

/// Each unit's own (measured) score on a criterion.
fn measured<'a>(
    units: &[&'a UnitScore],
    c: &Criterion,
) -> Vec<(&'a UnitScore, &'a CriterionScore)> {
    units
        .iter()
        .filter_map(|u| {
            u.criteria
                .iter()
                .find(|s| {
                    s.id == c.id && s.basis == Basis::Measured && s.max > 0.0 && s.points.is_some()
                })
                .map(|s| (*u, s))
        })
        .collect()
}

fn attainment(s: &CriterionScore) -> f64 {
    s.points.unwrap_or(0.0) / s.max
}

/// "Một số lĩnh vực ở một số đơn vị đạt kết quả thấp như…": the criteria with
/// the lowest average share of full marks, each with its lowest unit.
fn weak_areas(ctx: &Context) -> Option<String> {
    let units = analysed(ctx);
    let mut weak: Vec<(f64, String)> = ctx
        .methodology
        .criteria
        .iter()
        .filter_map(|c| {
            let scores = measured(&units, c);
            let average =
                scores.iter().map(|(_, s)| attainment(s)).sum::<f64>() / scores.len().max(1) as f64;
            let (u, s) = scores.iter().min_by(|a, b| {
                attainment(a.1)
                    .total_cmp(&attainment(b.1))
                    .then_with(|| b.1.denominator.cmp(&a.1.denominator))
                    .then_with(|| a.0.name.cmp(&b.0.name))
            })?;
            if average >= 1.0 - 1e-9 {
                return None;
            }
            let detail = match (s.ratio, s.numerator, s.denominator) {
                (Some(r), Some(n), Some(d)) => {
                    format!(
                        "{} đạt {}%, {}/{}",
                        u.name,
                        format::percent(r),
                        format::integer(n),
                        format::integer(d)
                    )
                }
                _ => format!(
                    "{} đạt {}/{} điểm",
                    u.name,
                    format::points(s.points.unwrap_or(0.0)),
                    format::points(s.max)
                ),
            };
            Some((average, format!("{} ({detail})", lower_first(&c.name))))
        })
        .collect();
    weak.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut items: Vec<String> = weak
        .into_iter()
        .take(WEAK_CRITERIA)
        .map(|(_, t)| t)
        .collect();
    if let Some(u) = ctx.scope_score {
        let late = u.measures.get(Measure::TimelinessLate);
        if let (true, Some(share)) = (
            late > 0,
            measure_ratio(u, Measure::TimelinessLate, Measure::TimelinessTotal),
        ) {
            items.push(format!(
                "số hồ sơ giải quyết quá hạn còn nhiều ({} hồ sơ, chiếm {}% hồ sơ tiếp nhận, xử lý {})",
                format::integer(late),
                format::percent(share),
                ctx.within()
            ));
        }
    }
    (!items.is_empty()).then(|| {
        format!(
            "Một số lĩnh vực ở một số đơn vị đạt kết quả thấp như: {}.",
            items.join("; ")
        )
    })
}

/// Criteria with a government target for the year, and how many units missed it.
fn missed_goals(ctx: &Context) -> Option<String> {
    let units = analysed(ctx);
    let items: Vec<String> = ctx
        .methodology
        .criteria
        .iter()
        .filter_map(|c| {
            let scores = measured(&units, c);
            let goal = scores.iter().find_map(|(_, s)| s.goal)?;
            let missed = scores.iter().filter(|(_, s)| s.goal_missed).count();
            (missed > 0).then(|| {
                format!(
                    "{} (chỉ tiêu {}%): {}/{} đơn vị chưa đạt",
                    lower_first(&c.name),
                    format::decimal(goal * 100.0, 0),
                    count(missed),
                    count(scores.len())
                )
            })
        })
        .collect();
    (!items.is_empty()).then(|| {
        format!(
            "Về các chỉ tiêu được giao tại Nghị quyết số 02/NQ-CP của Chính phủ: {}.",
            items.join("; ")
        )
    })
}

/// The scope's groups below [`LOW_GROUP`] of their maximum, lowest first.
fn low_groups(ctx: &Context) -> Vec<String> {
    let Some(u) = ctx.scope_score else {
        return Vec::new();
    };
    let mut low: Vec<(f64, String)> = ctx
        .methodology
        .groups
        .iter()
        .filter_map(|g| {
            let r = u
                .groups
                .iter()
                .find(|x| x.id == g.id)
                .and_then(group_ratio)?;
            (r < LOW_GROUP).then(|| {
                (
                    r,
                    format!("{} ({}%)", lower_first(&g.name), format::percent(r)),
                )
            })
        })
        .collect();
    low.sort_by(|a, b| a.0.total_cmp(&b.0));
    low.into_iter().map(|(_, t)| t).collect()
}

/// Kính gửi: the kinds of units the report lists.
fn default_addressees(sections: &[Section]) -> Vec<String> {
    let mut kinds: Vec<UnitKind> = sections.iter().map(|s| s.kind).collect();
    kinds.dedup();
    let mut out: Vec<String> = kinds
        .iter()
        .map(|k| {
            match k {
                UnitKind::Department => "Các sở, ban, ngành tỉnh",
                UnitKind::District => "Ủy ban nhân dân các huyện, thị xã, thành phố",
                UnitKind::Commune => "Ủy ban nhân dân các xã, phường",
                UnitKind::Province => "Ủy ban nhân dân các tỉnh, thành phố",
                UnitKind::Ministry => "Các bộ, cơ quan ngang bộ",
                UnitKind::Other => "Các cơ quan, đơn vị liên quan",
            }
            .to_string()
        })
        .collect();
    if out.is_empty() {
        out.push("Các cơ quan, đơn vị liên quan".to_string());
    }
    let last = out.len() - 1;
    for (i, a) in out.iter_mut().enumerate() {
        a.push(if i == last { '.' } else { ';' });
    }
    out
}
