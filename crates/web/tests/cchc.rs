//! The administrative-reform (CCHC) pages in process, with real accounts
//! and sessions: an officer fills and submits a department's forms, an
//! approver of the province returns them with a reason, the officer fixes
//! and submits again, the approver approves, and the office sees the
//! consolidated figure, the appendices and the audit log of every step.
//! Who acts is the signed-in account and its grants, never a typed name:
//! another unit's officer, an officer deciding, a form without its
//! anti-forgery token and a unit outside the caller's scope are refused.

use std::path::Path;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chiso_core::accounts::Grant;
use chiso_core::time::Instant;
use chiso_ingest::{from_text, Format, RecordKind};
use chiso_store::Store;
use http_body_util::BodyExt;
use tower::ServiceExt;

const HOST: &str = "chiso.test";
const PASSWORD: &str = "mat-khau-that-dai";
const Q: &str = "period=2026-Q1";
/// A row every level fills and the province sums (biên chế tinh giảm).
const ROW: &str = "B4 2.4";

/// A province P with departments S1 and S2, and the accounts of the test.
fn setup() -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("cchc.db");
    let mut store = Store::open(&db).expect("store");
    let units = "code,name,parent_code,kind\nP,UBND tỉnh Thử Nghiệm,,province\n\
                 S1,Sở Tư pháp,P,department\nS2,Sở Y tế,P,department\n";
    let reader = from_text(RecordKind::Units, "units.csv", Format::Csv, units).expect("read");
    chiso_app::import(&mut store, reader, |_, _| {}).expect("import");
    drop(store);
    for (login, grant) in [
        ("canbo.s1", "officer@S1"),
        ("canbo.s2", "officer@S2"),
        ("lanhdao", "approver@P"),
        ("quantri", "admin"),
        ("xem.s2", "viewer@S2"),
    ] {
        add_user(&db, login, grant);
    }
    let app = chiso_web::router(db).expect("router");
    (dir, app)
}

fn add_user(db: &Path, login: &str, grant: &str) {
    let store = Store::open(db).expect("store");
    chiso_app::accounts::add_user(
        &store,
        login,
        login,
        PASSWORD,
        vec![Grant::parse(grant).expect("grant")],
        Instant::from_unix(1_780_000_000),
    )
    .expect("user");
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

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A signed-in browser: its session cookie and its anti-forgery token.
struct Browser {
    cookie: String,
    csrf: String,
}

impl Browser {
    async fn sign_in(app: &Router, login: &str) -> Browser {
        let reply = send(
            app,
            Request::post("/signin")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ORIGIN, format!("http://{HOST}"))
                .body(Body::from(format!(
                    "login={login}&password={PASSWORD}&next=%2Fcchc"
                )))
                .expect("request"),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{login}: {}",
            reply.body
        );
        let cookie = reply.headers[header::SET_COOKIE]
            .to_str()
            .expect("cookie")
            .split(';')
            .next()
            .expect("pair")
            .to_string();
        let mut browser = Browser {
            cookie,
            csrf: String::new(),
        };
        let account = browser.get(app, "/account").await;
        browser.csrf = account
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("the session's token")
            .to_string();
        browser
    }

    async fn open(&self, app: &Router, uri: &str) -> Reply {
        send(
            app,
            Request::get(uri)
                .header(header::COOKIE, &self.cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    async fn get(&self, app: &Router, uri: &str) -> String {
        let reply = self.open(app, uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
        reply.body
    }

    /// Posts a form with the session's token (and from this site).
    async fn post(&self, app: &Router, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let mut body = format!("csrf={}", encode(&self.csrf));
        for (k, v) in fields {
            body.push_str(&format!("&{}={}", encode(k), encode(v)));
        }
        send(
            app,
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ORIGIN, format!("http://{HOST}"))
                .header(header::COOKIE, &self.cookie)
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }
}

fn message(page: &str) -> &str {
    page.split("id=\"message\">")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .unwrap_or("")
}

fn status(page: &str) -> &str {
    page.split("id=\"status\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or("")
}

/// The inputs of the page's explanation fields (`e:ID`), each explained.
fn explanations(page: &str) -> Vec<(String, String)> {
    page.split("name=\"e:")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|id| (format!("e:{id}"), "Đã rà soát, đúng thực tế".to_string()))
        .collect()
}

#[tokio::test]
async fn an_officer_submits_an_approver_returns_then_approves_and_the_office_sees_the_figure() {
    let (_dir, app) = setup();
    let form = format!("/cchc/units/S1?{Q}");
    let decision = format!("/cchc/units/S1/decision?{Q}");
    let officer = Browser::sign_in(&app, "canbo.s1").await;
    let approver = Browser::sign_in(&app, "lanhdao").await;
    let office = Browser::sign_in(&app, "quantri").await;

    // The office's page: two departments expected, none has reported.
    let page = office.get(&app, &format!("/cchc?{Q}")).await;
    assert!(page.contains("id=\"received\">0/2</strong>"), "{page}");
    assert!(page.contains("id=\"reminders\""), "the list of reminders");
    assert!(page.contains("Sở Y tế") && page.contains("Chưa gửi"));

    // The officer's form: the row to fill, empty (not 0).
    let page = officer.get(&app, &form).await;
    let input = format!("name=\"v:{ROW}\" value=\"\"");
    assert!(page.contains(&input), "an empty row to fill: {page}");
    assert_eq!(status(&page), "Chưa nhập");

    // A figure that is not a number is refused with the row named, nothing saved.
    let bad = officer
        .post(
            &app,
            &form,
            &[("step", "save"), (&format!("v:{ROW}"), "ba")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&bad.body).contains(ROW), "{}", message(&bad.body));
    assert_eq!(status(&bad.body), "Chưa nhập");

    // Save a draft, then submit with the warnings explained.
    let saved = officer
        .post(&app, &form, &[("step", "save"), (&format!("v:{ROW}"), "3")])
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", message(&saved.body));
    assert!(message(&saved.body).starts_with("Đã lưu lần nhập số 1"));
    assert_eq!(status(&saved.body), "Đang nhập");
    let mut fields = vec![
        ("step".to_string(), "submit".to_string()),
        (format!("v:{ROW}"), "3".to_string()),
    ];
    fields.extend(explanations(&saved.body));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let submitted = officer.post(&app, &form, &borrowed).await;
    assert_eq!(
        status(&submitted.body),
        "Đã gửi, chờ duyệt",
        "{}",
        message(&submitted.body)
    );

    // The officer cannot decide, another unit's officer cannot fill.
    let refused = officer.post(&app, &decision, &[("step", "approve")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let other = Browser::sign_in(&app, "canbo.s2").await;
    let refused = other
        .post(&app, &form, &[("step", "save"), (&format!("v:{ROW}"), "9")])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "outside its unit");
    // A form without the session's token is refused.
    let mut forged = officer.post(&app, &form, &[("step", "save")]).await;
    assert_eq!(
        forged.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "submitted: not editable"
    );
    forged = send(
        &app,
        Request::post(&form)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::COOKIE, &officer.cookie)
            .body(Body::from("step=save"))
            .expect("request"),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // A return needs a reason; then the reason is shown to the officer.
    let page = approver.get(&app, &form).await;
    assert!(
        page.contains("id=\"decision-form\""),
        "the approver's buttons"
    );
    assert!(
        !page.contains("id=\"cchc-form\""),
        "no figures to type for the approver"
    );
    let refused = approver
        .post(&app, &decision, &[("step", "return"), ("reason", " ")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&refused.body).contains("phải ghi lý do"),
        "{}",
        message(&refused.body)
    );
    let reason = "Số biên chế tinh giảm chưa khớp quyết định";
    let returned = approver
        .post(&app, &decision, &[("step", "return"), ("reason", reason)])
        .await;
    assert_eq!(
        status(&returned.body),
        "Bị trả lại",
        "{}",
        message(&returned.body)
    );
    let page = officer.get(&app, &form).await;
    assert!(page.contains(reason), "the officer sees why");
    assert!(page.contains(&format!("name=\"v:{ROW}\" value=\"3\"")));

    // Fixed and submitted again; approved.
    let mut fields = vec![
        ("step".to_string(), "submit".to_string()),
        (format!("v:{ROW}"), "5".to_string()),
    ];
    fields.extend(explanations(&page));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let again = officer.post(&app, &form, &borrowed).await;
    assert_eq!(
        status(&again.body),
        "Đã gửi, chờ duyệt",
        "{}",
        message(&again.body)
    );
    let approved = approver.post(&app, &decision, &[("step", "approve")]).await;
    assert_eq!(
        approved.status,
        StatusCode::OK,
        "{}",
        message(&approved.body)
    );
    assert_eq!(status(&approved.body), "Đã duyệt");
    // The history names the accounts and the reason.
    let history = approved
        .body
        .split("id=\"history\"")
        .nth(1)
        .expect("history");
    assert!(
        history.contains("<td>lanhdao</td><td>Trả lại</td>"),
        "{history}"
    );
    assert!(history.contains("<td>canbo.s1</td><td>Gửi duyệt</td>"));
    assert!(history.contains(reason));

    // The office: one approved, the consolidated figure, the appendices.
    let page = office.get(&app, &format!("/cchc?{Q}")).await;
    assert!(page.contains("id=\"approved\">1</strong>"), "{page}");
    assert!(page.contains("id=\"received\">1/2</strong>"));
    let page = office
        .get(&app, &format!("/cchc/units/P/consolidated?{Q}"))
        .await;
    let row = page
        .split(&format!("<tr data-id=\"{ROW}\">"))
        .nth(1)
        .and_then(|s| s.split("</tr>").next())
        .expect("the consolidated row");
    assert!(row.contains("<td class=\"num value\">5</td>"), "{row}");
    for format in ["xlsx", "docx", "pdf"] {
        let reply = office
            .open(
                &app,
                &format!("/cchc/units/P/appendices?{Q}&format={format}"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{format}");
        assert!(reply.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("header")
            .contains(format));
    }
    // The approver reads the consolidation but the export is the office's.
    let reply = approver
        .open(&app, &format!("/cchc/units/P/appendices?{Q}"))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // Every step is in the audit log, under the account's login.
    let audit = office.get(&app, "/audit").await;
    for (who, action) in [
        ("canbo.s1", "cchc_save"),
        ("canbo.s1", "cchc_submit"),
        ("lanhdao", "cchc_return"),
        ("lanhdao", "cchc_approve"),
        ("quantri", "export"),
    ] {
        assert!(
            audit.contains(&format!("<td>{who}</td>"))
                && audit.contains(&format!("<td>{action}</td>")),
            "{who} {action}"
        );
    }

    // A department that never reported is exempted, with its reason.
    let waived = approver
        .post(
            &app,
            &format!("/cchc/units/S2/decision?{Q}"),
            &[("step", "waive"), ("reason", "Sở mới thành lập")],
        )
        .await;
    assert_eq!(
        status(&waived.body),
        "Miễn báo cáo",
        "{}",
        message(&waived.body)
    );
    let page = office.get(&app, &format!("/cchc?{Q}")).await;
    assert!(page.contains("Lý do miễn: Sở mới thành lập"), "{page}");
    assert!(
        page.contains("id=\"missing\">0</strong>"),
        "no one left to remind"
    );

    // Reopening needs a reason too.
    let refused = approver.post(&app, &decision, &[("step", "reopen")]).await;
    assert!(message(&refused.body).contains("phải ghi lý do"));
    let reopened = approver
        .post(
            &app,
            &decision,
            &[("step", "reopen"), ("reason", "Bổ sung số liệu")],
        )
        .await;
    assert_eq!(
        status(&reopened.body),
        "Đang nhập",
        "{}",
        message(&reopened.body)
    );
    // What changed since the approval is shown beside the figures.
    let changed = officer
        .post(&app, &form, &[("step", "save"), (&format!("v:{ROW}"), "6")])
        .await;
    let changes = changed
        .body
        .split("id=\"changes\"")
        .nth(1)
        .and_then(|s| s.split("</table>").next())
        .expect("the changes since the approval");
    assert!(
        changes.contains(&format!("<td>{ROW} "))
            && changes.contains("<td class=\"num\">5</td><td class=\"num\">6</td>"),
        "{changes}"
    );
}

#[tokio::test]
async fn read_pages_follow_the_callers_units() {
    let (_dir, app) = setup();
    let viewer = Browser::sign_in(&app, "xem.s2").await;
    // Its own unit's pages, not another's (answered as unknown).
    assert!(viewer
        .get(&app, &format!("/cchc/units/S2?{Q}"))
        .await
        .contains("Sở Y tế"));
    let page = viewer.get(&app, &format!("/cchc/units/S2?{Q}")).await;
    assert!(!page.contains("id=\"cchc-form\""), "a viewer fills nothing");
    assert_eq!(
        viewer
            .open(&app, &format!("/cchc/units/S1?{Q}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        viewer.open(&app, &format!("/cchc?unit=P&{Q}")).await.status,
        StatusCode::NOT_FOUND
    );
    for uri in ["/cchc", "/cchc/results", "/cchc/units/S2/plan?year=2026"] {
        assert_eq!(viewer.open(&app, uri).await.status, StatusCode::OK, "{uri}");
    }
    // The public is sent to sign in.
    let reply = send(
        &app,
        Request::get(format!("/cchc?{Q}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    // A period that is not one is a clear refusal.
    let reply = viewer.open(&app, "/cchc?period=2026-Q2").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("2024-Q1"), "{}", reply.body);
}

/// A multipart body with the session's token and one file.
fn multipart(csrf: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "chiso-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &Router, browser: &Browser, uri: &str, name: &str, bytes: &[u8]) -> Reply {
    let (content_type, body) = multipart(&browser.csrf, name, bytes);
    send(
        app,
        Request::post(uri)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::COOKIE, &browser.cookie)
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

#[tokio::test]
async fn a_unit_fills_its_forms_with_the_template_it_downloads() {
    let (_dir, app) = setup();
    let officer = Browser::sign_in(&app, "canbo.s1").await;
    let template = officer
        .open(&app, &format!("/cchc/units/S1/template?{Q}"))
        .await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.body.starts_with("PK"), "an XLSX workbook");
    let workbook = {
        let response = app
            .clone()
            .oneshot(
                Request::get(format!("/cchc/units/S1/template?{Q}"))
                    .header(header::HOST, HOST)
                    .header(header::COOKIE, &officer.cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("response");
        response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
    };
    let uri = format!("/cchc/units/S1/upload?{Q}");
    // The workbook as downloaded reads back whole.
    let reply = upload(&app, &officer, &uri, "bieu-mau.xlsx", &workbook).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", message(&reply.body));
    assert!(message(&reply.body).starts_with("Đã lưu lần nhập số 1"));
    // A filled CSV: a refused row is named by its line and nothing is saved.
    let header = chiso_cchc::template::COLUMNS.join(",");
    let bad = format!("{header}\n{ROW},,,,bảy,,,\n");
    let reply = upload(&app, &officer, &uri, "bieu.csv", bad.as_bytes()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&reply.body).contains("dòng 2"),
        "{}",
        message(&reply.body)
    );
    let good = format!("{header}\n{ROW},,,,7,,,\n");
    let reply = upload(&app, &officer, &uri, "bieu.csv", good.as_bytes()).await;
    assert!(
        message(&reply.body).starts_with("Đã lưu lần nhập số 2"),
        "{}",
        message(&reply.body)
    );
    assert!(reply
        .body
        .contains(&format!("name=\"v:{ROW}\" value=\"7\"")));
    // Without the session's token, refused; another unit's officer, unknown.
    let reply = upload(
        &app,
        &Browser {
            cookie: officer.cookie.clone(),
            csrf: "khong-dung".into(),
        },
        &uri,
        "bieu.csv",
        good.as_bytes(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let other = Browser::sign_in(&app, "canbo.s2").await;
    assert_eq!(
        upload(&app, &other, &uri, "bieu.csv", good.as_bytes())
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let office = Browser::sign_in(&app, "quantri").await;
    let audit = office.get(&app, "/audit?action=cchc_import").await;
    assert!(audit.contains("file=bieu.csv"), "the upload is audited");
}

#[tokio::test]
async fn the_plan_shows_computed_statuses_and_records_a_tasks_progress() {
    use chiso_cchc::catalogue::Area;
    use chiso_cchc::plan::{Party, Plan, Task};
    let (dir, app) = setup();
    {
        let mut store = Store::open(&dir.path().join("cchc.db")).expect("store");
        let task = |no: u32, deadline: &str| Task {
            no,
            area: Area::parse("I").expect("area"),
            text: format!("Nhiệm vụ thử {no}"),
            products: vec!["Báo cáo".into()],
            lead: vec![Party::Unit { code: "S1".into() }],
            coordinating: vec![Party::Text {
                text: "Các sở, ban, ngành".into(),
            }],
            deadline_text: deadline.into(),
            history: Vec::new(),
        };
        let plan = Plan {
            owner: "P".into(),
            year: 2026,
            document: None,
            tasks: vec![task(1, "Quý I/2026"), task(2, "Quý IV/2099")],
        };
        chiso_app::cchc::import_plan(&mut store, plan, Instant::from_unix(1_780_000_000))
            .expect("plan");
    }
    let office = Browser::sign_in(&app, "quantri").await;
    let uri = "/cchc/units/P/plan?year=2026";
    let page = office.get(&app, uri).await;
    assert!(page.contains("Kết quả đạt 0/2 nhiệm vụ"), "{page}");
    assert!(page.contains("Quá hạn"), "task 1 is past its deadline");
    assert!(page.contains("Sở Tư pháp"), "the lead unit by name");
    let record = |date: &'static str| {
        vec![
            ("task", "1"),
            ("status", "Đã thực hiện"),
            ("date", date),
            ("evidence", "125/QĐ-UBND"),
        ]
    };
    let reply = office.post(&app, uri, &record("2026-03-20")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", message(&reply.body));
    assert!(
        reply.body.contains("Kết quả đạt 1/2 nhiệm vụ, đạt 50%"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("125/QĐ-UBND"), "the evidence");
    // History is append-only.
    let reply = office.post(&app, uri, &record("2026-01-02")).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&reply.body).contains("chỉ được ghi thêm"),
        "{}",
        message(&reply.body)
    );
    // An officer below the plan's owner does not write it; a viewer reads it.
    let officer = Browser::sign_in(&app, "canbo.s1").await;
    let reply = officer.post(&app, uri, &record("2026-04-01")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let viewer = Browser::sign_in(&app, "xem.s2").await;
    assert_eq!(
        viewer
            .open(&app, "/cchc/units/S2/plan?year=2026")
            .await
            .status,
        StatusCode::OK
    );
}
