//! `/methodology`: the version in force for the period (or the one asked
//! for with `version=`), its groups, criteria, weights, thresholds, targets
//! and sources, provisional weights marked; and the list of every version.

use axum::extract::State;
use axum::http::Uri;
use axum::response::Html;
use chiso_core::format;
use chiso_core::methodology::Methodology;

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
        .memo(key, move |ctx| render(ctx, &params).map(Memo::html))
        .await?)
}

fn render(ctx: &Ctx<'_>, params: &Params) -> Result<Html<String>, Error> {
    let inventory = ctx.inventory()?;
    let period = params.period(&inventory)?;
    let set = ctx.methodologies()?;
    let in_force = set.in_force(period.to);
    let m = match params.get("version") {
        Some(id) => set
            .get(id)
            .ok_or_else(|| Error::UnknownMethodology(id.to_string()))?,
        None => in_force.ok_or(Error::NoMethodology(period.to))?,
    };
    let query = pages::period_query(&period);
    let mut body = String::new();
    put!(
        &mut body,
        "<h1>Phương pháp tính: {}</h1><p class=\"sub\">Mã phiên bản <code>{}</code> · {} · {}</p>",
        esc(&m.name),
        esc(&m.id),
        validity(m),
        if in_force.is_some_and(|f| f.id == m.id) {
            format!("có hiệu lực cho kỳ {}", esc(&period.label_vi()))
        } else {
            format!(
                "không phải phiên bản áp dụng cho kỳ {}",
                esc(&period.label_vi())
            )
        }
    );
    body.push_str(
        &Selector {
            action: "/methodology".into(),
            period,
            inventory: &inventory,
            level: None,
            hidden: vec![],
        }
        .render(),
    );
    if !m.source.is_empty() {
        put!(
            &mut body,
            "<p class=\"source\"><strong>Nguồn:</strong> {}</p>",
            esc(&m.source)
        );
    }
    groups(&mut body, m);
    criteria(&mut body, m, period.to.year(), &query);
    body.push_str(
        "<section><h2>III. Các phiên bản bộ chỉ số</h2><table class=\"grid\"><thead><tr>\
         <th>Mã</th><th>Tên</th><th>Hiệu lực</th><th></th></tr></thead><tbody>",
    );
    for v in &set.versions {
        let current = if in_force.is_some_and(|f| f.id == v.id) {
            "<strong>áp dụng cho kỳ đang xem</strong>"
        } else {
            ""
        };
        put!(
            &mut body,
            "<tr><td><a href=\"/methodology?{query}&version={}\"><code>{}</code></a></td><td>{}\
             </td><td>{}</td><td>{current}</td></tr>",
            url_component(&v.id),
            esc(&v.id),
            esc(&v.name),
            validity(v)
        );
    }
    body.push_str(
        "</tbody></table><p class=\"note\">Kỳ báo cáo được chấm theo phiên bản có hiệu lực vào \
         ngày cuối kỳ. \
         Thêm phiên bản mới bằng lệnh <code>chiso methodology add TỆP.toml</code>, không cần sửa \
         chương trình.</p></section>",
    );
    Ok(pages::frame(
        &format!("Phương pháp tính {}", m.id),
        Nav::Methodology,
        Some(&inventory),
        &body,
    ))
}

fn validity(m: &Methodology) -> String {
    match (m.valid_from, m.valid_to) {
        (Some(f), Some(t)) => format!("hiệu lực từ {} đến {}", f.vn(), t.vn()),
        (Some(f), None) => format!("hiệu lực từ {}", f.vn()),
        (None, Some(t)) => format!("hiệu lực đến {}", t.vn()),
        (None, None) => "hiệu lực không giới hạn".into(),
    }
}

fn groups(body: &mut String, m: &Methodology) {
    body.push_str(
        "<section><h2>I. Nhóm chỉ số</h2><table class=\"grid\"><thead><tr><th>Nhóm</th><th>Tên \
         nhóm</th><th class=\"num\">Điểm tối đa</th>\
         <th>Chỉ số thành phần</th></tr></thead><tbody>",
    );
    for g in &m.groups {
        let ids: Vec<&str> = m
            .criteria
            .iter()
            .filter(|c| c.group == g.id)
            .map(|c| c.id.as_str())
            .collect();
        put!(
            body,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&g.id),
            esc(&g.name),
            html::max(g.max),
            esc(&ids.join(", "))
        );
    }
    put!(
        body,
        "<tr class=\"total-row\"><td></td><td>Tổng</td><td class=\"num\">{}</td><td></td>\
         </tr></tbody></table></section>",
        html::max(m.total)
    );
}

fn criteria(body: &mut String, m: &Methodology, year: i32, query: &str) {
    body.push_str(
        "<section><h2>II. Chỉ số thành phần</h2><div class=\"scroll\"><table class=\"grid \
         method\"><thead><tr><th>Mã</th><th>Chỉ số</th>\
         <th>Tử số / mẫu số</th><th class=\"num\">Điểm tối đa</th><th>Cách tính điểm</th><th>Khi \
         không có dữ liệu</th><th>Cấp tính</th>\
         <th>Chỉ tiêu</th><th>Nguồn</th></tr></thead><tbody>",
    );
    for c in &m.criteria {
        let rule = c.rule.describe(year);
        let no_data = c.no_data.label_vi();
        let levels = if c.levels.is_empty() {
            "mọi cấp".to_string()
        } else {
            let names: Vec<&str> = c.levels.iter().map(|l| l.label_vi()).collect();
            format!("{} (cấp dưới dùng kết quả này)", names.join(", "))
        };
        let goals: Vec<String> = c
            .goals
            .iter()
            .map(|(y, g)| format!("{y}: {}%", format::decimal(g * 100.0, 0)))
            .collect();
        let class = if c.provisional {
            " class=\"provisional\""
        } else {
            ""
        };
        put!(
            body,
            "<tr{class}><td>{}</td><td><a href=\"/criteria/{}?{query}\">{}</a>{}{}</td><td><div>{}\
             </div><div class=\"over\">{}</div></td>\
             <td class=\"num\">{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td \
             class=\"small\">{}</td></tr>",
            esc(&c.id),
            url_component(&c.id),
            esc(&c.name),
            c.code
                .as_deref()
                .map(|code| format!("<div class=\"small\"><code>{}</code></div>", esc(code)))
                .unwrap_or_default(),
            if c.name_en.is_empty() {
                String::new()
            } else {
                format!("<div class=\"small en\">{}</div>", esc(&c.name_en))
            },
            esc(&pages::expr_text(&c.numerator)),
            esc(&pages::expr_text(&c.denominator)),
            html::max(c.max),
            if c.provisional {
                format!(" {}", pages::provisional_badge("tạm tính"))
            } else {
                String::new()
            },
            esc(&rule),
            no_data,
            esc(&levels),
            esc(&goals.join("; ")),
            esc(&c.source)
        );
    }
    body.push_str(
        "</tbody></table></div><p class=\"note\"><span class=\"badge provisional\">tạm tính\
         </span> trọng số hoặc quy tắc chưa có trong văn bản công khai nào: \
         giá trị mặc định có ghi nguồn, người dùng có thể thay bằng tệp phương pháp tính khác. \
         Chỉ tiêu (Nghị quyết 02/NQ-CP…) \
         chỉ dùng để cảnh báo \"chưa đạt chỉ tiêu\", không làm thay đổi điểm.</p></section>",
    );
}
