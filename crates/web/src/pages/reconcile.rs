//! `/reconcile`: the national portal's published figures beside chiso's
//! (Đối chiếu với kết quả Cổng DVCQG công bố): per unit the totals and each
//! group's difference, largest first, then the largest differences in
//! detail with the criteria and records that explain them. The model is
//! `chiso_core::reconcile`, the same as `chiso reconcile`'s.

use axum::extract::State;
use axum::http::Uri;
use axum::response::Html;
use chiso_core::format;
use chiso_core::reconcile::{Reconciliation, UnitGap, PORTAL_TOTAL};
use chiso_core::storage::Storage;

use crate::access::{self, Scope};
use crate::error::{Error, PageError};
use crate::html::{self, esc, put, url_component};
use crate::pages::{self, Nav, Selector};
use crate::params::Params;
use crate::state::{AppState, Ctx, Memo};

pub async fn page(
    State(state): State<AppState>,
    scope: Scope,
    uri: Uri,
    params: Params,
) -> Result<Memo, PageError> {
    let key = access::cache_key(&scope, &uri);
    Ok(state
        .memo(key, move |ctx| render(ctx, &scope, &params).map(Memo::html))
        .await?)
}

/// A difference as offices print changes: "+ 1,35", "- 0,48", "0,00", or "-".
fn difference(d: Option<f64>) -> String {
    format::or_dash(d, format::signed)
}

fn render(ctx: &Ctx<'_>, scope: &Scope, params: &Params) -> Result<Html<String>, Error> {
    let inventory = ctx.inventory()?;
    let period = ctx.period(scope, params)?;
    let rec = crate::reconcile::reconciliation(ctx, scope, &period, params.get("unit"))?;
    let query = pages::period_query(&period);
    let mut body = String::new();
    put!(
        &mut body,
        "<p class=\"crumbs\"><a href=\"/?{query}\">Bảng xếp hạng</a> › Đối chiếu với Cổng \
         DVCQG</p><h1>Đối chiếu kết quả Cổng DVCQG công bố với chiso {}</h1>\
         <p class=\"sub\">Bộ chỉ số {} · chênh lệch = điểm chiso − điểm Cổng công bố · đơn vị \
         chênh lệch nhiều nhất trước</p>",
        esc(&period.label_vi()),
        esc(&rec.methodology)
    );
    let selector = Selector {
        action: "/reconcile".into(),
        period,
        inventory: &inventory,
        level: None,
        hidden: params
            .get("unit")
            .map(|u| vec![("unit", u.to_string())])
            .unwrap_or_default(),
    };
    body.push_str(&selector.render());
    if rec.units.is_empty() {
        put!(
            &mut body,
            "<p class=\"empty\">Chưa có kết quả Cổng DVCQG công bố cho {}: nhập câu trả lời của \
             dịch vụ <code>report_tinh_766_service</code> (JSON, CSV hoặc Excel) bằng lệnh \
             <code>chiso import published TỆP --period {}</code>.</p>",
            esc(&period.label_vi()),
            esc(&period.code())
        );
        let known = ctx.store().published_periods()?;
        if !known.is_empty() {
            body.push_str("<p>Các kỳ đã có kết quả công bố: ");
            for (i, code) in known.iter().enumerate() {
                if i > 0 {
                    body.push_str(", ");
                }
                put!(
                    &mut body,
                    "<a href=\"/reconcile?period={}\">{}</a>",
                    esc(&url_component(code)),
                    esc(code)
                );
            }
            body.push_str("</p>");
        }
    } else {
        summary(&mut body, &rec, &query);
        let examined: Vec<&UnitGap> = rec.units.iter().filter(|u| u.examined).collect();
        if !examined.is_empty() {
            body.push_str("<h2>Giải trình các chênh lệch lớn nhất</h2>");
        }
        for (n, u) in examined.into_iter().enumerate() {
            detail(&mut body, n + 1, u, &query);
        }
    }
    Ok(pages::frame(
        &format!("Đối chiếu với Cổng DVCQG {}", period.label_vi()),
        Nav::None,
        Some(&inventory),
        &body,
    ))
}

/// One row per unit: totals on both sides, each group's difference.
fn summary(body: &mut String, rec: &Reconciliation, query: &str) {
    body.push_str(
        "<div class=\"scroll\"><table class=\"grid sortable\"><thead><tr>\
         <th class=\"num\" data-sort=\"num\">STT</th><th data-sort=\"text\">Đơn vị</th>\
         <th class=\"num\" data-sort=\"num\">Tổng điểm Cổng</th>\
         <th class=\"num\" data-sort=\"num\">Tổng điểm chiso</th>\
         <th class=\"num\" data-sort=\"num\">Chênh lệch</th>",
    );
    if let Some(u) = rec.units.first() {
        for g in &u.groups {
            put!(
                body,
                "<th class=\"num\" data-sort=\"num\" title=\"Nhóm {}: {} (cột {} của Cổng)\">N{} \
                 {}<small>chênh lệch</small></th>",
                esc(&g.id),
                esc(&g.name),
                g.column,
                esc(&g.id),
                g.column
            );
        }
    }
    body.push_str("<th data-sort=\"text\">Lệch nhiều nhất</th></tr></thead><tbody>");
    for (i, u) in rec.units.iter().enumerate() {
        let name = if u.scored {
            format!(
                "<a href=\"/units/{}?{query}\">{}</a>",
                esc(&url_component(&u.code)),
                esc(&u.name)
            )
        } else {
            esc(&u.name).to_string()
        };
        put!(
            body,
            "<tr><td class=\"num\" data-v=\"{}\">{}</td><td class=\"unit\">{name} <span \
             class=\"note\">{}</span></td><td class=\"num\" data-v=\"{}\">{}</td><td class=\"num\" \
             data-v=\"{}\">{}</td><td class=\"num total\" data-v=\"{}\">{}</td>",
            i + 1,
            i + 1,
            esc(&u.code),
            html::sort_key(u.total.portal),
            html::points(u.total.portal),
            html::sort_key(u.total.chiso),
            html::points(u.total.chiso),
            html::sort_key(u.total.difference()),
            difference(u.total.difference())
        );
        for g in &u.groups {
            put!(
                body,
                "<td class=\"num\" data-v=\"{}\" title=\"Cổng {} · chiso {}\">{}</td>",
                html::sort_key(g.figure.difference()),
                html::points(g.figure.portal),
                html::points(g.figure.chiso),
                difference(g.figure.difference())
            );
        }
        put!(
            body,
            "<td>{}</td></tr>",
            u.largest_group()
                .map(|g| format!("N{} {}", esc(&g.id), esc(&g.name)))
                .unwrap_or_default()
        );
    }
    put!(
        body,
        "</tbody></table></div><p class=\"note\">Cột của Cổng: {}; {} là tổng điểm. Di chuột lên \
         một ô chênh lệch để xem điểm hai bên.</p>",
        rec.units
            .first()
            .map(|u| {
                u.groups
                    .iter()
                    .map(|g| format!("N{} = {} ({})", esc(&g.id), g.column, esc(&g.name)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        PORTAL_TOTAL
    );
}

/// One unit of the largest differences: its groups, notes, and the criteria
/// and records of its largest group difference.
fn detail(body: &mut String, n: usize, u: &UnitGap, query: &str) {
    let unit_href = format!("/units/{}?{query}", esc(&url_component(&u.code)));
    put!(
        body,
        "<section class=\"reconcile-unit\"><h3>{n}. <a href=\"{unit_href}\">{}</a> <span \
         class=\"note\">{}</span> — tổng điểm: Cổng {}, chiso {}, chênh lệch {}</h3>",
        esc(&u.name),
        esc(&u.code),
        html::points(u.total.portal),
        html::points(u.total.chiso),
        difference(u.total.difference())
    );
    body.push_str(
        "<table class=\"grid narrow\"><thead><tr><th>Nhóm</th><th>Cột</th><th \
         class=\"num\">Tối đa</th><th class=\"num\">Cổng</th><th class=\"num\">chiso</th><th \
         class=\"num\">Chênh lệch</th></tr></thead><tbody>",
    );
    for (i, g) in u.groups.iter().enumerate() {
        let class = if u.largest == Some(i) {
            " class=\"selected\""
        } else {
            ""
        };
        put!(
            body,
            "<tr{class}><td>N{} {}</td><td>{}</td><td class=\"num\">{}</td><td \
             class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&g.id),
            esc(&g.name),
            g.column,
            html::max(g.max),
            html::points(g.figure.portal),
            html::points(g.figure.chiso),
            difference(g.figure.difference())
        );
    }
    body.push_str("</tbody></table>");
    let notes = u.notes();
    if !notes.is_empty() {
        body.push_str("<ul class=\"notes\">");
        for note in notes {
            put!(body, "<li>Lưu ý: {}.</li>", esc(&note));
        }
        body.push_str("</ul>");
    }
    let Some(reading) = u.reading() else {
        body.push_str("</section>");
        return;
    };
    put!(
        body,
        "<p>Lệch nhiều nhất ở {}. Các chỉ số của nhóm theo chiso, mất nhiều điểm nhất trước:</p>",
        esc(&reading)
    );
    body.push_str(
        "<div class=\"scroll\"><table class=\"grid\"><thead><tr><th>Mã</th><th>Chỉ số</th><th \
         class=\"num\">Tử số</th><th class=\"num\">Mẫu số</th><th class=\"num\">Tỷ lệ %</th><th \
         class=\"num\">Điểm</th><th class=\"num\">Tối đa</th><th class=\"num\">Mất</th>\
         <th>Ghi chú</th><th class=\"noprint\">Giải trình</th></tr></thead><tbody>",
    );
    for c in &u.criteria {
        let link = if c.explained {
            format!(
                "<a href=\"{unit_href}&amp;criterion={}#giai-trinh\">{} không đạt</a>",
                esc(&url_component(&c.id)),
                format::integer(c.failed as i64)
            )
        } else {
            String::new()
        };
        put!(
            body,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td \
             class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td \
             class=\"num\">{}</td><td>{}</td><td class=\"noprint\">{link}</td></tr>",
            esc(&c.id),
            esc(&c.name),
            html::integer(c.numerator),
            html::integer(c.denominator),
            html::percent(c.ratio),
            html::points(c.points),
            html::max(c.max),
            format::points(c.lost),
            esc(c.note.as_deref().unwrap_or(""))
        );
    }
    body.push_str("</tbody></table></div>");
    for c in u.criteria.iter().filter(|c| !c.examples.is_empty()) {
        put!(
            body,
            "<p><strong>Chỉ số {}</strong>: {} bản ghi không đạt, ví dụ:</p><ul class=\"examples\">",
            esc(&c.id),
            format::integer(c.failed as i64)
        );
        for i in &c.examples {
            let when = match i.received_at {
                Some(t) => format!(" (tiếp nhận {})", t.date().vn()),
                None if !i.label.is_empty() => format!(" {}", i.label),
                None => String::new(),
            };
            put!(
                body,
                "<li><code>{}</code>{}: {}</li>",
                esc(&i.id),
                esc(&when),
                esc(i.reason.as_deref().unwrap_or("không đạt"))
            );
        }
        body.push_str("</ul>");
    }
    body.push_str("</section>");
}
