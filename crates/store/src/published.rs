//! The national portal's published figures (`published_scores`, migration
//! 3): imported like any file (one import, rejected rows in quarantine,
//! `read = inserted + replaced + rejected`), one row per unit and period,
//! and read back as `chiso_core::reconcile::PortalFigures` for a period.

use chiso_core::period::Period;
use chiso_core::reconcile::PortalFigures;
use rusqlite::params;

use crate::{PutError, Result, Store, Writer};

impl Store {
    /// The published figures of a period, by unit code.
    pub fn published(&self, period: &Period) -> Result<Vec<PortalFigures>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT u.code, p.name, p.ckmb, p.tdgq, p.tttt, p.clgq, p.mdhl, p.mdsh, p.total \
             FROM published_scores p JOIN units u ON u.id = p.unit_id WHERE p.period = ?1 \
             ORDER BY u.code",
        )?;
        let rows = stmt.query_map([period.code()], |r| {
            let mut groups = [None; 6];
            for (i, g) in groups.iter_mut().enumerate() {
                *g = r.get(i + 2)?;
            }
            Ok(PortalFigures {
                unit_code: r.get(0)?,
                name: r.get(1)?,
                groups,
                total: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The periods with published figures, latest import first.
    pub fn published_periods(&self) -> Result<Vec<String>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT period FROM published_scores GROUP BY period ORDER BY max(import_id) DESC",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Writer<'_> {
    /// Puts one published row, replacing the unit's row for the same period.
    pub fn put_published(
        &mut self,
        period: &Period,
        line: usize,
        f: &PortalFigures,
    ) -> std::result::Result<crate::Outcome, PutError> {
        let unit = self.unit_id("ID", &f.unit_code)?;
        let replaced = self
            .tx
            .prepare_cached("DELETE FROM published_scores WHERE period = ?1 AND unit_id = ?2")?
            .execute(params![period.code(), unit])?
            > 0;
        self.tx
            .prepare_cached(
                "INSERT INTO published_scores(unit_id, period, import_id, line, name, ckmb, tdgq, \
                 tttt, clgq, mdhl, mdsh, total) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, \
                 ?11, ?12)",
            )?
            .execute(params![
                unit,
                period.code(),
                self.import_id,
                line as i64,
                f.name,
                f.groups[0],
                f.groups[1],
                f.groups[2],
                f.groups[3],
                f.groups[4],
                f.groups[5],
                f.total
            ])?;
        Ok(self.outcome(replaced))
    }
}
