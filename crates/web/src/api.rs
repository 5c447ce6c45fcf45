//! The JSON API under `/api/v1`: units, methodologies, scores, ranking,
//! explain, reconcile, imports and health. The shapes are this module's own
//! types (the core's types are not serialised), except `/scores` and
//! `/reconcile`, which are the core's `scoring::document` and
//! `reconcile::document`, the JSON of `chiso score` and `chiso reconcile`
//! with `--format json`.
//! Every route is listed in [`routes`], which the router and the OpenAPI
//! test both read.

use std::collections::{BTreeMap, HashMap};

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{header, Method, StatusCode, Uri};
use axum::routing::{get, post, MethodRouter};
use axum::Json;
use chiso_core::engine::IndexStore;
use chiso_core::methodology::{Methodology, Rule};
use chiso_core::period::Period;
use chiso_core::records::Unit;
use chiso_core::scoring::{document, Hierarchy};
use chiso_core::time::{Date, Instant};
use chiso_ingest::RecordKind;
use serde::{Deserialize, Serialize};

use crate::access::{self, Caller, Scope};
use crate::error::Error;
use crate::imports::{self, Upload, UPLOAD_LIMIT};
use crate::params::Params;
use crate::ranking;
use crate::state::{AppState, Memo};

/// One route of the API.
pub struct ApiRoute {
    pub method: Method,
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
}

/// Every API route. The OpenAPI document must describe each one (a test checks it).
pub fn routes() -> Vec<ApiRoute> {
    let route = |method: Method, path, handler| ApiRoute {
        method,
        path,
        handler,
    };
    vec![
        route(Method::GET, "/api/v1/health", get(health)),
        route(Method::GET, "/api/v1/units", get(units)),
        route(Method::GET, "/api/v1/methodologies", get(methodologies)),
        route(Method::GET, "/api/v1/scores", get(scores)),
        route(Method::GET, "/api/v1/ranking", get(ranking)),
        route(Method::GET, "/api/v1/explain", get(explain)),
        route(Method::GET, "/api/v1/reconcile", get(reconcile)),
        route(Method::GET, "/api/v1/publications", get(publications)),
        route(Method::POST, "/api/v1/publications", post(publish)),
        route(
            Method::GET,
            "/api/v1/units/{code}/at-risk",
            get(crate::warn::at_risk),
        ),
        route(
            Method::GET,
            "/api/v1/units/{code}/what-if",
            get(crate::warn::what_if),
        ),
        route(
            Method::POST,
            "/api/v1/imports",
            post(import).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        ),
        route(
            Method::POST,
            "/api/v1/events",
            post(events).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        ),
        route(
            Method::POST,
            "/api/v1/sync/DongBoHoSoMC",
            post(sync_dossiers).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        ),
        route(
            Method::POST,
            "/api/v1/sync/CapNhatTienDoHoSoMC",
            post(sync_steps).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        ),
        route(Method::GET, "/api/openapi.json", get(openapi)),
    ]
}

type ApiResult<T> = Result<Json<T>, Error>;

/// A period as the API shows it.
#[derive(Serialize)]
pub struct PeriodDto {
    pub code: String,
    pub label: String,
    pub from: String,
    pub to: String,
}

impl From<&Period> for PeriodDto {
    fn from(p: &Period) -> Self {
        PeriodDto {
            code: p.code(),
            label: p.label_vi(),
            from: p.from.iso(),
            to: p.to.iso(),
        }
    }
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    database: Database,
}

#[derive(Serialize)]
struct Database {
    units: i64,
    procedures: i64,
    dossiers: i64,
    feedback: i64,
    quarantined: i64,
    first_received: Option<String>,
    latest_received: Option<String>,
}

async fn health(State(state): State<AppState>) -> ApiResult<Health> {
    let inv = state.run(|ctx| ctx.inventory()).await?;
    let instant = |t: Option<i64>| t.map(|t| Instant::from_unix(t).iso());
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        database: Database {
            units: inv.units,
            procedures: inv.procedures,
            dossiers: inv.dossiers,
            feedback: inv.feedback,
            quarantined: inv.quarantined,
            first_received: instant(inv.first_received),
            latest_received: instant(inv.latest_received),
        },
    }))
}

/// A unit and the units whose parent it is.
#[derive(Serialize)]
struct UnitNode {
    code: String,
    name: String,
    kind: &'static str,
    kind_label: &'static str,
    parent: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    successor: Option<String>,
    scored: bool,
    children: Vec<UnitNode>,
}

#[derive(Serialize)]
struct UnitTree {
    units: Vec<UnitNode>,
}

async fn units(State(state): State<AppState>, scope: Scope, uri: Uri) -> Result<Memo, Error> {
    state
        .memo(access::cache_key(&scope, &uri), move |ctx| {
            Memo::json(&unit_tree(&ctx.store().hierarchy()?, &scope))
        })
        .await
}

/// The units as a forest of parent links.
fn unit_tree(hierarchy: &Hierarchy, scope: &Scope) -> UnitTree {
    let all: Vec<&Unit> = hierarchy.units.iter().map(|(_, u)| u).collect();
    let mut children: HashMap<&str, Vec<&Unit>> = HashMap::new();
    let mut roots = Vec::new();
    for u in &all {
        match u
            .parent_code
            .as_deref()
            .filter(|p| hierarchy.get(p).is_some())
        {
            Some(p) => children.entry(p).or_default().push(u),
            None => roots.push(*u),
        }
    }
    // Parent links form a forest: each unit is reached once, from its root
    // (units caught in a cycle of parent links are never reached).
    fn node(u: &Unit, children: &HashMap<&str, Vec<&Unit>>, scope: &Scope) -> UnitNode {
        let day = |d: Option<Date>| d.map(Date::iso);
        UnitNode {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.code(),
            kind_label: u.kind.label_vi(),
            parent: u.parent_code.clone(),
            valid_from: day(u.valid_from),
            valid_to: day(u.valid_to),
            successor: u.successor_code.clone(),
            scored: u.scored,
            children: children
                .get(u.code.as_str())
                .map(|kids| {
                    kids.iter()
                        .filter(|k| scope.permits(&k.code))
                        .map(|k| node(k, children, scope))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
    let units = roots
        .into_iter()
        .filter(|u| scope.permits(&u.code))
        .map(|u| node(u, &children, scope))
        .collect();
    UnitTree { units }
}

#[derive(Serialize)]
struct MethodologyList {
    period: PeriodDto,
    in_force: Option<String>,
    versions: Vec<MethodologyDto>,
}

#[derive(Serialize)]
pub struct MethodologyDto {
    id: String,
    name: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
    source: String,
    total: f64,
    groups: Vec<GroupDto>,
    criteria: Vec<CriterionDto>,
}

#[derive(Serialize)]
struct GroupDto {
    id: String,
    name: String,
    name_en: String,
    max: f64,
}

#[derive(Serialize)]
struct CriterionDto {
    id: String,
    group: String,
    code: Option<String>,
    name: String,
    name_en: String,
    numerator: String,
    denominator: String,
    rule: &'static str,
    threshold: Option<f64>,
    targets: BTreeMap<String, f64>,
    max: f64,
    no_data: &'static str,
    levels: Vec<&'static str>,
    goals: BTreeMap<String, f64>,
    source: String,
    provisional: bool,
}

impl From<&Methodology> for MethodologyDto {
    fn from(m: &Methodology) -> Self {
        let years = |t: &BTreeMap<i32, f64>| t.iter().map(|(y, v)| (y.to_string(), *v)).collect();
        MethodologyDto {
            id: m.id.clone(),
            name: m.name.clone(),
            valid_from: m.valid_from.map(Date::iso),
            valid_to: m.valid_to.map(Date::iso),
            source: m.source.clone(),
            total: m.total,
            groups: m
                .groups
                .iter()
                .map(|g| GroupDto {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    name_en: g.name_en.clone(),
                    max: g.max,
                })
                .collect(),
            criteria: m
                .criteria
                .iter()
                .map(|c| {
                    let (rule, threshold, targets) = match &c.rule {
                        Rule::Linear => ("linear", None, BTreeMap::new()),
                        Rule::Threshold(t) => ("threshold", Some(*t), BTreeMap::new()),
                        Rule::Target(table) => ("target", None, years(table)),
                    };
                    CriterionDto {
                        id: c.id.clone(),
                        group: c.group.clone(),
                        code: c.code.clone(),
                        name: c.name.clone(),
                        name_en: c.name_en.clone(),
                        numerator: c.numerator.to_string(),
                        denominator: c.denominator.to_string(),
                        rule,
                        threshold,
                        targets,
                        max: c.max,
                        no_data: c.no_data.code(),
                        levels: c.levels.iter().map(|l| l.code()).collect(),
                        goals: years(&c.goals),
                        source: c.source.clone(),
                        provisional: c.provisional,
                    }
                })
                .collect(),
        }
    }
}

async fn methodologies(
    State(state): State<AppState>,
    scope: Scope,
    uri: Uri,
    params: Params,
) -> Result<Memo, Error> {
    state
        .memo(access::cache_key(&scope, &uri), move |ctx| {
            let period = ctx.period(&scope, &params)?;
            let set = ctx.methodologies()?;
            Memo::json(&MethodologyList {
                period: (&period).into(),
                in_force: set.in_force(period.to).map(|m| m.id.clone()),
                versions: set.versions.iter().map(MethodologyDto::from).collect(),
            })
        })
        .await
}

async fn scores(
    State(state): State<AppState>,
    scope: Scope,
    uri: Uri,
    params: Params,
) -> Result<Memo, Error> {
    state
        .memo(access::cache_key(&scope, &uri), move |ctx| {
            let period = ctx.period(&scope, &params)?;
            let level = params.level()?;
            let sheet = ctx.sheet(&scope, &period)?;
            let unit = params.get("unit");
            if let Some(code) = unit {
                access::resolve_unit(&scope, &sheet, code)?;
            }
            let mut doc = document::build(&sheet, unit);
            doc.units.retain(|e| {
                sheet
                    .unit(&e.code)
                    .is_some_and(|u| level.keep(u) && scope.permits(&u.code))
            });
            Memo::json(&doc)
        })
        .await
}

#[derive(Serialize)]
struct RankingDoc {
    methodology: String,
    period: PeriodDto,
    /// When the data stops inside the period: the instant it was judged at.
    as_of: Option<String>,
    previous_period: PeriodDto,
    groups: Vec<GroupHead>,
    sections: Vec<SectionDto>,
}

#[derive(Serialize)]
struct GroupHead {
    id: String,
    name: String,
    max: f64,
}

#[derive(Serialize)]
struct SectionDto {
    kind: &'static str,
    kind_label: &'static str,
    parent: Option<String>,
    parent_name: Option<String>,
    peers_average: Option<f64>,
    group_averages: Vec<Option<f64>>,
    units: Vec<RankedUnit>,
}

#[derive(Serialize)]
struct RankedUnit {
    position: usize,
    code: String,
    name: String,
    total: Option<f64>,
    rank: Option<usize>,
    rank_of: usize,
    previous_total: Option<f64>,
    delta: Option<f64>,
    previous_rank: Option<usize>,
    rank_change: Option<i64>,
    groups: Vec<document::GroupEntry>,
}

async fn ranking(
    State(state): State<AppState>,
    scope: Scope,
    uri: Uri,
    params: Params,
) -> Result<Memo, Error> {
    state
        .memo(access::cache_key(&scope, &uri), move |ctx| {
            let period = ctx.period(&scope, &params)?;
            let level = params.level()?;
            let sheet = ctx.sheet(&scope, &period)?;
            let set = ctx.methodologies()?;
            let m = set
                .get(&sheet.methodology)
                .ok_or_else(|| Error::UnknownMethodology(sheet.methodology.clone()))?;
            let sections = ranking::sections(&sheet, &scope, &level)
                .into_iter()
                .map(|s| SectionDto {
                    kind: s.first().kind.code(),
                    kind_label: s.first().kind.label_vi(),
                    parent: s.first().parent.clone(),
                    parent_name: s.parent_name.clone(),
                    peers_average: s.peers_average,
                    group_averages: s.group_averages.clone(),
                    units: s
                        .units
                        .iter()
                        .enumerate()
                        .map(|(i, u)| RankedUnit {
                            position: i + 1,
                            code: u.code.clone(),
                            name: u.name.clone(),
                            total: u.total,
                            rank: u.rank,
                            rank_of: u.rank_of,
                            previous_total: u.previous_total,
                            delta: u.delta,
                            previous_rank: u.previous_rank,
                            rank_change: ranking::rank_change(u),
                            groups: u
                                .groups
                                .iter()
                                .map(|g| document::GroupEntry {
                                    id: g.id.clone(),
                                    points: g.points,
                                    max: g.max,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect();
            Memo::json(&RankingDoc {
                methodology: sheet.methodology.clone(),
                period: (&sheet.period).into(),
                as_of: sheet.as_of.map(Instant::iso),
                previous_period: (&sheet.previous_period).into(),
                groups: m
                    .groups
                    .iter()
                    .map(|g| GroupHead {
                        id: g.id.clone(),
                        name: g.name.clone(),
                        max: g.max,
                    })
                    .collect(),
                sections,
            })
        })
        .await
}

#[derive(Serialize)]
struct ExplainDoc {
    methodology: String,
    period: PeriodDto,
    /// When the data stops inside the period: the instant it was judged at.
    as_of: Option<String>,
    unit: String,
    criterion: String,
    criterion_name: String,
    computed_at: String,
    record_kind: &'static str,
    total: usize,
    failed: usize,
    page: usize,
    per_page: usize,
    pages: usize,
    items: Vec<ExplainItemDto>,
}

#[derive(Serialize)]
struct ExplainItemDto {
    record: &'static str,
    id: String,
    unit: String,
    label: String,
    received_at: Option<String>,
    in_numerator: bool,
    failed: bool,
    reason: Option<String>,
}

async fn explain(
    State(state): State<AppState>,
    scope: Scope,
    uri: Uri,
    params: Params,
) -> Result<Memo, Error> {
    state
        .memo(access::cache_key(&scope, &uri), move |ctx| {
            let period = ctx.period(&scope, &params)?;
            let unit = params
                .get("unit")
                .ok_or_else(|| Error::parameter("unit", "cần mã đơn vị"))?;
            let criterion = params
                .get("criterion")
                .ok_or_else(|| Error::parameter("criterion", "cần mã chỉ số, ví dụ 2.1"))?;
            let paging = params.paging(50)?;
            let sheet = ctx.sheet(&scope, &period)?;
            let unit = access::resolve_dossier_unit(&scope, &sheet, unit)?;
            let set = ctx.methodologies()?;
            let c = set
                .get(&sheet.methodology)
                .and_then(|m| m.criterion(criterion))
                .ok_or_else(|| Error::UnknownCriterion {
                    criterion: criterion.to_string(),
                    methodology: sheet.methodology.clone(),
                })?;
            let e = ctx.explanation(&period, &unit.code, &c.id)?;
            let items = e.items[paging.range(e.items.len())]
                .iter()
                .map(|i| ExplainItemDto {
                    record: i.record.code(),
                    id: i.id.clone(),
                    unit: i.unit_code.clone(),
                    label: i.label.clone(),
                    received_at: i.received_at.map(Instant::iso),
                    in_numerator: i.in_numerator,
                    failed: i.failed,
                    reason: i.reason.clone(),
                })
                .collect();
            Memo::json(&ExplainDoc {
                methodology: e.methodology.clone(),
                period: (&period).into(),
                as_of: e.as_of.map(Instant::iso),
                unit: e.unit_code.clone(),
                criterion: e.criterion.clone(),
                criterion_name: c.name.clone(),
                computed_at: e.computed_at.clone(),
                record_kind: e.record_kind.code(),
                total: e.items.len(),
                failed: e.items.iter().filter(|i| i.failed).count(),
                page: paging.page,
                per_page: paging.per_page,
                pages: paging.pages(e.items.len()),
                items,
            })
        })
        .await
}

/// `GET /api/v1/reconcile?period=&unit=`: the portal's published figures
/// beside chiso's (no units when none were imported for the period).
async fn reconcile(
    State(state): State<AppState>,
    scope: Scope,
    uri: Uri,
    params: Params,
) -> Result<Memo, Error> {
    state
        .memo(access::cache_key(&scope, &uri), move |ctx| {
            let period = ctx.period(&scope, &params)?;
            let rec = crate::reconcile::reconciliation(ctx, &scope, &period, params.get("unit"))?;
            Memo::json(&chiso_core::reconcile::document::build(&rec))
        })
        .await
}

#[derive(Serialize)]
pub struct ImportDoc {
    summary: SummaryDto,
    rejected: Vec<RejectedDto>,
}

#[derive(Serialize)]
struct SummaryDto {
    file: String,
    kind: String,
    read: u64,
    inserted: u64,
    replaced: u64,
    rejected: u64,
    missing_columns: Vec<String>,
}

#[derive(Serialize)]
struct RejectedDto {
    line: i64,
    column: Option<String>,
    reason: String,
    raw: String,
}

impl From<chiso_core::storage::QuarantinedRow> for RejectedDto {
    fn from(r: chiso_core::storage::QuarantinedRow) -> Self {
        RejectedDto {
            line: r.line,
            column: r.column,
            reason: r.reason,
            raw: r.raw,
        }
    }
}

impl From<imports::Outcome> for ImportDoc {
    fn from(o: imports::Outcome) -> Self {
        let s = o.summary;
        ImportDoc {
            summary: SummaryDto {
                file: s.file,
                kind: s.kind,
                read: s.read,
                inserted: s.inserted,
                replaced: s.replaced,
                rejected: s.rejected,
                missing_columns: s.missing_columns,
            },
            rejected: o.rejected.into_iter().map(RejectedDto::from).collect(),
        }
    }
}

/// `POST /api/v1/imports`: a multipart form (`kind`, `format`, `file`), or
/// the file itself as the body with `?kind=&format=&name=`.
async fn import(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
    request: Request<Body>,
) -> ApiResult<ImportDoc> {
    let by = imports::Actor::of(&caller, "import");
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let upload = if multipart {
        let form = Multipart::from_request(request, &())
            .await
            .map_err(|_| Error::parameter("file", "dữ liệu multipart/form-data không hợp lệ"))?;
        imports::Form::read(form).await?.upload(by)?
    } else {
        let kind = imports::record_kind(params.get("kind"))?;
        let name = params.get("name").unwrap_or("tai-len").to_string();
        // The format: `?format=`, else the body's Content-Type, else the
        // name; the content has the last word (chiso_ingest::Format::sniff).
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(chiso_ingest::Format::from_content_type);
        let format = match params.get("format") {
            Some(f) => Some(imports::file_format(Some(f), &name)?),
            None => content_type.or_else(|| imports::file_format(None, &name).ok()),
        };
        let bytes = body_bytes(request).await?;
        Upload {
            name,
            kind,
            format,
            bytes: bytes.to_vec(),
            unit: None,
            arrived_at: None,
            by,
        }
    };
    let outcome = state.run(move |ctx| imports::import(ctx, upload)).await?;
    Ok(Json(outcome.into()))
}

/// The answer of the sync pushes, in the national portal's style.
#[derive(Serialize)]
pub struct SyncAnswer {
    /// `0` every record accepted; `-1` some rejected (listed) or nothing read.
    error_code: String,
    message: String,
    read: u64,
    accepted: u64,
    rejected: Vec<RejectedDto>,
}

fn sync_refusal(status: StatusCode, message: String) -> (StatusCode, Json<SyncAnswer>) {
    (
        status,
        Json(SyncAnswer {
            error_code: "-1".into(),
            message,
            read: 0,
            accepted: 0,
            rejected: Vec::new(),
        }),
    )
}

/// `POST /api/v1/sync/DongBoHoSoMC`: a one-stop system points its dossier
/// synchronisation at chiso as at the portal; the body unchanged.
async fn sync_dossiers(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
    request: Request<Body>,
) -> (StatusCode, Json<SyncAnswer>) {
    let by = imports::Actor::of(&caller, "push");
    sync(
        state,
        by,
        params,
        request,
        RecordKind::Dossiers,
        "DongBoHoSoMC",
    )
    .await
}

/// `POST /api/v1/sync/CapNhatTienDoHoSoMC`: processing steps, the body unchanged.
async fn sync_steps(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
    request: Request<Body>,
) -> (StatusCode, Json<SyncAnswer>) {
    sync(
        state,
        imports::Actor::of(&caller, "push"),
        params,
        request,
        RecordKind::Steps,
        "CapNhatTienDoHoSoMC",
    )
    .await
}

async fn sync(
    state: AppState,
    by: imports::Actor,
    params: Params,
    request: Request<Body>,
    kind: RecordKind,
    service: &'static str,
) -> (StatusCode, Json<SyncAnswer>) {
    let unit = params.get("MaDinhDanhDV").map(str::to_string);
    let bytes = match body_bytes(request).await {
        Ok(b) => b,
        Err(e) => return sync_refusal(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()),
    };
    let upload = Upload {
        name: service.to_string(),
        kind,
        format: Some(chiso_ingest::Format::Json),
        bytes: bytes.to_vec(),
        unit,
        arrived_at: Some(access::now()),
        by,
    };
    match state.run(move |ctx| imports::import(ctx, upload)).await {
        Ok(outcome) => {
            let s = &outcome.summary;
            let accepted = s.accepted();
            let (code, message) = if s.rejected == 0 && s.read > 0 {
                ("0", format!("Thành công: nhận {accepted} bản ghi"))
            } else if s.read == 0 {
                ("-1", "Không có bản ghi nào trong data".to_string())
            } else {
                (
                    "-1",
                    format!(
                        "Nhận {accepted} bản ghi, từ chối {} (xem rejected)",
                        s.rejected
                    ),
                )
            };
            let read = s.read;
            (
                StatusCode::OK,
                Json(SyncAnswer {
                    error_code: code.into(),
                    message,
                    read,
                    accepted,
                    rejected: outcome
                        .rejected
                        .into_iter()
                        .map(RejectedDto::from)
                        .collect(),
                }),
            )
        }
        Err(Error::UnreadableFile(m)) => sync_refusal(StatusCode::BAD_REQUEST, m),
        Err(e) => sync_refusal(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The result of `POST /api/v1/events`.
#[derive(Serialize)]
pub struct FeedDoc {
    read: u64,
    new: u64,
    duplicates: u64,
    rejected: Vec<RejectedDto>,
    dossiers: u64,
    waiting: Vec<WaitingDto>,
}

#[derive(Serialize)]
struct WaitingDto {
    dossier_id: String,
    reason: String,
}

/// `POST /api/v1/events`: the real-time feed, dossier events as JSON Lines in
/// the body (`?name=` names the sender in the quarantine). Events may arrive
/// in any order and more than once; each dossier is the fold of its events.
async fn events(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
    request: Request<Body>,
) -> ApiResult<FeedDoc> {
    let by = imports::Actor::of(&caller, "push");
    let name = params.get("name").unwrap_or("luong-su-kien").to_string();
    let bytes = body_bytes(request).await?;
    if chiso_ingest::is_steps_payload(&bytes) {
        // Processing steps (CapNhatTienDoHoSoMC) go through the same feed.
        let upload = Upload {
            name,
            kind: RecordKind::Steps,
            format: None,
            bytes: bytes.to_vec(),
            unit: None,
            arrived_at: None,
            by,
        };
        let outcome = state.run(move |ctx| imports::import(ctx, upload)).await?;
        let s = &outcome.summary;
        return Ok(Json(FeedDoc {
            read: s.read,
            new: s.inserted,
            duplicates: s.replaced,
            dossiers: 0,
            waiting: Vec::new(),
            rejected: outcome
                .rejected
                .into_iter()
                .map(RejectedDto::from)
                .collect(),
        }));
    }
    let doc = state
        .run(move |ctx| {
            ctx.importing(|store| {
                let before = imports::quarantine_mark(store)?;
                let feed = chiso_ingest::events::read_events(&name, bytes.as_ref());
                let s = chiso_app::apply_feed(store, &name, feed)?;
                ctx.metrics()
                    .import_rows("events", s.new + s.duplicates, s.rejected);
                chiso_app::accounts::audit(
                    &*store,
                    access::now(),
                    &by.who,
                    &by.from,
                    by.action,
                    &format!(
                        "kind=events file={} read={} new={} duplicates={} rejected={}",
                        name.replace(' ', "_"),
                        s.read,
                        s.new,
                        s.duplicates,
                        s.rejected
                    ),
                )?;
                let rejected = imports::quarantined_since(store, before, &name, "events")?
                    .into_iter()
                    .map(RejectedDto::from)
                    .collect();
                Ok(FeedDoc {
                    read: s.read,
                    new: s.new,
                    duplicates: s.duplicates,
                    rejected,
                    dossiers: s.dossiers,
                    waiting: s
                        .waiting
                        .into_iter()
                        .map(|(dossier_id, reason)| WaitingDto { dossier_id, reason })
                        .collect(),
                })
            })
        })
        .await?;
    Ok(Json(doc))
}

/// A request body up to the upload limit.
async fn body_bytes(request: Request<Body>) -> Result<axum::body::Bytes, Error> {
    axum::body::to_bytes(request.into_body(), UPLOAD_LIMIT)
        .await
        .map_err(|_| Error::PayloadTooLarge(UPLOAD_LIMIT / (1024 * 1024)))
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

/// A published version as the API shows it.
#[derive(Serialize, Deserialize)]
pub struct PublicationDto {
    pub period: String,
    pub version: u32,
    pub methodology: String,
    /// The data's as-of instant when published (RFC 3339), when the data
    /// stopped inside the period.
    pub as_of: Option<String>,
    pub published_at: String,
    pub published_by: String,
    pub reason: Option<String>,
    /// SHA-256 (hex) of the frozen score sheets.
    pub content_hash: String,
    pub units: usize,
}

impl From<&chiso_core::publication::Stamp> for PublicationDto {
    fn from(s: &chiso_core::publication::Stamp) -> Self {
        PublicationDto {
            period: s.period.clone(),
            version: s.version,
            methodology: s.methodology.clone(),
            as_of: s.as_of.map(|t| Instant::from_unix(t).iso()),
            published_at: Instant::from_unix(s.published_at).iso(),
            published_by: s.published_by.clone(),
            reason: s.reason.clone(),
            content_hash: s.content_hash.clone(),
            units: s.units,
        }
    }
}

#[derive(Serialize, Deserialize)]
pub struct PublicationList {
    pub publications: Vec<PublicationDto>,
}

async fn publications(
    State(state): State<AppState>,
    scope: Scope,
    uri: Uri,
) -> Result<Memo, Error> {
    state
        .memo(access::cache_key(&scope, &uri), move |ctx| {
            Memo::json(&PublicationList {
                publications: ctx.stamps()?.iter().map(PublicationDto::from).collect(),
            })
        })
        .await
}

/// What `POST /api/v1/publications` takes.
#[derive(Deserialize)]
pub struct PublishRequest {
    pub period: String,
    pub reason: Option<String>,
}

async fn publish(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    body: axum::body::Bytes,
) -> ApiResult<PublicationDto> {
    let request: PublishRequest = serde_json::from_slice(&body).map_err(|e| {
        Error::parameter(
            "body",
            format!("cần JSON {{\"period\": \"2026-10\", \"reason\": \"…\"}}: {e}"),
        )
    })?;
    let period =
        Period::parse(&request.period).map_err(|_| Error::InvalidPeriod(request.period.clone()))?;
    let stamp =
        crate::pages::publications::publish_as(&state, &caller, period, request.reason).await?;
    Ok(Json(PublicationDto::from(&stamp)))
}
