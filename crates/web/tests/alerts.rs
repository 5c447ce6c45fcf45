//! `/notifications` and `/units/{code}/alerts.atom` in-process on a real
//! SQLite file: notifications recorded through the application layer are
//! shown to the users whose grants cover their unit, and to no one else.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chiso_core::alerts::Event;
use chiso_core::time::{Date, Instant};
use chiso_ingest::{from_text, Format, RecordKind};
use chiso_store::Store;
use http_body_util::BodyExt;
use tower::ServiceExt;

mod common;

fn event(unit: &str, name: &str, key: &str, title: &str) -> Event {
    Event {
        key: key.into(),
        rule: "sap-tre-han".into(),
        unit_code: unit.into(),
        unit_name: name.into(),
        day: Date::parse("2026-03-20").expect("day"),
        title: title.into(),
        record: Some("HS1".into()),
    }
}

/// A province P with S1 (X1 below it) and S2, and one notification each for X1 and S2.
fn setup() -> (tempfile::TempDir, std::path::PathBuf, Router) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("alerts.db");
    let mut store = Store::open(&db).expect("store");
    let units = "code,name,parent_code,kind\nP,UBND tỉnh,,province\nS1,Sở Tư pháp,P,department\n\
                 S2,Sở Y tế,P,department\nX1,UBND xã Một,S1,commune\n";
    let reader = from_text(RecordKind::Units, "u.csv", Format::Csv, units).expect("read");
    chiso_app::import(&mut store, reader, |_, _| {}).expect("import");
    let kept = chiso_app::alerts::record(
        &mut store,
        &[
            event(
                "X1",
                "UBND xã Một",
                "sap-tre-han/X1/HS1/1",
                "Hồ sơ HS1 trễ hạn từ 23/03/2026 17:00",
            ),
            event(
                "S2",
                "Sở Y tế",
                "sap-tre-han/S2/HS2/1",
                "Hồ sơ HS2 <khẩn> trễ hạn",
            ),
        ],
        Instant::from_unix(1_774_000_000),
    )
    .expect("record");
    assert_eq!(kept.len(), 2);
    drop(store);
    let app = chiso_web::router(db.clone()).expect("router");
    (dir, db, app)
}

async fn get(app: &Router, uri: &str) -> (StatusCode, String, String) {
    let request = Request::get(uri)
        .header(header::HOST, "chiso.test")
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let kind = response
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
    (status, kind, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn a_user_sees_the_notifications_of_their_units_only() {
    let (_dir, db, app) = setup();
    // The public is sent to sign in.
    let (status, _, _) = get(&app, "/notifications").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = get(&app, "/units/X1/alerts.atom").await;
    assert!(
        matches!(status, StatusCode::SEE_OTHER | StatusCode::UNAUTHORIZED),
        "{status}"
    );

    let s1 = common::as_token(common::token(&db, "viewer@S1"), app.clone());
    let (status, _, page) = get(&s1, "/notifications").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Hồ sơ HS1 trễ hạn"), "{page}");
    assert!(!page.contains("HS2"), "{page}");
    let (status, kind, feed) = get(&s1, "/units/X1/alerts.atom").await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    assert_eq!(kind, "application/atom+xml; charset=utf-8");
    assert!(feed.starts_with("<?xml"), "{feed}");
    assert_eq!(feed.matches("<entry>").count(), 1, "{feed}");
    assert!(
        feed.contains("<id>urn:chiso:alert:sap-tre-han%2FX1%2FHS1%2F1</id>"),
        "{feed}"
    );
    // Outside the grant: answered as an unknown unit.
    let (status, _, _) = get(&s1, "/units/S2/alerts.atom").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The province office sees every unit's, escaped.
    let admin = common::as_admin(&db, app.clone());
    let (_, _, page) = get(&admin, "/notifications").await;
    assert!(
        page.contains("HS1") && page.contains("HS2 &lt;khẩn&gt;"),
        "{page}"
    );
    let (_, _, feed) = get(&admin, "/units/S2/alerts.atom").await;
    assert!(feed.contains("Hồ sơ HS2 &lt;khẩn&gt; trễ hạn"), "{feed}");
}
