//! The storage contract (`chiso_core::storage`) for PostgreSQL: [`PgStore`]
//! is a [`Storage`], its [`PgWriter`] a [`Batch`]. Reading files, folding
//! the feed and resolving names are the application layer's (`chiso-app`),
//! shared with the SQLite store; this crate only keeps records, their
//! measures, the quarantine and the change notification.

use chiso_core::calendar::Holiday;
use chiso_core::methodology::{Methodology, MethodologySet};
use chiso_core::period::Period;
use chiso_core::reconcile::PortalFigures;
use chiso_core::records::{Dossier, Feedback, Procedure, Unit, UnitCounts};
use chiso_core::steps::ProcessingStep;
use chiso_core::storage::{Batch, BatchCounts, Inventory, Outcome, Put, QuarantinedRow, Storage};
use chiso_core::time::Instant;

use crate::{PgError, PgStore, PgWriter, PutError};

fn put(r: std::result::Result<Outcome, PutError>) -> std::result::Result<Outcome, Put<PgError>> {
    r.map_err(|e| match e {
        PutError::Store(e) => Put::Failed(e),
        e => Put::Rejected {
            column: e.column(),
            reason: e.to_string(),
        },
    })
}

impl Batch for PgWriter<'_> {
    type Error = PgError;

    fn file(&self) -> &str {
        PgWriter::file(self)
    }
    fn put_unit(&mut self, u: &Unit) -> Result<Outcome, Put<PgError>> {
        put(PgWriter::put_unit(self, u))
    }
    fn put_procedure(&mut self, p: &Procedure) -> Result<Outcome, Put<PgError>> {
        put(PgWriter::put_procedure(self, p))
    }
    fn put_holiday(&mut self, h: &Holiday) -> Result<Outcome, Put<PgError>> {
        put(PgWriter::put_holiday(self, h))
    }
    fn put_dossier(&mut self, d: &Dossier) -> Result<Outcome, Put<PgError>> {
        put(PgWriter::put_dossier(self, d))
    }
    fn put_feedback(&mut self, f: &Feedback) -> Result<Outcome, Put<PgError>> {
        put(PgWriter::put_feedback(self, f))
    }
    fn put_counts(&mut self, c: &UnitCounts) -> Result<Outcome, Put<PgError>> {
        put(PgWriter::put_counts(self, c))
    }
    fn put_step(&mut self, s: &ProcessingStep) -> Result<Outcome, Put<PgError>> {
        put(PgWriter::put_step(self, s))
    }
    fn put_target(&mut self, t: &chiso_core::targets::Target) -> Result<Outcome, Put<PgError>> {
        put(PgWriter::put_target(self, t))
    }
    fn put_published(
        &mut self,
        period: &Period,
        line: usize,
        figures: &PortalFigures,
    ) -> Result<Outcome, Put<PgError>> {
        put(PgWriter::put_published(self, period, line, figures))
    }
    fn reject(
        &mut self,
        line: usize,
        column: Option<&str>,
        reason: &str,
        raw: &str,
    ) -> Result<(), PgError> {
        PgWriter::reject(self, line, column, reason, raw)
    }
    fn put_event(&mut self, dossier_id: &str, seq: i64, body: &str) -> Result<bool, PgError> {
        PgWriter::put_event(self, dossier_id, seq, body)
    }
    fn event_bodies(&self, dossier_id: &str) -> Result<Vec<String>, PgError> {
        PgWriter::event_bodies(self, dossier_id)
    }
    fn commit(self, read: u64) -> Result<BatchCounts, PgError> {
        PgWriter::commit(self, read)
    }
}

impl Storage for PgStore {
    type Batch<'a> = PgWriter<'a>;

    fn batch(&mut self, kind: &str, file: &str) -> Result<PgWriter<'_>, PgError> {
        self.writer(kind, file)
    }
    fn rebuild(&mut self) -> Result<(), PgError> {
        PgStore::rebuild(self)
    }
    fn inventory(&self) -> Result<Inventory, PgError> {
        PgStore::inventory(self)
    }
    fn quarantine(&self) -> Result<Vec<QuarantinedRow>, PgError> {
        PgStore::quarantine(self)
    }
    fn clear_quarantine(&mut self) -> Result<usize, PgError> {
        PgStore::clear_quarantine(self)
    }
    fn holidays(&self) -> Result<Vec<Holiday>, PgError> {
        PgStore::holidays(self)
    }
    fn unit_list(&self) -> Result<Vec<Unit>, PgError> {
        Ok(crate::rows::units(&mut *self.conn()?)?
            .into_iter()
            .map(|(_, u)| u)
            .collect())
    }
    fn procedure_list(&self) -> Result<Vec<Procedure>, PgError> {
        let mut list: Vec<Procedure> = crate::rows::procedures(&mut *self.conn()?)?
            .into_values()
            .collect();
        list.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(list)
    }
    fn steps(&self, dossier_id: &str) -> Result<Vec<ProcessingStep>, PgError> {
        crate::rows::steps(&mut *self.conn()?, dossier_id)
    }
    fn methodologies(&self) -> Result<MethodologySet, PgError> {
        PgStore::methodologies(self)
    }
    fn add_methodology(&mut self, m: &Methodology, text: &str) -> Result<(), PgError> {
        PgStore::add_methodology(self, m, text)
    }
    fn meta(&self, key: &str) -> Result<Option<String>, PgError> {
        PgStore::meta(self, key)
    }
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), PgError> {
        PgStore::set_meta(self, key, value)
    }
    fn declare_as_of(&mut self, at: Instant) -> Result<(), PgError> {
        PgStore::declare_as_of(self, at)
    }
    fn as_of(&self) -> Result<Option<Instant>, PgError> {
        PgStore::as_of(self)
    }
    fn published(&self, period: &Period) -> Result<Vec<PortalFigures>, PgError> {
        PgStore::published(self, period)
    }
    fn published_periods(&self) -> Result<Vec<String>, PgError> {
        PgStore::published_periods(self)
    }
    /// The version every commit bumps (and announces with `NOTIFY`): the same
    /// number on every node.
    fn data_version(&self) -> Result<u64, PgError> {
        PgStore::data_version(self)
    }
}
