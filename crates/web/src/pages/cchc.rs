//! `/cchc`: administrative-reform (CCHC) reporting on the dashboard.
//!
//! - `/cchc?period=&unit=`: the reporting period the office checks every
//!   day: who has not submitted, who is late, who was returned and why, who
//!   is approved, with the list of reminders to print;
//! - `/cchc/units/{code}?period=`: a unit's forms 1–7 for the period: its
//!   figures to fill (exact: an empty cell is no figure, not 0), what chiso
//!   prefilled and from where, the findings (errors block, warnings need an
//!   explanation), save and submit (`POST`, the unit's officer), and the
//!   decision of the level above (`POST …/decision`: approve, return or
//!   reopen with a reason, waive); its history and what changed since the
//!   last approval;
//! - `/cchc/units/{code}/consolidated`: the figures a parent reports upward,
//!   from its own and its approved reporters', with the breakdown by level;
//! - `/cchc/units/{code}/plan?year=`: the yearly plan with computed
//!   statuses and completion;
//! - `/cchc/results`: PAR Index, SIPAS, PAPI (and the yearly 766 result)
//!   by year, with their trends;
//! - `/cchc/units/{code}/appendices?period=&format=`: Phụ lục I and II
//!   through `chiso-report` (the office's export).
//!
//! Every decision is `chiso_app::cchc`'s and the domain's: the form's
//! fields go through the reader of the unit's fill-in template (the same
//! rows an uploaded workbook gives), the workflow decides who may take which
//! step. Who acts is the signed-in account, its workflow roles read from its
//! grants (`chiso_app::cchc::actor_of`); every step taken is written to the
//! audit log. A unit outside the caller's units answers like a unit that
//! does not exist.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use chiso_app::cchc::{self, Acting, ReformError};
use chiso_backend::{Backend, BackendError};
use chiso_cchc::catalogue::{Catalogue, CatalogueSet, Kind, Prefill, Severity};
use chiso_cchc::consolidate::expected_reporters;
use chiso_cchc::period::{PeriodKind, ReportingPeriod, Schedule};
use chiso_cchc::plan::{Party, Progress};
use chiso_cchc::results::IndexKind;
use chiso_cchc::sheet::{Scope as SheetScope, Sheet};
use chiso_cchc::table::tables;
use chiso_cchc::value::{Origin, Values};
use chiso_cchc::workflow::{self, Gate, Status, Step, Submission, UnitTree};
use chiso_core::accounts::Action;
use chiso_core::records::Unit;
use chiso_core::storage::{Inventory, Storage};
use chiso_core::time::{Date, Instant};

use crate::access::{self, Caller};
use crate::charts::{self, Series};
use crate::error::{Error, PageError};
use crate::html::{esc, put, url_component};
use crate::pages::{self, Nav};
use crate::params::{Params, Segment};
use crate::state::{AppState, Ctx};

/// How the province's own level is named in notes.
const PROVINCE_LEVEL: &str = "Cấp tỉnh";
/// Periods looked back for the default (the latest one units reported for).
const LOOK_BACK: usize = 8;

type Failure = ReformError<BackendError>;

/// A failure of a read: the store's is an error page, anything else (a
/// period without a catalogue, a damaged record) a bad request with its reason.
fn failed(e: Failure) -> Error {
    match e {
        ReformError::Store(e) => e.into(),
        ReformError::UnknownUnit(u) => Error::UnknownUnit(u),
        other => Error::parameter("cchc", other.to_string()),
    }
}

/// The units and their tree, read once per request.
struct Units {
    list: Vec<Unit>,
    tree: UnitTree,
    /// What the freshness line of a page says (`None` while writing).
    inventory: Option<Arc<Inventory>>,
}

impl Units {
    fn read(store: &Backend) -> Result<Units, Error> {
        let list = store.unit_list()?;
        let tree = UnitTree::new(&list);
        Ok(Units {
            list,
            tree,
            inventory: None,
        })
    }

    /// The units and the inventory, for a page.
    fn for_page(ctx: &Ctx<'_>) -> Result<Units, Error> {
        Ok(Units {
            inventory: Some(ctx.inventory()?),
            ..Units::read(ctx.store())?
        })
    }

    fn get(&self, code: &str) -> Option<&Unit> {
        self.list.iter().find(|u| u.code == code)
    }

    fn name(&self, code: &str) -> String {
        self.get(code)
            .map_or_else(|| code.to_string(), |u| u.name.clone())
    }

    fn within(&self, root: &str, unit: &str) -> bool {
        root == unit || self.tree.is_above(root, unit)
    }

    /// The unit a request names, when the caller may take `action` on it
    /// (its grants cover the unit); otherwise unknown, as a unit that does
    /// not exist.
    fn allowed(&self, caller: &Caller, action: Action, code: &str) -> Result<&Unit, Error> {
        let unit = self
            .get(code)
            .ok_or_else(|| Error::UnknownUnit(code.to_string()))?;
        if caller
            .principal
            .permits(action, Some(code), |root, u| self.within(root, u))
        {
            Ok(unit)
        } else {
            Err(Error::UnknownUnit(code.to_string()))
        }
    }

    /// The unit a page shows when none is named: the top unit for a caller
    /// who reads every unit, else the root of the caller's first grant.
    fn home(&self, caller: &Caller) -> Result<&Unit, Error> {
        let code = match caller.principal.roots(Action::ReadDossiers) {
            None => self
                .list
                .iter()
                .find(|u| u.parent_code.is_none() && u.valid_to.is_none())
                .map(|u| u.code.clone()),
            Some(roots) => roots.into_iter().next(),
        };
        let code = code.ok_or_else(|| Error::UnknownUnit("(đơn vị cấp tỉnh)".to_string()))?;
        self.allowed(caller, Action::ReadDossiers, &code)
    }
}

/// The periods whose data window ended before `today`, newest first.
fn ended(today: Date) -> Vec<ReportingPeriod> {
    let mut out = Vec::new();
    for year in (today.year() - 2..=today.year()).rev() {
        for kind in [
            PeriodKind::Year,
            PeriodKind::Q3,
            PeriodKind::H1,
            PeriodKind::Q1,
        ] {
            let p = ReportingPeriod::new(year, kind);
            if p.window().1 < today {
                out.push(p);
            }
        }
    }
    out
}

/// The period asked for (`period=2026-H1`), else the latest one whose window
/// has ended that units have reported for, else the latest ended.
fn period(params: &Params, store: &Backend) -> Result<ReportingPeriod, Error> {
    if let Some(text) = params.get("period") {
        return text
            .parse()
            .map_err(|m: String| Error::parameter("period", m));
    }
    let candidates = ended(access::now().date());
    for p in candidates.iter().take(LOOK_BACK) {
        if !cchc::submissions(store, *p).map_err(failed)?.is_empty() {
            return Ok(*p);
        }
    }
    candidates
        .first()
        .copied()
        .ok_or_else(|| Error::parameter("period", "chọn kỳ báo cáo"))
}

fn catalogue_for(set: &CatalogueSet, p: ReportingPeriod) -> Result<&Catalogue, Error> {
    cchc::catalogue_for::<BackendError>(set, p).map_err(failed)
}

/// The period selector: the periods of the year before, this one and the next.
fn period_form(action: &str, p: ReportingPeriod, hidden: &[(&str, &str)]) -> String {
    let mut out = format!(
        "<form class=\"selector noprint\" method=\"get\" action=\"{}\">",
        esc(action)
    );
    for (name, value) in hidden {
        put!(
            &mut out,
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            esc(value)
        );
    }
    out.push_str("<label>Kỳ báo cáo<select name=\"period\">");
    for year in (p.year - 1..=p.year + 1).rev() {
        for kind in [
            PeriodKind::Year,
            PeriodKind::Q3,
            PeriodKind::H1,
            PeriodKind::Q1,
        ] {
            let q = ReportingPeriod::new(year, kind);
            put!(
                &mut out,
                "<option value=\"{q}\"{}>{}</option>",
                if q == p { " selected" } else { "" },
                esc(&q.label_vi())
            );
        }
    }
    out.push_str(
        "</select></label><button type=\"submit\">Xem</button><button type=\"button\" \
         class=\"print\">In / lưu PDF</button></form>",
    );
    out
}

fn status_badge(status: Option<Status>) -> String {
    let (class, label) = match status {
        None => ("missing", "Chưa gửi"),
        Some(Status::Draft) => ("draft", Status::Draft.label_vi()),
        Some(Status::Submitted) => ("submitted", Status::Submitted.label_vi()),
        Some(Status::Returned) => ("returned", Status::Returned.label_vi()),
        Some(Status::Approved) => ("approved", Status::Approved.label_vi()),
        Some(Status::Waived) => ("waived", Status::Waived.label_vi()),
    };
    format!("<span class=\"badge st-{class}\">{label}</span>")
}

/// A message above a page: what a step did, or why it was refused.
struct Notice {
    ok: bool,
    text: String,
}

fn notice_html(notice: Option<&Notice>) -> String {
    match notice {
        Some(n) => format!(
            "<div class=\"alert {}\" id=\"message\">{}</div>",
            if n.ok { "ok" } else { "error" },
            esc(&n.text)
        ),
        None => String::new(),
    }
}

fn unit_link(code: &str, p: ReportingPeriod, tail: &str) -> String {
    format!("/cchc/units/{}{tail}?period={p}", url_component(code))
}

// (a) The period's completeness

/// `GET /cchc?period=&unit=`: who has reported to the unit (the province by default).
pub async fn period_page(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
) -> Result<Html<String>, PageError> {
    Ok(state
        .run(move |ctx| {
            let store = ctx.store();
            let units = Units::for_page(ctx)?;
            let parent = match params.get("unit") {
                Some(code) => units.allowed(&caller, Action::ReadDossiers, code)?,
                None => units.home(&caller)?,
            };
            let p = period(&params, store)?;
            completeness_page(store, &units, &caller, parent, p)
        })
        .await?)
}

fn completeness_page(
    store: &Backend,
    units: &Units,
    caller: &Caller,
    parent: &Unit,
    p: ReportingPeriod,
) -> Result<Html<String>, Error> {
    let now = access::now();
    let set = CatalogueSet::builtin();
    let catalogue = catalogue_for(&set, p)?;
    let c = cchc::completeness(store, &units.list, &parent.code, p, now).map_err(failed)?;
    let expected = expected_reporters(catalogue, &units.list, &parent.code, p.window().1);
    let schedule = Schedule::default();
    let (from, to) = p.window();
    let mut body = String::new();
    put!(
        &mut body,
        "<h1>Báo cáo cải cách hành chính {}</h1><p class=\"sub\">{} · số liệu từ {} đến {} · \
         danh mục biểu mẫu {} · hạn báo cáo của tỉnh {}</p>",
        esc(&p.label_vi().to_lowercase()),
        esc(&parent.name),
        from.vn(),
        to.vn(),
        esc(&catalogue.id),
        p.due().vn()
    );
    body.push_str(&period_form("/cchc", p, &[("unit", &parent.code)]));
    let percent = |d: Option<chiso_cchc::decimal::Decimal>| d.map_or("-".to_string(), |d| d.vi());
    put!(
        &mut body,
        "<div class=\"cchc-summary\"><div class=\"card\"><div class=\"label\">Đã gửi</div>\
         <strong id=\"received\">{}/{}</strong> đơn vị ({}%)</div><div class=\"card\"><div \
         class=\"label\">Gửi đúng hạn</div><strong>{}</strong> ({}%)</div><div class=\"card\"><div \
         class=\"label\">Đã duyệt</div><strong id=\"approved\">{}</strong></div><div \
         class=\"card\"><div class=\"label\">Bị trả lại</div><strong>{}</strong></div><div \
         class=\"card\"><div class=\"label\">Chưa gửi</div><strong id=\"missing\">{}</strong>\
         </div><div class=\"card\"><div class=\"label\">Trễ hạn</div><strong>{}</strong></div>\
         </div>",
        c.received,
        c.expected,
        percent(c.completeness()),
        c.on_time,
        percent(c.timeliness()),
        c.approved,
        c.returned.len(),
        c.missing.len(),
        c.late.len()
    );
    put!(
        &mut body,
        "<p class=\"noprint\"><a class=\"button\" href=\"{}\">Biểu mẫu của {}</a> <a \
         class=\"button\" href=\"{}\">Số liệu tổng hợp</a> <a class=\"button\" \
         href=\"/cchc/units/{}/plan?year={}\">Kế hoạch CCHC năm {}</a> <a class=\"button\" \
         href=\"/cchc/results\">Kết quả chỉ số hằng năm</a></p>",
        unit_link(&parent.code, p, ""),
        esc(&parent.name),
        unit_link(&parent.code, p, "/consolidated"),
        url_component(&parent.code),
        p.year,
        p.year
    );
    if caller.principal.permits(Action::Publish, None, |_, _| true) {
        body.push_str(&downloads(&parent.code, p));
    }
    let subs = cchc::submissions(store, p).map_err(failed)?;
    let find = |code: &str| subs.iter().find(|s| s.value.unit == code).map(|s| &s.value);
    if expected.is_empty() {
        body.push_str(
            "<p class=\"empty\">Không có đơn vị nào báo cáo cho đơn vị này trong kỳ (đơn vị cấp \
             dưới thuộc các cấp báo cáo của danh mục).</p>",
        );
    } else {
        body.push_str(
            "<h2>Tình hình gửi báo cáo của các đơn vị</h2><div class=\"scroll\"><table \
             class=\"grid\" id=\"reporters\"><thead><tr><th class=\"num\">STT</th><th>Đơn vị</th>\
             <th>Hạn gửi</th><th>Trạng thái</th><th>Gửi lần đầu</th><th>Người cập nhật cuối</th>\
             <th>Ghi chú</th></tr></thead><tbody>",
        );
        for (i, u) in expected.iter().enumerate() {
            let s = find(&u.code);
            let late = c.late.contains(&u.code);
            let due = p.due_for(u.kind, &schedule);
            let mut note = Vec::new();
            if late {
                note.push("<span class=\"bad\">Trễ hạn</span>".to_string());
            }
            if let Some((_, reason)) = c.returned.iter().find(|(code, _)| *code == u.code) {
                note.push(format!("Lý do trả lại: {}", esc(reason)));
            }
            if let Some(reason) = s
                .filter(|s| s.status == Status::Waived)
                .and_then(|s| s.events.last())
                .and_then(|e| e.reason.as_deref())
            {
                note.push(format!("Lý do miễn: {}", esc(reason)));
            }
            let has_reporters =
                !expected_reporters(catalogue, &units.list, &u.code, p.window().1).is_empty();
            let below = if has_reporters {
                format!(
                    " <a class=\"small\" href=\"/cchc?unit={}&amp;period={p}\">(đơn vị trực \
                     thuộc)</a>",
                    url_component(&u.code)
                )
            } else {
                String::new()
            };
            put!(
                &mut body,
                "<tr data-unit=\"{}\"><td class=\"num\">{}</td><td class=\"unit\"><a \
                 href=\"{}\">{}</a>{below}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td></tr>",
                esc(&u.code),
                i + 1,
                unit_link(&u.code, p, ""),
                esc(&u.name),
                due.vn(),
                status_badge(s.map(|s| s.status)),
                s.and_then(Submission::first_submitted)
                    .map_or("-".to_string(), |t| t.vn()),
                s.and_then(|s| s.events.last())
                    .map_or("-".to_string(), |e| format!(
                        "{} ({})",
                        esc(&e.by),
                        e.at.vn()
                    )),
                note.join("; ")
            );
        }
        body.push_str("</tbody></table></div>");
    }
    if !c.missing.is_empty() {
        put!(
            &mut body,
            "<section class=\"reminders\" id=\"reminders\"><h2>Danh sách nhắc gửi báo cáo</h2><p \
             class=\"note\">Các đơn vị chưa gửi báo cáo {} (in danh sách này để nhắc bằng văn \
             bản hoặc điện thoại).</p><ol>",
            esc(&p.label_vi().to_lowercase())
        );
        for code in &c.missing {
            let due = units
                .get(code)
                .map_or(p.due(), |u| p.due_for(u.kind, &schedule));
            // Late, as the domain counts it: past the unit's due date.
            let overdue = if c.late.contains(code) {
                " — <span class=\"bad\">đã quá hạn</span>"
            } else {
                ""
            };
            put!(
                &mut body,
                "<li>{}: hạn gửi {}{overdue}</li>",
                esc(&units.name(code)),
                due.vn()
            );
        }
        body.push_str("</ol></section>");
    }
    Ok(pages::frame(
        &format!("Báo cáo CCHC {}", p.label_vi()),
        Nav::Reform,
        units.inventory.as_deref(),
        &body,
    ))
}

fn downloads(code: &str, p: ReportingPeriod) -> String {
    let mut out = String::from(
        "<p class=\"downloads noprint\" id=\"appendices\">Tải Phụ lục I (kế hoạch) và Phụ lục II \
         (biểu mẫu 1–7): ",
    );
    for (format, label) in crate::pages::reports::BUTTONS {
        put!(
            &mut out,
            "<a class=\"button\" href=\"/cchc/units/{}/appendices?period={p}&amp;format={}\" \
             download>{label}</a> ",
            url_component(code),
            format.extension()
        );
    }
    out.push_str("</p>");
    out
}

// (b), (c) A unit's forms and the workflow

/// `GET /cchc/units/{code}?period=`: the unit's forms for the period.
pub async fn unit_page(
    State(state): State<AppState>,
    caller: Caller,
    Segment(code): Segment,
    params: Params,
) -> Result<Html<String>, PageError> {
    Ok(state
        .run(move |ctx| {
            let store = ctx.store();
            let units = Units::for_page(ctx)?;
            let unit = units.allowed(&caller, Action::ReadDossiers, &code)?;
            let p = period(&params, store)?;
            forms_page(store, &units, &caller, unit, p, None)
        })
        .await?)
}

/// The form's fields as name → value (the last value wins).
/// A posted form's fields, once its anti-forgery token matches the caller's session.
fn fields(
    caller: &Caller,
    form: Vec<(String, String)>,
) -> Result<BTreeMap<String, String>, PageError> {
    let form: BTreeMap<String, String> = form.into_iter().collect();
    if !caller.csrf_matches(form.get("csrf").map(String::as_str)) {
        return Err(PageError(Error::CrossSite));
    }
    Ok(form)
}

fn field<'a>(fields: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    fields.get(name).map_or("", |v| v.trim())
}

/// `POST /cchc/units/{code}?period=`: saves the figures (`step=save`) or
/// saves and submits them (`step=submit`), as the unit's officer.
pub async fn fill(
    State(state): State<AppState>,
    caller: Caller,
    Segment(code): Segment,
    params: Params,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = fields(&caller, form)?;
    let submit = match field(&form, "step") {
        "save" => false,
        "submit" => true,
        other => {
            return Err(PageError(Error::parameter(
                "step",
                format!("'{other}': dùng save hoặc submit"),
            )))
        }
    };
    let (status, page) = state
        .run(move |ctx| {
            let (unit_code, p, notice) = ctx.importing(|store| {
                let units = Units::read(store)?;
                let unit = units
                    .allowed(&caller, Action::FillForms, &code)?
                    .code
                    .clone();
                let p = period(&params, store)?;
                let rows = template_rows(&form);
                let notice = save(
                    store,
                    &units,
                    &caller,
                    &unit,
                    p,
                    &rows,
                    Source::Page,
                    submit,
                )?;
                Ok((unit, p, notice))
            })?;
            answered(ctx, &caller, &unit_code, p, notice)
        })
        .await?;
    Ok((status, page).into_response())
}

/// The template's rows from the form: one per row named on the page (`v:ID`
/// the figure, `n:ID` the note, `e:ID` the explanation of the warnings on
/// the row, derived rows included, `o:ID` the reason for changing a figure
/// chiso prefilled).
fn template_rows(form: &BTreeMap<String, String>) -> Vec<(usize, Vec<String>)> {
    let mut rows = vec![(
        0,
        chiso_cchc::template::COLUMNS
            .iter()
            .map(|c| c.to_string())
            .collect(),
    )];
    let ids: BTreeSet<&str> = form
        .keys()
        .filter_map(|name| {
            ["v:", "n:", "e:", "o:"]
                .iter()
                .find_map(|prefix| name.strip_prefix(prefix))
        })
        .collect();
    for id in ids {
        let cell = |prefix: &str| field(form, &format!("{prefix}:{id}")).to_string();
        rows.push((
            rows.len(),
            vec![
                id.to_string(),
                String::new(),
                String::new(),
                String::new(),
                cell("v"),
                cell("n"),
                cell("e"),
                cell("o"),
            ],
        ));
    }
    rows
}

/// Where saved figures came from: the page's form, or an uploaded template.
enum Source<'a> {
    Page,
    /// The file's name and the SHA-256 of its content (for the audit log).
    File {
        name: &'a str,
        sha256: &'a str,
    },
}

/// Saves the rows of a filled template (from the page or a file) as a new
/// revision, then submits it when asked; every step taken is audited.
#[allow(clippy::too_many_arguments)] // the request's parts, each needed once
fn save(
    store: &mut Backend,
    units: &Units,
    caller: &Caller,
    unit: &str,
    p: ReportingPeriod,
    rows: &[(usize, Vec<String>)],
    source: Source<'_>,
    submit: bool,
) -> Result<Notice, Error> {
    let actor = cchc::actor_of(&caller.principal, &units.list);
    let now = access::now();
    let acting = Acting {
        units: &units.list,
        actor: &actor,
        at: now,
    };
    let imported = match cchc::import_filled(store, acting, unit, p, rows) {
        Ok(Ok(imported)) => imported,
        Ok(Err(message)) => {
            return Ok(Notice {
                ok: false,
                text: message,
            })
        }
        Err(ReformError::Store(e)) => return Err(e.into()),
        Err(e) => {
            return Ok(Notice {
                ok: false,
                text: format!("Chưa lưu: {e}"),
            })
        }
    };
    let Some(saved) = imported.saved else {
        let problems: Vec<String> = imported
            .filled
            .problems
            .iter()
            .map(|problem| match source {
                Source::Page => problem.message.clone(),
                Source::File { .. } => format!("dòng {}: {}", problem.line, problem.message),
            })
            .collect();
        return Ok(Notice {
            ok: false,
            text: format!("Chưa lưu, sửa các ô sau: {}", problems.join("; ")),
        });
    };
    let (action, file) = match source {
        Source::Page => ("cchc_save", String::new()),
        Source::File { name, sha256 } => (
            "cchc_import",
            format!(" file={} sha256={sha256}", name.replace(' ', "_")),
        ),
    };
    audit(
        store,
        caller,
        now,
        action,
        &format!(
            "unit={unit} period={p} revision={} findings={} blocking={}{file}",
            saved.revision,
            saved.findings.len(),
            saved.blocking
        ),
    )?;
    let mut text = format!(
        "Đã lưu lần nhập số {} ({} lỗi hoặc cảnh báo chưa giải trình).",
        saved.revision, saved.blocking
    );
    if !submit {
        return Ok(Notice { ok: true, text });
    }
    match cchc::act(store, acting, unit, p, workflow::Action::Submit, None) {
        Ok(status) => {
            audit(
                store,
                caller,
                now,
                "cchc_submit",
                &format!("unit={unit} period={p} revision={}", saved.revision),
            )?;
            text.push_str(&format!(" Đã gửi duyệt: {}.", status.label_vi()));
            Ok(Notice { ok: true, text })
        }
        Err(ReformError::Store(e)) => Err(e.into()),
        Err(e) => Ok(Notice {
            ok: false,
            text: format!("{text} Chưa gửi được: {e}"),
        }),
    }
}

/// The largest filled template accepted.
pub const TEMPLATE_LIMIT: usize = chiso_ingest::cells::MAX_BYTES;

/// `GET /cchc/units/{code}/template?period=`: the unit's fill-in workbook,
/// prefilled with its latest figures (or what chiso knows).
pub async fn template(
    State(state): State<AppState>,
    caller: Caller,
    Segment(code): Segment,
    params: Params,
) -> Result<Response, PageError> {
    let (name, bytes) = state
        .run(move |ctx| {
            let store = ctx.store();
            let units = Units::read(store)?;
            let unit = units.allowed(&caller, Action::FillForms, &code)?;
            let p = period(&params, store)?;
            let report = cchc::template(store, &units.list, &unit.code, p).map_err(failed)?;
            let format = chiso_report::Format::Xlsx;
            Ok((
                report.file_name(format.extension()),
                chiso_report::render(&report, format)?,
            ))
        })
        .await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                chiso_report::Format::Xlsx.content_type().to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", url_component(&name)),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /cchc/units/{code}/upload?period=`: a filled template (XLSX or
/// CSV), read row by row as the page's form is; saved when every row was
/// read, never submitted (the officer checks the page first).
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Segment(code): Segment,
    params: Params,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let mut multipart = multipart.map_err(|_| {
        PageError(Error::parameter(
            "file",
            "gửi tệp bằng biểu mẫu tải lên (multipart/form-data)",
        ))
    })?;
    let (mut csrf, mut file) = (None, None);
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        PageError(Error::parameter(
            "file",
            format!("không đọc được dữ liệu tải lên ({})", e.body_text()),
        ))
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or("") {
            "csrf" => csrf = Some(field.text().await.map_err(unreadable)?),
            "file" => {
                let name = field
                    .file_name()
                    .filter(|n| !n.is_empty())
                    .unwrap_or("bieu-mau.xlsx")
                    .chars()
                    .take(120)
                    .collect::<String>();
                file = Some((name, field.bytes().await.map_err(unreadable)?.to_vec()));
            }
            _ => {}
        }
    }
    if !caller.csrf_matches(csrf.as_deref()) {
        return Err(PageError(Error::CrossSite));
    }
    let (name, bytes) =
        file.ok_or_else(|| PageError(Error::parameter("file", "chưa chọn tệp để tải lên")))?;
    let (status, page) = state
        .run(move |ctx| {
            let (unit_code, p, notice) = ctx.importing(|store| {
                let units = Units::read(store)?;
                let unit = units
                    .allowed(&caller, Action::FillForms, &code)?
                    .code
                    .clone();
                let p = period(&params, store)?;
                let notice = match chiso_ingest::cells::read(&name, &bytes) {
                    Ok(sheets) => {
                        let rows: Vec<_> = sheets.into_iter().flat_map(|s| s.rows).collect();
                        let sha256 = chiso_core::accounts::content_hash(&bytes);
                        let source = Source::File {
                            name: &name,
                            sha256: &sha256,
                        };
                        save(store, &units, &caller, &unit, p, &rows, source, false)?
                    }
                    Err(e) => Notice {
                        ok: false,
                        text: format!("Chưa lưu: {e}"),
                    },
                };
                Ok((unit, p, notice))
            })?;
            let units = Units::for_page(ctx)?;
            let unit = units
                .get(&unit_code)
                .ok_or_else(|| Error::UnknownUnit(unit_code.clone()))?;
            let status = if notice.ok {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((
                status,
                forms_page(ctx.store(), &units, &caller, unit, p, Some(notice))?,
            ))
        })
        .await?;
    Ok((status, page).into_response())
}

/// Writes a step to the audit log, as the caller.
fn audit(
    store: &Backend,
    caller: &Caller,
    at: Instant,
    action: &str,
    detail: &str,
) -> Result<(), Error> {
    chiso_app::accounts::audit(
        store,
        at,
        &caller.principal.actor(),
        &caller.from,
        action,
        detail,
    )?;
    Ok(())
}

/// `POST /cchc/units/{code}/decision?period=`: the level above approves,
/// returns (with a reason), reopens (with a reason), waives or unwaives.
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Segment(code): Segment,
    params: Params,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = fields(&caller, form)?;
    let reason = field(&form, "reason").to_string();
    let action = match field(&form, "step") {
        "approve" => workflow::Action::Approve,
        "return" => workflow::Action::Return { reason },
        "reopen" => workflow::Action::Reopen { reason },
        "waive" => workflow::Action::Waive { reason },
        "unwaive" => workflow::Action::Unwaive,
        other => {
            return Err(PageError(Error::parameter(
                "step",
                format!("'{other}': dùng approve, return, reopen, waive hoặc unwaive"),
            )))
        }
    };
    let (status, page) = state
        .run(move |ctx| {
            let (unit_code, p, notice) = ctx.importing(|store| {
                let units = Units::read(store)?;
                let unit = units
                    .allowed(&caller, Action::ApproveForms, &code)?
                    .code
                    .clone();
                let p = period(&params, store)?;
                let actor = cchc::actor_of(&caller.principal, &units.list);
                let now = access::now();
                let acting = Acting {
                    units: &units.list,
                    actor: &actor,
                    at: now,
                };
                let step = action.step();
                let reason = match &action {
                    workflow::Action::Return { reason }
                    | workflow::Action::Reopen { reason }
                    | workflow::Action::Waive { reason } => reason.clone(),
                    _ => String::new(),
                };
                let notice = match cchc::act(store, acting, &unit, p, action, None) {
                    Ok(status) => {
                        audit(
                            store,
                            &caller,
                            now,
                            &format!("cchc_{}", step_code(step)),
                            &format!("unit={unit} period={p} reason={reason}"),
                        )?;
                        Notice {
                            ok: true,
                            text: format!("{}: {}.", step.label_vi(), status.label_vi()),
                        }
                    }
                    Err(ReformError::Store(e)) => return Err(e.into()),
                    Err(e) => Notice {
                        ok: false,
                        text: format!("Không thực hiện được: {e}"),
                    },
                };
                Ok((unit, p, notice))
            })?;
            answered(ctx, &caller, &unit_code, p, notice)
        })
        .await?;
    Ok((status, page).into_response())
}

fn step_code(step: Step) -> &'static str {
    match step {
        Step::Save => "save",
        Step::Submit => "submit",
        Step::Approve => "approve",
        Step::Return => "return",
        Step::Reopen => "reopen",
        Step::Waive => "waive",
        Step::Unwaive => "unwaive",
    }
}

/// Where a prefilled figure comes from, in words.
fn source_vi(prefill: Prefill, p: ReportingPeriod) -> String {
    let (from, to) = p.window();
    match prefill {
        Prefill::PlanTasks | Prefill::PlanDone => {
            format!("Kế hoạch CCHC năm {} theo dõi trên chiso", p.year)
        }
        _ => format!("Dữ liệu hồ sơ của chiso từ {} đến {}", from.vn(), to.vn()),
    }
}

/// A unit's forms page after a step: 200 with the step's notice when it
/// went through, 422 with what stopped it otherwise.
fn answered(
    ctx: &Ctx<'_>,
    caller: &Caller,
    unit_code: &str,
    p: ReportingPeriod,
    notice: Notice,
) -> Result<(StatusCode, Html<String>), Error> {
    let units = Units::for_page(ctx)?;
    let unit = units
        .get(unit_code)
        .ok_or_else(|| Error::UnknownUnit(unit_code.to_string()))?;
    let status = if notice.ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        forms_page(ctx.store(), &units, caller, unit, p, Some(notice))?,
    ))
}

fn forms_page(
    store: &Backend,
    units: &Units,
    caller: &Caller,
    unit: &Unit,
    p: ReportingPeriod,
    notice: Option<Notice>,
) -> Result<Html<String>, Error> {
    let set = CatalogueSet::builtin();
    let catalogue = catalogue_for(&set, p)?;
    let stored = cchc::submission(store, &unit.code, p).map_err(failed)?;
    let submission = stored.as_ref().map_or_else(
        || Submission::new(&unit.code, p, &catalogue.id),
        |s| s.value.clone(),
    );
    let values: Values =
        cchc::starting_values(store, &units.list, &unit.code, p).map_err(failed)?;
    let findings = cchc::check_values(store, catalogue, unit, p, &values).map_err(failed)?;
    let explained = submission
        .current()
        .map(|r| r.explanations.clone())
        .unwrap_or_default();
    let actor = cchc::actor_of(&caller.principal, &units.list);
    let allowed = submission.allowed(&actor, &units.tree, &Gate::default());
    let editable = allowed.contains(&Step::Save);
    let scope = SheetScope::Unit(unit.kind);
    let sheet = Sheet::resolve(catalogue, &values, scope);
    let csrf = esc(caller.csrf());
    let mut body = String::new();
    let parent = unit.parent_code.as_deref();
    put!(
        &mut body,
        "<p class=\"crumbs noprint\"><a href=\"/cchc?period={p}{}\">« Tình hình báo cáo {}</a></p>\
         <h1>{}</h1><p class=\"sub\">Biểu mẫu thống kê số liệu báo cáo CCHC {} · danh mục {} · \
         trạng thái: <strong id=\"status\">{}</strong>{}</p>",
        parent
            .map(|c| format!("&amp;unit={}", url_component(c)))
            .unwrap_or_default(),
        esc(&p.label_vi().to_lowercase()),
        esc(&unit.name),
        esc(&p.label_vi().to_lowercase()),
        esc(&catalogue.id),
        if stored.is_some() {
            submission.status.label_vi()
        } else {
            "Chưa nhập"
        },
        submission
            .current()
            .map(|r| format!(
                " · lần nhập số {} lúc {} ({})",
                r.number,
                r.saved_at.vn(),
                esc(&r.by)
            ))
            .unwrap_or_default()
    );
    body.push_str(&period_form(
        &format!("/cchc/units/{}", url_component(&unit.code)),
        p,
        &[],
    ));
    body.push_str(&notice_html(notice.as_ref()));
    if let Some(reason) = submission.return_reason() {
        put!(
            &mut body,
            "<div class=\"alert warn\" id=\"returned\"><strong>Bị trả lại:</strong> {}</div>",
            esc(reason)
        );
    }
    let has_reporters =
        !expected_reporters(catalogue, &units.list, &unit.code, p.window().1).is_empty();
    put!(
        &mut body,
        "<p class=\"noprint\">{}<a class=\"button\" href=\"/cchc/units/{}/plan?year={}\">Kế hoạch \
         CCHC năm {}</a></p>",
        if has_reporters {
            format!(
                "<a class=\"button\" href=\"/cchc?unit={}&amp;period={p}\">Đơn vị trực thuộc</a> \
                 <a class=\"button\" href=\"{}\">Số liệu tổng hợp</a> ",
                url_component(&unit.code),
                unit_link(&unit.code, p, "/consolidated")
            )
        } else {
            String::new()
        },
        url_component(&unit.code),
        p.year,
        p.year
    );
    // Findings by row: the warnings' explanations are typed on their row.
    let mut by_row: BTreeMap<String, Vec<&chiso_cchc::validate::Finding>> = BTreeMap::new();
    for f in &findings {
        by_row.entry(f.at.to_string()).or_default().push(f);
    }
    if !findings.is_empty() {
        let blocking = chiso_cchc::validate::blockers(&findings, &explained).len();
        put!(
            &mut body,
            "<section class=\"findings\" id=\"findings\"><h2>Kiểm tra số liệu <span \
             class=\"count\">{} lỗi, {} cảnh báo; {} chưa giải trình</span></h2><ul>",
            findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count(),
            findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count(),
            blocking
        );
        for f in &findings {
            let explanation = explained.get(&f.key()).map(String::as_str).unwrap_or("");
            put!(
                &mut body,
                "<li class=\"{}\"><strong>{}</strong> <a href=\"#row-{}\">{}</a>: {}{}</li>",
                if f.severity == Severity::Error {
                    "bad"
                } else {
                    "warn"
                },
                f.severity.label_vi(),
                esc(&f.at.to_string().replace(' ', "-")),
                esc(&f.at.to_string()),
                esc(&f.message),
                if explanation.is_empty() {
                    String::new()
                } else {
                    format!(" — giải trình: {}", esc(explanation))
                }
            );
        }
        body.push_str(
            "</ul><p class=\"note\">Lỗi phải sửa trước khi gửi; cảnh báo cần ghi giải trình ở \
             dòng của chỉ tiêu.</p></section>",
        );
    }
    if editable {
        put!(
            &mut body,
            "<form method=\"post\" action=\"{}\" id=\"cchc-form\" class=\"cchc-form\"><input \
             type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><p class=\"note\">Nhập đúng số \
             liệu; ô để trống là chưa có số liệu (không phải 0). Dòng tỷ lệ, tổng được tính tự \
             động. Số liệu chiso điền sẵn lấy từ dữ liệu của hệ thống; sửa số liệu đó phải ghi \
             lý do.</p>",
            unit_link(&unit.code, p, "")
        );
    }
    for t in tables(&sheet, PROVINCE_LEVEL) {
        put!(
            &mut body,
            "<h2>{}. {}</h2><div class=\"scroll\"><table class=\"grid cchc\" \
             data-form=\"{}\"><thead><tr><th class=\"num\">STT</th><th>Chỉ tiêu thống kê</th>\
             <th>Đơn vị tính</th><th class=\"num\">Số liệu</th><th>Ghi chú</th></tr></thead>\
             <tbody>",
            esc(&t.caption),
            esc(&t.title),
            t.form
        );
        for r in &t.rows {
            let Some(ind) = catalogue.indicator(&r.id) else {
                continue;
            };
            let id = r.id.to_string();
            let entry = values.get(&r.id);
            let fillable = editable && ind.kind != Kind::Heading && !ind.kind.is_derived();
            let mut extra = String::new();
            if let Some(source) = ind.prefill {
                let origin = entry.map(|e| &e.origin);
                let what = match origin {
                    Some(Origin::Prefilled) => "chiso điền sẵn".to_string(),
                    Some(Origin::Overridden { prefilled, reason }) => format!(
                        "đã sửa số chiso điền sẵn ({}), lý do: {}",
                        prefilled.map_or("-".to_string(), |d| d.vi()),
                        esc(reason)
                    ),
                    _ => "chiso có thể điền sẵn".to_string(),
                };
                put!(
                    &mut extra,
                    "<div class=\"source small\">{what}: {}</div>",
                    esc(&source_vi(source, p))
                );
                if fillable {
                    let reason = match origin {
                        Some(Origin::Overridden { reason, .. }) => reason.as_str(),
                        _ => "",
                    };
                    put!(
                        &mut extra,
                        "<label class=\"small\">Lý do sửa số liệu chiso điền sẵn<input \
                         name=\"o:{}\" value=\"{}\"></label>",
                        esc(&id),
                        esc(reason)
                    );
                }
            }
            if let Some(found) = by_row.get(&id) {
                for f in found {
                    put!(
                        &mut extra,
                        "<div class=\"small {}\">{}: {}</div>",
                        if f.severity == Severity::Error {
                            "bad"
                        } else {
                            "warn"
                        },
                        f.severity.label_vi(),
                        esc(&f.message)
                    );
                }
                let warned = found.iter().find(|f| f.severity == Severity::Warning);
                if let (true, Some(w)) = (editable, warned) {
                    put!(
                        &mut extra,
                        "<label class=\"small\">Giải trình<input name=\"e:{}\" value=\"{}\" \
                         class=\"explain\"></label>",
                        esc(&id),
                        esc(explained.get(&w.key()).map_or("", String::as_str))
                    );
                }
            }
            let (cell, note) = if fillable {
                (
                    format!(
                        "<input name=\"v:{0}\" value=\"{1}\" inputmode=\"decimal\" \
                         aria-label=\"{0}\">",
                        esc(&id),
                        esc(&r.value)
                    ),
                    format!(
                        "<input name=\"n:{}\" value=\"{}\" aria-label=\"Ghi chú\">",
                        esc(&id),
                        esc(entry.map_or("", |e| e.note.as_str()))
                    ),
                )
            } else {
                (esc(&r.value).to_string(), esc(&r.note).to_string())
            };
            put!(
                &mut body,
                "<tr id=\"row-{}\" data-id=\"{}\"{}><td class=\"num\">{}</td><td>{}{extra}</td>\
                 <td>{}</td><td class=\"num\">{cell}</td><td>{note}</td></tr>",
                esc(&id.replace(' ', "-")),
                esc(&id),
                if r.heading {
                    " class=\"group-row\""
                } else {
                    ""
                },
                esc(&r.stt),
                esc(&r.label),
                esc(&r.unit)
            );
        }
        body.push_str("</tbody></table></div>");
    }
    if editable {
        body.push_str(
            "<p class=\"actions\"><button type=\"submit\" name=\"step\" value=\"save\">Lưu \
             nháp</button> <button type=\"submit\" name=\"step\" value=\"submit\">Lưu và gửi \
             duyệt</button></p></form>",
        );
        put!(
            &mut body,
            "<section class=\"noprint\" id=\"template\"><h2>Điền bằng tệp Excel</h2><p>\
             <a class=\"button\" href=\"{}\" download>Tải mẫu Excel của đơn vị</a> (điền sẵn \
             số liệu hiện có; cột Mã chỉ tiêu giữ nguyên), điền rồi tải lên: số liệu được kiểm \
             tra như khi nhập trên trang và lưu thành lần nhập mới khi mọi dòng đọc được.</p>\
             <form class=\"upload\" method=\"post\" action=\"{}\" \
             enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"csrf\" \
             value=\"{csrf}\"><label>Tệp (.xlsx, .csv)<input type=\"file\" name=\"file\" \
             accept=\".xlsx,.xls,.csv\" required></label><button type=\"submit\">Tải lên và \
             lưu</button></form></section>",
            unit_link(&unit.code, p, "/template"),
            unit_link(&unit.code, p, "/upload")
        );
    }
    let decisions: Vec<(Step, &str, &str)> = [
        (Step::Approve, "approve", "Duyệt"),
        (Step::Return, "return", "Trả lại"),
        (Step::Reopen, "reopen", "Mở lại"),
        (Step::Waive, "waive", "Miễn báo cáo kỳ này"),
        (Step::Unwaive, "unwaive", "Bỏ miễn báo cáo"),
    ]
    .into_iter()
    .filter(|(s, _, _)| allowed.contains(s))
    .collect();
    if !decisions.is_empty() {
        put!(
            &mut body,
            "<section class=\"decision noprint\"><h2>Ý kiến của cấp trên</h2><form method=\"post\" \
             action=\"{}\" id=\"decision-form\"><input type=\"hidden\" name=\"csrf\" \
             value=\"{csrf}\"><label>Lý do (bắt buộc khi trả lại, mở lại, miễn báo cáo)<textarea \
             name=\"reason\" rows=\"2\"></textarea></label><p class=\"actions\">",
            unit_link(&unit.code, p, "/decision")
        );
        for (_, value, label) in decisions {
            put!(
                &mut body,
                "<button type=\"submit\" name=\"step\" value=\"{value}\">{label}</button> "
            );
        }
        body.push_str("</p></form></section>");
    }
    changes(&mut body, &submission, catalogue);
    history(&mut body, &submission);
    Ok(pages::frame(
        &format!("Báo cáo CCHC: {}", unit.name),
        Nav::Reform,
        units.inventory.as_deref(),
        &body,
    ))
}

/// What changed since the last approval, when the figures were approved before.
fn changes(body: &mut String, s: &Submission, catalogue: &Catalogue) {
    if s.last_approved().is_none() {
        return;
    }
    let changes = s.changes_since_approval();
    if changes.is_empty() {
        return;
    }
    let shown = |e: Option<&chiso_cchc::value::Entry>| match e.and_then(|e| e.value.as_ref()) {
        None => "(trống)".to_string(),
        Some(chiso_cchc::value::Value::Number(n)) => n.vi(),
        Some(chiso_cchc::value::Value::Code(c)) => c.to_string(),
        Some(chiso_cchc::value::Value::Text(t)) => t.clone(),
    };
    body.push_str(
        "<h2>Thay đổi so với lần được duyệt gần nhất</h2><table class=\"grid narrow\" \
         id=\"changes\"><thead><tr><th>Chỉ tiêu</th><th class=\"num\">Đã duyệt</th><th \
         class=\"num\">Hiện tại</th></tr></thead><tbody>",
    );
    for c in &changes {
        let label = catalogue
            .indicator(&c.id)
            .map_or(String::new(), |i| i.label.clone());
        put!(
            body,
            "<tr><td>{} {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&c.id.to_string()),
            esc(&label),
            esc(&shown(c.before.as_ref())),
            esc(&shown(c.after.as_ref()))
        );
    }
    body.push_str("</tbody></table>");
}

fn history(body: &mut String, s: &Submission) {
    if s.events.is_empty() {
        return;
    }
    body.push_str(
        "<h2>Lịch sử</h2><table class=\"grid\" id=\"history\"><thead><tr><th>Thời điểm</th>\
         <th>Người thực hiện</th><th>Bước</th><th class=\"num\">Lần nhập</th><th>Trạng thái</th>\
         <th>Lý do</th></tr></thead><tbody>",
    );
    for e in s.events.iter().rev() {
        put!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{} → {}</td>\
             <td>{}</td></tr>",
            e.at.vn(),
            esc(&e.by),
            e.step.label_vi(),
            e.revision.map_or("-".to_string(), |r| r.to_string()),
            e.from.label_vi(),
            e.to.label_vi(),
            esc(e.reason.as_deref().unwrap_or(""))
        );
    }
    body.push_str("</tbody></table>");
}

// (d) Consolidated figures

/// `GET /cchc/units/{code}/consolidated?period=`: the figures the unit
/// reports upward, with the breakdown by level.
pub async fn consolidated(
    State(state): State<AppState>,
    caller: Caller,
    Segment(code): Segment,
    params: Params,
) -> Result<Html<String>, PageError> {
    Ok(state
        .run(move |ctx| {
            let store = ctx.store();
            let units = Units::for_page(ctx)?;
            let unit = units.allowed(&caller, Action::ReadDossiers, &code)?;
            let p = period(&params, store)?;
            consolidated_page(store, &units, &caller, unit, p)
        })
        .await?)
}

fn consolidated_page(
    store: &Backend,
    units: &Units,
    caller: &Caller,
    unit: &Unit,
    p: ReportingPeriod,
) -> Result<Html<String>, Error> {
    let set = CatalogueSet::builtin();
    let catalogue = catalogue_for(&set, p)?;
    let result = cchc::consolidated(store, &units.list, &unit.code, p).map_err(failed)?;
    let scope = if unit.parent_code.is_none() {
        SheetScope::Consolidated
    } else {
        SheetScope::Unit(unit.kind)
    };
    let sheet = Sheet::resolve(catalogue, &result.values, scope);
    // The levels that have a figure somewhere (no district column under
    // the two-tier government).
    let tiers: Vec<_> = scope
        .tiers(catalogue)
        .iter()
        .copied()
        .filter(|tier| {
            sheet
                .rows()
                .any(|row| row.by_level.get(tier).is_some_and(|f| !f.is_empty()))
        })
        .collect();
    let c = cchc::completeness(store, &units.list, &unit.code, p, access::now()).map_err(failed)?;
    let mut body = String::new();
    put!(
        &mut body,
        "<p class=\"crumbs noprint\"><a href=\"/cchc?unit={}&amp;period={p}\">« Tình hình báo \
         cáo</a></p><h1>Số liệu tổng hợp {}</h1><p class=\"sub\">{} · số liệu của đơn vị và của \
         {}/{} đơn vị trực thuộc đã được duyệt · danh mục {}</p>",
        url_component(&unit.code),
        esc(&p.label_vi().to_lowercase()),
        esc(&unit.name),
        c.approved,
        c.expected,
        esc(&catalogue.id)
    );
    body.push_str(&period_form(
        &format!("/cchc/units/{}/consolidated", url_component(&unit.code)),
        p,
        &[],
    ));
    if caller.principal.permits(Action::Publish, None, |_, _| true) {
        body.push_str(&downloads(&unit.code, p));
    }
    if c.approved < c.expected {
        put!(
            &mut body,
            "<div class=\"alert warn\">Mới tổng hợp từ {} trên {} đơn vị phải báo cáo (chỉ số \
             liệu đã được duyệt được cộng vào).</div>",
            c.approved,
            c.expected
        );
    }
    let level_head: String = tiers
        .iter()
        .map(|t| {
            format!(
                "<th class=\"num\">{}</th>",
                esc(&t.label_vi(PROVINCE_LEVEL))
            )
        })
        .collect();
    for t in tables(&sheet, PROVINCE_LEVEL) {
        put!(
            &mut body,
            "<h2>{}. {}</h2><div class=\"scroll\"><table class=\"grid cchc consolidated\" \
             data-form=\"{}\"><thead><tr><th class=\"num\">STT</th><th>Chỉ tiêu thống kê</th>\
             <th>Đơn vị tính</th><th class=\"num\">Số liệu</th>{level_head}<th>Ghi chú</th></tr>\
             </thead><tbody>",
            esc(&t.caption),
            esc(&t.title),
            t.form
        );
        for r in &t.rows {
            let precision = catalogue.indicator(&r.id).map_or(2, |i| i.precision);
            let row = sheet.row(&r.id);
            let levels: String = tiers
                .iter()
                .map(|tier| {
                    let v = row
                        .and_then(|row| row.by_level.get(tier))
                        .map(|f| f.vi(precision))
                        .unwrap_or_default();
                    format!("<td class=\"num\">{}</td>", esc(&v))
                })
                .collect();
            put!(
                &mut body,
                "<tr data-id=\"{}\"{}><td class=\"num\">{}</td><td>{}</td><td>{}</td><td \
                 class=\"num value\">{}</td>{levels}<td>{}</td></tr>",
                esc(&r.id.to_string()),
                if r.heading {
                    " class=\"group-row\""
                } else {
                    ""
                },
                esc(&r.stt),
                esc(&r.label),
                esc(&r.unit),
                esc(&r.value),
                esc(&r.note)
            );
        }
        body.push_str("</tbody></table></div>");
    }
    if !result.gaps.is_empty() {
        body.push_str(
            "<h2>Chỉ tiêu còn thiếu số liệu của đơn vị trực thuộc</h2><ul class=\"gaps\">",
        );
        for (id, missing) in &result.gaps {
            let names: Vec<String> = missing.iter().map(|c| units.name(c)).collect();
            put!(
                &mut body,
                "<li>{}: {}</li>",
                esc(&id.to_string()),
                esc(&names.join(", "))
            );
        }
        body.push_str("</ul>");
    }
    Ok(pages::frame(
        &format!("Số liệu tổng hợp CCHC: {}", unit.name),
        Nav::Reform,
        units.inventory.as_deref(),
        &body,
    ))
}

// (g) The appendices

/// `GET /cchc/units/{code}/appendices?period=&format=`: Phụ lục I and II
/// (XLSX, DOCX, PDF…) of the unit; the export is audited.
pub async fn appendices(
    State(state): State<AppState>,
    caller: Caller,
    Segment(code): Segment,
    params: Params,
) -> Result<Response, PageError> {
    let (name, content_type, bytes) = state
        .run(move |ctx| {
            let store = ctx.store();
            let units = Units::for_page(ctx)?;
            let unit = units.allowed(&caller, Action::Publish, &code)?;
            let p = period(&params, store)?;
            let text = params.get("format").unwrap_or("xlsx");
            let format = chiso_report::Format::ALL
                .into_iter()
                .find(|f| f.extension() == text)
                .ok_or_else(|| Error::parameter("format", "dùng xlsx, docx, pdf, md hoặc csv"))?;
            let report = cchc::appendices(store, &units.list, &unit.code, p).map_err(failed)?;
            let bytes = chiso_report::render(&report, format)?;
            audit(
                store,
                &caller,
                access::now(),
                "export",
                &format!(
                    "what=cchc_appendices unit={} period={p} format={}",
                    unit.code,
                    format.extension()
                ),
            )?;
            Ok((
                report.file_name(format.extension()),
                format.content_type(),
                bytes,
            ))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", url_component(&name)),
            ),
        ],
        bytes,
    )
        .into_response())
}

// (e) The plan

/// The year asked for (`year=2026`), else this year.
fn year_of(params: &Params, today: Date) -> Result<i32, Error> {
    match params.get("year") {
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| Error::parameter("year", format!("'{y}' không phải năm"))),
        None => Ok(today.year()),
    }
}

/// `GET /cchc/units/{code}/plan?year=`: the unit's plan of the year.
pub async fn plan(
    State(state): State<AppState>,
    caller: Caller,
    Segment(code): Segment,
    params: Params,
) -> Result<Html<String>, PageError> {
    Ok(state
        .run(move |ctx| {
            let units = Units::for_page(ctx)?;
            let unit = units.allowed(&caller, Action::ReadDossiers, &code)?;
            let today = access::now().date();
            let year = year_of(&params, today)?;
            plan_page(ctx.store(), &units, &caller, unit, year, today, None)
        })
        .await?)
}

/// `POST /cchc/units/{code}/plan?year=`: records a task's status with its
/// evidence (append-only: a date before the last one is refused, a
/// cancellation needs its reason), by the unit's officers.
pub async fn record_task(
    State(state): State<AppState>,
    caller: Caller,
    Segment(code): Segment,
    params: Params,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = fields(&caller, form)?;
    let task: u32 = field(&form, "task")
        .parse()
        .map_err(|_| PageError(Error::parameter("task", "chọn nhiệm vụ")))?;
    let status_text = field(&form, "status");
    let status = chiso_cchc::plan_file::parse_status(status_text).ok_or_else(|| {
        PageError(Error::parameter(
            "status",
            format!(
                "trạng thái '{status_text}' không rõ: dùng Đã thực hiện, Đang triển khai thực \
                 hiện, Chưa tới thời gian thực hiện hoặc Không thực hiện"
            ),
        ))
    })?;
    let date = field(&form, "date");
    let as_of = Date::parse(date).ok_or_else(|| {
        PageError(Error::parameter(
            "date",
            format!("ngày '{date}' không hợp lệ: dùng dd/mm/yyyy"),
        ))
    })?;
    let evidence: Vec<_> = field(&form, "evidence")
        .split(';')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(chiso_cchc::doc::from_number)
        .collect();
    let note = field(&form, "note").to_string();
    let (status_code, page) = state
        .run(move |ctx| {
            let today = access::now().date();
            let year = year_of(&params, today)?;
            let (owner, notice) = ctx.importing(|store| {
                let units = Units::read(store)?;
                let owner = units
                    .allowed(&caller, Action::FillForms, &code)?
                    .code
                    .clone();
                let now = access::now();
                let entry = chiso_cchc::plan::StatusEntry {
                    status,
                    as_of,
                    evidence,
                    note,
                    by: caller.principal.actor(),
                };
                let label = chiso_cchc::plan_file::status_label(status);
                let notice = match cchc::record_task(store, &owner, year, task, entry, now) {
                    Ok(()) => {
                        audit(
                            store,
                            &caller,
                            now,
                            "cchc_task_status",
                            &format!(
                                "unit={owner} year={year} task={task} status={} as_of={}",
                                label,
                                as_of.iso()
                            ),
                        )?;
                        Notice {
                            ok: true,
                            text: format!("Đã ghi: nhiệm vụ {task} — {label} ngày {}.", as_of.vn()),
                        }
                    }
                    Err(ReformError::Store(e)) => return Err(e.into()),
                    Err(e) => Notice {
                        ok: false,
                        text: format!("Chưa ghi: {e}"),
                    },
                };
                Ok((owner, notice))
            })?;
            let units = Units::for_page(ctx)?;
            let unit = units
                .get(&owner)
                .ok_or_else(|| Error::UnknownUnit(owner.clone()))?;
            let status = if notice.ok {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((
                status,
                plan_page(
                    ctx.store(),
                    &units,
                    &caller,
                    unit,
                    year,
                    today,
                    Some(notice),
                )?,
            ))
        })
        .await?;
    Ok((status_code, page).into_response())
}

fn plan_page(
    store: &Backend,
    units: &Units,
    caller: &Caller,
    unit: &Unit,
    year: i32,
    today: Date,
    notice: Option<Notice>,
) -> Result<Html<String>, Error> {
    let stored = cchc::plan(store, &unit.code, year).map_err(failed)?;
    let year_end = Date::from_ymd(year, 12, 31).unwrap_or(today);
    let day = today.min(year_end);
    let mut body = String::new();
    put!(
        &mut body,
        "<p class=\"crumbs noprint\"><a href=\"/cchc?unit={}\">« Báo cáo CCHC</a></p><h1>Kế \
         hoạch cải cách hành chính năm {year}</h1><p class=\"sub\">{} · tình trạng tính đến \
         ngày {} · <a href=\"?year={}\">năm {}</a> · <a href=\"?year={}\">năm {}</a></p>",
        url_component(&unit.code),
        esc(&unit.name),
        day.vn(),
        year - 1,
        year - 1,
        year + 1,
        year + 1
    );
    body.push_str(&notice_html(notice.as_ref()));
    let Some(stored) = stored else {
        body.push_str(
            "<p class=\"empty\">Đơn vị chưa có kế hoạch CCHC năm này trên chiso: nhập kế hoạch \
             bằng lệnh <code>chiso plan import</code> (mẫu: <code>chiso plan template</code>).</p>",
        );
        return Ok(pages::frame(
            &format!("Kế hoạch CCHC {year}: {}", unit.name),
            Nav::Reform,
            units.inventory.as_deref(),
            &body,
        ));
    };
    let plan = &stored.value;
    let completion = plan.completion(day);
    put!(
        &mut body,
        "<div class=\"alert ok\" id=\"completion\">{}{}</div>",
        esc(&completion.summary_vi()),
        if completion.overdue > 0 {
            format!(
                "; <span class=\"bad\">{} nhiệm vụ quá hạn</span>",
                completion.overdue
            )
        } else {
            String::new()
        }
    );
    if let Some(doc) = &plan.document {
        put!(
            &mut body,
            "<p class=\"note\">Ban hành theo {}.</p>",
            esc(&doc.cite())
        );
    }
    let party = |p: &Party| match p {
        Party::Unit { code } => units.name(code),
        Party::Text { text } => text.clone(),
    };
    let parties = |list: &[Party]| list.iter().map(party).collect::<Vec<_>>().join("; ");
    body.push_str(
        "<div class=\"scroll\"><table class=\"grid\" id=\"plan\"><thead><tr><th \
         class=\"num\">STT</th><th>Nhiệm vụ</th><th>Sản phẩm</th><th>Cơ quan chủ trì</th>\
         <th>Cơ quan phối hợp</th><th>Thời gian thực hiện</th><th>Tình trạng</th><th>Cập nhật \
         gần nhất</th></tr></thead><tbody>",
    );
    let mut areas = Vec::new();
    for t in &plan.tasks {
        if !areas.contains(&t.area) {
            areas.push(t.area);
        }
    }
    for area in areas {
        put!(
            &mut body,
            "<tr class=\"group-row\"><td colspan=\"8\">{}. {}</td></tr>",
            area.roman(),
            esc(area.label_vi())
        );
        for t in plan.tasks_in(area) {
            let progress = t.progress(day, plan.year);
            let class = match progress {
                Progress::Done => "up",
                Progress::Overdue => "bad",
                _ => "",
            };
            let status = match &progress {
                Progress::Cancelled { reason } => {
                    format!("{} ({})", progress.label_vi(), esc(reason))
                }
                other => other.label_vi().to_string(),
            };
            let last = t.reported_on(day).map_or(String::new(), |e| {
                let evidence: Vec<String> = e.evidence.iter().map(|d| d.cite()).collect();
                format!(
                    "{} · {}{}{}",
                    e.as_of.vn(),
                    esc(&e.by),
                    if evidence.is_empty() {
                        String::new()
                    } else {
                        format!(" · {}", esc(&evidence.join("; ")))
                    },
                    if e.note.is_empty() {
                        String::new()
                    } else {
                        format!(" · {}", esc(&e.note))
                    }
                )
            });
            put!(
                &mut body,
                "<tr data-task=\"{}\"><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td class=\"{class}\">{status}</td><td \
                 class=\"small\">{last}</td></tr>",
                t.no,
                t.no,
                esc(&t.text),
                esc(&t.products.join("; ")),
                esc(&parties(&t.lead)),
                esc(&parties(&t.coordinating)),
                esc(&t.deadline_text)
            );
        }
    }
    body.push_str("</tbody></table></div>");
    if units.allowed(caller, Action::FillForms, &unit.code).is_ok() {
        put!(
            &mut body,
            "<section class=\"noprint\" id=\"task-status\"><h2>Cập nhật tình trạng nhiệm \
             vụ</h2><p class=\"note\">Lịch sử chỉ ghi thêm: ngày cập nhật không trước lần \
             trước; không thực hiện (hủy) phải ghi lý do. Tình trạng quá hạn và tỷ lệ hoàn \
             thành do chiso tính.</p><form class=\"upload\" method=\"post\" \
             action=\"/cchc/units/{}/plan?year={year}\"><input type=\"hidden\" name=\"csrf\" \
             value=\"{}\"><label>Nhiệm vụ<select name=\"task\">",
            url_component(&unit.code),
            esc(caller.csrf())
        );
        for t in &plan.tasks {
            let text: String = t.text.chars().take(70).collect();
            put!(
                &mut body,
                "<option value=\"{}\">{}. {}</option>",
                t.no,
                t.no,
                esc(&text)
            );
        }
        body.push_str("</select></label><label>Tình trạng<select name=\"status\">");
        for label in [
            "Đã thực hiện",
            "Đang triển khai thực hiện",
            "Chưa tới thời gian thực hiện",
            "Không thực hiện",
        ] {
            put!(&mut body, "<option>{label}</option>");
        }
        put!(
            &mut body,
            "</select></label><label>Ngày<input type=\"date\" name=\"date\" value=\"{}\" \
             required></label><label>Văn bản (số ký hiệu, cách nhau bởi ;)<input \
             name=\"evidence\"></label><label>Ghi chú, lý do<input name=\"note\"></label>\
             <button type=\"submit\">Ghi</button></form></section>",
            day.iso()
        );
    }
    Ok(pages::frame(
        &format!("Kế hoạch CCHC {year}: {}", unit.name),
        Nav::Reform,
        units.inventory.as_deref(),
        &body,
    ))
}

// (f) Yearly results

/// `GET /cchc/results`: the yearly indices of the caller's units (and of
/// the units above them), with their trends.
pub async fn results(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Html<String>, PageError> {
    Ok(state
        .run(move |ctx| {
            let store = ctx.store();
            let units = Units::for_page(ctx)?;
            let all = cchc::results(store, None).map_err(failed)?;
            let shown = |code: &str| match caller.principal.roots(Action::ReadDossiers) {
                None => true,
                Some(roots) => roots
                    .iter()
                    .any(|r| units.within(r, code) || units.within(code, r)),
            };
            let kept: Vec<_> = all.into_iter().filter(|r| shown(&r.unit)).collect();
            Ok(results_page(&units, &kept))
        })
        .await?)
}

fn results_page(units: &Units, results: &[chiso_cchc::results::IndexResult]) -> Html<String> {
    let mut body = String::from(
        "<p class=\"crumbs noprint\"><a href=\"/cchc\">« Báo cáo CCHC</a></p><h1>Kết quả các \
         chỉ số hằng năm</h1><p class=\"sub\">Chỉ số CCHC (PAR Index), SIPAS, PAPI và Chỉ số \
         phục vụ người dân, doanh nghiệp theo năm, như đã công bố (nhập bằng <code>chiso results \
         import</code>).</p>",
    );
    if results.is_empty() {
        body.push_str("<p class=\"empty\">Chưa có kết quả nào được nhập.</p>");
    }
    for kind in IndexKind::ALL {
        let mut of_kind: Vec<_> = results.iter().filter(|r| r.index == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        of_kind.sort_by(|a, b| {
            let top = |r: &&chiso_cchc::results::IndexResult| {
                units.get(&r.unit).is_some_and(|u| u.parent_code.is_none())
            };
            top(b)
                .cmp(&top(a))
                .then_with(|| a.unit.cmp(&b.unit))
                .then_with(|| a.year.cmp(&b.year))
        });
        let mut years: Vec<i32> = of_kind.iter().map(|r| r.year).collect();
        years.sort_unstable();
        years.dedup();
        let mut unit_codes: Vec<&str> = of_kind.iter().map(|r| r.unit.as_str()).collect();
        unit_codes.dedup();
        put!(
            &mut body,
            "<section class=\"results\" data-index=\"{}\"><h2>{}</h2>",
            kind.code(),
            esc(kind.label_vi())
        );
        // The trend of the units with two years or more (at most the chart's colours).
        let series: Vec<Series> = unit_codes
            .iter()
            .filter(|code| of_kind.iter().filter(|r| r.unit == **code).count() > 1)
            .take(charts::SERIES_COLOURS.len())
            .map(|code| Series {
                name: units.name(code),
                values: years
                    .iter()
                    .map(|y| {
                        of_kind
                            .iter()
                            .find(|r| r.unit == *code && r.year == *y)
                            .map(|r| r.value.to_f64())
                    })
                    .collect(),
            })
            .collect();
        if !series.is_empty() && years.len() > 1 {
            let y_max = of_kind
                .iter()
                .map(|r| r.max.unwrap_or(r.value).to_f64())
                .fold(0.0_f64, f64::max);
            let labels: Vec<String> = years.iter().map(|y| y.to_string()).collect();
            body.push_str(&charts::trend(&labels, &series, y_max.max(1.0), "điểm"));
        }
        body.push_str(
            "<div class=\"scroll\"><table class=\"grid\"><thead><tr><th>Đơn vị</th><th \
             class=\"num\">Năm</th><th class=\"num\">Kết quả</th><th class=\"num\">Tối đa</th>\
             <th class=\"num\">Xếp hạng</th><th class=\"num\">So với năm trước</th><th \
             class=\"num\">Thứ hạng</th><th>Xếp loại</th><th>Thành phần</th></tr></thead><tbody>",
        );
        for r in &of_kind {
            let components: Vec<String> = r
                .components
                .iter()
                .map(|c| {
                    format!(
                        "{}: {}{}",
                        c.name,
                        c.value.vi(),
                        c.max.map(|m| format!("/{}", m.vi())).unwrap_or_default()
                    )
                })
                .collect();
            put!(
                &mut body,
                "<tr data-unit=\"{}\"><td class=\"unit\">{}</td><td class=\"num\">{}</td><td \
                 class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td \
                 class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td \
                 class=\"small\">{}</td></tr>",
                esc(&r.unit),
                esc(&units.name(&r.unit)),
                r.year,
                r.value.vi(),
                r.max.map_or("-".to_string(), |m| m.vi()),
                match (r.rank, r.among) {
                    (Some(rank), Some(among)) => format!("{rank}/{among}"),
                    (Some(rank), None) => rank.to_string(),
                    _ => "-".to_string(),
                },
                pages::change(r.change().map(|d| d.to_f64())),
                pages::rank_change(r.rank_change()),
                esc(&r.class),
                esc(&components.join("; "))
            );
        }
        body.push_str("</tbody></table></div></section>");
    }
    pages::frame(
        "Kết quả chỉ số hằng năm",
        Nav::Reform,
        units.inventory.as_deref(),
        &body,
    )
}
