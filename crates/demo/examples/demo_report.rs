//! Generates the demo province, times it, and prints what it looks like.
//!
//! ```text
//! cargo run -p chiso-demo --release --example demo_report -- [dossiers] [seed] [--score]
//! ```
//! With `--score`, the records are also scored by the engine (in memory) for
//! every month and the spread of totals is printed.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::time::Instant as Clock;

use chiso_core::calendar::Calendar;
use chiso_core::engine::{self, IndexStore, UnitRecords};
use chiso_core::measures::{Accumulator, ProcedureId, UnitId};
use chiso_core::methodology::MethodologySet;
use chiso_core::period::{Period, PeriodKind};
use chiso_core::records::{Channel, Dossier, Procedure, UnitKind};
use chiso_core::scoring::Hierarchy;
use chiso_demo::{dossiers, generate, DemoConfig};

struct MemoryStore {
    hierarchy: Hierarchy,
    catalogue: HashMap<ProcedureId, Procedure>,
    calendar: Calendar,
    records: UnitRecords,
}

impl IndexStore for MemoryStore {
    type Error = Infallible;

    fn hierarchy(&self) -> Result<Hierarchy, Infallible> {
        Ok(self.hierarchy.clone())
    }
    fn catalogue(&self) -> Result<HashMap<ProcedureId, Procedure>, Infallible> {
        Ok(self.catalogue.clone())
    }
    fn calendar(&self) -> Result<Calendar, Infallible> {
        Ok(self.calendar.clone())
    }
    fn own_accumulators(
        &self,
        period: &Period,
    ) -> Result<HashMap<UnitId, Accumulator>, Infallible> {
        Ok(engine::accumulate_records(
            &self.hierarchy,
            &self.catalogue,
            &self.calendar,
            &self.records,
            period,
        ))
    }
    fn records_for(&self, _units: &[UnitId], _period: &Period) -> Result<UnitRecords, Infallible> {
        Ok(self.records.clone())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let score = args.iter().any(|a| a == "--score");
    let numbers: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let mut cfg = DemoConfig::default();
    if let Some(n) = numbers.first() {
        cfg.dossiers = *n as usize;
    }
    if let Some(seed) = numbers.get(1) {
        cfg.seed = *seed;
    }

    let start = Clock::now();
    let province = generate(&cfg);
    let generated = start.elapsed();
    let mut per_month: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut count = 0usize;
    let mut kept: Vec<Dossier> = Vec::new();
    for d in dossiers(&cfg, &province) {
        count += 1;
        let e = per_month.entry(d.received_at.month().iso()).or_default();
        e.0 += 1;
        e.1 += usize::from(d.channel == Channel::Online);
        e.2 += usize::from(d.finished_at.is_none());
        if score {
            kept.push(d);
        }
    }
    let total = start.elapsed();
    println!(
        "{} units, {} procedures, {} holidays, {} feedback, {} counts; {count} dossiers",
        province.units.len(),
        province.procedures.len(),
        province.holidays.len(),
        province.feedback.len(),
        province.counts.len()
    );
    println!("generate: {generated:.2?}; generate + dossiers: {total:.2?}");
    for (month, (n, online, open)) in &per_month {
        println!(
            "  {month}: {n:>9} dossiers, {:>4.1}% online, {open:>7} open",
            100.0 * *online as f64 / *n as f64
        );
    }
    if !score {
        return;
    }

    let store = MemoryStore {
        hierarchy: Hierarchy::new(
            province
                .units
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, u)| (i as UnitId, u))
                .collect(),
        ),
        catalogue: province
            .procedures
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, p)| (i as ProcedureId, p))
            .collect(),
        calendar: Calendar::new(province.holidays.iter().map(|h| h.date)),
        records: UnitRecords {
            dossiers: kept,
            feedback: province.feedback.clone(),
            counts: province.counts.clone(),
        },
    };
    let methodologies = MethodologySet::builtin();
    let months: Vec<_> = (0..cfg.months as i32)
        .map(|i| cfg.first_month.add(i))
        .collect();
    let mut periods: Vec<Period> = months.iter().map(|m| Period::month(*m)).collect();
    periods.push(Period::months(
        PeriodKind::Range,
        cfg.first_month,
        cfg.last_month(),
    ));
    for period in periods {
        let sheet = match engine::score(&store, &methodologies, &period) {
            Ok(sheet) => sheet,
            Err(e) => panic!("{e}"),
        };
        let mut line = format!("{} ({}):", period.code(), sheet.methodology);
        for kind in [UnitKind::Province, UnitKind::Department, UnitKind::Commune] {
            let mut totals: Vec<f64> = sheet
                .units
                .iter()
                .filter(|u| u.kind == kind)
                .filter_map(|u| u.total)
                .collect();
            totals.sort_by(f64::total_cmp);
            if totals.is_empty() {
                continue;
            }
            let mean = totals.iter().sum::<f64>() / totals.len() as f64;
            line += &format!(
                "  {kind:?} n={} min {:.1} median {:.1} mean {mean:.1} max {:.1}",
                totals.len(),
                totals[0],
                totals[totals.len() / 2],
                totals[totals.len() - 1]
            );
        }
        println!("{line}");
        if period.kind == PeriodKind::Range {
            // Average criterion points over communes.
            let communes: Vec<_> = sheet
                .units
                .iter()
                .filter(|u| u.kind == UnitKind::Commune)
                .collect();
            let mut sums: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
            for u in &communes {
                for c in &u.criteria {
                    if let Some(p) = c.points {
                        let e = sums.entry(c.id.clone()).or_default();
                        e.0 += p;
                        e.1 = c.max;
                        e.2 += 1;
                    }
                }
            }
            for (id, (sum, max, n)) in sums {
                println!("    {id}: {:.2} / {max} (n={n})", sum / n as f64);
            }
            if let Some(p) = sheet.units.iter().find(|u| u.kind == UnitKind::Province) {
                for c in &p.criteria {
                    println!(
                        "    province {}: {:?} / {} ratio {:?}",
                        c.id, c.points, c.max, c.ratio
                    );
                }
            }
        }
    }
}
