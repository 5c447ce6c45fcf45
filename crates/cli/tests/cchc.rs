//! A CCHC reporting period through the real binary on a real database: the
//! demo's periods in every state; a plan imported from CSV, shown and a task's status recorded; a commune's
//! template generated with what chiso knows (form 3's resolution from its
//! dossiers), filled and imported (a changed prefilled figure refused without
//! a reason, with its file and line), submitted, returned with a reason,
//! corrected, approved; the province's status page; the appendices written
//! as XLSX, Word and PDF; yearly results imported and shown.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn chiso(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chiso"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run chiso")
}

fn ok(o: Output) -> String {
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    );
    assert_eq!(o.status.code(), Some(0), "stdout: {out}\nstderr: {err}");
    out + &err
}

fn fails(o: Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{err}");
    err
}

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("demo.db");
    ok(chiso(&db, &["demo", "--dossiers", "20000", "--seed", "3"]));
    db
}

/// A commune directly under the province, and the province.
fn units(db: &Path) -> (String, String) {
    let csv = ok(chiso(
        db,
        &[
            "rank", "--period", "2026-05", "--kind", "commune", "--format", "csv",
        ],
    ));
    let row: Vec<&str> = csv.lines().nth(1).expect("a commune").split(',').collect();
    (row[2].to_string(), row[5].to_string())
}

#[test]
fn a_reporting_period_from_template_to_appendices() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let (commune, province) = units(&db);
    let p = |name: &str| dir.path().join(name).display().to_string();
    let period = "2026-Q3";

    // The demo's two periods have a submission in every state, a plan and results.
    for demo_period in ["2026-Q1", "2026-H1"] {
        let status = ok(chiso(&db, &["forms", "status", "--period", demo_period]));
        for part in ["Chưa gửi (", "Bị trả lại (", "đã duyệt"] {
            assert!(status.contains(part), "{demo_period}: {part}\n{status}");
        }
    }
    assert!(ok(chiso(
        &db,
        &["plan", "show", "--year", "2026", "--on", "14/06/2026"]
    ))
    .contains("Kết quả đạt 3/11 nhiệm vụ"));
    assert!(ok(chiso(&db, &["results", "show", "--index", "papi"])).contains("Chỉ số PAPI 2025"));

    // The template as CSV (the XLSX has the same rows): form 3's prefilled rows.
    let out = ok(chiso(
        &db,
        &[
            "forms",
            "template",
            "--unit",
            &commune,
            "--period",
            period,
            "--out",
            &p("t.csv"),
        ],
    ));
    assert!(out.contains("Đã ghi biểu mẫu 2026-Q3"), "{out}");
    let template = std::fs::read_to_string(p("t.csv")).expect("template");
    assert!(
        template.starts_with('\u{feff}'),
        "CSV for people has a byte order mark"
    );
    let prefilled: String = template
        .lines()
        .find(|l| l.starts_with("B3 3.3.1,"))
        .expect("B3 3.3.1 in the commune's template")
        .split(',')
        .nth(4)
        .expect("figure")
        .to_string();
    let completed: i64 = prefilled.parse().expect("a count of dossiers");
    assert!(
        completed > 0,
        "the commune's dossiers completed in the window"
    );
    ok(chiso(
        &db,
        &[
            "forms",
            "template",
            "--unit",
            &commune,
            "--period",
            period,
            "--out",
            &p("t.xlsx"),
        ],
    ));
    assert!(std::fs::read(p("t.xlsx")).expect("xlsx").starts_with(b"PK"));

    // Filled: a typed row, the prefilled figure changed without a reason.
    let filled = template
        .replace(
            &format!("B3 3.3.1,3.3.1.,Tổng số hồ sơ TTHC đã giải quyết xong,Hồ sơ,{completed},"),
            &format!(
                "B3 3.3.1,3.3.1.,Tổng số hồ sơ TTHC đã giải quyết xong,Hồ sơ,{},",
                completed + 5
            ),
        )
        .replace(
            "B2 1.3,1.3.,Số VBQPPL do cấp xã ban hành,Văn bản,,",
            "B2 1.3,1.3.,Số VBQPPL do cấp xã ban hành,Văn bản,3,",
        );
    std::fs::write(p("f.csv"), &filled).expect("write");
    let line = filled
        .lines()
        .position(|l| l.starts_with("B3 3.3.1,"))
        .expect("row")
        + 1;
    let err = fails(chiso(
        &db,
        &[
            "forms",
            "import",
            &p("f.csv"),
            "--unit",
            &commune,
            "--period",
            period,
            "--actor",
            "can.bo.xa",
        ],
    ));
    assert!(
        err.contains(&format!(
            "f.csv:{line}: lỗi: B3 3.3.1: chiso đã điền sẵn {completed}"
        )),
        "{err}"
    );
    assert!(err.contains("chưa lưu gì"), "{err}");
    // With its reason it is kept.
    let reasoned = filled.replace(
        &format!("Hồ sơ,{},,,", completed + 5),
        &format!(
            "Hồ sơ,{},,,Gồm 5 hồ sơ giấy chưa nhập phần mềm",
            completed + 5
        ),
    );
    std::fs::write(p("f.csv"), &reasoned).expect("write");
    let out = ok(chiso(
        &db,
        &[
            "forms",
            "import",
            &p("f.csv"),
            "--unit",
            &commune,
            "--period",
            period,
            "--actor",
            "can.bo.xa",
        ],
    ));
    assert!(out.contains("đã lưu lần 1"), "{out}");

    ok(chiso(
        &db,
        &[
            "forms",
            "submit",
            "--unit",
            &commune,
            "--period",
            period,
            "--actor",
            "can.bo.xa",
        ],
    ));
    let err = fails(chiso(
        &db,
        &[
            "forms", "return", "--unit", &commune, "--period", period, "--actor", "lanh.dao",
            "--reason", " ",
        ],
    ));
    assert!(err.contains("phải ghi lý do"), "{err}");
    let out = ok(chiso(
        &db,
        &[
            "forms",
            "return",
            "--unit",
            &commune,
            "--period",
            period,
            "--actor",
            "lanh.dao",
            "--reason",
            "Số văn bản chưa khớp sổ",
        ],
    ));
    assert!(out.contains("Bị trả lại (bởi lanh.dao)"), "{out}");
    let status = ok(chiso(&db, &["forms", "status", "--period", period]));
    assert!(status.contains("Số văn bản chưa khớp sổ"), "{status}");
    ok(chiso(
        &db,
        &[
            "forms",
            "status",
            "--period",
            period,
            "--out",
            &p("nhac-viec.csv"),
        ],
    ));
    let reminders = std::fs::read_to_string(p("nhac-viec.csv")).expect("reminders");
    assert!(reminders.starts_with('\u{feff}'), "CSV for people");
    assert!(
        reminders.contains(&format!("{commune},"))
            && reminders.contains("Bị trả lại,")
            && reminders.contains("Số văn bản chưa khớp sổ"),
        "{reminders}"
    );
    // An officer of the commune may not approve its own submission.
    let err = fails(chiso(
        &db,
        &[
            "forms",
            "approve",
            "--unit",
            &commune,
            "--period",
            period,
            "--actor",
            "can.bo.xa",
            "--role",
            &format!("officer:{commune}"),
        ],
    ));
    assert!(err.contains("không có quyền"), "{err}");
    ok(chiso(
        &db,
        &[
            "forms",
            "import",
            &p("f.csv"),
            "--unit",
            &commune,
            "--period",
            period,
            "--actor",
            "can.bo.xa",
        ],
    ));
    ok(chiso(
        &db,
        &[
            "forms",
            "submit",
            "--unit",
            &commune,
            "--period",
            period,
            "--actor",
            "can.bo.xa",
        ],
    ));
    // Every change from the command line is in the audit log, with the
    // file it read by its SHA-256.
    let audit = ok(chiso(&db, &["audit", "list", "--limit", "5"]));
    assert!(
        audit.contains("cchc_forms") && audit.contains("forms submit") && audit.contains("cli:"),
        "{audit}"
    );
    let full = ok(chiso(&db, &["audit", "list", "--limit", "100000"]));
    assert!(
        full.contains("forms import") && full.contains("sha256("),
        "{full}"
    );
    let out = ok(chiso(
        &db,
        &[
            "forms",
            "approve",
            "--unit",
            &commune,
            "--period",
            period,
            "--actor",
            "lanh.dao",
            "--role",
            &format!("approver:{province}"),
        ],
    ));
    assert!(out.contains("Đã duyệt"), "{out}");
    let status = ok(chiso(&db, &["forms", "status", "--period", period]));
    assert!(status.contains("1 đã duyệt"), "{status}");
    let history = ok(chiso(
        &db,
        &["forms", "history", "--unit", &commune, "--period", period],
    ));
    assert!(history.contains("lanh.dao — Trả lại (lần 1): Đã gửi, chờ duyệt → Bị trả lại; lý do: Số văn bản chưa khớp sổ"), "{history}");
    assert!(
        history.contains("Số liệu thay đổi từ lần duyệt gần nhất: 0"),
        "{history}"
    );

    // The plan of the year, its status, and the appendices.
    std::fs::write(
        p("plan.csv"),
        "STT,Lĩnh vực,Nhiệm vụ,Sản phẩm,Cơ quan chủ trì,Cơ quan phối hợp,Thời gian thực hiện,Trạng thái,Ngày cập nhật,Văn bản,Ghi chú\n\
         1,I,Xác định Chỉ số CCHC năm 2026,Quyết định công bố,Sở Nội vụ,Các sở; ban; ngành,Quý I/2027,Đã thực hiện,20/03/2027,52/QĐ-UBND,\n\
         2,VII,Nâng cao chất lượng dịch vụ công trực tuyến,,Sở Khoa học và Công nghệ,,Trong năm 2027,,,,\n",
    )
    .expect("plan");
    let out = ok(chiso(
        &db,
        &[
            "plan",
            "import",
            &p("plan.csv"),
            "--year",
            "2027",
            "--actor",
            "snv",
        ],
    ));
    assert!(out.contains("2 nhiệm vụ"), "{out}");
    ok(chiso(
        &db,
        &[
            "plan",
            "status",
            "--year",
            "2027",
            "--task",
            "2",
            "--status",
            "Đang triển khai thực hiện",
            "--date",
            "01/07/2027",
            "--actor",
            "snv",
        ],
    ));
    let err = fails(chiso(
        &db,
        &[
            "plan",
            "status",
            "--year",
            "2027",
            "--task",
            "2",
            "--status",
            "done",
            "--date",
            "01/06/2027",
            "--actor",
            "snv",
        ],
    ));
    assert!(err.contains("chỉ được ghi thêm"), "{err}");
    let shown = ok(chiso(
        &db,
        &["plan", "show", "--year", "2027", "--on", "14/09/2027"],
    ));
    assert!(
        shown.contains("Kết quả đạt 1/2 nhiệm vụ, đạt 50%"),
        "{shown}"
    );
    for ext in ["xlsx", "docx", "pdf", "md"] {
        let out = ok(chiso(
            &db,
            &[
                "forms",
                "report",
                "--period",
                period,
                "--out",
                &p(&format!("r.{ext}")),
            ],
        ));
        assert!(
            out.contains("(Phụ lục I, Phụ lục II, Số liệu trích dẫn)"),
            "{out}"
        );
    }
    let md = std::fs::read_to_string(p("r.md")).expect("md");
    assert!(
        md.contains("Kết quả đạt 3/11 nhiệm vụ"),
        "the demo's plan of 2026: {md}"
    );
    assert!(
        md.contains("| 1.3. | Số VBQPPL do cấp xã ban hành | Văn bản | 3 |"),
        "{md}"
    );

    // Yearly results.
    std::fs::write(
        p("results.csv"),
        format!(
            "chi_so,nam,don_vi,thanh_phan,gia_tri,toi_da,thu_hang,tren,gia_tri_truoc,thu_hang_truoc\n\
             par,2025,{province},,\"86,15\",100,42,63,\"86,11\",26\n\
             par,2025,{province},Thẩm định tự đánh giá,\"57,17\",\"61,5\",17,,,\n\
             sipas,2025,{province},,\"83,12\",100,23,63,,36\n"
        ),
    )
    .expect("results");
    let out = ok(chiso(
        &db,
        &["results", "import", &p("results.csv"), "--actor", "snv"],
    ));
    assert!(
        out.contains("2 kết quả (3 dòng, 1 dòng thành phần)"),
        "{out}"
    );
    let shown = ok(chiso(&db, &["results", "show", "--index", "par"]));
    assert!(
        shown.contains("86,15/100, hạng 42/63, so với năm trước + 0,04"),
        "{shown}"
    );
    assert!(
        shown.contains("Thẩm định tự đánh giá: 57,17/61,5"),
        "{shown}"
    );
}
