//! Administrative-reform (CCHC) demo content for the demo province, as plain
//! data the CLI puts through the real use cases (`chiso_app::cchc`): the
//! province's plan of the year as a table (the plan template's columns),
//! yearly results as a table (the results file's columns), and for two
//! reporting periods (2026-Q1, 2026-H1) what each reporting unit did: saved
//! nothing (missing), saved a draft, submitted, was returned with a reason,
//! or was approved, with a few figures it typed beside what chiso prefills.

use chiso_core::records::{Unit, UnitKind};
use chiso_core::time::{Date, Instant};

use crate::rng::{hash_str, Rng};
use crate::{DemoConfig, DemoProvince};

/// What a unit did in a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoState {
    /// Nothing saved.
    Missing,
    /// Saved, not submitted.
    Draft,
    Submitted,
    /// Submitted, then returned with a reason.
    Returned,
    Approved,
}

/// One unit's submission in one period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSubmission {
    pub unit: String,
    /// `2026-Q1`, `2026-H1`.
    pub period: &'static str,
    pub state: DemoState,
    /// Typed rows beside the prefilled ones: (indicator code, count).
    pub typed: Vec<(&'static str, i64)>,
    /// When it was saved; submitted an hour later, decided two days later.
    pub saved_at: Instant,
    pub return_reason: Option<&'static str>,
}

/// The demo's CCHC content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReformDemo {
    /// The province's code (owner of the plan, approver of its units).
    pub province: String,
    pub year: i32,
    /// Header first, then one row per task.
    pub plan_rows: Vec<Vec<String>>,
    /// Header first, then one row per result or component.
    pub results_rows: Vec<Vec<String>>,
    pub submissions: Vec<DemoSubmission>,
}

const PLAN_HEADER: [&str; 11] = [
    "STT",
    "Lĩnh vực",
    "Nhiệm vụ",
    "Sản phẩm",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian thực hiện",
    "Trạng thái",
    "Ngày cập nhật",
    "Văn bản",
    "Ghi chú",
];

/// A plan row: area, task, product, lead, coordinating, deadline, status,
/// day of the status, document.
type TaskRow = [&'static str; 9];

const TASKS: [TaskRow; 12] = [
    [
        "I",
        "Ban hành Kế hoạch cải cách hành chính năm 2026",
        "Kế hoạch của UBND tỉnh",
        "Sở Nội vụ",
        "Các sở, ban, ngành",
        "Tháng 12/2025",
        "Đã thực hiện",
        "20/12/2025",
        "245/KH-UBND",
    ],
    [
        "I",
        "Xác định Chỉ số CCHC năm 2025 của các sở, ngành và UBND cấp xã",
        "Quyết định công bố Chỉ số CCHC năm 2025",
        "Sở Nội vụ",
        "Các sở, ban, ngành; UBND cấp xã",
        "Quý I/2026",
        "Đã thực hiện",
        "25/03/2026",
        "412/QĐ-UBND",
    ],
    [
        "I",
        "Kiểm tra công tác CCHC tại các cơ quan, đơn vị",
        "Thông báo kết luận kiểm tra",
        "Sở Nội vụ",
        "Văn phòng UBND tỉnh",
        "Quý II, III/2026",
        "Đang triển khai thực hiện",
        "10/06/2026",
        "",
    ],
    [
        "II",
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh",
        "Báo cáo kết quả rà soát",
        "Sở Tư pháp",
        "Các sở, ban, ngành",
        "Quý IV/2026",
        "Chưa tới thời gian thực hiện",
        "10/06/2026",
        "",
    ],
    [
        "III",
        "Công bố, công khai thủ tục hành chính sau khi sắp xếp chính quyền hai cấp",
        "Quyết định công bố danh mục TTHC",
        "Văn phòng UBND tỉnh",
        "Các sở, ban, ngành",
        "Trong năm 2026",
        "Đang triển khai thực hiện",
        "10/06/2026",
        "88/QĐ-UBND",
    ],
    [
        "III",
        "Số hóa hồ sơ, kết quả giải quyết TTHC tại bộ phận một cửa cấp xã",
        "Báo cáo tiến độ số hóa",
        "Văn phòng UBND tỉnh",
        "UBND cấp xã",
        "Quý II/2026",
        "Đang triển khai thực hiện",
        "30/04/2026",
        "",
    ],
    [
        "IV",
        "Rà soát, sắp xếp các đơn vị sự nghiệp công lập",
        "Đề án sắp xếp",
        "Sở Nội vụ",
        "Các sở, ban, ngành",
        "Năm 2026 (khi có hướng dẫn của Trung ương)",
        "Đang triển khai thực hiện",
        "10/06/2026",
        "",
    ],
    [
        "V",
        "Đào tạo, bồi dưỡng cán bộ, công chức cấp xã sau sắp xếp",
        "Lớp bồi dưỡng",
        "Sở Nội vụ",
        "UBND cấp xã",
        "Quý I/2026",
        "Đang triển khai thực hiện",
        "15/03/2026",
        "",
    ],
    [
        "V",
        "Tuyển dụng công chức năm 2026",
        "Kết quả tuyển dụng",
        "Sở Nội vụ",
        "Các sở, ban, ngành",
        "Trong năm 2026",
        "Chưa tới thời gian thực hiện",
        "10/06/2026",
        "",
    ],
    [
        "VI",
        "Giải ngân vốn đầu tư công năm 2026",
        "Báo cáo giải ngân",
        "Sở Tài chính",
        "Các sở, ban, ngành; UBND cấp xã",
        "Tháng 01/2027",
        "Đang triển khai thực hiện",
        "10/06/2026",
        "",
    ],
    [
        "VII",
        "Nâng cấp Hệ thống thông tin giải quyết TTHC của tỉnh",
        "Hệ thống được nâng cấp",
        "Sở Khoa học và Công nghệ",
        "Văn phòng UBND tỉnh",
        "Quý I/2026",
        "Đã thực hiện",
        "28/03/2026",
        "120/QĐ-UBND",
    ],
    [
        "VII",
        "Tổ chức đối thoại trực tuyến về dịch vụ công",
        "",
        "Sở Khoa học và Công nghệ",
        "Các sở, ban, ngành",
        "Quý II/2026",
        "Không thực hiện",
        "10/06/2026",
        "",
    ],
];

const RETURN_REASONS: [&str; 3] = [
    "Số liệu mục 1.3 biểu mẫu 2 chưa khớp với sổ theo dõi văn bản của đơn vị",
    "Thiếu giải trình cảnh báo ở biểu mẫu 3; đề nghị bổ sung",
    "Số liệu số hóa chưa cập nhật đến ngày 14 của tháng cuối kỳ",
];

const RESULTS_HEADER: [&str; 12] = [
    "chi_so",
    "nam",
    "don_vi",
    "thanh_phan",
    "gia_tri",
    "toi_da",
    "thu_hang",
    "tren",
    "gia_tri_truoc",
    "thu_hang_truoc",
    "xep_loai",
    "van_ban",
];

fn vi(x: f64) -> String {
    format!("{x:.2}").replace('.', ",")
}

fn day(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd(y, m, d).unwrap_or(Date::from_days(0))
}

/// The units that report to the province in 2026: its departments and
/// communes in force.
fn reporters<'a>(p: &'a DemoProvince, province: &str) -> Vec<&'a Unit> {
    let end = day(2026, 6, 14);
    p.units
        .iter()
        .filter(|u| u.parent_code.as_deref() == Some(province))
        .filter(|u| matches!(u.kind, UnitKind::Department | UnitKind::Commune))
        .filter(|u| u.valid_from.is_none_or(|f| f <= end) && u.valid_to.is_none_or(|t| end <= t))
        .collect()
}

/// The demo's CCHC content (`None` when the province has no top unit).
pub fn reform(cfg: &DemoConfig, p: &DemoProvince) -> Option<ReformDemo> {
    let top = p
        .units
        .iter()
        .find(|u| u.parent_code.is_none() && u.kind == UnitKind::Province)?;
    let province = top.code.clone();
    let mut plan_rows = vec![PLAN_HEADER.iter().map(|s| s.to_string()).collect()];
    for (i, t) in TASKS.iter().enumerate() {
        let note = if t[6] == "Không thực hiện" {
            "Chuyển sang năm 2027 theo chỉ đạo của UBND tỉnh"
        } else {
            ""
        };
        plan_rows.push(
            [
                (i + 1).to_string().as_str(),
                t[0],
                t[1],
                t[2],
                t[3],
                t[4],
                t[5],
                t[6],
                t[7],
                t[8],
                note,
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        );
    }
    let mut results_rows: Vec<Vec<String>> =
        vec![RESULTS_HEADER.iter().map(|s| s.to_string()).collect()];
    let mut rng = Rng::derive(cfg.seed, &[hash_str("cchc-results")]);
    let par24 = 82.0 + rng.unit() * 6.0;
    let par25 = par24 + rng.unit() * 3.0 - 1.0;
    let (rank24, rank25) = (rng.int(10, 40), rng.int(5, 34));
    let row = |cells: [String; 12]| cells.to_vec();
    let s = |x: &str| x.to_string();
    results_rows.push(row([
        s("par"),
        s("2024"),
        province.clone(),
        s(""),
        vi(par24),
        s("100"),
        rank24.to_string(),
        s("63"),
        s(""),
        s(""),
        s(""),
        s(""),
    ]));
    results_rows.push(row([
        s("par"),
        s("2025"),
        province.clone(),
        s(""),
        vi(par25),
        s("100"),
        rank25.to_string(),
        s("34"),
        vi(par24),
        rank24.to_string(),
        s(""),
        s(""),
    ]));
    for (name, max, share) in [
        ("Thẩm định kết quả tự đánh giá", 61.5, 0.93),
        ("Điều tra xã hội học (SIPAS)", 10.0, 0.84),
        ("Khảo sát lãnh đạo, quản lý", 22.0, 0.80),
        ("Tác động của CCHC", 6.5, 0.55),
    ] {
        results_rows.push(row([
            s("par"),
            s("2025"),
            province.clone(),
            s(name),
            vi(max * share),
            vi(max),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
            s(""),
        ]));
    }
    let sipas = 80.0 + rng.unit() * 8.0;
    results_rows.push(row([
        s("sipas"),
        s("2025"),
        province.clone(),
        s(""),
        vi(sipas),
        s("100"),
        rng.int(3, 30).to_string(),
        s("34"),
        vi(sipas - 2.5),
        rng.int(10, 34).to_string(),
        s(""),
        s(""),
    ]));
    let papi = 40.0 + rng.unit() * 4.0;
    results_rows.push(row([
        s("papi"),
        s("2025"),
        province.clone(),
        s(""),
        vi(papi),
        s("80"),
        rng.int(5, 30).to_string(),
        s("34"),
        vi(papi - 0.4),
        rng.int(5, 34).to_string(),
        s(""),
        s(""),
    ]));
    // The province's own index of its departments (classes as it publishes them).
    let departments: Vec<&Unit> = reporters(p, &province)
        .into_iter()
        .filter(|u| u.kind == UnitKind::Department)
        .collect();
    let mut scores: Vec<(f64, &str)> = departments
        .iter()
        .map(|u| {
            let mut r = Rng::derive(cfg.seed, &[hash_str("cchc-own-index"), hash_str(&u.code)]);
            (75.0 + r.unit() * 22.0, u.code.as_str())
        })
        .collect();
    scores.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let n = scores.len();
    for (i, (score, code)) in scores.iter().enumerate() {
        let class = if *score >= 90.0 {
            "Rất tốt"
        } else if *score >= 80.0 {
            "Tốt"
        } else {
            "Khá"
        };
        results_rows.push(row([
            s("par"),
            s("2025"),
            s(code),
            s(""),
            vi(*score),
            s("100"),
            (i + 1).to_string(),
            n.to_string(),
            s(""),
            s(""),
            s(class),
            s("412/QĐ-UBND"),
        ]));
    }

    let mut submissions = Vec::new();
    let all = reporters(p, &province);
    for (period, shift, saved) in [
        ("2026-Q1", 0, day(2026, 3, 10)),
        ("2026-H1", 5, day(2026, 6, 9)),
    ] {
        for (i, u) in all.iter().enumerate() {
            let state = match (i + shift) % 10 {
                0 => DemoState::Missing,
                1 => DemoState::Draft,
                2 => DemoState::Submitted,
                3 => DemoState::Returned,
                _ => DemoState::Approved,
            };
            let mut r = Rng::derive(cfg.seed, &[hash_str(period), hash_str(&u.code)]);
            let typed = match u.kind {
                UnitKind::Department => vec![("B2 1.1", r.int(0, 5))],
                _ => vec![("B2 1.3", r.int(0, 3))],
            };
            submissions.push(DemoSubmission {
                unit: u.code.clone(),
                period,
                state,
                typed,
                // Some units late: a few days after their due date.
                saved_at: saved
                    .add_days(r.int(0, 12) as i32)
                    .start()
                    .add_seconds(9 * 3600),
                return_reason: (state == DemoState::Returned)
                    .then(|| RETURN_REASONS[i % RETURN_REASONS.len()]),
            });
        }
        // The province's own figures, submitted and waiting for its units.
        submissions.push(DemoSubmission {
            unit: province.clone(),
            period,
            state: DemoState::Submitted,
            typed: vec![("B1 1", r_int(cfg.seed, period, 12, 45))],
            saved_at: saved.add_days(8).start().add_seconds(9 * 3600),
            return_reason: None,
        });
    }
    Some(ReformDemo {
        province,
        year: 2026,
        plan_rows,
        results_rows,
        submissions,
    })
}

fn r_int(seed: u64, label: &str, lo: i64, hi: i64) -> i64 {
    Rng::derive(seed, &[hash_str("cchc-province"), hash_str(label)]).int(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_in_both_periods() {
        let cfg = DemoConfig {
            dossiers: 10,
            ..DemoConfig::default()
        };
        let p = crate::generate(&cfg);
        let r = reform(&cfg, &p).expect("a province");
        for period in ["2026-Q1", "2026-H1"] {
            for state in [
                DemoState::Missing,
                DemoState::Draft,
                DemoState::Submitted,
                DemoState::Returned,
                DemoState::Approved,
            ] {
                assert!(
                    r.submissions
                        .iter()
                        .any(|s| s.period == period && s.state == state),
                    "{period} {state:?}"
                );
            }
        }
        assert!(r
            .submissions
            .iter()
            .filter(|s| s.state == DemoState::Returned)
            .all(|s| s.return_reason.is_some()));
        assert_eq!(r.plan_rows.len(), 13);
        assert_eq!(r, reform(&cfg, &p).expect("again"), "deterministic");
    }
}
