//! The shapes real systems send (data-format.md): a generated province is
//! written as the national portal's synchronisation payloads (envelopes per
//! unit, a bare array naming units by `DonViXuLy`, JSON Lines), as the
//! `LayThuTuc` and `LayDanhMucCoQuan` answers, as processing steps, and as
//! staff exports (XLSX with title rows, an HTML table named `.xls`); each
//! imports with no rejection through the real binary and scores byte for
//! byte as the same facts given flat.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chiso_core::records::{Dossier, DossierStatus, Procedure, Unit};
use chiso_ingest::{open, Item, Record, RecordKind};
use serde_json::{json, Value};

fn chiso(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chiso"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run chiso")
}

fn ok(out: Output) -> String {
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}\n{}",
        text,
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn read(kind: RecordKind, path: &Path) -> Vec<Record> {
    open(kind, path)
        .expect("open")
        .map(|i| match i {
            Item::Accepted { record, .. } => record,
            Item::Rejected(r) => panic!("{r}"),
        })
        .collect()
}

/// `yyyyMMddHHmmss` in Vietnam time, as the portal's payloads write instants.
fn compact(i: chiso_core::time::Instant) -> String {
    let iso = i.iso(); // 2026-10-19T13:54:04+07:00
    iso[..19].replace(['-', ':', 'T'], "")
}

fn opt(i: Option<chiso_core::time::Instant>) -> Value {
    i.map_or(Value::String(String::new()), |t| Value::String(compact(t)))
}

/// A dossier as the portal's `DongBoHoSoMC` record: every value a string,
/// fees, result files, supplement requests and parts as nested lists.
fn portal_record(d: &Dossier) -> Value {
    let mut r = json!({
        "MaHoSo": d.id,
        "MaTTHC": d.procedure_code,
        "KenhThucHien": (d.channel as i64).to_string(),
        "ChuHoSo": "Nguyễn Văn A",
        "SoGiayToChuHoSo": "012345678901",
        "NgayNopHoSo": opt(d.submitted_at),
        "NgayTiepNhan": compact(d.received_at),
        "NgayHenTra": opt(d.due_at),
        "TrangThaiHoSo": d.status.portal_code().to_string(),
        "NgayKetThucXuLy": opt(d.finished_at),
        "NgayTra": opt(d.returned_at),
        "DuocThanhToanTrucTuyen": d.paid_online.to_string(),
        "TaiKhoanDuocXacThucVoiVNeID": if d.vneid_verified { "1" } else { "0" },
        "DanhSachLePhi": if d.fee_amount > 0 { json!([{"TenPhiLePhi": "Lệ phí", "Gia": d.fee_amount.to_string()}]) } else { json!([]) },
        "DanhSachGiayToKetQua": if d.e_result { json!([{"MaGiayToKetQua": "KQ", "DuongDanTepTinKetQua": "https://mc.example/kq.pdf"}]) } else { json!([]) },
        "TaiLieuNop": [{
            "MaThanhPhanHoSo": "TP1",
            "DuocSoHoa": if d.digitized { "1" } else { "0" },
            "DuocTaiSuDung": if d.reused_data { "1" } else { "0" },
            "DuocLayTuKhoDMQG": if d.personal_store_synced { "1" } else { "0" },
        }],
        "DSKetNoiCSDL": if d.citizen_data_used { json!([{"MaCSDL": "1"}]) } else { json!([]) },
        "DanhSachHoSoBoSung": (0..d.supplement_requests).map(|i| {
            let asked = d.supplement_requested_at.map(compact).unwrap_or_default();
            if i == 0 && d.supplement_days > 0 {
                let back = d.supplement_requested_at.map(|t| compact(t.add_seconds(i64::from(d.supplement_days) * 86_400))).unwrap_or_default();
                json!({"NgayBoSung": asked, "NgayTiepNhanBoSung": back})
            } else {
                json!({"NgayBoSung": asked})
            }
        }).collect::<Vec<_>>(),
    });
    let m = r.as_object_mut().expect("object");
    // Facts with no list in the payload stay flat fields of the record.
    if d.supplement_requests == 0 {
        m.insert("NgayYeuCauBoSung".into(), opt(d.supplement_requested_at));
        m.insert(
            "supplement_days".into(),
            json!(d.supplement_days.to_string()),
        );
    }
    if !d.synced {
        m.insert("DaDongBo".into(), json!("0"));
    }
    if !d.handler_named {
        m.insert("handler_named".into(), json!("0"));
    }
    if let Some(rating) = d.rating {
        m.insert("DanhGia".into(), json!(rating.code()));
    }
    if d.complaint {
        m.insert("CoPhanAnh".into(), json!("1"));
    }
    r
}

/// A procedure as the portal's `LayThuTuc` answer: time limit, fees,
/// channels, field and results nested; the rest as flat fields.
fn lay_thu_tuc(p: &Procedure) -> Value {
    let mut ways = vec![json!({"KENH": 1, "THOIGIAN": [{
        "THOIGIANGIAIQUYET": p.max_days.map_or(Value::Null, |n| json!(n.to_string())),
        "DONVITINH": "Ngày làm việc",
        "PHILEPHI": if p.has_fee { json!([{"MAPHILEPHI": "LP", "SOTIEN": "50000", "DONVI": "Đồng"}]) } else { json!([]) },
    }]})];
    if p.offered_online() {
        ways.push(json!({"KENH": "2", "THOIGIAN": []}));
    }
    json!({
        "MATTHC": p.code,
        "TENTTHC": p.name,
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "LV", "TENLINHVUC": p.field}],
        "CACHTHUCTHUCHIEN": ways,
        "KETQUATHUCHIEN": if p.paper_result { json!([{"MAKETQUA": "KQ", "TENKETQUA": "Giấy"}]) } else { json!([]) },
        "MucDoDVC": p.online_level.code(),
        "CapThucHien": p.level.map(|l| l.code()).unwrap_or_default(),
        "full_online_eligible": p.full_online_eligible,
        "citizen_facing": p.citizen_facing,
        "NgayQuyetDinhCongBo": p.decision_date.map(|d| d.iso()).unwrap_or_default(),
        "NgayHieuLuc": p.legal_effective_date.map(|d| d.iso()).unwrap_or_default(),
        "NgayCongKhai": p.published_at.map(|d| d.iso()).unwrap_or_default(),
        "complete_parts": p.complete_parts,
        "citizen_data_connected": p.citizen_data_connected,
    })
}

struct Province {
    dir: PathBuf,
    units: Vec<Unit>,
    procedures: Vec<Procedure>,
    dossiers: Vec<Dossier>,
}

fn province(tmp: &Path) -> Province {
    let dir = tmp.join("flat");
    ok(chiso(
        &tmp.join("gen.db"),
        &[
            "demo",
            "--dossiers",
            "12000",
            "--export",
            dir.to_str().unwrap(),
        ],
    ));
    let units = read(RecordKind::Units, &dir.join("units.csv"))
        .into_iter()
        .filter_map(|r| {
            if let Record::Unit(u) = r {
                Some(u)
            } else {
                None
            }
        })
        .collect();
    let procedures = read(RecordKind::Procedures, &dir.join("procedures.csv"))
        .into_iter()
        .filter_map(|r| {
            if let Record::Procedure(p) = r {
                Some(p)
            } else {
                None
            }
        })
        .collect();
    let dossiers = read(RecordKind::Dossiers, &dir.join("dossiers.csv"))
        .into_iter()
        .filter_map(|r| {
            if let Record::Dossier(d) = r {
                Some(d)
            } else {
                None
            }
        })
        .collect();
    Province {
        dir,
        units,
        procedures,
        dossiers,
    }
}

fn import(db: &Path, kind: &str, file: &Path) -> String {
    let out = ok(chiso(db, &["import", kind, file.to_str().unwrap()]));
    assert!(out.contains("từ chối 0"), "{out}");
    out
}

fn scores(db: &Path) -> Vec<String> {
    ["2026-10", "2026-Q3", "2026-01-01..2026-02-15"]
        .iter()
        .map(|p| ok(chiso(db, &["score", "--period", p, "--format", "json"])))
        .collect()
}

#[test]
fn portal_payloads_score_exactly_as_flat_files() {
    let tmp = tempfile::tempdir().unwrap();
    let p = province(tmp.path());
    let flat = tmp.path().join("flat.db");
    for kind in [
        "units",
        "procedures",
        "holidays",
        "dossiers",
        "feedback",
        "counts",
    ] {
        import(&flat, kind, &p.dir.join(format!("{kind}.csv")));
    }

    let real = tmp.path().join("real.db");
    let shapes = tmp.path().join("shapes");
    std::fs::create_dir_all(&shapes).unwrap();
    import(&real, "units", &p.dir.join("units.csv"));
    let answer = json!({"error_code": "0", "message": "Thành công",
        "result": p.procedures.iter().map(lay_thu_tuc).collect::<Vec<_>>()});
    let lay_thu_tuc_file = shapes.join("LayThuTuc.json");
    std::fs::write(
        &lay_thu_tuc_file,
        serde_json::to_string_pretty(&answer).unwrap(),
    )
    .unwrap();
    import(&real, "procedures", &lay_thu_tuc_file);
    import(&real, "holidays", &p.dir.join("holidays.csv"));

    let name_of = |code: &str| {
        p.units
            .iter()
            .find(|u| u.code == code)
            .map(|u| u.name.clone())
            .unwrap()
    };
    let (mut envelope, mut array, mut lines) = (Vec::new(), Vec::new(), Vec::new());
    for (i, d) in p.dossiers.iter().enumerate() {
        match i % 3 {
            0 => envelope.push(d),
            1 => array.push(d),
            _ => lines.push(d),
        }
    }
    // Envelopes, one per unit, pretty-printed, the unit in `madonvi`.
    let mut by_unit: std::collections::BTreeMap<&str, Vec<Value>> = Default::default();
    for d in &envelope {
        by_unit
            .entry(d.unit_code.as_str())
            .or_default()
            .push(portal_record(d));
    }
    for (n, (unit, records)) in by_unit.into_iter().enumerate() {
        let body = json!({"session": "tok", "madonvi": unit, "service": "DongBoHoSoMC",
            "isUpdating": "False", "data": records});
        let file = shapes.join(format!("DongBoHoSoMC-{n}.json"));
        std::fs::write(&file, serde_json::to_string_pretty(&body).unwrap()).unwrap();
        import(&real, "dossiers", &file);
    }
    // A bare array, units by name (DonViXuLy), saved under a .jsonl name.
    let records: Vec<Value> = array
        .iter()
        .map(|d| {
            let mut r = portal_record(d);
            r["DonViXuLy"] = json!(name_of(&d.unit_code).to_uppercase());
            r
        })
        .collect();
    let file = shapes.join("array.jsonl");
    std::fs::write(&file, serde_json::to_string(&records).unwrap()).unwrap();
    let out = import(&real, "dossiers", &file);
    assert!(out.contains("theo tên đơn vị xử lý"), "{out}");
    // JSON Lines, the unit as a record field.
    let text: String = lines
        .iter()
        .map(|d| {
            let mut r = portal_record(d);
            r["MaCoQuan"] = json!(d.unit_code);
            format!("{}\n", serde_json::to_string(&r).unwrap())
        })
        .collect();
    let file = shapes.join("lines.jsonl");
    std::fs::write(&file, text).unwrap();
    import(&real, "dossiers", &file);
    import(&real, "feedback", &p.dir.join("feedback.csv"));
    import(&real, "counts", &p.dir.join("counts.csv"));

    let (a, b) = (scores(&flat), scores(&real));
    for (x, y) in a.iter().zip(&b) {
        assert!(
            x == y,
            "flat and real shapes differ:\n{}\n{}",
            &x[..x.len().min(400)],
            &y[..y.len().min(400)]
        );
    }

    // The portal's unit catalogue answer reads with no rejection.
    let units = json!({"error_code": 0, "message": "", "result": p.units.iter().map(|u| json!({
        "MADONVI": u.code, "TENDONVI": u.name, "CAPDONVI": "2"})).collect::<Vec<_>>()});
    let file = shapes.join("LayDanhMucCoQuan.json");
    std::fs::write(&file, serde_json::to_string(&units).unwrap()).unwrap();
    import(&tmp.path().join("catalogue.db"), "units", &file);
}

/// A staff export row: names for unit and procedure, the status label,
/// dates `dd/MM/yyyy HH:mm:ss`.
fn staff_cells(d: &Dossier, unit: &str, procedure: &str, n: usize) -> Vec<String> {
    let vn = |t: Option<chiso_core::time::Instant>| {
        t.map(|t| {
            let c = compact(t);
            format!(
                "{}/{}/{} {}:{}:{}",
                &c[6..8],
                &c[4..6],
                &c[0..4],
                &c[8..10],
                &c[10..12],
                &c[12..14]
            )
        })
        .unwrap_or_default()
    };
    vec![
        n.to_string(),
        unit.to_string(),
        procedure.to_string(),
        d.id.clone(),
        d.status.label_vi().to_string(),
        "Nguyễn Văn A".into(),
        vn(d.submitted_at),
        vn(Some(d.received_at)),
        vn(d.due_at),
        vn(d.finished_at),
    ]
}

const STAFF_HEADER: [&str; 10] = [
    "STT",
    "Đơn vị tiếp nhận",
    "Tên thủ tục hành chính",
    "Mã hồ sơ",
    "Trạng thái",
    "Người nộp",
    "Ngày nộp hồ sơ",
    "Ngày nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
];

#[test]
fn staff_exports_score_exactly_as_the_same_facts_flat() {
    let tmp = tempfile::tempdir().unwrap();
    let p = province(tmp.path());
    // Procedure names that are unique, so that a name finds one code.
    let mut names: std::collections::HashMap<String, usize> = Default::default();
    for q in &p.procedures {
        *names.entry(q.name.to_lowercase()).or_default() += 1;
    }
    let unique: Vec<&Dossier> = p
        .dossiers
        .iter()
        .filter(|d| {
            let q = p
                .procedures
                .iter()
                .find(|q| q.code == d.procedure_code)
                .unwrap();
            names[&q.name.to_lowercase()] == 1 && d.status != DossierStatus::SupplementRequested
        })
        .collect();
    assert!(unique.len() > 1000, "{}", unique.len());
    let unit_name = |c: &str| p.units.iter().find(|u| u.code == c).unwrap().name.clone();
    let proc_name = |c: &str| {
        p.procedures
            .iter()
            .find(|q| q.code == c)
            .unwrap()
            .name
            .clone()
    };

    // The same facts flat.
    let mut flat_csv = String::from(
        "id,unit_code,procedure_code,status,submitted_at,received_at,due_at,finished_at\n",
    );
    for d in &unique {
        let iso = |t: Option<chiso_core::time::Instant>| t.map(|t| t.iso()).unwrap_or_default();
        flat_csv.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            d.id,
            d.unit_code,
            d.procedure_code,
            d.status.code(),
            iso(d.submitted_at),
            d.received_at.iso(),
            iso(d.due_at),
            iso(d.finished_at)
        ));
    }
    let flat_file = tmp.path().join("flat-staff.csv");
    std::fs::write(&flat_file, flat_csv).unwrap();

    // XLSX with title rows above the header.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "UBND TỈNH SƠN THỦY").unwrap();
    sheet.write_string(1, 0, "DANH SÁCH HỒ SƠ").unwrap();
    sheet
        .write_string(2, 0, "Từ ngày 01/11/2025 đến ngày 31/10/2026")
        .unwrap();
    for (c, h) in STAFF_HEADER.iter().enumerate() {
        sheet.write_string(4, c as u16, *h).unwrap();
    }
    let mut html = String::from(
        "<html><body><table><tr><td colspan=10><b>DANH S&Aacute;CH HỒ SƠ</b></td></tr>\n<tr>",
    );
    for h in STAFF_HEADER {
        html.push_str(&format!("<th>{h}</th>"));
    }
    html.push_str("</tr>\n");
    for (i, d) in unique.iter().enumerate() {
        let cells = staff_cells(
            d,
            &unit_name(&d.unit_code),
            &proc_name(&d.procedure_code),
            i + 1,
        );
        html.push_str("<tr>");
        for (c, v) in cells.iter().enumerate() {
            sheet.write_string(5 + i as u32, c as u16, v).unwrap();
            html.push_str(&format!(
                "<td>{}</td>",
                v.replace('&', "&amp;").replace('<', "&lt;")
            ));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table></body></html>\n");
    let xlsx = tmp.path().join("danh-sach-ho-so.xlsx");
    book.save(&xlsx).unwrap();
    let xls = tmp.path().join("danh-sach-ho-so.xls");
    std::fs::write(&xls, html).unwrap();

    let mut results = Vec::new();
    for (name, file) in [("flat", &flat_file), ("xlsx", &xlsx), ("html", &xls)] {
        let db = tmp.path().join(format!("{name}.db"));
        for kind in ["units", "procedures", "holidays"] {
            import(&db, kind, &p.dir.join(format!("{kind}.csv")));
        }
        let out = import(&db, "dossiers", file);
        if name != "flat" {
            assert!(out.contains("bỏ qua"), "title rows are said: {out}");
        }
        results.push(scores(&db));
    }
    assert_eq!(results[0], results[1], "XLSX staff export");
    assert_eq!(results[0], results[2], "HTML staff export");
}

#[test]
fn processing_steps_are_idempotent_and_may_come_first() {
    let tmp = tempfile::tempdir().unwrap();
    let p = province(tmp.path());
    let open: Vec<&Dossier> = p
        .dossiers
        .iter()
        .filter(|d| d.finished_at.is_none())
        .take(40)
        .collect();
    assert!(!open.is_empty());
    // Steps that finish these dossiers; one without a title (handler not named).
    let steps: Vec<Value> = open
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            let end = d.received_at.add_seconds(3600);
            vec![
                json!({"MaHoSo": d.id, "NguoiXuLy": "Trần B", "ChucDanh": "Chuyên viên",
                       "ThoiDiemXuLy": compact(d.received_at), "TrangThai": "2", "NoiDungXuLy": "Tiếp nhận"}),
                json!({"MaHoSo": d.id, "NguoiXuLy": "Lê C", "ChucDanh": if i == 0 { "" } else { "Trưởng phòng" },
                       "ThoiDiemXuLy": compact(end), "TrangThai": "9", "PhongBanXuLy": "Phòng Hộ tịch"}),
            ]
        })
        .collect();
    let file = tmp.path().join("CapNhatTienDoHoSoMC.json");
    std::fs::write(
        &file,
        serde_json::to_string_pretty(&json!({"service": "CapNhatTienDoHoSoMC", "data": steps}))
            .unwrap(),
    )
    .unwrap();

    let base = |name: &str| {
        let db = tmp.path().join(name);
        for kind in ["units", "procedures", "holidays"] {
            import(&db, kind, &p.dir.join(format!("{kind}.csv")));
        }
        db
    };
    let without = base("without.db");
    import(&without, "dossiers", &p.dir.join("dossiers.csv"));
    let after = base("after.db");
    import(&after, "dossiers", &p.dir.join("dossiers.csv"));
    import(&after, "steps", &file);
    let again = ok(chiso(&after, &["import", "steps", file.to_str().unwrap()]));
    assert!(
        again.contains("mới 0"),
        "the same steps again change nothing: {again}"
    );
    let first = base("first.db");
    import(&first, "steps", &file);
    import(&first, "dossiers", &p.dir.join("dossiers.csv"));

    assert_eq!(
        scores(&after),
        scores(&first),
        "steps before or after their dossier"
    );
    assert_ne!(
        scores(&after),
        scores(&without),
        "the steps changed the dossiers"
    );
}
