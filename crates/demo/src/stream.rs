//! The dossier stream: month by month, every unit's reception times are drawn
//! and sorted, then merged across units so dossiers come out in order of
//! reception; each dossier's details are drawn as it is taken.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use chiso_core::calendar::Calendar;
use chiso_core::records::{Channel, Dossier, DossierStatus, OnlineLevel, Procedure, Rating};
use chiso_core::time::{Date, Instant};

use crate::rng::{hash_str, Rng, Weighted};
use crate::{
    office_seconds, tables, tag, Blueprint, DemoConfig, DemoProvince, Profile, VolumePlan,
};

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// A unit of the province that receives dossiers.
struct StreamUnit<'a> {
    code: &'a str,
    profile: Profile,
    /// Indices into the province's procedures, and their popularity.
    procedures: Vec<usize>,
    choice: Weighted,
    /// Index into the plan's handlers.
    handler: usize,
}

/// What every dossier is drawn against.
struct Context<'a> {
    procedures: &'a [Procedure],
    fees: Vec<i64>,
    calendar: Calendar,
    now: Instant,
}

/// One unit's dossiers of the current month: sorted reception times and the
/// random stream of their details.
struct UnitMonth {
    unit: usize,
    times: Vec<i64>,
    next: usize,
    rng: Rng,
}

pub(crate) struct DossierStream<'a> {
    seed: u64,
    /// First group of the ids.
    prefix: &'static str,
    ctx: Context<'a>,
    units: Vec<StreamUnit<'a>>,
    plan: VolumePlan,
    month: usize,
    active: Vec<UnitMonth>,
    heap: BinaryHeap<Reverse<(i64, usize)>>,
    year: i32,
    sequence: u64,
}

impl<'a> DossierStream<'a> {
    pub(crate) fn new(
        cfg: &DemoConfig,
        bp: Blueprint,
        province: &'a DemoProvince,
    ) -> DossierStream<'a> {
        let calendar = Calendar::new(province.holidays.iter().map(|h| h.date));
        let plan = VolumePlan::new(cfg, &bp, &Calendar::new(bp.holidays.iter().map(|h| h.date)));
        let by_code: HashMap<&str, usize> = province
            .procedures
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.as_str(), i))
            .collect();
        let fees = province
            .procedures
            .iter()
            .map(
                |p| match bp.procedures.iter().position(|b| b.code == p.code) {
                    Some(i) => bp.extras[i].fee,
                    None => tables::FEES[(hash_str(&p.code) % tables::FEES.len() as u64) as usize],
                },
            )
            .collect();
        let handlers: HashMap<&str, usize> = bp
            .handlers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.code.as_str(), i))
            .collect();
        let mut units = Vec::new();
        for unit in &province.units {
            let Some(&handler) = handlers.get(unit.code.as_str()) else {
                continue;
            };
            let h = &bp.handlers[handler];
            let (procedures, weights): (Vec<usize>, Vec<f64>) = h
                .procedures
                .iter()
                .filter_map(|p| {
                    by_code
                        .get(bp.procedures[*p].code.as_str())
                        .map(|i| (*i, bp.extras[*p].popularity))
                })
                .unzip();
            if procedures.is_empty() {
                continue;
            }
            units.push(StreamUnit {
                code: unit.code.as_str(),
                profile: h.profile.clone(),
                procedures,
                choice: Weighted::new(weights),
                handler,
            });
        }
        DossierStream {
            seed: cfg.seed,
            prefix: cfg.id_prefix(),
            ctx: Context {
                procedures: &province.procedures,
                fees,
                calendar,
                now: cfg.now(),
            },
            units,
            plan,
            month: 0,
            active: Vec::new(),
            heap: BinaryHeap::new(),
            year: i32::MIN,
            sequence: 0,
        }
    }

    /// Draws every unit's reception times for the next month.
    fn start_month(&mut self) {
        let m = self.month;
        let month = self.plan.months[m];
        let table = &self.plan.days[m];
        self.active.clear();
        self.heap.clear();
        if table.days.is_empty() {
            return;
        }
        for (u, unit) in self.units.iter().enumerate() {
            let expected = self.plan.expected[unit.handler][m];
            let mut rng = Rng::derive(
                self.seed,
                &[tag::DOSSIERS, hash_str(unit.code), month.index() as u64],
            );
            let noise = rng.uniform(0.9, 1.1);
            let n = rng.round(expected * noise) as usize;
            if n == 0 {
                continue;
            }
            let mut times: Vec<i64> = (0..n)
                .map(|_| table.sample(&mut rng).start().unix() + office_seconds(&mut rng))
                .collect();
            times.sort_unstable();
            self.heap.push(Reverse((times[0], self.active.len())));
            self.active.push(UnitMonth {
                unit: u,
                times,
                next: 0,
                rng,
            });
        }
    }

    fn next_id(&mut self, received: Instant) -> String {
        let year = received.date().year();
        if year != self.year {
            (self.year, self.sequence) = (year, 0);
        }
        self.sequence += 1;
        format!("{}.{year}.{:08}", self.prefix, self.sequence)
    }
}

impl Iterator for DossierStream<'_> {
    type Item = Dossier;

    fn next(&mut self) -> Option<Dossier> {
        loop {
            if let Some(Reverse((time, slot))) = self.heap.pop() {
                let received = Instant::from_unix(time);
                let id = self.next_id(received);
                let state = &mut self.active[slot];
                state.next += 1;
                if let Some(t) = state.times.get(state.next) {
                    self.heap.push(Reverse((*t, slot)));
                }
                let unit = &self.units[state.unit];
                return Some(draw_dossier(&self.ctx, unit, &mut state.rng, id, received));
            }
            if self.month >= self.plan.months.len() {
                return None;
            }
            self.start_month();
            self.month += 1;
        }
    }
}

/// How a dossier ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    Normal,
    Rejected,
    Withdrawn,
}

/// The first working day on or after `day`.
fn working_on_or_after(cal: &Calendar, mut day: Date) -> Date {
    while !cal.is_working_day(day) {
        day = day.add_days(1);
    }
    day
}

fn at_office_time(day: Date, rng: &mut Rng) -> Instant {
    day.start().add_seconds(office_seconds(rng))
}

/// Draws one dossier of `unit` received at `received`.
fn draw_dossier(
    ctx: &Context<'_>,
    unit: &StreamUnit<'_>,
    rng: &mut Rng,
    id: String,
    received: Instant,
) -> Dossier {
    let cal = &ctx.calendar;
    let prof = &unit.profile;
    let pi = unit.procedures[unit.choice.sample(rng)];
    let p = &ctx.procedures[pi];
    let mut d = Dossier::new(&id, unit.code, &p.code, received);

    // Kênh thực hiện and submission.
    let online_share = match p.online_level {
        OnlineLevel::Full => prof.online,
        OnlineLevel::Partial => prof.online * 0.8,
        OnlineLevel::None => 0.0,
    };
    d.channel = if rng.chance(online_share) {
        Channel::Online
    } else if rng.chance(0.02) {
        Channel::Postal
    } else {
        Channel::InPerson
    };
    d.submitted_at = Some(match d.channel {
        Channel::Online => received.add_seconds(-rng.int(600, 40 * HOUR)),
        Channel::Postal => received.add_seconds(-rng.int(1, 3) * DAY),
        Channel::InPerson => received,
    });

    // Ngày hẹn trả: the time limit in working days, at the end of office hours.
    let received_day = received.date();
    let max_days = p.max_days.unwrap_or(5).max(1) as i32;
    let due_day = cal.add_working_days(received_day, max_days);
    let due = due_day.start().add_seconds(17 * HOUR);
    d.due_at = Some(due);

    let r = rng.unit();
    let ending = if r < prof.rejected {
        Ending::Rejected
    } else if r < prof.rejected + prof.withdrawn {
        Ending::Withdrawn
    } else {
        Ending::Normal
    };
    let late = ending == Ending::Normal && rng.chance(prof.late);
    let supplement = ending == Ending::Normal && rng.chance(prof.supplement);

    // Working days used when on time (skewed early for fast units).
    let used = ((prof.speed * (rng.unit() + rng.unit())).min(1.0) * (max_days + 1) as f64) as i32;
    let used = used.min(max_days);

    // Yêu cầu bổ sung: requested on a working day, supplemented some days later.
    let mut request: Option<(Instant, i64)> = None;
    if supplement {
        let limit = if late {
            max_days / 2
        } else {
            used.min(max_days / 2)
        };
        let day = cal.add_working_days(received_day, rng.int(0, limit as i64) as i32);
        let at = if day == received_day {
            received.add_seconds(rng.int(1800, 2 * HOUR))
        } else {
            at_office_time(day, rng)
        };
        d.supplement_requests = if rng.chance(prof.double_supplement) {
            2
        } else {
            1
        };
        request = Some((at, rng.int(1, 10)));
    }
    let supplement_days = request.map_or(0, |r| r.1);

    // End of processing.
    let finished = match ending {
        Ending::Rejected | Ending::Withdrawn => {
            let day = cal.add_working_days(received_day, rng.int(0, 3.min(max_days) as i64) as i32);
            if day == received_day {
                received.add_seconds(rng.int(1800, 3 * HOUR))
            } else {
                at_office_time(day, rng)
            }
        }
        Ending::Normal if late => {
            let overdue = 1 + (rng.unit() * rng.unit() * 12.0) as i32;
            let day = cal
                .add_working_days(due_day, overdue)
                .add_days(supplement_days as i32);
            at_office_time(working_on_or_after(cal, day), rng)
        }
        Ending::Normal => {
            let base = cal.add_working_days(received_day, used);
            match request {
                None if base == received_day => received.add_seconds(rng.int(600, 3 * HOUR)),
                None => at_office_time(base, rng),
                Some((at, days)) => {
                    // Resume after the supplement; stay within due date + supplement days.
                    let back = at.add_seconds(days * DAY);
                    let mut day = base.add_days(days as i32);
                    while day > back.date() && !cal.is_working_day(day) {
                        day = day.add_days(-1);
                    }
                    if day == back.date() {
                        back.add_seconds(rng.int(600, 2 * HOUR))
                            .min(day.start().add_seconds(17 * HOUR))
                            .max(back)
                    } else {
                        at_office_time(day, rng)
                    }
                }
            }
        }
    };

    let now = ctx.now;
    let open = finished > now;
    match request {
        Some((at, _)) if at > now => {
            // Not requested yet as of now.
            d.supplement_requests = 0;
        }
        Some((at, days)) => {
            d.supplement_requested_at = Some(at);
            if at.add_seconds(days * DAY) > now {
                d.status = DossierStatus::SupplementRequested; // waiting for the applicant
            } else {
                d.supplement_days = days as u32;
            }
        }
        None => {}
    }
    let waiting = d.status == DossierStatus::SupplementRequested;
    if open {
        if !waiting {
            d.status = if now.unix() - received.unix() < DAY {
                DossierStatus::Received
            } else {
                DossierStatus::Processing
            };
        }
    } else {
        d.finished_at = Some(finished);
        d.status = match ending {
            Ending::Rejected => DossierStatus::Rejected,
            Ending::Withdrawn => DossierStatus::Withdrawn,
            Ending::Normal => {
                let returned = cal.add_working_days(finished.date(), rng.int(0, 3) as i32);
                let returned = if returned == finished.date() {
                    finished.add_seconds(rng.int(300, HOUR))
                } else {
                    at_office_time(returned, rng)
                };
                if rng.chance(prof.returned) && returned <= now {
                    d.returned_at = Some(returned);
                    DossierStatus::Returned
                } else {
                    DossierStatus::Finished
                }
            }
        };
    }
    let done = !open && ending == Ending::Normal;

    // Đồng bộ, phí, thanh toán trực tuyến.
    d.synced = rng.chance(prof.synced);
    if p.has_fee && !rng.chance(0.1) {
        d.fee_amount = ctx.fees[pi];
    }
    let online = d.channel == Channel::Online;
    if d.fee_amount > 0 && rng.chance(prof.paid_online * if online { 1.1 } else { 0.7 }) {
        d.paid_online = if rng.chance(prof.local_gateway) { 2 } else { 1 };
    }

    // Kết quả điện tử, số hóa, dữ liệu.
    d.e_result = done
        && rng.chance(if p.paper_result {
            prof.e_result
        } else {
            prof.e_result * 0.5
        });
    d.digitized = rng.chance(prof.digitized);
    d.reused_data = rng.chance(if d.digitized {
        prof.reused
    } else {
        prof.reused * 0.3
    });
    d.vneid_verified = rng.chance(if online { prof.vneid } else { prof.vneid * 0.6 });
    d.handler_named = !rng.chance(prof.unnamed);
    d.personal_store_synced = rng.chance(prof.personal_store);
    let connected = p.citizen_facing && p.citizen_data_connected;
    d.citizen_data_used = rng.chance(if connected { prof.citizen_data } else { 0.05 });

    // Đánh giá, phản ánh.
    if !open && rng.chance(prof.rated) {
        let unsatisfied = if late { 0.25 } else { prof.unsatisfied };
        let r = rng.unit();
        d.rating = Some(if r < unsatisfied {
            Rating::Unsatisfied
        } else if r < unsatisfied + 0.04 {
            Rating::Neutral
        } else {
            Rating::Satisfied
        });
    }
    d.complaint = rng.chance(prof.complaint * if late { 6.0 } else { 1.0 });
    d
}
