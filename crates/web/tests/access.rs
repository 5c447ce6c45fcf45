//! Who may use which route: the authorisation matrix over every route of
//! the router (pages, API, operations) and of the OpenAPI document, for the
//! public and for tokens of each role in and out of the unit's subtree; the
//! cross-site forgery refusal; sign-in with lockout, sessions, sign-out;
//! the security headers; the audit log of every write.

use std::collections::BTreeSet;
use std::path::Path;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chiso_core::accounts::{Action, Grant, Principal, Session};
use chiso_core::records::{Dossier, DossierStatus};
use chiso_core::storage::AccountStore;
use chiso_core::time::{Date, Instant};
use chiso_ingest::{from_text, Format, Record, RecordKind};
use chiso_store::Store;
use chiso_web::access::POLICY;
use http_body_util::BodyExt;
use tower::ServiceExt;

mod common;

const HOST: &str = "chiso.test";

/// A province P with departments S1 and S2 (S1 has a commune X1 below it),
/// and finished dossiers of S1, X1 and S2 in March 2026.
fn setup() -> (tempfile::TempDir, std::path::PathBuf, Router) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("access.db");
    let mut store = Store::open(&db).expect("store");
    let received = Date::parse("2026-03-20")
        .map_or(Instant::from_unix(0), |d| d.start().add_seconds(9 * 3600));
    let mut dossiers = RecordKind::Dossiers.csv_header();
    for (i, unit) in ["S1", "X1", "S2", "S1"].iter().enumerate() {
        let mut d = Dossier::new(&format!("HS{i}"), unit, "1.001", received);
        d.status = DossierStatus::Finished;
        d.finished_at = Some(received.add_seconds(86_400 * (1 + 3 * i as i64)));
        dossiers.push('\n');
        dossiers.push_str(&Record::Dossier(d).to_csv_row());
    }
    for (kind, text) in [
        (
            RecordKind::Units,
            "code,name,parent_code,kind\nP,UBND tỉnh,,province\nS1,Sở Tư pháp,P,department\n\
             S2,Sở Y tế,P,department\nX1,UBND xã Một,S1,commune\n"
                .to_string(),
        ),
        (
            RecordKind::Procedures,
            "code,name,max_days\n1.001,Chứng thực,3\n".to_string(),
        ),
        (RecordKind::Dossiers, dossiers),
    ] {
        let reader = from_text(kind, "seed.csv", Format::Csv, &text).expect("read");
        chiso_app::import(&mut store, reader, |_, _| {}).expect("import");
    }
    drop(store);
    let app = chiso_web::router(db.clone()).expect("router");
    (dir, db, app)
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(app: &Router, mut request: Request<Body>) -> Reply {
    request
        .headers_mut()
        .insert(header::HOST, HOST.parse().expect("host"));
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A concrete request path for a route, about `unit` where it names one.
fn concrete(route: &str, unit: &str) -> String {
    let path = route
        .replace("{code}", unit)
        .replace("{id}", "2.1")
        .replace("{file}", "chiso.css");
    let query = match route {
        "/api/v1/explain" => format!("?period=2026-03&unit={unit}&criterion=2.1"),
        "/units/{code}/explain.csv" => "?period=2026-03&criterion=2.1".to_string(),
        _ if path.starts_with("/api/v1/") || path == "/" || path.starts_with("/units/") => {
            "?period=2026-03".to_string()
        }
        _ => String::new(),
    };
    format!("{path}{query}")
}

/// Whether a route's answer is about one unit (and which parameter names it).
fn names_unit(route: &str) -> bool {
    route.contains("{code}") || route == "/api/v1/explain"
}

#[tokio::test]
async fn every_route_of_the_router_and_the_openapi_document_has_a_policy() {
    let policy: BTreeSet<(String, String)> = POLICY
        .iter()
        .map(|(m, r, _)| (m.to_string(), r.to_string()))
        .collect();
    let mut routes = BTreeSet::new();
    for r in chiso_web::routes::pages() {
        for m in r.methods {
            routes.insert((m.to_string(), r.path.to_string()));
        }
    }
    for r in chiso_web::api::routes() {
        routes.insert((r.method.to_string(), r.path.to_string()));
    }
    for r in chiso_web::ops::ROUTES {
        routes.insert(("GET".to_string(), r.to_string()));
    }
    let openapi = chiso_web::openapi::document();
    for (path, item) in openapi["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("methods").keys() {
            routes.insert((method.to_uppercase(), path.clone()));
        }
    }
    let missing: Vec<_> = routes.difference(&policy).collect();
    assert!(
        missing.is_empty(),
        "routes without a policy line: {missing:?}"
    );
    let stale: Vec<_> = policy.difference(&routes).collect();
    assert!(stale.is_empty(), "policy lines of no route: {stale:?}");
}

#[tokio::test]
async fn the_authorisation_matrix_has_no_leak() {
    let (_dir, db, app) = setup();
    let within = |root: &str, unit: &str| match (root, unit) {
        ("P", _) => true,
        ("S1", "S1" | "X1") => true,
        (r, u) => r == u,
    };
    let principals: Vec<(&str, Option<String>, Principal)> =
        std::iter::once(("public", None, Principal::Public))
            .chain(
                [
                    "admin",
                    "admin@S1",
                    "officer@S1",
                    "approver@P",
                    "viewer@S1",
                    "viewer@S2",
                ]
                .into_iter()
                .map(|g| {
                    let token = common::token(&db, g);
                    let principal = Principal::Token {
                        id: 0,
                        name: g.into(),
                        grants: vec![Grant::parse(g).expect("grant")],
                    };
                    (g, Some(token), principal)
                }),
            )
            .collect();
    let mut checked = 0;
    let mut leaks = Vec::new();
    for (method, route, action) in POLICY {
        let units: &[&str] = if names_unit(route) {
            &["X1", "S2"]
        } else {
            &["P"]
        };
        for unit in units {
            for (label, token, principal) in &principals {
                let uri = concrete(route, unit);
                // From this site: the matrix is about authorisation (forgery
                // is the next test's).
                let mut request = Request::builder()
                    .method(method.clone())
                    .uri(&uri)
                    .header(header::ORIGIN, format!("http://{HOST}"));
                if let Some(t) = token {
                    request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
                }
                let reply = send(&app, request.body(Body::empty()).expect("request")).await;
                checked += 1;
                let unit_arg = names_unit(route).then_some(*unit);
                let allowed = principal.permits(*action, None, within)
                    && (*action != Action::ReadDossiers
                        || unit_arg.is_none_or(|u| principal.permits(*action, Some(u), within)));
                let refused = matches!(
                    reply.status,
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::SEE_OTHER
                );
                // A unit outside the caller's scope answers as unknown.
                let hidden = unit_arg.is_some()
                    && *action == Action::ReadDossiers
                    && reply.status == StatusCode::NOT_FOUND;
                let granted = !refused && !hidden;
                if granted != allowed {
                    leaks.push(format!(
                        "{label} {method} {uri}: {} (expected {})\n{}",
                        reply.status,
                        if allowed { "allowed" } else { "refused" },
                        reply.body.chars().take(200).collect::<String>()
                    ));
                }
                if !allowed && reply.status.is_success() {
                    leaks.push(format!("LEAK {label} {method} {uri}"));
                }
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "{} of {checked}:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    assert!(checked > 250, "{checked} requests");
    println!("authorisation matrix: {checked} requests, 0 leaks");
}

#[tokio::test]
async fn the_public_sees_aggregates_but_no_dossier_and_is_sent_to_sign_in() {
    let (_dir, db, app) = setup();
    publish(&db, "2026-03", None);
    let page = send(
        &app,
        Request::get("/units/S1?period=2026-03")
            .body(Body::empty())
            .expect("r"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sở Tư pháp"));
    assert!(
        !page.body.contains("HS0"),
        "no dossier id on the public page"
    );
    assert!(page.body.contains("đăng nhập"));
    let officer = common::as_token(common::token(&db, "officer@S1"), app.clone());
    let page = send(
        &officer,
        Request::get("/units/S1?period=2026-03&criterion=2.1")
            .body(Body::empty())
            .expect("r"),
    )
    .await;
    assert!(page.body.contains("HS"), "the officer sees its dossiers");
    let csv = send(
        &app,
        Request::get("/units/S1/explain.csv?period=2026-03&criterion=2.1")
            .body(Body::empty())
            .expect("r"),
    )
    .await;
    assert_eq!(csv.status, StatusCode::SEE_OTHER);
    assert!(csv.headers[header::LOCATION]
        .to_str()
        .expect("location")
        .starts_with("/signin?next="));
    let api = send(
        &app,
        Request::get("/api/v1/explain?period=2026-03&unit=S1&criterion=2.1")
            .body(Body::empty())
            .expect("r"),
    )
    .await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert!(api.body.contains("\"unauthenticated\""));
    // Security headers on every answer.
    for name in [
        header::CONTENT_SECURITY_POLICY,
        header::X_CONTENT_TYPE_OPTIONS,
        header::X_FRAME_OPTIONS,
        header::REFERRER_POLICY,
    ] {
        assert!(page.headers.contains_key(&name), "{name}");
        assert!(api.headers.contains_key(&name), "{name}");
    }
    assert!(page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("csp")
        .contains("frame-ancestors 'none'"));
}

/// Publishes a period as the office would.
fn publish(db: &Path, period: &str, reason: Option<&str>) -> u32 {
    let mut store = Store::open(db).expect("store");
    chiso_app::publication::publish(
        &mut store,
        &chiso_core::period::Period::parse(period).expect("period"),
        reason,
        &chiso_app::publication::Publisher {
            by: "quantri",
            from: "tests",
            at: Instant::from_unix(1_780_000_000),
        },
    )
    .expect("publish")
    .version
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

#[tokio::test]
async fn the_public_sees_published_results_only_and_they_never_change() {
    let (_dir, db, app) = setup();
    let admin = common::as_admin(&db, app.clone());
    // Nothing published: the public sees no figure, a signed-in user the
    // live ones marked provisional.
    let first = send(&app, get("/?period=2026-03")).await;
    assert!(first.body.contains("Chưa công bố kết quả kỳ nào"));
    assert!(
        !first.body.contains("Sở Tư pháp"),
        "no figure before publication"
    );
    for uri in [
        "/units/S1?period=2026-03",
        "/criteria/2.1?period=2026-03",
        "/api/v1/scores?period=2026-03",
        "/api/v1/ranking?period=2026-03",
        "/reports/download?period=2026-03&format=md",
    ] {
        let reply = send(&app, get(uri)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}: {}", reply.body);
        assert!(reply.body.contains("chưa được công bố"), "{uri}");
    }
    let live = send(&admin, get("/?period=2026-03")).await;
    assert_eq!(live.status, StatusCode::OK);
    assert!(live.body.contains("số liệu tạm tính"));

    // Published: the public sees the frozen sheet by default.
    assert_eq!(publish(&db, "2026-03", None), 1);
    let public = send(&app, get("/")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("đã công bố ngày"), "{}", public.body);
    let scores = send(&app, get("/api/v1/scores?period=2026-03&unit=S1")).await;
    assert_eq!(scores.status, StatusCode::OK, "{}", scores.body);
    let report = send(&app, get("/reports/download?period=2026-03&format=md")).await;
    assert_eq!(report.status, StatusCode::OK);

    // A later import changes the live figures, not the published ones.
    let mut late = RecordKind::Dossiers.csv_header();
    let received = Date::parse("2026-03-02")
        .map_or(Instant::from_unix(0), |d| d.start().add_seconds(9 * 3600));
    for i in 0..6 {
        let mut d = Dossier::new(&format!("LATE{i}"), "S1", "1.001", received);
        d.status = DossierStatus::Finished;
        d.finished_at = Some(received.add_seconds(86_400 * 20));
        late.push('\n');
        late.push_str(&Record::Dossier(d).to_csv_row());
    }
    {
        let mut store = Store::open(&db).expect("store");
        let reader = from_text(RecordKind::Dossiers, "late.csv", Format::Csv, &late).expect("read");
        chiso_app::import(&mut store, reader, |_, _| {}).expect("import");
    }
    let live_scores = send(&admin, get("/api/v1/scores?period=2026-03&unit=S1")).await;
    assert_ne!(
        live_scores.body, scores.body,
        "the import moved the live figures"
    );
    let again = send(&app, get("/api/v1/scores?period=2026-03&unit=S1")).await;
    assert_eq!(
        again.body, scores.body,
        "the published figures did not move"
    );
    assert_eq!(
        send(&app, get("/reports/download?period=2026-03&format=md"))
            .await
            .body,
        report.body
    );

    // Republishing needs a reason, keeps both versions, and the public
    // then sees the new one.
    let refused = send(
        &admin,
        Request::post("/api/v1/publications")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"period":"2026-03"}"#))
            .expect("request"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.body.contains("lý do"));
    let public_try = send(
        &app,
        Request::post("/api/v1/publications")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"period":"2026-03","reason":"x"}"#))
            .expect("request"),
    )
    .await;
    assert_eq!(public_try.status, StatusCode::UNAUTHORIZED);
    let done = send(
        &admin,
        Request::post("/api/v1/publications")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                r#"{"period":"2026-03","reason":"bổ sung hồ sơ nhận muộn"}"#,
            ))
            .expect("request"),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("\"version\":2"));
    let list = send(&app, get("/api/v1/publications")).await;
    assert!(list.body.contains("\"version\":2") && list.body.contains("\"version\":1"));
    assert!(list.body.contains("bổ sung hồ sơ nhận muộn"));
    assert_eq!(
        send(&app, get("/api/v1/scores?period=2026-03&unit=S1"))
            .await
            .body,
        live_scores.body
    );
    let page = send(&app, get("/publications")).await;
    assert!(page.body.contains("bổ sung hồ sơ nhận muộn"));
    assert!(
        !page.body.contains("name=\"reason\""),
        "no form for the public"
    );
    // The publication is in the audit log.
    let store = Store::open(&db).expect("store");
    let audit = chiso_app::accounts::all_audit(&store).expect("audit");
    assert_eq!(
        audit.iter().filter(|e| e.draft.action == "publish").count(),
        2
    );
}

fn sign_in_request(login: &str, password: &str, origin: Option<&str>) -> Request<Body> {
    let mut r =
        Request::post("/signin").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(o) = origin {
        r = r.header(header::ORIGIN, o);
    }
    r.body(Body::from(format!(
        "login={login}&password={password}&next=%2Faccount"
    )))
    .expect("request")
}

fn cookie_of(reply: &Reply) -> String {
    reply.headers[header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string()
}

fn add_user(db: &Path, login: &str, grant: &str) {
    let store = Store::open(db).expect("store");
    chiso_app::accounts::add_user(
        &store,
        login,
        login,
        "mat-khau-that-dai",
        vec![Grant::parse(grant).expect("grant")],
        Instant::from_unix(1_780_000_000),
    )
    .expect("user");
}

#[tokio::test]
async fn sign_in_sessions_lockout_and_cross_site_requests() {
    let (_dir, db, app) = setup();
    add_user(&db, "can.bo", "officer@S1");
    let origin = format!("http://{HOST}");

    // From another site: refused before the password is even checked.
    let r = send(
        &app,
        sign_in_request("can.bo", "mat-khau-that-dai", Some("https://evil.example")),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = send(
        &app,
        sign_in_request("can.bo", "mat-khau-that-dai", Some(&origin)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let set = r.headers[header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = cookie_of(&r);
    let with_cookie = |uri: &str| {
        Request::get(uri)
            .header(header::COOKIE, cookie.clone())
            .body(Body::empty())
            .expect("request")
    };
    let account = send(&app, with_cookie("/account")).await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("can.bo"));
    let csrf = account
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the form's anti-forgery token")
        .to_string();
    assert_eq!(csrf.len(), 64);
    // The session reaches dossiers of its subtree only.
    let own = send(
        &app,
        with_cookie("/api/v1/explain?period=2026-03&unit=X1&criterion=2.1"),
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let other = send(
        &app,
        with_cookie("/api/v1/explain?period=2026-03&unit=S2&criterion=2.1"),
    )
    .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    // An officer may import: but never from another site, nor without the form's token.
    let upload = |origin: Option<&str>, csrf: Option<&str>| {
        let boundary = "XyZ";
        let mut body = String::new();
        if let Some(t) = csrf {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{t}\r\n"
            ));
        }
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nprocedures\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\nContent-Type: text/csv\r\n\r\ncode,name,max_days\n1.002,Cấp bản sao,2\n\r\n--{boundary}--\r\n"
        ));
        let mut r = Request::post("/import")
            .header(header::COOKIE, cookie.clone())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            );
        if let Some(o) = origin {
            r = r.header(header::ORIGIN, o);
        }
        r.body(Body::from(body)).expect("request")
    };
    assert_eq!(
        send(&app, upload(Some("https://evil.example"), Some(&csrf)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&app, upload(None, Some(&csrf))).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&app, upload(Some(&origin), Some("wrong")))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let ok = send(&app, upload(Some(&origin), Some(&csrf))).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);

    // Every write and sign-in is in the audit log, chained.
    let store = Store::open(&db).expect("store");
    let log = store.audit(0, 100).expect("log");
    let actions: Vec<&str> = log.iter().map(|e| e.draft.action.as_str()).collect();
    assert_eq!(actions, ["sign_in", "import"], "{log:?}");
    assert!(log[1].draft.detail.contains("sha256="), "{:?}", log[1]);
    assert_eq!(log[1].draft.actor, "can.bo");

    // Sign-out ends the session.
    let out = send(
        &app,
        Request::post("/signout")
            .header(header::COOKIE, cookie.clone())
            .header(header::ORIGIN, origin.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}")))
            .expect("request"),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        send(&app, with_cookie("/account")).await.status,
        StatusCode::SEE_OTHER
    );

    // Five wrong passwords lock the account, even against the right one.
    for _ in 0..5 {
        let r = send(
            &app,
            sign_in_request("can.bo", "sai-mat-khau", Some(&origin)),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = send(
        &app,
        sign_in_request("can.bo", "mat-khau-that-dai", Some(&origin)),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("tạm khóa"), "{}", r.body);

    // An expired session is the public.
    let user = store.user("can.bo").expect("read").expect("user");
    store
        .put_session(&Session {
            secret_hash: chiso_core::accounts::secret_hash("old-secret"),
            user_id: user.id,
            created_at: Instant::from_unix(1_000),
            expires_at: Instant::from_unix(2_000),
            csrf: "x".into(),
        })
        .expect("session");
    let expired = send(
        &app,
        Request::get("/account")
            .header(header::COOKIE, "chiso_session=old-secret")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(expired.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_officer_writes_its_own_units_only() {
    let (_dir, db, app) = setup();
    let officer = common::as_token(common::token(&db, "officer@S1"), app.clone());
    let received = Date::parse("2026-03-21")
        .map_or(Instant::from_unix(0), |d| d.start().add_seconds(9 * 3600));
    let mut csv = RecordKind::Dossiers.csv_header();
    for (id, unit) in [("N1", "S1"), ("N2", "X1"), ("N3", "S2")] {
        csv.push('\n');
        csv.push_str(&Record::Dossier(Dossier::new(id, unit, "1.001", received)).to_csv_row());
    }
    let request = |body: String, kind: &str| {
        Request::post(format!("/api/v1/imports?kind={kind}&format=csv&name=f.csv"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(body))
            .expect("request")
    };
    let r = send(&officer, request(csv, "dossiers")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let answer: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(answer["summary"]["inserted"], 2, "{answer}");
    assert_eq!(
        answer["rejected"].as_array().map(Vec::len),
        Some(1),
        "{answer}"
    );
    assert!(r.body.contains("ngoài phạm vi quyền"), "{}", r.body);
    // The catalogue is the province office's.
    let r = send(
        &officer,
        request(
            "code,name,max_days\n9.9,Thủ tục lạ,3\n".into(),
            "procedures",
        ),
    )
    .await;
    let answer: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(answer["summary"]["inserted"], 0, "{answer}");
    assert_eq!(answer["summary"]["rejected"], 1, "{answer}");
    // Events name no unit: an officer may not send them.
    let r = send(
        &officer,
        Request::post("/api/v1/events")
            .body(Body::from("{}"))
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
