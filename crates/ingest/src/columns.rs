//! The columns of each record kind (data-format.md): English name, the
//! Vietnamese synchronisation aliases, the value type and whether a value is
//! required. The order of each table is the order of the data format and the
//! order in which a row's fields are checked.

use crate::text::fold_key;
use crate::RecordKind;

/// The most columns any record kind has; rows are gathered into a fixed
/// array of this size so that reading a row does not allocate.
pub(crate) const MAX_COLUMNS: usize = 32;

/// What kind of value a column holds. Used to convert spreadsheet cells
/// (Excel serial dates) and to render records back to text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    Text,
    Date,
    DateTime,
    Bool,
    Number,
    Choice,
}

/// One column of the data format.
#[derive(Debug)]
pub(crate) struct Col {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub ty: Ty,
    pub required: bool,
}

impl Col {
    /// Whether a header cell, folded by [`fold_key`] (no diacritics, case
    /// or separators), names this column.
    pub fn matches(&self, folded: &str) -> bool {
        fold_key(self.name) == folded || self.aliases.iter().any(|a| fold_key(a) == folded)
    }

    /// `id (MaHoSo)`: the name with its aliases, for messages.
    pub fn describe(&self) -> String {
        if self.aliases.is_empty() {
            self.name.to_string()
        } else {
            format!("{} ({})", self.name, self.aliases.join(", "))
        }
    }
}

/// Declares a column table and an index enum with one variant per column.
macro_rules! columns {
    ($table:ident, $idx:ident { $($var:ident = $name:literal, [$($alias:literal),*], $ty:ident, $req:literal;)+ }) => {
        #[derive(Clone, Copy, Debug)]
        #[allow(dead_code)]
        pub(crate) enum $idx { $($var),+ }

        impl From<$idx> for usize {
            fn from(i: $idx) -> usize {
                i as usize
            }
        }

        pub(crate) const $table: &[Col] = &[
            $(Col { name: $name, aliases: &[$($alias),*], ty: Ty::$ty, required: $req }),+
        ];
    };
}

columns!(UNITS, U {
    Code = "code", ["MaDinhDanh", "MADONVI", "Mã đơn vị", "Mã định danh"], Text, true;
    Name = "name", ["TenDonVi", "Tên đơn vị", "Tên cơ quan"], Text, true;
    ParentCode = "parent_code", ["MaDonViCha", "Mã đơn vị cha", "Mã đơn vị cấp trên"], Text, false;
    Kind = "kind", ["LoaiDonVi", "CAPDONVI", "Cấp đơn vị", "Loại đơn vị"], Choice, false;
    ValidFrom = "valid_from", [], Date, false;
    ValidTo = "valid_to", [], Date, false;
    SuccessorCode = "successor_code", [], Text, false;
    Scored = "scored", [], Bool, false;
});

columns!(PROCEDURES, P {
    Code = "code", ["MaTTHC", "Mã thủ tục", "Mã TTHC"], Text, true;
    Name = "name", ["TenTTHC", "Tên thủ tục", "Tên thủ tục hành chính"], Text, true;
    Level = "level", ["CapThucHien", "Cấp thực hiện"], Choice, false;
    Field = "field", ["LinhVuc", "TenLinhVuc", "Lĩnh vực"], Text, false;
    OnlineLevel = "online_level", ["MucDoDVC"], Choice, false;
    FullOnlineEligible = "full_online_eligible", [], Bool, false;
    HasFee = "has_fee", ["CoPhiLePhi"], Bool, false;
    PaperResult = "paper_result", [], Bool, false;
    MaxDays = "max_days", ["ThoiHanGiaiQuyet"], Number, false;
    CitizenFacing = "citizen_facing", [], Bool, false;
    DecisionDate = "decision_date", ["NgayQuyetDinhCongBo"], Date, false;
    LegalEffectiveDate = "legal_effective_date", ["NgayHieuLuc"], Date, false;
    PublishedAt = "published_at", ["NgayCongKhai"], Date, false;
    CompleteParts = "complete_parts", [], Bool, false;
    CitizenDataConnected = "citizen_data_connected", [], Bool, false;
});

columns!(DOSSIERS, D {
    Id = "id", ["MaHoSo", "Số hồ sơ", "Mã biên nhận"], Text, true;
    UnitCode = "unit_code", ["MaCoQuan", "MaDonVi", "MaDinhDanhDV", "Mã đơn vị", "Mã cơ quan"], Text, false;
    ProcedureCode = "procedure_code", ["MaTTHC", "Mã thủ tục", "Mã TTHC"], Text, false;
    Channel = "channel", ["KenhThucHien", "Kênh nộp", "Hình thức nộp"], Number, false;
    SubmittedAt = "submitted_at", ["NgayNopHoSo", "Ngày nộp", "Ngày đăng ký"], DateTime, false;
    ReceivedAt = "received_at", ["NgayTiepNhan", "Ngày nhận", "Ngày nhận hồ sơ"], DateTime, true;
    DueAt = "due_at", ["NgayHenTra", "Hạn trả", "Hạn xử lý"], DateTime, false;
    FinishedAt = "finished_at", ["NgayKetThucXuLy", "Ngày xử lý xong", "Ngày hoàn thành"], DateTime, false;
    ReturnedAt = "returned_at", ["NgayTraKetQua", "NgayTra", "Ngày trả"], DateTime, false;
    Status = "status", ["TrangThaiHoSo", "Trạng thái", "Tình trạng"], Choice, false;
    SupplementRequests = "supplement_requests", ["SoLanYeuCauBoSung", "Số lần bổ sung"], Number, false;
    SupplementRequestedAt = "supplement_requested_at", ["NgayYeuCauBoSung", "Ngày bổ sung"], DateTime, false;
    SupplementDays = "supplement_days", [], Number, false;
    Synced = "synced", ["DaDongBo", "Đã đồng bộ"], Bool, false;
    FeeAmount = "fee_amount", ["PhiLePhi", "Phí, lệ phí", "Lệ phí"], Number, false;
    PaidOnline = "paid_online", ["DuocThanhToanTrucTuyen", "Thanh toán trực tuyến"], Number, false;
    EResult = "e_result", ["CoKetQuaDienTu", "Kết quả điện tử"], Bool, false;
    Digitized = "digitized", ["HoSoCoThanhPhanSoHoa", "Số hóa"], Bool, false;
    ReusedData = "reused_data", ["DuocTaiSuDung"], Bool, false;
    VneidVerified = "vneid_verified", ["TaiKhoanDuocXacThucVoiVNeID"], Bool, false;
    HandlerNamed = "handler_named", [], Bool, false;
    PersonalStoreSynced = "personal_store_synced", ["DuocLayTuKhoDMQG"], Bool, false;
    CitizenDataUsed = "citizen_data_used", ["SuDungCSDLDanCu"], Bool, false;
    Rating = "rating", ["DanhGia", "Mức độ hài lòng"], Choice, false;
    Complaint = "complaint", ["CoPhanAnh", "Có phản ánh"], Bool, false;
    UnitName = "unit_name", ["DonViXuLy", "Đơn vị tiếp nhận", "Tên đơn vị", "Cơ quan thực hiện", "Cơ quan giải quyết"], Text, false;
    ProcedureName = "procedure_name", ["TenTTHC", "Tên thủ tục hành chính", "Tên thủ tục", "Thủ tục hành chính"], Text, false;
    RefusedAt = "refused_at", ["NgayTuChoi", "Ngày từ chối"], DateTime, false;
});

columns!(STEPS, S {
    DossierId = "dossier_id", ["MaHoSo", "Mã hồ sơ"], Text, true;
    At = "at", ["ThoiDiemXuLy", "Thời điểm xử lý", "Thời gian xử lý"], DateTime, true;
    Status = "status", ["TrangThai", "Trạng thái"], Choice, false;
    Handler = "handler", ["NguoiXuLy", "Người xử lý"], Text, false;
    Title = "title", ["ChucDanh", "Chức danh"], Text, false;
    Department = "department", ["PhongBanXuLy", "Phòng ban xử lý"], Text, false;
    Content = "content", ["NoiDungXuLy", "Nội dung xử lý"], Text, false;
    StartedAt = "started_at", ["NgayBatDau", "Ngày bắt đầu"], DateTime, false;
    StepDueAt = "step_due_at", ["NgayKetThucTheoQuyDinh", "Hạn xử lý bước"], DateTime, false;
});

columns!(FEEDBACK, F {
    Id = "id", ["MaPAKN"], Text, true;
    UnitCode = "unit_code", ["MaCoQuan"], Text, true;
    ReceivedAt = "received_at", ["NgayTiepNhan"], DateTime, true;
    Outcome = "outcome", ["KetQua"], Choice, false;
    HandledAt = "handled_at", ["NgayXuLy"], DateTime, false;
    PublishedAt = "published_at", ["NgayCongKhai"], DateTime, false;
    Likes = "likes", ["SoLike"], Number, false;
    Dislikes = "dislikes", ["SoDislike"], Number, false;
    Repeated = "repeated", ["PhanAnhLai"], Bool, false;
});

columns!(COUNTS, C {
    UnitCode = "unit_code", [], Text, true;
    Month = "month", [], Text, true;
    VerifiedAccounts = "verified_accounts", [], Number, false;
    ECertifiedCopies = "e_certified_copies", [], Number, false;
    CertificationDossiers = "certification_dossiers", [], Number, false;
    Population = "population", [], Number, false;
});

columns!(HOLIDAYS, H {
    Date = "date", [], Date, true;
    Name = "name", [], Text, false;
});

/// The column table of a record kind.
pub(crate) fn columns(kind: RecordKind) -> &'static [Col] {
    match kind {
        RecordKind::Units => UNITS,
        RecordKind::Procedures => PROCEDURES,
        RecordKind::Dossiers => DOSSIERS,
        RecordKind::Feedback => FEEDBACK,
        RecordKind::Counts => COUNTS,
        RecordKind::Holidays => HOLIDAYS,
        RecordKind::Steps => STEPS,
    }
}

/// The applicant's personal data among the known unused keys and columns
/// (Decree 13/2023/NĐ-CP): never kept, not even in the quarantine's copy
/// of a rejected row, where their values are replaced by `***`.
pub(crate) const PERSONAL: &[&str] = &[
    "ChuHoSo",
    "Chủ hồ sơ",
    "Người nộp",
    "Người nộp hồ sơ",
    "SoGiayToChuHoSo",
    "DinhDanhCHS",
    "Email",
    "Fax",
    "SoDienThoai",
    "Số điện thoại",
    "Địa chỉ",
    "DiaChi",
    "HoTen",
    "Họ tên",
    "NgaySinh",
    "Ngày sinh",
];

/// Whether a key or column names the applicant's personal data (without
/// accents, case or separators).
pub(crate) fn is_personal(name: &str) -> bool {
    let key = crate::text::fold_key(name);
    PERSONAL.iter().any(|p| crate::text::fold_key(p) == key)
}

/// Keys of the portal's records and staff exports that chiso reads on
/// purpose without storing: the applicant's personal data (Decree
/// 13/2023/NĐ-CP: not needed to score or explain), descriptive fields, and
/// the nested lists whose facts are derived into columns (`portal.rs`).
/// They are not reported as unrecognised.
pub(crate) const KNOWN_UNUSED: &[&str] = &[
    "STT",
    "ROW_STT",
    "ChuHoSo",
    "Chủ hồ sơ",
    "Người nộp",
    "Người nộp hồ sơ",
    "SoGiayToChuHoSo",
    "DinhDanhCHS",
    "Email",
    "Fax",
    "SoDienThoai",
    "Số điện thoại",
    "Địa chỉ",
    "DiaChi",
    "LoaiDoiTuong",
    "MaDoiTuong",
    "ThongTinKhac",
    "TrichYeuHoSo",
    "Trích yếu",
    "MaLinhVuc",
    "TenLinhVuc",
    "Lĩnh vực",
    "HinhThuc",
    "NoiNopHoSo",
    "ThongTinTra",
    "GhiChu",
    "Ghi chú",
    "MaHoSoKhac",
    "DanhSachTepDinhKemKhac",
    "TaiLieuNop",
    "DanhSachLePhi",
    "DanhSachGiayToKetQua",
    "DanhSachHoSoBoSung",
    "DSKetNoiCSDL",
    "QuaTrinhXuLyHoSos",
    "session",
    "TENTTHC_EN",
    "MACOQUANCONGBO",
    "COQUANTHUCHIEN",
    "LINHVUCTHUCHIEN",
    "CACHTHUCTHUCHIEN",
    "KETQUATHUCHIEN",
    "THANHPHANHOSO",
    "TRINHTUTHUCHIEN",
    "CANCUPHAPLY",
    "YEUCAU",
    "DOITUONGTHUCHIEN",
    "MOTADOITUONGTHUCHIEN",
    "TRUONGHOP",
    "MATTHCDP",
    "MANGANH",
];

/// Columns that only help find another value (a unit or procedure by name,
/// a refusal date as the end of processing): a file lacking them lacks no fact,
/// so they are not listed as missing.
pub(crate) fn resolve_only(name: &str) -> bool {
    matches!(name, "unit_name" | "procedure_name" | "refused_at")
}

/// Whether a key is one of [`KNOWN_UNUSED`].
pub(crate) fn known_unused(folded: &str) -> bool {
    KNOWN_UNUSED.iter().any(|k| fold_key(k) == folded)
}

/// The column a header cell names: BOM, case, diacritics and separators
/// ignored (`Ngày hẹn trả` = `NgayHenTra` = `ngay_hen_tra`).
pub(crate) fn find_column(cols: &[Col], header: &str) -> Option<usize> {
    if let Some(i) = cols.iter().position(|c| c.name == header) {
        return Some(i);
    }
    let n = fold_key(header);
    if n.is_empty() {
        return None;
    }
    cols.iter().position(|c| c.matches(&n))
}

/// A header cell as compared with column names.
pub(crate) fn normalise(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_fit_and_names_are_unique() {
        for kind in RecordKind::ALL {
            let cols = columns(*kind);
            assert!(cols.len() <= MAX_COLUMNS);
            for (i, c) in cols.iter().enumerate() {
                for (j, d) in cols.iter().enumerate() {
                    if i != j {
                        assert!(!d.matches(&fold_key(c.name)), "{kind:?}: {} twice", c.name);
                        for a in c.aliases {
                            assert!(!d.matches(&fold_key(a)), "{kind:?}: {a} twice");
                        }
                    }
                }
            }
        }
        assert_eq!(DOSSIERS[usize::from(D::Complaint)].name, "complaint");
        assert_eq!(DOSSIERS[usize::from(D::ReceivedAt)].name, "received_at");
        assert_eq!(
            PROCEDURES[usize::from(P::CitizenDataConnected)].name,
            "citizen_data_connected"
        );
        assert_eq!(FEEDBACK[usize::from(F::Repeated)].name, "repeated");
        assert_eq!(UNITS[usize::from(U::Scored)].name, "scored");
        assert_eq!(COUNTS[usize::from(C::Population)].name, "population");
        assert_eq!(HOLIDAYS[usize::from(H::Name)].name, "name");
    }

    #[test]
    fn header_matching() {
        assert_eq!(find_column(DOSSIERS, "\u{feff} MaHoSo "), Some(0));
        assert_eq!(
            find_column(DOSSIERS, "NGAYHENTRA"),
            Some(usize::from(D::DueAt))
        );
        assert_eq!(
            find_column(DOSSIERS, "Received_At"),
            Some(usize::from(D::ReceivedAt))
        );
        assert_eq!(find_column(DOSSIERS, "ghi_chu"), None);
        assert_eq!(
            find_column(DOSSIERS, "Ngày hẹn trả"),
            Some(usize::from(D::DueAt))
        );
        assert_eq!(find_column(DOSSIERS, "Mã hồ sơ"), Some(usize::from(D::Id)));
        assert_eq!(find_column(DOSSIERS, "DanhGa"), None);
        assert!(known_unused(&fold_key("Chủ hồ sơ")));
    }
}
