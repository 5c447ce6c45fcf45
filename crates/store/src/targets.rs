//! Targets (`targets`, migration 9): assigned per unit (chỉ tiêu giao) or a
//! government goal (no unit), one per unit, year and criterion, replaced by
//! a re-import; read back as `chiso_core::targets::Target`.

use chiso_core::targets::Target;
use rusqlite::params;

use crate::{PutError, Result, Store, Writer};

impl Store {
    /// Every target kept: goals first, then by unit code, year and criterion.
    pub fn targets(&self) -> Result<Vec<Target>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT u.code, t.year, t.criterion, t.value, t.source FROM targets t \
             LEFT JOIN units u ON u.id = t.unit_id ORDER BY u.code IS NOT NULL, u.code, t.year, \
             t.criterion",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Target {
                unit_code: r.get(0)?,
                year: r.get(1)?,
                criterion: r.get(2)?,
                value: r.get(3)?,
                source: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Writer<'_> {
    /// Puts one target, replacing the one with the same unit, year and criterion.
    pub fn put_target(&mut self, t: &Target) -> std::result::Result<crate::Outcome, PutError> {
        let unit = t
            .unit_code
            .as_deref()
            .map(|u| self.unit_id("unit_code", u))
            .transpose()?;
        let replaced = self
            .tx
            .prepare_cached(
                "DELETE FROM targets WHERE coalesce(unit_id, 0) = coalesce(?1, 0) AND year = ?2 \
                 AND criterion = ?3",
            )?
            .execute(params![unit, t.year, t.criterion])?
            > 0;
        self.tx
            .prepare_cached(
                "INSERT INTO targets(unit_id, year, criterion, value, source, import_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                unit,
                t.year,
                t.criterion,
                t.value,
                t.source,
                self.import_id
            ])?;
        Ok(self.outcome(replaced))
    }
}
