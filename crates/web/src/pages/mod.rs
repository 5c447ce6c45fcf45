//! The dashboard's pages, rendered on the server in Vietnamese: the frame
//! (banner, navigation, freshness line), the period and level selector, and
//! one module per page.

pub mod account;
pub mod cchc;
pub mod criterion;
pub mod import;
pub mod methodology;
pub mod overview;
pub mod publications;
pub mod reconcile;
pub mod reports;
pub mod unit;

use axum::response::Html;
use chiso_core::format;
use chiso_core::methodology::Expr;
use chiso_core::period::{self, Period, PeriodKind};
use chiso_core::records::UnitKind;
use chiso_core::scoring::ScoreSheet;
use chiso_core::storage::Inventory;
use chiso_core::time::Instant;

use crate::access::Scope;
use crate::error::Error;
use crate::html::{esc, put};
use crate::params::Level;
use crate::state::Ctx;

/// The entries of the navigation bar.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Ranking,
    Publications,
    Methodology,
    Import,
    Reform,
    None,
}

const NAV: &[(Nav, &str, &str)] = &[
    (Nav::Ranking, "/", "Bảng xếp hạng"),
    (Nav::Publications, "/publications", "Kết quả đã công bố"),
    (Nav::Methodology, "/methodology", "Phương pháp tính"),
    (Nav::Import, "/import", "Nhập dữ liệu"),
    (Nav::Reform, "/cchc", "Báo cáo CCHC"),
];

/// The banner's emblem (a gold star on red), also served as the favicon.
pub const EMBLEM: &str = include_str!("../assets/emblem.svg");

/// Wraps a page's body in the common frame.
pub fn frame(title: &str, nav: Nav, inventory: Option<&Inventory>, body: &str) -> Html<String> {
    let mut out = String::with_capacity(body.len() + 4096);
    put!(
        &mut out,
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\">\
         <title>{} · Bộ chỉ số phục vụ người dân, doanh nghiệp</title>\
         <link rel=\"icon\" href=\"/assets/emblem.svg\" type=\"image/svg+xml\"><link \
         rel=\"stylesheet\" href=\"/assets/chiso.css\"><script src=\"/assets/chiso.js\" defer>\
         </script></head><body>",
        esc(title)
    );
    put!(
        &mut out,
        "<header class=\"banner\"><div class=\"wrap\">{}<div class=\"titles\"><div \
         class=\"kicker\">Hệ thống theo dõi, đánh giá theo thời gian thực</div>\
         <div class=\"name\">BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP</div>\
         <div class=\"basis\">trong thực hiện thủ tục hành chính, dịch vụ công (Quyết định số \
         766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ)</div></div></div></header>",
        EMBLEM.trim()
    );
    out.push_str("<nav class=\"menu\"><div class=\"wrap\">");
    for (entry, href, label) in NAV {
        let class = if *entry == nav {
            " class=\"active\""
        } else {
            ""
        };
        put!(&mut out, "<a href=\"{href}\"{class}>{label}</a>");
    }
    out.push_str(
        "<a href=\"/account\" class=\"account\">Tài khoản</a><a href=\"/api/openapi.json\" \
         class=\"api\">API</a></div></nav>",
    );
    out.push_str("<div class=\"freshness\"><div class=\"wrap\">");
    out.push_str(&freshness(inventory));
    out.push_str("</div></div><main class=\"wrap\">");
    out.push_str(body);
    out.push_str(
        "</main><footer class=\"wrap\">chiso — số liệu tính từ dữ liệu hồ sơ, phản ánh kiến nghị \
         và danh mục TTHC đã nhập; \
         điểm làm tròn 2 chữ số thập phân khi hiển thị, xếp hạng theo điểm chưa làm tròn.</footer>\
         </body></html>",
    );
    Html(out)
}

/// "Dữ liệu cập nhật đến …": the latest dossier received.
fn freshness(inventory: Option<&Inventory>) -> String {
    match inventory {
        Some(inv) => match inv.latest_received {
            Some(t) => format!(
                "Dữ liệu cập nhật đến <strong>{}</strong> (hồ sơ tiếp nhận mới nhất) · {} hồ sơ · \
                 {} PAKN · {} đơn vị · {} TTHC",
                Instant::from_unix(t).vn(),
                format::integer(inv.dossiers),
                format::integer(inv.feedback),
                format::integer(inv.units),
                format::integer(inv.procedures)
            ),
            None => "Dữ liệu cập nhật đến: <strong>chưa có hồ sơ nào</strong> — vào mục <a \
                     href=\"/import\">Nhập dữ liệu</a> để tải tệp lên."
                .into(),
        },
        None => "Dữ liệu cập nhật đến: không xác định".into(),
    }
}

/// The period as pages name it, with the partial-data note when the data
/// stops inside it.
pub fn period_label(sheet: &ScoreSheet) -> String {
    match sheet.as_of {
        Some(t) => format!("{} ({})", sheet.period.label_vi(), period::partial_note(t)),
        None => sheet.period.label_vi(),
    }
}

/// Why a unit's group maximum can be below the methodology's.
pub const GROUP_MAX_MEANING: &str = "Điểm tối đa của nhóm ghi ở đầu cột là mức của bộ chỉ số. \
    Khi một chỉ số không áp dụng cho đơn vị (không có dữ liệu và được loại khỏi cách tính), điểm \
    tối đa của nhóm giảm đi đúng bằng điểm của chỉ số đó và được ghi riêng bên dưới điểm (ví dụ \
    /20); tổng điểm vẫn quy về thang 100.";

/// Whether a unit's group maximum (reduced by excluded criteria) differs
/// from the methodology's.
pub fn group_max_differs(unit_max: f64, methodology_max: f64) -> bool {
    (unit_max - methodology_max).abs() > 1e-9
}

/// The mark under a group's points when the unit's maximum is not the
/// methodology's ("/20", explained on hover): empty otherwise.
pub fn group_max_mark(unit_max: f64, methodology_max: f64) -> String {
    if !group_max_differs(unit_max, methodology_max) {
        return String::new();
    }
    format!(
        "<small class=\"group-max\" title=\"Tối đa của đơn vị {0}, bộ chỉ số {1}: chỉ số không \
         áp dụng cho đơn vị không tính\">/{0}</small>",
        crate::html::max(unit_max),
        crate::html::max(methodology_max)
    )
}

/// What "trọng số tạm tính" means, on the badge (as its tooltip) and in
/// the notes under tables that show it.
pub const PROVISIONAL_MEANING: &str = "Trọng số tạm tính: điểm tối đa (hoặc cách tính) của chỉ \
    số này chưa được văn bản nào công bố; chiso dùng mức suy ra từ kết quả đã công bố, mức này có \
    thể đổi khi có văn bản hướng dẫn, nên điểm của chỉ số chỉ để tham khảo.";

/// The badge of a criterion whose weight is provisional, explained on hover
/// and (for touch screens, which have no hover) by [`PROVISIONAL_MEANING`]
/// in a note beside the table.
pub fn provisional_badge(text: &str) -> String {
    format!(
        "<span class=\"badge provisional\" title=\"{}\">{}</span>",
        esc(PROVISIONAL_MEANING),
        esc(text)
    )
}

/// The mark of a period the data stops inside, after its name in headings
/// (HTML, empty when the data covers the period).
pub fn partial_badge(as_of: Option<Instant>) -> String {
    match as_of {
        Some(t) => format!(
            " <span class=\"badge partial\" title=\"Kỳ chưa kết thúc trong dữ liệu: hồ sơ được \
             xét đến {}, hạn sau thời điểm đó chưa tính là trễ\">{}</span>",
            esc(&t.vn()),
            esc(&period::partial_note(t))
        ),
        None => String::new(),
    }
}

/// The publication mark after a period's name in headings (HTML): the
/// public sees the published version it is shown; a signed-in user sees
/// live figures, marked "số liệu tạm tính", and whether the period was
/// published.
pub fn publication_badge(ctx: &Ctx<'_>, scope: &Scope, period: &Period) -> Result<String, Error> {
    let stamp = ctx.publication(period)?.map(|p| p.stamp.clone());
    Ok(match (scope.published_only(), stamp) {
        (true, Some(s)) => format!(
            " <span class=\"badge published\" title=\"Kết quả đã công bố, không thay đổi theo \
             dữ liệu nhập sau; bộ chỉ số {}, mã băm {}\">{}</span>",
            esc(&s.methodology),
            esc(&s.content_hash),
            esc(&s.label_vi())
        ),
        (true, None) => String::new(),
        (false, stamp) => format!(
            " <span class=\"badge provisional\" title=\"Tính từ dữ liệu hiện có, thay đổi khi \
             nhập thêm; công chúng chỉ xem kết quả đã công bố\">số liệu tạm tính</span>{}",
            stamp
                .map(|s| format!(
                    " <a class=\"badge published\" href=\"/publications\" title=\"Bản công bố \
                     phiên bản {} giữ nguyên số liệu lúc công bố\">{}</a>",
                    s.version,
                    esc(&s.label_vi())
                ))
                .unwrap_or_default()
        ),
    })
}

/// The page shown for an error.
pub fn error_page(e: &Error) -> Html<String> {
    let body = format!(
        "<section class=\"error\"><h1>Không hiển thị được trang</h1><p>{}</p><p class=\"note\">Mã \
         lỗi: <code>{}</code></p>\
         <p><a href=\"/\">« Về bảng xếp hạng</a></p></section>",
        esc(&e.to_string()),
        e.code()
    );
    frame("Lỗi", Nav::None, None, &body)
}

/// A measure expression in words: "Hồ sơ tiếp nhận trong kỳ − Hồ sơ … trễ hạn".
pub fn expr_text(e: &Expr) -> String {
    let mut out = String::new();
    for (i, (sign, m)) in e.terms.iter().enumerate() {
        match (i, *sign < 0) {
            (0, true) => out.push_str("− "),
            (0, false) => {}
            (_, true) => out.push_str(" − "),
            (_, false) => out.push_str(" + "),
        }
        out.push_str(m.describe());
    }
    out
}

/// What the selector can offer: the years with data and, for the level, the sheet's units.
pub struct Selector<'a> {
    /// The path the form submits to.
    pub action: String,
    pub period: Period,
    pub inventory: &'a Inventory,
    /// The level and the sheet whose kinds and parents it offers; `None` hides the level fields.
    pub level: Option<(&'a Level, &'a ScoreSheet)>,
    /// Extra fields kept as they are (e.g. the criterion on a unit page).
    pub hidden: Vec<(&'static str, String)>,
}

impl Selector<'_> {
    /// The form: period type and its fields, level, and a submit button.
    pub fn render(&self) -> String {
        let p = &self.period;
        let (year, month, _) = p.to.ymd();
        let (from_year, from_month, _) = p.from.ymd();
        let kind = match p.kind {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Half => "half",
            PeriodKind::Year => "year",
            PeriodKind::YearToDate => "ytd",
            PeriodKind::Range => "range",
        };
        let mut f = String::new();
        put!(
            &mut f,
            "<form class=\"selector\" method=\"get\" action=\"{}\">",
            esc(&self.action)
        );
        for (name, value) in &self.hidden {
            put!(
                &mut f,
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                esc(value)
            );
        }
        f.push_str("<label>Kỳ báo cáo<select name=\"type\" id=\"period-type\">");
        for (value, label) in [
            ("month", "Tháng"),
            ("quarter", "Quý"),
            ("half", "6 tháng"),
            ("year", "Năm"),
            ("ytd", "Từ đầu năm đến tháng"),
            ("range", "Khoảng ngày"),
        ] {
            put!(
                &mut f,
                "<option value=\"{value}\"{}>{label}</option>",
                selected(value == kind)
            );
        }
        f.push_str("</select></label>");
        let (first, last) = self.years();
        f.push_str("<label data-for=\"month quarter half year ytd\">Năm<select name=\"year\">");
        for y in (first..=last).rev() {
            put!(
                &mut f,
                "<option value=\"{y}\"{}>{y}</option>",
                selected(y == year)
            );
        }
        f.push_str("</select></label><label data-for=\"month ytd\">Tháng<select name=\"month\">");
        for m in 1..=12u32 {
            put!(
                &mut f,
                "<option value=\"{m:02}\"{}>Tháng {m:02}</option>",
                selected(m == month)
            );
        }
        f.push_str("</select></label><label data-for=\"quarter\">Quý<select name=\"quarter\">");
        for (q, label) in ["I", "II", "III", "IV"].iter().enumerate() {
            let q = q as u32 + 1;
            put!(
                &mut f,
                "<option value=\"{q}\"{}>Quý {label}</option>",
                selected((from_month - 1) / 3 + 1 == q && from_year == year)
            );
        }
        f.push_str("</select></label><label data-for=\"half\">Kỳ<select name=\"half\">");
        put!(
            &mut f,
            "<option value=\"1\"{}>6 tháng đầu năm</option>",
            selected(from_month <= 6)
        );
        put!(
            &mut f,
            "<option value=\"2\"{}>6 tháng cuối năm</option>",
            selected(from_month > 6)
        );
        f.push_str("</select></label>");
        put!(
            &mut f,
            "<label data-for=\"range\">Từ ngày\
             <input type=\"date\" name=\"from\" value=\"{}\"></label>\
             <label data-for=\"range\">Đến ngày\
             <input type=\"date\" name=\"to\" value=\"{}\"></label>",
            p.from.iso(),
            p.to.iso()
        );
        if let Some((level, sheet)) = self.level {
            f.push_str(
                "<label>Cấp đơn vị<select name=\"kind\"><option value=\"all\">Tất cả các \
                 cấp</option>",
            );
            let mut kinds: Vec<UnitKind> = sheet.units.iter().map(|u| u.kind).collect();
            kinds.sort();
            kinds.dedup();
            for k in kinds {
                put!(
                    &mut f,
                    "<option value=\"{}\"{}>{}</option>",
                    k.code(),
                    selected(level.kind == Some(k)),
                    k.label_vi()
                );
            }
            f.push_str(
                "</select></label><label>Trực thuộc<select name=\"parent\"><option \
                 value=\"\">Tất cả</option>",
            );
            let mut parents: Vec<&str> = Vec::new();
            for u in &sheet.units {
                if let Some(p) = u.parent.as_deref() {
                    if !parents.contains(&p) {
                        parents.push(p);
                    }
                }
            }
            for code in parents {
                let name = sheet.unit(code).map_or(code, |u| u.name.as_str());
                put!(
                    &mut f,
                    "<option value=\"{}\"{}>{}</option>",
                    esc(code),
                    selected(level.parent.as_deref() == Some(code)),
                    esc(name)
                );
            }
            f.push_str("</select></label>");
        }
        f.push_str(
            "<button type=\"submit\">Xem</button><button type=\"button\" class=\"print\">In / \
             lưu PDF</button></form>",
        );
        f
    }

    /// Years offered: those with data, and always the period's own.
    fn years(&self) -> (i32, i32) {
        let year = |t: Option<i64>| t.map(|t| Instant::from_unix(t).date().year());
        let (p_from, p_to) = (self.period.from.year(), self.period.to.year());
        let first = year(self.inventory.first_received)
            .unwrap_or(p_from)
            .min(p_from);
        let last = year(self.inventory.latest_received)
            .unwrap_or(p_to)
            .max(p_to);
        (first, last)
    }
}

fn selected(yes: bool) -> &'static str {
    if yes {
        " selected"
    } else {
        ""
    }
}

/// The query string of a period for links: `period=2026-Q1`.
pub fn period_query(p: &Period) -> String {
    format!("period={}", crate::html::url_component(&p.code()))
}

/// "▲ 1,80" in green, "▼ 8,54" in red, "0,00", or "-".
pub fn change(delta: Option<f64>) -> String {
    match delta {
        None => "<span class=\"flat\">-</span>".into(),
        Some(d) => {
            let text = format::signed(d);
            if text.starts_with('+') {
                format!(
                    "<span class=\"up\" title=\"tăng\">▲ {}</span>",
                    text.trim_start_matches("+ ")
                )
            } else if text.starts_with('-') {
                format!(
                    "<span class=\"down\" title=\"giảm\">▼ {}</span>",
                    text.trim_start_matches("- ")
                )
            } else {
                format!("<span class=\"flat\">{text}</span>")
            }
        }
    }
}

/// Places gained or lost: "▲ 2", "▼ 1", "–".
pub fn rank_change(places: Option<i64>) -> String {
    match places {
        Some(n) if n > 0 => format!("<span class=\"up\" title=\"tăng {n} bậc\">▲ {n}</span>"),
        Some(n) if n < 0 => format!(
            "<span class=\"down\" title=\"giảm {} bậc\">▼ {}</span>",
            -n, -n
        ),
        Some(_) => "<span class=\"flat\">=</span>".into(),
        None => "<span class=\"flat\">-</span>".into(),
    }
}

/// The legend of cell colours.
pub fn legend() -> &'static str {
    "<ul class=\"legend cells\"><li><span class=\"chip lv1\"></span>≥ 90% điểm tối đa</li><li>\
     <span class=\"chip lv2\"></span>80% – dưới 90%</li>\
     <li><span class=\"chip lv3\"></span>65% – dưới 80%</li><li><span class=\"chip lv4\">\
     </span>50% – dưới 65%</li>\
     <li><span class=\"chip lv5\"></span>dưới 50%</li><li><span class=\"chip lv0\"></span>không \
     có dữ liệu</li></ul>"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reduced_group_maximum_is_marked_and_explained() {
        assert_eq!(group_max_mark(22.0, 22.0), "");
        let mark = group_max_mark(20.0, 22.0);
        assert!(mark.contains(">/20</small>"), "{mark}");
        assert!(
            mark.contains("Tối đa của đơn vị 20, bộ chỉ số 22"),
            "{mark}"
        );
    }

    #[test]
    fn the_provisional_badge_says_what_it_means() {
        let b = provisional_badge("trọng số tạm tính");
        assert!(b.contains("title=\"Trọng số tạm tính: điểm tối đa"), "{b}");
        assert!(b.ends_with(">trọng số tạm tính</span>"));
    }

    #[test]
    fn changes_with_arrows() {
        assert!(change(Some(1.7)).contains("▲ 1,70"));
        assert!(change(Some(-8.54)).contains("▼ 8,54"));
        assert!(change(Some(0.001)).contains("0,00"));
        assert!(rank_change(Some(-2)).contains("▼ 2"));
    }
}
