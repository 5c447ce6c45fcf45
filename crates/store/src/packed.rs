//! Per unit and month, the use of each procedure packed in one BLOB: a
//! mergeable set of procedure codes with counts (so a replaced dossier can be
//! taken out). One row per unit-month keeps scoring's reads small.
//!
//! Layout: for each procedure in increasing id order, five little-endian i64:
//! procedure id, dossiers, online, paid online, synchronised with fee data.

use std::collections::BTreeMap;

use chiso_core::measures::{ProcedureId, ProcedureUse};

use crate::StoreError;

const FIELDS: usize = 5;
const ENTRY: usize = FIELDS * 8;

pub(crate) fn encode(uses: &BTreeMap<ProcedureId, ProcedureUse>) -> Vec<u8> {
    let mut out = Vec::with_capacity(uses.len() * ENTRY);
    for (id, u) in uses {
        for v in [
            *id as i64,
            u.dossiers,
            u.online,
            u.paid_online,
            u.synced_fee,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out
}

pub(crate) fn decode(blob: &[u8]) -> Result<BTreeMap<ProcedureId, ProcedureUse>, StoreError> {
    if !blob.len().is_multiple_of(ENTRY) {
        return Err(StoreError::Corrupt {
            table: "procedure_use",
            detail: format!("{} bytes", blob.len()),
        });
    }
    let mut out = BTreeMap::new();
    for entry in blob.chunks_exact(ENTRY) {
        let mut v = [0i64; FIELDS];
        for (i, field) in entry.chunks_exact(8).enumerate() {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(field);
            v[i] = i64::from_le_bytes(bytes);
        }
        let id = ProcedureId::try_from(v[0]).map_err(|_| StoreError::Corrupt {
            table: "procedure_use",
            detail: format!("procedure id {}", v[0]),
        })?;
        out.insert(
            id,
            ProcedureUse {
                dossiers: v[1],
                online: v[2],
                paid_online: v[3],
                synced_fee: v[4],
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let uses: BTreeMap<ProcedureId, ProcedureUse> = [
            (
                3,
                ProcedureUse {
                    dossiers: 5,
                    online: 2,
                    paid_online: 1,
                    synced_fee: 0,
                },
            ),
            (
                70_000,
                ProcedureUse {
                    dossiers: 1 << 40,
                    online: 0,
                    paid_online: 0,
                    synced_fee: 1,
                },
            ),
        ]
        .into_iter()
        .collect();
        assert_eq!(decode(&encode(&uses)).unwrap(), uses);
        assert!(decode(&[1, 2, 3]).is_err());
    }
}
