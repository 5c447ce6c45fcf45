//! Alerts on the web: `GET /notifications`, the signed-in user's list (the
//! notifications of the units their grants cover), and
//! `GET /units/{code}/alerts.atom`, a unit's Atom feed (RFC 4287). Both
//! carry dossier-level notifications (a dossier about to become late), so
//! both need the right to read the unit's dossiers (`access::POLICY`); a
//! feed reader signs in with a machine token (`Authorization: Bearer …`).
//! The rules are evaluated and the notifications recorded by
//! `chiso alerts run` (`chiso_app::alerts`); these only lay out what is kept.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chiso_app::alerts::{self, Notification};
use chiso_core::accounts::{Action, Principal};
use chiso_core::engine::IndexStore;
use chiso_core::scoring::Hierarchy;
use chiso_core::time::Instant;

use crate::access::Caller;
use crate::error::{Error, PageError};
use crate::html::{esc, put, url_component};
use crate::pages::{self, Nav};
use crate::state::AppState;

/// Notifications shown on the page and in a feed.
const SHOWN: usize = 200;

/// Whether `unit` is `root` or below it, through the hierarchy's parents.
fn within(hierarchy: &Hierarchy, root: &str, unit: &str) -> bool {
    let mut at = Some(unit.to_string());
    // A parent cycle cannot loop: at most one step per unit.
    for _ in 0..=hierarchy.units.len() {
        let Some(code) = at else {
            return false;
        };
        if code == root {
            return true;
        }
        at = hierarchy.get(&code).and_then(|u| u.parent_code.clone());
    }
    false
}

fn sees(principal: &Principal, hierarchy: &Hierarchy, unit: &str) -> bool {
    principal.permits(Action::ReadDossiers, Some(unit), |root, u| {
        within(hierarchy, root, u)
    })
}

fn failed(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::internal(anyhow::Error::new(e))
}

/// `GET /notifications`: the caller's units' notifications, newest first.
pub async fn page(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Html<String>, PageError> {
    let principal = caller.principal.clone();
    let list = state
        .run(move |ctx| {
            let hierarchy = ctx.store().hierarchy()?;
            alerts::notifications(ctx.store(), |u| sees(&principal, &hierarchy, u), SHOWN)
                .map_err(failed)
        })
        .await?;
    let mut body = String::from("<h1>Thông báo</h1>");
    body.push_str(
        "<p class=\"sub\">Cảnh báo theo quy tắc của Văn phòng cho các đơn vị anh/chị được giao, \
         mới nhất trước; mỗi sự việc một lần. Thư tóm tắt hằng ngày gửi đến địa chỉ thư của tài \
         khoản (<code>chiso user email</code>).</p>",
    );
    if list.is_empty() {
        body.push_str("<p>Chưa có thông báo nào.</p>");
    } else {
        body.push_str(
            "<table class=\"grid\"><thead><tr><th>Ngày</th><th>Đơn vị</th><th>Cảnh báo</th>\
             <th>Nguồn tin</th></tr></thead><tbody>",
        );
        for n in &list {
            let code = url_component(&n.event.unit_code);
            put!(
                &mut body,
                "<tr><td>{}</td><td><a href=\"/units/{code}\">{}</a></td><td>{}</td>\
                 <td><a href=\"/units/{code}/alerts.atom\">Atom</a></td></tr>",
                n.event.day.vn(),
                esc(&n.event.unit_name),
                esc(&n.event.title)
            );
        }
        body.push_str("</tbody></table>");
    }
    Ok(pages::frame("Thông báo", Nav::None, None, &body))
}

/// `GET /units/{code}/alerts.atom`: the unit's notifications as an Atom feed.
pub async fn feed(
    State(state): State<AppState>,
    caller: Caller,
    code: Result<Path<String>, PathRejection>,
) -> Result<Response, PageError> {
    let code = code
        .map(|p| p.0)
        .map_err(|_| Error::parameter("code", "đường dẫn không đọc được"))?;
    let principal = caller.principal.clone();
    let (name, list) = state
        .run(move |ctx| {
            let hierarchy = ctx.store().hierarchy()?;
            let unit = hierarchy
                .get(&code)
                .filter(|u| sees(&principal, &hierarchy, &u.code))
                .ok_or_else(|| Error::UnknownUnit(code.clone()))?;
            let list =
                alerts::notifications(ctx.store(), |u| u == unit.code, SHOWN).map_err(failed)?;
            Ok(((unit.code.clone(), unit.name.clone()), list))
        })
        .await?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        atom(&name.0, &name.1, &list),
    )
        .into_response())
}

/// The feed's XML: one entry per notification, its id the event's stable key.
fn atom(code: &str, name: &str, list: &[Notification]) -> String {
    let updated = list
        .iter()
        .map(|n| n.recorded_at)
        .max()
        .unwrap_or(Instant::from_unix(0));
    let path = format!("/units/{}", url_component(code));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    put!(
        &mut out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Cảnh báo · {}</title>\
         <id>urn:chiso:alerts:{}</id><updated>{}</updated><author><name>chiso</name></author>\
         <link rel=\"self\" href=\"{path}/alerts.atom\"/><link rel=\"alternate\" href=\"{path}\"/>",
        esc(name),
        url_component(code),
        updated.iso()
    );
    for n in list {
        put!(
            &mut out,
            "<entry><title>{}</title><id>urn:chiso:alert:{}</id><updated>{}</updated>\
             <link rel=\"alternate\" href=\"{path}\"/><content type=\"text\">{} ({}), {}</content>\
             </entry>",
            esc(&n.event.title),
            url_component(&n.event.key),
            n.recorded_at.iso(),
            esc(&n.event.title),
            esc(&n.event.unit_name),
            n.event.day.vn()
        );
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chiso_core::alerts::Event;
    use chiso_core::time::Date;

    #[test]
    fn the_feed_is_atom_with_escaped_text_and_stable_ids() {
        let n = Notification {
            event: Event {
                key: "sap-tre-han/U 1/HS<1>/1700000000".into(),
                rule: "sap-tre-han".into(),
                unit_code: "U 1".into(),
                unit_name: "Sở A & B".into(),
                day: Date::parse("2024-03-22").unwrap(),
                title: "Hồ sơ HS<1> trễ hạn".into(),
                record: Some("HS<1>".into()),
            },
            recorded_at: Instant::from_unix(1_711_090_000),
            sent_to: Vec::new(),
        };
        let xml = atom("U 1", "Sở A & B", std::slice::from_ref(&n));
        assert!(
            xml.contains("<title>Cảnh báo · Sở A &amp; B</title>"),
            "{xml}"
        );
        assert!(
            xml.contains("<id>urn:chiso:alert:sap-tre-han%2FU%201%2FHS%3C1%3E%2F1700000000</id>"),
            "{xml}"
        );
        assert!(xml.contains("Hồ sơ HS&lt;1&gt; trễ hạn"), "{xml}");
        assert!(!xml.contains("HS<1>"), "{xml}");
        assert!(xml.contains("<updated>2024-03-22T"), "{xml}");
    }
}
