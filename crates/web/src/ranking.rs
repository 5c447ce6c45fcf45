//! The ranking as the seeds' appendices print it: one section per unit kind
//! and parent (peers are ranked among themselves), each with its units in
//! rank order and the peers' average. Shared by the overview page and
//! `/api/v1/ranking`; every figure is the engine's, only grouped here. A
//! sheet with several provinces at the top is the nation's ([`is_national`]).

use chiso_core::records::UnitKind;
use chiso_core::scoring::{ScoreSheet, UnitScore};

use crate::access::{self, Scope};
use crate::params::Level;

/// Units of one kind under one parent.
pub struct Section<'a> {
    pub units: Vec<&'a UnitScore>,
    pub parent_name: Option<String>,
    /// The engine's average total of the scored peers.
    pub peers_average: Option<f64>,
    /// Per group, the average points of the section's units that have them.
    pub group_averages: Vec<Option<f64>>,
}

impl Section<'_> {
    /// The kind and parent every unit of the section shares.
    pub fn first(&self) -> &UnitScore {
        self.units[0]
    }
}

/// The sections of a sheet for a level, in the sheet's order (kind, parent, rank).
pub fn sections<'a>(sheet: &'a ScoreSheet, scope: &'a Scope, level: &Level) -> Vec<Section<'a>> {
    let mut out: Vec<Section<'a>> = Vec::new();
    for u in access::visible(scope, sheet).filter(|u| level.keep(u)) {
        match out.last_mut() {
            Some(s) if s.first().kind == u.kind && s.first().parent == u.parent => s.units.push(u),
            _ => out.push(Section {
                units: vec![u],
                parent_name: u
                    .parent
                    .as_deref()
                    .and_then(|p| sheet.unit(p))
                    .map(|p| p.name.clone()),
                peers_average: None,
                group_averages: Vec::new(),
            }),
        }
    }
    for s in &mut out {
        s.peers_average = s.units.iter().find_map(|u| u.peers_average);
        let groups = s.first().groups.len();
        s.group_averages = (0..groups)
            .map(|g| {
                let values: Vec<f64> = s
                    .units
                    .iter()
                    .filter_map(|u| u.groups.get(g).and_then(|x| x.points))
                    .collect();
                (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
            })
            .collect();
    }
    out
}

/// Whether the sheet, as `scope` sees it, is the nation's: several provinces
/// side by side at the top (each ranked among all of them, as the national
/// portal ranks 34).
pub fn is_national(sheet: &ScoreSheet, scope: &Scope) -> bool {
    access::visible(scope, sheet)
        .filter(|u| u.kind == UnitKind::Province && u.parent.is_none())
        .nth(1)
        .is_some()
}

/// Places gained since the previous period (positive: moved up).
pub fn rank_change(u: &UnitScore) -> Option<i64> {
    u.rank
        .zip(u.previous_rank)
        .map(|(now, before)| before as i64 - now as i64)
}
