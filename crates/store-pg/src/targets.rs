//! Targets (`targets`): assigned per unit (chỉ tiêu giao) or a government
//! goal (no unit), one per unit, year and criterion, replaced by a
//! re-import; read back as `chiso_core::targets::Target`, in the order the
//! SQLite store gives.

use chiso_core::storage::Outcome;
use chiso_core::targets::Target;

use crate::{PgStore, PgWriter, PutError, Result};

impl PgStore {
    /// Every target kept: goals first, then by unit code, year and criterion.
    pub fn targets(&self) -> Result<Vec<Target>> {
        self.conn()?
            .query(
                "SELECT u.code, t.year, t.criterion, t.value, t.source FROM targets t \
                 LEFT JOIN units u ON u.id = t.unit_id \
                 ORDER BY u.code IS NOT NULL, u.code COLLATE \"C\", t.year, t.criterion COLLATE \"C\"",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(Target {
                    unit_code: r.try_get(0)?,
                    year: r.try_get(1)?,
                    criterion: r.try_get(2)?,
                    value: r.try_get(3)?,
                    source: r.try_get(4)?,
                })
            })
            .collect()
    }
}

impl PgWriter<'_> {
    /// Puts one target, replacing the one with the same unit, year and criterion.
    pub fn put_target(&mut self, t: &Target) -> std::result::Result<Outcome, PutError> {
        let unit = t
            .unit_code
            .as_deref()
            .map(|u| self.unit_id("unit_code", u).map(i64::from))
            .transpose()?;
        Ok(self.put_target_row(unit, t)?)
    }
}
