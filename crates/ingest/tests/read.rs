//! Reading each record kind from CSV, JSON Lines and XLSX, and every kind of
//! row that must be rejected.

use std::io::Cursor;
use std::path::Path;

use chiso_core::records::{
    Channel, DossierStatus, FeedbackOutcome, OnlineLevel, ProcedureLevel, Rating, UnitKind,
};
use chiso_core::time::{parse_instant, Date, Instant, Month};
use chiso_ingest::{
    from_reader, from_text, open, Format, IngestError, Item, Reader, Record, RecordKind, Rejected,
};

/// Everything a reader gives, split, with the counters checked.
struct Read {
    accepted: Vec<(usize, Record)>,
    rejected: Vec<Rejected>,
    reader: Reader,
}

fn drain(mut reader: Reader) -> Read {
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for item in reader.by_ref() {
        match item {
            Item::Accepted { line, record } => accepted.push((line, record)),
            Item::Rejected(r) => rejected.push(r),
        }
    }
    assert_eq!(reader.accepted() as usize, accepted.len());
    assert_eq!(reader.rejected() as usize, rejected.len());
    assert_eq!(reader.rows_read() as usize, accepted.len() + rejected.len());
    Read {
        accepted,
        rejected,
        reader,
    }
}

fn csv(kind: RecordKind, text: &str) -> Read {
    drain(from_text(kind, "test.csv", Format::Csv, text).expect("readable"))
}

fn jsonl(kind: RecordKind, text: &str) -> Read {
    drain(from_text(kind, "test.jsonl", Format::JsonLines, text).expect("readable"))
}

fn at(text: &str) -> Instant {
    parse_instant(text).expect("test instant").instant
}

fn day(text: &str) -> Date {
    Date::parse(text).expect("test date")
}

fn dossiers(read: &Read) -> Vec<&chiso_core::records::Dossier> {
    read.accepted
        .iter()
        .map(|(_, r)| match r {
            Record::Dossier(d) => d,
            other => panic!("not a dossier: {other:?}"),
        })
        .collect()
}

fn rejection(read: &Read, line: usize) -> &Rejected {
    read.rejected
        .iter()
        .find(|r| r.line == line)
        .unwrap_or_else(|| panic!("no rejection on line {line}: {:?}", read.rejected))
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

// ---------------------------------------------------------------- units

#[test]
fn units_with_english_and_vietnamese_headers() {
    let english = "code,name,parent_code,kind,valid_from,valid_to,successor_code,scored\n\
        000.00.00.H53,UBND tỉnh Tây Ninh,,province,,,,\n\
        000.20.30.H53,Sở Tư pháp,000.00.00.H53,department,2020-01-01,31/12/2024,000.21.30.H53,1\n\
        000.99.30.H53,Thanh tra tỉnh,000.00.00.H53,khác,,,,không\n";
    let r = csv(RecordKind::Units, english);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!(r.accepted.len(), 3);
    let Record::Unit(u) = &r.accepted[1].1 else {
        panic!()
    };
    assert_eq!(r.accepted[1].0, 3);
    assert_eq!(u.code, "000.20.30.H53");
    assert_eq!(u.parent_code.as_deref(), Some("000.00.00.H53"));
    assert_eq!(u.kind, UnitKind::Department);
    assert_eq!(u.valid_from, Some(day("2020-01-01")));
    assert_eq!(u.valid_to, Some(day("2024-12-31")));
    assert_eq!(u.successor_code.as_deref(), Some("000.21.30.H53"));
    assert!(u.scored);
    let Record::Unit(top) = &r.accepted[0].1 else {
        panic!()
    };
    assert_eq!(top.parent_code, None);
    assert!(top.scored, "scored defaults to true when the cell is empty");
    let Record::Unit(inspect) = &r.accepted[2].1 else {
        panic!()
    };
    assert_eq!(inspect.kind, UnitKind::Other);
    assert!(!inspect.scored);

    let vietnamese =
        "MaDinhDanh,TenDonVi,MaDonViCha,LoaiDonVi\n000.00.00.H53,UBND tỉnh Tây Ninh,,tỉnh\n";
    let r = csv(RecordKind::Units, vietnamese);
    let Record::Unit(u) = &r.accepted[0].1 else {
        panic!()
    };
    assert_eq!(u.kind, UnitKind::Province);
    assert!(
        u.scored,
        "scored defaults to true when the column is absent"
    );
    assert_eq!(
        r.reader.missing_columns(),
        ["valid_from", "valid_to", "successor_code", "scored"]
    );
}

// ---------------------------------------------------------------- procedures

#[test]
fn procedures_with_english_and_vietnamese_headers() {
    let english = "code,name,level,field,online_level,full_online_eligible,has_fee,paper_result,max_days,\
citizen_facing,decision_date,legal_effective_date,published_at,complete_parts,citizen_data_connected\n\
1.001234,Cấp phiếu lý lịch tư pháp,province,Lý lịch tư pháp,full,1,true,có,10,1,2023-01-05,01/02/2023,2023-02-10,1,0\n";
    let r = csv(RecordKind::Procedures, english);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let Record::Procedure(p) = &r.accepted[0].1 else {
        panic!()
    };
    assert_eq!(p.level, Some(ProcedureLevel::Province));
    assert_eq!(p.online_level, OnlineLevel::Full);
    assert!(
        p.full_online_eligible
            && p.has_fee
            && p.paper_result
            && p.citizen_facing
            && p.complete_parts
    );
    assert!(!p.citizen_data_connected);
    assert_eq!(p.max_days, Some(10));
    assert_eq!(p.decision_date, Some(day("2023-01-05")));
    assert_eq!(p.legal_effective_date, Some(day("2023-02-01")));
    assert_eq!(p.field, "Lý lịch tư pháp");
    assert!(r.reader.missing_columns().is_empty());

    let vietnamese = "MaTTHC,TenTTHC,CapThucHien,LinhVuc,MucDoDVC,CoPhiLePhi,ThoiHanGiaiQuyet,NgayQuyetDinhCongBo,\
NgayHieuLuc,NgayCongKhai\n2.000001,Đăng ký khai sinh,cấp xã,Hộ tịch,một phần,không,,2022-03-01,,2022-04-01\n";
    let r = csv(RecordKind::Procedures, vietnamese);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let Record::Procedure(p) = &r.accepted[0].1 else {
        panic!()
    };
    assert_eq!(p.code, "2.000001");
    assert_eq!(p.level, Some(ProcedureLevel::Commune));
    assert_eq!(p.online_level, OnlineLevel::Partial);
    assert_eq!(p.max_days, None);
    assert!(!p.has_fee && !p.paper_result);
    assert_eq!(p.published_at, Some(day("2022-04-01")));
    assert!(r
        .reader
        .missing_columns()
        .contains(&"citizen_data_connected".to_string()));
}

// ---------------------------------------------------------------- dossiers

const DOSSIER_HEADER: &str = "id,unit_code,procedure_code,channel,submitted_at,received_at,due_at,finished_at,\
returned_at,status,supplement_requests,supplement_requested_at,supplement_days,synced,fee_amount,paid_online,\
e_result,digitized,reused_data,vneid_verified,handler_named,personal_store_synced,citizen_data_used,rating,complaint";

#[test]
fn dossiers_with_every_english_column() {
    let text = format!(
        "{DOSSIER_HEADER}\n\
         H53.1,000.20.30.H53,1.001234,2,2023-10-05T08:00:00+07:00,2023-10-05 08:15,2023-10-12,\
2023-10-11T16:00:00Z,12/10/2023 09:00,returned,1,2023-10-06,2,1,50000.0,1,1,1,0,1,0,1,1,satisfied,0\n"
    );
    let r = csv(RecordKind::Dossiers, &text);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let d = dossiers(&r)[0];
    assert_eq!(d.id, "H53.1");
    assert_eq!(d.channel, Channel::Online);
    assert_eq!(d.submitted_at, Some(at("2023-10-05T08:00:00+07:00")));
    assert_eq!(d.received_at, at("05/10/2023 08:15"));
    assert_eq!(
        d.due_at,
        Some(day("2023-10-12").end()),
        "a due date without a time is the end of that day"
    );
    assert_eq!(d.finished_at, Some(at("2023-10-11T23:00:00+07:00")));
    assert_eq!(d.returned_at, Some(at("2023-10-12T09:00:00+07:00")));
    assert_eq!(d.status, DossierStatus::Returned);
    assert_eq!((d.supplement_requests, d.supplement_days), (1, 2));
    assert_eq!(d.supplement_requested_at, Some(day("2023-10-06").start()));
    assert_eq!(d.fee_amount, 50_000);
    assert_eq!(d.paid_online, 1);
    assert!(d.synced && d.e_result && d.digitized && !d.reused_data && d.vneid_verified);
    assert!(!d.handler_named && d.personal_store_synced && d.citizen_data_used && !d.complaint);
    assert_eq!(d.rating, Some(Rating::Satisfied));
    assert!(r.reader.missing_columns().is_empty());
    assert!(r.reader.extra_columns().is_empty());
}

#[test]
fn dossiers_with_vietnamese_aliases() {
    let text = "MaHoSo,MaCoQuan,MaTTHC,KenhThucHien,NgayNopHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,\
NgayTraKetQua,TrangThaiHoSo,SoLanYeuCauBoSung,NgayYeuCauBoSung,DaDongBo,PhiLePhi,DuocThanhToanTrucTuyen,\
CoKetQuaDienTu,HoSoCoThanhPhanSoHoa,DuocLayTuKhoDMQG,TaiKhoanDuocXacThucVoiVNeID,DanhGia,CoPhanAnh,GhiChu\n\
000.20.30.H53-231005-0001,000.20.30.H53,1.001234,3,04/10/2023 17:00,05/10/2023 08:00,12/10/2023 17:00,\
10/10/2023 10:00,,đã xử lý xong,0,,có,0,0,không,có,không,có,không hài lòng,có,ghi chú tự do\n";
    let r = csv(RecordKind::Dossiers, text);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let d = dossiers(&r)[0];
    assert_eq!(d.unit_code, "000.20.30.H53");
    assert_eq!(d.procedure_code, "1.001234");
    assert_eq!(d.channel, Channel::Postal);
    assert_eq!(d.received_at, at("2023-10-05T08:00:00+07:00"));
    assert_eq!(
        d.due_at,
        Some(at("2023-10-12T17:00:00+07:00")),
        "a due time given is kept"
    );
    assert_eq!(d.status, DossierStatus::Finished);
    assert!(
        d.synced
            && !d.e_result
            && d.digitized
            && !d.reused_data
            && !d.personal_store_synced
            && d.vneid_verified
            && !d.citizen_data_used
            && d.complaint
    );
    assert_eq!(d.rating, Some(Rating::Unsatisfied));
    assert!(d.handler_named, "handler_named defaults to true");
    assert!(r.reader.extra_columns().is_empty());
    assert_eq!(r.reader.unused_columns(), ["GhiChu"]);
    assert_eq!(
        r.reader.missing_columns(),
        [
            "supplement_days",
            "reused_data",
            "handler_named",
            "citizen_data_used"
        ]
    );
}

#[test]
fn missing_columns_take_their_defaults() {
    let r = csv(
        RecordKind::Dossiers,
        "MaHoSo,MaCoQuan,MaTTHC,NgayTiepNhan,NgayKetThucXuLy\nA,U,P,2024-03-01,\nB,U,P,2024-03-01,2024-03-05 10:00\n",
    );
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let ds = dossiers(&r);
    let a = ds[0];
    assert_eq!(a.channel, Channel::InPerson);
    assert_eq!(
        a.status,
        DossierStatus::Received,
        "no status and no finished_at: received"
    );
    assert!(
        a.handler_named,
        "a missing handler_named column must not make every dossier late"
    );
    assert!(!a.synced && !a.e_result && a.rating.is_none());
    assert_eq!(
        (a.fee_amount, a.paid_online, a.supplement_requests),
        (0, 0, 0)
    );
    assert_eq!(a.due_at, None);
    assert_eq!(
        ds[1].status,
        DossierStatus::Finished,
        "no status but finished_at: finished"
    );
    let missing = r.reader.missing_columns();
    assert!(missing.contains(&"handler_named".to_string()));
    assert!(missing.contains(&"status".to_string()));
    assert!(missing.contains(&"due_at".to_string()));
    assert!(!missing.contains(&"finished_at".to_string()));
    assert!(!missing.contains(&"id".to_string()));
}

#[test]
fn due_date_without_time_is_end_of_day() {
    let r = csv(
        RecordKind::Dossiers,
        "id,unit_code,procedure_code,received_at,due_at\n\
         A,U,P,2024-03-01,2024-03-08\nB,U,P,2024-03-01,08/03/2024\nC,U,P,2024-03-01,2024-03-08 10:30\n",
    );
    let ds = dossiers(&r);
    assert_eq!(
        ds[0].due_at.map(Instant::iso).as_deref(),
        Some("2024-03-08T23:59:59+07:00")
    );
    assert_eq!(ds[1].due_at, ds[0].due_at);
    assert_eq!(
        ds[2].due_at.map(Instant::iso).as_deref(),
        Some("2024-03-08T10:30:00+07:00")
    );
    assert_eq!(
        ds[0].received_at.iso(),
        "2024-03-01T00:00:00+07:00",
        "other dates start the day"
    );
}

// ---------------------------------------------------------------- bad rows

#[test]
fn every_kind_of_bad_row_is_rejected_with_line_column_and_raw() {
    let text = "\
id,unit_code,procedure_code,channel,received_at,due_at,status,synced,fee_amount,paid_online,rating
OK1,U,P,1,2024-03-01,,,,,,
,U,P,1,2024-03-01,,,,,,
BADDATE,U,P,1,31/02/2024,,,,,,
BADENUM,U,P,1,2024-03-01,,done,,,,
BADBOOL,U,P,1,2024-03-01,,,maybe,,,
BADNUM,U,P,1,2024-03-01,,,,1.502,,
OK1,U,P,2,2024-03-02,,,,,,
BADCHAN,U,P,5,2024-03-01,,,,,,
BADPAID,U,P,1,2024-03-01,,,,,3,
SHORT,U,P,1
\"QUOTED, ID\",U,\"P
on two lines\",1,2024-03-01,,,,,,
AFTER,U,P,1,2024-03-01,,,,abc,,
BADRATE,U,P,1,2024-03-01,,,,,,meh
NODATE,U,P,1,,,,,,,
OK2,U,P,1,2024-03-01,,,,50000,,
";
    let r = csv(RecordKind::Dossiers, text);
    let lines: Vec<usize> = r.accepted.iter().map(|(l, _)| *l).collect();
    // BADPAID's 3 is a code some systems send for "not paid online" (data-format.md).
    assert_eq!(lines, [2, 10, 12, 17]);
    assert_eq!(
        r.accepted.len() + r.rejected.len(),
        15,
        "every row is accepted or rejected"
    );

    let missing = rejection(&r, 3);
    assert_eq!(missing.column.as_deref(), Some("id"));
    assert!(
        missing
            .reason
            .starts_with("thiếu giá trị bắt buộc ở cột id"),
        "{}",
        missing.reason
    );
    assert!(
        missing.reason.is_ascii() || !missing.reason.contains("(missing"),
        "messages are Vietnamese only: {}",
        missing.reason
    );
    assert_eq!(missing.raw, ",U,P,1,2024-03-01,,,,,,");
    assert_eq!(missing.file, "test.csv");

    let date = rejection(&r, 4);
    assert_eq!(date.column.as_deref(), Some("received_at"));
    assert!(
        date.reason.starts_with(
            "ngày không hợp lệ '31/02/2024' ở cột received_at: dùng YYYY-MM-DD hoặc dd/mm/yyyy"
        ),
        "{}",
        date.reason
    );
    assert!(
        !date.reason.contains("(invalid"),
        "Vietnamese only: {}",
        date.reason
    );
    assert_eq!(date.raw, "BADDATE,U,P,1,31/02/2024,,,,,,");

    let status = rejection(&r, 5);
    assert_eq!(status.column.as_deref(), Some("status"));
    assert!(status.reason.contains("'done'"), "{}", status.reason);
    assert!(
        status.reason.contains(&DossierStatus::expected()),
        "lists the accepted values: {}",
        status.reason
    );

    let flag = rejection(&r, 6);
    assert_eq!(flag.column.as_deref(), Some("synced"));
    assert!(
        flag.reason.contains("'maybe'") && flag.reason.contains("giá trị đúng/sai không hợp lệ"),
        "{}",
        flag.reason
    );

    let number = rejection(&r, 7);
    assert_eq!(number.column.as_deref(), Some("fee_amount"));
    assert!(
        number.reason.contains("'1.502'") && number.reason.contains("số không hợp lệ"),
        "{}",
        number.reason
    );

    let duplicate = rejection(&r, 8);
    assert_eq!(duplicate.column.as_deref(), Some("id"));
    assert!(
        duplicate
            .reason
            .starts_with("trùng khóa 'OK1' đã có ở dòng 2"),
        "{}",
        duplicate.reason
    );
    assert!(
        duplicate.reason.contains("trùng khóa"),
        "{}",
        duplicate.reason
    );
    assert_eq!(duplicate.raw, "OK1,U,P,2,2024-03-02,,,,,,");
    let Record::Dossier(first) = &r.accepted[0].1 else {
        panic!()
    };
    assert_eq!(first.channel, Channel::InPerson, "the first row is kept");

    assert_eq!(rejection(&r, 9).column.as_deref(), Some("channel"));

    let short = rejection(&r, 11);
    assert_eq!(short.column, None);
    assert!(
        short.reason.contains("4 ô") && short.reason.contains("11 cột"),
        "{}",
        short.reason
    );
    assert_eq!(short.raw, "SHORT,U,P,1");

    // The quoted row spans lines 12-13; the next row starts on line 14.
    let Record::Dossier(quoted) = &r.accepted[2].1 else {
        panic!()
    };
    assert_eq!(quoted.id, "QUOTED, ID");
    assert_eq!(quoted.procedure_code, "P\non two lines");
    let after = rejection(&r, 14);
    assert_eq!(after.column.as_deref(), Some("fee_amount"));

    let rating = rejection(&r, 15);
    assert_eq!(rating.column.as_deref(), Some("rating"));
    assert!(
        rating.reason.contains("satisfied, neutral, unsatisfied"),
        "{}",
        rating.reason
    );

    assert_eq!(rejection(&r, 16).column.as_deref(), Some("received_at"));
}

#[test]
fn raw_text_is_the_row_as_written() {
    let r = csv(
        RecordKind::Units,
        "code,name,scored\n\"A,1\",\"Tên \"\"đặc biệt\"\"\",kinda\n",
    );
    assert_eq!(r.rejected[0].raw, "\"A,1\",\"Tên \"\"đặc biệt\"\"\",kinda");
}

#[test]
fn blank_rows_are_skipped() {
    let r = csv(
        RecordKind::Holidays,
        "date,name\n\n2024-01-01,Tết Dương lịch\n,\n  ,  \n2024-04-30,Giải phóng miền Nam\n",
    );
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let lines: Vec<usize> = r.accepted.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [3, 6]);
}

// ---------------------------------------------------------------- other kinds

#[test]
fn feedback_counts_and_holidays() {
    let r = csv(
        RecordKind::Feedback,
        "MaPAKN,MaCoQuan,NgayTiepNhan,KetQua,NgayXuLy,NgayCongKhai,SoLike,SoDislike,PhanAnhLai\n\
         PA1,000.20.30.H53,2024-03-01 09:00,đã trả lời,2024-03-05,2024-03-06,3,1,0\n\
         PA2,000.20.30.H53,2024-03-02,,,,,,\n",
    );
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let Record::Feedback(f) = &r.accepted[0].1 else {
        panic!()
    };
    assert_eq!(f.outcome, FeedbackOutcome::Answered);
    assert_eq!(f.handled_at, Some(day("2024-03-05").start()));
    assert_eq!((f.likes, f.dislikes, f.repeated), (3, 1, false));
    let Record::Feedback(f) = &r.accepted[1].1 else {
        panic!()
    };
    assert_eq!(f.outcome, FeedbackOutcome::Pending);

    let r = csv(
        RecordKind::Counts,
        "unit_code,month,verified_accounts,e_certified_copies,certification_dossiers,population\n\
         H53,2023-10,100,20,40,1200000\nH53,11/2023,1,2,3,4\nH53,10/2023,5,5,5,5\nH53,2023-13,1,1,1,1\n",
    );
    assert_eq!(r.accepted.len(), 2);
    let Record::Counts(c) = &r.accepted[0].1 else {
        panic!()
    };
    assert_eq!(c.month, Month::new(2023, 10));
    assert_eq!(c.population, 1_200_000);
    assert_eq!(r.accepted[0].1.key(), "H53 2023-10");
    assert_eq!(r.accepted[1].1.key(), "H53 2023-11");
    let dup = rejection(&r, 4);
    assert!(
        dup.reason.contains("dòng 2"),
        "10/2023 is the same month as 2023-10: {}",
        dup.reason
    );
    let bad = rejection(&r, 5);
    assert_eq!(bad.column.as_deref(), Some("month"));
    assert!(
        bad.reason.starts_with("tháng không hợp lệ '2023-13'"),
        "{}",
        bad.reason
    );

    let r = csv(
        RecordKind::Holidays,
        "date,name\n01/01/2024,Tết Dương lịch\n2024-01-01,again\n2024-02-30,x\n",
    );
    assert_eq!(r.accepted.len(), 1);
    assert_eq!(r.accepted[0].1.key(), "2024-01-01");
    assert_eq!(r.rejected.len(), 2);
    assert_eq!(rejection(&r, 4).column.as_deref(), Some("date"));
}

#[test]
fn record_keys() {
    let r = csv(
        RecordKind::Dossiers,
        "id,unit_code,procedure_code,received_at\nD-9,U,P,2024-01-02\n",
    );
    assert_eq!(r.accepted[0].1.key(), "D-9");
    assert_eq!(r.accepted[0].1.kind(), RecordKind::Dossiers);
    let r = csv(RecordKind::Units, "code,name\n000.20.30.H53,Sở\n");
    assert_eq!(r.accepted[0].1.key(), "000.20.30.H53");
}

// ---------------------------------------------------------------- CSV dialects

#[test]
fn semicolon_bom_and_crlf() {
    let text = "\u{feff}MaHoSo;MaCoQuan;MaTTHC;NgayTiepNhan;PhiLePhi;HoSoCoThanhPhanSoHoa\r\n\
                A;U;P;05/10/2023 08:00;\"1,5\";có\r\n\
                B;U;P;05/10/2023 08:00;20000;Không\r\n";
    let r = csv(RecordKind::Dossiers, text);
    assert_eq!(r.accepted.len(), 1);
    let d = dossiers(&r)[0];
    assert_eq!(d.id, "B", "the BOM does not stick to the first column name");
    assert_eq!(d.fee_amount, 20_000);
    assert!(!d.digitized);
    let bad = rejection(&r, 2);
    assert_eq!(bad.column.as_deref(), Some("fee_amount"));
    assert_eq!(
        bad.raw, "A;U;P;05/10/2023 08:00;\"1,5\";có",
        "the row exactly as in the file"
    );

    // A BOM with commas, and headers in other cases with spaces around.
    let r = csv(RecordKind::Units, "\u{feff} CODE , Name \r\nX,Y\r\n");
    assert_eq!(r.accepted.len(), 1, "{:?}", r.rejected);
}

#[test]
fn a_non_utf8_cell_rejects_its_row() {
    let mut bytes = b"code,name\nA,".to_vec();
    bytes.extend_from_slice(&[0xC0, 0xC1]);
    bytes.extend_from_slice(b"\nB,ok\n");
    let r = drain(
        from_reader(
            RecordKind::Units,
            "latin.csv",
            Format::Csv,
            Cursor::new(bytes),
        )
        .unwrap(),
    );
    assert_eq!(r.accepted.len(), 1);
    assert_eq!(rejection(&r, 2).column.as_deref(), Some("name"));
}

// ---------------------------------------------------------------- JSON Lines

#[test]
fn json_lines_with_a_broken_line() {
    let text = "\u{feff}{\"MaHoSo\": \"J1\", \"MaCoQuan\": \"U\", \"MaTTHC\": \"P\", \"NgayTiepNhan\": \"2024-03-01T08:00:00+07:00\", \"KenhThucHien\": 2, \"PhiLePhi\": 50000.0, \"DaDongBo\": true, \"DanhGia\": null, \"extra\": 1}\n\
        \n\
        {\"id\": \"J2\", \"unit_code\": \"U\", \"procedure_code\": \"P\", \"received_at\": \"2024-03-01\"\n\
        {\"id\": \"J3\", \"unit_code\": \"U\", \"procedure_code\": \"P\", \"received_at\": \"2024-03-01\", \"due_at\": \"2024-03-08\", \"handler_named\": 0}\r\n\
        [1, 2]\n\
        {\"id\": \"J4\", \"unit_code\": \"U\", \"procedure_code\": \"P\", \"received_at\": \"2024-03-01\", \"fee_amount\": [1]}\n\
        {\"id\": \"J1\", \"unit_code\": \"U\", \"procedure_code\": \"P\", \"received_at\": \"2024-03-01\"}\n\
        {\"id\": \"J5\", \"MaHoSo\": \"J6\", \"unit_code\": \"U\", \"procedure_code\": \"P\", \"received_at\": \"2024-03-01\"}\n\
        {\"id\": \"J7\", \"unit_code\": \"U\", \"procedure_code\": \"P\", \"received_at\": \"2024-03-01\", \"paid_online\": 1.5}\n";
    let r = jsonl(RecordKind::Dossiers, text);
    let ids: Vec<(usize, &str)> = r
        .accepted
        .iter()
        .map(|(l, rec)| match rec {
            Record::Dossier(d) => (*l, d.id.as_str()),
            _ => panic!(),
        })
        .collect();
    assert_eq!(ids, [(1, "J1"), (4, "J3")]);
    let ds = dossiers(&r);
    assert_eq!(ds[0].channel, Channel::Online);
    assert_eq!(ds[0].fee_amount, 50_000);
    assert!(ds[0].synced);
    assert_eq!(ds[0].rating, None);
    assert_eq!(ds[1].due_at, Some(day("2024-03-08").end()));
    assert!(!ds[1].handler_named);

    let broken = rejection(&r, 3);
    assert_eq!(broken.column, None);
    assert!(broken.reason.contains("không phải JSON hợp lệ"));
    assert!(broken.raw.starts_with("{\"id\": \"J2\""));
    assert!(rejection(&r, 5)
        .reason
        .contains("không phải một đối tượng JSON"));
    assert_eq!(rejection(&r, 6).column.as_deref(), Some("fee_amount"));
    assert!(rejection(&r, 7)
        .reason
        .starts_with("trùng khóa 'J1' đã có ở dòng 1"));
    assert_eq!(rejection(&r, 8).column.as_deref(), Some("id"));
    assert_eq!(rejection(&r, 9).column.as_deref(), Some("paid_online"));
    assert_eq!(r.rejected.len(), 6);
    assert_eq!(r.reader.extra_columns(), ["extra"]);
    let missing = r.reader.missing_columns();
    assert!(missing.contains(&"vneid_verified".to_string()));
    assert!(!missing.contains(&"handler_named".to_string()));
    assert!(!missing.contains(&"fee_amount".to_string()));
}

#[test]
fn json_lines_of_units_need_their_required_keys() {
    let r = jsonl(
        RecordKind::Units,
        "{\"code\": \"A\"}\n{\"code\": \"B\", \"name\": \"Bee\", \"scored\": false}\n",
    );
    assert_eq!(rejection(&r, 1).column.as_deref(), Some("name"));
    let Record::Unit(u) = &r.accepted[0].1 else {
        panic!()
    };
    assert!(!u.scored);
}

// ---------------------------------------------------------------- XLSX

#[test]
fn xlsx_first_sheet_with_excel_dates() {
    let mut reader = open(RecordKind::Dossiers, &fixture("dossiers.xlsx")).expect("fixture opens");
    assert_eq!(reader.format(), Format::Xlsx);
    assert!(reader.total_bytes() > 0);
    assert_eq!(reader.bytes_read(), 0);
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    while let Some(item) = reader.next() {
        assert!(reader.bytes_read() > 0);
        match item {
            Item::Accepted { line, record } => accepted.push((line, record)),
            Item::Rejected(r) => rejected.push(r),
        }
    }
    assert_eq!(reader.bytes_read(), reader.total_bytes());
    assert_eq!(reader.rows_read(), 5);
    let r = Read {
        accepted,
        rejected,
        reader,
    };

    let lines: Vec<usize> = r.accepted.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [2, 4], "sheet rows");
    let ds = dossiers(&r);
    let d1 = ds[0];
    assert_eq!(d1.id, "D1");
    assert_eq!(d1.procedure_code, "1.001234");
    assert_eq!(d1.channel, Channel::Online);
    assert_eq!(
        d1.received_at,
        at("2023-10-05T14:30:00+07:00"),
        "an Excel date-time is Vietnam time"
    );
    assert_eq!(
        d1.due_at,
        Some(day("2023-10-12").end()),
        "an Excel date without time is the end of the day"
    );
    assert_eq!(d1.finished_at, Some(at("11/10/2023 10:00")));
    assert_eq!(d1.fee_amount, 50_000);
    assert!(d1.synced);
    assert_eq!(d1.rating, Some(Rating::Satisfied));
    assert_eq!(d1.status, DossierStatus::Finished);
    let d2 = ds[1];
    assert_eq!(
        d2.received_at,
        day("2023-10-05").start(),
        "a plain serial number in a date column"
    );
    assert!(!d2.synced);

    let rating = rejection(&r, 5);
    assert_eq!(rating.column.as_deref(), Some("rating"));
    assert!(
        rating
            .raw
            .starts_with("D3,000.20.30.H53,1.001234,1,2023-10-06,"),
        "{}",
        rating.raw
    );
    assert!(rejection(&r, 6)
        .reason
        .starts_with("trùng khóa 'D1' đã có ở dòng 2"));
    let error = rejection(&r, 7);
    assert_eq!(error.column.as_deref(), Some("fee_amount"));
    assert!(error.reason.contains("#VALUE!"), "{}", error.reason);
    assert_eq!(r.rejected.len(), 3);
    assert!(r.reader.extra_columns().is_empty());
    assert_eq!(r.reader.unused_columns(), ["GhiChu"]);
    assert!(r
        .reader
        .missing_columns()
        .contains(&"handler_named".to_string()));
    assert!(d1.handler_named);
}

#[test]
fn xlsx_from_an_upload() {
    let bytes = std::fs::read(fixture("dossiers.xlsx")).unwrap();
    let r = drain(
        from_reader(
            RecordKind::Dossiers,
            "upload.xlsx",
            Format::Xlsx,
            Cursor::new(bytes),
        )
        .unwrap(),
    );
    assert_eq!(r.accepted.len(), 2);
    assert_eq!(r.rejected[0].file, "upload.xlsx");
}

// ---------------------------------------------------------------- files that cannot be read

#[test]
fn unreadable_files_are_errors_naming_the_file() {
    let err = open(RecordKind::Units, Path::new("/nonexistent/donvi.csv"))
        .err()
        .expect("missing file");
    assert!(matches!(err, IngestError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/donvi.csv"), "{err}");

    let err = from_text(RecordKind::Units, "empty.csv", Format::Csv, "")
        .err()
        .expect("no header");
    assert!(matches!(err, IngestError::NoHeader { .. }));
    assert!(err.to_string().contains("empty.csv"));

    let bytes = vec![b'c', b'o', 0xff, b'e', b'\n'];
    let err = from_reader(
        RecordKind::Units,
        "latin1.csv",
        Format::Csv,
        Cursor::new(bytes),
    )
    .err()
    .expect("not UTF-8");
    assert!(matches!(err, IngestError::NotUtf8 { .. }));

    // The content decides: CSV text named .xlsx is read as CSV, a broken
    // ZIP container is a workbook that cannot be read.
    assert!(from_text(RecordKind::Units, "csv.xlsx", Format::Xlsx, "code,name\n").is_ok());
    let err = from_text(
        RecordKind::Units,
        "fake.xlsx",
        Format::Xlsx,
        "PK\u{3}\u{4}garbage",
    )
    .err()
    .expect("not xlsx");
    assert!(matches!(err, IngestError::NotXlsx { .. }));
    assert!(err.to_string().contains("fake.xlsx"));

    let err = from_text(
        RecordKind::Dossiers,
        "h.csv",
        Format::Csv,
        "id,unit_code,procedure_code\nA,U,P\n",
    )
    .err()
    .expect("required column");
    let IngestError::MissingRequiredColumns { columns, .. } = &err else {
        panic!("{err}")
    };
    assert!(
        columns.starts_with("received_at (NgayTiepNhan"),
        "{columns}"
    );
    // A procedure may be named instead of coded: a file without its code
    // column is read, each row then needs a name the catalogue knows.
    let r = from_text(
        RecordKind::Dossiers,
        "h.csv",
        Format::Csv,
        "id,unit_code,received_at\nA,U,2024-01-01\n",
    )
    .expect("read");
    let items: Vec<Item> = r.collect();
    assert!(
        matches!(&items[0], Item::Rejected(x) if x.column.as_deref() == Some("procedure_code"))
    );

    let err = from_text(
        RecordKind::Units,
        "d.csv",
        Format::Csv,
        "code,MaDinhDanh,name\n",
    )
    .err()
    .expect("twice");
    assert!(
        matches!(
            err,
            IngestError::DuplicateColumn {
                first: 1,
                second: 2,
                ..
            }
        ),
        "{err}"
    );
}

// ---------------------------------------------------------------- API odds and ends

#[test]
fn kinds_and_formats_parse() {
    for kind in RecordKind::ALL {
        assert_eq!(RecordKind::parse(kind.code()), Some(*kind));
        assert_eq!(kind.code().parse::<RecordKind>().ok(), Some(*kind));
    }
    assert_eq!(RecordKind::parse("Ho-So"), Some(RecordKind::Dossiers));
    assert_eq!(RecordKind::parse("don-vi"), Some(RecordKind::Units));
    assert!("nothing".parse::<RecordKind>().is_err());
    assert_eq!(
        Format::from_path(Path::new("a/b.NDJSON")),
        Some(Format::JsonLines)
    );
    assert_eq!(Format::parse("xlsx"), Some(Format::Xlsx));
    assert_eq!(
        RecordKind::Dossiers.required_columns(),
        ["id", "received_at"]
    );
}

#[test]
fn records_render_back_to_the_same_records() {
    for (kind, text) in [
        (RecordKind::Units, "code,name,parent_code,kind,scored\nA,\"Sở, ngành\",P,department,0\n"),
        (
            RecordKind::Procedures,
            "code,name,level,online_level,max_days,decision_date,has_fee\n1.1,Thủ tục,commune,partial,5,2024-01-02,1\n",
        ),
        (
            RecordKind::Dossiers,
            "id,unit_code,procedure_code,channel,received_at,due_at,finished_at,rating,fee_amount,handler_named\n\
             D,U,P,2,2024-03-01 08:00,2024-03-08,2024-03-05 10:00,neutral,1000,0\n",
        ),
        (RecordKind::Feedback, "id,unit_code,received_at,outcome,likes\nF,U,2024-03-01,refused,2\n"),
        (RecordKind::Counts, "unit_code,month,population\nU,03/2024,1000\n"),
        (RecordKind::Holidays, "date,name\n2024-09-02,Quốc khánh\n"),
    ] {
        let first = csv(kind, text);
        assert!(first.rejected.is_empty(), "{kind}: {:?}", first.rejected);
        let record = &first.accepted[0].1;
        let again = format!("{}\n{}\n", kind.csv_header(), record.to_csv_row());
        let second = csv(kind, &again);
        assert!(second.rejected.is_empty(), "{kind}: {:?}", second.rejected);
        assert_eq!(&second.accepted[0].1, record, "{kind}");
    }
}

#[test]
fn progress_counts_bytes() {
    let mut text = String::from("code,name\n");
    for i in 0..10_000 {
        text.push_str(&format!("U{i},Đơn vị {i}\n"));
    }
    let mut reader = from_text(RecordKind::Units, "p.csv", Format::Csv, &text).unwrap();
    assert_eq!(reader.total_bytes(), text.len() as u64);
    let _ = reader.next();
    assert!(reader.bytes_read() > 0);
    let n = reader.by_ref().count();
    assert_eq!(n, 9_999);
    assert_eq!(reader.bytes_read(), text.len() as u64);
}

#[test]
fn a_store_rejection_has_the_same_shape() {
    let r = chiso_ingest::reject(
        7,
        "hoso.csv",
        Some("unit_code"),
        "đơn vị không có (unknown unit)",
        "A,B",
    );
    assert_eq!(
        r.to_string(),
        "hoso.csv:7 [unit_code]: đơn vị không có (unknown unit)"
    );
    assert_eq!(r.raw, "A,B");
}

// ---------------------------------------------------------------- streaming edge cases

/// Gives its bytes a few at a time, as a slow network upload does.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    step: usize,
}

impl std::io::Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn the_same_items_whatever_the_read_sizes() {
    let text = "\u{feff}id;unit_code;procedure_code;received_at;due_at\r\n\
        A;U;P;2024-03-01;2024-03-08\r\n\
        \r\n\
        \"B;\"\"x\"\"\r\nline\";U;P;2024-03-01;\r\n\
        C;U;P;bad;\r\n\
        A;U;P;2024-03-01;\r\n\
        D;U;P;2024-03-01;2024-03-09";
    let expected: Vec<Item> = from_text(RecordKind::Dossiers, "t.csv", Format::Csv, text)
        .unwrap()
        .collect();
    assert_eq!(expected.len(), 5);
    for step in [1, 2, 3, 7, 64] {
        let input = Trickle {
            data: text.as_bytes().to_vec(),
            at: 0,
            step,
        };
        let items: Vec<Item> = from_reader(RecordKind::Dossiers, "t.csv", Format::Csv, input)
            .unwrap()
            .collect();
        assert_eq!(items, expected, "reading {step} bytes at a time");
        let jsonl = "{\"id\":\"A\",\"unit_code\":\"U\",\"procedure_code\":\"P\",\"received_at\":\"2024-03-01\"}\n\n{bad\n";
        let input = Trickle {
            data: jsonl.as_bytes().to_vec(),
            at: 0,
            step,
        };
        let items: Vec<Item> =
            from_reader(RecordKind::Dossiers, "t.jsonl", Format::JsonLines, input)
                .unwrap()
                .collect();
        assert_eq!(items.len(), 2);
    }
    let lines: Vec<usize> = expected
        .iter()
        .map(|i| match i {
            Item::Accepted { line, .. } => *line,
            Item::Rejected(r) => r.line,
        })
        .collect();
    assert_eq!(lines, [2, 4, 6, 7, 8]);
    let Item::Accepted {
        record: Record::Dossier(b),
        ..
    } = &expected[1]
    else {
        panic!("{:?}", expected[1])
    };
    assert_eq!(b.id, "B;\"x\"\r\nline");
}

#[test]
fn rows_longer_than_the_read_buffer() {
    let long_name = "x".repeat(700_000);
    let text = format!("code,name\nA,{long_name}\nB,\"{long_name}\"\nC,short\n");
    let r = csv(RecordKind::Units, &text);
    assert_eq!(r.accepted.len(), 3);
    let Record::Unit(b) = &r.accepted[1].1 else {
        panic!()
    };
    assert_eq!(b.name.len(), 700_000);
    assert_eq!(r.accepted[2].0, 4);
}

#[test]
fn an_unclosed_quote_is_reported_once() {
    let r = csv(
        RecordKind::Units,
        "code,name\nA,ok\nB,\"never closed\nC,lost\n",
    );
    assert_eq!(r.accepted.len(), 1);
    let bad = rejection(&r, 3);
    assert!(
        bad.reason
            .contains("dấu ngoặc kép mở ở dòng này không được đóng"),
        "{}",
        bad.reason
    );
    assert_eq!(bad.raw, "B,\"never closed\nC,lost\n");
}

#[test]
fn json_lines_missing_columns_are_known_when_opened() {
    let text = "\n{\"id\": \"A\", \"unit_code\": \"U\", \"procedure_code\": \"P\", \"received_at\": \"2024-03-01\"}\n\
                {\"id\": \"B\", \"unit_code\": \"U\", \"procedure_code\": \"P\", \"received_at\": \"2024-03-01\", \"synced\": 1}\n";
    let reader = from_text(RecordKind::Dossiers, "m.jsonl", Format::JsonLines, text).unwrap();
    assert!(reader.missing_columns().contains(&"synced".to_string()));
    assert!(!reader.missing_columns().contains(&"id".to_string()));
    let r = drain(reader);
    assert_eq!(
        r.accepted.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        [2, 3]
    );
    assert!(!r.reader.missing_columns().contains(&"synced".to_string()));
    assert!(r
        .reader
        .missing_columns()
        .contains(&"handler_named".to_string()));

    let empty =
        drain(from_text(RecordKind::Dossiers, "e.jsonl", Format::JsonLines, "\n\n").unwrap());
    assert_eq!(empty.reader.rows_read(), 0);
}
