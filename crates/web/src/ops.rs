//! What the people who run the server use, outside the dashboard and the
//! API (so outside `/api/` and its OpenAPI document):
//!
//! - `GET /healthz`: the process answers (always `200 ok`), for liveness
//!   probes and the container's health check;
//! - `GET /readyz`: the database file can be opened and its schema is the
//!   one this build migrates to: `200`, else `503` with a JSON reason, for
//!   load balancers that should stop sending requests;
//! - `GET /metrics`: [`crate::metrics`] in Prometheus' text format;
//! - [`observe`], the middleware around every route: a request id (the
//!   client's `X-Request-Id` when it is a sane token, else a new one)
//!   returned in the response's `X-Request-Id` and carried by every log line
//!   of the request, then one log line and the metrics of the finished
//!   request (method, matched route, status, latency).

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::SystemTime;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chiso_backend::Schema;
use serde_json::json;
use tracing::Instrument;

use crate::state::AppState;

/// The request id header, read and written.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id taken from a client.
const MAX_REQUEST_ID: usize = 128;

/// The operations routes on `state`.
/// The operations routes (all `GET`).
pub const ROUTES: &[&str] = &["/healthz", "/readyz", "/metrics"];

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// Wraps every route of `app` (and its fallback) in [`observe`].
pub fn observed(app: Router, state: AppState) -> Router {
    app.layer(axum::middleware::from_fn_with_state(state, observe))
}

async fn healthz() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok")
}

/// Why the server is not ready: a stable code and a Vietnamese reason.
fn not_ready(code: &str, reason: String) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "not_ready", "code": code, "reason": reason })),
    )
        .into_response()
}

/// The readiness of the database, probed on a handle of its own.
fn readiness(state: &AppState) -> Response {
    let db = state.db();
    match state.schema() {
        Ok(Schema::Current { version }) => {
            Json(json!({ "status": "ready", "schema_version": version })).into_response()
        }
        Ok(Schema::Behind { found, expected }) => not_ready(
            "schema_behind",
            format!(
                "cơ sở dữ liệu {db} có lược đồ phiên bản {found}, cũ hơn phiên bản {expected} \
                 của chiso này: chạy 'chiso migrate' (SQLite: khởi động lại chiso) để nâng cấp"
            ),
        ),
        Ok(Schema::Ahead { found, expected }) => not_ready(
            "schema_ahead",
            format!(
                "cơ sở dữ liệu {db} có lược đồ phiên bản {found}, mới hơn phiên bản {expected} \
                 của chiso này: hãy cập nhật chiso"
            ),
        ),
        Ok(Schema::Missing) => not_ready(
            "database_missing",
            format!("không còn tệp cơ sở dữ liệu {db}"),
        ),
        Err(e) => not_ready(
            "database_unreachable",
            format!("không đọc được cơ sở dữ liệu {db}: {e}"),
        ),
    }
}

async fn readyz(State(state): State<AppState>) -> Response {
    match tokio::task::spawn_blocking(move || readiness(&state)).await {
        Ok(response) => response,
        Err(e) => not_ready("probe_failed", format!("không kiểm tra được: {e}")),
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let as_of = match state.run(|ctx| ctx.as_of()).await {
        Ok(at) => at.map(|at| at.unix()),
        Err(e) => {
            tracing::warn!(error = %e, "không đọc được thời điểm của dữ liệu cho /metrics");
            None
        }
    };
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics().render(as_of, SystemTime::now()),
    )
        .into_response()
}

/// The client's request id when it is 1 to 128 visible ASCII characters
/// (nothing that could forge a log line), else a new one.
pub fn request_id(headers: &HeaderMap) -> String {
    headers
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= MAX_REQUEST_ID && v.bytes().all(|b| b.is_ascii_graphic())
        })
        .map_or_else(new_request_id, str::to_string)
}

/// A new id: this process's random prefix and a counter, unique across the
/// nodes of a deployment without a coordinator.
fn new_request_id() -> String {
    static PREFIX: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        // RandomState is keyed from the operating system's randomness.
        std::collections::hash_map::RandomState::new().hash_one((std::process::id(), now))
    });
    format!("{prefix:016x}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Routes whose requests are logged at debug level only: probes and
/// scrapes arrive every few seconds.
fn is_probe(route: Option<&str>) -> bool {
    matches!(route, Some("/healthz" | "/readyz" | "/metrics"))
}

/// The middleware of every request: request id, log line, metrics.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let id = request_id(request.headers());
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(request).instrument(span).await;
    let latency = started.elapsed();
    let status = response.status();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    state
        .metrics()
        .request(&method, route.as_deref(), status, latency);
    let route_label = route.as_deref().unwrap_or(crate::metrics::UNMATCHED);
    let latency_ms = latency.as_secs_f64() * 1000.0;
    if is_probe(route.as_deref()) {
        tracing::debug!(request_id = %id, method = %method, route = route_label, status = status.as_u16(), latency_ms, "yêu cầu HTTP");
    } else {
        tracing::info!(request_id = %id, method = %method, route = route_label, status = status.as_u16(), latency_ms, "yêu cầu HTTP");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clients_request_id_is_kept_only_when_sane() {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, HeaderValue::from_static("abc-123"));
        assert_eq!(request_id(&headers), "abc-123");
        for bad in ["", "has space", &"x".repeat(129)] {
            headers.insert(REQUEST_ID, HeaderValue::from_str(bad).expect("header"));
            let id = request_id(&headers);
            assert_ne!(id, bad);
            assert!(
                id.len() > 16 && id.bytes().all(|b| b.is_ascii_graphic()),
                "{id}"
            );
        }
        let (a, b) = (request_id(&HeaderMap::new()), request_id(&HeaderMap::new()));
        assert_ne!(a, b, "every new id differs");
    }
}
