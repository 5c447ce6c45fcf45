//! One JSON document, as the national portal's synchronisation services
//! and catalogue answers carry them: an envelope `{session, madonvi,
//! service, isUpdating, data: [...]}` (DongBoHoSoMC, CapNhatTienDoHoSoMC), an
//! answer `{error_code, message, result: [...]}` (LayDanhMucCoQuan,
//! LayThuTuc), a bare array of records, or one record; pretty-printed or
//! not. Each record is one row, numbered by the line it starts on; the
//! quarantine keeps its JSON text exactly as sent.
//!
//! The document is held in memory (up to [`MAX_BYTES`]) and each record is
//! only located when the file is opened (a borrowed `RawValue`), then parsed
//! when its turn comes.

use std::io::Read;

use serde_json::value::RawValue;
use serde_json::Value;

use crate::json_source::{record_item, KeyCache};
use crate::text::fold_key;
use crate::{Ctx, IngestError, Item, RecordKind};

/// The largest JSON document read; a larger push should be split (the
/// portal's own calls carry a few hundred records) or sent as JSON Lines.
pub(crate) const MAX_BYTES: u64 = 1 << 30;

pub(crate) struct JsonDocSource {
    text: Vec<u8>,
    /// Byte ranges of the records, in order.
    records: Vec<(usize, usize)>,
    next: usize,
    /// Lines counted up to `line_at.0`: `line_at.1`.
    line_at: (usize, usize),
    sync: bool,
    keys: KeyCache,
}

/// What a portal service name says the payload holds.
fn service_kind(service: &str) -> Option<(RecordKind, &'static str)> {
    Some(match fold_key(service).as_str() {
        "dongbohosomc" => (RecordKind::Dossiers, "đồng bộ hồ sơ"),
        "capnhattiendohosomc" => (RecordKind::Steps, "tiến độ xử lý hồ sơ"),
        "laydanhmuccoquan" => (RecordKind::Units, "danh mục cơ quan"),
        "laythutuc" | "laydanhsachtthc" => (RecordKind::Procedures, "danh sách thủ tục"),
        _ => return None,
    })
}

fn scalar_text(raw: &RawValue) -> String {
    match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::String(s)) => s.trim().to_string(),
        Ok(Value::Number(n)) => n.to_string(),
        Ok(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

impl JsonDocSource {
    pub fn open(ctx: &mut Ctx, input: Box<dyn Read + Send>) -> Result<JsonDocSource, IngestError> {
        let file = ctx.file.clone();
        let mut text = Vec::new();
        input
            .take(MAX_BYTES + 1)
            .read_to_end(&mut text)
            .map_err(|source| IngestError::Io {
                file: file.clone(),
                source,
            })?;
        if text.len() as u64 > MAX_BYTES {
            return Err(IngestError::TooLarge {
                file,
                limit_mib: MAX_BYTES >> 20,
            });
        }
        let bom = if text.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let body = &text[bom..];
        let not_json = |e: serde_json::Error| IngestError::NotJson {
            file: file.clone(),
            message: e.to_string(),
        };
        let base = text.as_ptr() as usize;
        let range = |r: &RawValue| {
            let start = r.get().as_ptr() as usize - base;
            (start, start + r.get().len())
        };
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        let mut sync = false;
        let records: Vec<(usize, usize)> = if first == Some(&b'[') {
            let items: Vec<&RawValue> = serde_json::from_slice(body).map_err(not_json)?;
            sync = ctx.kind == RecordKind::Dossiers;
            items.into_iter().map(range).collect()
        } else {
            let fields: Vec<(String, &RawValue)> =
                serde_json::from_slice::<std::collections::BTreeMap<String, &RawValue>>(body)
                    .map_err(not_json)?
                    .into_iter()
                    .collect();
            let find = |names: &[&str]| {
                fields
                    .iter()
                    .find(|(k, _)| names.iter().any(|n| fold_key(k) == *n))
                    .map(|(_, v)| *v)
            };
            let list = find(&["data", "result", "items"]).filter(|v| v.get().starts_with('['));
            match list {
                None if find(&["errorcode"]).is_some() => {
                    let code = find(&["errorcode"]).map(scalar_text).unwrap_or_default();
                    let message = find(&["message"]).map(scalar_text).unwrap_or_default();
                    if code != "0" {
                        return Err(IngestError::PortalError {
                            file,
                            code,
                            message,
                        });
                    }
                    Vec::new()
                }
                // One record on its own.
                None => vec![(bom, text.len())],
                Some(list) => {
                    if let Some(service) = find(&["service"]).map(scalar_text) {
                        if let Some((kind, what)) = service_kind(&service) {
                            if kind != ctx.kind {
                                return Err(IngestError::WrongService {
                                    file,
                                    service,
                                    what,
                                    kind: ctx.kind.code(),
                                    hint: kind.code(),
                                });
                            }
                        }
                    }
                    if let Some(unit) = find(&["madonvi", "madinhdanhdv"]).map(scalar_text) {
                        if !unit.is_empty() {
                            ctx.options.unit = Some(unit);
                        }
                    }
                    if let Some(code) = find(&["errorcode"]).map(scalar_text) {
                        if code != "0" && !code.is_empty() {
                            let message = find(&["message"]).map(scalar_text).unwrap_or_default();
                            return Err(IngestError::PortalError {
                                file,
                                code,
                                message,
                            });
                        }
                    }
                    sync = ctx.kind == RecordKind::Dossiers;
                    let items: Vec<&RawValue> =
                        serde_json::from_str(list.get()).map_err(not_json)?;
                    items.into_iter().map(range).collect()
                }
            }
        };
        Ok(JsonDocSource {
            text,
            records,
            next: 0,
            line_at: (0, 1),
            sync,
            keys: KeyCache::default(),
        })
    }

    /// An estimate of the bytes read so far, by records.
    pub fn progress(&self, total: u64) -> u64 {
        let n = self.records.len().max(1) as u64;
        total.saturating_mul(self.next as u64) / n
    }

    pub fn next(&mut self, ctx: &mut Ctx) -> Option<Item> {
        let &(start, end) = self.records.get(self.next)?;
        self.next += 1;
        let (at, line) = self.line_at;
        let line = line + self.text[at..start].iter().filter(|&&b| b == b'\n').count();
        self.line_at = (start, line);
        let bytes = &self.text[start..end];
        let raw = || String::from_utf8_lossy(bytes).into_owned();
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Some(record_item(ctx, &mut self.keys, line, &map, self.sync, &raw)),
            Ok(_) => Some(ctx.reject(
                line,
                None,
                "bản ghi không phải một đối tượng JSON {…}: mỗi phần tử của data phải là một đối tượng"
                    .to_string(),
                raw(),
            )),
            Err(e) => Some(ctx.reject(
                line,
                None,
                format!("bản ghi không phải JSON hợp lệ ({e})"),
                raw(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{from_text, Format, Item, Record, RecordKind};

    #[test]
    fn envelope_array_and_single_record() {
        let envelope = r#"{
  "session": "abc", "madonvi": "000.22.20.H53", "service": "DongBoHoSoMC", "isUpdating": "False",
  "data": [
    {"MaHoSo": "X-1", "MaTTHC": "1.001", "NgayTiepNhan": "20261019135404", "TrangThaiHoSo": "4"},
    {"MaHoSo": "X-2", "MaTTHC": "1.001", "NgayTiepNhan": "2026-10-19 13:54:04", "TrangThaiHoSo": "10",
     "NgayKetThucXuLy": "2026-10-20T07:47:28.329"}
  ]
}"#;
        let r = from_text(RecordKind::Dossiers, "e.json", Format::Json, envelope).unwrap();
        let items: Vec<Item> = r.collect();
        assert_eq!(items.len(), 2);
        let Item::Accepted {
            line,
            record: Record::Dossier(d),
        } = &items[1]
        else {
            panic!("{items:?}")
        };
        assert_eq!(*line, 5);
        assert_eq!(d.unit_code, "000.22.20.H53");
        assert!(d.synced);
        let array =
            r#"[{"MaHoSo": "000.22.20.H53-1", "MaTTHC": "1", "NgayTiepNhan": "20261019135404"}]"#;
        let items: Vec<Item> = from_text(RecordKind::Dossiers, "a.json", Format::Json, array)
            .unwrap()
            .collect();
        assert!(
            matches!(&items[0], Item::Accepted { record: Record::Dossier(d), .. } if d.unit_code == "000.22.20.H53" && d.synced)
        );
    }

    #[test]
    fn wrong_service_and_portal_errors() {
        let steps = r#"{"service": "CapNhatTienDoHoSoMC", "data": []}"#;
        let err = from_text(RecordKind::Dossiers, "s.json", Format::Json, steps)
            .err()
            .unwrap();
        assert!(err.to_string().contains("chiso import steps"), "{err}");
        let failed = r#"{"error_code": "-1", "message": "Phiên hết hạn"}"#;
        let err = from_text(RecordKind::Units, "u.json", Format::Json, failed)
            .err()
            .unwrap();
        assert!(err.to_string().contains("Phiên hết hạn"), "{err}");
    }
}
