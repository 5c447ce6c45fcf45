//! `chiso import published FILE` and `chiso reconcile`: the national
//! portal's published figures (`report_tinh_766_service`) stored beside
//! chiso's, and shown per unit and group with the difference and, for the
//! largest differences, the criteria and records that explain them
//! (`chiso_core::reconcile`, the same model as the dashboard's page).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chiso_backend::Backend;
use chiso_core::engine::{self, IndexStore};
use chiso_core::format::{self, or_dash};
use chiso_core::period::Period;
use chiso_core::reconcile::{self, Reconciliation, UnitGap, PORTAL_TOTAL};
use chiso_core::records::Unit;
use chiso_core::storage::Storage;
use chiso_ingest::published::{self, MatchedBy};

use crate::table::Table;
use crate::{methodologies, output, Format, EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE};

/// The `import` kind of published figures (and its Vietnamese name).
pub fn is_published(kind: &str) -> bool {
    matches!(
        kind.trim().to_lowercase().replace(['_', ' '], "-").as_str(),
        "published" | "cong-bo" | "công-bố" | "ket-qua-cong-bo" | "kết-quả-công-bố"
    )
}

/// Rejected rows listed after an import's summary.
const SHOWN_REJECTIONS: usize = 20;

/// `chiso import published FILE… [--period P]`.
pub fn import(store: &mut Backend, files: &[PathBuf], period: Option<&str>) -> Result<u8> {
    let period = period
        .map(|p| Period::parse(p).map_err(anyhow::Error::from))
        .transpose()?;
    let units: Vec<Unit> = store
        .hierarchy()?
        .units
        .into_iter()
        .map(|(_, u)| u)
        .collect();
    let mut code = EXIT_OK;
    for path in files {
        let read = match published::read_file(path, &units, period) {
            Ok(read) => read,
            Err(e) => {
                eprintln!("lỗi: {e}");
                code = EXIT_UNREADABLE;
                continue;
            }
        };
        let s = chiso_app::import_published(store, &read)?;
        let periods: std::collections::BTreeSet<String> =
            read.rows.iter().map(|r| r.period.code()).collect();
        let mut out = format!(
            "{}: kết quả Cổng DVCQG công bố — đọc {} dòng — nhận {} (mới {}, thay thế {}), từ chối {}\n",
            path.display(),
            format::integer(s.read as i64),
            format::integer(s.accepted() as i64),
            format::integer(s.inserted as i64),
            format::integer(s.replaced as i64),
            format::integer(s.rejected as i64)
        );
        let by_name = read
            .rows
            .iter()
            .filter(|r| r.matched_by == MatchedBy::Name)
            .count();
        if by_name > 0 {
            out.push_str(&format!(
                "  {} đơn vị tìm theo tên (cột TEN), còn lại theo mã (cột ID)\n",
                format::integer(by_name as i64)
            ));
        }
        if !read.extra_columns.is_empty() {
            out.push_str(&format!(
                "  cột, khóa không nhận ra (bỏ qua): {}\n",
                read.extra_columns.join(", ")
            ));
        }
        for r in read.rejected.iter().take(SHOWN_REJECTIONS) {
            out.push_str(&format!("  từ chối {r}\n"));
        }
        if s.rejected > 0 {
            out.push_str("  xem mọi dòng bị từ chối: chiso quarantine\n");
            code = code.max(EXIT_REJECTED);
        }
        for p in &periods {
            out.push_str(&format!(
                "  đối chiếu với điểm chiso: chiso reconcile --period {p}\n"
            ));
        }
        std::io::stdout().lock().write_all(out.as_bytes())?;
    }
    Ok(code)
}

/// `chiso reconcile --period P [--unit CODE] [--format table|json|csv]`.
pub fn run(store: &Backend, period: &Period, unit: Option<&str>, fmt: Format) -> Result<()> {
    let period = *period;
    let set = methodologies::load(store)?;
    let mut portal = store.published(&period)?;
    if portal.is_empty() {
        let known = store.published_periods()?;
        let hint = if known.is_empty() {
            "chưa nhập kết quả nào".to_string()
        } else {
            format!("đã có các kỳ {}", known.join(", "))
        };
        bail!(
            "chưa có kết quả Cổng DVCQG công bố cho kỳ {period} ({hint}): nhập bằng 'chiso import \
             published TỆP --period {period}'"
        );
    }
    let unit = unit.map(|u| output::unit_code(store, u)).transpose()?;
    if let Some(code) = unit.as_deref() {
        portal.retain(|p| p.unit_code == code);
        if portal.is_empty() {
            bail!(
                "Cổng DVCQG không công bố kết quả của đơn vị '{code}' trong kỳ {period}: xem các \
                 đơn vị có kết quả bằng 'chiso reconcile --period {period}'"
            );
        }
    }
    let sheet = engine::score(store, &set, &period)?;
    let m = set
        .get(&sheet.methodology)
        .context("bộ chỉ số không còn trong danh sách")?;
    let mut rec = reconcile::compare(&sheet, m, &portal);
    reconcile::explain_gaps(
        &mut rec,
        m,
        reconcile::EXPLAINED_UNITS,
        reconcile::EXAMPLES,
        |unit, criterion| engine::explain(store, &set, &period, unit, criterion),
    )?;
    let text = match fmt {
        Format::Json => serde_json::to_string_pretty(&reconcile::document::build(&rec))? + "\n",
        Format::Csv => csv(&rec)?,
        Format::Table => table(&rec),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

fn points(v: Option<f64>) -> String {
    or_dash(v, format::points)
}

fn signed(v: Option<f64>) -> String {
    or_dash(v, format::signed)
}

/// The comparison as tables: one line per unit, then the largest
/// differences in detail.
fn table(rec: &Reconciliation) -> String {
    let mut out = format!(
        "ĐỐI CHIẾU KẾT QUẢ CỔNG DVCQG CÔNG BỐ VỚI CHISO {} (bộ chỉ số {})\n\
         Chênh lệch = điểm chiso − điểm Cổng công bố; đơn vị chênh lệch nhiều nhất trước.\n\n",
        rec.period.label_vi().to_uppercase(),
        rec.methodology
    );
    let mut headers: Vec<String> = [
        "STT",
        "Mã",
        "Đơn vị",
        "Tổng Cổng",
        "Tổng chiso",
        "Chênh lệch",
    ]
    .map(String::from)
    .to_vec();
    if let Some(u) = rec.units.first() {
        headers.extend(u.groups.iter().map(|g| format!("N{} {}", g.id, g.column)));
    }
    headers.push("Lệch nhiều nhất".into());
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut right = vec![true, false, false, true, true, true];
    right.extend(std::iter::repeat_n(true, headers.len() - 7));
    right.push(false);
    let mut t = Table::new(&refs, &right);
    for (i, u) in rec.units.iter().enumerate() {
        let mut row = vec![
            (i + 1).to_string(),
            u.code.clone(),
            u.name.clone(),
            points(u.total.portal),
            points(u.total.chiso),
            signed(u.total.difference()),
        ];
        row.extend(u.groups.iter().map(|g| signed(g.figure.difference())));
        row.push(
            u.largest_group()
                .map(|g| format!("N{}", g.id))
                .unwrap_or_default(),
        );
        t.row(row);
    }
    out.push_str(&t.render());
    out.push_str(&format!(
        "Nhóm: {}; {}: tổng điểm.\n",
        rec.units
            .first()
            .map(|u| {
                u.groups
                    .iter()
                    .map(|g| format!("N{} = {} ({})", g.id, g.column, g.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        PORTAL_TOTAL
    ));
    let explained: Vec<&UnitGap> = rec.units.iter().filter(|u| u.examined).collect();
    if !explained.is_empty() {
        out.push_str("\nGIẢI TRÌNH CÁC CHÊNH LỆCH LỚN NHẤT\n");
    }
    for (n, u) in explained.into_iter().enumerate() {
        detail(&mut out, n + 1, u, rec);
    }
    out
}

/// One unit's groups, notes, and the criteria of its largest difference.
fn detail(out: &mut String, n: usize, u: &UnitGap, rec: &Reconciliation) {
    out.push_str(&format!(
        "\n{n}. {} ({}) — tổng điểm: Cổng {}, chiso {}, chênh lệch {}\n",
        u.name,
        u.code,
        points(u.total.portal),
        points(u.total.chiso),
        signed(u.total.difference())
    ));
    let mut t = Table::new(
        &["Nhóm", "Cột", "Tối đa", "Cổng", "chiso", "Chênh lệch"],
        &[false, false, true, true, true, true],
    );
    for g in &u.groups {
        t.row(vec![
            format!("N{} {}", g.id, g.name),
            g.column.to_string(),
            format::decimal(g.max, 0),
            points(g.figure.portal),
            points(g.figure.chiso),
            signed(g.figure.difference()),
        ]);
    }
    out.push_str(&t.render());
    for note in u.notes() {
        out.push_str(&format!("Lưu ý: {note}.\n"));
    }
    let Some(reading) = u.reading() else {
        return;
    };
    out.push_str(&format!(
        "Lệch nhiều nhất ở {reading}.\nCác chỉ số của nhóm theo chiso, mất nhiều điểm nhất trước:\n"
    ));
    let mut t = Table::new(
        &[
            "Mã",
            "Chỉ số",
            "Tử số",
            "Mẫu số",
            "Tỷ lệ %",
            "Điểm",
            "Tối đa",
            "Mất",
        ],
        &[false, false, true, true, true, true, true, true],
    );
    for c in &u.criteria {
        t.row(vec![
            c.id.clone(),
            c.name.clone(),
            or_dash(c.numerator, format::integer),
            or_dash(c.denominator, format::integer),
            or_dash(c.ratio, format::percent),
            points(c.points),
            format::decimal(c.max, if c.max.fract() == 0.0 { 0 } else { 1 }),
            format::points(c.lost),
            c.note.clone().unwrap_or_default(),
        ]);
    }
    out.push_str(&t.render());
    for c in u.criteria.iter().filter(|c| c.explained) {
        out.push_str(&format!(
            "Chỉ số {}: {} bản ghi không đạt{}\n",
            c.id,
            format::integer(c.failed as i64),
            if c.examples.is_empty() {
                "."
            } else {
                ", ví dụ:"
            }
        ));
        for i in &c.examples {
            let when = match i.received_at {
                Some(t) => format!(" (tiếp nhận {})", t.date().vn()),
                None if !i.label.is_empty() => format!(" {}", i.label),
                None => String::new(),
            };
            out.push_str(&format!(
                "  {}{when}: {}\n",
                i.id,
                i.reason.as_deref().unwrap_or("không đạt")
            ));
        }
        if c.failed > c.examples.len() {
            out.push_str(&format!(
                "  xem đủ: chiso explain --period {} --unit {} --criterion {}\n",
                rec.period.code(),
                u.code,
                c.id
            ));
        }
    }
}

/// One row per unit and group (and the total), UTF-8 with a BOM for Excel.
fn csv(rec: &Reconciliation) -> Result<String> {
    let mut w = chiso_report::people_csv::PeopleCsv::new(Vec::new())?;
    w.write_record([
        "period",
        "unit_code",
        "unit_name",
        "portal_name",
        "group",
        "portal_column",
        "group_name",
        "max",
        "portal",
        "chiso",
        "difference",
    ])?;
    let num = |v: Option<f64>| v.map(|x| format!("{x:.4}")).unwrap_or_default();
    for u in &rec.units {
        let total = [
            rec.period.code(),
            u.code.clone(),
            u.name.clone(),
            u.portal_name.clone(),
            "total".into(),
            PORTAL_TOTAL.into(),
            "Tổng điểm".into(),
            format!("{}", rec.max),
            num(u.total.portal),
            num(u.total.chiso),
            num(u.total.difference()),
        ];
        w.write_record(&total)?;
        for g in &u.groups {
            w.write_record([
                rec.period.code(),
                u.code.clone(),
                u.name.clone(),
                u.portal_name.clone(),
                g.id.clone(),
                g.column.into(),
                g.name.clone(),
                format!("{}", g.max),
                num(g.figure.portal),
                num(g.figure.chiso),
                num(g.figure.difference()),
            ])?;
        }
    }
    let bytes = w.into_inner().context("không ghi được CSV")?;
    Ok(String::from_utf8(bytes)?)
}
