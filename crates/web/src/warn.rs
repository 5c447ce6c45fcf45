//! Ahead of the month in the API: `GET /api/v1/units/{code}/at-risk` (the
//! early warning, `chiso watch --format json`) and
//! `GET /api/v1/units/{code}/what-if` (`chiso whatif --format json`). Both
//! list dossiers, so they need the right to read the unit's dossiers
//! (`access::POLICY`: `ReadDossiers`); the computing is the application
//! layer's (`chiso_app::ahead`) and the core's.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::Uri;
use chiso_app::ahead::AheadError;
use chiso_backend::BackendError;
use chiso_core::time::Date;
use chiso_core::warn::{self, DEFAULT_HORIZON_DAYS};
use chiso_core::whatif::{self, Lever, Scenario};

use crate::access::{self, Scope};
use crate::error::Error;
use crate::params::Params;
use crate::state::{AppState, Ctx, Memo};

/// The most working days ahead an early warning looks.
pub const MAX_HORIZON_DAYS: u32 = 30;

/// The unit of the path, if the caller may read its dossiers.
fn unit(ctx: &Ctx<'_>, scope: &Scope, params: &Params, code: &str) -> Result<String, Error> {
    let period = ctx.period(scope, params)?;
    let sheet = ctx.sheet(scope, &period)?;
    Ok(access::resolve_dossier_unit(scope, &sheet, code)?
        .code
        .clone())
}

fn path(p: Result<Path<String>, PathRejection>) -> Result<String, Error> {
    p.map(|p| p.0)
        .map_err(|_| Error::parameter("code", "đường dẫn không đọc được"))
}

/// `at=YYYY-MM-DD` (or dd/mm/yyyy): the data as it stood at that day's end.
fn at(params: &Params) -> Result<Option<Date>, Error> {
    params
        .get("at")
        .map(|t| {
            Date::parse(t)
                .filter(|d| (2000..=2100).contains(&d.year()))
                .ok_or_else(|| Error::parameter("at", "ngày không hợp lệ: dùng 2026-10-20"))
        })
        .transpose()
}

fn number<T: std::str::FromStr>(params: &Params, name: &'static str) -> Result<Option<T>, Error> {
    params
        .get(name)
        .map(|t| {
            t.parse::<T>()
                .map_err(|_| Error::parameter(name, format!("'{t}' không phải một số")))
        })
        .transpose()
}

fn ahead(e: AheadError<BackendError>) -> Error {
    match e {
        AheadError::Engine(e) => e.into(),
        AheadError::Unit(e) => Error::UnknownUnit(e.to_string()),
        AheadError::NotScored(code) => Error::UnknownUnit(code),
        AheadError::NoMethodology(d) => Error::NoMethodology(d),
        AheadError::WhatIf(e) => Error::parameter("scenario", e.to_string()),
    }
}

/// `GET /api/v1/units/{code}/at-risk?days=N&at=DATE`.
pub async fn at_risk(
    State(state): State<AppState>,
    scope: Scope,
    uri: Uri,
    code: Result<Path<String>, PathRejection>,
    params: Params,
) -> Result<Memo, Error> {
    let code = path(code)?;
    state
        .memo(access::cache_key(&scope, &uri), move |ctx| {
            let days = number::<u32>(&params, "days")?.unwrap_or(DEFAULT_HORIZON_DAYS);
            if days == 0 || days > MAX_HORIZON_DAYS {
                return Err(Error::parameter(
                    "days",
                    format!("số ngày làm việc từ 1 đến {MAX_HORIZON_DAYS}"),
                ));
            }
            let code = unit(ctx, &scope, &params, &code)?;
            let risk =
                chiso_app::ahead::watch(ctx.store(), &code, days, at(&params)?).map_err(ahead)?;
            Memo::json(&warn::document::build(&risk))
        })
        .await
}

/// `GET /api/v1/units/{code}/what-if?…`: one of `on_time=ID,ID`,
/// `lever=online&n=20`, `criterion=3.3&percent=60`, or `target=85` (the
/// cheapest way to that total); `at=DATE` as for the early warning.
pub async fn what_if(
    State(state): State<AppState>,
    scope: Scope,
    uri: Uri,
    code: Result<Path<String>, PathRejection>,
    params: Params,
) -> Result<Memo, Error> {
    let code = path(code)?;
    state
        .memo(access::cache_key(&scope, &uri), move |ctx| {
            let code = unit(ctx, &scope, &params, &code)?;
            let day = at(&params)?;
            if let Some(target) = number::<f64>(&params, "target")? {
                if !(0.0..=100.0).contains(&target) {
                    return Err(Error::parameter("target", "tổng điểm từ 0 đến 100"));
                }
                let plan =
                    chiso_app::ahead::plan(ctx.store(), &code, day, target).map_err(ahead)?;
                return Memo::json(&whatif::document::plan(&plan));
            }
            let scenario = if let Some(ids) = params.get("on_time") {
                Scenario::OnTime(ids.split(',').map(|s| s.trim().to_string()).collect())
            } else if let Some(lever) = params.get("lever") {
                let lever = Lever::parse(lever).ok_or_else(|| {
                    Error::parameter(
                        "lever",
                        "dùng online, paid-online, e-result, digitized hoặc on-time",
                    )
                })?;
                let n = number::<usize>(&params, "n")?.unwrap_or(1);
                Scenario::More(lever, n.min(1_000_000))
            } else if let Some(id) = params.get("criterion") {
                let percent = number::<f64>(&params, "percent")?
                    .ok_or_else(|| Error::parameter("percent", "cần tỷ lệ (phần trăm)"))?;
                Scenario::Reach(id.to_string(), percent / 100.0)
            } else {
                return Err(Error::parameter(
                    "scenario",
                    "chọn on_time, lever (và n), criterion (và percent) hoặc target",
                ));
            };
            let o = chiso_app::ahead::what_if(ctx.store(), &code, day, &scenario).map_err(ahead)?;
            Memo::json(&whatif::document::outcome(&o))
        })
        .await
}

/// Rows the unit page shows of the early warning.
const PAGE_ROWS: usize = 5;
/// Actions the unit page proposes.
const ACTIONS: usize = 3;
/// Points above the current total the proposed actions aim at.
const AIM_POINTS: f64 = 5.0;

/// The top of the unit page for its head (on a phone first): for the
/// period holding the data's last day, and a caller who may read the unit's dossiers,
/// what is at risk (the dossiers becoming late within two working days and
/// the points they cost), what to do (the cheapest levers towards five
/// more points, `chiso_app::ahead::plan`) and whom to call (the holders of
/// the dossiers at risk, from their processing steps). Nothing otherwise:
/// the public sees published scores only.
pub fn section(
    out: &mut String,
    ctx: &Ctx<'_>,
    scope: &Scope,
    sheet: &chiso_core::scoring::ScoreSheet,
    unit_code: &str,
) -> Result<(), Error> {
    use crate::html::{esc, put, url_component};
    use chiso_core::format::{self, or_dash};
    if !scope.sees_dossiers(sheet, unit_code) {
        return Ok(());
    }
    // The period the data stops inside, or the one holding the data's last
    // day (a month whose data ends on its last working day is complete,
    // yet its open dossiers still fall due).
    let last_day = chiso_core::storage::Storage::as_of(ctx.store())?.map(|t| t.date());
    let current = sheet.as_of.is_some()
        || last_day.is_some_and(|d| sheet.period.from <= d && d <= sheet.period.to);
    if !current {
        return Ok(());
    }
    let risk = match chiso_app::ahead::watch(ctx.store(), unit_code, DEFAULT_HORIZON_DAYS, None) {
        Ok(r) => r,
        Err(AheadError::NotScored(_)) => return Ok(()),
        Err(e) => return Err(ahead(e)),
    };
    // Where the month is heading: a projection with its interval, never a fact.
    let projection = match chiso_app::ahead::project(ctx.store(), unit_code, None) {
        Ok(p) => p.total.map(|total| {
            format!(
                "<p class=\"projection\">Dự báo tổng điểm cuối tháng {}: khoảng <strong>{}–{}\
                 </strong> (giữa khoảng {}; hiện {}; còn {} ngày làm việc). Ước tính từ số liệu \
                 tháng đến nay và lịch sử của đơn vị, không phải kết quả.</p>",
                p.month.vn(),
                or_dash(p.low, format::points),
                or_dash(p.high, format::points),
                format::points(total),
                or_dash(p.total_now, format::points),
                p.working_days_left
            )
        }),
        Err(AheadError::NotScored(_)) => None,
        Err(e) => return Err(ahead(e)),
    };
    put!(
        out,
        "<section class=\"head-first\" id=\"viec-can-lam\"><h2>Việc cần làm</h2>{}\
         <h3>1. Sắp trễ hạn</h3><p><strong>{}</strong> hồ sơ trễ hạn nếu chưa giải quyết \
         trong {} ngày làm việc tới (đến hết {}); nếu tất cả trễ hạn, tháng này mất <strong \
         class=\"bad\">{}</strong> điểm tổng ({} điểm chỉ số 2.1). {} hồ sơ đang chờ bổ sung.</p>",
        projection.unwrap_or_default(),
        format::integer(risk.dossiers.len() as i64),
        risk.horizon_days,
        risk.horizon_end.vn(),
        format::points(risk.points_total),
        format::points(risk.points_timeliness),
        format::integer(risk.waiting.len() as i64)
    );
    if !risk.dossiers.is_empty() {
        out.push_str(
            "<div class=\"scroll\"><table class=\"grid at-risk\"><thead><tr><th>Hồ sơ</th>\
             <th>Thủ tục</th><th>Trễ hạn từ</th><th>Người xử lý</th><th class=\"num\">Mất điểm\
             </th></tr></thead><tbody>",
        );
        for d in risk.dossiers.iter().take(PAGE_ROWS) {
            let who = d.holder.as_ref().map_or("-".to_string(), |h| {
                [h.officer.as_str(), h.department.as_str()]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            put!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}\
                 </td></tr>",
                esc(&d.id),
                esc(d.procedure_name.as_deref().unwrap_or(&d.procedure_code)),
                esc(&d.late_at.vn()),
                esc(&who),
                if d.this_month {
                    format::points(d.points_total)
                } else {
                    "0 (tháng sau)".to_string()
                }
            );
        }
        out.push_str("</tbody></table></div>");
        if risk.dossiers.len() > PAGE_ROWS {
            put!(
                out,
                "<p class=\"note\">{} hồ sơ đầu tiên theo hạn; còn {} hồ sơ nữa trong danh sách \
                 đầy đủ.</p>",
                PAGE_ROWS,
                format::integer((risk.dossiers.len() - PAGE_ROWS) as i64)
            );
        }
    }
    out.push_str("<h3>2. Cách tăng điểm nhanh nhất</h3>");
    match risk.total_now {
        Some(now) if now < 100.0 => {
            let target = (now + AIM_POINTS).min(100.0);
            let plan =
                chiso_app::ahead::plan(ctx.store(), unit_code, None, target).map_err(ahead)?;
            // Steps in the plan's order whose cumulative total still rises.
            let mut reached = plan.total_before.unwrap_or(now);
            let steps: Vec<_> = plan
                .steps
                .iter()
                .filter(|s| {
                    let after = s.total_after.unwrap_or(reached);
                    let rises = s.dossiers > 0 && after > reached + 1e-9;
                    reached = reached.max(after);
                    rises
                })
                .take(ACTIONS)
                .collect();
            if steps.is_empty() {
                out.push_str(
                    "<p>Không còn hồ sơ nào trong tháng mà thay đổi được làm tăng điểm.</p>",
                );
            } else {
                put!(
                    out,
                    "<p>Để tổng điểm tháng này lên {} (hiện {}), lần lượt:</p><ol \
                     class=\"actions\">",
                    format::points(target),
                    format::points(now)
                );
                for st in steps {
                    put!(
                        out,
                        "<li><strong>{}</strong> thêm {} hồ sơ (có {} hồ sơ có thể): +{} điểm mỗi hồ \
                         sơ; cùng các việc trên, tổng lên {}</li>",
                        esc(&capitalised(st.lever.label_vi())),
                        format::integer(st.dossiers as i64),
                        format::integer(st.available as i64),
                        format::decimal(st.points_per_dossier, 3),
                        or_dash(st.total_after, format::points)
                    );
                }
                put!(
                    out,
                    "</ol>{}",
                    if plan.reached {
                        ""
                    } else {
                        "<p class=\"note\">Các cách trên chưa đủ để đạt mức này trong tháng.</p>"
                    }
                );
            }
        }
        _ => out.push_str("<p>Tổng điểm đã tối đa hoặc chưa tính được.</p>"),
    }
    out.push_str("<h3>3. Liên hệ</h3>");
    let contacts = risk.contacts();
    if contacts.is_empty() {
        out.push_str("<p>Không có hồ sơ nào sắp trễ hạn.</p>");
    } else {
        out.push_str("<ul class=\"contacts\">");
        for c in &contacts {
            put!(
                out,
                "<li><strong>{}</strong>{}: {} hồ sơ, {} điểm</li>",
                if c.who.is_empty() {
                    "Chưa rõ người xử lý".to_string()
                } else {
                    esc(&c.who).to_string()
                },
                if c.officers.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", esc(&c.officers.join(", ")))
                },
                format::integer(c.dossiers as i64),
                format::points(c.points_total)
            );
        }
        out.push_str("</ul>");
    }
    put!(
        out,
        "<p class=\"note\">Tổng điểm hiện tại {}. Danh sách đầy đủ: <a \
         href=\"/api/v1/units/{}/at-risk\">JSON</a> hoặc <code>chiso watch --unit {}</code>; thử \
         kịch bản khác: <code>chiso whatif</code>.</p></section>",
        or_dash(risk.total_now, format::points),
        esc(&url_component(unit_code)),
        esc(unit_code)
    );
    Ok(())
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
