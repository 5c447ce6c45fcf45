//! What a client can make the server hold: uploads read at once are
//! bounded (the next is told to retry, with `Retry-After`), and slots
//! come back when an upload ends.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode};
use chiso_store::Store;
use chiso_web::limits::{UPLOAD_ROUTES, UPLOAD_SLOTS};
use tower::ServiceExt;

mod common;

/// A body that never sends anything (a client gone quiet mid-upload).
struct Silent;

impl http_body::Body for Silent {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        Poll::Pending
    }
}

fn upload(body: Body) -> Request<Body> {
    Request::post("/api/v1/imports?kind=dossiers&format=csv")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(body)
        .expect("request")
}

#[tokio::test]
async fn uploads_read_at_once_are_bounded_and_slots_come_back() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("limits.db");
    drop(Store::open(&db).expect("store"));
    let app = common::as_admin(&db, chiso_web::router(db.clone()).expect("router"));
    let stuck: Vec<_> = (0..UPLOAD_SLOTS)
        .map(|_| tokio::spawn(app.clone().oneshot(upload(Body::new(Silent)))))
        .collect();
    // Once the stuck uploads hold their slots (after their token is
    // checked), the next upload is told to retry.
    let mut refused = None;
    for _ in 0..200 {
        let reply = app
            .clone()
            .oneshot(upload(Body::from("id,unit_code\n")))
            .await
            .expect("response");
        if reply.status() == StatusCode::SERVICE_UNAVAILABLE {
            refused = Some(reply);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let refused = refused.expect("an upload past the slots is refused");
    assert!(refused.headers().contains_key(header::RETRY_AFTER));
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
    for s in stuck {
        s.abort();
        let _ = s.await;
    }
    let served = app
        .clone()
        .oneshot(upload(Body::from("id,unit_code\n")))
        .await
        .expect("response");
    assert_ne!(served.status(), StatusCode::SERVICE_UNAVAILABLE);
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
