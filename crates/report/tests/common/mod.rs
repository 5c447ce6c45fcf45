//! A small deterministic province for the report tests: departments (one
//! without dossiers, one not scored), two districts with communes (three-tier
//! local government of 2024), dossiers, feedback and monthly counts for
//! January to March 2024, written through the store's writer.

#![allow(dead_code)] // each test file uses part of it

use chiso_core::calendar::Holiday;
use chiso_core::period::Period;
use chiso_core::records::*;
use chiso_core::time::{Date, Instant, Month};
use chiso_report::{LetterInfo, ReportRequest};
use chiso_store::Store;

/// The period the tests report on.
pub const PERIOD: &str = "2024-03";
pub const PROVINCE: &str = "000.00.00.H99";

/// splitmix64: deterministic data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A unit of the fixture with the volume and quality of its dossiers.
struct Spec {
    code: &'static str,
    name: &'static str,
    parent: Option<&'static str>,
    kind: UnitKind,
    scored: bool,
    /// Dossiers a month.
    volume: u64,
    /// 0-100: chance of online, on time, digitised…
    quality: u64,
}

const fn spec(
    code: &'static str,
    name: &'static str,
    parent: Option<&'static str>,
    kind: UnitKind,
    volume: u64,
    quality: u64,
) -> Spec {
    Spec {
        code,
        name,
        parent,
        kind,
        scored: true,
        volume,
        quality,
    }
}

const H1: &str = "000.00.10.H99";
const H2: &str = "000.00.20.H99";

const UNITS: &[Spec] = &[
    spec(
        PROVINCE,
        "UBND tỉnh Thử Nghiệm",
        None,
        UnitKind::Province,
        0,
        0,
    ),
    spec(
        "000.01.00.H99",
        "Sở Tư pháp",
        Some(PROVINCE),
        UnitKind::Department,
        60,
        90,
    ),
    spec(
        "000.02.00.H99",
        "Sở Y tế",
        Some(PROVINCE),
        UnitKind::Department,
        40,
        60,
    ),
    spec(
        "000.03.00.H99",
        "Sở Xây dựng",
        Some(PROVINCE),
        UnitKind::Department,
        0,
        0,
    ),
    Spec {
        scored: false,
        ..spec(
            "000.04.00.H99",
            "Thanh tra tỉnh",
            Some(PROVINCE),
            UnitKind::Department,
            0,
            0,
        )
    },
    spec(
        H1,
        "UBND huyện Phong Điền",
        Some(PROVINCE),
        UnitKind::District,
        50,
        75,
    ),
    spec(
        H2,
        "UBND thị xã Hương Trà",
        Some(PROVINCE),
        UnitKind::District,
        30,
        50,
    ),
    spec(
        "000.21.10.H99",
        "UBND xã Phong An",
        Some(H1),
        UnitKind::Commune,
        35,
        80,
    ),
    spec(
        "000.22.10.H99",
        "UBND thị trấn Phong Điền",
        Some(H1),
        UnitKind::Commune,
        25,
        40,
    ),
    spec(
        "000.31.20.H99",
        "UBND phường Tứ Hạ",
        Some(H2),
        UnitKind::Commune,
        30,
        65,
    ),
];

fn units() -> Vec<Unit> {
    UNITS
        .iter()
        .map(|s| Unit {
            code: s.code.to_string(),
            name: s.name.to_string(),
            parent_code: s.parent.map(String::from),
            kind: s.kind,
            valid_from: None,
            valid_to: None,
            successor_code: None,
            scored: s.scored,
        })
        .collect()
}

fn procedures() -> Vec<Procedure> {
    (0..8)
        .map(|i| {
            let mut p = Procedure::new(&format!("1.00{i}"), &format!("Thủ tục {i}"));
            p.max_days = Some(3 + i);
            p.has_fee = i % 2 == 0;
            p.paper_result = i % 3 != 0;
            p.online_level =
                [OnlineLevel::None, OnlineLevel::Partial, OnlineLevel::Full][(i % 3) as usize];
            p.citizen_facing = i != 7;
            p.citizen_data_connected = i % 2 == 1;
            p.decision_date = Date::parse("2024-01-10").map(|d| d.add_days(i as i32 * 9));
            p.legal_effective_date = p
                .decision_date
                .map(|d| d.add_days(if i % 3 == 0 { 3 } else { 20 }));
            p.published_at = p.decision_date.map(|d| d.add_days(i as i32 % 4 * 3));
            p.complete_parts = i != 4;
            p
        })
        .collect()
}

fn dossier(rng: &mut Rng, id: usize, unit: &str, quality: u64, month: u32) -> Dossier {
    let start = Date::from_ymd(2024, month, 1).expect("date").start().unix();
    let received = Instant::from_unix(start + rng.below(28 * 86_400) as i64);
    let mut d = Dossier::new(
        &format!("HS{id:05}"),
        unit,
        &format!("1.00{}", rng.below(8)),
        received,
    );
    d.channel = if rng.chance(quality) {
        Channel::Online
    } else {
        Channel::InPerson
    };
    d.due_at = Some(received.add_seconds(86_400 * (3 + rng.below(10)) as i64));
    let late = !rng.chance(quality / 2 + 50);
    let days = if late {
        15 + rng.below(10)
    } else {
        1 + rng.below(3)
    };
    if rng.chance(8) {
        d.status = DossierStatus::Processing;
    } else {
        d.status = DossierStatus::Finished;
        d.finished_at = Some(received.add_seconds(86_400 * days as i64));
    }
    d.synced = rng.chance(quality / 2 + 50);
    d.fee_amount = if rng.chance(60) { 50_000 } else { 0 };
    d.paid_online = if rng.chance(quality * 2 / 3) { 1 } else { 0 };
    d.e_result = rng.chance(quality);
    d.digitized = rng.chance(quality);
    d.reused_data = rng.chance(quality / 3);
    d.citizen_data_used = rng.chance(quality / 2);
    d.personal_store_synced = rng.chance(quality / 5);
    d.rating = if rng.chance(100 - quality) && rng.chance(10) {
        Some(Rating::Unsatisfied)
    } else {
        None
    };
    d
}

/// The fixture store, in memory.
pub fn store() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    let mut w = store.writer("units", "fixture").expect("writer");
    for u in units() {
        w.put_unit(&u).expect("unit");
    }
    w.commit(UNITS.len() as u64).expect("commit");
    let mut w = store.writer("procedures", "fixture").expect("writer");
    for p in procedures() {
        w.put_procedure(&p).expect("procedure");
    }
    w.commit(8).expect("commit");
    let mut w = store.writer("holidays", "fixture").expect("writer");
    for day in [
        "2024-01-01",
        "2024-02-08",
        "2024-02-09",
        "2024-02-12",
        "2024-02-13",
        "2024-02-14",
    ] {
        w.put_holiday(&Holiday {
            date: Date::parse(day).expect("date"),
            name: "Nghỉ lễ".into(),
        })
        .expect("holiday");
    }
    w.commit(6).expect("commit");

    let mut rng = Rng(766);
    let mut w = store.writer("dossiers", "fixture").expect("writer");
    let mut id = 0;
    for month in 1..=3 {
        for (i, unit) in UNITS.iter().enumerate() {
            // Quality rises in March for some units, falls for others.
            let q = match (month, i % 2) {
                (3, 0) => (unit.quality + 15).min(100),
                (3, _) => unit.quality.saturating_sub(6),
                _ => unit.quality,
            };
            for _ in 0..unit.volume {
                w.put_dossier(&dossier(&mut rng, id, unit.code, q, month))
                    .expect("dossier");
                id += 1;
            }
        }
    }
    w.commit(id as u64).expect("commit");

    let mut w = store.writer("feedback", "fixture").expect("writer");
    for i in 0..40 {
        // Every unit with dossiers gets feedback; Sở Xây dựng has no data at all.
        let with_dossiers: Vec<&Spec> = UNITS.iter().filter(|u| u.volume > 0).collect();
        let unit = with_dossiers[i % with_dossiers.len()];
        let received = Instant::from_unix(
            Date::from_ymd(2024, 1 + (i % 3) as u32, 5)
                .expect("date")
                .start()
                .unix()
                + i as i64 * 3_600,
        );
        let answered = rng.chance(unit.quality);
        let handled = received.add_seconds(86_400 * if answered { 5 } else { 30 });
        w.put_feedback(&Feedback {
            id: format!("PA{i:03}"),
            unit_code: unit.code.to_string(),
            received_at: received,
            outcome: FeedbackOutcome::Answered,
            handled_at: Some(handled),
            published_at: Some(handled),
            likes: 2,
            dislikes: u32::from(!answered) * 3,
            repeated: false,
        })
        .expect("feedback");
    }
    w.commit(40).expect("commit");

    let mut w = store.writer("counts", "fixture").expect("writer");
    for month in 1..=3 {
        for unit in UNITS.iter().filter(|u| u.kind == UnitKind::Commune) {
            w.put_counts(&UnitCounts {
                unit_code: unit.code.to_string(),
                month: Month::new(2024, month),
                verified_accounts: (unit.volume * 10) as i64,
                e_certified_copies: (unit.volume * unit.quality / 50) as i64,
                certification_dossiers: (unit.volume * 2) as i64,
                population: 10_000,
            })
            .expect("counts");
        }
    }
    w.commit(9).expect("commit");
    store
}

/// Every part for the test period, with the letter's particulars set.
pub fn request() -> ReportRequest {
    let mut request = ReportRequest::new(Period::parse(PERIOD).expect("period"));
    request.letter = LetterInfo {
        number: Some("125/VPUB-KSTT".into()),
        date: Date::parse("2024-04-05"),
        signer_title: Some(vec![
            "KT. CHÁNH VĂN PHÒNG".into(),
            "PHÓ CHÁNH VĂN PHÒNG".into(),
        ]),
        signer: Some("Nguyễn Văn An".into()),
        ..LetterInfo::default()
    };
    request
}
