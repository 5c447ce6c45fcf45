//! Measures: the additive counts (and mergeable sets of procedures) that
//! criteria divide.
//!
//! Two ways lead to a unit's measures for a period, and they must agree:
//! - from stored monthly counters ([`MonthCounters`], [`LateByReceived`],
//!   [`ProcedureUse`]), which the store keeps up to date as records arrive;
//!   any period made of whole months is a sum of months ([`Accumulator::add_months`]),
//!   any other a sum of months and days when the store also keeps the
//!   counters by day ([`MeasureBook::days`], [`Accumulator::add_days`]);
//! - from the raw records, for any period ([`Accumulator::add_dossier`]).
//!
//! Timeliness (2.1) and feedback handling (5.3/5.1) take records received
//! earlier that were still open when the period began; with lateness being
//! monotonic (see `judge`) their counts are differences of prefix sums of
//! monthly counters: `total = received(≤ end) − ended(< start)` and
//! `late = became_late(≤ end) − ended_late(< start)`.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use crate::calendar::Calendar;
use crate::judge::{self, DossierTimeliness};
use crate::period::Period;
use crate::records::{Channel, Dossier, DossierStatus, Feedback, Procedure, UnitCounts, UnitKind};
use crate::time::{Date, Instant, Month};

/// Identifier of a unit in a store (stable across imports).
pub type UnitId = u32;
/// Identifier of a procedure in a store (stable across imports).
pub type ProcedureId = u32;

macro_rules! measures {
    ($($variant:ident = $name:literal : $doc:literal),+ $(,)?) => {
        /// A named measure that a criterion may divide.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Measure { $(#[doc = $doc] $variant),+ }

        impl Measure {
            pub const ALL: &'static [Measure] = &[$(Measure::$variant),+];

            pub fn name(self) -> &'static str {
                match self { $(Measure::$variant => $name),+ }
            }

            pub fn describe(self) -> &'static str {
                match self { $(Measure::$variant => $doc),+ }
            }

            pub fn parse(name: &str) -> Option<Measure> {
                match name { $($name => Some(Measure::$variant),)+ _ => None }
            }
        }
    };
}

measures! {
    DossiersReceived = "dossiers_received": "Hồ sơ tiếp nhận trong kỳ",
    DossiersSynced = "dossiers_synced": "Hồ sơ tiếp nhận trong kỳ đã đồng bộ lên Cổng DVCQG",
    DossiersOnline = "dossiers_online": "Hồ sơ nộp trực tuyến (có kết quả điện tử nếu kết quả là giấy tờ)",
    DossiersFee = "dossiers_fee": "Hồ sơ của TTHC có phí, lệ phí (phí khác 0)",
    DossiersPaidOnline = "dossiers_paid_online": "Hồ sơ có phí đã thanh toán trực tuyến",
    DossiersPaperResult = "dossiers_paper_result": "Hồ sơ của TTHC có kết quả là giấy tờ",
    DossiersEResult = "dossiers_e_result": "Hồ sơ có kết quả là giấy tờ được cấp kết quả điện tử",
    DossiersDigitized = "dossiers_digitized": "Hồ sơ được số hóa thành phần (và kết quả nếu là giấy tờ)",
    DossiersReused = "dossiers_reused": "Hồ sơ tái sử dụng dữ liệu số hóa",
    DossiersPersonalStore = "dossiers_personal_store": "Hồ sơ kết nối kho dữ liệu cá nhân trên Cổng DVCQG",
    DossiersCitizenData = "dossiers_citizen_data": "Hồ sơ sử dụng thông tin từ CSDL quốc gia về dân cư",
    DossiersNegative = "dossiers_negative": "Hồ sơ bị phản ánh hoặc đánh giá không hài lòng",
    DossiersLateReceived = "dossiers_late_received": "Hồ sơ tiếp nhận trong kỳ bị trễ hạn tính đến cuối kỳ",
    TimelinessTotal = "timeliness_total": "Hồ sơ tiếp nhận hoặc xử lý trong kỳ",
    TimelinessLate = "timeliness_late": "Hồ sơ tiếp nhận hoặc xử lý trong kỳ bị trễ hạn",
    TimelinessOnTime = "timeliness_on_time": "Hồ sơ xử lý trước hạn, đúng hạn (kể cả đang xử lý chưa đến hạn)",
    FeedbackReceived = "feedback_received": "PAKN tiếp nhận trong kỳ",
    FeedbackUnsatisfied = "feedback_unsatisfied": "PAKN tiếp nhận trong kỳ không hài lòng, trễ hạn hoặc phản ánh lại",
    FeedbackSatisfied = "feedback_satisfied": "PAKN tiếp nhận trong kỳ được xử lý hài lòng",
    FeedbackHandlingTotal = "feedback_handling_total": "PAKN đã và đang xử lý trong kỳ",
    FeedbackHandlingLate = "feedback_handling_late": "PAKN xử lý trễ hạn",
    FeedbackOnTime = "feedback_on_time": "PAKN xử lý đúng hạn",
    ProceduresServed = "procedures_served": "TTHC có hồ sơ phát sinh tại đơn vị trong kỳ",
    ProceduresOnline = "procedures_online": "TTHC có hồ sơ, được cung cấp DVCTT (một phần hoặc toàn trình)",
    ProceduresOnlineUsed = "procedures_online_used": "DVCTT có phát sinh hồ sơ trực tuyến",
    ProceduresFee = "procedures_fee": "TTHC có hồ sơ, có nghĩa vụ tài chính",
    ProceduresFeePaidOnline = "procedures_fee_paid_online": "TTHC có nghĩa vụ tài chính có giao dịch thanh toán trực tuyến",
    ProceduresFeeSynced = "procedures_fee_synced": "TTHC có nghĩa vụ tài chính có hồ sơ đồng bộ kèm dữ liệu phí",
    ProceduresCitizen = "procedures_citizen": "TTHC có hồ sơ, đối tượng là công dân",
    ProceduresCitizenConnected = "procedures_citizen_connected": "TTHC đối tượng công dân kết nối CSDL dân cư",
    CatalogueAnnounced = "catalogue_announced": "TTHC được công bố trong kỳ",
    CatalogueAnnouncedOnTime = "catalogue_announced_on_time": "TTHC công bố đúng hạn",
    CatalogueDuePublication = "catalogue_due_publication": "TTHC phải công khai trong kỳ",
    CataloguePublishedOnTime = "catalogue_published_on_time": "TTHC cập nhật, công khai đúng hạn",
    CataloguePublished = "catalogue_published": "TTHC đã công khai (đến cuối kỳ)",
    CataloguePublishedComplete = "catalogue_published_complete": "TTHC công khai đầy đủ nội dung",
    VerifiedAccounts = "verified_accounts": "Tài khoản xác thực với CSDL dân cư",
    Population = "population": "Dân số (tham chiếu)",
    ECertifiedCopies = "e_certified_copies": "Bản sao chứng thực điện tử",
    CertificationDossiers = "certification_dossiers": "Hồ sơ chứng thực",
}

pub const MEASURE_COUNT: usize = Measure::ALL.len();

/// Values of every measure for one unit (and its subtree) over one period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureValues(pub [i64; MEASURE_COUNT]);

impl Default for MeasureValues {
    fn default() -> Self {
        MeasureValues([0; MEASURE_COUNT])
    }
}

impl MeasureValues {
    pub fn get(&self, m: Measure) -> i64 {
        self.0[m as usize]
    }

    fn add(&mut self, m: Measure, v: i64) {
        self.0[m as usize] += v;
    }

    fn set(&mut self, m: Measure, v: i64) {
        self.0[m as usize] = v;
    }
}

macro_rules! counters {
    ($($variant:ident = $column:literal),+ $(,)?) => {
        /// One of the additive counters kept per unit and month.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Counter { $($variant),+ }

        impl Counter {
            pub const ALL: &'static [Counter] = &[$(Counter::$variant),+];

            /// Column name in the store.
            pub fn column(self) -> &'static str {
                match self { $(Counter::$variant => $column),+ }
            }
        }
    };
}

counters! {
    // Dossiers, by the month they were received.
    Received = "received",
    Synced = "synced",
    Online = "online",
    Fee = "fee",
    PaidOnline = "paid_online",
    PaperResult = "paper_result",
    EResult = "e_result",
    Digitized = "digitized",
    Reused = "reused",
    PersonalStore = "personal_store",
    CitizenData = "citizen_data",
    Negative = "negative",
    // Dossiers, by the month processing ended / the month they became late.
    Ended = "ended",
    EndedLate = "ended_late",
    BecameLate = "became_late",
    // Feedback, by month received / ended / became late.
    FeedbackReceived = "fb_received",
    FeedbackEnded = "fb_ended",
    FeedbackEndedLate = "fb_ended_late",
    FeedbackBecameLate = "fb_became_late",
    // Unit counts, by month reported.
    VerifiedAccounts = "verified_accounts",
    Population = "population",
    ECertifiedCopies = "e_certified_copies",
    CertificationDossiers = "certification_dossiers",
}

pub const COUNTER_COUNT: usize = Counter::ALL.len();

/// The counters that months before a period contribute to it (timeliness and
/// feedback handling take prefix sums); see [`Accumulator::add_months`].
pub const PREFIX_COUNTERS: &[Counter] = &[
    Counter::Received,
    Counter::Ended,
    Counter::EndedLate,
    Counter::BecameLate,
    Counter::FeedbackReceived,
    Counter::FeedbackEnded,
    Counter::FeedbackEndedLate,
    Counter::FeedbackBecameLate,
];

/// The counters kept per unit and day as well ([`MeasureBook::days`]):
/// every one but the unit counts, which are reported per month.
pub const DAY_COUNTERS: &[Counter] = &[
    Counter::Received,
    Counter::Synced,
    Counter::Online,
    Counter::Fee,
    Counter::PaidOnline,
    Counter::PaperResult,
    Counter::EResult,
    Counter::Digitized,
    Counter::Reused,
    Counter::PersonalStore,
    Counter::CitizenData,
    Counter::Negative,
    Counter::Ended,
    Counter::EndedLate,
    Counter::BecameLate,
    Counter::FeedbackReceived,
    Counter::FeedbackEnded,
    Counter::FeedbackEndedLate,
    Counter::FeedbackBecameLate,
];

/// The additive counters of one unit in one month (or, in
/// [`MeasureBook::days`], one day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthCounters(pub [i64; COUNTER_COUNT]);

impl Default for MonthCounters {
    fn default() -> Self {
        MonthCounters([0; COUNTER_COUNT])
    }
}

impl MonthCounters {
    pub fn get(&self, c: Counter) -> i64 {
        self.0[c as usize]
    }

    pub fn add(&mut self, c: Counter, v: i64) {
        self.0[c as usize] += v;
    }

    pub fn merge(&mut self, other: &MonthCounters, sign: i64) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a += sign * b;
        }
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

/// Which late count a [`LateByReceived`] entry feeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LateKind {
    /// Dossiers received in a month that became late in a later (or the same) month.
    Dossier = 0,
    /// Feedback received in a month that became unsatisfied (late, disliked, repeated).
    FeedbackUnsatisfied = 1,
}

/// Key of the two-month counter: records received in `received` that turned
/// late (or unsatisfied) in `became`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LateByReceived {
    pub kind: LateKind,
    pub received: Month,
    pub became: Month,
}

/// Per unit, month and procedure: how many dossiers, online dossiers, paid-online
/// fee dossiers and synchronised fee dossiers; a procedure is in a set when its count is > 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProcedureUse {
    pub dossiers: i64,
    pub online: i64,
    pub paid_online: i64,
    pub synced_fee: i64,
}

impl ProcedureUse {
    pub fn merge(&mut self, o: &ProcedureUse, sign: i64) {
        self.dossiers += sign * o.dossiers;
        self.online += sign * o.online;
        self.paid_online += sign * o.paid_online;
        self.synced_fee += sign * o.synced_fee;
    }

    pub fn is_zero(&self) -> bool {
        *self == ProcedureUse::default()
    }
}

/// What one dossier adds to the monthly counters.
#[derive(Clone, Debug, PartialEq)]
pub struct DossierContribution {
    /// False for a dossier registered but not yet received (portal status 1,
    /// "Mới đăng ký"): it counts in no measure until the unit receives it.
    pub counted: bool,
    pub procedure: Option<ProcedureId>,
    pub received_month: Month,
    pub received: MonthCounters,
    pub timeliness: DossierTimeliness,
    pub procedure_use: ProcedureUse,
}

/// Flags of a dossier that do not depend on the period.
fn dossier_flags(d: &Dossier, p: Option<&Procedure>) -> (MonthCounters, ProcedureUse) {
    let paper = p.is_some_and(|p| p.paper_result);
    let fee = p.is_some_and(|p| p.has_fee) && d.fee_amount > 0;
    let online = d.channel == Channel::Online;
    let mut c = MonthCounters::default();
    let mut set = |counter, yes: bool| {
        if yes {
            c.add(counter, 1)
        }
    };
    set(Counter::Received, true);
    set(Counter::Synced, d.synced);
    set(Counter::Online, online && (!paper || d.e_result));
    set(Counter::Fee, fee);
    set(Counter::PaidOnline, fee && d.paid_online > 0);
    set(Counter::PaperResult, paper);
    set(Counter::EResult, paper && d.e_result);
    set(Counter::Digitized, d.digitized && (!paper || d.e_result));
    set(Counter::Reused, d.reused_data);
    set(Counter::PersonalStore, d.personal_store_synced);
    set(Counter::CitizenData, d.citizen_data_used);
    set(Counter::Negative, judge::dossier_is_negative(d));
    let usage = ProcedureUse {
        dossiers: 1,
        online: online as i64,
        paid_online: (fee && d.paid_online > 0) as i64,
        synced_fee: (fee && d.synced) as i64,
    };
    (c, usage)
}

/// The contribution of one dossier, ready to add to (or subtract from) monthly counters.
pub fn dossier_contribution(
    d: &Dossier,
    procedure: Option<(ProcedureId, &Procedure)>,
    cal: &Calendar,
) -> DossierContribution {
    let (received, procedure_use) = dossier_flags(d, procedure.map(|p| p.1));
    DossierContribution {
        counted: d.status != DossierStatus::Registered,
        procedure: procedure.map(|p| p.0),
        received_month: d.received_at.month(),
        received,
        timeliness: judge::dossier_timeliness(d, procedure.map(|p| p.1), cal),
        procedure_use,
    }
}

/// What one feedback item adds to the monthly counters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FeedbackContribution {
    pub timeliness: DossierTimeliness,
    /// From this instant it counts as unsatisfied (criterion 5.1 of `766-2023`).
    pub unsatisfied_at: Option<Instant>,
}

pub fn feedback_contribution(f: &Feedback, cal: &Calendar) -> FeedbackContribution {
    let timeliness = judge::feedback_timeliness(f, cal);
    let unsatisfied_at = if judge::feedback_is_negative(f) {
        Some(f.received_at)
    } else {
        timeliness.late_at
    };
    FeedbackContribution {
        timeliness,
        unsatisfied_at,
    }
}

/// The monthly counters of one unit, the two-month late counters and the
/// procedure use; and, for any period that is not made of whole months
/// ([`Accumulator::add_days`]), the same by day: the counters of the days
/// (without the unit counts, which are monthly), the late counters by day
/// received and day become late, and the procedure use by day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeasureBook {
    pub months: BookMap<(UnitId, Month), MonthCounters>,
    pub late: BookMap<(UnitId, LateByReceived), i64>,
    pub procedures: BookMap<(UnitId, Month, ProcedureId), ProcedureUse>,
    pub days: BookMap<(UnitId, Date), MonthCounters>,
    pub late_days: BookMap<(UnitId, LateByReceivedDay), i64>,
    pub procedure_days: BookMap<(UnitId, Date, ProcedureId), ProcedureUse>,
}

/// The book's maps: keys are a few small integers (store ids, months,
/// days), hashed several times per record written, so with [`KeyHasher`]
/// rather than the default SipHash, which is built to resist chosen keys
/// and costs several times more here (bench/README.md).
pub type BookMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// A multiply-rotate hasher (as `rustc-hash`'s) for keys of small integers.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyHasher(u64);

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|b| self.add(u64::from(*b)));
    }
    fn write_u8(&mut self, v: u8) {
        self.add(u64::from(v));
    }
    fn write_u32(&mut self, v: u32) {
        self.add(u64::from(v));
    }
    fn write_i32(&mut self, v: i32) {
        self.add(v as u32 as u64);
    }
    fn write_u64(&mut self, v: u64) {
        self.add(v);
    }
    fn write_isize(&mut self, v: isize) {
        self.add(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Key of the two-day counter: records received on `received` that turned
/// late (or unsatisfied) on `became` (the day-level [`LateByReceived`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LateByReceivedDay {
    pub kind: LateKind,
    pub received: Date,
    pub became: Date,
}

impl MeasureBook {
    fn month(&mut self, unit: UnitId, month: Month) -> &mut MonthCounters {
        self.months.entry((unit, month)).or_default()
    }

    fn day(&mut self, unit: UnitId, day: Date) -> &mut MonthCounters {
        self.days.entry((unit, day)).or_default()
    }

    /// Adds `sign` to a counter of an instant's month and of its day.
    fn both(&mut self, unit: UnitId, at: Instant, counter: Counter, sign: i64) {
        self.month(unit, at.month()).add(counter, sign);
        self.day(unit, at.date()).add(counter, sign);
    }

    fn late_pair(
        &mut self,
        unit: UnitId,
        kind: LateKind,
        received: Instant,
        became: Instant,
        sign: i64,
    ) {
        let key = LateByReceived {
            kind,
            received: received.month(),
            became: became.month(),
        };
        *self.late.entry((unit, key)).or_default() += sign;
        let key = LateByReceivedDay {
            kind,
            received: received.date(),
            became: became.date(),
        };
        *self.late_days.entry((unit, key)).or_default() += sign;
    }

    /// Adds (`sign` = 1) or removes (`sign` = -1) a dossier's contribution.
    pub fn apply_dossier(&mut self, unit: UnitId, c: &DossierContribution, sign: i64) {
        if !c.counted {
            return;
        }
        let received = c.timeliness.received;
        self.month(unit, c.received_month).merge(&c.received, sign);
        self.day(unit, received.date()).merge(&c.received, sign);
        let t = &c.timeliness;
        if let Some(end) = t.end {
            self.both(unit, end, Counter::Ended, sign);
            if t.late_at.is_some() {
                self.both(unit, end, Counter::EndedLate, sign);
            }
        }
        if let Some(late) = t.late_at {
            self.both(unit, late, Counter::BecameLate, sign);
            self.late_pair(unit, LateKind::Dossier, received, late, sign);
        }
        if let Some(p) = c.procedure {
            self.procedures
                .entry((unit, c.received_month, p))
                .or_default()
                .merge(&c.procedure_use, sign);
            self.procedure_days
                .entry((unit, received.date(), p))
                .or_default()
                .merge(&c.procedure_use, sign);
        }
    }

    pub fn apply_feedback(&mut self, unit: UnitId, c: &FeedbackContribution, sign: i64) {
        let t = &c.timeliness;
        let received = t.received;
        self.both(unit, received, Counter::FeedbackReceived, sign);
        if let Some(end) = t.end {
            self.both(unit, end, Counter::FeedbackEnded, sign);
            if t.late_at.is_some() {
                self.both(unit, end, Counter::FeedbackEndedLate, sign);
            }
        }
        if let Some(late) = t.late_at {
            self.both(unit, late, Counter::FeedbackBecameLate, sign);
        }
        if let Some(at) = c.unsatisfied_at {
            self.late_pair(unit, LateKind::FeedbackUnsatisfied, received, at, sign);
        }
    }

    pub fn apply_unit_counts(&mut self, unit: UnitId, c: &UnitCounts, sign: i64) {
        let m = self.month(unit, c.month);
        m.add(Counter::VerifiedAccounts, sign * c.verified_accounts);
        m.add(Counter::Population, sign * c.population);
        m.add(Counter::ECertifiedCopies, sign * c.e_certified_copies);
        m.add(
            Counter::CertificationDossiers,
            sign * c.certification_dossiers,
        );
    }

    /// How many entries the book holds (a writer flushes it into its tables
    /// when they grow, so that memory stays bounded whatever the file's size).
    pub fn entries(&self) -> usize {
        self.months.len()
            + self.late.len()
            + self.procedures.len()
            + self.days.len()
            + self.late_days.len()
            + self.procedure_days.len()
    }

    /// Drops entries that have come back to zero.
    pub fn prune(&mut self) {
        self.months.retain(|_, v| !v.is_zero());
        self.late.retain(|_, v| *v != 0);
        self.procedures.retain(|_, v| !v.is_zero());
        self.days.retain(|_, v| !v.is_zero());
        self.late_days.retain(|_, v| *v != 0);
        self.procedure_days.retain(|_, v| !v.is_zero());
    }
}

/// The counts of one unit over one period, before roll-up and before the
/// procedure sets are turned into counts.
#[derive(Clone, Debug, Default)]
pub struct Accumulator {
    pub values: MeasureValues,
    pub procedures: BTreeMap<ProcedureId, ProcedureUse>,
}

impl Accumulator {
    /// Adds the stored monthly counters of one unit for the whole-month period
    /// `[first, last]`. `months` may hold any months: those outside the prefix
    /// sums' reach are ignored.
    pub fn add_months<'a>(
        &mut self,
        first: Month,
        last: Month,
        months: impl IntoIterator<Item = (Month, &'a MonthCounters)>,
        late: impl IntoIterator<Item = (LateByReceived, i64)>,
    ) {
        for (month, c) in months {
            if month > last {
                continue;
            }
            self.add_span(month < first, c);
        }
        for (key, n) in late {
            if key.received < first || key.received > last || key.became > last {
                continue;
            }
            self.add_late(key.kind, n);
        }
    }

    /// Adds the stored counters of one unit for the days `[from, to]`, judged
    /// at the end of `to` (any period, not only whole months), with the same
    /// prefix sums as [`Accumulator::add_months`] taken over spans that do not
    /// overlap: the months before `from`'s month and those strictly between
    /// `from`'s and `to`'s from `months`, the days of those two months from
    /// `days` (daily counters). Unit counts are monthly: every month the
    /// period touches gives them (as [`Accumulator::add_unit_counts`]).
    /// `months` and `days` may hold any months and days: those not needed are
    /// ignored. `late` holds the late counters by day received and day
    /// become late.
    pub fn add_days<'a>(
        &mut self,
        from: Date,
        to: Date,
        months: impl IntoIterator<Item = (Month, &'a MonthCounters)>,
        days: impl IntoIterator<Item = (Date, &'a MonthCounters)>,
        late: impl IntoIterator<Item = (LateByReceivedDay, i64)>,
    ) {
        let (first, last) = (from.month(), to.month());
        for (month, c) in months {
            if month < first || (month > first && month < last) {
                self.add_span(month < first, c);
            }
            if month == first || month == last {
                for counter in UNIT_COUNTERS {
                    self.values.add(counter.0, c.get(counter.1));
                }
            }
        }
        for (day, c) in days {
            let month = day.month();
            if day > to || (month != first && month != last) {
                continue;
            }
            self.add_span(day < from, c);
        }
        for (key, n) in late {
            if key.received < from || key.received > to || key.became > to {
                continue;
            }
            self.add_late(key.kind, n);
        }
    }

    /// One span's counters (a month or a day, wholly before the period or
    /// wholly within it).
    fn add_span(&mut self, before: bool, c: &MonthCounters) {
        use Measure as M;
        let v = &mut self.values;
        // Prefix sums up to the period's end.
        v.add(M::TimelinessTotal, c.get(Counter::Received));
        v.add(M::TimelinessLate, c.get(Counter::BecameLate));
        v.add(M::FeedbackHandlingTotal, c.get(Counter::FeedbackReceived));
        v.add(M::FeedbackHandlingLate, c.get(Counter::FeedbackBecameLate));
        if before {
            v.add(M::TimelinessTotal, -c.get(Counter::Ended));
            v.add(M::TimelinessLate, -c.get(Counter::EndedLate));
            v.add(M::FeedbackHandlingTotal, -c.get(Counter::FeedbackEnded));
            v.add(M::FeedbackHandlingLate, -c.get(Counter::FeedbackEndedLate));
            return;
        }
        for (measure, counter) in RECEIVED_COUNTERS {
            v.add(*measure, c.get(*counter));
        }
    }

    fn add_late(&mut self, kind: LateKind, n: i64) {
        match kind {
            LateKind::Dossier => self.values.add(Measure::DossiersLateReceived, n),
            LateKind::FeedbackUnsatisfied => self.values.add(Measure::FeedbackUnsatisfied, n),
        }
    }

    pub fn add_procedure_use(&mut self, procedure: ProcedureId, usage: &ProcedureUse) {
        self.procedures
            .entry(procedure)
            .or_default()
            .merge(usage, 1);
    }

    /// Adds one dossier judged for `period` straight from the record.
    pub fn add_dossier(&mut self, c: &DossierContribution, period: &Period) {
        self.apply_dossier(c, period, 1);
    }

    /// Takes back what [`Accumulator::add_dossier`] added for the same
    /// contribution (a what-if replacing a record: `scene`).
    pub fn remove_dossier(&mut self, c: &DossierContribution, period: &Period) {
        self.apply_dossier(c, period, -1);
    }

    fn apply_dossier(&mut self, c: &DossierContribution, period: &Period, sign: i64) {
        if !c.counted {
            return;
        }
        for m in dossier_measures(c, period) {
            self.values.add(m, sign);
        }
        if period.contains(c.timeliness.received.date()) {
            if let Some(p) = c.procedure {
                self.procedures
                    .entry(p)
                    .or_default()
                    .merge(&c.procedure_use, sign);
            }
        }
    }

    /// For a cut period counted from counters judged at `counted_until`, the
    /// end of the span that covers it (the last of the months that cover it,
    /// [`Period::cut_months`], or its last day): takes back one dossier's
    /// lateness that falls after the cutoff. Nothing is reported after the
    /// cutoff, so everything else the counters hold is what the raw records
    /// give; only a deadline passing between the cutoff and `counted_until`
    /// (an open dossier) counts late there and not here.
    pub fn uncount_late_after(
        &mut self,
        c: &DossierContribution,
        period: &Period,
        counted_until: Instant,
    ) {
        let t = &c.timeliness;
        if !c.counted || !late_after_cutoff(t.late_at, period, counted_until) {
            return;
        }
        if t.end.is_none_or(|e| e >= period.start()) {
            self.values.add(Measure::TimelinessLate, -1);
        }
        if t.received >= period.start() {
            self.values.add(Measure::DossiersLateReceived, -1);
        }
    }

    /// [`Accumulator::uncount_late_after`] for a feedback item: its handling
    /// lateness and its dissatisfaction.
    pub fn uncount_feedback_late_after(
        &mut self,
        c: &FeedbackContribution,
        period: &Period,
        counted_until: Instant,
    ) {
        let t = &c.timeliness;
        let after = |at| late_after_cutoff(at, period, counted_until);
        if after(t.late_at) && t.end.is_none_or(|e| e >= period.start()) {
            self.values.add(Measure::FeedbackHandlingLate, -1);
        }
        if after(c.unsatisfied_at) && t.received >= period.start() {
            self.values.add(Measure::FeedbackUnsatisfied, -1);
        }
    }

    pub fn add_feedback(&mut self, c: &FeedbackContribution, period: &Period) {
        for m in feedback_measures(c, period) {
            self.values.add(m, 1);
        }
    }

    /// Takes back what [`Accumulator::add_feedback`] added.
    pub fn remove_feedback(&mut self, c: &FeedbackContribution, period: &Period) {
        for m in feedback_measures(c, period) {
            self.values.add(m, -1);
        }
    }

    pub fn add_unit_counts(&mut self, c: &UnitCounts, period: &Period) {
        if c.month.first_day() <= period.to && c.month.last_day() >= period.from {
            let v = &mut self.values;
            v.add(Measure::VerifiedAccounts, c.verified_accounts);
            v.add(Measure::Population, c.population);
            v.add(Measure::ECertifiedCopies, c.e_certified_copies);
            v.add(Measure::CertificationDossiers, c.certification_dossiers);
        }
    }

    /// Adds a child's accumulator (roll-up over the hierarchy).
    pub fn merge(&mut self, other: &Accumulator) {
        for (a, b) in self.values.0.iter_mut().zip(other.values.0.iter()) {
            *a += b;
        }
        for (p, u) in &other.procedures {
            self.add_procedure_use(*p, u);
        }
    }

    /// Turns counts and procedure sets into the final measure values.
    pub fn finish(
        &self,
        catalogue: &HashMap<ProcedureId, Procedure>,
        catalogue_values: &MeasureValues,
    ) -> MeasureValues {
        use Measure as M;
        let mut v = self.values.clone();
        v.set(
            M::TimelinessOnTime,
            v.get(M::TimelinessTotal) - v.get(M::TimelinessLate),
        );
        v.set(
            M::FeedbackSatisfied,
            v.get(M::FeedbackReceived) - v.get(M::FeedbackUnsatisfied),
        );
        v.set(
            M::FeedbackOnTime,
            v.get(M::FeedbackHandlingTotal) - v.get(M::FeedbackHandlingLate),
        );
        for (id, usage) in &self.procedures {
            if usage.dossiers <= 0 {
                continue;
            }
            let Some(p) = catalogue.get(id) else { continue };
            each_procedure_measure(p, usage, |m| v.add(m, 1));
        }
        for m in CATALOGUE_MEASURES {
            v.set(*m, catalogue_values.get(*m));
        }
        v
    }
}

/// Whether `late_at` falls after a cut period's cutoff but no later than
/// `counted_until` (where the counters judge it).
fn late_after_cutoff(late_at: Option<Instant>, period: &Period, counted_until: Instant) -> bool {
    late_at.is_some_and(|l| l > period.end() && l <= counted_until)
}

const RECEIVED_COUNTERS: &[(Measure, Counter)] = &[
    (Measure::DossiersReceived, Counter::Received),
    (Measure::DossiersSynced, Counter::Synced),
    (Measure::DossiersOnline, Counter::Online),
    (Measure::DossiersFee, Counter::Fee),
    (Measure::DossiersPaidOnline, Counter::PaidOnline),
    (Measure::DossiersPaperResult, Counter::PaperResult),
    (Measure::DossiersEResult, Counter::EResult),
    (Measure::DossiersDigitized, Counter::Digitized),
    (Measure::DossiersReused, Counter::Reused),
    (Measure::DossiersPersonalStore, Counter::PersonalStore),
    (Measure::DossiersCitizenData, Counter::CitizenData),
    (Measure::DossiersNegative, Counter::Negative),
    (Measure::FeedbackReceived, Counter::FeedbackReceived),
    (Measure::VerifiedAccounts, Counter::VerifiedAccounts),
    (Measure::Population, Counter::Population),
    (Measure::ECertifiedCopies, Counter::ECertifiedCopies),
    (
        Measure::CertificationDossiers,
        Counter::CertificationDossiers,
    ),
];

/// The unit counts (reported per month) among [`RECEIVED_COUNTERS`].
const UNIT_COUNTERS: &[(Measure, Counter)] = &[
    (Measure::VerifiedAccounts, Counter::VerifiedAccounts),
    (Measure::Population, Counter::Population),
    (Measure::ECertifiedCopies, Counter::ECertifiedCopies),
    (
        Measure::CertificationDossiers,
        Counter::CertificationDossiers,
    ),
];

const CATALOGUE_MEASURES: &[Measure] = &[
    Measure::CatalogueAnnounced,
    Measure::CatalogueAnnouncedOnTime,
    Measure::CatalogueDuePublication,
    Measure::CataloguePublishedOnTime,
    Measure::CataloguePublished,
    Measure::CataloguePublishedComplete,
];

/// The measures one dossier counts in for a period, judged as of the period's end
/// (derived measures such as `timeliness_on_time` included, so that explain
/// can evaluate any criterion on one record).
pub fn dossier_measures(c: &DossierContribution, period: &Period) -> Vec<Measure> {
    let (start, end) = (period.start(), period.end());
    let t = &c.timeliness;
    let mut out = Vec::new();
    if t.received > end || !c.counted {
        return out;
    }
    let received_in = t.received >= start;
    if received_in {
        for (measure, counter) in &RECEIVED_COUNTERS[..12] {
            if c.received.get(*counter) > 0 {
                out.push(*measure);
            }
        }
        if t.is_late_at(end) {
            out.push(Measure::DossiersLateReceived);
        }
    }
    if t.end.is_none_or(|e| e >= start) {
        out.push(Measure::TimelinessTotal);
        out.push(if t.is_late_at(end) {
            Measure::TimelinessLate
        } else {
            Measure::TimelinessOnTime
        });
    }
    out
}

/// The measures one feedback item counts in for a period.
pub fn feedback_measures(c: &FeedbackContribution, period: &Period) -> Vec<Measure> {
    let (start, end) = (period.start(), period.end());
    let t = &c.timeliness;
    let mut out = Vec::new();
    if t.received > end {
        return out;
    }
    if t.received >= start {
        out.push(Measure::FeedbackReceived);
        let unsatisfied = c.unsatisfied_at.is_some_and(|u| u <= end);
        out.push(if unsatisfied {
            Measure::FeedbackUnsatisfied
        } else {
            Measure::FeedbackSatisfied
        });
    }
    if t.end.is_none_or(|e| e >= start) {
        out.push(Measure::FeedbackHandlingTotal);
        out.push(if t.is_late_at(end) {
            Measure::FeedbackHandlingLate
        } else {
            Measure::FeedbackOnTime
        });
    }
    out
}

/// The procedure-set measures a served procedure counts in.
pub fn procedure_measures(p: &Procedure, usage: &ProcedureUse) -> Vec<Measure> {
    let mut out = Vec::with_capacity(8);
    each_procedure_measure(p, usage, |m| out.push(m));
    out
}

/// [`procedure_measures`] without allocating, for the scoring path.
pub fn each_procedure_measure(p: &Procedure, usage: &ProcedureUse, mut f: impl FnMut(Measure)) {
    use Measure as M;
    f(M::ProceduresServed);
    if p.offered_online() {
        f(M::ProceduresOnline);
        if usage.online > 0 {
            f(M::ProceduresOnlineUsed);
        }
    }
    if p.has_fee {
        f(M::ProceduresFee);
        if usage.paid_online > 0 {
            f(M::ProceduresFeePaidOnline);
        }
        if usage.synced_fee > 0 {
            f(M::ProceduresFeeSynced);
        }
    }
    if p.citizen_facing {
        f(M::ProceduresCitizen);
        if p.citizen_data_connected {
            f(M::ProceduresCitizenConnected);
        }
    }
}

/// Working days before the legal basis's effective date by which a procedure
/// must be announced, and after the announcing decision by which it must be
/// published: 5 and 5 for a province, 20 and 10 for a ministry (criteria 1.1, 1.2).
pub fn catalogue_deadlines(top_kind: UnitKind) -> (i32, i32) {
    if top_kind == UnitKind::Ministry {
        (20, 10)
    } else {
        (5, 5)
    }
}

/// The measures a catalogue procedure counts in for a period (criteria 1.1-1.3).
pub fn catalogue_procedure_measures(
    p: &Procedure,
    period: &Period,
    cal: &Calendar,
    top_kind: UnitKind,
) -> Vec<Measure> {
    use Measure as M;
    let (announce_days, publish_days) = catalogue_deadlines(top_kind);
    let mut out = Vec::new();
    if let Some(decision) = p.decision_date.filter(|d| period.contains(*d)) {
        out.push(M::CatalogueAnnounced);
        if p.legal_effective_date
            .is_some_and(|eff| cal.working_days_between(decision, eff) >= announce_days)
        {
            out.push(M::CatalogueAnnouncedOnTime);
        }
    }
    let publish_deadline = p
        .decision_date
        .map(|d| cal.add_working_days(d, publish_days));
    let published_in = p.published_at.is_some_and(|d| period.contains(d));
    let due_in = publish_deadline.is_some_and(|d| period.contains(d));
    if published_in || due_in {
        out.push(M::CatalogueDuePublication);
        if let (Some(published), Some(deadline)) = (p.published_at, publish_deadline) {
            if published <= deadline && published <= period.to {
                out.push(M::CataloguePublishedOnTime);
            }
        }
    }
    if p.published_at.is_some_and(|d| d <= period.to) {
        out.push(M::CataloguePublished);
        if p.complete_parts {
            out.push(M::CataloguePublishedComplete);
        }
    }
    out
}

/// Catalogue measures for a period over the whole catalogue.
pub fn catalogue_values<'a>(
    procedures: impl IntoIterator<Item = &'a Procedure>,
    period: &Period,
    cal: &Calendar,
    top_kind: UnitKind,
) -> MeasureValues {
    let mut v = MeasureValues::default();
    for p in procedures {
        for m in catalogue_procedure_measures(p, period, cal, top_kind) {
            v.add(m, 1);
        }
    }
    v
}
