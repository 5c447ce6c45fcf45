//! Bounds on what clients can make the server hold: at most
//! [`UPLOAD_SLOTS`] uploads read at once (each body is read into memory up
//! to `imports::UPLOAD_LIMIT`, so uploads together never hold more than
//! `UPLOAD_SLOTS × UPLOAD_LIMIT`; a client past that is told to retry), and
//! every request answered or dropped within [`REQUEST_SECONDS`] (a client
//! that sends its body a byte at a time does not hold a connection and its
//! buffers for ever). Headers sent slowly are cut by hyper's header read
//! timeout (30 s) before any of this runs.

use std::time::Duration;

use crate::error::Error;
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Uploads read at the same time.
pub const UPLOAD_SLOTS: usize = 2;
/// The longest a request may take, body included.
pub const REQUEST_SECONDS: u64 = 300;

/// Routes (as the router names them) whose body is a file or a batch of
/// records (up to `UPLOAD_LIMIT`).
pub const UPLOAD_ROUTES: &[&str] = &[
    "/import",
    "/api/v1/imports",
    "/api/v1/events",
    "/api/v1/sync/DongBoHoSoMC",
    "/api/v1/sync/CapNhatTienDoHoSoMC",
    "/cchc/units/{code}/upload",
];

/// The bounds, around every request (the upload slots are the server's).
pub async fn bounded(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let upload = request.method() == Method::POST
        && request
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|route| UPLOAD_ROUTES.contains(&route.as_str()));
    let _slot = if upload {
        match state.upload_slot() {
            Some(permit) => Some(permit),
            None => return Error::TooManyUploads.into_response(),
        }
    } else {
        None
    };
    match tokio::time::timeout(Duration::from_secs(REQUEST_SECONDS), next.run(request)).await {
        Ok(response) => response,
        Err(_) => Error::Timeout.into_response(),
    }
}
