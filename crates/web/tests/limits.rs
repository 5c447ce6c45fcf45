//! What a client can make the server hold: uploads read at once are
//! bounded (the next is told to retry, with `Retry-After`), reads go on
//! meanwhile, and slots come back when an upload ends.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chiso_store::Store;
use chiso_web::limits::{UPLOAD_ROUTES, UPLOAD_SLOTS};
use chiso_web::state::AppState;
use tower::ServiceExt;

mod common;

fn upload() -> Request<Body> {
    Request::post("/api/v1/imports?kind=dossiers&format=csv")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from("id,unit_code\n"))
        .expect("request")
}

#[tokio::test]
async fn uploads_read_at_once_are_bounded_and_slots_come_back() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("limits.db");
    drop(Store::open(&db).expect("store"));
    let state = AppState::open(db.to_str().expect("path")).expect("state");
    let app = common::as_admin(&db, chiso_web::app(state.clone()));
    // Uploads being read (a slow client each) hold every slot.
    let held: Vec<_> = (0..UPLOAD_SLOTS)
        .map(|_| state.upload_slot().expect("a free slot"))
        .collect();
    assert!(state.upload_slot().is_none());
    let refused = app.clone().oneshot(upload()).await.expect("response");
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.headers()[header::RETRY_AFTER], "30");
    let body = axum::body::to_bytes(refused.into_body(), 10_000)
        .await
        .expect("body");
    assert!(String::from_utf8_lossy(&body).contains("too_many_uploads"));
    // Reads are not uploads: served meanwhile.
    let read = app
        .clone()
        .oneshot(
            Request::get("/api/v1/health")
                .body(Body::empty())
                .expect("r"),
        )
        .await
        .expect("response");
    assert_eq!(read.status(), StatusCode::OK);
    // An upload that ends gives its slot back.
    drop(held);
    let served = app.clone().oneshot(upload()).await.expect("response");
    assert_ne!(served.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(state.upload_slot().map(drop), Some(()));
}

#[test]
fn every_upload_route_is_a_post_route_of_the_server() {
    let api: Vec<_> = chiso_web::api::routes()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    let pages: Vec<_> = chiso_web::routes::pages();
    for path in UPLOAD_ROUTES {
        assert!(
            api.iter()
                .any(|(m, p)| m == axum::http::Method::POST && p == path)
                || pages
                    .iter()
                    .any(|r| r.path == *path && r.methods.contains(&axum::http::Method::POST)),
            "{path}"
        );
    }
}
