//! Sign-in, sign-out, one's own account (password change) and the audit
//! log's pages. Every attempt to sign in, every sign-out, password change
//! and audit export is written to the audit log.
//!
//! The session cookie is `HttpOnly` and `SameSite=Strict`, and `Secure`
//! when the request arrived over TLS (directly, or through a reverse proxy
//! that says so with `X-Forwarded-Proto: https`). Forms carry the session's
//! anti-forgery token besides the origin check of `access::authenticate`.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use chiso_app::accounts::{self, AccountError, SESSION_SECONDS};
use chiso_core::accounts::{AuditEntry, Principal};
use chiso_core::storage::AccountStore;

use crate::access::{self, Caller, SESSION_COOKIE};
use crate::error::{Error, PageError};
use crate::html::{esc, put};
use crate::pages::{self, Nav};
use crate::params::Params;
use crate::state::AppState;

/// Entries shown on one page of the audit log.
const AUDIT_PAGE: usize = 200;

/// Where to go after signing in: a local path only (never another site).
fn local_target(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn sign_in_page(next: &str, message: Option<&str>, status: StatusCode) -> Response {
    let mut body = String::from("<h1>Đăng nhập</h1>");
    if let Some(m) = message {
        put!(&mut body, "<div class=\"alert error\">{}</div>", esc(m));
    }
    put!(
        &mut body,
        "<form class=\"signin\" method=\"post\" action=\"/signin\"><input type=\"hidden\" \
         name=\"next\" value=\"{}\"><label>Tên đăng nhập<input name=\"login\" \
         autocomplete=\"username\" required autofocus></label><label>Mật khẩu<input \
         type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>\
         <button type=\"submit\">Đăng nhập</button></form><p class=\"note\">Kết quả xếp hạng đã \
         tính xem được không cần đăng nhập. Tài khoản do quản trị viên của Văn phòng cấp \
         (<code>chiso user add</code>).</p>",
        esc(next)
    );
    (status, pages::frame("Đăng nhập", Nav::None, None, &body)).into_response()
}

/// `GET /signin?next=`: the form.
pub async fn form(params: Params) -> Response {
    sign_in_page(&local_target(params.get("next")), None, StatusCode::OK)
}

/// `POST /signin`: checks the password, opens a session, audits the attempt.
pub async fn sign_in(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let login = fields.get("login").map_or("", |l| l.trim()).to_string();
    let password = fields.get("password").cloned().unwrap_or_default();
    let next = local_target(fields.get("next").map(String::as_str));
    let from = caller.from.clone();
    let now = access::now();
    let outcome = state
        .run(move |ctx| {
            let store = ctx.store();
            let result = accounts::sign_in(store, &login, &password, now);
            let (action, detail) = match &result {
                Ok(_) => ("sign_in", format!("login={login}")),
                Err(e) => ("sign_in_failed", format!("login={login} reason={e}")),
            };
            accounts::audit(store, now, &login, &from, action, &detail)?;
            Ok(result)
        })
        .await?;
    match outcome {
        Ok(signed) => {
            let secure = if over_tls(&headers) { "; Secure" } else { "" };
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}{secure}",
                signed.secret
            );
            let target = if signed.user.must_change_password {
                "/account?change=1".to_string()
            } else {
                next
            };
            Ok((
                StatusCode::SEE_OTHER,
                [(header::SET_COOKIE, cookie), (header::LOCATION, target)],
            )
                .into_response())
        }
        Err(AccountError::Store(e)) => Err(PageError(Error::from(e))),
        Err(e) => Ok(sign_in_page(
            &next,
            Some(&e.to_string()),
            StatusCode::UNAUTHORIZED,
        )),
    }
}

fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// `POST /signout`: ends the session.
pub async fn sign_out(
    State(state): State<AppState>,
    caller: Caller,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !caller.csrf_matches(fields.get("csrf").map(String::as_str)) {
        return Err(PageError(Error::CrossSite));
    }
    if let Some(session) = caller.session.clone() {
        let (who, from) = (caller.principal.actor(), caller.from.clone());
        state
            .run(move |ctx| {
                ctx.store().end_session(&session.secret_hash)?;
                accounts::audit(ctx.store(), access::now(), &who, &from, "sign_out", "")?;
                Ok(())
            })
            .await?;
    }
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, clear_cookie()),
            (header::LOCATION, "/".to_string()),
        ],
    )
        .into_response())
}

/// `GET /account`: who is signed in, their roles, the password form.
pub async fn page(caller: Caller, params: Params) -> Html<String> {
    render(&caller, params.get("change").is_some(), None)
}

fn render(caller: &Caller, must_change: bool, message: Option<(&str, bool)>) -> Html<String> {
    let mut body = String::from("<h1>Tài khoản</h1>");
    if let Some((m, ok)) = message {
        let class = if ok { "ok" } else { "error" };
        put!(&mut body, "<div class=\"alert {class}\">{}</div>", esc(m));
    }
    if must_change {
        body.push_str(
            "<div class=\"alert error\">Mật khẩu này do quản trị viên đặt lại: hãy đổi mật khẩu \
             ngay.</div>",
        );
    }
    put!(
        &mut body,
        "<p>Đăng nhập với tên <strong>{}</strong>{}.</p><h2>Quyền</h2><ul>",
        esc(&caller.principal.actor()),
        caller
            .name
            .as_deref()
            .map(|n| format!(" ({})", esc(n)))
            .unwrap_or_default()
    );
    for g in caller.principal.grants() {
        put!(
            &mut body,
            "<li>{} — {}</li>",
            g.role.label_vi(),
            g.unit
                .as_deref()
                .map_or("mọi đơn vị".to_string(), |u| format!(
                    "đơn vị {} và các đơn vị trực thuộc",
                    esc(u)
                ))
        );
    }
    let csrf = esc(caller.csrf());
    put!(
        &mut body,
        "</ul><p><a href=\"/notifications\">Thông báo của các đơn vị được giao</a></p>\
         <h2>Đổi mật khẩu</h2><form class=\"signin\" method=\"post\" \
         action=\"/account/password\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label>Mật khẩu hiện tại<input type=\"password\" name=\"current\" \
         autocomplete=\"current-password\" required></label><label>Mật khẩu mới (ít nhất {} ký \
         tự)<input type=\"password\" name=\"new\" autocomplete=\"new-password\" required>\
         </label><button type=\"submit\">Đổi mật khẩu</button></form><form method=\"post\" \
         action=\"/signout\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button \
         type=\"submit\">Đăng xuất</button></form>",
        accounts::MIN_PASSWORD_CHARS
    );
    pages::frame("Tài khoản", Nav::None, None, &body)
}

/// `POST /account/password`: changes one's password (the current one
/// first); every session of the user ends, this one is replaced.
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !caller.csrf_matches(fields.get("csrf").map(String::as_str)) {
        return Err(PageError(Error::CrossSite));
    }
    let Principal::User { login, .. } = caller.principal.clone() else {
        return Err(PageError(Error::Forbidden));
    };
    let current = fields.get("current").cloned().unwrap_or_default();
    let new = fields.get("new").cloned().unwrap_or_default();
    let from = caller.from.clone();
    let now = access::now();
    let result = state
        .run(move |ctx| {
            let store = ctx.store();
            // The current password, checked as a sign-in is (and counted).
            let result = accounts::sign_in(store, &login, &current, now)
                .and_then(|_| accounts::set_password(store, &login, &new, false))
                .and_then(|_| accounts::sign_in(store, &login, &new, now));
            let detail = match &result {
                Ok(_) => String::new(),
                Err(e) => format!("reason={e}"),
            };
            let action = if result.is_ok() {
                "password_changed"
            } else {
                "password_change_failed"
            };
            accounts::audit(store, now, &login, &from, action, &detail)?;
            Ok(result)
        })
        .await?;
    match result {
        Ok(signed) => {
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}",
                signed.secret
            );
            let mut caller = caller;
            caller.session = Some(signed.session);
            let page = render(&caller, false, Some(("Đã đổi mật khẩu.", true)));
            Ok(([(header::SET_COOKIE, cookie)], page).into_response())
        }
        Err(AccountError::Store(e)) => Err(PageError(Error::from(e))),
        Err(e) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&caller, false, Some((&e.to_string(), false))),
        )
            .into_response()),
    }
}

/// The entries a filter keeps: the newest first, at most `AUDIT_PAGE`
/// unless `all`.
fn audit_entries(
    store: &impl AccountStore<Error = chiso_backend::BackendError>,
    params: &Params,
    all: bool,
) -> Result<Vec<AuditEntry>, Error> {
    let action = params.get("action");
    let actor = params.get("actor");
    let mut kept = Vec::new();
    let mut after = 0;
    loop {
        let page = store.audit(after, 10_000)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        kept.extend(page.into_iter().filter(|e| {
            action.is_none_or(|a| e.draft.action == a) && actor.is_none_or(|a| e.draft.actor == a)
        }));
        if !all && kept.len() > AUDIT_PAGE * 10 {
            kept.drain(..kept.len() - AUDIT_PAGE);
        }
    }
    kept.reverse();
    if !all {
        kept.truncate(AUDIT_PAGE);
    }
    Ok(kept)
}

/// `GET /audit?action=&actor=`: the newest entries of the audit log.
pub async fn audit(
    State(state): State<AppState>,
    params: Params,
) -> Result<Html<String>, PageError> {
    let (entries, verified) = state
        .run(move |ctx| {
            let entries = audit_entries(ctx.store(), &params, false)?;
            let verified = match accounts::verify_audit(ctx.store()) {
                accounts::Verified::Intact(n) => {
                    format!(
                        "Chuỗi mã băm toàn vẹn: {} mục",
                        chiso_core::format::integer(n)
                    )
                }
                accounts::Verified::Broken(b) => format!("CHUỖI MÃ BĂM BỊ PHÁ VỠ: {b}"),
                accounts::Verified::Store(e) => return Err(Error::from(e)),
            };
            Ok((entries, verified))
        })
        .await?;
    let mut body = String::from("<h1>Nhật ký kiểm tra</h1>");
    put!(
        &mut body,
        "<p class=\"sub\">{} · <a href=\"/audit.csv\">Tải CSV toàn bộ</a> · lọc: \
         <code>?action=sign_in_failed</code>, <code>?actor=TÊN</code></p>",
        esc(&verified)
    );
    body.push_str(
        "<table class=\"grid\"><thead><tr><th class=\"num\">Số</th><th>Thời điểm</th>\
         <th>Người thực hiện</th><th>Từ</th><th>Hành động</th><th>Chi tiết</th></tr></thead>\
         <tbody>",
    );
    for e in &entries {
        put!(
            &mut body,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td></tr>",
            e.seq,
            e.draft.at.vn(),
            esc(&e.draft.actor),
            esc(&e.draft.from),
            esc(&e.draft.action),
            esc(&e.draft.detail)
        );
    }
    body.push_str("</tbody></table>");
    Ok(pages::frame("Nhật ký kiểm tra", Nav::None, None, &body))
}

/// `GET /audit.csv`: the whole log (filtered as the page), for people
/// (UTF-8 with BOM, formula cells neutralised); the export is audited.
pub async fn audit_csv(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
) -> Result<Response, PageError> {
    let (who, from) = (caller.principal.actor(), caller.from.clone());
    let bytes = state
        .run(move |ctx| {
            let mut entries = audit_entries(ctx.store(), &params, true)?;
            entries.reverse();
            let bytes = accounts::audit_csv(&entries).map_err(Error::internal)?;
            accounts::audit(
                ctx.store(),
                access::now(),
                &who,
                &from,
                "export",
                &format!("what=audit.csv entries={}", entries.len()),
            )?;
            Ok(bytes)
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"nhat-ky-kiem-tra.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
