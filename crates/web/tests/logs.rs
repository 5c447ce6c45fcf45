//! The request middleware's log: every request gets an id (the client's
//! `X-Request-Id` when sane, else a new one), returned in the response and
//! written with the matched route, status and latency in one JSON line.
//! Alone in its test binary: a thread-local test subscriber only sees every
//! event when no other test's thread registers the same callsites.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chiso_ingest::{from_text, Format, RecordKind};
use chiso_store::Store;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn setup() -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("logs.db");
    let mut store = Store::open(&db).expect("store");
    let reader = from_text(
        RecordKind::Units,
        "seed.csv",
        Format::Csv,
        "code,name,parent_code,kind\nP,UBND tỉnh,,province\nS1,Sở Tư pháp,P,department\n",
    )
    .expect("read");
    chiso_app::import(&mut store, reader, |_, _| {}).expect("import");
    drop(store);
    let app = chiso_web::router(db).expect("router");
    (dir, app)
}

/// The status and request id header of a response.
async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Option<String>) {
    let response = app.clone().oneshot(request).await.expect("response");
    let id = response
        .headers()
        .get(chiso_web::ops::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let status = response.status();
    response.into_body().collect().await.expect("body");
    (status, id)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

/// A writer the test subscriber appends to.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<Value> {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        String::from_utf8_lossy(&bytes)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

#[tokio::test]
async fn every_request_gets_an_id_returned_and_logged_with_its_route_status_and_latency() {
    let (_dir, app) = setup();
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let request = Request::get("/units/S1?period=2026-03")
        .header("x-request-id", "trace-me-42")
        .body(Body::empty())
        .expect("request");
    let (status, id) = send(&app, request).await;
    assert_eq!(id.as_deref(), Some("trace-me-42"));

    let first = send(&app, get("/api/v1/units"))
        .await
        .1
        .expect("an id is made");
    let second = send(&app, get("/api/v1/units"))
        .await
        .1
        .expect("an id is made");
    assert_ne!(first, second);

    let forged = Request::get("/healthz")
        .header("x-request-id", "a b\tc")
        .body(Body::empty())
        .expect("request");
    let forged = send(&app, forged).await.1.expect("an id is made");
    assert_ne!(forged, "a b\tc");

    let lines = captured.lines();
    let line = |id: &str| {
        lines
            .iter()
            .find(|l| l["request_id"] == id && l["message"] == "yêu cầu HTTP")
            .unwrap_or_else(|| panic!("no line for {id} in {lines:#?}"))
            .clone()
    };
    let traced = line("trace-me-42");
    assert_eq!(traced["method"], "GET");
    assert_eq!(
        traced["route"], "/units/{code}",
        "the matched path, not the URL"
    );
    assert_eq!(traced["status"], status.as_u16());
    assert_eq!(traced["level"], "INFO");
    assert!(traced["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0));
    assert_eq!(line(&first)["route"], "/api/v1/units");
    assert_eq!(line(&second)["status"], 200);
    let probe = line(&forged);
    assert_eq!(probe["level"], "DEBUG", "probes are logged at debug level");
}
