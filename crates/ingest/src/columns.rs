//! The columns of each record kind (data-format.md): English name, the
//! Vietnamese synchronisation aliases, the value type and whether a value is
//! required. The order of each table is the order of the data format and the
//! order in which a row's fields are checked.

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
    /// Whether a header cell (already trimmed and lower-cased) names this column.
    pub fn matches(&self, normalised: &str) -> bool {
        self.name == normalised
            || self
                .aliases
                .iter()
                .any(|a| a.eq_ignore_ascii_case(normalised))
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
    Code = "code", ["MaDinhDanh"], Text, true;
    Name = "name", ["TenDonVi"], Text, true;
    ParentCode = "parent_code", ["MaDonViCha"], Text, false;
    Kind = "kind", ["LoaiDonVi"], Choice, false;
    ValidFrom = "valid_from", [], Date, false;
    ValidTo = "valid_to", [], Date, false;
    SuccessorCode = "successor_code", [], Text, false;
    Scored = "scored", [], Bool, false;
});

columns!(PROCEDURES, P {
    Code = "code", ["MaTTHC"], Text, true;
    Name = "name", ["TenTTHC"], Text, true;
    Level = "level", ["CapThucHien"], Choice, false;
    Field = "field", ["LinhVuc"], Text, false;
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
    Id = "id", ["MaHoSo"], Text, true;
    UnitCode = "unit_code", ["MaCoQuan"], Text, true;
    ProcedureCode = "procedure_code", ["MaTTHC"], Text, true;
    Channel = "channel", ["KenhThucHien"], Number, false;
    SubmittedAt = "submitted_at", ["NgayNopHoSo"], DateTime, false;
    ReceivedAt = "received_at", ["NgayTiepNhan"], DateTime, true;
    DueAt = "due_at", ["NgayHenTra"], DateTime, false;
    FinishedAt = "finished_at", ["NgayKetThucXuLy"], DateTime, false;
    ReturnedAt = "returned_at", ["NgayTraKetQua"], DateTime, false;
    Status = "status", ["TrangThaiHoSo"], Choice, false;
    SupplementRequests = "supplement_requests", ["SoLanYeuCauBoSung"], Number, false;
    SupplementRequestedAt = "supplement_requested_at", ["NgayYeuCauBoSung"], DateTime, false;
    SupplementDays = "supplement_days", [], Number, false;
    Synced = "synced", ["DaDongBo"], Bool, false;
    FeeAmount = "fee_amount", ["PhiLePhi"], Number, false;
    PaidOnline = "paid_online", ["DuocThanhToanTrucTuyen"], Number, false;
    EResult = "e_result", ["CoKetQuaDienTu"], Bool, false;
    Digitized = "digitized", ["HoSoCoThanhPhanSoHoa"], Bool, false;
    ReusedData = "reused_data", ["DuocLayTuKhoDMQG"], Bool, false;
    VneidVerified = "vneid_verified", [], Bool, false;
    HandlerNamed = "handler_named", [], Bool, false;
    PersonalStoreSynced = "personal_store_synced", [], Bool, false;
    CitizenDataUsed = "citizen_data_used", ["TaiKhoanDuocXacThucVoiVNeID"], Bool, false;
    Rating = "rating", ["DanhGia"], Choice, false;
    Complaint = "complaint", ["CoPhanAnh"], Bool, false;
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
    }
}

/// The column a header cell names: trimmed, BOM stripped, case-insensitive.
pub(crate) fn find_column(cols: &[Col], header: &str) -> Option<usize> {
    if let Some(i) = cols.iter().position(|c| c.name == header) {
        return Some(i);
    }
    let n = normalise(header);
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
                        assert!(!d.matches(c.name), "{kind:?}: {} twice", c.name);
                        for a in c.aliases {
                            assert!(!d.matches(&a.to_lowercase()), "{kind:?}: {a} twice");
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
    }
}
