//! chiso's web dashboard and JSON API, on the same store and engine as the
//! command line: every figure comes from `chiso_core::engine` (scores,
//! ranks, comparisons, explain), nothing is computed twice.
//!
//! - [`routes`]: the router (pages, API, embedded assets, fallbacks);
//! - [`pages`]: server-rendered Vietnamese pages: ranking (`/`), unit
//!   (`/units/{code}`), criterion (`/criteria/{id}`), methodology, import,
//!   reconciliation with the portal's published figures (`/reconcile`);
//! - [`api`]: JSON under `/api/v1` (units, methodologies, scores, ranking,
//!   explain, reconcile, imports, health) and [`openapi`], the OpenAPI 3 document at
//!   `/api/openapi.json`;
//! - [`alerts`]: the signed-in user's notifications (`/notifications`) and
//!   a unit's Atom feed (`/units/{code}/alerts.atom`);
//! - [`charts`]: inline SVG gauges, trend and bar charts;
//! - [`state`]: the store handles (on SQLite or PostgreSQL, through
//!   `chiso_backend`) and the caches keyed by data version, which a
//!   PostgreSQL change notification empties on every node;
//! - [`ops`]: `/healthz`, `/readyz`, `/metrics` ([`metrics`]) and the
//!   middleware that gives every request an id, a log line and its counts;
//! - [`access`]: which units a request may see. Every handler that names a
//!   unit resolves it through [`access::resolve_unit`] and every list goes
//!   through [`access::Scope::permits`], so limiting a user to a subtree of
//!   units later means changing the [`access::Scope`] extractor only;
//! - [`error`]: typed errors with stable codes, JSON for the API, HTML for pages.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! let app = chiso_web::router("chiso.db")?; // an axum::Router, e.g. for tests
//! # let _ = app; Ok(()) }
//! ```

pub mod access;
pub mod alerts;
pub mod api;
pub mod charts;
pub mod error;
pub mod html;
pub mod imports;
pub mod limits;
pub mod metrics;
pub mod openapi;
pub mod ops;
pub mod pages;
pub mod params;
pub mod ranking;
pub mod reconcile;
pub mod routes;
pub mod state;
pub mod warn;

use std::ffi::OsStr;

use anyhow::Context;

/// The address served when no flag, variable or configuration file names one.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// The whole application on the database `db` names (a SQLite file, created
/// if missing, or a PostgreSQL address), the sync pushes off.
pub fn router(db: impl AsRef<OsStr>) -> anyhow::Result<axum::Router> {
    router_with(db, false)
}

/// The application; `allow_sync` turns on the unauthenticated sync pushes.
/// Every request, operations routes included, goes through [`ops::observe`].
pub fn router_with(db: impl AsRef<OsStr>, allow_sync: bool) -> anyhow::Result<axum::Router> {
    let db = db.as_ref().to_str().with_context(|| {
        format!(
            "tên cơ sở dữ liệu {} không phải UTF-8",
            db.as_ref().to_string_lossy()
        )
    })?;
    Ok(app(state::AppState::open(db)?.allowing_sync(allow_sync)))
}

/// The application on an open state.
pub fn app(state: state::AppState) -> axum::Router {
    let app = routes::app(state.clone())
        .merge(ops::routes(state.clone()))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::bounded,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::authenticate,
        ))
        .layer(axum::middleware::from_fn(access::secure_headers));
    ops::observed(app, state)
}

/// Serves the dashboard and the API on the database `db` names (a SQLite
/// file or a PostgreSQL address), listening on `addr`, until Ctrl-C or
/// SIGTERM (as systemd and docker stop a service). Several servers may
/// serve one PostgreSQL database: each drops its caches when any of them
/// (or any `chiso import`) writes.
pub fn serve(db: &str, addr: &str, allow_sync: bool) -> anyhow::Result<()> {
    let state = state::AppState::open(db)?.allowing_sync(allow_sync);
    let shown = state.db().to_string();
    let app = app(state);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("không khởi động được bộ chạy bất đồng bộ")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!("không mở được địa chỉ {addr}: cổng đã được dùng hoặc địa chỉ không hợp lệ")
        })?;
        let addr = listener
            .local_addr()
            .context("không đọc được địa chỉ đang nghe")?;
        println!(
            "Bảng điều khiển chỉ số phục vụ người dân, doanh nghiệp trên cơ sở dữ liệu {shown}"
        );
        println!("Mở http://{addr} trong trình duyệt (API: http://{addr}/api/v1, Ctrl-C để dừng)");
        tracing::info!(%addr, db = %shown, allow_sync, "máy chủ bắt đầu nhận yêu cầu");
        accept(listener, app).await;
        tracing::info!("máy chủ đã dừng");
        Ok(())
    })
}

/// How long a client may take to send a request's headers: a client that
/// opens connections and sends them a byte at a time is cut off, instead of
/// holding its connections for ever.
pub const HEADER_SECONDS: u64 = 30;

/// Accepts connections until Ctrl-C or SIGTERM, each served by hyper's
/// HTTP/1 with [`HEADER_SECONDS`] to send its headers (a timer `axum::serve`
/// does not set), and the client's address for the handlers; then lets the
/// requests under way finish.
async fn accept(listener: tokio::net::TcpListener, app: axum::Router) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::Layer;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stopped());
    loop {
        let (socket, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait, then go on.
                    tracing::warn!(error = %e, "không nhận được kết nối");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service = axum::Extension(axum::extract::ConnectInfo(remote)).layer(app.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(std::time::Duration::from_secs(HEADER_SECONDS))
            .serve_connection(
                TokioIo::new(socket),
                hyper_util::service::TowerToHyperService::new(service),
            );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, client = %remote, "kết nối đóng do lỗi");
            }
        });
    }
    graceful.shutdown().await;
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM. A signal that cannot be
/// installed never resolves (the server then runs until killed).
async fn stopped() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
