//! `/import`: upload a CSV, XLSX or JSON Lines file of any record kind, then
//! see the summary and every rejected row with its reason.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Html;
use chiso_core::format;
use chiso_core::storage::Inventory;
use chiso_ingest::RecordKind;

use crate::access::Caller;
use crate::error::{Error, PageError};
use crate::html::{esc, put};
use crate::imports::{self, Outcome};
use crate::pages::{self, Nav};
use crate::state::AppState;

pub async fn form(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Html<String>, PageError> {
    let inventory = state.run(|ctx| ctx.inventory()).await?;
    Ok(render(&inventory, caller.csrf(), None, None))
}

pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Html<String>), PageError> {
    let by = imports::Actor::of(&caller, "import");
    let result = match multipart {
        Ok(m) => match imports::Form::read(m).await {
            Ok(form) if !caller.csrf_matches(form.csrf.as_deref()) => Err(Error::CrossSite),
            Ok(form) => match form.upload(by) {
                Ok(upload) => state.run(move |ctx| imports::import(ctx, upload)).await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        },
        Err(_) => Err(Error::parameter(
            "file",
            "gửi tệp bằng biểu mẫu tải lên (multipart/form-data)",
        )),
    };
    let inventory = state.run(|ctx| ctx.inventory()).await?;
    Ok(match result {
        Ok(outcome) => (
            StatusCode::OK,
            render(&inventory, caller.csrf(), Some(&outcome), None),
        ),
        Err(Error::Internal(e)) => return Err(PageError(Error::Internal(e))),
        Err(e) => (
            e.status(),
            render(&inventory, caller.csrf(), None, Some(&e)),
        ),
    })
}

const KINDS: &[(RecordKind, &str)] = &[
    (RecordKind::Units, "Đơn vị (units)"),
    (RecordKind::Procedures, "Thủ tục hành chính (procedures)"),
    (RecordKind::Holidays, "Ngày nghỉ lễ (holidays)"),
    (RecordKind::Dossiers, "Hồ sơ (dossiers)"),
    (RecordKind::Feedback, "Phản ánh, kiến nghị (feedback)"),
    (RecordKind::Counts, "Số liệu tháng của đơn vị (counts)"),
];

fn render(
    inventory: &Inventory,
    csrf: &str,
    outcome: Option<&Outcome>,
    error: Option<&Error>,
) -> Html<String> {
    let mut body = String::from("<h1>Nhập dữ liệu</h1>");
    body.push_str(
        "<p class=\"sub\">Tải lên tệp CSV (UTF-8), Excel .xlsx hoặc JSON Lines xuất từ Hệ thống \
         thông tin giải quyết TTHC. \
         Bản ghi trùng mã thay thế bản ghi cũ; dòng không hợp lệ được giữ riêng kèm lý do. Nhập \
         đơn vị và thủ tục trước hồ sơ.</p>",
    );
    if let Some(e) = error {
        put!(
            &mut body,
            "<div class=\"alert error\"><strong>Không nhập được tệp.</strong> {}</div>",
            esc(&e.to_string())
        );
    }
    if let Some(o) = outcome {
        result(&mut body, o);
    }
    put!(
        &mut body,
        "<form class=\"upload\" method=\"post\" action=\"/import\" \
         enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"csrf\" \
         value=\"{}\"><label>Loại dữ liệu<select name=\"kind\" required>",
        esc(csrf)
    );
    for (kind, label) in KINDS {
        let selected = if *kind == RecordKind::Dossiers {
            " selected"
        } else {
            ""
        };
        put!(
            &mut body,
            "<option value=\"{}\"{selected}>{label}</option>",
            kind.code()
        );
    }
    body.push_str(
        "</select></label><label>Định dạng<select name=\"format\"><option value=\"\">Theo đuôi tệp\
         </option><option value=\"csv\">CSV</option>\
         <option value=\"xlsx\">Excel (.xlsx)</option><option value=\"jsonl\">JSON Lines</option>\
         </select></label>\
         <label>Tệp<input type=\"file\" name=\"file\" accept=\".csv,.xlsx,.jsonl,.ndjson,.json\" \
         required></label>\
         <button type=\"submit\">Tải lên và nhập</button></form>",
    );
    columns(&mut body);
    put!(
        &mut body,
        "<section><h2>Dữ liệu hiện có</h2><table class=\"grid narrow\"><tbody><tr><td>Đơn vị</td>\
         <td class=\"num\">{}</td></tr>\
         <tr><td>Thủ tục hành chính</td><td class=\"num\">{}</td></tr><tr><td>Hồ sơ</td><td \
         class=\"num\">{}</td></tr>\
         <tr><td>Phản ánh, kiến nghị</td><td class=\"num\">{}</td></tr><tr><td>Bản ghi bị từ chối \
         đang lưu</td><td class=\"num\">{}</td></tr></tbody></table></section>",
        format::integer(inventory.units),
        format::integer(inventory.procedures),
        format::integer(inventory.dossiers),
        format::integer(inventory.feedback),
        format::integer(inventory.quarantined)
    );
    pages::frame("Nhập dữ liệu", Nav::Import, Some(inventory), &body)
}

/// The columns of each kind, required ones in bold (names in English or their Vietnamese aliases).
fn columns(body: &mut String) {
    body.push_str(
        "<section><h2>Các cột của từng loại dữ liệu</h2><table class=\"grid columns\"><thead><tr>\
         <th>Loại dữ liệu</th>\
         <th>Cột (in đậm: bắt buộc)</th></tr></thead><tbody>",
    );
    for (kind, label) in KINDS {
        let required = kind.required_columns();
        let names: Vec<String> = kind
            .column_names()
            .into_iter()
            .map(|c| {
                if required.contains(&c) {
                    format!("<strong><code>{c}</code></strong>")
                } else {
                    format!("<code>{c}</code>")
                }
            })
            .collect();
        put!(
            body,
            "<tr><td>{label}</td><td>{}</td></tr>",
            names.join(", ")
        );
    }
    body.push_str(
        "</tbody></table><p class=\"note\">Tên cột không phân biệt chữ hoa, chữ thường; chấp nhận \
         tên tiếng Việt tương ứng \
         (ví dụ <code>MaHoSo</code>, <code>NgayTiepNhan</code>). Cột thiếu nhận giá trị mặc định \
         và được liệt kê sau khi nhập.</p></section>",
    );
}

fn result(body: &mut String, o: &Outcome) {
    let s = &o.summary;
    let class = if s.rejected == 0 { "ok" } else { "warn" };
    put!(
        body,
        "<section class=\"alert {class}\"><h2>Kết quả nhập tệp <code>{}</code></h2>\
         <table class=\"grid narrow\"><tbody>\
         <tr><td>Loại dữ liệu</td><td>{}</td></tr>\
         <tr><td>Số dòng đọc</td><td class=\"num\">{}</td></tr>\
         <tr><td>Thêm mới</td><td class=\"num\">{}</td></tr>\
         <tr><td>Thay thế bản ghi cũ</td><td class=\"num\">{}</td></tr>\
         <tr><td>Bị từ chối</td><td class=\"num\">{}</td></tr></tbody></table>",
        esc(&s.file),
        esc(&s.kind),
        format::integer(s.read as i64),
        format::integer(s.inserted as i64),
        format::integer(s.replaced as i64),
        format::integer(s.rejected as i64)
    );
    if !s.missing_columns.is_empty() {
        put!(
            body,
            "<p class=\"note\">Tệp không có các cột sau (dùng giá trị mặc định): <code>{}\
             </code></p>",
            esc(&s.missing_columns.join(", "))
        );
    }
    body.push_str("</section>");
    if !o.rejected.is_empty() {
        put!(
            body,
            "<section><h2>Các dòng bị từ chối ({})</h2><div class=\"scroll\"><table class=\"grid \
             rejected\"><thead><tr><th class=\"num\">Dòng</th>\
             <th>Cột</th><th>Lý do</th><th>Dữ liệu gốc</th></tr></thead><tbody>",
            format::integer(o.rejected.len() as i64)
        );
        for r in &o.rejected {
            put!(
                body,
                "<tr><td class=\"num\">{}</td><td><code>{}</code></td><td>{}</td><td \
                 class=\"raw\"><code>{}</code></td></tr>",
                r.line,
                esc(r.column.as_deref().unwrap_or("")),
                esc(&r.reason),
                esc(&r.raw)
            );
        }
        body.push_str("</tbody></table></div></section>");
    }
}
