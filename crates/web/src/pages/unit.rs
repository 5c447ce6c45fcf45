//! `/units/{code}`: one unit's total and group gauges, its rank (among the
//! 34 provinces for a province of the nation's data), the ranking of the
//! units under it by kind (links down to `/?parent=`), every criterion with
//! numerator, denominator, ratio, points and target, a 12-month trend, the
//! comparison with the peers' average, and the explain list of one criterion
//! (paged, with a CSV download at `/units/{code}/explain.csv`).

use axum::extract::State;
use axum::http::{header, Uri};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;

use chiso_core::explain::{self as core_explain, ExplainItem, RecordKind};
use chiso_core::methodology::{Methodology, Rule};
use chiso_core::period::Period;
use chiso_core::scoring::{Basis, ScoreSheet, UnitScore};
use chiso_core::steps::ProcessingStep;
use chiso_core::time::Instant;
use chiso_core::{engine::Explanation, format};

use crate::access::{self, Scope};
use crate::charts::{self, Series};
use crate::error::{Error, PageError};
use crate::html::{self, esc, put, url_component};
use crate::pages::{self, Nav, Selector};
use crate::params::{Level, Params, Segment};
use crate::ranking;
use crate::state::{AppState, Ctx, Memo};

/// Months in the trend chart.
const TREND_MONTHS: i32 = 12;
/// Explain items per page.
const PER_PAGE: usize = 25;

pub async fn page(
    State(state): State<AppState>,
    scope: Scope,
    uri: Uri,
    Segment(code): Segment,
    params: Params,
) -> Result<Memo, PageError> {
    let key = access::cache_key(&scope, &uri);
    let render = move |ctx: &Ctx<'_>| render(ctx, &scope, &code, &params).map(Memo::html);
    Ok(state.memo(key, render).await?)
}

fn render(
    ctx: &Ctx<'_>,
    scope: &Scope,
    code: &str,
    params: &Params,
) -> Result<Html<String>, Error> {
    let inventory = ctx.inventory()?;
    let period = ctx.period(scope, params)?;
    let sheet = ctx.sheet(scope, &period)?;
    let u = access::resolve_unit(scope, &sheet, code)?;
    let set = ctx.methodologies()?;
    let m = set
        .get(&sheet.methodology)
        .ok_or_else(|| Error::UnknownMethodology(sheet.methodology.clone()))?;
    let query = pages::period_query(&period);
    let href = format!("/units/{}", url_component(&u.code));

    let mut body = String::new();
    let parent = u.parent.as_deref().and_then(|p| sheet.unit(p));
    // The peers' ranking: the same kind under the same parent.
    let (parent_crumb, parent_query) = match parent {
        Some(p) => (
            format!(
                "<a href=\"/units/{0}?{query}\">{1}</a> › ",
                esc(&url_component(&p.code)),
                esc(&p.name)
            ),
            format!("&parent={}", esc(&url_component(&p.code))),
        ),
        None => (String::new(), String::new()),
    };
    put!(
        &mut body,
        "<p class=\"crumbs\"><a href=\"/?{query}\">Bảng xếp hạng</a> › {parent_crumb}<a \
         href=\"/?{query}&kind={}{parent_query}\">{}</a> › {}</p>",
        u.kind.code(),
        esc(u.kind.label_vi()),
        esc(&u.name)
    );
    put!(
        &mut body,
        "<h1>{}</h1><p class=\"sub\">Mã định danh <code>{}</code> · {}{} · kết quả {}{} · bộ chỉ \
         số <a href=\"/methodology?{query}\">{}</a></p>",
        esc(&u.name),
        esc(&u.code),
        esc(u.kind.label_vi()),
        parent
            .map(|p| format!(
                " · trực thuộc <a href=\"/units/{}?{query}\">{}</a>",
                esc(&url_component(&p.code)),
                esc(&p.name)
            ))
            .unwrap_or_default(),
        esc(&period.label_vi()),
        format!(
            "{}{}",
            pages::partial_badge(sheet.as_of),
            pages::publication_badge(ctx, scope, &period)?
        ),
        esc(&m.id)
    );
    // A unit head on a phone sees first what to act on, then the scores;
    // the period selector and downloads come after.
    crate::warn::section(&mut body, ctx, scope, &sheet, &u.code)?;
    summary(&mut body, u, m, &sheet);
    let selected = chosen_criterion(params, u, m)?;
    let mut hidden = Vec::new();
    if let Some(c) = &selected {
        hidden.push(("criterion", c.clone()));
    }
    body.push_str(
        &Selector {
            action: href.clone(),
            period,
            inventory: &inventory,
            level: None,
            hidden,
        }
        .render(),
    );
    body.push_str(&pages::reports::buttons(
        &query,
        &format!("&unit={}", url_component(&u.code)),
    ));

    let peers = ranking::sections(
        &sheet,
        scope,
        &Level {
            kind: Some(u.kind),
            parent: u.parent.clone(),
        },
    );
    let peers = peers.first();
    children(&mut body, &sheet, scope, u, m, &query);
    criteria_table(&mut body, u, m, &sheet, &href, &query, selected.as_deref());
    trend(&mut body, ctx, scope, u, m, &period)?;
    comparison(
        &mut body,
        u,
        m,
        peers.map(|p| (p.peers_average, p.group_averages.as_slice())),
    );
    if selected.is_some() && !scope.sees_dossiers(&sheet, &u.code) {
        body.push_str(
            "<section class=\"explain\"><h2>Hồ sơ làm mất điểm</h2><p class=\"note\">Danh sách \
             hồ sơ chỉ dành cho cán bộ của đơn vị và cấp trên: <a href=\"/signin\">đăng nhập</a> \
             để xem.</p></section>",
        );
    } else if let Some(criterion) = selected {
        let paging = params.paging(PER_PAGE)?;
        let e = ctx.explanation(&period, &u.code, &criterion)?;
        let failed = e.items.iter().filter(|i| i.failed).count();
        // Failed records only unless asked otherwise, when there are some:
        // passed records are what nobody has to act on.
        let failed_only = match params.get("show") {
            None => failed > 0,
            Some("failed") => true,
            Some("all") => false,
            Some(other) => {
                return Err(Error::parameter(
                    "show",
                    format!("'{other}' không hợp lệ: dùng failed hoặc all"),
                ))
            }
        };
        let items: Vec<&ExplainItem> = e
            .items
            .iter()
            .filter(|i| !failed_only || i.failed)
            .collect();
        let shown = &items[paging.range(items.len())];
        // The processing steps (quá trình xử lý) and procedure names of the
        // dossiers on this page.
        let mut steps = HashMap::new();
        let mut procedures = HashMap::new();
        if e.record_kind == RecordKind::Dossier {
            for item in shown {
                let s = chiso_core::storage::Storage::steps(ctx.store(), &item.id)?;
                if !s.is_empty() {
                    steps.insert(item.id.clone(), s);
                }
            }
            let wanted: std::collections::HashSet<&str> =
                shown.iter().map(|i| i.label.as_str()).collect();
            for p in chiso_core::storage::Storage::procedure_list(ctx.store())? {
                if wanted.contains(p.code.as_str()) {
                    procedures.insert(p.code, p.name);
                }
            }
        }
        explain_section(
            &mut body,
            &Listing {
                e: &e,
                failed,
                failed_only,
                items: &items,
                paging,
                steps: &steps,
                procedures: &procedures,
            },
            m,
            &sheet,
            &href,
            &query,
        );
    }
    Ok(pages::frame(
        &format!("{} – {}", u.name, pages::period_label(&sheet)),
        Nav::Ranking,
        Some(&inventory),
        &body,
    ))
}

/// The criterion whose records are listed: the one asked for, else the one
/// that cost the most points and has records to show.
fn chosen_criterion(
    params: &Params,
    u: &UnitScore,
    m: &Methodology,
) -> Result<Option<String>, Error> {
    if let Some(id) = params.get("criterion") {
        return m.criterion(id).map(|c| Some(c.id.clone())).ok_or_else(|| {
            Error::UnknownCriterion {
                criterion: id.to_string(),
                methodology: m.id.clone(),
            }
        });
    }
    let lost = |i: usize| {
        let s = &u.criteria[i];
        s.points.map_or(0.0, |p| s.max - p)
    };
    let candidates: Vec<usize> = (0..m.criteria.len().min(u.criteria.len()))
        .filter(|i| {
            u.criteria[*i].basis == Basis::Measured
                && core_explain::record_kind(&m.criteria[*i]) != RecordKind::UnitCounts
        })
        .collect();
    let best = candidates
        .iter()
        .copied()
        .max_by(|a, b| lost(*a).total_cmp(&lost(*b)));
    Ok(best.map(|i| m.criteria[i].id.clone()))
}

fn summary(body: &mut String, u: &UnitScore, m: &Methodology, sheet: &ScoreSheet) {
    body.push_str("<section class=\"summary\"><div class=\"card main\">");
    body.push_str(&charts::gauge(u.total, m.total, "Tổng điểm"));
    put!(
        body,
        "<div class=\"facts\"><div class=\"label\">Tổng điểm</div><dl>\
         <dt>Xếp hạng</dt><dd>{} {}</dd><dt>{}</dt><dd>{} {}</dd><dt>Trung bình cùng cấp</dt>\
         <dd>{}</dd></dl></div></div>",
        u.rank.map_or("-".to_string(), |r| format!(
            "<strong>{r}</strong>/{}{}",
            u.rank_of,
            // At the top ("xếp hạng 48/63 tỉnh, thành phố"), say among whom.
            if u.parent.is_none() && u.rank_of > 1 {
                format!(" {}", esc(&u.kind.label_vi().to_lowercase()))
            } else {
                String::new()
            }
        )),
        pages::rank_change(ranking::rank_change(u)),
        esc(&capitalise(&sheet.previous_period.label_vi())),
        html::points(u.previous_total),
        pages::change(u.delta),
        html::points(u.peers_average)
    );
    body.push_str("<div class=\"groups\">");
    let mut reduced = false;
    for (g, s) in m.groups.iter().zip(&u.groups) {
        let note = if pages::group_max_differs(s.max, g.max) {
            reduced = true;
            format!(
                "<span class=\"group-max\">tối đa {} theo bộ chỉ số, {} điểm không áp dụng</span>",
                html::max(g.max),
                html::max(g.max - s.max)
            )
        } else {
            String::new()
        };
        put!(
            body,
            "<div class=\"card group\">{}<div class=\"label\">{}. {}{note}</div></div>",
            charts::gauge(s.points, s.max, &g.name),
            esc(&g.id),
            esc(&g.name)
        );
    }
    body.push_str("</div></section>");
    if reduced {
        put!(
            body,
            "<p class=\"note\">{}</p>",
            esc(pages::GROUP_MAX_MEANING)
        );
    }
}

/// The units directly under `u`, one row per kind: how many, their average,
/// the first and the last, and a link to their ranking.
fn children(
    body: &mut String,
    sheet: &ScoreSheet,
    scope: &Scope,
    u: &UnitScore,
    m: &Methodology,
    query: &str,
) {
    let sections = ranking::sections(
        sheet,
        scope,
        &Level {
            kind: None,
            parent: Some(u.code.clone()),
        },
    );
    if sections.is_empty() {
        return;
    }
    body.push_str(
        "<section class=\"children\"><h2>Đơn vị trực thuộc</h2><table class=\"grid\"><thead><tr>\
         <th>Cấp</th><th class=\"num\">Số đơn vị</th><th class=\"num\">Trung bình cùng \
         cấp</th><th>Cao nhất</th><th>Thấp nhất</th><th class=\"noprint\">Xếp hạng</th></tr>\
         </thead><tbody>",
    );
    let unit = |x: Option<&&UnitScore>| {
        x.map_or(String::new(), |x| {
            format!(
                "<a href=\"/units/{}?{query}\">{}</a> ({})",
                esc(&url_component(&x.code)),
                esc(&x.name),
                html::points(x.total)
            )
        })
    };
    for s in &sections {
        let kind = s.first().kind;
        // Sections list ranked units first, in rank order.
        let ranked: Vec<&&UnitScore> = s.units.iter().filter(|x| x.rank.is_some()).collect();
        put!(
            body,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num {}\">{}</td><td>{}</td>\
             <td>{}</td><td class=\"noprint\"><a href=\"/?{query}&kind={}&parent={}\">Xem xếp \
             hạng</a></td></tr>",
            esc(kind.label_vi()),
            s.units.len(),
            html::level(html::achieved(s.peers_average, m.total)),
            html::points(s.peers_average),
            unit(ranked.first().copied()),
            unit(ranked.last().copied().filter(|_| ranked.len() > 1)),
            kind.code(),
            esc(&url_component(&u.code))
        );
    }
    body.push_str("</tbody></table></section>");
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn criteria_table(
    body: &mut String,
    u: &UnitScore,
    m: &Methodology,
    sheet: &ScoreSheet,
    href: &str,
    query: &str,
    selected: Option<&str>,
) {
    let year = sheet.period.to.year();
    body.push_str(
        "<section><h2>1. Điểm từng chỉ số thành phần</h2><div class=\"scroll\"><table \
         class=\"grid criteria\"><thead><tr>\
         <th>Mã</th><th>Chỉ số thành phần</th><th class=\"num\">Tử số</th><th class=\"num\">Mẫu số\
         </th><th class=\"num\">Tỷ lệ (%)</th>\
         <th class=\"num\">Điểm</th><th class=\"num\">Tối đa</th><th>Cách tính điểm</th><th>Chỉ \
         tiêu</th><th>Ghi chú</th><th class=\"noprint\">Giải trình</th></tr></thead><tbody>",
    );
    for (g, gs) in m.groups.iter().zip(&u.groups) {
        put!(
            body,
            "<tr class=\"group-row\"><td>N{}</td><td colspan=\"4\">{}</td><td class=\"num {}\">{}\
             </td><td class=\"num\">{}</td><td colspan=\"4\"></td></tr>",
            esc(&g.id),
            esc(&g.name.to_uppercase()),
            html::level(html::achieved(gs.points, gs.max)),
            html::points(gs.points),
            if pages::group_max_differs(gs.max, g.max) {
                format!(
                    "{}<small class=\"group-max\">bộ chỉ số: {}</small>",
                    html::max(gs.max),
                    html::max(g.max)
                )
            } else {
                html::max(gs.max)
            }
        );
        for (c, s) in m
            .criteria
            .iter()
            .zip(&u.criteria)
            .filter(|(c, _)| c.group == g.id)
        {
            let mut notes = Vec::new();
            match &s.basis {
                Basis::NoData(policy) => notes.push(policy.note_vi()),
                Basis::Inherited(from) => {
                    let name = sheet.unit(from).map_or(from.as_str(), |p| p.name.as_str());
                    notes.push(format!("lấy theo kết quả của {}", esc(name)));
                }
                Basis::Measured => {}
            }
            if c.provisional {
                notes.push(pages::provisional_badge("trọng số tạm tính"));
            }
            let rule = match &c.rule {
                Rule::Linear => {
                    "<span title=\"điểm = tỷ lệ × điểm tối đa\">tuyến tính</span>".to_string()
                }
                _ => format!(
                    "<span title=\"dưới ngưỡng: điểm = tỷ lệ × điểm tối đa / ngưỡng\">đủ điểm khi \
                     ≥ {}%</span>",
                    format::decimal(c.rule.threshold(year) * 100.0, 0)
                ),
            };
            let goal = match s.goal {
                Some(g) if s.goal_missed => format!(
                    "<span class=\"missed\">{}% – chưa đạt</span>",
                    format::decimal(g * 100.0, 0)
                ),
                Some(g) => format!("{}%", format::decimal(g * 100.0, 0)),
                None => String::new(),
            };
            let link = if core_explain::record_kind(c) == RecordKind::UnitCounts {
                "<span class=\"note\">số liệu tổng hợp</span>".to_string()
            } else {
                let label = if selected == Some(c.id.as_str()) {
                    "đang xem"
                } else {
                    "Xem"
                };
                format!(
                    "<a href=\"{href}?{query}&criterion={}#giai-trinh\">{label}</a>",
                    url_component(&c.id)
                )
            };
            let class = if selected == Some(c.id.as_str()) {
                " class=\"selected\""
            } else {
                ""
            };
            put!(
                body,
                "<tr{class}><td>{}</td><td><a href=\"/criteria/{}?{query}&unit={}\">{}</a></td><td \
                 class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num {}\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}\
                 </td><td class=\"noprint\">{}</td></tr>",
                esc(&c.id),
                url_component(&c.id),
                esc(&url_component(&u.code)),
                esc(&c.name),
                html::integer(s.numerator),
                html::integer(s.denominator),
                html::percent(s.ratio),
                html::level(html::achieved(s.points, s.max)),
                html::points(s.points),
                html::max(s.max),
                rule,
                goal,
                notes.join("; "),
                link
            );
        }
    }
    put!(
        body,
        "<tr class=\"total-row\"><td></td><td colspan=\"4\">TỔNG ĐIỂM (quy về thang {})</td><td \
         class=\"num {}\">{}</td><td class=\"num\">{}</td><td colspan=\"4\"></td></tr>",
        html::max(m.total),
        html::level(html::achieved(u.total, m.total)),
        html::points(u.total),
        html::max(m.total)
    );
    body.push_str("</tbody></table></div>");
    if m.criteria.iter().any(|c| c.provisional) {
        put!(
            body,
            "<p class=\"note\"><span class=\"badge provisional\">trọng số tạm tính</span> {}</p>",
            esc(pages::PROVISIONAL_MEANING)
        );
    }
    body.push_str("</section>");
}

fn trend(
    body: &mut String,
    ctx: &Ctx<'_>,
    scope: &Scope,
    u: &UnitScore,
    m: &Methodology,
    period: &Period,
) -> Result<(), Error> {
    // The 12 months ending with the period, but not past the newest data:
    // months after it would show carried-over dossiers only.
    let newest = ctx
        .inventory()?
        .latest_received
        .map(|t| Instant::from_unix(t).month());
    let last = newest.map_or(period.to.month(), |n| n.min(period.to.month()));
    let months: Vec<_> = (0..TREND_MONTHS)
        .map(|i| last.add(i - TREND_MONTHS + 1))
        .collect();
    let mut total = Vec::new();
    let mut groups: Vec<Vec<Option<f64>>> = vec![Vec::new(); m.groups.len()];
    for month in &months {
        let unit = match ctx.sheet(scope, &Period::month(*month)) {
            Ok(sheet) => sheet.unit(&u.code).cloned(),
            Err(Error::NoMethodology(_) | Error::NotJudgeable(_) | Error::NotPublished { .. }) => {
                None
            }
            Err(e) => return Err(e),
        };
        total.push(unit.as_ref().and_then(|x| x.total));
        for (gi, g) in m.groups.iter().enumerate() {
            let share = unit
                .as_ref()
                .and_then(|x| x.groups.iter().find(|s| s.id == g.id))
                .and_then(|s| html::achieved(s.points, s.max))
                .map(|r| r * 100.0);
            groups[gi].push(share);
        }
    }
    let total = [Series {
        name: format!("Tổng điểm (/{})", html::max(m.total)),
        values: total,
    }];
    let groups: Vec<Series> = m
        .groups
        .iter()
        .zip(groups)
        .map(|(g, values)| Series {
            name: format!("{}. {}", g.id, g.name),
            values,
        })
        .collect();
    let labels: Vec<String> = months
        .iter()
        .map(|mo| format!("{:02}/{}", mo.number(), mo.year() % 100))
        .collect();
    body.push_str("<section><h2>2. Diễn biến 12 tháng</h2>");
    body.push_str(&charts::trend(
        &labels,
        &total,
        m.total,
        "Tổng điểm theo tháng (thang 100); điểm trống: không có dữ liệu.",
    ));
    body.push_str(&charts::multiples(&labels, &groups));
    body.push_str(
        "<p class=\"note\">Mỗi nhóm chỉ số một biểu đồ riêng: tỷ lệ điểm đạt được trên điểm tối \
         đa của nhóm (%), số bên cạnh tên là tháng gần nhất.</p>",
    );
    body.push_str("</section>");
    Ok(())
}

fn comparison(
    body: &mut String,
    u: &UnitScore,
    m: &Methodology,
    peers: Option<(Option<f64>, &[Option<f64>])>,
) {
    body.push_str(
        "<section><h2>3. So sánh với trung bình cùng cấp</h2><table class=\"grid compare\"><thead>\
         <tr><th>Nhóm chỉ số</th>\
         <th class=\"num\">Tối đa</th><th class=\"num\">Đơn vị</th><th class=\"num\">Trung bình \
         cùng cấp</th><th class=\"num\">Chênh lệch</th></tr></thead><tbody>",
    );
    let (avg_total, avg_groups) = peers.unwrap_or((None, &[]));
    let row = |body: &mut String, name: &str, max: f64, own: Option<f64>, avg: Option<f64>| {
        put!(
            body,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num {}\">{}</td><td \
             class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(name),
            html::max(max),
            html::level(html::achieved(own, max)),
            html::points(own),
            html::points(avg),
            pages::change(own.zip(avg).map(|(a, b)| a - b))
        );
    };
    for (gi, (g, s)) in m.groups.iter().zip(&u.groups).enumerate() {
        row(
            body,
            &format!("{}. {}", g.id, g.name),
            s.max,
            s.points,
            avg_groups.get(gi).copied().flatten(),
        );
    }
    row(body, "Tổng điểm", m.total, u.total, avg_total);
    body.push_str("</tbody></table></section>");
}

/// The explain list of one page: the records shown (all, or the failed
/// only), the page, and what the rows need besides the records.
struct Listing<'a> {
    e: &'a Explanation,
    failed: usize,
    failed_only: bool,
    items: &'a [&'a ExplainItem],
    paging: crate::params::Paging,
    steps: &'a HashMap<String, Vec<ProcessingStep>>,
    /// Procedure names by code, for the dossiers shown.
    procedures: &'a HashMap<String, String>,
}

fn explain_section(
    body: &mut String,
    l: &Listing<'_>,
    m: &Methodology,
    sheet: &ScoreSheet,
    href: &str,
    query: &str,
) {
    let e = l.e;
    let name = m.criterion(&e.criterion).map_or("", |c| c.name.as_str());
    let criterion_q = format!("criterion={}", url_component(&e.criterion));
    let show_q = if l.failed_only { "failed" } else { "all" };
    put!(
        body,
        "<section id=\"giai-trinh\" class=\"explain\"><h2>4. Giải trình chỉ số {}: {}</h2>",
        esc(&e.criterion),
        esc(name)
    );
    if e.computed_at != e.unit_code {
        let at = sheet
            .unit(&e.computed_at)
            .map_or(e.computed_at.as_str(), |x| x.name.as_str());
        put!(
            body,
            "<p class=\"note\">Chỉ số này tính ở cấp {}; đơn vị dùng kết quả của cấp đó.</p>",
            esc(at)
        );
    }
    let pages = l.paging.pages(l.items.len());
    put!(
        body,
        "<p class=\"explain-summary\"><span><strong>{}</strong> bản ghi trong mẫu số, <strong \
         class=\"bad\">{}</strong> không đạt (làm mất điểm).</span><span>Trang {}/{}.</span><a \
         class=\"button noprint\" href=\"{href}/explain.csv?{query}&{criterion_q}\">Tải CSV</a></p>",
        format::integer(e.items.len() as i64),
        format::integer(l.failed as i64),
        l.paging.page.min(pages),
        pages
    );
    if !e.items.is_empty() {
        let choice = |body: &mut String, value: &str, text: String, current: bool| {
            if current {
                put!(body, "<span class=\"current\">{}</span>", esc(&text));
            } else {
                put!(
                    body,
                    "<a href=\"{href}?{query}&{criterion_q}&show={value}#giai-trinh\">{}</a>",
                    esc(&text)
                );
            }
        };
        body.push_str("<nav class=\"explain-filter noprint\" aria-label=\"Lọc\">");
        choice(
            body,
            "failed",
            format!("Chỉ hồ sơ không đạt ({})", format::integer(l.failed as i64)),
            l.failed_only,
        );
        choice(
            body,
            "all",
            format!("Tất cả ({})", format::integer(e.items.len() as i64)),
            !l.failed_only,
        );
        body.push_str("</nav>");
    }
    let (id_head, label_head) = match e.record_kind {
        RecordKind::Dossier => ("Mã hồ sơ", "Thủ tục"),
        RecordKind::Feedback => ("Mã PAKN", ""),
        RecordKind::Procedure | RecordKind::Catalogue => ("Mã TTHC", "Tên thủ tục"),
        RecordKind::UnitCounts => ("Mã", ""),
    };
    if l.items.is_empty() {
        body.push_str(if e.items.is_empty() {
            "<p class=\"empty\">Không có bản ghi nào tính vào chỉ số này trong kỳ.</p></section>"
        } else {
            "<p class=\"empty\">Không có bản ghi nào không đạt: chỉ số không mất điểm vì hồ sơ \
             nào.</p></section>"
        });
        return;
    }
    put!(
        body,
        "<div class=\"scroll\"><table class=\"grid explain-list\"><thead><tr><th class=\"num\">STT\
         </th><th>{id_head}</th><th>Đơn vị</th><th>{label_head}</th>\
         <th>Tiếp nhận</th><th>Kết quả</th><th>Lý do</th></tr></thead><tbody>"
    );
    let range = l.paging.range(l.items.len());
    let start = range.start;
    for (n, i) in l.items[range].iter().enumerate() {
        let unit = sheet
            .unit(&i.unit_code)
            .map_or(i.unit_code.as_str(), |x| x.name.as_str());
        let label = match l.procedures.get(&i.label) {
            Some(name) => format!("{}<span class=\"proc\">{}</span>", esc(name), esc(&i.label)),
            None => esc(&i.label).to_string(),
        };
        put!(
            body,
            "<tr class=\"{}\"><td class=\"num\">{}</td><td><code>{}</code></td><td>{}</td><td>{}\
             </td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if i.failed { "failed" } else { "passed" },
            start + n + 1,
            esc(&i.id),
            esc(unit),
            label,
            i.received_at.map(Instant::vn).unwrap_or_default(),
            if i.failed {
                "<span class=\"bad\">không đạt</span>"
            } else {
                "đạt"
            },
            esc(i.reason.as_deref().unwrap_or(""))
        );
        if let Some(history) = l.steps.get(&i.id) {
            history_row(body, history);
        }
    }
    body.push_str("</tbody></table></div>");
    pager(
        body,
        &format!("{href}?{query}&{criterion_q}&show={show_q}"),
        l.paging.page,
        pages,
    );
    body.push_str("</section>");
}

/// A dossier's history under its explain row: each processing step with its
/// time, status, officer and department, and a mark on steps that name no
/// officer or title (what makes "handler not named").
fn history_row(body: &mut String, history: &[ProcessingStep]) {
    put!(
        body,
        "<tr class=\"steps\"><td></td><td colspan=\"6\"><details><summary>Quá trình xử lý ({} bước)\
         </summary><ol class=\"history\">",
        history.len()
    );
    for s in history {
        let who = [s.handler.trim(), s.title.trim(), s.department.trim()]
            .iter()
            .filter(|t| !t.is_empty())
            .map(|t| esc(t).to_string())
            .collect::<Vec<_>>()
            .join(", ");
        put!(
            body,
            "<li><time>{}</time> — {}{}{}{}</li>",
            s.at.vn(),
            esc(s.status.map_or("", |st| st.label_vi())),
            if who.is_empty() {
                String::new()
            } else {
                format!(" — {who}")
            },
            if s.content.trim().is_empty() {
                String::new()
            } else {
                format!(": {}", esc(s.content.trim()))
            },
            if s.handler_named() {
                ""
            } else {
                " <span class=\"bad\">(thiếu họ tên hoặc chức danh người xử lý)</span>"
            }
        );
    }
    body.push_str("</ol></details></td></tr>");
}

/// « Trước 1 … 4 5 6 … 20 Sau »
fn pager(body: &mut String, base: &str, page: usize, pages: usize) {
    if pages <= 1 {
        return;
    }
    body.push_str("<nav class=\"pager noprint\" aria-label=\"Trang\">");
    let link = |body: &mut String, p: usize, text: &str, current: bool| {
        if current {
            put!(body, "<span class=\"current\">{text}</span>");
        } else {
            put!(body, "<a href=\"{base}&page={p}#giai-trinh\">{text}</a>");
        }
    };
    if page > 1 {
        link(body, page - 1, "« Trước", false);
    }
    let mut last = 0;
    for p in 1..=pages {
        if p == 1 || p == pages || p.abs_diff(page) <= 2 {
            if last + 1 < p {
                body.push_str("<span class=\"gap\">…</span>");
            }
            link(body, p, &p.to_string(), p == page);
            last = p;
        }
    }
    if page < pages {
        link(body, page + 1, "Sau »", false);
    }
    body.push_str("</nav>");
}

/// `/units/{code}/explain.csv?period=&criterion=`: every record of the explain list.
pub async fn csv(
    State(state): State<AppState>,
    scope: Scope,
    Segment(code): Segment,
    params: Params,
) -> Result<Response, PageError> {
    let (name, text) = state
        .run(move |ctx| {
            let period = ctx.period(&scope, &params)?;
            let criterion = params
                .get("criterion")
                .ok_or_else(|| Error::parameter("criterion", "cần mã chỉ số, ví dụ 2.1"))?;
            let sheet = ctx.sheet(&scope, &period)?;
            let u = access::resolve_dossier_unit(&scope, &sheet, &code)?;
            let e = ctx.explanation(&period, &u.code, criterion)?;
            let header = [
                "record",
                "id",
                "unit",
                "label",
                "received_at",
                "in_numerator",
                "failed",
                "reason",
            ]
            .map(String::from);
            let rows = std::iter::once(header.to_vec()).chain(e.items.iter().map(|i| {
                vec![
                    i.record.code().to_string(),
                    i.id.clone(),
                    i.unit_code.clone(),
                    i.label.clone(),
                    i.received_at.map(Instant::vn).unwrap_or_default(),
                    u8::from(i.in_numerator).to_string(),
                    u8::from(i.failed).to_string(),
                    i.reason.clone().unwrap_or_default(),
                ]
            }));
            let out = String::from_utf8(
                chiso_report::people_csv::to_bytes(rows).map_err(Error::internal)?,
            )
            .map_err(Error::internal)?;
            let safe = |s: &str| {
                s.chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect::<String>()
            };
            Ok((
                format!(
                    "giai-trinh_{}_{}_{}.csv",
                    safe(&u.code),
                    safe(&e.criterion),
                    safe(&period.code())
                ),
                out,
            ))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalises_the_first_letter() {
        assert_eq!(capitalise("tháng 09/2026"), "Tháng 09/2026");
        assert_eq!(capitalise(""), "");
    }
}
