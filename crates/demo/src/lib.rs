//! A deterministic, realistic demo province for chiso.
//!
//! [`generate`] builds a fictional province (tỉnh Sơn Thủy, code suffix `H99`)
//! in today's two-tier structure (since 1 July 2025): the provincial People's
//! Committee (UBND tỉnh), its departments (sở, ban, ngành) and about a hundred
//! communes and wards (UBND xã, phường), with former district-level units and
//! former departments kept as history; the procedure catalogue (thủ tục hành
//! chính, TTHC); the public holidays (ngày nghỉ lễ) of 2025 and 2026;
//! feedback (phản ánh, kiến nghị, PAKN); and monthly unit counts. [`dossiers`]
//! streams the dossiers (hồ sơ) in order of reception, so that millions of
//! them never sit in memory.
//!
//! With [`Scope::National`] the same machinery draws the nation instead: the
//! 34 provinces and centrally-run cities of today with their real names,
//! each with its departments and its communes and wards (3,321 in all,
//! distributed as they are), and the ministries (bộ, ngành) as top units.
//! Each province has a quality of its own that its units vary around, so
//! the national ranking spreads; volumes follow population.
//!
//! Everything follows from [`DemoConfig`]: the same configuration gives the
//! same records, byte for byte, on every platform.
//!
//! Units differ in quality on purpose (timeliness, online share, online
//! payment, electronic results, digitisation…), so that scores under the
//! `766-2026` methodology spread from about 55 to 95 and rankings mean
//! something.

pub mod reform;
mod rng;
mod stream;
mod tables;

use std::collections::HashSet;

use chiso_core::calendar::{Calendar, Holiday};
use chiso_core::records::{
    Dossier, Feedback, FeedbackOutcome, OnlineLevel, Procedure, ProcedureLevel, Unit, UnitCounts,
    UnitKind,
};
use chiso_core::time::{Date, Instant, Month};

use rng::{hash_str, Rng, Weighted};
use tables::{Owner, Who};

/// Mã định danh of the demo province's People's Committee (UBND tỉnh).
pub const PROVINCE_CODE: &str = "000.00.00.H99";

/// Which picture the demo draws.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// One fictional province (tỉnh Sơn Thủy) with its departments, about a
    /// hundred communes and its former units as history.
    #[default]
    Province,
    /// The nation (toàn quốc): today's 34 provinces and centrally-run cities
    /// (real names, QCVN 102 codes), each with its departments and its
    /// communes and wards (3,321 in all), and the ministries (bộ, ngành).
    National,
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoConfig {
    /// Seed of every random choice: the same seed gives the same province.
    pub seed: u64,
    /// One province or the nation.
    pub scope: Scope,
    /// Approximate number of dossiers over the whole span (default 300,000).
    pub dossiers: usize,
    /// First month with dossiers (default 11/2025).
    pub first_month: Month,
    /// Number of months with dossiers (default 12).
    pub months: u32,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            seed: 766,
            scope: Scope::Province,
            dossiers: 300_000,
            first_month: Month::new(2025, 11),
            months: 12,
        }
    }
}

impl DemoConfig {
    /// The last month with dossiers.
    pub fn last_month(&self) -> Month {
        self.first_month.add(self.months.max(1) as i32 - 1)
    }

    /// "Now" for the demo: the end of the last month (23:59:59 Vietnam time).
    /// Dossiers and feedback whose processing would end later are still open.
    pub fn now(&self) -> Instant {
        self.last_month().last_day().end()
    }

    /// First group of dossier ids and of feedback ids after `PA.`.
    fn id_prefix(&self) -> &'static str {
        match self.scope {
            Scope::Province => tables::PROVINCE_SUFFIX,
            Scope::National => tables::NATIONAL_PREFIX,
        }
    }

    fn month_list(&self) -> Vec<Month> {
        (0..self.months as i32)
            .map(|i| self.first_month.add(i))
            .collect()
    }
}

/// The demo province's records, all but the dossiers (see [`dossiers`]).
#[derive(Clone, Debug, PartialEq)]
pub struct DemoProvince {
    /// Đơn vị: the province, departments, communes and wards, and former units.
    pub units: Vec<Unit>,
    /// Thủ tục hành chính: the catalogue.
    pub procedures: Vec<Procedure>,
    /// Ngày nghỉ lễ of 2025 and 2026.
    pub holidays: Vec<Holiday>,
    /// Phản ánh, kiến nghị.
    pub feedback: Vec<Feedback>,
    /// Số liệu theo tháng of communes and wards: population, verified accounts,
    /// certification dossiers and electronic certified copies.
    pub counts: Vec<UnitCounts>,
}

/// Generates the demo province: units, procedures, holidays, feedback and
/// monthly counts. Dossiers come from [`dossiers`].
pub fn generate(cfg: &DemoConfig) -> DemoProvince {
    let bp = Blueprint::new(cfg);
    let plan = VolumePlan::new(cfg, &bp, &Calendar::new(bp.holidays.iter().map(|h| h.date)));
    let feedback = generate_feedback(cfg, &bp, &plan);
    let counts = generate_counts(cfg, &bp, &plan);
    DemoProvince {
        units: bp.units,
        procedures: bp.procedures,
        holidays: bp.holidays,
        feedback,
        counts,
    }
}

/// Streams the dossiers of the province generated from the same `cfg`, in
/// order of reception (ngày tiếp nhận), with ids `H99.2025.00001234`
/// numbered per year.
///
/// Only units and procedures present in `province` get dossiers; due dates
/// use `province.holidays`. Memory stays bounded by one month's reception
/// times, whatever `cfg.dossiers` is.
pub fn dossiers<'a>(
    cfg: &DemoConfig,
    province: &'a DemoProvince,
) -> impl Iterator<Item = Dossier> + 'a {
    stream::DossierStream::new(cfg, Blueprint::new(cfg), province)
}

// ---------------------------------------------------------------------------
// Blueprint: structure and per-unit qualities, rebuilt identically from the
// configuration by `generate` and `dossiers`.

/// Labels of the independent random streams.
mod tag {
    pub const NAMES: u64 = 1;
    pub const PROCEDURE: u64 = 2;
    pub const CATALOGUE: u64 = 3;
    pub const PROFILE: u64 = 4;
    pub const HANDLES: u64 = 5;
    pub const FEEDBACK: u64 = 6;
    pub const COUNTS: u64 = 7;
    pub const DOSSIERS: u64 = 8;
    /// A province's quality and optional departments (national picture).
    pub const PROVINCE: u64 = 9;
    /// Procedure codes do not depend on the seed: a fixed stream.
    pub const CODES_SEED: u64 = 0x7474_6863_0766;
}

/// How one unit behaves: the shares and rates its records are drawn with.
/// Most follow a hidden quality in `[0, 1]`, with noise.
#[derive(Clone, Debug)]
pub(crate) struct Profile {
    /// Channel 2 among dossiers of procedures offered online.
    pub online: f64,
    /// Dossiers finished after their due date.
    pub late: f64,
    /// Dossiers with a supplement request (yêu cầu bổ sung)…
    pub supplement: f64,
    /// …of which with a second request (counted late).
    pub double_supplement: f64,
    /// Share of the time limit an on-time dossier uses, on average.
    pub speed: f64,
    pub rejected: f64,
    pub withdrawn: f64,
    /// Synchronised to the national portal (DVCQG).
    pub synced: f64,
    /// Fee dossiers paid online…
    pub paid_online: f64,
    /// …of which through the local payment gateway (2) rather than the portal (1).
    pub local_gateway: f64,
    /// Paper-result dossiers given an electronic result.
    pub e_result: f64,
    pub digitized: f64,
    pub reused: f64,
    pub vneid: f64,
    pub personal_store: f64,
    /// Dossiers of connected procedures that use population-database data.
    pub citizen_data: f64,
    /// Handling officer not named (counted late, S001 footnote).
    pub unnamed: f64,
    /// Finished dossiers with a rating…
    pub rated: f64,
    /// …unsatisfied when on time.
    pub unsatisfied: f64,
    pub complaint: f64,
    /// Finished dossiers whose return (trả kết quả) is recorded.
    pub returned: f64,
    /// Feedback items per dossier (0 for units without feedback).
    pub feedback: f64,
    /// Feedback handled within its deadline.
    pub feedback_on_time: f64,
    /// Answers published within 2 working days.
    pub feedback_published: f64,
    /// Communes: electronic certified copies per certification dossier.
    pub e_copies: f64,
}

impl Profile {
    /// A unit's behaviour: its hidden quality is uniform, or, given the
    /// quality of its province (`centre`), spread around it.
    fn draw(rng: &mut Rng, centre: Option<f64>) -> Profile {
        let quality = match centre {
            None => rng.uniform(0.0, 1.05),
            Some(c) => (c + 0.2 * rng.normal()).clamp(0.0, 1.05),
        };
        // A trait that goes from `bad` at quality 0 to `good` at quality 1.
        let mut q = |bad: f64, good: f64| {
            let x = (quality + 0.15 * rng.normal()).clamp(0.0, 1.0);
            bad + (good - bad) * x
        };
        Profile {
            online: q(0.30, 0.95),
            late: q(0.125, 0.022),
            supplement: q(0.12, 0.03),
            double_supplement: q(0.15, 0.02),
            speed: q(0.9, 0.3),
            synced: q(0.95, 1.0),
            paid_online: q(0.0, 0.9),
            e_result: q(0.35, 1.0),
            digitized: q(0.45, 1.0),
            reused: q(0.15, 0.95),
            vneid: q(0.5, 0.98),
            personal_store: q(0.0, 0.1),
            citizen_data: q(0.3, 0.98),
            unnamed: q(0.006, 0.0),
            unsatisfied: q(0.03, 0.002),
            complaint: q(0.004, 0.0002),
            feedback_on_time: q(0.7, 1.0),
            feedback_published: q(0.8, 1.0),
            e_copies: q(0.1, 0.7),
            rejected: rng.uniform(0.003, 0.012),
            withdrawn: rng.uniform(0.002, 0.006),
            local_gateway: rng.uniform(0.1, 0.9),
            rated: rng.uniform(0.15, 0.6),
            returned: rng.uniform(0.6, 0.95),
            feedback: if rng.chance(0.25) {
                0.0
            } else {
                rng.uniform(0.002, 0.008)
            },
        }
    }
}

/// A unit that receives dossiers.
#[derive(Clone, Debug)]
pub(crate) struct Handler {
    pub code: String,
    /// Relative dossier volume.
    pub weight: f64,
    /// Indices into [`Blueprint::procedures`].
    pub procedures: Vec<usize>,
    pub profile: Profile,
    /// Dân số of a commune or ward.
    pub population: Option<i64>,
    /// Verified-account share of the population at the first month, and its monthly growth.
    pub verified: (f64, f64),
}

/// Facts about a procedure that the records do not carry.
#[derive(Clone, Debug)]
pub(crate) struct ProcedureExtra {
    pub popularity: f64,
    /// Phí, lệ phí in VND when the procedure has a fee.
    pub fee: i64,
    pub certification: bool,
}

pub(crate) struct Blueprint {
    pub units: Vec<Unit>,
    pub procedures: Vec<Procedure>,
    pub extras: Vec<ProcedureExtra>,
    pub holidays: Vec<Holiday>,
    pub handlers: Vec<Handler>,
}

fn ymd(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd(y, m, d).unwrap_or_else(|| panic!("invalid constant date {y}-{m}-{d}"))
}

fn unit(code: String, name: String, kind: UnitKind, parent: Option<&str>) -> Unit {
    Unit {
        code,
        name,
        parent_code: parent.map(str::to_string),
        kind,
        valid_from: None,
        valid_to: None,
        successor_code: None,
        scored: true,
    }
}

fn holidays() -> Vec<Holiday> {
    let mut out = Vec::new();
    for ((y1, m1, d1), (y2, m2, d2), name) in tables::HOLIDAYS {
        let (first, last) = (ymd(*y1, *m1, *d1), ymd(*y2, *m2, *d2));
        let mut day = first;
        while day <= last {
            out.push(Holiday {
                date: day,
                name: name.to_string(),
            });
            day = day.add_days(1);
        }
    }
    out
}

/// A random working day of a month.
fn working_day_in(month: Month, cal: &Calendar, rng: &mut Rng) -> Date {
    let days: Vec<Date> = (0..31)
        .map(|i| month.first_day().add_days(i))
        .filter(|d| d.month() == month && cal.is_working_day(*d))
        .collect();
    if days.is_empty() {
        month.first_day()
    } else {
        *rng.pick(&days)
    }
}

impl Blueprint {
    fn new(cfg: &DemoConfig) -> Blueprint {
        let holidays = holidays();
        let cal = Calendar::new(holidays.iter().map(|h| h.date));
        let specs = tables::procedure_specs(cfg.scope);
        let (procedures, extras) = catalogue(cfg, &cal, &specs);
        let mut b = Builder {
            cfg,
            specs,
            units: Vec::new(),
            handlers: Vec::new(),
        };
        match cfg.scope {
            Scope::Province => b.demo_province(),
            Scope::National => b.nation(),
        }
        Blueprint {
            units: b.units,
            procedures,
            extras,
            holidays,
            handlers: b.handlers,
        }
    }
}

/// Builds the units and their handlers, one province at a time: the same
/// departments and communes for the demo province and for each of the 34.
struct Builder<'a> {
    cfg: &'a DemoConfig,
    specs: Vec<&'static tables::ProcedureSpec>,
    units: Vec<Unit>,
    handlers: Vec<Handler>,
}

/// A commune, ward or special zone about to be built.
struct CommuneSpec {
    code: String,
    name: String,
    ward: bool,
    /// Typical population of a commune of its province.
    population: f64,
    /// Bounds of its population.
    bounds: (i64, i64),
}

impl Builder<'_> {
    fn profile(&self, code: &str, centre: Option<f64>) -> Profile {
        Profile::draw(
            &mut Rng::derive(self.cfg.seed, &[tag::PROFILE, hash_str(code)]),
            centre,
        )
    }

    /// Procedures (indices into the catalogue) owned by `owner`.
    fn owned(&self, owner: Owner) -> Vec<usize> {
        (0..self.specs.len())
            .filter(|p| self.specs[*p].owner == owner)
            .collect()
    }

    /// Today's departments of a province (those `keep` lets through), named
    /// by `name`, with their handlers.
    fn departments(
        &mut self,
        province: &str,
        suffix: &str,
        name: impl Fn(&str) -> String,
        mut keep: impl FnMut(usize) -> bool,
        centre: Option<f64>,
    ) {
        for (i, spec) in tables::DEPARTMENTS.iter().enumerate() {
            if !keep(i) {
                continue;
            }
            let code = department_code(i, suffix);
            let mut u = unit(
                code.clone(),
                name(spec.name),
                UnitKind::Department,
                Some(province),
            );
            u.valid_from = spec.formed_2025.map(|(m, d)| ymd(2025, m, d));
            u.scored = spec.scored;
            self.units.push(u);
            let owned = self.owned(Owner::Department(i));
            if owned.is_empty() {
                continue;
            }
            self.handlers.push(Handler {
                profile: self.profile(&code, centre),
                code,
                weight: spec.weight,
                procedures: owned,
                population: None,
                verified: (0.0, 0.0),
            });
        }
    }

    /// A commune or ward of today (from 1 July 2025).
    fn commune_unit(&mut self, province: &str, c: &CommuneSpec) {
        let mut u = unit(
            c.code.clone(),
            c.name.clone(),
            UnitKind::Commune,
            Some(province),
        );
        u.valid_from = Some(ymd(2025, 7, 1));
        self.units.push(u);
    }

    /// The handlers of a province's communes and wards, whose volumes
    /// together weigh [`tables::COMMUNES_WEIGHT`].
    fn commune_handlers(&mut self, communes: Vec<CommuneSpec>, centre: Option<f64>) {
        let mut built = Vec::new();
        for c in communes {
            let mut rng = Rng::derive(self.cfg.seed, &[tag::HANDLES, hash_str(&c.code)]);
            let handled: Vec<usize> = (0..self.specs.len())
                .filter(|p| {
                    let spec = self.specs[*p];
                    spec.owner == Owner::Communes
                        && (tables::always_at_communes(spec.field) || rng.chance(0.85))
                })
                .collect();
            // Size: skewed, wards larger.
            let size = (0.35 + 2.6 * rng.unit() * rng.unit()) * if c.ward { 1.4 } else { 1.0 };
            let population = ((c.population * size) as i64).clamp(c.bounds.0, c.bounds.1);
            let verified = (rng.uniform(0.35, 0.65), rng.uniform(0.008, 0.025));
            built.push(Handler {
                profile: self.profile(&c.code, centre),
                code: c.code,
                weight: population as f64 * rng.uniform(0.8, 1.25),
                procedures: handled,
                population: Some(population),
                verified,
            });
        }
        let total: f64 = built.iter().map(|h| h.weight).sum();
        for mut h in built {
            h.weight *= tables::COMMUNES_WEIGHT / total;
            self.handlers.push(h);
        }
    }

    /// The fictional province Sơn Thủy with its former departments and
    /// districts kept as history.
    fn demo_province(&mut self) {
        let suffix = tables::PROVINCE_SUFFIX;
        let province = PROVINCE_CODE;
        self.units.push(unit(
            province.to_string(),
            tables::PROVINCE_NAME.to_string(),
            UnitKind::Province,
            None,
        ));

        // Sở, ban, ngành of today, and the departments merged into them on 1 March 2025.
        self.departments(province, suffix, str::to_string, |_| true, None);
        for (i, (name, successor)) in tables::FORMER_DEPARTMENTS.iter().enumerate() {
            let mut u = unit(
                format!("000.00.{:02}.{suffix}", 61 + i),
                name.to_string(),
                UnitKind::Department,
                Some(province),
            );
            u.valid_to = Some(ymd(2025, 2, 28));
            u.successor_code = Some(department_code(*successor, suffix));
            self.units.push(u);
        }

        // Former districts (cấp huyện, until 30 June 2025) and today's communes and wards on their territory.
        let mut names = Rng::derive(self.cfg.seed, &[tag::NAMES]);
        let mut used: HashSet<String> = tables::FORMER_DISTRICTS
            .iter()
            .map(|d| d.1.to_string())
            .collect();
        let mut communes = Vec::new();
        for (i, (kind, name, count)) in tables::FORMER_DISTRICTS.iter().enumerate() {
            let group = 31 + i;
            let city = *kind == "thành phố";
            let first_commune = format!("000.{group:02}.01.{suffix}");
            let mut district = unit(
                format!("000.00.{group:02}.{suffix}"),
                format!("UBND {kind} {name}"),
                UnitKind::District,
                Some(province),
            );
            district.valid_to = Some(ymd(2025, 6, 30));
            district.successor_code = Some(first_commune);
            self.units.push(district);
            for j in 0..*count {
                let commune_name = if j == 0 {
                    name.to_string()
                } else {
                    place_name(&mut names, &mut used)
                };
                let ward = if city {
                    j * 10 < count * 7
                } else {
                    j == 0 && names.chance(0.3) || names.chance(0.06)
                };
                let label = if ward { "phường" } else { "xã" };
                let commune = CommuneSpec {
                    code: format!("000.{group:02}.{:02}.{suffix}", j + 1),
                    name: format!("UBND {label} {commune_name}"),
                    ward,
                    population: 13_000.0,
                    bounds: (5_000, 40_000),
                };
                self.commune_unit(province, &commune);
                communes.push(commune);
            }
        }
        self.commune_handlers(communes, None);
    }

    /// The nation: the 34 provinces, each with its departments and communes
    /// and a quality of its own that its units vary around (so that some
    /// provinces do well and some badly), then the ministries. Volumes follow
    /// population; the ministries handle [`tables::MINISTRIES_SHARE`] of them.
    fn nation(&mut self) {
        let seed = self.cfg.seed;
        let mut nation_weight = 0.0;
        for spec in tables::PROVINCES {
            let suffix = spec.suffix;
            let code = format!("000.00.00.{suffix}");
            let place = format!("{} {}", spec.kind, spec.name);
            self.units.push(unit(
                code.clone(),
                format!("UBND {place}"),
                UnitKind::Province,
                None,
            ));
            let mut rng = Rng::derive(seed, &[tag::PROVINCE, hash_str(&code)]);
            let centre = Some(rng.uniform(0.1, 0.95));
            let first = self.handlers.len();
            self.departments(
                &code,
                suffix,
                |name| format!("{} {place}", name.strip_suffix(" tỉnh").unwrap_or(name)),
                |i| !tables::OPTIONAL_DEPARTMENTS.contains(&i) || rng.chance(0.6),
                centre,
            );
            let mut names = Rng::derive(seed, &[tag::NAMES, hash_str(&code)]);
            let mut used = HashSet::new();
            let typical = spec.population as f64 * 1000.0 / spec.communes as f64;
            let regular = spec.communes - spec.special_zones.len();
            let communes: Vec<CommuneSpec> = (0..spec.communes)
                .map(|k| {
                    let ward = k < spec.wards;
                    let (name, population) = match k.checked_sub(regular) {
                        Some(z) => (
                            format!("UBND đặc khu {}", spec.special_zones[z]),
                            typical * 0.3,
                        ),
                        None => {
                            let label = if ward { "phường" } else { "xã" };
                            let name = place_name(&mut names, &mut used);
                            (format!("UBND {label} {name}"), typical)
                        }
                    };
                    CommuneSpec {
                        code: format!("000.{:02}.{:02}.{suffix}", 31 + k / 50, k % 50 + 1),
                        name,
                        ward,
                        population,
                        bounds: (1_000, 400_000),
                    }
                })
                .collect();
            for c in &communes {
                self.commune_unit(&code, c);
            }
            self.commune_handlers(communes, centre);
            let weight: f64 = self.handlers[first..].iter().map(|h| h.weight).sum();
            for h in &mut self.handlers[first..] {
                h.weight *= spec.population as f64 / weight;
            }
            nation_weight += spec.population as f64;
        }

        let first = self.handlers.len();
        for (i, (name, suffix, weight)) in tables::MINISTRIES.iter().enumerate() {
            let code = format!("000.00.00.{suffix}");
            self.units.push(unit(
                code.clone(),
                name.to_string(),
                UnitKind::Ministry,
                None,
            ));
            self.handlers.push(Handler {
                profile: self.profile(&code, None),
                code,
                weight: *weight,
                procedures: self.owned(Owner::Ministry(i)),
                population: None,
                verified: (0.0, 0.0),
            });
        }
        let weight: f64 = self.handlers[first..].iter().map(|h| h.weight).sum();
        let target = nation_weight * tables::MINISTRIES_SHARE / (1.0 - tables::MINISTRIES_SHARE);
        for h in &mut self.handlers[first..] {
            h.weight *= target / weight;
        }
    }
}

/// Mã định danh of a province's department.
fn department_code(index: usize, suffix: &str) -> String {
    format!("000.00.{:02}.{suffix}", index + 1)
}

/// A two-syllable place name not used yet (in `used`).
fn place_name(rng: &mut Rng, used: &mut HashSet<String>) -> String {
    loop {
        let candidate = format!(
            "{} {}",
            rng.pick(tables::NAME_FIRST),
            rng.pick(tables::NAME_SECOND)
        );
        let (a, b) = candidate.split_once(' ').unwrap_or(("", ""));
        if a != b && used.insert(candidate.clone()) {
            return candidate;
        }
    }
}

/// The procedure catalogue: stable codes and names, seeded attributes, and
/// announcement dates spread over the months so that criteria 1.1-1.3 have
/// data every month (most on time, some late).
fn catalogue(
    cfg: &DemoConfig,
    cal: &Calendar,
    specs: &[&tables::ProcedureSpec],
) -> (Vec<Procedure>, Vec<ProcedureExtra>) {
    let mut codes_rng = Rng::derive(tag::CODES_SEED, &[]);
    let mut codes = HashSet::new();
    // Which procedures are announced when: a seeded order over the months.
    let mut order: Vec<usize> = (0..specs.len()).collect();
    let mut shuffle = Rng::derive(cfg.seed, &[tag::CATALOGUE]);
    for i in (1..order.len()).rev() {
        order.swap(i, shuffle.below(i as u64 + 1) as usize);
    }
    let mut rank = vec![0; specs.len()];
    for (r, i) in order.iter().enumerate() {
        rank[*i] = r;
    }
    let months = cfg.months.max(1) as usize;
    let before = specs.len() * 3 / 10;
    let now = cfg.now().date();

    let mut procedures = Vec::with_capacity(specs.len());
    let mut extras = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let code = loop {
            let major = if codes_rng.chance(0.85) { 1 } else { 2 };
            let code = format!("{major}.{:06}", codes_rng.int(100, 13_999));
            if codes.insert(code.clone()) {
                break code;
            }
        };
        let mut rng = Rng::derive(cfg.seed, &[tag::PROCEDURE, hash_str(&code)]);
        let mut p = Procedure::new(&code, spec.name);
        p.level = Some(match spec.owner {
            Owner::Department(_) => ProcedureLevel::Province,
            Owner::Communes => ProcedureLevel::Commune,
            Owner::Ministry(_) => ProcedureLevel::Ministry,
        });
        p.field = spec.field.to_string();
        let r = rng.unit();
        p.online_level = if r < 0.20 {
            OnlineLevel::None
        } else if r < 0.55 {
            OnlineLevel::Partial
        } else {
            OnlineLevel::Full
        };
        p.full_online_eligible = p.online_level == OnlineLevel::Full || rng.chance(0.3);
        p.has_fee = spec.fee;
        // The result is a document (giấy phép, giấy chứng nhận, bản sao…) for most grants.
        let grants = [
            "Cấp",
            "Chứng thực",
            "Đăng ký",
            "Công nhận",
            "Xác nhận",
            "Điều chỉnh",
        ];
        p.paper_result = rng.chance(if grants.iter().any(|g| spec.name.starts_with(g)) {
            0.85
        } else {
            0.4
        });
        p.max_days = Some(spec.max_days);
        p.citizen_facing = spec.who != Who::Business;
        p.citizen_data_connected = p.citizen_facing && rng.chance(0.6);
        p.complete_parts = rng.chance(0.9);

        // Công bố (decision), hiệu lực (legal basis), công khai (publication).
        let month = if rank[i] < before {
            cfg.first_month.add(-1 - (rank[i] % 4) as i32)
        } else {
            cfg.first_month.add(((rank[i] - before) % months) as i32)
        };
        let decision = working_day_in(month, cal, &mut rng);
        let effective = if rng.chance(0.85) {
            cal.add_working_days(decision, rng.int(5, 25) as i32)
        } else {
            cal.add_working_days(decision, rng.int(0, 3) as i32)
        };
        let published = if rng.chance(0.85) {
            cal.add_working_days(decision, rng.int(0, 5) as i32)
        } else {
            cal.add_working_days(decision, rng.int(6, 20) as i32)
        };
        p.decision_date = Some(decision);
        p.legal_effective_date = Some(effective);
        p.published_at = (published <= now).then_some(published);

        extras.push(ProcedureExtra {
            popularity: spec.popularity,
            fee: if spec.fee { *rng.pick(tables::FEES) } else { 0 },
            certification: spec.field == tables::CERTIFICATION_FIELD,
        });
        procedures.push(p);
    }
    (procedures, extras)
}

// ---------------------------------------------------------------------------
// Volume: how many dossiers each unit receives each month, and on which days.

/// The working days of one month and their relative weights.
#[derive(Clone, Debug)]
pub(crate) struct DayTable {
    pub days: Vec<Date>,
    pub weights: Weighted,
}

impl DayTable {
    pub(crate) fn sample(&self, rng: &mut Rng) -> Date {
        self.days[self.weights.sample(rng)]
    }
}

/// Expected dossiers per handler and month.
pub(crate) struct VolumePlan {
    pub months: Vec<Month>,
    pub days: Vec<DayTable>,
    /// `expected[handler][month]`.
    pub expected: Vec<Vec<f64>>,
}

/// Days from `date` to the Tết holiday block after it (positive) or since
/// the end of the one before it (negative), if within four weeks.
fn tet_distance(date: Date) -> Option<i32> {
    tables::HOLIDAYS
        .iter()
        .filter(|h| h.2.starts_with("Tết Nguyên đán"))
        .find_map(|((y1, m1, d1), (y2, m2, d2), _)| {
            let (start, end) = (ymd(*y1, *m1, *d1).days(), ymd(*y2, *m2, *d2).days());
            let day = date.days();
            if day < start && start - day <= 28 {
                Some(start - day)
            } else if day > end && day - end <= 28 {
                Some(end - day)
            } else {
                None
            }
        })
}

fn is_tet_month(month: Month) -> bool {
    tables::LUNAR_NEW_YEAR
        .iter()
        .any(|(y, m, d)| ymd(*y, *m, *d).month() == month)
}

impl VolumePlan {
    pub(crate) fn new(cfg: &DemoConfig, bp: &Blueprint, cal: &Calendar) -> VolumePlan {
        let months = cfg.month_list();
        let mut days = Vec::with_capacity(months.len());
        let mut month_weight = Vec::with_capacity(months.len());
        for month in &months {
            let working: Vec<Date> = (0..31)
                .map(|i| month.first_day().add_days(i))
                .filter(|d| d.month() == *month && cal.is_working_day(*d))
                .collect();
            let weights: Vec<f64> = working
                .iter()
                .map(|d| {
                    let weekday = [1.15, 1.0, 1.0, 1.0, 0.9, 1.0, 1.0][d.weekday() as usize];
                    // The rush before Tết, the slow days after it.
                    let tet = match tet_distance(*d) {
                        Some(n) if (1..=14).contains(&n) => 1.5,
                        Some(n) if (15..=28).contains(&n) => 1.25,
                        Some(n) if (-7..=-1).contains(&n) => 0.8,
                        _ => 1.0,
                    };
                    weekday * tet
                })
                .collect();
            // Year-end and mid-year peaks, the rush in the month before Tết;
            // the Tết month is slower even on its working days.
            let tet = if is_tet_month(*month) {
                0.85
            } else if is_tet_month(month.next()) {
                1.08
            } else {
                1.0
            };
            let season = [
                1.0, 1.0, 1.0, 0.97, 1.0, 1.05, 1.0, 0.95, 0.97, 1.02, 1.03, 1.05,
            ][month.number() as usize - 1]
                * tet;
            let table = DayTable {
                days: working,
                weights: Weighted::new(weights),
            };
            month_weight.push(season * table.weights.total());
            days.push(table);
        }
        let month_total: f64 = month_weight.iter().sum();
        let unit_total: f64 = bp.handlers.iter().map(|h| h.weight).sum();
        let expected = bp
            .handlers
            .iter()
            .map(|h| {
                month_weight
                    .iter()
                    .map(|w| {
                        if month_total > 0.0 && unit_total > 0.0 {
                            cfg.dossiers as f64 * h.weight / unit_total * w / month_total
                        } else {
                            0.0
                        }
                    })
                    .collect()
            })
            .collect();
        VolumePlan {
            months,
            days,
            expected,
        }
    }
}

/// Seconds after local midnight in office hours (giờ hành chính):
/// 07:30-11:30 and 13:30-17:00.
pub(crate) fn office_seconds(rng: &mut Rng) -> i64 {
    let s = rng.below(7 * 3600 + 1800) as i64;
    if s < 4 * 3600 {
        7 * 3600 + 1800 + s
    } else {
        13 * 3600 + 1800 + (s - 4 * 3600)
    }
}

// ---------------------------------------------------------------------------
// Feedback and monthly counts.

fn generate_feedback(cfg: &DemoConfig, bp: &Blueprint, plan: &VolumePlan) -> Vec<Feedback> {
    let cal = Calendar::new(bp.holidays.iter().map(|h| h.date));
    let now = cfg.now();
    let mut items: Vec<Feedback> = Vec::new();
    for (h, handler) in bp.handlers.iter().enumerate() {
        let prof = &handler.profile;
        if prof.feedback <= 0.0 {
            continue;
        }
        for (m, month) in plan.months.iter().enumerate() {
            let table = &plan.days[m];
            if table.days.is_empty() {
                continue;
            }
            let mut rng = Rng::derive(
                cfg.seed,
                &[tag::FEEDBACK, hash_str(&handler.code), month.index() as u64],
            );
            let noise = rng.uniform(0.6, 1.4);
            let n = rng.round(plan.expected[h][m] * prof.feedback * noise);
            for _ in 0..n {
                let day = table.sample(&mut rng);
                let received = day.start().add_seconds(office_seconds(&mut rng));
                let r = rng.unit();
                let (outcome, limit) = if r < 0.85 {
                    (FeedbackOutcome::Answered, 15)
                } else if r < 0.92 {
                    (FeedbackOutcome::Refused, 2)
                } else {
                    (FeedbackOutcome::SupplementRequested, 5)
                };
                let on_time = rng.chance(prof.feedback_on_time);
                let days = if on_time {
                    rng.int(1, limit)
                } else {
                    rng.int(limit + 1, limit * 2 + 5)
                };
                let handled = cal
                    .add_working_days(day, days as i32)
                    .start()
                    .add_seconds(office_seconds(&mut rng));
                let published = if outcome == FeedbackOutcome::Answered {
                    let lag = if rng.chance(prof.feedback_published) {
                        rng.int(0, 2)
                    } else {
                        rng.int(3, 7)
                    };
                    let day = cal.add_working_days(handled.date(), lag as i32);
                    Some(if day == handled.date() {
                        handled.add_seconds(rng.int(300, 3600))
                    } else {
                        day.start().add_seconds(office_seconds(&mut rng))
                    })
                } else {
                    None
                };
                let likes = (rng.unit() * rng.unit() * 20.0) as u32;
                let dislikes = if rng.chance(0.07) {
                    likes + rng.int(1, 5) as u32
                } else {
                    rng.below(likes as u64 / 2 + 1) as u32
                };
                let mut item = Feedback {
                    id: String::new(),
                    unit_code: handler.code.clone(),
                    received_at: received,
                    outcome,
                    handled_at: Some(handled),
                    published_at: published,
                    likes,
                    dislikes,
                    repeated: rng.chance(0.02),
                };
                // As of now: not yet handled, or answered but not yet published.
                if handled > now {
                    item.outcome = FeedbackOutcome::Pending;
                    item.handled_at = None;
                    item.published_at = None;
                    item.likes = 0;
                    item.dislikes = 0;
                    item.repeated = false;
                } else if published.is_some_and(|p| p > now) {
                    item.published_at = None;
                }
                items.push(item);
            }
        }
    }
    items.sort_by(|a, b| (a.received_at, &a.unit_code).cmp(&(b.received_at, &b.unit_code)));
    let mut year = i32::MIN;
    let mut seq = 0;
    for item in &mut items {
        let y = item.received_at.date().year();
        if y != year {
            (year, seq) = (y, 0);
        }
        seq += 1;
        item.id = format!("PA.{}.{y}.{seq:06}", cfg.id_prefix());
    }
    items
}

fn generate_counts(cfg: &DemoConfig, bp: &Blueprint, plan: &VolumePlan) -> Vec<UnitCounts> {
    let mut out = Vec::new();
    for (h, handler) in bp.handlers.iter().enumerate() {
        let Some(population) = handler.population else {
            continue;
        };
        let popularity = |certification: bool| -> f64 {
            handler
                .procedures
                .iter()
                .filter(|p| !certification || bp.extras[**p].certification)
                .map(|p| bp.extras[*p].popularity)
                .sum()
        };
        let certification_share = popularity(true) / popularity(false).max(f64::MIN_POSITIVE);
        for (m, month) in plan.months.iter().enumerate() {
            let mut rng = Rng::derive(
                cfg.seed,
                &[tag::COUNTS, hash_str(&handler.code), month.index() as u64],
            );
            let (start, growth) = handler.verified;
            let verified = (start + growth * m as f64).min(0.97);
            let noise = rng.uniform(0.9, 1.1);
            let certification = rng.round(plan.expected[h][m] * certification_share * noise) as i64;
            let e_share =
                (handler.profile.e_copies + 0.01 * m as f64 + 0.05 * rng.normal()).clamp(0.0, 0.95);
            out.push(UnitCounts {
                unit_code: handler.code.clone(),
                month: *month,
                verified_accounts: (population as f64 * verified) as i64,
                e_certified_copies: rng.round(certification as f64 * e_share) as i64,
                certification_dossiers: certification,
                population,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap, HashSet};

    use chiso_core::engine::{self, UnitRecords};
    use chiso_core::judge;
    use chiso_core::methodology::MethodologySet;
    use chiso_core::period::{Period, PeriodKind};
    use chiso_core::records::{Channel, DossierStatus};

    use super::*;

    fn small(seed: u64) -> DemoConfig {
        DemoConfig {
            seed,
            dossiers: 20_000,
            ..DemoConfig::default()
        }
    }

    fn all(cfg: &DemoConfig) -> (DemoProvince, Vec<Dossier>) {
        let province = generate(cfg);
        let list = dossiers(cfg, &province).collect();
        (province, list)
    }

    #[test]
    fn same_seed_same_province_other_seed_other_province() {
        let (p1, d1) = all(&small(1));
        let (p2, d2) = all(&small(1));
        assert_eq!(p1, p2);
        assert_eq!(d1, d2);
        let (p3, d3) = all(&small(2));
        assert_ne!(p1, p3);
        assert_ne!(d1, d3);
    }

    #[test]
    fn total_is_close_to_the_configured_count() {
        for (seed, n) in [(1, 20_000), (5, 3_000)] {
            let cfg = DemoConfig {
                seed,
                dossiers: n,
                ..DemoConfig::default()
            };
            let province = generate(&cfg);
            let count = dossiers(&cfg, &province).count() as f64;
            assert!(
                (count - n as f64).abs() <= 0.1 * n as f64,
                "{count} dossiers for {n}"
            );
        }
    }

    #[test]
    fn records_reference_existing_units_and_procedures() {
        let (province, list) = all(&small(3));
        let units: HashSet<&str> = province.units.iter().map(|u| u.code.as_str()).collect();
        let procedures: HashSet<&str> = province
            .procedures
            .iter()
            .map(|p| p.code.as_str())
            .collect();
        assert_eq!(units.len(), province.units.len(), "unit codes are unique");
        assert_eq!(
            procedures.len(),
            province.procedures.len(),
            "procedure codes are unique"
        );
        let ids: HashSet<&str> = list.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids.len(), list.len(), "dossier ids are unique");
        for d in &list {
            assert!(units.contains(d.unit_code.as_str()), "{}", d.unit_code);
            assert!(
                procedures.contains(d.procedure_code.as_str()),
                "{}",
                d.procedure_code
            );
            assert!(d.received_at.date().month() >= Month::new(2025, 11));
        }
        for f in &province.feedback {
            assert!(units.contains(f.unit_code.as_str()));
        }
        for c in &province.counts {
            assert!(units.contains(c.unit_code.as_str()));
            assert!((5_000..=40_000).contains(&c.population));
            assert!(c.e_certified_copies <= c.certification_dossiers);
        }
        for u in &province.units {
            if let Some(s) = &u.successor_code {
                assert!(units.contains(s.as_str()));
            }
        }
    }

    #[test]
    fn structure_is_today_s_two_tiers() {
        let province = generate(&DemoConfig::default());
        let kinds = |k: UnitKind| {
            province
                .units
                .iter()
                .filter(|u| u.kind == k && u.valid_to.is_none())
                .count()
        };
        assert_eq!(kinds(UnitKind::Province), 1);
        assert!((15..=25).contains(&kinds(UnitKind::Department)));
        assert!((90..=110).contains(&kinds(UnitKind::Commune)));
        assert_eq!(kinds(UnitKind::District), 0);
        assert!(province
            .units
            .iter()
            .any(|u| u.kind == UnitKind::District && u.successor_code.is_some()));
        assert!(province.units.iter().any(|u| !u.scored));
        assert!((110..=140).contains(&province.procedures.len()));
        let tet =
            Date::from_ymd(2026, 2, 17).map(|d| province.holidays.iter().any(|h| h.date == d));
        assert_eq!(tet, Some(true));
        for u in &province.units {
            let groups: Vec<&str> = u.code.split('.').collect();
            assert_eq!(groups.len(), 4, "{}", u.code);
            assert_eq!(groups[3], "H99");
        }
    }

    #[test]
    fn seasonality_and_states() {
        let cfg = small(4);
        let (province, list) = all(&cfg);
        let mut per_month: BTreeMap<Month, usize> = BTreeMap::new();
        for d in &list {
            *per_month.entry(d.received_at.month()).or_default() += 1;
        }
        assert_eq!(per_month.len(), 12, "{per_month:?}");
        let tet = Month::new(2026, 2);
        assert!(per_month[&tet] < per_month[&tet.prev()], "{per_month:?}");
        for w in list.windows(2) {
            assert!(
                w[0].received_at <= w[1].received_at,
                "in order of reception"
            );
        }
        for d in &list {
            let day = d.received_at.date();
            assert!(
                !day.is_weekend() && !province.holidays.iter().any(|h| h.date == day),
                "{}",
                d.id
            );
            let local = (d.received_at.unix() + 7 * 3600).rem_euclid(86_400);
            assert!(
                (7 * 3600 + 1800..=17 * 3600).contains(&local),
                "{}",
                d.received_at.iso()
            );
        }

        let cal = Calendar::new(province.holidays.iter().map(|h| h.date));
        let procedures: HashMap<&str, &Procedure> = province
            .procedures
            .iter()
            .map(|p| (p.code.as_str(), p))
            .collect();
        let late = list
            .iter()
            .filter(|d| {
                judge::dossier_timeliness(d, Some(procedures[d.procedure_code.as_str()]), &cal)
                    .late_at
                    .is_some()
            })
            .count();
        let share = late as f64 / list.len() as f64;
        assert!((0.02..0.15).contains(&share), "late share {share}");
        let last = cfg.last_month();
        let open = list
            .iter()
            .filter(|d| d.received_at.month() == last && d.finished_at.is_none())
            .count();
        assert!(open > 0 && open < per_month[&last] / 2, "{open} open");
        assert!(list
            .iter()
            .all(|d| d.received_at.month() >= last.add(-2) || d.finished_at.is_some()));
        assert!(list
            .iter()
            .any(|d| d.status == DossierStatus::SupplementRequested));
        assert!(list.iter().any(|d| d.supplement_requests > 1));
        assert!(list.iter().any(|d| d.status == DossierStatus::Rejected));
        assert!(list.iter().any(|d| d.status == DossierStatus::Withdrawn));
        let online =
            list.iter().filter(|d| d.channel == Channel::Online).count() as f64 / list.len() as f64;
        assert!((0.25..0.85).contains(&online), "online share {online}");
        assert!(list.iter().any(|d| d.paid_online == 1) && list.iter().any(|d| d.paid_online == 2));
        assert!(list.iter().any(|d| d.e_result) && list.iter().any(|d| !d.handler_named));
        assert!(list
            .iter()
            .all(|d| d.finished_at.is_none_or(|f| f >= d.received_at)));
        assert!(list
            .iter()
            .all(|d| d.due_at.is_some_and(|due| due > d.received_at)));
        let synced = list.iter().filter(|d| d.synced).count() as f64 / list.len() as f64;
        assert!(synced > 0.94, "synced {synced}");
    }

    #[test]
    fn feedback_and_catalogue_have_data_every_month() {
        let cfg = DemoConfig::default();
        let province = generate(&cfg);
        assert!(
            (200..=5_000).contains(&province.feedback.len()),
            "{}",
            province.feedback.len()
        );
        let with_feedback: HashSet<&str> = province
            .feedback
            .iter()
            .map(|f| f.unit_code.as_str())
            .collect();
        let communes = province
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Commune)
            .count();
        assert!(
            with_feedback.len() < communes,
            "some units have no feedback"
        );
        assert!(province
            .feedback
            .iter()
            .any(|f| f.outcome == FeedbackOutcome::Pending));
        for month in cfg.month_list() {
            let decided = province
                .procedures
                .iter()
                .filter(|p| p.decision_date.is_some_and(|d| d.month() == month));
            assert!(decided.count() >= 3, "decisions in {month}");
            assert!(province.counts.iter().filter(|c| c.month == month).count() >= 90);
        }
        let share = |f: fn(&Procedure) -> bool| {
            province.procedures.iter().filter(|p| f(p)).count() as f64
                / province.procedures.len() as f64
        };
        assert!((0.3..0.55).contains(&share(|p| p.has_fee)));
        assert!((0.5..0.85).contains(&share(|p| p.paper_result)));
        assert!((0.1..0.3).contains(&share(|p| p.online_level == OnlineLevel::None)));
    }

    /// The reference backend over the demo records, to score them with the engine.
    fn memory(province: &DemoProvince, dossiers: Vec<Dossier>) -> chiso_core::memory::MemoryStore {
        chiso_core::memory::MemoryStore::with_records(
            province.units.clone(),
            province.procedures.clone(),
            province.holidays.clone(),
            UnitRecords {
                dossiers,
                feedback: province.feedback.clone(),
                counts: province.counts.clone(),
            },
        )
        .expect("the demo's records are all valid")
    }

    #[test]
    fn scores_spread_under_766_2026() {
        let cfg = DemoConfig {
            seed: 766,
            dossiers: 60_000,
            ..DemoConfig::default()
        };
        let (province, list) = all(&cfg);
        let store = memory(&province, list);
        let methodologies = MethodologySet::builtin();
        let quarter = Period::months(
            PeriodKind::Quarter,
            Month::new(2026, 1),
            Month::new(2026, 3),
        );
        for period in [quarter, Period::month(cfg.last_month())] {
            let sheet = match engine::score(&store, &methodologies, &period) {
                Ok(sheet) => sheet,
                Err(e) => panic!("{e}"),
            };
            assert_eq!(sheet.methodology, "766-2026");
            let totals: Vec<f64> = sheet
                .units
                .iter()
                .filter(|u| u.kind == UnitKind::Commune)
                .filter_map(|u| u.total)
                .collect();
            let min = totals.iter().copied().fold(f64::MAX, f64::min);
            let max = totals.iter().copied().fold(f64::MIN, f64::max);
            assert!(
                min > 40.0 && min < 70.0 && max > 85.0 && max <= 100.0,
                "communes from {min:.1} to {max:.1}"
            );
        }
    }

    fn nation(seed: u64, dossiers: usize) -> DemoConfig {
        DemoConfig {
            seed,
            dossiers,
            scope: Scope::National,
            ..DemoConfig::default()
        }
    }

    #[test]
    fn the_nation_is_34_provinces_their_units_and_the_ministries() {
        let cfg = nation(9, 30_000);
        let (nation, list) = all(&cfg);
        let by_code: HashMap<&str, &Unit> =
            nation.units.iter().map(|u| (u.code.as_str(), u)).collect();
        assert_eq!(by_code.len(), nation.units.len(), "unit codes are unique");
        let of = |k: UnitKind| nation.units.iter().filter(move |u| u.kind == k);

        let provinces: Vec<&Unit> = of(UnitKind::Province).collect();
        assert_eq!(provinces.len(), 34);
        assert!(provinces
            .iter()
            .all(|p| p.parent_code.is_none() && p.scored));
        let names: HashSet<&str> = provinces.iter().map(|p| p.name.as_str()).collect();
        for name in [
            "UBND thành phố Hà Nội",
            "UBND thành phố Hồ Chí Minh",
            "UBND thành phố Hải Phòng",
            "UBND thành phố Đà Nẵng",
            "UBND thành phố Cần Thơ",
            "UBND thành phố Huế",
            "UBND tỉnh Tây Ninh",
            "UBND tỉnh Lai Châu",
        ] {
            assert!(names.contains(name), "{name}");
        }
        assert_eq!(by_code["000.00.00.H53"].name, "UBND tỉnh Tây Ninh");

        // Every department and commune lies under a province, in its code's province.
        let mut departments: HashMap<&str, usize> = HashMap::new();
        let mut communes: HashMap<&str, usize> = HashMap::new();
        for u in of(UnitKind::Department).chain(of(UnitKind::Commune)) {
            let parent = u.parent_code.as_deref().map(|p| by_code[p]);
            let parent = parent.unwrap_or_else(|| panic!("{} has no parent", u.code));
            assert_eq!(parent.kind, UnitKind::Province, "{}", u.code);
            assert_eq!(u.code.rsplit('.').next(), parent.code.rsplit('.').next());
            let count = if u.kind == UnitKind::Department {
                &mut departments
            } else {
                &mut communes
            };
            *count.entry(parent.code.as_str()).or_default() += 1;
        }
        let commune_count: usize = communes.values().sum();
        assert!((3_200..=3_400).contains(&commune_count), "{commune_count}");
        assert_eq!(communes.len(), 34);
        assert!(communes.values().all(|n| (30..=200).contains(n)));
        assert!(departments.len() == 34 && departments.values().all(|n| (15..=20).contains(n)));
        assert!(by_code["000.00.14.H24"].name == "Công an thành phố Hà Nội");
        assert!(by_code["000.00.01.H41"].name == "Sở Tư pháp tỉnh Nghệ An");
        assert!(nation
            .units
            .iter()
            .any(|u| u.name.starts_with("UBND đặc khu")));
        assert_eq!(of(UnitKind::District).count(), 0);

        let ministries: Vec<&Unit> = of(UnitKind::Ministry).collect();
        assert!((10..=20).contains(&ministries.len()));
        assert!(ministries.iter().all(|m| m.parent_code.is_none()));
        assert!(nation
            .procedures
            .iter()
            .any(|p| p.level == Some(ProcedureLevel::Ministry)));

        // Dossiers everywhere: every province's units, every ministry; Tết slower.
        let mut top: HashSet<&str> = HashSet::new();
        let mut per_month: BTreeMap<Month, usize> = BTreeMap::new();
        for d in &list {
            let u = by_code[d.unit_code.as_str()];
            top.insert(u.parent_code.as_deref().unwrap_or(&u.code));
            *per_month.entry(d.received_at.month()).or_default() += 1;
            assert!(d.id.starts_with("VN."), "{}", d.id);
        }
        assert_eq!(top.len(), 34 + ministries.len());
        let tet = Month::new(2026, 2);
        assert!(per_month[&tet] < per_month[&tet.prev()], "{per_month:?}");
        let n = list.len() as f64;
        assert!((n - 30_000.0).abs() < 3_000.0, "{n} dossiers");
        for c in &nation.counts {
            assert_eq!(by_code[c.unit_code.as_str()].kind, UnitKind::Commune);
        }
    }

    #[test]
    fn the_nation_is_the_same_for_a_seed_and_differs_between_seeds() {
        let (n1, d1) = all(&nation(1, 5_000));
        let (n2, d2) = all(&nation(1, 5_000));
        assert!(n1 == n2 && d1 == d2);
        let (n3, d3) = all(&nation(2, 5_000));
        let provinces = |n: &DemoProvince| -> Vec<Unit> {
            n.units
                .iter()
                .filter(|u| u.kind == UnitKind::Province)
                .cloned()
                .collect()
        };
        assert_eq!(
            provinces(&n1),
            provinces(&n3),
            "real provinces, whatever the seed"
        );
        assert_ne!(n1.units, n3.units, "communes named by the seed");
        assert_ne!(d1, d3);
        // The province picture is not changed by the nation's tables.
        assert!(generate(&DemoConfig::default())
            .units
            .iter()
            .all(|u| u.code.ends_with(".H99")));
    }

    #[test]
    fn provinces_differ_so_the_national_ranking_spreads() {
        let cfg = nation(766, 80_000);
        let (nation, list) = all(&cfg);
        let store = memory(&nation, list);
        let quarter = Period::months(
            PeriodKind::Quarter,
            Month::new(2026, 7),
            Month::new(2026, 9),
        );
        let sheet = match engine::score(&store, &MethodologySet::builtin(), &quarter) {
            Ok(sheet) => sheet,
            Err(e) => panic!("{e}"),
        };
        let provinces: Vec<_> = sheet
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Province)
            .collect();
        let mut ranks: Vec<usize> = provinces.iter().filter_map(|u| u.rank).collect();
        ranks.sort_unstable();
        assert_eq!(ranks, (1..=34).collect::<Vec<_>>());
        assert!(provinces.iter().all(|u| u.rank_of == 34));
        let totals: Vec<f64> = provinces.iter().filter_map(|u| u.total).collect();
        let min = totals.iter().copied().fold(f64::MAX, f64::min);
        let max = totals.iter().copied().fold(f64::MIN, f64::max);
        assert!(max - min > 12.0, "provinces from {min:.1} to {max:.1}");
        let ministries = sheet
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Ministry && u.rank.is_some())
            .count();
        assert!(ministries >= 10, "{ministries} ministries ranked");
    }
}
