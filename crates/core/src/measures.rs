//! Measures: the additive counts (and mergeable sets of procedures) that
//! criteria divide.
//!
//! Two ways lead to a unit's measures for a period, and they must agree:
//! - from stored monthly counters ([`MonthCounters`], [`LateByReceived`],
//!   [`ProcedureUse`]), which the store keeps up to date as records arrive;
//!   any period made of whole months is a sum of months ([`Accumulator::add_months`]);
//! - from the raw records, for any period ([`Accumulator::add_dossier`]).
//!
//! Timeliness (2.1) and feedback handling (5.3/5.1) take records received
//! earlier that were still open when the period began; with lateness being
//! monotonic (see `judge`) their counts are differences of prefix sums of
//! monthly counters: `total = received(≤ end) − ended(< start)` and
//! `late = became_late(≤ end) − ended_late(< start)`.

use std::collections::{BTreeMap, HashMap};

use crate::calendar::Calendar;
use crate::judge::{self, DossierTimeliness};
use crate::period::Period;
use crate::records::{Channel, Dossier, DossierStatus, Feedback, Procedure, UnitCounts, UnitKind};
use crate::time::{Instant, Month};

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

/// The additive counters of one unit in one month.
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

/// The monthly counters of one unit, the two-month late counters and the procedure use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeasureBook {
    pub months: HashMap<(UnitId, Month), MonthCounters>,
    pub late: HashMap<(UnitId, LateByReceived), i64>,
    pub procedures: HashMap<(UnitId, Month, ProcedureId), ProcedureUse>,
}

impl MeasureBook {
    fn month(&mut self, unit: UnitId, month: Month) -> &mut MonthCounters {
        self.months.entry((unit, month)).or_default()
    }

    /// Adds (`sign` = 1) or removes (`sign` = -1) a dossier's contribution.
    pub fn apply_dossier(&mut self, unit: UnitId, c: &DossierContribution, sign: i64) {
        if !c.counted {
            return;
        }
        self.month(unit, c.received_month).merge(&c.received, sign);
        let t = &c.timeliness;
        if let Some(end) = t.end {
            let m = self.month(unit, end.month());
            m.add(Counter::Ended, sign);
            if t.late_at.is_some() {
                m.add(Counter::EndedLate, sign);
            }
        }
        if let Some(late) = t.late_at {
            self.month(unit, late.month())
                .add(Counter::BecameLate, sign);
            let key = LateByReceived {
                kind: LateKind::Dossier,
                received: c.received_month,
                became: late.month(),
            };
            *self.late.entry((unit, key)).or_default() += sign;
        }
        if let Some(p) = c.procedure {
            self.procedures
                .entry((unit, c.received_month, p))
                .or_default()
                .merge(&c.procedure_use, sign);
        }
    }

    pub fn apply_feedback(&mut self, unit: UnitId, c: &FeedbackContribution, sign: i64) {
        let t = &c.timeliness;
        let received = t.received.month();
        self.month(unit, received)
            .add(Counter::FeedbackReceived, sign);
        if let Some(end) = t.end {
            let m = self.month(unit, end.month());
            m.add(Counter::FeedbackEnded, sign);
            if t.late_at.is_some() {
                m.add(Counter::FeedbackEndedLate, sign);
            }
        }
        if let Some(late) = t.late_at {
            self.month(unit, late.month())
                .add(Counter::FeedbackBecameLate, sign);
        }
        if let Some(at) = c.unsatisfied_at {
            let key = LateByReceived {
                kind: LateKind::FeedbackUnsatisfied,
                received,
                became: at.month(),
            };
            *self.late.entry((unit, key)).or_default() += sign;
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

    /// Drops entries that have come back to zero.
    pub fn prune(&mut self) {
        self.months.retain(|_, v| !v.is_zero());
        self.late.retain(|_, v| *v != 0);
        self.procedures.retain(|_, v| !v.is_zero());
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
        use Measure as M;
        let v = &mut self.values;
        for (month, c) in months {
            if month > last {
                continue;
            }
            // Prefix sums up to the period's end.
            v.add(M::TimelinessTotal, c.get(Counter::Received));
            v.add(M::TimelinessLate, c.get(Counter::BecameLate));
            v.add(M::FeedbackHandlingTotal, c.get(Counter::FeedbackReceived));
            v.add(M::FeedbackHandlingLate, c.get(Counter::FeedbackBecameLate));
            if month < first {
                v.add(M::TimelinessTotal, -c.get(Counter::Ended));
                v.add(M::TimelinessLate, -c.get(Counter::EndedLate));
                v.add(M::FeedbackHandlingTotal, -c.get(Counter::FeedbackEnded));
                v.add(M::FeedbackHandlingLate, -c.get(Counter::FeedbackEndedLate));
                continue;
            }
            for (measure, counter) in RECEIVED_COUNTERS {
                v.add(*measure, c.get(*counter));
            }
        }
        for (key, n) in late {
            if key.received < first || key.received > last || key.became > last {
                continue;
            }
            match key.kind {
                LateKind::Dossier => v.add(M::DossiersLateReceived, n),
                LateKind::FeedbackUnsatisfied => v.add(M::FeedbackUnsatisfied, n),
            }
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

    /// For a cut period counted from the counters of the months that cover
    /// it ([`Period::cut_months`]), judged at the end of the last one: takes
    /// back one dossier's lateness that falls after the cutoff. Nothing is
    /// reported after the cutoff, so everything else the counters hold is
    /// what the raw records give; only a deadline passing between the cutoff
    /// and the month's end (an open dossier) counts late there and not here.
    pub fn uncount_late_after(&mut self, c: &DossierContribution, period: &Period) {
        let t = &c.timeliness;
        if !c.counted || !late_after_cutoff(t.late_at, period) {
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
    pub fn uncount_feedback_late_after(&mut self, c: &FeedbackContribution, period: &Period) {
        let t = &c.timeliness;
        if late_after_cutoff(t.late_at, period) && t.end.is_none_or(|e| e >= period.start()) {
            self.values.add(Measure::FeedbackHandlingLate, -1);
        }
        if late_after_cutoff(c.unsatisfied_at, period) && t.received >= period.start() {
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

/// Whether `late_at` falls after a cut period's cutoff but within the end
/// of its last month (where the monthly counters judge it).
fn late_after_cutoff(late_at: Option<Instant>, period: &Period) -> bool {
    let month_end = period.to.month().last_day().end();
    late_at.is_some_and(|l| l > period.end() && l <= month_end)
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
