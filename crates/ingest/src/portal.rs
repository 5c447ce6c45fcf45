//! The facts the national portal's records carry in nested lists, derived
//! into the flat columns chiso scores (data-format.md, "The shapes real
//! systems send"; the portal's formula document "Mô tả công thức tính chỉ
//! số 766"):
//!
//! | column | from |
//! |---|---|
//! | `fee_amount` | the sum of `DanhSachLePhi[].Gia` / `SoTien` (empty or all zero: no fee) |
//! | `e_result` | a result file (`DuongDanTepTinKetQua`) in `DanhSachGiayToKetQua` |
//! | `supplement_requests`, `supplement_requested_at`, `supplement_days` | one entry of `DanhSachHoSoBoSung` per request: its count, the latest `NgayBoSung`, the days until `NgayTiepNhanBoSung` |
//! | `digitized` | `HoSoCoThanhPhanSoHoa` or a part with `TaiLieuNop[].DuocSoHoa` |
//! | `reused_data` | a part with `TaiLieuNop[].DuocTaiSuDung` (1 or 2) |
//! | `personal_store_synced` | a part with `TaiLieuNop[].DuocLayTuKhoDMQG` |
//! | `citizen_data_used` | an entry of `DSKetNoiCSDL` (`MaCSDL`) |
//! | `synced` | being in a synchronisation payload, unless `DaDongBo` says otherwise |
//!
//! A flag derived from a list is added to the flat field (either says yes:
//! yes); a count is the larger of the two; any other derived value fills the
//! column only when the record leaves it empty. So the same facts given flat
//! or nested read the same.
//!
//! Procedures (`LayThuTuc`): the field from `LINHVUCTHUCHIEN`, the time
//! limit, fees and channels from `CACHTHUCTHUCHIEN[].THOIGIAN[]` and
//! `PHILEPHI[]`, a document result from `KETQUATHUCHIEN`.

use serde_json::{Map, Value};

use chiso_core::time::parse_instant;

use crate::columns::{D, P};
use crate::text::fold_key;

/// How a derived value meets the flat field of the same column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Merge {
    /// Used only when the record leaves the column empty.
    Fill,
    /// A yes from either side is a yes.
    Or,
    /// The larger whole number.
    Max,
}

/// One derived cell: the column index in the kind's table, its text, how it merges.
pub(crate) type Derived = (usize, String, Merge);

/// A value that cannot be read inside a nested list: the path and why.
pub(crate) struct NestedError {
    pub column: &'static str,
    pub reason: String,
}

/// The key of `map` that folds to `name` (case, accents, separators ignored).
fn get<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if let Some(v) = map.get(name) {
        return Some(v);
    }
    let want = fold_key(name);
    map.iter()
        .find(|(k, _)| fold_key(k) == want)
        .map(|(_, v)| v)
}

/// The entries of a list-valued key; a missing key or null is no entries.
fn list<'a>(map: &'a Map<String, Value>, name: &str) -> Vec<&'a Map<String, Value>> {
    match get(map, name) {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(one)) => vec![one],
        _ => Vec::new(),
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// A yes in a portal flag: `1`, `2` (DuocTaiSuDung's second kind of reuse),
/// `true`, `True`, `có`; `0`, `false`, empty and null are no.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => {
            let s = s.trim();
            !(s.is_empty()
                || s == "0"
                || s.eq_ignore_ascii_case("false")
                || s.eq_ignore_ascii_case("không")
                || s.eq_ignore_ascii_case("khong"))
        }
        _ => false,
    }
}

/// An amount of money in VND: `50000`, `50000.0`, `50.000`, `1.502.000`, a JSON number.
pub(crate) fn amount(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        }),
        Value::String(s) => {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            if s.is_empty() {
                return Some(0);
            }
            if let Some(n) = crate::build::parse_uint(&s) {
                return Some(n);
            }
            let s = s.strip_suffix(",00").or(s.strip_suffix(",0")).unwrap_or(&s);
            let groups: Vec<&str> = s.split(['.', ',']).collect();
            let thousands = groups.len() > 1
                && !groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3)
                && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
            thousands.then(|| groups.concat().parse().ok()).flatten()
        }
        Value::Null => Some(0),
        _ => None,
    }
}

/// What the nested lists of a dossier record say, as derived cells.
/// `synced`: the record came in a synchronisation payload.
pub(crate) fn dossier(map: &Map<String, Value>, synced: bool) -> Result<Vec<Derived>, NestedError> {
    let mut out: Vec<Derived> = Vec::new();
    let yes = |col: D| (usize::from(col), "1".to_string(), Merge::Or);

    let fees = list(map, "DanhSachLePhi");
    if !fees.is_empty() {
        let mut total: u64 = 0;
        for (i, fee) in fees.iter().enumerate() {
            let value = ["Gia", "SoTien", "MucPhi", "PhiLePhi"]
                .iter()
                .find_map(|k| get(fee, k))
                .unwrap_or(&Value::Null);
            let n = amount(value).ok_or_else(|| NestedError {
                column: "fee_amount",
                reason: format!(
                    "số tiền không hợp lệ '{}' ở DanhSachLePhi[{i}].Gia: dùng số đồng, ví dụ 50000",
                    crate::build::show(&value.to_string())
                ),
            })?;
            total = total.saturating_add(n);
        }
        out.push((usize::from(D::FeeAmount), total.to_string(), Merge::Fill));
    }

    if list(map, "DanhSachGiayToKetQua").iter().any(|r| {
        ["DuongDanTepTinKetQua", "DuongDanTaiTepTin", "DuongDan"]
            .iter()
            .any(|k| !text(get(r, k)).is_empty())
    }) {
        out.push(yes(D::EResult));
    }

    let supplements = list(map, "DanhSachHoSoBoSung");
    if !supplements.is_empty() {
        out.push((
            usize::from(D::SupplementRequests),
            supplements.len().to_string(),
            Merge::Max,
        ));
        let mut latest = None;
        let mut days: i64 = 0;
        for s in &supplements {
            let asked = ["NgayBoSung", "NgayYeuCauBoSung"]
                .iter()
                .find_map(|k| parse_instant(&text(get(s, k))));
            let back = parse_instant(&text(get(s, "NgayTiepNhanBoSung")));
            if let Some(a) = asked {
                latest = latest.max(Some(a.instant));
                if let Some(b) = back {
                    let span =
                        i64::from(b.instant.date().days()) - i64::from(a.instant.date().days());
                    days += span.max(0);
                }
            }
        }
        if let Some(at) = latest {
            out.push((usize::from(D::SupplementRequestedAt), at.iso(), Merge::Fill));
        }
        if days > 0 {
            out.push((
                usize::from(D::SupplementDays),
                days.to_string(),
                Merge::Fill,
            ));
        }
    }

    let parts: Vec<_> = list(map, "TaiLieuNop")
        .into_iter()
        .filter(|p| !truthy(get(p, "IsDeleted")))
        .collect();
    if parts.iter().any(|p| truthy(get(p, "DuocSoHoa"))) {
        out.push(yes(D::Digitized));
    }
    if parts.iter().any(|p| truthy(get(p, "DuocTaiSuDung"))) {
        out.push(yes(D::ReusedData));
    }
    if parts.iter().any(|p| truthy(get(p, "DuocLayTuKhoDMQG"))) {
        out.push(yes(D::PersonalStoreSynced));
    }
    if list(map, "DSKetNoiCSDL")
        .iter()
        .any(|c| !text(get(c, "MaCSDL")).is_empty())
    {
        out.push(yes(D::CitizenDataUsed));
    }
    if synced {
        out.push((usize::from(D::Synced), "1".to_string(), Merge::Fill));
    }
    Ok(out)
}

/// Whether a JSON record is in the portal's synchronisation shape: it uses
/// the portal's key for the dossier and one of its nested lists or its
/// unit-name field.
pub(crate) fn is_sync_record(map: &Map<String, Value>) -> bool {
    get(map, "MaHoSo").is_some()
        && [
            "DonViXuLy",
            "TaiLieuNop",
            "DanhSachLePhi",
            "DanhSachGiayToKetQua",
            "DanhSachHoSoBoSung",
            "DSKetNoiCSDL",
            "DinhDanhCHS",
        ]
        .iter()
        .any(|k| get(map, k).is_some())
}

/// Working days from a time limit and its unit (`DONVITINH`): days as
/// given (`Ngày`, `Ngày làm việc`), hours in 8-hour working days rounded
/// up, months as 22 working days. `None` for a unit not understood.
fn working_days(amount: f64, unit: &str) -> Option<u32> {
    if !(0.0..=100_000.0).contains(&amount) {
        return None;
    }
    let unit = crate::text::fold_name(unit);
    let days = if unit.is_empty() || unit.starts_with("ngay") {
        amount.ceil()
    } else if unit.starts_with("gio") {
        (amount / 8.0).ceil()
    } else if unit.starts_with("thang") {
        amount * 22.0
    } else if unit.starts_with("tuan") {
        amount * 5.0
    } else {
        return None;
    };
    Some(days as u32)
}

/// What the nested lists of a `LayThuTuc` procedure say, as derived cells.
pub(crate) fn procedure(map: &Map<String, Value>) -> Vec<Derived> {
    let mut out = Vec::new();
    if let Some(field) = list(map, "LINHVUCTHUCHIEN")
        .iter()
        .map(|f| text(get(f, "TENLINHVUC")))
        .find(|t| !t.is_empty())
    {
        out.push((usize::from(P::Field), field, Merge::Fill));
    }
    let mut limit: Option<u32> = None;
    let mut fee = false;
    let mut online = false;
    for way in list(map, "CACHTHUCTHUCHIEN") {
        if text(get(way, "KENH")) == "2" {
            online = true;
        }
        for t in list(way, "THOIGIAN") {
            let amount = get(t, "THOIGIANGIAIQUYET").and_then(|v| match v {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().replace(',', ".").parse().ok(),
                _ => None,
            });
            if let Some(days) = amount.and_then(|a| working_days(a, &text(get(t, "DONVITINH")))) {
                if days > 0 {
                    limit = Some(limit.map_or(days, |l| l.min(days)));
                }
            }
            if list(t, "PHILEPHI")
                .iter()
                .any(|f| get(f, "SOTIEN").and_then(amount_of).is_some_and(|n| n > 0))
            {
                fee = true;
            }
        }
    }
    if let Some(days) = limit {
        out.push((usize::from(P::MaxDays), days.to_string(), Merge::Fill));
    }
    if fee {
        out.push((usize::from(P::HasFee), "1".to_string(), Merge::Or));
    }
    if online {
        out.push((
            usize::from(P::OnlineLevel),
            "partial".to_string(),
            Merge::Fill,
        ));
    }
    if !list(map, "KETQUATHUCHIEN").is_empty() {
        out.push((usize::from(P::PaperResult), "1".to_string(), Merge::Or));
    }
    out
}

fn amount_of(v: &Value) -> Option<u64> {
    amount(v)
}

/// Puts derived cells into a row's cells (indexed like the kind's table).
pub(crate) fn merge_into(cells: &mut [std::borrow::Cow<'_, str>], derived: Vec<Derived>) {
    for (i, value, how) in derived {
        let Some(cell) = cells.get_mut(i) else {
            continue;
        };
        let flat = cell.trim();
        let take = match how {
            Merge::Fill => flat.is_empty(),
            Merge::Or => flat.is_empty() || crate::build::parse_bool(flat) == Some(false),
            Merge::Max => match (crate::build::parse_uint(flat), value.parse::<u64>()) {
                (Some(a), Ok(b)) => b > a,
                (None, _) => flat.is_empty(),
                _ => false,
            },
        };
        if take {
            *cell = std::borrow::Cow::Owned(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn amounts() {
        assert_eq!(amount(&json!("50000")), Some(50000));
        assert_eq!(amount(&json!("50.000")), Some(50000));
        assert_eq!(amount(&json!("1.502.000")), Some(1_502_000));
        assert_eq!(amount(&json!("50000.0")), Some(50000));
        assert_eq!(amount(&json!(25000)), Some(25000));
        assert_eq!(amount(&json!("")), Some(0));
        assert_eq!(amount(&json!("abc")), None);
        assert_eq!(amount(&json!("1.5")), None);
        assert_eq!(amount(&json!(-3)), None);
    }

    #[test]
    fn nested_lists_give_flat_facts() {
        let m = obj(json!({
            "MaHoSo": "X-1",
            "DanhSachLePhi": [{"Gia": "20000"}, {"SoTien": 30000}],
            "DanhSachGiayToKetQua": [{"MaGiayToKetQua": "KQ", "DuongDanTepTinKetQua": "https://x/kq.pdf"}],
            "DanhSachHoSoBoSung": [
                {"NgayBoSung": "2026-10-02T08:00:00", "NgayTiepNhanBoSung": "20261005090000"},
                {"NgayBoSung": "20261007080000"}
            ],
            "TaiLieuNop": [
                {"DuocSoHoa": "1", "DuocTaiSuDung": "0", "DuocLayTuKhoDMQG": "0"},
                {"DuocSoHoa": "0", "DuocTaiSuDung": "2", "DuocLayTuKhoDMQG": "1", "IsDeleted": "False"},
                {"DuocSoHoa": "1", "IsDeleted": "True"}
            ],
            "DSKetNoiCSDL": [{"MaCSDL": "7"}]
        }));
        let d = dossier(&m, true).ok().unwrap();
        let has = |col: D, v: &str| d.iter().any(|(i, t, _)| *i == usize::from(col) && t == v);
        assert!(has(D::FeeAmount, "50000"));
        assert!(has(D::EResult, "1"));
        assert!(has(D::SupplementRequests, "2"));
        assert!(has(D::SupplementDays, "3"));
        assert!(has(D::Digitized, "1"));
        assert!(has(D::ReusedData, "1"));
        assert!(has(D::PersonalStoreSynced, "1"));
        assert!(has(D::CitizenDataUsed, "1"));
        assert!(has(D::Synced, "1"));
        assert!(is_sync_record(&m));
    }

    #[test]
    fn empty_lists_say_nothing() {
        let m =
            obj(json!({"MaHoSo": "X-1", "DanhSachLePhi": [], "TaiLieuNop": [{"DuocSoHoa": "0"}]}));
        let d = dossier(&m, false).ok().unwrap();
        assert!(d.is_empty(), "{d:?}");
        let zero = obj(json!({"DanhSachLePhi": [{"Gia": "0"}]}));
        assert_eq!(dossier(&zero, false).ok().unwrap()[0].1, "0");
        let bad = obj(json!({"DanhSachLePhi": [{"Gia": "năm chục"}]}));
        assert!(dossier(&bad, false).is_err());
    }

    #[test]
    fn procedure_lists() {
        let m = obj(json!({
            "MATTHC": "1.001", "TENTTHC": "Đăng ký khai sinh",
            "LINHVUCTHUCHIEN": [{"MALINHVUC": "HT", "TENLINHVUC": "Hộ tịch"}],
            "CACHTHUCTHUCHIEN": [
                {"KENH": 1, "THOIGIAN": [{"THOIGIANGIAIQUYET": 5, "DONVITINH": "Ngày làm việc", "PHILEPHI": [{"SOTIEN": "8000"}]}]},
                {"KENH": "2", "THOIGIAN": [{"THOIGIANGIAIQUYET": "24", "DONVITINH": "Giờ"}]}
            ],
            "KETQUATHUCHIEN": [{"MAKETQUA": "KQ1", "TENKETQUA": "Giấy khai sinh"}]
        }));
        let d = procedure(&m);
        let has = |col: P, v: &str| d.iter().any(|(i, t, _)| *i == usize::from(col) && t == v);
        assert!(has(P::Field, "Hộ tịch"));
        assert!(has(P::MaxDays, "3"));
        assert!(has(P::HasFee, "1"));
        assert!(has(P::OnlineLevel, "partial"));
        assert!(has(P::PaperResult, "1"));
    }
}
