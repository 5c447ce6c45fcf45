//! The national portal's published figures (`published_scores`): imported
//! like any file (one import, rejected rows in quarantine,
//! `read = inserted + replaced + rejected`), one row per unit and period, and
//! read back as `chiso_core::reconcile::PortalFigures` for a period.

use chiso_core::period::Period;
use chiso_core::reconcile::PortalFigures;
use chiso_core::storage::Outcome;

use crate::{PgStore, PgWriter, PutError, Result};

/// The import kind of published figures (in `imports` and `quarantine`), as
/// the SQLite store names it.
impl PgStore {
    /// The published figures of a period, by unit code.
    pub fn published(&self, period: &Period) -> Result<Vec<PortalFigures>> {
        self.conn()?
            .query(
                "SELECT u.code, p.name, p.ckmb, p.tdgq, p.tttt, p.clgq, p.mdhl, p.mdsh, p.total \
                 FROM published_scores p JOIN units u ON u.id = p.unit_id WHERE p.period = $1 \
                 ORDER BY u.code COLLATE \"C\"",
                &[&period.code()],
            )?
            .iter()
            .map(|r| {
                let mut groups = [None; 6];
                for (i, g) in groups.iter_mut().enumerate() {
                    *g = r.try_get(i + 2)?;
                }
                Ok(PortalFigures {
                    unit_code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    groups,
                    total: r.try_get(8)?,
                })
            })
            .collect()
    }

    /// The periods with published figures, latest import first.
    pub fn published_periods(&self) -> Result<Vec<String>> {
        self.conn()?
            .query(
                "SELECT period FROM published_scores GROUP BY period ORDER BY max(import_id) DESC",
                &[],
            )?
            .iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect()
    }
}

impl PgWriter<'_> {
    /// Puts one published row, replacing the unit's row for the same period.
    pub fn put_published(
        &mut self,
        period: &Period,
        line: usize,
        f: &PortalFigures,
    ) -> std::result::Result<Outcome, PutError> {
        let unit = self.unit_id("ID", &f.unit_code)?;
        let g = f.groups;
        Ok(self.put_published_row(
            unit,
            &period.code(),
            line as i64,
            &f.name,
            [g[0], g[1], g[2], g[3], g[4], g[5], f.total],
        )?)
    }
}
