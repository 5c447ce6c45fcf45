//! The operations routes, in process (tower `oneshot`) on a real database
//! file: `/metrics` parsed line by line and counting requests, import rows,
//! cache lookups and the data's lag, `/healthz`, and `/readyz` turning to
//! 503 when the file's schema is older, the file is not a database or the
//! file is gone. (The request log is checked in `logs.rs`, alone in its
//! process: a test subscriber sees every event only without other tests'
//! threads.)

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chiso_core::records::{Dossier, DossierStatus};
use chiso_core::time::{Date, Instant};
use chiso_ingest::{from_text, Format, Record, RecordKind};
use chiso_store::Store;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

mod common;

fn setup() -> (tempfile::TempDir, std::path::PathBuf, Router) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("ops.db");
    let mut store = Store::open(&db).expect("store");
    for (kind, text) in [
        (
            RecordKind::Units,
            "code,name,parent_code,kind\nP,UBND tỉnh,,province\nS1,Sở Tư pháp,P,department\n",
        ),
        (
            RecordKind::Procedures,
            "code,name,max_days\n1.001,Chứng thực,3\n",
        ),
    ] {
        let reader = from_text(kind, "seed.csv", Format::Csv, text).expect("read");
        chiso_app::import(&mut store, reader, |_, _| {}).expect("import");
    }
    drop(store);
    let app = common::as_admin(&db, chiso_web::router(db.clone()).expect("router"));
    (dir, db, app)
}

struct Reply {
    status: StatusCode,
    request_id: Option<String>,
    content_type: String,
    body: String,
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.expect("response");
    let header_text = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let request_id = header_text(chiso_web::ops::REQUEST_ID);
    let content_type = header_text(header::CONTENT_TYPE).unwrap_or_default();
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Reply {
        status,
        request_id,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

/// Dossiers CSV: `good` dossiers of S1 received on 2026-03-20 and one of an
/// unknown unit.
fn dossiers_csv(good: usize) -> String {
    let received = Date::parse("2026-03-20")
        .map_or(Instant::from_unix(0), |d| d.start().add_seconds(9 * 3600));
    let dossier = |id: &str, unit: &str| {
        let mut d = Dossier::new(id, unit, "1.001", received);
        d.status = DossierStatus::Finished;
        d.finished_at = Some(received.add_seconds(3600));
        Record::Dossier(d).to_csv_row()
    };
    let mut csv = RecordKind::Dossiers.csv_header();
    csv.push('\n');
    for i in 0..good {
        csv.push_str(&dossier(&format!("HS{i}"), "S1"));
        csv.push('\n');
    }
    csv.push_str(&dossier("HSX", "NO-SUCH-UNIT"));
    csv.push('\n');
    csv
}

async fn import(app: &Router, good: usize) -> Value {
    let request = Request::post("/api/v1/imports?kind=dossiers&format=csv&name=hs.csv")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(dossiers_csv(good)))
        .expect("request");
    let r = send(app, request).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).expect("json")
}

// ---------------------------------------------------------------- metrics

/// The samples of a Prometheus text exposition, by `name{labels}` as
/// written; panics on any line that is not valid in the format, on a sample
/// without its `# TYPE`, and on a histogram whose buckets are not
/// cumulative or do not end with `+Inf` equal to `_count`.
fn parse_metrics(text: &str) -> BTreeMap<String, f64> {
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut samples = BTreeMap::new();
    let is_name = |s: &str| {
        !s.is_empty()
            && s.chars().enumerate().all(|(i, c)| {
                c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
            })
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut words = rest.splitn(3, ' ');
            let (keyword, name, tail) = (
                words.next().unwrap_or(""),
                words.next().unwrap_or(""),
                words.next().unwrap_or(""),
            );
            assert!(is_name(name), "metric name in {line}");
            match keyword {
                "HELP" => assert!(!tail.is_empty(), "{line}"),
                "TYPE" => {
                    assert!(
                        ["counter", "gauge", "histogram", "summary", "untyped"].contains(&tail),
                        "{line}"
                    );
                    assert!(
                        types.insert(name.to_string(), tail.to_string()).is_none(),
                        "TYPE twice: {line}"
                    );
                }
                _ => panic!("unknown comment {line}"),
            }
            continue;
        }
        assert!(!line.is_empty(), "empty line");
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line}"));
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("value in {line}")),
        };
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (
                name,
                rest.strip_suffix('}').unwrap_or_else(|| panic!("{line}")),
            ),
            None => (series, ""),
        };
        assert!(is_name(name), "{line}");
        // label="value" pairs, values with \\ \" \n escapes.
        let mut rest = labels;
        while !rest.is_empty() {
            let (label, after) = rest.split_once("=\"").unwrap_or_else(|| panic!("{line}"));
            assert!(is_name(label), "label {label} in {line}");
            let mut chars = after.char_indices();
            let end = loop {
                match chars.next() {
                    Some((_, '\\')) => {
                        let escaped = chars.next().map(|(_, c)| c);
                        assert!(matches!(escaped, Some('\\' | '"' | 'n')), "{line}");
                    }
                    Some((i, '"')) => break i,
                    Some(_) => {}
                    None => panic!("unterminated label value in {line}"),
                }
            };
            rest = &after[end + 1..];
            rest = rest.strip_prefix(',').unwrap_or(rest);
        }
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|f| types.get(*f).is_some_and(|t| t == "histogram"))
            })
            .unwrap_or(name);
        assert!(types.contains_key(family), "no TYPE before {line}");
        assert!(
            samples.insert(series.to_string(), value).is_none(),
            "twice: {line}"
        );
    }
    // Histograms: cumulative buckets, +Inf = count.
    for (family, _) in types.iter().filter(|(_, t)| *t == "histogram") {
        let prefix = format!("{family}_bucket{{");
        let mut by_series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for (series, value) in samples.iter().filter(|(s, _)| s.starts_with(&prefix)) {
            let (labels, le) = series
                .rsplit_once(",le=\"")
                .unwrap_or_else(|| panic!("{series}"));
            let bound = match le.trim_end_matches("\"}") {
                "+Inf" => f64::INFINITY,
                b => b.parse().unwrap_or_else(|_| panic!("{series}")),
            };
            by_series
                .entry(labels[prefix.len()..].to_string())
                .or_default()
                .push((bound, *value));
        }
        for (labels, mut buckets) in by_series {
            buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
            assert!(
                buckets.windows(2).all(|w| w[0].1 <= w[1].1),
                "{labels}: {buckets:?}"
            );
            let count = samples[&format!("{family}_count{{{labels}}}")];
            assert_eq!(
                buckets.last().map(|b| (b.0, b.1)),
                Some((f64::INFINITY, count))
            );
        }
    }
    samples
}

async fn metrics(app: &Router) -> BTreeMap<String, f64> {
    let r = get(app, "/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.content_type.starts_with("text/plain; version=0.0.4"),
        "{}",
        r.content_type
    );
    parse_metrics(&r.body)
}

fn sample(m: &BTreeMap<String, f64>, series: &str) -> f64 {
    m.get(series).copied().unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_count_requests_imports_cache_lookups_and_the_data_lag() {
    let (_dir, db, app) = setup();
    let before = metrics(&app).await;
    assert!(
        !before.contains_key("chiso_feed_lag_seconds"),
        "no data yet, no lag"
    );

    let doc = import(&app, 3).await;
    assert_eq!(doc["summary"]["rejected"], 1);
    let overview = get(&app, "/?period=2026-03").await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    get(&app, "/?period=2026-03").await;
    get(&app, "/units/S1?period=2026-03").await;
    get(&app, "/no/such/page").await;

    let after = metrics(&app).await;
    let delta = |series: &str| sample(&after, series) - sample(&before, series);
    assert_eq!(
        delta(r#"chiso_import_rows_total{kind="dossiers",outcome="accepted"}"#),
        3.0
    );
    assert_eq!(
        delta(r#"chiso_import_rows_total{kind="dossiers",outcome="rejected"}"#),
        1.0
    );
    assert_eq!(
        delta(r#"chiso_http_requests_total{method="GET",route="/",status="2xx"}"#),
        2.0
    );
    assert_eq!(
        delta(r#"chiso_http_requests_total{method="POST",route="/api/v1/imports",status="2xx"}"#),
        1.0
    );
    assert_eq!(
        delta(r#"chiso_http_requests_total{method="GET",route="unmatched",status="4xx"}"#),
        1.0
    );
    assert_eq!(
        delta(r#"chiso_http_request_duration_seconds_count{method="GET",route="/units/{code}"}"#),
        1.0
    );
    assert!(
        after.keys().all(|k| !k.contains("/no/such/page")),
        "raw URLs are never labels"
    );
    // The second overview was the first one's body; the unit page reused
    // the period's score sheet.
    assert!(delta(r#"chiso_cache_hits_total{cache="response"}"#) >= 1.0);
    assert!(delta(r#"chiso_cache_misses_total{cache="response"}"#) >= 2.0);
    assert!(delta(r#"chiso_cache_hits_total{cache="sheet"}"#) >= 1.0);

    let as_of = Store::open(&db)
        .expect("store")
        .as_of()
        .expect("as of")
        .expect("data")
        .unix();
    assert_eq!(sample(&after, "chiso_data_as_of_seconds"), as_of as f64);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let lag = sample(&after, "chiso_feed_lag_seconds");
    assert!(
        (lag - (now - as_of) as f64).abs() <= 5.0,
        "lag {lag} against {}",
        now - as_of
    );
}

// ---------------------------------------------------------------- health

#[tokio::test]
async fn liveness_is_always_ok_and_readiness_follows_the_database_file() {
    let (_dir, db, app) = setup();
    let live = get(&app, "/healthz").await;
    assert_eq!((live.status, live.body.as_str()), (StatusCode::OK, "ok"));
    assert!(
        live.request_id.is_some(),
        "probes go through the middleware too"
    );
    let ready = |r: &Reply| -> Value { serde_json::from_str(&r.body).expect("json") };

    let r = get(&app, "/readyz").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(ready(&r)["status"], "ready");
    let current = ready(&r)["schema_version"].as_i64().expect("version");

    // A file put back from an older release.
    let store = Store::open(&db).expect("store");
    store
        .connection()
        .pragma_update(None, "user_version", current - 1)
        .expect("pragma");
    let r = get(&app, "/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(ready(&r)["code"], "schema_behind");
    assert!(ready(&r)["reason"]
        .as_str()
        .is_some_and(|m| m.contains("cũ hơn")));
    store
        .connection()
        .pragma_update(None, "user_version", current)
        .expect("pragma");
    drop(store);
    assert_eq!(get(&app, "/readyz").await.status, StatusCode::OK);

    // Not a database at all.
    let elsewhere = db.with_file_name("saved.db");
    std::fs::rename(&db, &elsewhere).expect("move");
    std::fs::write(&db, vec![b'x'; 4096]).expect("write");
    let r = get(&app, "/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(ready(&r)["code"], "database_unreachable");

    // Gone.
    std::fs::remove_file(&db).expect("remove");
    let r = get(&app, "/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(ready(&r)["code"], "database_missing");
    assert_eq!(
        get(&app, "/healthz").await.status,
        StatusCode::OK,
        "still alive"
    );
}

#[test]
fn operations_routes_stay_outside_the_api_and_its_document() {
    let api: Vec<&str> = chiso_web::api::routes().iter().map(|r| r.path).collect();
    let doc = chiso_web::openapi::document();
    for path in ["/healthz", "/readyz", "/metrics"] {
        assert!(
            !api.contains(&path) && doc["paths"].get(path).is_none(),
            "{path}"
        );
    }
}
