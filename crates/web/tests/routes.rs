//! Every page and API route, in process (tower `oneshot`, no TCP), on a small
//! province built with the store's writer: status codes, content, the JSON
//! of `/api/v1/scores` against the core's document, explain paging against
//! the engine, uploads (raw body, multipart, the import page) with their
//! rejected rows, cache invalidation, and the OpenAPI document: every route
//! described, every response received here valid against its schema.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chiso_core::calendar::Holiday;
use chiso_core::engine::{self, IndexStore};
use chiso_core::period::Period;
use chiso_core::records::*;
use chiso_core::scoring::document;
use chiso_core::time::{Date, Instant, Month};
use chiso_ingest::{Record, RecordKind};
use chiso_store::Store;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

mod common;

// ---------------------------------------------------------------- fixture

fn unit(code: &str, name: &str, parent: Option<&str>, kind: UnitKind) -> Unit {
    Unit {
        code: code.into(),
        name: name.into(),
        parent_code: parent.map(String::from),
        kind,
        valid_from: None,
        valid_to: None,
        successor_code: None,
        scored: true,
    }
}

const COMMUNES: &[&str] = &["X1", "X2", "X3"];
const UNITS_WITH_DOSSIERS: &[&str] = &["S1", "S2", "X1", "X2", "X3"];

fn procedures() -> Vec<Procedure> {
    (0..6)
        .map(|i| {
            let mut p = Procedure::new(&format!("1.00{i}"), &format!("Thủ tục số {i}"));
            p.max_days = Some(3 + i);
            p.has_fee = i % 2 == 0;
            p.paper_result = i % 3 != 0;
            p.online_level =
                [OnlineLevel::None, OnlineLevel::Partial, OnlineLevel::Full][(i % 3) as usize];
            p.citizen_facing = true;
            p.decision_date = Date::parse("2026-01-10").map(|d| d.add_days(i as i32 * 9));
            p.legal_effective_date = p
                .decision_date
                .map(|d| d.add_days(if i % 2 == 0 { 3 } else { 30 }));
            p.published_at = p.decision_date.map(|d| d.add_days(i as i32 % 3 * 4));
            p.complete_parts = i != 4;
            p
        })
        .collect()
}

/// Dossiers of January to March 2026, deterministic, of varied quality per unit.
fn dossiers() -> Vec<Dossier> {
    let start = Date::parse("2026-01-01").map_or(0, |d| d.start().unix());
    (0..600)
        .map(|i: i64| {
            let who = (i % 5) as usize;
            let received = Instant::from_unix(start + (i * 12_947) % (89 * 86_400));
            let mut d = Dossier::new(
                &format!("HS{i:04}"),
                UNITS_WITH_DOSSIERS[who],
                &format!("1.00{}", i % 6),
                received,
            );
            d.channel = if (i + who as i64) % 3 == 0 {
                Channel::InPerson
            } else {
                Channel::Online
            };
            d.due_at = Some(received.add_seconds(86_400 * (3 + i % 7)));
            d.status = DossierStatus::Finished;
            d.finished_at =
                Some(received.add_seconds(3_600 * ((i * 37) % (24 * 9 + who as i64 * 30))));
            d.synced = i % 10 != 0;
            d.fee_amount = if i % 2 == 0 { 50_000 } else { 0 };
            d.paid_online = if i % (2 + who as i64) == 0 { 1 } else { 0 };
            d.e_result = i % (2 + who as i64) != 1;
            d.digitized = i % 4 != 0;
            d.reused_data = i % 3 == 0;
            d.citizen_data_used = i % 2 == 0;
            d.rating = if i % 23 == 0 {
                Some(Rating::Unsatisfied)
            } else {
                None
            };
            d
        })
        .collect()
}

fn load(store: &mut Store) {
    let mut w = store.writer("units", "fixture").expect("writer");
    for u in [
        unit("P", "UBND tỉnh Thử Nghiệm", None, UnitKind::Province),
        unit("S1", "Sở Tư pháp", Some("P"), UnitKind::Department),
        unit("S2", "Sở Y tế", Some("P"), UnitKind::Department),
        unit("X1", "UBND xã An Bình", Some("P"), UnitKind::Commune),
        unit("X2", "UBND xã Tân Phú", Some("P"), UnitKind::Commune),
        unit(
            "X3",
            "UBND phường Hòa <Lạc> & \"Mỹ\"",
            Some("P"),
            UnitKind::Commune,
        ),
    ] {
        w.put_unit(&u).expect("unit");
    }
    w.commit(6).expect("commit");
    let mut w = store.writer("procedures", "fixture").expect("writer");
    for p in procedures() {
        w.put_procedure(&p).expect("procedure");
    }
    w.commit(6).expect("commit");
    let mut w = store.writer("holidays", "fixture").expect("writer");
    for day in [
        "2026-01-01",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
    ] {
        w.put_holiday(&Holiday {
            date: Date::parse(day).expect("day"),
            name: "Nghỉ lễ".into(),
        })
        .expect("holiday");
    }
    w.commit(6).expect("commit");
    let mut w = store.writer("dossiers", "fixture").expect("writer");
    for d in dossiers() {
        w.put_dossier(&d).expect("dossier");
    }
    w.commit(600).expect("commit");
    let mut w = store.writer("feedback", "fixture").expect("writer");
    let start = Date::parse("2026-01-05").map_or(0, |d| d.start().unix());
    for i in 0..30i64 {
        let received = Instant::from_unix(start + i * 2 * 86_400);
        w.put_feedback(&Feedback {
            id: format!("PA{i}"),
            unit_code: COMMUNES[(i % 3) as usize].into(),
            received_at: received,
            outcome: FeedbackOutcome::Answered,
            handled_at: Some(received.add_seconds(86_400 * (i % 25))),
            published_at: Some(received.add_seconds(86_400 * (i % 25 + 1))),
            likes: (i % 4) as u32,
            dislikes: (i % 3) as u32,
            repeated: i % 11 == 0,
        })
        .expect("feedback");
    }
    w.commit(30).expect("commit");
    let mut w = store.writer("counts", "fixture").expect("writer");
    for m in 1..=3 {
        for code in COMMUNES {
            w.put_counts(&UnitCounts {
                unit_code: (*code).into(),
                month: Month::new(2026, m),
                verified_accounts: 120,
                e_certified_copies: 30,
                certification_dossiers: 70,
                population: 9_000,
            })
            .expect("counts");
        }
    }
    w.commit(9).expect("commit");
}

struct Fixture {
    _dir: tempfile::TempDir,
    db: PathBuf,
    app: Router,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("web.db");
    load(&mut Store::open(&db).expect("store"));
    let app = common::as_admin(&db, chiso_web::router(db.clone()).expect("router"));
    Fixture { _dir: dir, db, app }
}

// ---------------------------------------------------------------- requests

struct Reply {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("infallible service");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Reply {
        status,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

async fn page(app: &Router, uri: &str) -> String {
    let r = get(app, uri).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
    assert!(
        r.content_type.starts_with("text/html"),
        "{uri}: {}",
        r.content_type
    );
    assert!(
        r.body.contains("Dữ liệu cập nhật đến <strong>"),
        "{uri}: freshness line on every page"
    );
    r.body
}

/// A successful API call whose body matches the operation's schema.
async fn api(app: &Router, uri: &str) -> Value {
    let r = get(app, uri).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
    assert!(r.content_type.starts_with("application/json"), "{uri}");
    let value = r.json();
    check_response(uri, "get", "200", &value);
    value
}

/// A failed API call: its status, the error code, and a body matching the Error schema.
async fn api_error(app: &Router, request: Request<Body>, status: StatusCode, code: &str) {
    let uri = request.uri().to_string();
    let r = send(app, request).await;
    assert_eq!(r.status, status, "{uri}: {}", r.body);
    assert_eq!(r.error_code(), code, "{uri}: {}", r.body);
    let message = r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        !message.is_empty() && !message.contains("rusqlite") && !message.contains("panicked"),
        "{message}"
    );
    validate(&r.json(), &schema_ref("Error"), &uri);
}

fn get_request(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

// ---------------------------------------------------------------- pages

#[tokio::test]
async fn overview_ranks_every_level_with_averages_and_defaults_to_the_latest_month() {
    let f = fixture();
    let html = page(&f.app, "/").await;
    assert!(html.contains("tháng 03/2026"), "latest month with data");
    assert!(html.contains("SỞ, BAN, NGÀNH THUỘC UBND TỈNH THỬ NGHIỆM"));
    assert!(html.contains("UBND CẤP XÃ THUỘC UBND TỈNH THỬ NGHIỆM"));
    assert!(html.contains("Trung bình cùng cấp"));
    assert!(
        html.contains("UBND phường Hòa &lt;Lạc&gt; &amp; &quot;Mỹ&quot;"),
        "names are escaped"
    );
    assert!(!html.contains("Hòa <Lạc>"));
    assert!(html.contains("href=\"/units/X1?period=2026-03\""));
    assert!(html.contains("so sánh với tháng 02/2026"));
    for class in ["up", "down"] {
        assert!(
            html.contains(&format!("class=\"{class}\"")),
            "arrows for the change: {class}"
        );
    }
    // The quarter, by code and by the selector's fields, and one level.
    let quarter = page(&f.app, "/?period=2026-Q1").await;
    assert!(quarter.contains("quý I năm 2026"));
    assert_eq!(
        page(&f.app, "/?type=quarter&year=2026&quarter=1")
            .await
            .matches("data-rank=")
            .count(),
        quarter.matches("data-rank=").count()
    );
    let communes = page(&f.app, "/?period=2026-02&kind=commune&parent=P").await;
    assert_eq!(communes.matches("data-rank=").count(), 3);
    assert!(!communes.contains("Sở Tư pháp</a>"));
    assert!(page(&f.app, "/?period=2026-01-05..2026-02-20")
        .await
        .contains("từ 05/01/2026 đến 20/02/2026"));
}

#[tokio::test]
async fn unit_page_has_gauges_criteria_trend_comparison_and_a_paged_explain_list() {
    let f = fixture();
    let html = page(&f.app, "/units/X1?period=2026-03").await;
    assert!(html.contains("<h1>UBND xã An Bình</h1>"));
    assert_eq!(
        html.matches("<svg class=\"gauge\"").count(),
        7,
        "total and six groups"
    );
    assert!(html.contains("class=\"grid criteria\""));
    for id in ["1.1", "2.1", "4.3", "6.7"] {
        assert!(html.contains(&format!("<td>{id}</td>")), "criterion {id}");
    }
    assert!(
        html.contains("svg class=\"trend\"") && html.contains("<polyline"),
        "12-month trend"
    );
    assert!(html.contains("So sánh với trung bình cùng cấp"));
    assert!(
        html.contains("id=\"giai-trinh\"") && html.contains("class=\"grid explain-list\""),
        "explain list by default"
    );
    assert!(
        html.contains("lấy theo kết quả của UBND tỉnh Thử Nghiệm"),
        "inherited catalogue criteria"
    );

    assert!(
        html.contains("class=\"multiples\"")
            && html.matches("svg class=\"small-trend\"").count() == 6,
        "each group on a small chart of its own"
    );

    // Failed records only by default when there are some; all on request.
    let failed = page(&f.app, "/units/X1?period=2026-Q1&criterion=2.1").await;
    assert!(failed.contains("class=\"failed\""), "X1 has late dossiers");
    assert!(
        !failed.contains("class=\"passed\""),
        "failed only by default"
    );
    assert!(failed.contains("<span class=\"current\">Chỉ hồ sơ không đạt"));
    let all = page(&f.app, "/units/X1?period=2026-Q1&criterion=2.1&show=all").await;
    assert!(all.contains("<span class=\"current\">Tất cả"));
    assert!(
        all.contains("<span class=\"proc\">"),
        "procedure names with their codes"
    );
    assert_eq!(
        get(&f.app, "/units/X1?period=2026-Q1&criterion=2.1&show=some")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );

    let p2 = page(
        &f.app,
        "/units/X1?period=2026-Q1&criterion=2.1&show=all&page=2",
    )
    .await;
    assert!(p2.contains("Giải trình chỉ số 2.1"));
    assert!(p2.contains("Trang 2/"));
    assert!(
        p2.contains("<td class=\"num\">26</td>"),
        "second page starts at item 26"
    );

    let csv = get(&f.app, "/units/X1/explain.csv?period=2026-Q1&criterion=2.1").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    let store = Store::open(&f.db).expect("store");
    let set = store.methodologies().expect("methodologies");
    let e = engine::explain(
        &store,
        &set,
        &Period::parse("2026-Q1").expect("period"),
        "X1",
        "2.1",
    )
    .expect("explain");
    assert_eq!(
        csv.body.lines().count(),
        e.items.len() + 1,
        "header and every record"
    );
    let failed_items = e.items.iter().filter(|i| i.failed).count();
    assert!(failed_items > 0 && failed_items < e.items.len());
    assert!(
        failed.contains(&format!("Trang 1/{}.", failed_items.div_ceil(25))),
        "pages of failed records only"
    );
    assert!(
        all.contains(&format!("Trang 1/{}.", e.items.len().div_ceil(25))),
        "pages of every record"
    );
    assert!(csv
        .body
        .starts_with("\u{feff}record,id,unit,label,received_at,in_numerator,failed,reason"));
}

#[tokio::test]
async fn criterion_methodology_import_pages_and_assets() {
    let f = fixture();
    let c = page(&f.app, "/criteria/4.3?period=2026-03&kind=commune").await;
    assert!(c.contains("Tỷ lệ hồ sơ thanh toán trực tuyến"));
    assert!(c.contains("svg class=\"bars\""));
    assert_eq!(
        c.matches("<rect class=\"bar").count(),
        3,
        "one bar per commune"
    );

    let m = page(&f.app, "/methodology?period=2026-03").await;
    assert!(m.contains("766-2026") && m.contains("có hiệu lực cho kỳ tháng 03/2026"));
    assert!(
        m.contains("class=\"badge provisional\""),
        "provisional weights marked"
    );
    assert!(m.contains("Nghị quyết 02/NQ-CP") || m.contains("Chỉ tiêu"));
    let old = page(&f.app, "/methodology?period=2026-03&version=766-2023").await;
    assert!(old.contains("không phải phiên bản áp dụng"));

    let import = page(&f.app, "/import").await;
    assert!(import.contains("enctype=\"multipart/form-data\"") && import.contains("name=\"kind\""));

    for (path, kind) in [
        ("/assets/chiso.css", "text/css"),
        ("/assets/chiso.js", "text/javascript"),
        ("/assets/emblem.svg", "image/svg+xml"),
    ] {
        let r = get(&f.app, path).await;
        assert_eq!(
            (r.status, r.content_type.starts_with(kind)),
            (StatusCode::OK, true),
            "{path}"
        );
    }
    let css = get(&f.app, "/assets/chiso.css").await.body;
    assert!(
        css.contains("@media print") && css.contains("size: A4"),
        "print stylesheet"
    );
}

#[tokio::test]
async fn page_errors_are_pages_with_the_right_status() {
    let f = fixture();
    for (uri, status) in [
        ("/units/NOPE", StatusCode::NOT_FOUND),
        ("/units/X1?criterion=9.9", StatusCode::NOT_FOUND),
        ("/criteria/9.9", StatusCode::NOT_FOUND),
        ("/?period=2026-13", StatusCode::BAD_REQUEST),
        ("/?period=99999999999", StatusCode::BAD_REQUEST),
        ("/?type=decade&year=2026", StatusCode::BAD_REQUEST),
        ("/?kind=galaxy", StatusCode::BAD_REQUEST),
        ("/units/X1?page=0", StatusCode::BAD_REQUEST),
        ("/methodology?version=nope", StatusCode::NOT_FOUND),
        ("/no/such/page", StatusCode::NOT_FOUND),
        ("/assets/nope.css", StatusCode::NOT_FOUND),
    ] {
        let r = get(&f.app, uri).await;
        assert_eq!(r.status, status, "{uri}: {}", r.body);
        assert!(r.content_type.starts_with("text/html"), "{uri}");
        assert!(r.body.contains("Không hiển thị được trang"), "{uri}");
    }
}

// ---------------------------------------------------------------- API

#[tokio::test]
async fn scores_are_exactly_the_cli_document() {
    let f = fixture();
    let store = Store::open(&f.db).expect("store");
    let set = store.methodologies().expect("methodologies");
    for p in ["2026-03", "2026-Q1", "2026-02-01..2026-03-15"] {
        let sheet = engine::score(&store, &set, &Period::parse(p).expect("period")).expect("score");
        // Byte for byte: the same serialisation of the same document.
        let expected = serde_json::to_string(&document::build(&sheet, None)).expect("json");
        api(&f.app, &format!("/api/v1/scores?period={p}")).await;
        assert_eq!(
            get(&f.app, &format!("/api/v1/scores?period={p}"))
                .await
                .body,
            expected,
            "{p}"
        );
        let one = serde_json::to_string(&document::build(&sheet, Some("X2"))).expect("json");
        assert_eq!(
            get(&f.app, &format!("/api/v1/scores?period={p}&unit=X2"))
                .await
                .body,
            one,
            "{p}"
        );
    }
    let communes = api(&f.app, "/api/v1/scores?period=2026-03&kind=commune").await;
    let codes: Vec<&str> = communes["units"]
        .as_array()
        .map(|u| u.iter().filter_map(|x| x["code"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(codes.len(), 3);
    assert!(codes.iter().all(|c| c.starts_with('X')));
    assert_eq!(
        api(&f.app, "/api/v1/scores?period=2026-03&parent=S1").await["units"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
}

#[tokio::test]
async fn ranking_units_methodologies_health() {
    let f = fixture();
    let r = api(&f.app, "/api/v1/ranking?period=2026-03").await;
    assert_eq!(r["period"]["code"], "2026-03");
    assert_eq!(r["previous_period"]["code"], "2026-02");
    let sections = r["sections"].as_array().cloned().unwrap_or_default();
    assert_eq!(sections.len(), 3, "province, departments, communes");
    let communes = &sections[2];
    assert_eq!(communes["kind"], "commune");
    assert_eq!(communes["parent_name"], "UBND tỉnh Thử Nghiệm");
    let totals: Vec<f64> = communes["units"]
        .as_array()
        .map(|u| u.iter().filter_map(|x| x["total"].as_f64()).collect())
        .unwrap_or_default();
    assert!(
        totals.windows(2).all(|w| w[0] >= w[1]),
        "rank order: {totals:?}"
    );
    let average = totals.iter().sum::<f64>() / totals.len() as f64;
    assert!((communes["peers_average"].as_f64().unwrap_or(0.0) - average).abs() < 1e-9);
    assert_eq!(
        api(&f.app, "/api/v1/ranking?period=2026-03&kind=department").await["sections"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    let units = api(&f.app, "/api/v1/units").await;
    assert_eq!(units["units"][0]["code"], "P");
    assert_eq!(
        units["units"][0]["children"].as_array().map(Vec::len),
        Some(5)
    );

    let m = api(&f.app, "/api/v1/methodologies?period=2024-05").await;
    assert_eq!(m["in_force"], "766-2023");
    assert!(m["versions"].as_array().is_some_and(|v| v.len() >= 2));

    let h = api(&f.app, "/api/v1/health").await;
    assert_eq!(h["status"], "ok");
    assert_eq!(h["database"]["dossiers"], 600);
    assert!(h["database"]["latest_received"]
        .as_str()
        .is_some_and(|t| t.starts_with("2026-03")));
}

#[tokio::test]
async fn explain_is_the_engines_paged() {
    let f = fixture();
    let store = Store::open(&f.db).expect("store");
    let set = store.methodologies().expect("methodologies");
    let e = engine::explain(
        &store,
        &set,
        &Period::parse("2026-Q1").expect("period"),
        "P",
        "2.1",
    )
    .expect("explain");
    let doc = api(
        &f.app,
        "/api/v1/explain?period=2026-Q1&unit=P&criterion=2.1&page=2&per_page=50",
    )
    .await;
    assert_eq!(doc["total"], e.items.len());
    assert_eq!(doc["failed"], e.items.iter().filter(|i| i.failed).count());
    assert_eq!(doc["pages"], e.items.len().div_ceil(50));
    assert_eq!(doc["items"][0]["id"], e.items[50].id.as_str());
    assert_eq!(doc["items"].as_array().map(Vec::len), Some(50));
    let last = api(
        &f.app,
        &format!(
            "/api/v1/explain?period=2026-Q1&unit=P&criterion=2.1&page={}&per_page=50",
            e.items.len().div_ceil(50)
        ),
    )
    .await;
    assert_eq!(
        last["items"].as_array().map(Vec::len),
        Some(e.items.len() - 50 * (e.items.len().div_ceil(50) - 1))
    );
    let catalogue = api(
        &f.app,
        "/api/v1/explain?period=2026-Q1&unit=X1&criterion=1.1",
    )
    .await;
    assert_eq!(
        catalogue["computed_at"], "P",
        "inherited criteria are explained where computed"
    );
    assert_eq!(catalogue["record_kind"], "catalogue");
}

#[tokio::test]
async fn api_errors_are_json_with_stable_codes() {
    let f = fixture();
    for (uri, status, code) in [
        (
            "/api/v1/scores?period=2026-13",
            StatusCode::BAD_REQUEST,
            "invalid_period",
        ),
        (
            "/api/v1/ranking?period=1999",
            StatusCode::BAD_REQUEST,
            "invalid_period",
        ),
        (
            "/api/v1/ranking?period=2026-01-01..99999-01-01",
            StatusCode::BAD_REQUEST,
            "invalid_period",
        ),
        (
            "/api/v1/methodologies?period=%FF%FE",
            StatusCode::BAD_REQUEST,
            "invalid_period",
        ),
        (
            "/api/v1/scores?period=2026-03&unit=NOPE",
            StatusCode::NOT_FOUND,
            "unknown_unit",
        ),
        (
            "/api/v1/scores?period=2026-03&kind=planet",
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            "/api/v1/explain?period=2026-03&criterion=2.1",
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            "/api/v1/explain?period=2026-03&unit=X1&criterion=9.9",
            StatusCode::NOT_FOUND,
            "unknown_criterion",
        ),
        (
            "/api/v1/explain?period=2026-03&unit=X1&criterion=2.1&per_page=0",
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            "/api/v1/explain?period=2026-03&unit=X1&criterion=2.1&page=abc",
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        ("/api/v1/nope", StatusCode::NOT_FOUND, "not_found"),
    ] {
        api_error(&f.app, get_request(uri), status, code).await;
    }
    let post = Request::post("/api/v1/units")
        .body(Body::empty())
        .expect("request");
    api_error(
        &f.app,
        post,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    let no_kind = Request::post("/api/v1/imports?format=csv")
        .body(Body::from("a,b\n1,2\n"))
        .expect("request");
    api_error(
        &f.app,
        no_kind,
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
    )
    .await;
    let unreadable = Request::post("/api/v1/imports?kind=dossiers&format=csv")
        .body(Body::from("nothing,useful\n1,2\n"))
        .expect("request");
    api_error(
        &f.app,
        unreadable,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unreadable_file",
    )
    .await;
    let broken = Request::post("/api/v1/imports")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=zz")
        .body(Body::from(
            "--zz\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndossiers",
        ))
        .expect("request");
    let r = send(&f.app, broken).await;
    assert!(r.status.is_client_error(), "{}", r.body);
}

/// A dossiers CSV: `good` new dossiers of X1 in March 2026 and one of an unknown unit.
fn upload_csv(first: usize, good: usize) -> String {
    let received = Date::parse("2026-03-20")
        .map_or(Instant::from_unix(0), |d| d.start().add_seconds(9 * 3600));
    let mut csv = RecordKind::Dossiers.csv_header();
    csv.push('\n');
    for i in first..first + good {
        let mut d = Dossier::new(&format!("UP{i:04}"), "X1", "1.001", received);
        d.status = DossierStatus::Finished;
        d.finished_at = Some(received.add_seconds(3600));
        csv.push_str(&Record::Dossier(d).to_csv_row());
        csv.push('\n');
    }
    csv.push_str(
        &Record::Dossier(Dossier::new("UPBAD", "NO-SUCH-UNIT", "1.001", received)).to_csv_row(),
    );
    csv.push('\n');
    csv
}

fn multipart(kind: &str, file_name: &str, content: &str) -> (String, String) {
    let boundary = "chisoTESTboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{content}\r\n\
         --{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn uploads_return_the_summary_and_every_rejected_row_and_refresh_results() {
    let f = fixture();
    let received_before = api(&f.app, "/api/v1/scores?period=2026-03&unit=X1").await["units"][0]
        ["criteria"]
        .as_array()
        .and_then(|c| {
            c.iter()
                .find(|x| x["id"] == "1.4")
                .and_then(|x| x["denominator"].as_i64())
        })
        .unwrap_or(0);

    // Raw body.
    let request = Request::post("/api/v1/imports?kind=dossiers&format=csv&name=hoso-thang3.csv")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(upload_csv(0, 4)))
        .expect("request");
    let r = send(&f.app, request).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let doc = r.json();
    check_response("/api/v1/imports", "post", "200", &doc);
    assert_eq!(
        (
            doc["summary"]["read"].as_u64(),
            doc["summary"]["inserted"].as_u64(),
            doc["summary"]["rejected"].as_u64()
        ),
        (Some(5), Some(4), Some(1))
    );
    assert_eq!(doc["summary"]["file"], "hoso-thang3.csv");
    assert_eq!(doc["rejected"].as_array().map(Vec::len), Some(1));
    assert!(
        doc["rejected"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("NO-SUCH-UNIT")),
        "{doc}"
    );
    assert_eq!(doc["rejected"][0]["line"], 6);

    // Cached results follow the data.
    let received_after = api(&f.app, "/api/v1/scores?period=2026-03&unit=X1").await["units"][0]
        ["criteria"]
        .as_array()
        .and_then(|c| {
            c.iter()
                .find(|x| x["id"] == "1.4")
                .and_then(|x| x["denominator"].as_i64())
        })
        .unwrap_or(0);
    assert_eq!(received_after, received_before + 4);

    // Multipart, through the API and through the import page.
    let (content_type, body) = multipart("dossiers", "hoso.csv", &upload_csv(100, 2));
    let request = Request::post("/api/v1/imports")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    let r = send(&f.app, request).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["summary"]["inserted"], 2);
    assert_eq!(
        r.json()["rejected"].as_array().map(Vec::len),
        Some(1),
        "only this upload's rejected rows"
    );

    let (content_type, body) = multipart("dossiers", "hoso-trang.csv", &upload_csv(200, 3));
    let request = Request::post("/import")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    let r = send(&f.app, request).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r
        .body
        .contains("Kết quả nhập tệp <code>hoso-trang.csv</code>"));
    assert!(r.body.contains("Các dòng bị từ chối (1)") && r.body.contains("NO-SUCH-UNIT"));
    let (content_type, body) = multipart("planets", "x.csv", "a\n");
    let request = Request::post("/import")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    let r = send(&f.app, request).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Không nhập được tệp"));
    assert_eq!(
        api(&f.app, "/api/v1/health").await["database"]["dossiers"],
        609
    );
}

#[tokio::test]
async fn writes_by_another_process_are_seen() {
    let f = fixture();
    assert_eq!(
        api(&f.app, "/api/v1/health").await["database"]["dossiers"],
        600
    );
    let before = api(&f.app, "/api/v1/ranking?period=2026-03").await;
    let mut other = Store::open(&f.db).expect("store");
    let mut w = other.writer("dossiers", "elsewhere").expect("writer");
    let received = Date::parse("2026-03-25").map_or(Instant::from_unix(0), |d| d.start());
    for i in 0..30 {
        w.put_dossier(&Dossier::new(&format!("EX{i}"), "X2", "1.002", received))
            .expect("dossier");
    }
    w.commit(30).expect("commit");
    assert_eq!(
        api(&f.app, "/api/v1/health").await["database"]["dossiers"],
        630
    );
    assert_ne!(
        api(&f.app, "/api/v1/ranking?period=2026-03").await,
        before,
        "the cached sheet was dropped"
    );
}

// ---------------------------------------------------------------- OpenAPI

/// The document, built once for every check.
fn openapi() -> &'static Value {
    static DOC: std::sync::LazyLock<Value> = std::sync::LazyLock::new(chiso_web::openapi::document);
    &DOC
}

fn schema_ref(name: &str) -> Value {
    serde_json::json!({ "$ref": format!("#/components/schemas/{name}") })
}

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document_and_nothing_else() {
    let f = fixture();
    let served = api(&f.app, "/api/openapi.json").await;
    let doc = openapi();
    assert_eq!(&served, doc);
    assert_eq!(doc["openapi"], "3.0.3");
    let routes = chiso_web::api::routes();
    let mut described = 0;
    for (path, item) in doc["paths"].as_object().cloned().unwrap_or_default() {
        for method in item
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            described += 1;
            assert!(
                routes
                    .iter()
                    .any(|r| r.path == path && r.method.as_str().eq_ignore_ascii_case(&method)),
                "{method} {path} is described but not routed"
            );
        }
    }
    for r in &routes {
        let op = &doc["paths"][r.path][r.method.as_str().to_ascii_lowercase()];
        assert!(
            op.is_object(),
            "{} {} is routed but not described",
            r.method,
            r.path
        );
        assert!(
            op["responses"]["200"].is_object(),
            "{} {}",
            r.method,
            r.path
        );
        for status in op["responses"]
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            assert!(status.parse::<u16>().is_ok(), "{status}");
        }
        // Every route answers (no 405, no fallback 404) with its documented method.
        let uri = match r.path {
            "/api/v1/explain" => "/api/v1/explain?unit=P&criterion=2.1".to_string(),
            p => p.to_string(),
        };
        let request = Request::builder()
            .method(r.method.clone())
            .uri(&uri)
            .body(Body::empty())
            .expect("request");
        let reply = send(&f.app, request).await;
        assert!(
            reply.status != StatusCode::METHOD_NOT_ALLOWED && reply.error_code() != "not_found",
            "{} {uri}",
            r.method
        );
    }
    assert_eq!(described, routes.len());
    // References resolve.
    let text = doc.to_string();
    for name in text
        .split("#/components/schemas/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or(""))
    {
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "missing schema {name}"
        );
    }
}

/// Checks a response against its operation's schema in the document.
fn check_response(uri: &str, method: &str, status: &str, value: &Value) {
    let path = uri.split('?').next().unwrap_or(uri);
    let schema = &openapi()["paths"][path][method]["responses"][status]["content"]
        ["application/json"]["schema"];
    assert!(schema.is_object(), "no schema for {method} {path} {status}");
    validate(value, schema, uri);
}

/// A small validator for the subset of JSON Schema the document uses.
fn validate(value: &Value, schema: &Value, at: &str) {
    let doc = openapi();
    let mut schema = schema;
    while let Some(r) = schema["$ref"].as_str() {
        schema = &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")];
    }
    if value.is_null() {
        assert_eq!(
            schema["nullable"], true,
            "{at}: null where {schema} is not nullable"
        );
        return;
    }
    if let Some(options) = schema["enum"].as_array() {
        assert!(options.contains(value), "{at}: {value} not in {options:?}");
    }
    match schema["type"].as_str() {
        Some("object") => {
            let object = value
                .as_object()
                .unwrap_or_else(|| panic!("{at}: {value} is not an object"));
            for key in schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                assert!(object.contains_key(key), "{at}: missing {key}");
            }
            if let Some(properties) = schema["properties"].as_object() {
                for key in object.keys() {
                    assert!(
                        properties.contains_key(key),
                        "{at}: undocumented field {key}"
                    );
                }
                for (key, v) in object {
                    validate(v, &properties[key], &format!("{at}.{key}"));
                }
            }
            if schema["additionalProperties"].is_object() {
                for (key, v) in object {
                    validate(v, &schema["additionalProperties"], &format!("{at}.{key}"));
                }
            }
        }
        Some("array") => {
            for (i, item) in value
                .as_array()
                .unwrap_or_else(|| panic!("{at}: {value} is not an array"))
                .iter()
                .enumerate()
            {
                validate(item, &schema["items"], &format!("{at}[{i}]"));
            }
        }
        Some("string") => assert!(value.is_string(), "{at}: {value} is not a string"),
        Some("integer") => assert!(
            value.is_i64() || value.is_u64(),
            "{at}: {value} is not an integer"
        ),
        Some("number") => assert!(value.is_number(), "{at}: {value} is not a number"),
        Some("boolean") => assert!(value.is_boolean(), "{at}: {value} is not a boolean"),
        _ => {}
    }
}

#[tokio::test]
async fn overview_and_unit_pages_offer_the_official_reports_for_download() {
    let f = fixture();
    let overview = page(&f.app, "/?period=2026-03").await;
    assert!(
        overview.contains("/reports/download?period=2026-03&amp;format=xlsx"),
        "download buttons on the overview"
    );
    let unit = page(&f.app, "/units/X1?period=2026-03").await;
    assert!(
        unit.contains("&amp;unit=X1&amp;format=pdf"),
        "download buttons on the unit page"
    );
    for (format, content_type, magic) in [
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "PK",
        ),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "PK",
        ),
        ("pdf", "application/pdf", "%PDF"),
    ] {
        let r = get(
            &f.app,
            &format!("/reports/download?period=2026-03&format={format}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{format}: {}", r.body);
        assert_eq!(r.content_type, content_type);
        assert!(r.body.starts_with(magic), "{format} file");
    }
    let md = get(
        &f.app,
        "/reports/download?period=2026-03&unit=X1&kind=commune&format=md",
    )
    .await;
    assert_eq!(md.status, StatusCode::OK, "{}", md.body);
    assert!(md.body.contains("Phụ lục"), "{}", md.body);
    let bad = get(&f.app, "/reports/download?period=2026-03&format=exe").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let unknown = get(&f.app, "/reports/download?period=2026-03&unit=NOPE").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_event_feed_is_applied_in_seq_order_and_once() {
    let f = fixture();
    let feed = [
        r#"{"dossier_id": "EVX", "seq": 2, "at": "2026-03-03T10:00:00+07:00", "type": "finished"}"#,
        r#"{"dossier_id": "EVX", "seq": 1, "at": "2026-03-02T08:00:00+07:00", "type": "received", "unit_code": "X1", "procedure_code": "1.001", "due_at": "2026-03-05"}"#,
        r#"{"dossier_id": "EVY", "seq": 1, "at": "2026-03-02T08:00:00+07:00", "type": "vanished"}"#,
    ]
    .join("\n");
    let post = |body: String| {
        Request::post("/api/v1/events?name=mcdt-x1")
            .header(header::CONTENT_TYPE, "application/x-ndjson")
            .body(Body::from(body))
            .expect("request")
    };
    let r = send(&f.app, post(feed.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let doc = r.json();
    check_response("/api/v1/events", "post", "200", &doc);
    assert_eq!(
        (
            doc["read"].as_u64(),
            doc["new"].as_u64(),
            doc["dossiers"].as_u64()
        ),
        (Some(3), Some(2), Some(1))
    );
    assert_eq!(doc["rejected"][0]["column"], "type");
    let again = send(&f.app, post(feed)).await.json();
    assert_eq!(
        (
            again["new"].as_u64(),
            again["duplicates"].as_u64(),
            again["dossiers"].as_u64()
        ),
        (Some(0), Some(2), Some(0))
    );
    let store = Store::open(&f.db).expect("store");
    let e = engine::explain(
        &store,
        &store.methodologies().expect("set"),
        &Period::parse("2026-03").expect("period"),
        "X1",
        "2.1",
    )
    .expect("explain");
    assert!(
        e.items.iter().any(|i| i.id == "EVX" && !i.failed),
        "the fed dossier counts, on time"
    );
}

// ---------------------------------------------------------------- periods past the data

/// The fixture's dossiers finish into April 2026; one more dossier, open and
/// due a week after the data's last instant, makes the cut visible.
#[tokio::test]
async fn a_period_past_the_data_is_judged_as_of_the_data_everywhere() {
    let f = fixture();
    let mut store = Store::open(&f.db).expect("store");
    let as_of = store.as_of().expect("as of").expect("data");
    assert_eq!(as_of.month(), Month::new(2026, 4), "{}", as_of.vn());
    let mut open = Dossier::new("OPEN1", "X1", "1.001", as_of.add_seconds(-3_600));
    open.due_at = Some(as_of.add_seconds(7 * 86_400));
    open.status = DossierStatus::Processing;
    let mut w = store.writer("dossiers", "test").expect("writer");
    w.put_dossier(&open).expect("dossier");
    w.commit(1).expect("commit");
    assert_eq!(store.as_of().expect("as of"), Some(as_of));

    let day = as_of.date();
    let note = format!("chưa kết thúc / số liệu đến {}", day.vn());
    let quarter = api(&f.app, "/api/v1/scores?period=2026-Q2").await;
    assert_eq!(quarter["as_of"], as_of.iso());
    assert_eq!(quarter["period"]["to"], "2026-06-30", "the period as asked");
    let range = api(
        &f.app,
        &format!("/api/v1/scores?period=2026-04-01..{}", day.iso()),
    )
    .await;
    assert_eq!(range["as_of"], as_of.iso());
    let strip = |v: &Value| -> Vec<(Value, Value, Value)> {
        v["units"]
            .as_array()
            .map(|units| {
                units
                    .iter()
                    .map(|u| (u["code"].clone(), u["total"].clone(), u["criteria"].clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(strip(&quarter), strip(&range));
    assert!(api(&f.app, "/api/v1/scores?period=2026-03").await["as_of"].is_null());
    // The open dossier, due after the data, is in 2.1 but not late.
    let explain = api(
        &f.app,
        "/api/v1/explain?period=2026-Q2&unit=X1&criterion=2.1&per_page=500",
    )
    .await;
    assert_eq!(explain["as_of"], as_of.iso());
    let item = explain["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == "OPEN1"))
        .cloned()
        .expect("the open dossier is explained");
    assert_eq!(item["failed"], false);
    // The store's counters judge the quarter at its end (30/06).
    let x1 = store
        .hierarchy()
        .expect("hierarchy")
        .id_of("X1")
        .expect("X1");
    let judged_at_end = store
        .own_accumulators(&Period::parse("2026-Q2").expect("period"))
        .expect("counters")
        .get(&x1)
        .map(|a| a.values.get(chiso_core::measures::Measure::TimelinessLate));
    let x1_late = quarter["units"]
        .as_array()
        .and_then(|u| u.iter().find(|u| u["code"] == "X1"))
        .and_then(|u| u["criteria"].as_array().cloned())
        .and_then(|c| c.into_iter().find(|c| c["id"] == "2.1"))
        .map(|c| c["denominator"].as_i64().unwrap_or(0) - c["numerator"].as_i64().unwrap_or(0));
    assert_eq!(
        judged_at_end.map(|late| late > x1_late.unwrap_or(0)),
        Some(true),
        "judged at the end of June the open dossier would be late"
    );
    assert_eq!(
        api(&f.app, "/api/v1/ranking?period=2026-Q2").await["as_of"],
        as_of.iso()
    );
    // Pages and reports say so.
    for uri in [
        "/?period=2026-Q2",
        "/units/X1?period=2026-Q2&criterion=2.1",
        "/criteria/2.1?period=2026-Q2",
    ] {
        let html = page(&f.app, uri).await;
        assert!(html.contains(&note), "{uri}");
    }
    let report = get(&f.app, "/reports/download?period=2026-Q2&format=md").await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert!(report.body.contains(&note), "{}", report.body);
}

#[tokio::test]
async fn a_period_after_the_data_is_refused_with_a_stable_code() {
    let f = fixture();
    let as_of = Store::open(&f.db)
        .expect("store")
        .as_of()
        .expect("as of")
        .expect("data");
    for uri in [
        "/api/v1/scores?period=2026-05",
        "/api/v1/ranking?period=2027-05",
        "/api/v1/explain?period=2026-05&unit=X1&criterion=2.1",
    ] {
        let request = Request::get(uri).body(Body::empty()).expect("request");
        api_error(
            &f.app,
            request,
            StatusCode::UNPROCESSABLE_ENTITY,
            "period_after_data",
        )
        .await;
        let message = get(&f.app, uri).await.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            message.contains(&format!(
                "bắt đầu sau ngày có số liệu cuối cùng ({})",
                as_of.date().vn()
            )),
            "{uri}: {message}"
        );
    }
    for uri in ["/?period=2026-05", "/units/X1?period=2027-05"] {
        let r = get(&f.app, uri).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert!(
            r.body.contains("Không hiển thị được trang")
                && r.body.contains("chưa thể chấm điểm một kỳ chưa diễn ra")
                && r.body.contains("period_after_data"),
            "{uri}: {}",
            r.body
        );
    }
}

#[tokio::test]
async fn a_database_without_records_says_where_to_get_some() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("empty.db");
    {
        let mut store = Store::open(&db).expect("store");
        let mut w = store.writer("units", "test").expect("writer");
        w.put_unit(&unit("P", "UBND tỉnh Thử Nghiệm", None, UnitKind::Province))
            .expect("unit");
        w.commit(1).expect("commit");
    }
    let app = chiso_web::router(db.clone()).expect("router");
    let r = get(&app, "/").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("Chưa có dữ liệu để chấm điểm") && r.body.contains("href=\"/import\""),
        "{}",
        r.body
    );
    // The public: nothing published; a signed-in user: no data.
    api_error(
        &app,
        Request::get("/api/v1/scores?period=2026-03")
            .body(Body::empty())
            .expect("request"),
        StatusCode::NOT_FOUND,
        "not_published",
    )
    .await;
    api_error(
        &common::as_admin(&db, app.clone()),
        Request::get("/api/v1/scores?period=2026-03")
            .body(Body::empty())
            .expect("request"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_data",
    )
    .await;
}

// ---------------------------------------------------------------- reconcile

/// Stores the portal's answer for March 2026: chiso's own figures, except
/// that the portal counts every dossier of S1 as synchronised (1.4 at full
/// marks); S1 by code, X2 by name, X1 by code.
fn publish_march(db: &std::path::Path) -> f64 {
    let mut store = Store::open(db).expect("store");
    let march = Period::parse("2026-03").expect("period");
    let set = store.methodologies().expect("methodologies");
    let sheet = engine::score(&store, &set, &march).expect("score");
    let mut rows = Vec::new();
    let mut lost_on_sync = 0.0;
    for (code, by_name) in [("S1", false), ("X2", true), ("X1", false)] {
        let u = sheet.unit(code).expect("scored");
        let sync = u.criteria.iter().find(|c| c.id == "1.4").expect("1.4");
        let lost = if code == "S1" {
            sync.max - sync.points.unwrap_or(sync.max)
        } else {
            0.0
        };
        if code == "S1" {
            lost_on_sync = lost;
        }
        let mut row = serde_json::json!({
            "ID": if by_name { "" } else { code },
            "TEN": if by_name { "ubnd xa tan phu" } else { u.name.as_str() },
            "TONG_SCORE": format!("{:.4}", u.total.unwrap_or(0.0) + lost),
        });
        for (g, column) in u
            .groups
            .iter()
            .zip(["CKMB", "TDGQ", "TTTT", "CLGQ", "MDHL", "MDSH"])
        {
            let extra = if g.id == "1" { lost } else { 0.0 };
            row[column] = format!("{:.4}", g.points.unwrap_or(0.0) + extra).into();
        }
        rows.push(row);
    }
    let units: Vec<Unit> = store
        .hierarchy()
        .expect("hierarchy")
        .units
        .into_iter()
        .map(|(_, u)| u)
        .collect();
    let text = serde_json::json!({ "error_code": "0", "result": rows }).to_string();
    let read =
        chiso_ingest::published::read_bytes("cong.json", text.as_bytes(), &units, Some(march))
            .expect("readable");
    let s = chiso_app::import_published(&mut store, &read).expect("import");
    assert_eq!((s.inserted, s.rejected), (3, 0));
    lost_on_sync
}

#[tokio::test]
async fn reconcile_sets_the_portals_figures_beside_chisos_and_explains_the_largest_gap() {
    let f = fixture();
    let lost = publish_march(&f.db);
    assert!(lost > 0.1, "S1 has dossiers the portal never received");

    let doc = api(&f.app, "/api/v1/reconcile?period=2026-03").await;
    assert_eq!(doc["period"]["code"], "2026-03");
    let units = doc["units"].as_array().expect("units");
    assert_eq!(units.len(), 3);
    assert_eq!(units[0]["code"], "S1", "the largest difference first");
    let s1 = &units[0];
    let d = s1["groups"][0]["difference"].as_f64().expect("both sides");
    assert!((d + lost).abs() < 1e-3, "{d} against {lost}");
    assert_eq!(s1["largest_group"], "1");
    assert_eq!(s1["examined"], true);
    let sync = s1["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .find(|c| c["id"] == "1.4")
        .expect("1.4");
    assert_eq!(sync["explained"], true);
    assert_eq!(sync["failed"], s1["unsynced"]);
    assert!(sync["examples"]
        .as_array()
        .expect("examples")
        .iter()
        .all(|e| e["reason"] == "chưa đồng bộ lên Cổng DVCQG"));
    for other in &units[1..] {
        let d = other["total"]["difference"].as_f64().expect("both sides");
        assert!(d.abs() < 1e-3, "{other}");
    }
    let x2 = units
        .iter()
        .find(|u| u["code"] == "X2")
        .expect("X2 by name");
    assert_eq!(x2["portal_name"], "ubnd xa tan phu");
    assert_eq!(x2["name"], "UBND xã Tân Phú");

    let one = api(&f.app, "/api/v1/reconcile?period=2026-03&unit=X2").await;
    assert_eq!(one["units"].as_array().map(Vec::len), Some(1));
    let none = api(&f.app, "/api/v1/reconcile?period=2026-02").await;
    assert_eq!(none["units"].as_array().map(Vec::len), Some(0));
    api_error(
        &f.app,
        get_request("/api/v1/reconcile?period=2026-03&unit=S2"),
        StatusCode::NOT_FOUND,
        "unknown_unit",
    )
    .await;
    api_error(
        &f.app,
        get_request("/api/v1/reconcile?period=2026-13"),
        StatusCode::BAD_REQUEST,
        "invalid_period",
    )
    .await;

    let html = page(&f.app, "/reconcile?period=2026-03").await;
    for text in [
        "Đối chiếu kết quả Cổng DVCQG công bố với chiso tháng 03/2026",
        "N1 CKMB",
        "Giải trình các chênh lệch lớn nhất",
        "Lệch nhiều nhất ở nhóm 1 Công khai, minh bạch: chiso thấp hơn Cổng",
        "chưa đồng bộ lên Cổng DVCQG",
        "href=\"/units/S1?period=2026-03&amp;criterion=1.4#giai-trinh\"",
        &chiso_core::format::signed(-lost),
    ] {
        assert!(html.contains(text), "{text}");
    }
    let empty = page(&f.app, "/reconcile?period=2026-02").await;
    assert!(empty.contains("Chưa có kết quả Cổng DVCQG công bố cho tháng 02/2026"));
    assert!(empty.contains("<a href=\"/reconcile?period=2026-03\">2026-03</a>"));
    let overview = page(&f.app, "/?period=2026-03").await;
    assert!(overview.contains("href=\"/reconcile?period=2026-03\""));
}

/// A successful call of a `/api/v1/units/{code}/…` route, its body checked
/// against the schema `name`.
async fn unit_api(app: &Router, uri: &str, route: &str, name: &str) -> Value {
    let r = get(app, uri).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
    let value = r.json();
    let doc = openapi();
    assert!(
        doc["paths"][route]["get"]["responses"]["200"].is_object(),
        "{route} documented"
    );
    validate(&value, &doc["components"]["schemas"][name], uri);
    value
}

#[tokio::test]
async fn at_risk_and_what_if_of_a_unit() {
    let f = fixture();
    // 10/02/2026 as the data stood then: dossiers still open, some due soon.
    let v = unit_api(
        &f.app,
        "/api/v1/units/P/at-risk?at=2026-02-10&days=3",
        "/api/v1/units/{code}/at-risk",
        "AtRisk",
    )
    .await;
    assert_eq!(v["unit"], "P");
    assert_eq!(v["horizon_days"], 3);
    let late: Vec<&str> = v["dossiers"]
        .as_array()
        .expect("dossiers")
        .iter()
        .map(|d| d["late_at"].as_str().expect("late_at"))
        .collect();
    assert!(!late.is_empty(), "{v}");
    assert!(
        late.windows(2).all(|w| w[0] <= w[1]),
        "by deadline: {late:?}"
    );
    assert!(late.iter().all(|l| *l > "2026-02-10T23:59:59"));
    let o = unit_api(
        &f.app,
        "/api/v1/units/X1/what-if?at=2026-02-10&lever=digitized&n=2",
        "/api/v1/units/{code}/what-if",
        "WhatIfOutcome",
    )
    .await;
    assert!(o["dossiers"].as_array().expect("dossiers").len() <= 2);
    let before = o["total_before"].as_f64().expect("total");
    let p = unit_api(
        &f.app,
        &format!(
            "/api/v1/units/X1/what-if?at=2026-02-10&target={}",
            before + 0.5
        ),
        "/api/v1/units/{code}/what-if",
        "WhatIfPlan",
    )
    .await;
    assert!(p["steps"].is_array());
    // The unit page of the month the data stops inside shows the section.
    let html = page(&f.app, "/units/P?period=2026-04").await;
    for part in [
        "<h2>Việc cần làm</h2>",
        "Dự báo tổng điểm cuối tháng 04/2026: khoảng",
        "<h3>1. Sắp trễ hạn</h3>",
        "<h3>2. Cách tăng điểm nhanh nhất</h3>",
        "<h3>3. Liên hệ</h3>",
    ] {
        assert!(html.contains(part), "the unit head's section: {part}");
    }
    assert!(
        html.find("class=\"head-first\"") < html.find("class=\"summary\""),
        "what to act on comes first"
    );
    let html = page(&f.app, "/units/P?period=2026-01").await;
    assert!(
        !html.contains("Sắp trễ hạn"),
        "not for a month that is over"
    );
    for (uri, code) in [
        ("/api/v1/units/P/at-risk?days=0", "invalid_parameter"),
        ("/api/v1/units/P/at-risk?at=hôm-qua", "invalid_parameter"),
        ("/api/v1/units/P/what-if?lever=bay", "invalid_parameter"),
        ("/api/v1/units/P/what-if", "invalid_parameter"),
        ("/api/v1/units/KHONG/at-risk", "unknown_unit"),
    ] {
        let r = get(&f.app, uri).await;
        assert_eq!(r.error_code(), code, "{uri}: {}", r.body);
    }
}
