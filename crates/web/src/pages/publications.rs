//! `/publications`: the published periods and every version (public), and
//! for administrators the form that publishes a period or republishes it
//! with a reason. Publishing itself is `chiso_app::publication::publish`.

use std::collections::HashMap;

use axum::extract::{Form, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chiso_app::publication::Publisher;
use chiso_core::accounts::Action;
use chiso_core::period::Period;
use chiso_core::time::Instant;

use crate::access::{self, Caller};
use crate::error::{Error, PageError};
use crate::html::{esc, put};
use crate::pages::{self, Nav};
use crate::params::{default_period, Params};
use crate::state::{publish_error, AppState};

pub async fn page(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
) -> Result<Html<String>, PageError> {
    let can_publish = caller
        .principal
        .permits(Action::Publish, None, |_, _| false);
    let csrf = caller.csrf().to_string();
    let done = params.get("published").map(str::to_string);
    Ok(state
        .run(move |ctx| {
            let inventory = ctx.inventory()?;
            let stamps = ctx.stamps()?;
            let mut body = String::from("<h1>Kết quả đã công bố</h1>");
            body.push_str(
                "<p class=\"sub\">Mỗi lần công bố đóng băng bảng điểm của kỳ (bộ chỉ số, thời điểm \
                 số liệu, mã băm SHA-256): trang công khai, API công khai và báo cáo chính thức \
                 dùng bản công bố mới nhất; dữ liệu nhập sau không làm thay đổi bản đã công bố. \
                 Công bố lại tạo phiên bản mới, có lý do, và giữ mọi phiên bản cũ.</p>",
            );
            if let Some(code) = done {
                put!(
                    &mut body,
                    "<p class=\"notice\">Đã công bố kỳ {}.</p>",
                    esc(&code)
                );
            }
            if can_publish {
                let suggested = default_period(&inventory).code();
                put!(
                    &mut body,
                    "<form method=\"post\" action=\"/publications\" class=\"publish noprint\">\
                     <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
                     <label>Kỳ <input name=\"period\" value=\"{}\" required \
                     placeholder=\"2026-10, 2026-Q3…\"></label> \
                     <label>Lý do (bắt buộc khi công bố lại) <input name=\"reason\" size=\"40\" \
                     maxlength=\"1000\"></label> \
                     <button type=\"submit\">Công bố</button></form>",
                    esc(&csrf),
                    esc(&suggested)
                );
            }
            if stamps.is_empty() {
                body.push_str("<p class=\"empty\">Chưa công bố kỳ nào.</p>");
            } else {
                body.push_str(
                    "<div class=\"scroll\"><table class=\"grid\"><thead><tr><th>Kỳ</th><th>Phiên bản</th>\
                     <th>Ngày công bố</th><th>Người công bố</th><th>Bộ chỉ số</th>\
                     <th class=\"num\">Đơn vị</th><th>Số liệu đến</th><th>Lý do</th>\
                     <th>Mã băm SHA-256</th></tr></thead><tbody>",
                );
                for s in stamps.iter() {
                    let link = Period::parse(&s.period)
                        .map(|p| format!("<a href=\"/?{}\">{}</a>", pages::period_query(&p), esc(&p.label_vi())))
                        .unwrap_or_else(|_| esc(&s.period).to_string());
                    put!(
                        &mut body,
                        "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td>\
                         <td class=\"num\">{}</td><td>{}</td><td>{}</td><td><code title=\"{}\">{}…</code></td></tr>",
                        link,
                        s.version,
                        esc(&Instant::from_unix(s.published_at).vn()),
                        esc(&s.published_by),
                        esc(&s.methodology),
                        chiso_core::format::integer(s.units as i64),
                        s.as_of
                            .map(|t| esc(&Instant::from_unix(t).vn()).to_string())
                            .unwrap_or_else(|| "cả kỳ".to_string()),
                        esc(s.reason.as_deref().unwrap_or("")),
                        esc(&s.content_hash),
                        esc(&s.content_hash[..16.min(s.content_hash.len())])
                    );
                }
                body.push_str("</tbody></table></div>");
            }
            Ok(pages::frame(
                "Kết quả đã công bố",
                Nav::Publications,
                Some(&inventory),
                &body,
            ))
        })
        .await?)
}

pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !caller.csrf_matches(fields.get("csrf").map(String::as_str)) {
        return Err(PageError(Error::CrossSite));
    }
    let code = fields
        .get("period")
        .map(|p| p.trim().to_string())
        .unwrap_or_default();
    let period = Period::parse(&code).map_err(|_| PageError(Error::InvalidPeriod(code.clone())))?;
    let reason = fields.get("reason").cloned();
    let stamp = publish_as(&state, &caller, period, reason).await?;
    Ok(Redirect::to(&format!("/publications?published={}", stamp.period)).into_response())
}

/// Publishes `period` for `caller` (who the policy let through).
pub async fn publish_as(
    state: &AppState,
    caller: &Caller,
    period: Period,
    reason: Option<String>,
) -> Result<chiso_core::publication::Stamp, Error> {
    let by = caller.principal.actor();
    let from = caller.from.clone();
    state
        .run(move |ctx| {
            ctx.importing(|store| {
                chiso_app::publication::publish(
                    store,
                    &period,
                    reason.as_deref(),
                    &Publisher {
                        by: &by,
                        from: &from,
                        at: access::now(),
                    },
                )
                .map_err(publish_error)
            })
        })
        .await
}
