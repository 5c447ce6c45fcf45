//! The records chiso reads (../shared/design/data-format.md): units, procedures,
//! dossiers, feedback and monthly unit counts.

use crate::time::{Date, Instant, Month};

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code used in files and in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses the code (case-insensitive) or one of its Vietnamese aliases.
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim().to_lowercase();
                $(if t == $code $(|| t == $alias)* { return Some($name::$variant); })+
                None
            }

            /// The accepted codes, for error messages.
            pub fn expected() -> String {
                [$($code),+].join(", ")
            }
        }
    };
}

code_enum! {
    /// Loại đơn vị.
    UnitKind {
        Province = "province" | "tỉnh" | "tinh" | "thành phố",
        Ministry = "ministry" | "bộ" | "bo",
        Department = "department" | "sở" | "so" | "sở, ban, ngành",
        District = "district" | "huyện" | "huyen",
        Commune = "commune" | "xã" | "xa" | "phường",
        Other = "other" | "khác",
    }
}

impl UnitKind {
    /// Plural Vietnamese label for section headings.
    pub fn label_vi(self) -> &'static str {
        match self {
            UnitKind::Province => "Tỉnh, thành phố",
            UnitKind::Ministry => "Bộ, ngành",
            UnitKind::Department => "Sở, ban, ngành",
            UnitKind::District => "UBND cấp huyện",
            UnitKind::Commune => "UBND cấp xã",
            UnitKind::Other => "Đơn vị khác",
        }
    }
}

code_enum! {
    /// Cấp thực hiện of a procedure.
    ProcedureLevel {
        Ministry = "ministry" | "bộ" | "cấp bộ" | "trung ương",
        Province = "province" | "tỉnh" | "cấp tỉnh",
        District = "district" | "huyện" | "cấp huyện",
        Commune = "commune" | "xã" | "cấp xã",
    }
}

code_enum! {
    /// Mức độ dịch vụ công trực tuyến.
    OnlineLevel {
        None = "none" | "0" | "không" | "",
        Partial = "partial" | "một phần" | "3" | "mot phan",
        Full = "full" | "toàn trình" | "4" | "toan trinh",
    }
}

code_enum! {
    /// Trạng thái hồ sơ. The national portal's `TrangThaiHoSo` codes 1–10 and
    /// their official labels are accepted as aliases (data-format.md):
    /// 1 Mới đăng ký, 2 Được tiếp nhận, 3 Không được tiếp nhận, 4 Đang xử lý,
    /// 5 Yêu cầu bổ sung giấy tờ, 6 Yêu cầu thực hiện nghĩa vụ tài chính,
    /// 7 Công dân yêu cầu rút hồ sơ, 8 Dừng xử lý, 9 Đã xử lý xong, 10 Đã trả kết quả.
    DossierStatus {
        Registered = "registered" | "1" | "mới đăng ký" | "moi dang ky" | "chờ tiếp nhận",
        Received = "received" | "2" | "được tiếp nhận" | "đã tiếp nhận" | "tiếp nhận" | "mới tiếp nhận",
        Processing = "processing" | "4" | "đang xử lý" | "dang xu ly",
        SupplementRequested = "supplement_requested" | "5" | "yêu cầu bổ sung giấy tờ" | "yêu cầu bổ sung" | "chờ bổ sung",
        AwaitingPayment = "awaiting_payment" | "6" | "yêu cầu thực hiện nghĩa vụ tài chính" | "chờ thực hiện nghĩa vụ tài chính" | "chờ thanh toán",
        Finished = "finished" | "9" | "đã xử lý xong" | "xử lý xong" | "da xu ly xong",
        Returned = "returned" | "10" | "đã trả kết quả" | "trả kết quả" | "da tra ket qua",
        Rejected = "rejected" | "3" | "không được tiếp nhận" | "từ chối" | "từ chối tiếp nhận",
        Stopped = "stopped" | "8" | "dừng xử lý" | "dung xu ly",
        Withdrawn = "withdrawn" | "7" | "công dân yêu cầu rút hồ sơ" | "công dân rút hồ sơ" | "rút hồ sơ",
    }
}

impl DossierStatus {
    /// The national portal's `TrangThaiHoSo` code.
    pub fn portal_code(self) -> u8 {
        match self {
            DossierStatus::Registered => 1,
            DossierStatus::Received => 2,
            DossierStatus::Rejected => 3,
            DossierStatus::Processing => 4,
            DossierStatus::SupplementRequested => 5,
            DossierStatus::AwaitingPayment => 6,
            DossierStatus::Withdrawn => 7,
            DossierStatus::Stopped => 8,
            DossierStatus::Finished => 9,
            DossierStatus::Returned => 10,
        }
    }

    /// The official Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            DossierStatus::Registered => "Mới đăng ký",
            DossierStatus::Received => "Được tiếp nhận",
            DossierStatus::Rejected => "Không được tiếp nhận",
            DossierStatus::Processing => "Đang xử lý",
            DossierStatus::SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            DossierStatus::AwaitingPayment => "Yêu cầu thực hiện nghĩa vụ tài chính",
            DossierStatus::Withdrawn => "Công dân yêu cầu rút hồ sơ",
            DossierStatus::Stopped => "Dừng xử lý",
            DossierStatus::Finished => "Đã xử lý xong",
            DossierStatus::Returned => "Đã trả kết quả",
        }
    }

    /// Whether the status ends processing (methodology §3: finished,
    /// returned, refused, stopped, withdrawn).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            DossierStatus::Finished
                | DossierStatus::Returned
                | DossierStatus::Rejected
                | DossierStatus::Stopped
                | DossierStatus::Withdrawn
        )
    }
}

code_enum! {
    /// Đánh giá của người dân.
    Rating {
        Satisfied = "satisfied" | "hài lòng" | "rất hài lòng",
        Neutral = "neutral" | "bình thường",
        Unsatisfied = "unsatisfied" | "không hài lòng",
    }
}

code_enum! {
    /// Kết quả xử lý phản ánh, kiến nghị.
    FeedbackOutcome {
        Pending = "pending" | "đang xử lý" | "chờ xử lý",
        Answered = "answered" | "đã trả lời",
        Refused = "refused" | "từ chối",
        SupplementRequested = "supplement_requested" | "yêu cầu bổ sung",
    }
}

/// Kênh thực hiện: 1 in person, 2 online, 3 postal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    InPerson = 1,
    Online = 2,
    Postal = 3,
}

impl Channel {
    pub fn from_number(n: i64) -> Option<Channel> {
        match n {
            1 => Some(Channel::InPerson),
            2 => Some(Channel::Online),
            3 => Some(Channel::Postal),
            _ => None,
        }
    }
}

/// Đơn vị: an agency that handles procedures.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// Mã định danh điện tử (QCVN 102:2016/BTTTT), e.g. `000.20.30.H53`.
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub kind: UnitKind,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub successor_code: Option<String>,
    /// False for units that are not scored (S000: "Không thực hiện chấm điểm…").
    pub scored: bool,
}

/// Thủ tục hành chính in the national catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct Procedure {
    pub code: String,
    pub name: String,
    pub level: Option<ProcedureLevel>,
    pub field: String,
    pub online_level: OnlineLevel,
    pub full_online_eligible: bool,
    pub has_fee: bool,
    /// The result is a document: e-result criteria apply.
    pub paper_result: bool,
    /// Legal time limit in working days (thời hạn giải quyết).
    pub max_days: Option<u32>,
    pub citizen_facing: bool,
    pub decision_date: Option<Date>,
    pub legal_effective_date: Option<Date>,
    pub published_at: Option<Date>,
    pub complete_parts: bool,
    pub citizen_data_connected: bool,
}

/// Hồ sơ: one application for a procedure.
#[derive(Clone, Debug, PartialEq)]
pub struct Dossier {
    pub id: String,
    pub unit_code: String,
    pub procedure_code: String,
    pub channel: Channel,
    pub submitted_at: Option<Instant>,
    pub received_at: Instant,
    /// Ngày hẹn trả; a date without a time means the end of that day.
    pub due_at: Option<Instant>,
    pub finished_at: Option<Instant>,
    pub returned_at: Option<Instant>,
    pub status: DossierStatus,
    pub supplement_requests: u32,
    pub supplement_requested_at: Option<Instant>,
    pub supplement_days: u32,
    pub synced: bool,
    pub fee_amount: i64,
    /// 0 not paid online, 1 national portal, 2 local payment gateway.
    pub paid_online: u8,
    pub e_result: bool,
    pub digitized: bool,
    pub reused_data: bool,
    pub vneid_verified: bool,
    pub handler_named: bool,
    pub personal_store_synced: bool,
    pub citizen_data_used: bool,
    pub rating: Option<Rating>,
    pub complaint: bool,
}

impl Dossier {
    /// A dossier with every optional field at its default, for tests and generators.
    pub fn new(id: &str, unit_code: &str, procedure_code: &str, received_at: Instant) -> Dossier {
        Dossier {
            id: id.to_string(),
            unit_code: unit_code.to_string(),
            procedure_code: procedure_code.to_string(),
            channel: Channel::InPerson,
            submitted_at: None,
            received_at,
            due_at: None,
            finished_at: None,
            returned_at: None,
            status: DossierStatus::Received,
            supplement_requests: 0,
            supplement_requested_at: None,
            supplement_days: 0,
            synced: false,
            fee_amount: 0,
            paid_online: 0,
            e_result: false,
            digitized: false,
            reused_data: false,
            vneid_verified: false,
            handler_named: true,
            personal_store_synced: false,
            citizen_data_used: false,
            rating: None,
            complaint: false,
        }
    }
}

/// Phản ánh, kiến nghị (PAKN).
#[derive(Clone, Debug, PartialEq)]
pub struct Feedback {
    pub id: String,
    pub unit_code: String,
    pub received_at: Instant,
    pub outcome: FeedbackOutcome,
    pub handled_at: Option<Instant>,
    pub published_at: Option<Instant>,
    pub likes: u32,
    pub dislikes: u32,
    pub repeated: bool,
}

/// Figures reported per unit and month rather than per record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitCounts {
    pub unit_code: String,
    pub month: Month,
    pub verified_accounts: i64,
    pub e_certified_copies: i64,
    pub certification_dossiers: i64,
    pub population: i64,
}

impl Procedure {
    pub fn new(code: &str, name: &str) -> Procedure {
        Procedure {
            code: code.to_string(),
            name: name.to_string(),
            level: None,
            field: String::new(),
            online_level: OnlineLevel::None,
            full_online_eligible: false,
            has_fee: false,
            paper_result: false,
            max_days: None,
            citizen_facing: false,
            decision_date: None,
            legal_effective_date: None,
            published_at: None,
            complete_parts: false,
            citizen_data_connected: false,
        }
    }

    pub fn offered_online(&self) -> bool {
        self.online_level != OnlineLevel::None
    }
}
