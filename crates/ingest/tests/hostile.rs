//! Hostile input is normal input: arbitrary bytes, and real payloads
//! damaged at random (a portal envelope, a JSON array, JSON Lines, a staff
//! export as CSV and as an HTML table), read as every record kind, never
//! panic and account for every row: accepted + rejected = read, each
//! rejection naming the file.

use std::io::Cursor;
use std::sync::Arc;

use chiso_core::records::{ProcedureLevel, UnitKind};
use chiso_ingest::{from_reader_with, Catalogue, Item, ReadOptions, RecordKind};
use proptest::prelude::*;

const ENVELOPE: &str = r#"{"session":"s","madonvi":"000.22.20.H53","service":"DongBoHoSoMC","isUpdating":"False","data":[
{"MaHoSo":"000.22.20.H53-261019-00001","MaTTHC":"1.001","DonViXuLy":"Sở Tư pháp","KenhThucHien":"2","NgayTiepNhan":"20261019135404",
 "NgayHenTra":"2026-10-23 17:00:00","TrangThaiHoSo":"10","NgayKetThucXuLy":"2026-10-22T07:47:28.329","DanhSachLePhi":[{"Gia":"50.000"}],
 "DanhSachGiayToKetQua":[{"DuongDanTepTinKetQua":"http://x"}],"DanhSachHoSoBoSung":[{"NgayBoSung":"20261020080000","NgayTiepNhanBoSung":"20261021080000"}],
 "TaiLieuNop":[{"DuocSoHoa":"1","DuocTaiSuDung":"2","DuocLayTuKhoDMQG":"0"}],"DSKetNoiCSDL":[{"MaCSDL":"7"}]},
{"MaHoSo":"X-2","MaTTHC":"1.001","NgayTiepNhan":"19/10/2026 13:54:04","TrangThaiHoSo":"Đang xử lý"}]}"#;

const STAFF_CSV: &str = "DANH SÁCH HỒ SƠ\n\nSTT,Đơn vị tiếp nhận,Tên thủ tục hành chính,Mã hồ sơ,Trạng thái,Ngày nộp hồ sơ,Ngày nhận,Ngày hẹn trả,Ngày kết thúc xử lý\n\
1,Sở Tư pháp,Chứng thực bản sao,H-1,Đã trả kết quả,19/10/2026 07:50:00,19/10/2026 08:00:00,23/10/2026 17:00:00,22/10/2026 10:00:00\n\
2,UBND xã An Lạc,Chứng thực bản sao,H-2,Mới đăng ký,20/10/2026 21:10:00,,,\n";

const STAFF_HTML: &str = "<html><table><tr><td colspan=3>DANH SÁCH</td></tr><tr><th>Mã hồ sơ</th><th>Đơn vị tiếp nhận</th>\
<th>Tên thủ tục hành chính</th><th>Ngày nhận</th></tr><tr><td>H-1</td><td>Sở Tư pháp</td><td>Chứng thực bản sao</td>\
<td>19/10/2026 08:00:00</td></tr></table></html>";

fn catalogue() -> Arc<Catalogue> {
    Arc::new(Catalogue::new(
        [
            (
                "000.22.20.H53".to_string(),
                "Sở Tư pháp".to_string(),
                UnitKind::Department,
            ),
            (
                "000.01.01.H53".to_string(),
                "UBND xã An Lạc".to_string(),
                UnitKind::Commune,
            ),
        ],
        [(
            "1.001".to_string(),
            "Chứng thực bản sao".to_string(),
            Some(ProcedureLevel::Commune),
        )],
    ))
}

/// Reads `bytes` as `kind`; checks the accounting. A file that cannot be
/// read at all is an error, never a panic.
fn check(kind: RecordKind, bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let options = ReadOptions {
        catalogue: Some(catalogue()),
        unit: None,
    };
    let Ok(mut reader) = from_reader_with(kind, "hostile.bin", None, Cursor::new(bytes), &options)
    else {
        return Ok(());
    };
    let (mut accepted, mut rejected) = (0u64, 0u64);
    for item in reader.by_ref().take(100_000) {
        match item {
            Item::Accepted { .. } => accepted += 1,
            Item::Rejected(r) => {
                prop_assert_eq!(r.file.as_str(), "hostile.bin");
                prop_assert!(!r.reason.is_empty());
                rejected += 1;
            }
        }
    }
    prop_assert_eq!(accepted, reader.accepted());
    prop_assert_eq!(rejected, reader.rejected());
    prop_assert_eq!(accepted + rejected, reader.rows_read());
    Ok(())
}

fn kinds() -> impl Strategy<Value = RecordKind> {
    proptest::sample::select(RecordKind::ALL.to_vec())
}

/// A real payload with a few bytes replaced, inserted or removed.
fn damaged(base: &'static str) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 0..8).prop_map(
        move |edits| {
            let mut bytes = base.as_bytes().to_vec();
            for (at, byte, how) in edits {
                if bytes.is_empty() {
                    break;
                }
                let i = at.index(bytes.len());
                match how {
                    0 => bytes[i] = byte,
                    1 => bytes.insert(i, byte),
                    _ => {
                        bytes.remove(i);
                    }
                }
            }
            bytes
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_bytes(kind in kinds(), bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(kind, bytes)?;
    }

    #[test]
    fn arbitrary_text_starting_like_each_format(
        kind in kinds(),
        start in proptest::sample::select(vec!["{", "[", "<table><tr><td>", "\u{feff}", "PK\u{3}\u{4}", "MaHoSo,NgayTiepNhan\n"]),
        rest in "[\\[\\]{}\":,<>/a-zA-Z0-9 \n\r\tđĐáàảãạ&;#.-]{0,400}",
    ) {
        check(kind, format!("{start}{rest}").into_bytes())?;
    }

    #[test]
    fn damaged_envelopes(kind in kinds(), bytes in damaged(ENVELOPE)) {
        check(kind, bytes)?;
    }

    #[test]
    fn damaged_staff_exports(csv in damaged(STAFF_CSV), html in damaged(STAFF_HTML)) {
        check(RecordKind::Dossiers, csv)?;
        check(RecordKind::Dossiers, html)?;
    }
}

#[test]
fn the_undamaged_payloads_read_whole() {
    let options = ReadOptions {
        catalogue: Some(catalogue()),
        unit: None,
    };
    for (text, accepted) in [(ENVELOPE, 2), (STAFF_CSV, 2), (STAFF_HTML, 1)] {
        let reader = from_reader_with(
            RecordKind::Dossiers,
            "ok",
            None,
            Cursor::new(text.as_bytes().to_vec()),
            &options,
        )
        .expect("readable");
        let items: Vec<Item> = reader.collect();
        let ok = items
            .iter()
            .filter(|i| matches!(i, Item::Accepted { .. }))
            .count();
        assert_eq!(ok, accepted, "{items:?}");
    }
}
