//! The router: pages, the API of [`crate::api::routes`], the embedded
//! assets, and the fallbacks that answer unknown routes and methods with a
//! JSON error under `/api/` and an error page elsewhere.

use axum::http::{header, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;

use crate::error::{Error, PageError};
use crate::pages;
use crate::params::Segment;
use crate::state::AppState;

/// Stylesheet, screen and print (A4).
const CSS: &str = include_str!("assets/chiso.css");
/// Sortable columns, unit search, period selector.
const JS: &str = include_str!("assets/chiso.js");

/// One route of the pages: its path, the methods it takes and its handlers.
pub struct PageRoute {
    pub path: &'static str,
    pub methods: &'static [Method],
    pub handler: MethodRouter<AppState>,
}

/// Every page route (the API's are [`crate::api::routes`], the operations'
/// [`crate::ops::ROUTES`]). Each must have a line in the access policy
/// (`access::POLICY`): a test enumerates these lists against it.
pub fn pages() -> Vec<PageRoute> {
    let route = |path, methods, handler| PageRoute {
        path,
        methods,
        handler,
    };
    const GET: &[Method] = &[Method::GET];
    const POST: &[Method] = &[Method::POST];
    const BOTH: &[Method] = &[Method::GET, Method::POST];
    vec![
        route("/", GET, get(pages::overview::page)),
        route("/units/{code}", GET, get(pages::unit::page)),
        route("/units/{code}/explain.csv", GET, get(pages::unit::csv)),
        route("/criteria/{id}", GET, get(pages::criterion::page)),
        route("/methodology", GET, get(pages::methodology::page)),
        route("/reconcile", GET, get(pages::reconcile::page)),
        route("/reports/download", GET, get(pages::reports::download)),
        route(
            "/import",
            BOTH,
            get(pages::import::form).post(pages::import::upload).layer(
                axum::extract::DefaultBodyLimit::max(crate::imports::UPLOAD_LIMIT),
            ),
        ),
        route(
            "/signin",
            BOTH,
            get(pages::account::form).post(pages::account::sign_in),
        ),
        route("/signout", POST, post(pages::account::sign_out)),
        route("/account", GET, get(pages::account::page)),
        route(
            "/account/password",
            POST,
            post(pages::account::change_password),
        ),
        route(
            "/publications",
            BOTH,
            get(pages::publications::page).post(pages::publications::publish),
        ),
        route("/audit", GET, get(pages::account::audit)),
        route("/notifications", GET, get(crate::alerts::page)),
        route("/units/{code}/alerts.atom", GET, get(crate::alerts::feed)),
        route("/audit.csv", GET, get(pages::account::audit_csv)),
        route("/cchc", GET, get(pages::cchc::period_page)),
        route(
            "/cchc/units/{code}",
            BOTH,
            get(pages::cchc::unit_page).post(pages::cchc::fill),
        ),
        route(
            "/cchc/units/{code}/decision",
            POST,
            post(pages::cchc::decide),
        ),
        route(
            "/cchc/units/{code}/consolidated",
            GET,
            get(pages::cchc::consolidated),
        ),
        route(
            "/cchc/units/{code}/appendices",
            GET,
            get(pages::cchc::appendices),
        ),
        route(
            "/cchc/units/{code}/template",
            GET,
            get(pages::cchc::template),
        ),
        route(
            "/cchc/units/{code}/upload",
            POST,
            post(pages::cchc::upload).layer(axum::extract::DefaultBodyLimit::max(
                pages::cchc::TEMPLATE_LIMIT + 64 * 1024,
            )),
        ),
        route(
            "/cchc/units/{code}/plan",
            BOTH,
            get(pages::cchc::plan).post(pages::cchc::record_task),
        ),
        route("/cchc/results", GET, get(pages::cchc::results)),
        route("/assets/{file}", GET, get(asset)),
        route(
            "/favicon.ico",
            GET,
            get(|| async { ([(header::CONTENT_TYPE, "image/svg+xml")], pages::EMBLEM) }),
        ),
    ]
}

/// Every route of the dashboard and the API on `state`.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new();
    for route in pages() {
        router = router.route(route.path, route.handler);
    }
    for route in crate::api::routes() {
        router = router.route(route.path, route.handler);
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn asset(Segment(file): Segment) -> Result<Response, PageError> {
    let (content_type, body) = match file.as_str() {
        "chiso.css" => ("text/css; charset=utf-8", CSS),
        "chiso.js" => ("text/javascript; charset=utf-8", JS),
        "emblem.svg" => ("image/svg+xml", pages::EMBLEM),
        _ => return Err(PageError(Error::NotFound)),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response())
}

fn error_for(uri: &Uri, e: Error) -> Response {
    if uri.path().starts_with("/api/") {
        e.into_response()
    } else {
        PageError(e).into_response()
    }
}

async fn not_found(uri: Uri) -> Response {
    error_for(&uri, Error::NotFound)
}

async fn method_not_allowed(uri: Uri) -> Response {
    error_for(&uri, Error::MethodNotAllowed)
}
