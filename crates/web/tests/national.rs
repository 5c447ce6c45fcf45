//! The dashboard on the nation's data (`chiso demo --national`, small): the
//! first page is the national ranking of the 34 provinces (rank among 34,
//! its change, the national average) and of the ministries, each province
//! linking down; a province's page gives its rank among the 34 and links to
//! the ranking of its departments and communes, which that link shows.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chiso_demo::{DemoConfig, Scope};
use chiso_store::Store;
use http_body_util::BodyExt;
use tower::ServiceExt;

mod common;

/// Hà Nội's code (QCVN 102).
const HA_NOI: &str = "000.00.00.H24";

/// The nation with a few thousand dossiers, loaded through the store's writer.
fn nation(db: &std::path::Path) {
    let cfg = DemoConfig {
        seed: 34,
        dossiers: 12_000,
        scope: Scope::National,
        ..DemoConfig::default()
    };
    let nation = chiso_demo::generate(&cfg);
    let mut store = Store::open(db).expect("store");
    let mut w = store.writer("units", "test").expect("writer");
    for u in &nation.units {
        w.put_unit(u).expect("unit");
    }
    w.commit(nation.units.len() as u64).expect("commit");
    let mut w = store.writer("procedures", "test").expect("writer");
    for p in &nation.procedures {
        w.put_procedure(p).expect("procedure");
    }
    w.commit(nation.procedures.len() as u64).expect("commit");
    let mut w = store.writer("holidays", "test").expect("writer");
    for h in &nation.holidays {
        w.put_holiday(h).expect("holiday");
    }
    w.commit(nation.holidays.len() as u64).expect("commit");
    let mut w = store.writer("dossiers", "test").expect("writer");
    let mut n = 0;
    for d in chiso_demo::dossiers(&cfg, &nation) {
        w.put_dossier(&d).expect("dossier");
        n += 1;
    }
    w.commit(n).expect("commit");
    let mut w = store.writer("feedback", "test").expect("writer");
    for f in &nation.feedback {
        w.put_feedback(f).expect("feedback");
    }
    w.commit(nation.feedback.len() as u64).expect("commit");
    let mut w = store.writer("counts", "test").expect("writer");
    for c in &nation.counts {
        w.put_counts(c).expect("counts");
    }
    w.commit(nation.counts.len() as u64).expect("commit");
    store.declare_as_of(cfg.now()).expect("as of");
}

async fn page(app: &Router, uri: &str) -> String {
    let response = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
        .await
        .expect("infallible service");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = String::from_utf8_lossy(&bytes).into_owned();
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    body
}

/// The `<section class="ranking">` blocks' headings, in order.
fn headings(html: &str) -> Vec<&str> {
    html.split("<section class=\"ranking\"><h2>")
        .skip(1)
        .filter_map(|s| s.split(" <span").next())
        .collect()
}

#[tokio::test]
async fn national_ranking_then_a_province_then_its_units() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("nation.db");
    nation(&db);
    // Signed in: the live figures (the public sees published ones only: access.rs).
    let app = common::as_admin(&db, chiso_web::router(db.clone()).expect("router"));

    // The first page: the national ranking only, provinces then ministries.
    let overview = page(&app, "/?period=2026-10").await;
    assert_eq!(
        headings(&overview),
        ["I. XẾP HẠNG TỈNH, THÀNH PHỐ", "II. XẾP HẠNG BỘ, NGÀNH"]
    );
    assert!(overview.contains("XẾP HẠNG TỈNH, THÀNH PHỐ <span class=\"count\">(34 đơn vị)"));
    for rank in 1..=34 {
        assert!(
            overview.contains(&format!(">{rank}/34<")),
            "rank {rank}/34 on the national ranking"
        );
    }
    assert!(overview.contains("Thay đổi hạng"));
    assert!(overview.contains("Trung bình toàn quốc"));
    assert!(overview.contains("UBND thành phố Hồ Chí Minh"));
    assert!(overview.contains(">Bộ Tư pháp<"));
    let down = format!("href=\"/?period=2026-10&parent={HA_NOI}\">Đơn vị trực thuộc</a>");
    assert!(
        overview.contains(&down),
        "a province links down to its units"
    );
    assert!(
        !overview.contains("UBND CẤP XÃ"),
        "no commune on the national page"
    );

    // A province's page: its rank among the 34, and its units by kind.
    let province = page(&app, &format!("/units/{HA_NOI}?period=2026-10")).await;
    assert!(province.contains("<h1>UBND thành phố Hà Nội</h1>"));
    assert!(
        province.contains("/34 tỉnh, thành phố"),
        "rank among the 34"
    );
    assert!(province.contains("<h2>Đơn vị trực thuộc</h2>"));
    let departments = format!("/?period=2026-10&kind=department&parent={HA_NOI}");
    let communes = format!("/?period=2026-10&kind=commune&parent={HA_NOI}");
    for link in [&departments, &communes] {
        assert!(province.contains(&format!("href=\"{link}\"")), "{link}");
    }

    // Following the links: Hà Nội's communes (126) and departments, ranked among themselves.
    let ranked = page(&app, &communes).await;
    assert_eq!(
        headings(&ranked),
        ["I. UBND CẤP XÃ THUỘC UBND THÀNH PHỐ HÀ NỘI"]
    );
    assert!(ranked.contains("(126 đơn vị)"));
    assert!(ranked.contains(">1/"), "ranked among themselves");
    let ranked = page(&app, &departments).await;
    assert_eq!(
        headings(&ranked),
        ["I. SỞ, BAN, NGÀNH THUỘC UBND THÀNH PHỐ HÀ NỘI"]
    );

    // A department's page leads back up through its province.
    let department = page(&app, "/units/000.00.14.H24?period=2026-10").await;
    assert!(department.contains(&format!(
        "<a href=\"/units/{HA_NOI}?period=2026-10\">UBND thành phố Hà Nội</a> › <a \
         href=\"/?period=2026-10&kind=department&parent={HA_NOI}\">"
    )));
}
