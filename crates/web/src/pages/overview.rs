//! `/`: the ranking (Bảng xếp hạng) as in the seeds' appendices: one table
//! per unit kind and parent with STT, unit, total, each group's points, the
//! previous period, the change, the rank and its change, and the peers'
//! average; cells coloured by their share of full marks. On the nation's
//! data the first page is the national ranking (provinces among the 34,
//! ministries among ministries), each province linking to its own units'
//! ranking (`?parent=`), since thousands of units on one page help no one.

use axum::extract::State;
use axum::http::Uri;
use axum::response::Html;
use chiso_core::methodology::Methodology;
use chiso_core::period::NotJudgeable;
use chiso_core::records::UnitKind;
use chiso_core::storage::Inventory;

use crate::access::{self, Scope};
use crate::error::{Error, PageError};
use crate::html::{self, esc, put};
use crate::pages::{self, Nav, Selector};
use crate::params::Params;
use crate::ranking::{self, Section};
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

/// The first page of a database without records: where to get some.
fn no_data(inventory: &Inventory) -> Html<String> {
    pages::frame(
        "Bảng xếp hạng",
        Nav::Ranking,
        Some(inventory),
        "<h1>Chưa có dữ liệu để chấm điểm</h1><p>Cơ sở dữ liệu chưa có hồ sơ hay phản ánh, kiến \
         nghị nào. Tải các tệp của đơn vị lên ở mục <a href=\"/import\">Nhập dữ liệu</a> (danh \
         mục đơn vị, thủ tục, rồi hồ sơ), hoặc chạy <code>chiso demo</code> để xem một tỉnh \
         mẫu.</p>",
    )
}

/// The public's first page before any period was published.
fn nothing_published(inventory: &Inventory) -> Html<String> {
    pages::frame(
        "Bảng xếp hạng",
        Nav::Ranking,
        Some(inventory),
        "<h1>Chưa công bố kết quả kỳ nào</h1><p>Kết quả Bộ chỉ số được công khai sau khi Văn \
         phòng UBND tỉnh công bố (mục <a href=\"/publications\">Kết quả đã công bố</a>). Cán bộ \
         <a href=\"/signin\">đăng nhập</a> để xem số liệu tạm tính.</p>",
    )
}

fn render(ctx: &Ctx<'_>, scope: &Scope, params: &Params) -> Result<Html<String>, Error> {
    let inventory = ctx.inventory()?;
    let period = ctx.period(scope, params)?;
    let level = params.level()?;
    let sheet = match ctx.sheet(scope, &period) {
        Err(Error::NotJudgeable(NotJudgeable::NoData { .. })) => return Ok(no_data(&inventory)),
        Err(Error::NotPublished { latest: None, .. }) if inventory.dossiers == 0 => {
            return Ok(no_data(&inventory))
        }
        Err(Error::NotPublished { latest: None, .. }) => return Ok(nothing_published(&inventory)),
        sheet => sheet?,
    };
    let set = ctx.methodologies()?;
    let m = set
        .get(&sheet.methodology)
        .ok_or_else(|| Error::UnknownMethodology(sheet.methodology.clone()))?;
    let mut sections = ranking::sections(&sheet, scope, &level);
    // The nation's first page: the top units only, each linking down.
    let national =
        level.kind.is_none() && level.parent.is_none() && ranking::is_national(&sheet, scope);
    if national {
        sections.retain(|s| s.first().parent.is_none());
    }
    let mut body = String::new();
    put!(
        &mut body,
        "<h1>Kết quả Bộ chỉ số phục vụ người dân, doanh nghiệp {}{}</h1>\
         <p class=\"sub\">Bộ chỉ số <a href=\"/methodology?{}\">{}</a> · so sánh với {} · điểm \
         tối đa {}</p>",
        esc(&period.label_vi()),
        format!(
            "{}{}",
            pages::partial_badge(sheet.as_of),
            pages::publication_badge(ctx, scope, &period)?
        ),
        pages::period_query(&period),
        esc(&m.id),
        esc(&sheet.previous_period.label_vi()),
        html::max(m.total)
    );
    let selector = Selector {
        action: "/".into(),
        period,
        inventory: &inventory,
        level: Some((&level, &sheet)),
        hidden: vec![],
    };
    body.push_str(&selector.render());
    let level_query = match level.kind {
        Some(kind) => format!("&kind={}", kind.code()),
        None => String::new(),
    };
    body.push_str(&pages::reports::buttons(
        &pages::period_query(&period),
        &level_query,
    ));
    put!(
        &mut body,
        "<p class=\"noprint\"><a href=\"/reconcile?{}\">Đối chiếu với kết quả Cổng DVCQG công \
         bố</a>: điểm của Cổng bên cạnh điểm chiso, chênh lệch và nguyên nhân</p>",
        pages::period_query(&period)
    );
    body.push_str(
        "<div class=\"tools\"><input type=\"search\" id=\"unit-search\" placeholder=\"Tìm đơn vị \
         theo tên hoặc mã…\" aria-label=\"Tìm đơn vị\"></div>",
    );
    if sections.is_empty() {
        body.push_str(
            "<p class=\"empty\">Không có đơn vị nào được chấm điểm trong kỳ và cấp đã chọn.</p>",
        );
    }
    let query = pages::period_query(&period);
    if national {
        body.push_str(
            "<p class=\"note\">Xếp hạng toàn quốc: mỗi tỉnh, thành phố so với các tỉnh, thành \
             phố; mỗi bộ, ngành so với các bộ, ngành. Bấm \"Đơn vị trực thuộc\" để xem xếp hạng \
             các sở, ban, ngành và xã, phường của một tỉnh, thành phố.</p>",
        );
    }
    for (i, s) in sections.iter().enumerate() {
        section(&mut body, i + 1, s, m, &query, national);
    }
    body.push_str(pages::legend());
    body.push_str(
        "<p class=\"note\">Bấm vào tên cột để sắp xếp. Xếp hạng so với các đơn vị cùng cấp, cùng \
         trực thuộc; \
         \"-\": không có dữ liệu trong kỳ.</p>",
    );
    Ok(pages::frame(
        &format!("Bảng xếp hạng {}", pages::period_label(&sheet)),
        Nav::Ranking,
        Some(&inventory),
        &body,
    ))
}

/// One section; `national`: the nation's top units, titled as the national
/// ranking, their average the nation's, provinces linking to their units.
fn section(
    body: &mut String,
    number: usize,
    s: &Section<'_>,
    m: &Methodology,
    query: &str,
    national: bool,
) {
    let first = s.first();
    let under = s
        .parent_name
        .as_deref()
        .map(|p| format!(" thuộc {p}"))
        .unwrap_or_default();
    let title = if national {
        format!("Xếp hạng {}", first.kind.label_vi().to_lowercase())
    } else {
        first.kind.label_vi().to_string()
    };
    put!(
        body,
        "<section class=\"ranking\"><h2>{}. {}{} <span class=\"count\">({} đơn vị)</span></h2>",
        chiso_core::format::roman(number),
        esc(&title.to_uppercase()),
        esc(&under.to_uppercase()),
        s.units.len()
    );
    body.push_str("<div class=\"scroll\"><table class=\"grid rank sortable\"><thead><tr>");
    body.push_str(
        "<th class=\"num\" data-sort=\"num\">STT</th><th data-sort=\"text\">Tên đơn vị</th>",
    );
    put!(
        body,
        "<th class=\"num\" data-sort=\"num\">Tổng điểm<small>/{}</small></th>",
        html::max(m.total)
    );
    for g in &m.groups {
        put!(
            body,
            "<th class=\"num\" data-sort=\"num\" title=\"Nhóm {}: {}\">{}<small>/{}</small></th>",
            esc(&g.id),
            esc(&g.name),
            esc(&g.name),
            html::max(g.max)
        );
    }
    body.push_str(
        "<th class=\"num\" data-sort=\"num\">Kỳ trước</th><th class=\"num\" \
         data-sort=\"num\">Tăng, giảm</th>\
         <th class=\"num\" data-sort=\"num\">Xếp hạng</th><th class=\"num\" \
         data-sort=\"num\">Thay đổi hạng</th></tr></thead><tbody>",
    );
    for (i, u) in s.units.iter().enumerate() {
        put!(
            body,
            "<tr data-name=\"{} {}\" data-rank=\"{}\"><td class=\"num\" data-v=\"{}\">{}</td><td \
             class=\"unit\"><a href=\"/units/{}?{query}\">{}</a>",
            esc(&u.name.to_lowercase()),
            esc(&u.code.to_lowercase()),
            u.rank.map(|r| r.to_string()).unwrap_or_default(),
            i + 1,
            i + 1,
            esc(&html::url_component(&u.code)),
            esc(&u.name)
        );
        if national && u.kind == UnitKind::Province {
            put!(
                body,
                "<a class=\"children-link noprint\" href=\"/?{query}&parent={}\">Đơn vị trực thuộc</a>",
                esc(&html::url_component(&u.code))
            );
        }
        put!(
            body,
            "</td><td class=\"num total {}\" data-v=\"{}\">{}</td>",
            html::level(html::achieved(u.total, m.total)),
            html::sort_key(u.total),
            html::points(u.total)
        );
        for (mg, g) in m.groups.iter().zip(&u.groups) {
            put!(
                body,
                "<td class=\"num {}\" data-v=\"{}\">{}{}</td>",
                html::level(html::achieved(g.points, g.max)),
                html::sort_key(g.points),
                html::points(g.points),
                pages::group_max_mark(g.max, mg.max)
            );
        }
        let change = ranking::rank_change(u);
        put!(
            body,
            "<td class=\"num\" data-v=\"{}\">{}</td><td class=\"num\" data-v=\"{}\">{}</td><td \
             class=\"num\" data-v=\"{}\">{}</td><td class=\"num\" data-v=\"{}\">{}</td></tr>",
            html::sort_key(u.previous_total),
            html::points(u.previous_total),
            html::sort_key(u.delta),
            pages::change(u.delta),
            u.rank.map(|r| r.to_string()).unwrap_or_default(),
            u.rank
                .map_or("-".to_string(), |r| format!("{r}/{}", u.rank_of)),
            change.map(|c| c.to_string()).unwrap_or_default(),
            pages::rank_change(change)
        );
    }
    put!(
        body,
        "</tbody><tfoot><tr class=\"avg\"><td></td><td>{}</td>",
        if national {
            "Trung bình toàn quốc"
        } else {
            "Trung bình cùng cấp"
        }
    );
    put!(
        body,
        "<td class=\"num\">{}</td>",
        html::points(s.peers_average)
    );
    for avg in &s.group_averages {
        put!(body, "<td class=\"num\">{}</td>", html::points(*avg));
    }
    body.push_str("<td></td><td></td><td></td><td></td></tr></tfoot></table></div>");
    let reduced = s.units.iter().any(|u| {
        m.groups
            .iter()
            .zip(&u.groups)
            .any(|(mg, g)| pages::group_max_differs(g.max, mg.max))
    });
    if reduced {
        put!(
            body,
            "<p class=\"note\">{}</p>",
            esc(pages::GROUP_MAX_MEANING)
        );
    }
    body.push_str("</section>");
}
