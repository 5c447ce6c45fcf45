//! `/criteria/{id}`: every unit on one criterion, sorted by ratio, with one
//! chart per kind of unit (bars, or a distribution for a kind with many
//! units, the unit of `unit=` marked), e.g. "Tỷ lệ hồ sơ thanh toán trực
//! tuyến" for every commune.

use axum::extract::State;
use axum::http::Uri;
use axum::response::Html;
use chiso_core::format;
use chiso_core::methodology::Rule;
use chiso_core::records::UnitKind;
use chiso_core::scoring::{Basis, CriterionScore, UnitScore};

use crate::access::{self, Scope};
use crate::charts::{self, Bar, Marker};
use crate::error::{Error, PageError};
use crate::html::{self, esc, put, url_component};
use crate::pages::{self, Nav, Selector};
use crate::params::{Params, Segment};
use crate::state::{AppState, Ctx, Memo};

/// The most units of one kind drawn as bars; more are drawn as a distribution.
const MAX_BARS: usize = 40;

pub async fn page(
    State(state): State<AppState>,
    scope: Scope,
    uri: Uri,
    Segment(id): Segment,
    params: Params,
) -> Result<Memo, PageError> {
    let key = access::cache_key(&scope, &uri);
    Ok(state
        .memo(key, move |ctx| {
            render(ctx, &scope, &id, &params).map(Memo::html)
        })
        .await?)
}

fn render(ctx: &Ctx<'_>, scope: &Scope, id: &str, params: &Params) -> Result<Html<String>, Error> {
    let inventory = ctx.inventory()?;
    let period = ctx.period(scope, params)?;
    let level = params.level()?;
    let sheet = ctx.sheet(scope, &period)?;
    let set = ctx.methodologies()?;
    let m = set
        .get(&sheet.methodology)
        .ok_or_else(|| Error::UnknownMethodology(sheet.methodology.clone()))?;
    let c = m.criterion(id).ok_or_else(|| Error::UnknownCriterion {
        criterion: id.to_string(),
        methodology: m.id.clone(),
    })?;
    let group = m
        .groups
        .iter()
        .find(|g| g.id == c.group)
        .map_or("", |g| g.name.as_str());
    let year = period.to.year();
    let mut rows: Vec<(&UnitScore, &CriterionScore)> = access::visible(scope, &sheet)
        .filter(|u| level.keep(u))
        .filter_map(|u| u.criteria.iter().find(|s| s.id == c.id).map(|s| (u, s)))
        .collect();
    rows.sort_by(|(ua, a), (ub, b)| {
        let key = |s: &CriterionScore| s.ratio.unwrap_or(f64::NEG_INFINITY);
        key(b)
            .total_cmp(&key(a))
            .then_with(|| ua.name.cmp(&ub.name))
    });
    let query = pages::period_query(&period);
    let mut body = String::new();
    put!(
        &mut body,
        "<p class=\"crumbs\"><a href=\"/?{query}\">Bảng xếp hạng</a> › <a \
         href=\"/methodology?{query}\">Phương pháp tính</a> › Chỉ số {}</p>",
        esc(&c.id)
    );
    put!(
        &mut body,
        "<h1>Chỉ số {}: {}</h1><p class=\"sub\">Nhóm {}. {} · bộ chỉ số {} · kết quả {}{} · \
         điểm tối đa {}{}</p>",
        esc(&c.id),
        esc(&c.name),
        esc(&c.group),
        esc(group),
        esc(&m.id),
        esc(&period.label_vi()),
        format!(
            "{}{}",
            pages::partial_badge(sheet.as_of),
            pages::publication_badge(ctx, scope, &period)?
        ),
        html::max(c.max),
        if c.provisional {
            " <span class=\"badge provisional\">trọng số tạm tính</span>"
        } else {
            ""
        }
    );
    put!(
        &mut body,
        "<dl class=\"definition\"><dt>Tử số</dt><dd>{}</dd><dt>Mẫu số</dt><dd>{}</dd><dt>Cách \
         tính điểm</dt><dd>{}</dd></dl>",
        esc(&pages::expr_text(&c.numerator)),
        esc(&pages::expr_text(&c.denominator)),
        esc(&c.rule.describe(year))
    );
    let selector = Selector {
        action: format!("/criteria/{}", url_component(&c.id)),
        period,
        inventory: &inventory,
        level: Some((&level, &sheet)),
        hidden: vec![],
    };
    body.push_str(&selector.render());
    let mut markers = Vec::new();
    if !matches!(c.rule, Rule::Linear) {
        let t = c.rule.threshold(year);
        markers.push(Marker {
            at: t,
            label: format!("đủ điểm ≥ {}%", format::decimal(t * 100.0, 0)),
        });
    }
    if let Some((_, g)) = c.goals.range(..=year).next_back() {
        markers.push(Marker {
            at: *g,
            label: format!("chỉ tiêu {}%", format::decimal(g * 100.0, 0)),
        });
    }
    // One chart per kind of unit (levels are not compared with each other),
    // sorted by ratio; a kind with many units as a distribution, the unit
    // asked for (`unit=`, from its page) marked.
    let highlight = params.get("unit");
    let mut kinds: Vec<UnitKind> = Vec::new();
    for (u, _) in &rows {
        if !kinds.contains(&u.kind) {
            kinds.push(u.kind);
        }
    }
    kinds.sort();
    body.push_str("<section><h2>Tỷ lệ đạt của các đơn vị</h2>");
    if rows.is_empty() {
        body.push_str("<p class=\"empty\">Không có đơn vị nào trong cấp đã chọn.</p>");
    }
    for kind in kinds {
        let of_kind: Vec<&(&UnitScore, &CriterionScore)> =
            rows.iter().filter(|(u, _)| u.kind == kind).collect();
        let caption = format!(
            "{} ({} đơn vị) – {} – {}",
            kind.label_vi(),
            of_kind.len(),
            c.name,
            pages::period_label(&sheet)
        );
        put!(
            &mut body,
            "<h3>{} <span class=\"count\">({} đơn vị)</span></h3>",
            esc(kind.label_vi()),
            of_kind.len()
        );
        if of_kind.len() > MAX_BARS {
            let values: Vec<f64> = of_kind.iter().filter_map(|(_, s)| s.ratio).collect();
            let marked = of_kind
                .iter()
                .find(|(u, _)| Some(u.code.as_str()) == highlight)
                .and_then(|(u, s)| s.ratio.map(|r| (r, u.name.as_str())));
            body.push_str(&charts::distribution(
                &values,
                marked,
                &format!("Số đơn vị theo tỷ lệ đạt (mỗi cột 10%). {caption}"),
            ));
            continue;
        }
        let bars: Vec<Bar> = of_kind
            .iter()
            .map(|(u, s)| Bar {
                label: if Some(u.code.as_str()) == highlight {
                    format!("▶ {}", u.name)
                } else {
                    u.name.clone()
                },
                value: s.ratio.map(|r| r.min(1.0)),
                text: s
                    .ratio
                    .map_or("-".into(), |r| format!("{}%", format::percent(r))),
                achieved: html::achieved(s.points, s.max),
            })
            .collect();
        body.push_str(&charts::bars(&bars, &markers, &caption));
    }
    body.push_str(
        "</section><section><h2>Bảng chi tiết</h2><div class=\"scroll\"><table class=\"grid \
         sortable\"><thead><tr><th class=\"num\" data-sort=\"num\">STT</th>\
         <th data-sort=\"text\">Tên đơn vị</th><th data-sort=\"text\">Cấp</th><th class=\"num\" \
         data-sort=\"num\">Tử số</th>\
         <th class=\"num\" data-sort=\"num\">Mẫu số</th><th class=\"num\" data-sort=\"num\">Tỷ lệ \
         (%)</th><th class=\"num\" data-sort=\"num\">Điểm</th>\
         <th class=\"num\">Tối đa</th><th>Ghi chú</th></tr></thead><tbody>",
    );
    for (i, (u, s)) in rows.iter().enumerate() {
        let note = match &s.basis {
            Basis::Measured if s.goal_missed => {
                "<span class=\"missed\">chưa đạt chỉ tiêu</span>".to_string()
            }
            Basis::Measured => String::new(),
            Basis::NoData(_) => "không có dữ liệu".into(),
            Basis::Inherited(from) => format!(
                "lấy theo {}",
                esc(sheet.unit(from).map_or(from.as_str(), |p| p.name.as_str()))
            ),
        };
        put!(
            &mut body,
            "<tr><td class=\"num\" data-v=\"{}\">{}</td><td><a \
             href=\"/units/{}?{query}&criterion={}#giai-trinh\">{}</a></td><td>{}</td>\
             <td class=\"num\" data-v=\"{}\">{}</td><td class=\"num\" data-v=\"{}\">{}</td><td \
             class=\"num\" data-v=\"{}\">{}</td>\
             <td class=\"num {}\" data-v=\"{}\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            i + 1,
            i + 1,
            esc(&url_component(&u.code)),
            url_component(&c.id),
            esc(&u.name),
            esc(u.kind.label_vi()),
            s.numerator.map(|v| v.to_string()).unwrap_or_default(),
            html::integer(s.numerator),
            s.denominator.map(|v| v.to_string()).unwrap_or_default(),
            html::integer(s.denominator),
            html::sort_key(s.ratio),
            html::percent(s.ratio),
            html::level(html::achieved(s.points, s.max)),
            html::sort_key(s.points),
            html::points(s.points),
            html::max(s.max),
            note
        );
    }
    body.push_str("</tbody></table></div></section>");
    body.push_str(pages::legend());
    Ok(pages::frame(
        &format!("Chỉ số {} – {}", c.id, pages::period_label(&sheet)),
        Nav::Ranking,
        Some(&inventory),
        &body,
    ))
}
