//! Helpers shared by the web tests: machine tokens made through the
//! application layer on the test's database, and a router whose every
//! request carries an administrator's token (for the tests of what the
//! routes do, as opposed to who may use them: `tests/access.rs`).

#![allow(dead_code)] // each test file uses some of these

use std::path::Path;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request};
use axum::Router;
use chiso_core::accounts::Grant;
use chiso_core::time::Instant;
use chiso_store::Store;

/// A new machine token with this grant (`admin`, `officer@CODE`…).
pub fn token(db: &Path, grant: &str) -> String {
    let store = Store::open(db).expect("store");
    let grant = Grant::parse(grant).expect("grant");
    chiso_app::accounts::create_token(
        &store,
        "tests",
        grant,
        "tests",
        Instant::from_unix(1_780_000_000),
    )
    .expect("token")
    .0
}

/// `app` with an administrator's token on every request that has no
/// `Authorization` header of its own.
pub fn as_admin(db: &Path, app: Router) -> Router {
    as_token(token(db, "admin"), app)
}

/// `app` with this token on every request that has no `Authorization`
/// header of its own.
pub fn as_token(token: String, app: Router) -> Router {
    let value = HeaderValue::from_str(&format!("Bearer {token}")).expect("header");
    app.layer(axum::middleware::map_request(
        move |mut request: Request<Body>| {
            let value = value.clone();
            async move {
                request
                    .headers_mut()
                    .entry(header::AUTHORIZATION)
                    .or_insert(value);
                request
            }
        },
    ))
}
