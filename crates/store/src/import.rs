//! The storage contract (`chiso_core::storage`) for SQLite: [`Store`] is a
//! [`Storage`], its [`Writer`] a [`Batch`]. Reading files, folding the feed
//! and resolving names are the application layer's (`chiso-app`), not the
//! store's: the store only keeps records, their measures and the quarantine.

use chiso_core::calendar::Holiday;
use chiso_core::methodology::{Methodology, MethodologySet};
use chiso_core::period::Period;
use chiso_core::reconcile::PortalFigures;
use chiso_core::records::{Dossier, Feedback, Procedure, Unit, UnitCounts};
use chiso_core::steps::ProcessingStep;
use chiso_core::storage::{Batch, BatchCounts, Inventory, Outcome, Put, QuarantinedRow, Storage};
use chiso_core::time::Instant;

use crate::{PutError, Store, StoreError, Writer};

fn put(r: std::result::Result<Outcome, PutError>) -> std::result::Result<Outcome, Put<StoreError>> {
    r.map_err(|e| match e {
        PutError::Store(e) => Put::Failed(e),
        e => Put::Rejected {
            column: e.column(),
            reason: e.to_string(),
        },
    })
}

impl Batch for Writer<'_> {
    type Error = StoreError;

    fn file(&self) -> &str {
        Writer::file(self)
    }
    fn put_unit(&mut self, u: &Unit) -> Result<Outcome, Put<StoreError>> {
        put(Writer::put_unit(self, u))
    }
    fn put_procedure(&mut self, p: &Procedure) -> Result<Outcome, Put<StoreError>> {
        put(Writer::put_procedure(self, p))
    }
    fn put_holiday(&mut self, h: &Holiday) -> Result<Outcome, Put<StoreError>> {
        put(Writer::put_holiday(self, h))
    }
    fn put_dossier(&mut self, d: &Dossier) -> Result<Outcome, Put<StoreError>> {
        put(Writer::put_dossier(self, d))
    }
    fn put_feedback(&mut self, f: &Feedback) -> Result<Outcome, Put<StoreError>> {
        put(Writer::put_feedback(self, f))
    }
    fn put_counts(&mut self, c: &UnitCounts) -> Result<Outcome, Put<StoreError>> {
        put(Writer::put_counts(self, c))
    }
    fn put_step(&mut self, s: &ProcessingStep) -> Result<Outcome, Put<StoreError>> {
        put(Writer::put_step(self, s))
    }
    fn put_target(&mut self, t: &chiso_core::targets::Target) -> Result<Outcome, Put<StoreError>> {
        put(Writer::put_target(self, t))
    }
    fn put_published(
        &mut self,
        period: &Period,
        line: usize,
        figures: &PortalFigures,
    ) -> Result<Outcome, Put<StoreError>> {
        put(Writer::put_published(self, period, line, figures))
    }
    fn reject(
        &mut self,
        line: usize,
        column: Option<&str>,
        reason: &str,
        raw: &str,
    ) -> Result<(), StoreError> {
        Writer::reject(self, line, column, reason, raw)
    }
    fn put_event(&mut self, dossier_id: &str, seq: i64, body: &str) -> Result<bool, StoreError> {
        Writer::put_event(self, dossier_id, seq, body)
    }
    fn event_bodies(&self, dossier_id: &str) -> Result<Vec<String>, StoreError> {
        Writer::event_bodies(self, dossier_id)
    }
    fn commit(self, read: u64) -> Result<BatchCounts, StoreError> {
        Writer::commit(self, read)
    }
}

impl Storage for Store {
    type Batch<'a> = Writer<'a>;

    fn batch(&mut self, kind: &str, file: &str) -> Result<Writer<'_>, StoreError> {
        self.writer(kind, file)
    }
    fn rebuild(&mut self) -> Result<(), StoreError> {
        Store::rebuild(self)
    }
    fn inventory(&self) -> Result<Inventory, StoreError> {
        Store::inventory(self)
    }
    fn quarantine(&self) -> Result<Vec<QuarantinedRow>, StoreError> {
        Store::quarantine(self)
    }
    fn clear_quarantine(&mut self) -> Result<usize, StoreError> {
        Store::clear_quarantine(self)
    }
    fn holidays(&self) -> Result<Vec<Holiday>, StoreError> {
        Store::holidays(self)
    }
    fn unit_list(&self) -> Result<Vec<Unit>, StoreError> {
        Ok(crate::rows::units(self.connection())?
            .into_iter()
            .map(|(_, u)| u)
            .collect())
    }
    fn procedure_list(&self) -> Result<Vec<Procedure>, StoreError> {
        let mut list: Vec<Procedure> = crate::rows::procedures(self.connection())?
            .into_values()
            .collect();
        list.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(list)
    }
    fn steps(&self, dossier_id: &str) -> Result<Vec<ProcessingStep>, StoreError> {
        crate::rows::steps(self.connection(), dossier_id)
    }
    fn methodologies(&self) -> Result<MethodologySet, StoreError> {
        Store::methodologies(self)
    }
    fn add_methodology(&mut self, m: &Methodology, text: &str) -> Result<(), StoreError> {
        Store::add_methodology(self, m, text)
    }
    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Store::meta(self, key)
    }
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        Store::set_meta(self, key, value)
    }
    fn declare_as_of(&mut self, at: Instant) -> Result<(), StoreError> {
        Store::declare_as_of(self, at)
    }
    fn as_of(&self) -> Result<Option<Instant>, StoreError> {
        Store::as_of(self)
    }
    fn published(&self, period: &Period) -> Result<Vec<PortalFigures>, StoreError> {
        Store::published(self, period)
    }
    fn published_periods(&self) -> Result<Vec<String>, StoreError> {
        Store::published_periods(self)
    }
    /// SQLite's `PRAGMA data_version`: it changes when another connection
    /// (in this process or another) commits, so a reader keeps one connection
    /// for watching (crates/web/src/state.rs).
    fn data_version(&self) -> Result<u64, StoreError> {
        let v: i64 = self
            .connection()
            .pragma_query_value(None, "data_version", |r| r.get(0))?;
        Ok(v as u64)
    }
}
