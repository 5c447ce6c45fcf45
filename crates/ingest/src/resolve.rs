//! Placing a dossier in a unit and a procedure when the record does not
//! give their codes: the portal's records carry no unit code, staff exports
//! name units and procedures instead of coding them.
//!
//! The unit comes from the record if present, else the envelope's
//! `madonvi` (or the push's `?MaDinhDanhDV=`), else the prefix of `MaHoSo`
//! (`000.22.20.H53-261019-00001`), else `DonViXuLy` looked up by name in the
//! unit catalogue (accents and case ignored). The procedure comes from its
//! code, else its name in the procedure catalogue.

use std::collections::HashMap;

use chiso_core::records::{ProcedureLevel, UnitKind};

use crate::text::{fold_name, fold_unit_name};

/// The units and procedures already known, for resolving names.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    units: HashMap<String, UnitKind>,
    unit_names: HashMap<String, Vec<(String, String)>>,
    procedures: HashMap<String, Option<ProcedureLevel>>,
    procedure_names: HashMap<String, Vec<(String, Option<ProcedureLevel>)>>,
}

impl Catalogue {
    /// A catalogue of units `(code, name, kind)` and procedures `(code, name, level)`.
    pub fn new(
        units: impl IntoIterator<Item = (String, String, UnitKind)>,
        procedures: impl IntoIterator<Item = (String, String, Option<ProcedureLevel>)>,
    ) -> Catalogue {
        let mut c = Catalogue::default();
        for (code, name, kind) in units {
            c.unit_names
                .entry(fold_unit_name(&name))
                .or_default()
                .push((code.clone(), name));
            c.units.insert(code, kind);
        }
        for (code, name, level) in procedures {
            c.procedure_names
                .entry(fold_name(&name))
                .or_default()
                .push((code.clone(), level));
            c.procedures.insert(code, level);
        }
        c
    }

    /// Whether a unit code is known.
    pub fn has_unit(&self, code: &str) -> bool {
        self.units.contains_key(code)
    }

    fn unit_by_name(&self, name: &str) -> Result<String, String> {
        match self
            .unit_names
            .get(&fold_unit_name(name))
            .map(Vec::as_slice)
        {
            Some([(code, _)]) => Ok(code.clone()),
            Some(many) if many.len() > 1 => Err(format!(
                "tên đơn vị '{}' khớp {} đơn vị: {}; ghi mã đơn vị (MaCoQuan) thay cho tên",
                crate::build::show(name),
                many.len(),
                list(many.iter().map(|(c, n)| format!("{c} {n}")))
            )),
            _ => Err(format!(
                "không tìm thấy đơn vị tên '{}' trong danh mục đơn vị: nhập danh mục đơn vị trước \
                 (chiso import units) hoặc ghi mã đơn vị",
                crate::build::show(name)
            )),
        }
    }

    fn procedure_by_name(&self, name: &str, unit: Option<&str>) -> Result<String, String> {
        let Some(found) = self.procedure_names.get(&fold_name(name)) else {
            return Err(format!(
                "không tìm thấy thủ tục tên '{}' trong danh mục thủ tục: nhập danh mục thủ tục trước \
                 (chiso import procedures) hoặc ghi mã thủ tục (MaTTHC)",
                crate::build::show(name)
            ));
        };
        if let [(code, _)] = found.as_slice() {
            return Ok(code.clone());
        }
        // The same name at several levels: the one done at the unit's level.
        let level = unit.and_then(|u| self.units.get(u)).and_then(|k| match k {
            UnitKind::Commune => Some(ProcedureLevel::Commune),
            UnitKind::District => Some(ProcedureLevel::District),
            UnitKind::Department | UnitKind::Province => Some(ProcedureLevel::Province),
            UnitKind::Ministry => Some(ProcedureLevel::Ministry),
            UnitKind::Other => None,
        });
        let at_level: Vec<&String> = found
            .iter()
            .filter(|(_, l)| level.is_some() && *l == level)
            .map(|(c, _)| c)
            .collect();
        if let [code] = at_level.as_slice() {
            return Ok((*code).clone());
        }
        Err(format!(
            "tên thủ tục '{}' khớp {} thủ tục: {}; ghi mã thủ tục (MaTTHC) thay cho tên",
            crate::build::show(name),
            found.len(),
            list(found.iter().map(|(c, _)| c.clone()))
        ))
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let mut text = items.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > 5 {
        text.push_str(&format!(" và {} nữa", items.len() - 5));
    }
    text
}

/// Which rule placed a dossier in its unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placement {
    /// The record's own unit field (`unit_code`, `MaCoQuan`, …).
    Record,
    /// The envelope's `madonvi`, or the push's `MaDinhDanhDV` parameter.
    Envelope,
    /// The prefix of `MaHoSo`.
    IdPrefix,
    /// `DonViXuLy` (or a staff export's unit column) looked up by name.
    UnitName,
}

impl Placement {
    pub const ALL: [Placement; 4] = [
        Placement::Record,
        Placement::Envelope,
        Placement::IdPrefix,
        Placement::UnitName,
    ];

    /// How the import summary says it.
    pub fn label_vi(self) -> &'static str {
        match self {
            Placement::Record => "mã đơn vị ghi trong hồ sơ",
            Placement::Envelope => "mã đơn vị của gói đồng bộ (madonvi / MaDinhDanhDV)",
            Placement::IdPrefix => "tiền tố của mã hồ sơ",
            Placement::UnitName => "tên đơn vị xử lý tra trong danh mục",
        }
    }
}

/// The unit of a dossier whose record gives none; `Err` says why none fits.
pub(crate) fn place_unit(
    catalogue: Option<&Catalogue>,
    hint: Option<&str>,
    id: &str,
    unit_name: &str,
) -> Result<(String, Placement), String> {
    if let Some(h) = hint.filter(|h| !h.trim().is_empty()) {
        return Ok((h.trim().to_string(), Placement::Envelope));
    }
    if let Some((prefix, _)) = id.split_once('-') {
        let prefix = prefix.trim();
        let known = match catalogue {
            Some(c) => c.has_unit(prefix),
            None => prefix.contains('.'),
        };
        if known {
            return Ok((prefix.to_string(), Placement::IdPrefix));
        }
    }
    if !unit_name.is_empty() {
        return match catalogue {
            Some(c) => c
                .unit_by_name(unit_name)
                .map(|code| (code, Placement::UnitName)),
            None => Err("hồ sơ chỉ ghi tên đơn vị: cần danh mục đơn vị để tra mã".to_string()),
        };
    }
    Err(
        "không xác định được đơn vị xử lý: hồ sơ không có mã đơn vị, gói không có madonvi, mã hồ sơ \
         không bắt đầu bằng mã một đơn vị đã biết và không có tên đơn vị (DonViXuLy); ghi mã đơn vị \
         (MaCoQuan) hoặc gọi với ?MaDinhDanhDV="
            .to_string(),
    )
}

/// The procedure of a dossier that names its procedure only.
pub(crate) fn place_procedure(
    catalogue: Option<&Catalogue>,
    name: &str,
    unit: Option<&str>,
) -> Result<String, String> {
    match catalogue {
        Some(c) => c.procedure_by_name(name, unit),
        None => Err("hồ sơ chỉ ghi tên thủ tục: cần danh mục thủ tục để tra mã".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::new(
            [
                (
                    "000.22.20.H53".to_string(),
                    "Sở Tư pháp".to_string(),
                    UnitKind::Department,
                ),
                (
                    "000.01.01.H53".to_string(),
                    "UBND xã Tân Hòa".to_string(),
                    UnitKind::Commune,
                ),
                (
                    "000.01.02.H53".to_string(),
                    "UBND xã An Lạc".to_string(),
                    UnitKind::Commune,
                ),
                (
                    "000.01.03.H53".to_string(),
                    "UBND xã An Lạc".to_string(),
                    UnitKind::Commune,
                ),
            ],
            [
                (
                    "1.001".to_string(),
                    "Đăng ký khai sinh".to_string(),
                    Some(ProcedureLevel::Commune),
                ),
                (
                    "2.001".to_string(),
                    "Cấp bản sao trích lục".to_string(),
                    Some(ProcedureLevel::Commune),
                ),
                (
                    "2.002".to_string(),
                    "Cấp bản sao trích lục".to_string(),
                    Some(ProcedureLevel::Province),
                ),
            ],
        )
    }

    #[test]
    fn every_rule_places() {
        let c = catalogue();
        let place = |hint, id, name| place_unit(Some(&c), hint, id, name);
        assert_eq!(
            place(Some("000.01.01.H53"), "X-1", "Sở Tư pháp").unwrap(),
            ("000.01.01.H53".into(), Placement::Envelope)
        );
        assert_eq!(
            place(None, "000.22.20.H53-261019-00001", "").unwrap(),
            ("000.22.20.H53".into(), Placement::IdPrefix)
        );
        assert_eq!(
            place(None, "HS-1", "Ủy ban nhân dân Xã Tân Hoà").unwrap(),
            ("000.01.01.H53".into(), Placement::UnitName)
        );
        let many = place(None, "HS-1", "UBND xã An Lạc").unwrap_err();
        assert!(
            many.contains("000.01.02.H53") && many.contains("000.01.03.H53"),
            "{many}"
        );
        assert!(place(None, "HS-1", "Sở Không Có")
            .unwrap_err()
            .contains("không tìm thấy"));
        assert!(place(None, "HS1", "").is_err());
        // Without a catalogue a prefix that looks like a unit code is taken.
        assert_eq!(
            place_unit(None, None, "000.22.20.H53-261019-00001", "")
                .unwrap()
                .1,
            Placement::IdPrefix
        );
    }

    #[test]
    fn procedures_by_name_and_level() {
        let c = catalogue();
        assert_eq!(
            place_procedure(Some(&c), "đăng ký KHAI SINH", None).unwrap(),
            "1.001"
        );
        assert_eq!(
            place_procedure(Some(&c), "Cấp bản sao trích lục", Some("000.22.20.H53")).unwrap(),
            "2.002"
        );
        let err = place_procedure(Some(&c), "Cấp bản sao trích lục", None).unwrap_err();
        assert!(err.contains("2.001") && err.contains("2.002"), "{err}");
        assert!(place_procedure(None, "x", None).is_err());
    }
}
