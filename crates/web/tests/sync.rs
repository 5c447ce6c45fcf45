//! The portal-style sync pushes: a one-stop system posts `DongBoHoSoMC` and
//! `CapNhatTienDoHoSoMC` bodies unchanged; the answer is in the portal's
//! `{error_code, message}` style; the same body twice changes nothing; steps
//! sent before their dossier are applied when it comes; pushes are off
//! unless the server was started to accept them.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chiso_ingest::{from_text, Format, RecordKind};
use chiso_store::Store;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

mod common;

fn setup(allow: bool) -> (tempfile::TempDir, std::path::PathBuf, Router) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("sync.db");
    let mut store = Store::open(&db).expect("store");
    for (kind, text) in [
        (
            RecordKind::Units,
            "code,name,parent_code,kind\n000.00.00.H53,UBND tỉnh,,province\n000.22.20.H53,Sở Tư pháp,000.00.00.H53,department\n",
        ),
        (RecordKind::Procedures, "code,name,max_days\n1.001,Chứng thực,3\n"),
    ] {
        let reader = from_text(kind, "seed.csv", Format::Csv, text).expect("read");
        chiso_app::import(&mut store, reader, |_, _| {}).expect("import");
    }
    drop(store);
    let app = chiso_web::router_with(db.clone(), allow).expect("router");
    (dir, db, app)
}

async fn post(app: &Router, path: &str, body: &Value) -> (StatusCode, Value) {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, serde_json::from_slice(&bytes).expect("json answer"))
}

fn dossiers() -> Value {
    json!({"session": "s", "madonvi": "000.22.20.H53", "service": "DongBoHoSoMC", "isUpdating": "False",
    "data": [
        {"MaHoSo": "000.22.20.H53-261001-00001", "MaTTHC": "1.001", "NgayTiepNhan": "20261001080000",
         "NgayHenTra": "20261006170000", "TrangThaiHoSo": "4"},
        {"MaHoSo": "000.22.20.H53-261001-00002", "MaTTHC": "1.001", "NgayTiepNhan": "20261001090000",
         "NgayHenTra": "20261006170000", "TrangThaiHoSo": "10", "NgayKetThucXuLy": "20261002100000"}
    ]})
}

fn steps() -> Value {
    json!([
        {"MaHoSo": "000.22.20.H53-261001-00001", "NguoiXuLy": "Lê C", "ChucDanh": "Chuyên viên",
         "ThoiDiemXuLy": "20261009100000", "TrangThai": "9", "NoiDungXuLy": "Xử lý xong"}
    ])
}

fn inventory(db: &std::path::Path) -> (i64, i64) {
    let store = Store::open(db).expect("store");
    let late: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM dossiers WHERE finished_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("count");
    (store.inventory().expect("inventory").dossiers, late)
}

#[tokio::test]
async fn pushes_are_idempotent_and_steps_may_come_first() {
    let (_dir, db, app) = setup(true);
    let (status, answer) = post(&app, "/api/v1/sync/CapNhatTienDoHoSoMC", &steps()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["error_code"], "0", "{answer}");
    assert_eq!(inventory(&db), (0, 0), "the step waits for its dossier");

    let (status, answer) = post(&app, "/api/v1/sync/DongBoHoSoMC", &dossiers()).await;
    assert_eq!(
        (status, answer["error_code"].as_str()),
        (StatusCode::OK, Some("0")),
        "{answer}"
    );
    assert_eq!(answer["accepted"], 2);
    assert_eq!(
        inventory(&db),
        (2, 2),
        "the waiting step finished the first dossier"
    );
    let scores = |app: Router| async move {
        let request = Request::get("/api/v1/scores?period=2026-10")
            .body(Body::empty())
            .expect("request");
        let response = app.oneshot(request).await.expect("response");
        response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
    };
    let before = scores(app.clone()).await;
    post(&app, "/api/v1/sync/DongBoHoSoMC", &dossiers()).await;
    post(&app, "/api/v1/sync/CapNhatTienDoHoSoMC", &steps()).await;
    assert_eq!(inventory(&db), (2, 2));
    assert_eq!(
        before,
        scores(app.clone()).await,
        "the same bodies again change nothing"
    );
}

#[tokio::test]
async fn unit_by_parameter_rejections_and_refusals() {
    let (_dir, _db, app) = setup(true);
    let bare = json!([{"MaHoSo": "HS-1", "MaTTHC": "1.001", "NgayTiepNhan": "20261001080000"},
                      {"MaHoSo": "HS-2", "MaTTHC": "9.999", "NgayTiepNhan": "20261001080000"}]);
    let (_, answer) = post(
        &app,
        "/api/v1/sync/DongBoHoSoMC?MaDinhDanhDV=000.22.20.H53",
        &bare,
    )
    .await;
    assert_eq!(answer["error_code"], "-1", "{answer}");
    assert_eq!(answer["accepted"], 1);
    assert_eq!(
        answer["rejected"][0]["column"], "procedure_code",
        "{answer}"
    );

    let (status, answer) = post(&app, "/api/v1/sync/DongBoHoSoMC", &json!("not an envelope")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");

    // Without --allow-unauthenticated-sync, a push needs a token.
    let (_dir2, db2, closed) = setup(false);
    let (status, answer) = post(&closed, "/api/v1/sync/DongBoHoSoMC", &dossiers()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    assert_eq!(answer["error"]["code"], "unauthenticated");
    let viewer = common::as_token(common::token(&db2, "viewer@000.22.20.H53"), closed.clone());
    let (status, answer) = post(&viewer, "/api/v1/sync/DongBoHoSoMC", &dossiers()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a viewer may not push: {answer}"
    );
    let officer = common::as_token(common::token(&db2, "officer@000.22.20.H53"), closed.clone());
    let (status, answer) = post(&officer, "/api/v1/sync/DongBoHoSoMC", &dossiers()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["error_code"], "0", "{answer}");
    let (status, answer) = post(
        &common::as_token("chiso_forged".into(), closed),
        "/api/v1/sync/DongBoHoSoMC",
        &dossiers(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer["error"]["code"], "invalid_token");
}
