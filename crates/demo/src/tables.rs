//! Static material of the demo province: agencies, the procedure catalogue,
//! place-name parts and public holidays.
//!
//! Agency names are today's (after the 2025 reorganisation of provincial
//! departments and the two-tier local government of 1 July 2025). Procedure
//! names follow the national procedure database (CSDL quốc gia về TTHC); time
//! limits are realistic, not authoritative.

/// Tỉnh: the fictional province's name and the last group of its codes.
pub(crate) const PROVINCE_NAME: &str = "UBND tỉnh Sơn Thủy";
pub(crate) const PROVINCE_SUFFIX: &str = "H99";

/// A provincial department or agency (sở, ban, ngành) of today.
pub(crate) struct DepartmentSpec {
    pub name: &'static str,
    /// Relative dossier volume; all communes together weigh [`COMMUNES_WEIGHT`].
    pub weight: f64,
    pub scored: bool,
    /// Founded by the 2025 merger of departments (1 March 2025), if so.
    pub formed_2025: Option<(u32, u32)>,
}

const fn dept(name: &'static str, weight: f64) -> DepartmentSpec {
    DepartmentSpec {
        name,
        weight,
        scored: true,
        formed_2025: None,
    }
}

const fn merged(name: &'static str, weight: f64, month: u32, day: u32) -> DepartmentSpec {
    DepartmentSpec {
        name,
        weight,
        scored: true,
        formed_2025: Some((month, day)),
    }
}

/// Relative dossier volume of all communes together.
pub(crate) const COMMUNES_WEIGHT: f64 = 55.0;

#[rustfmt::skip]
pub(crate) const DEPARTMENTS: &[DepartmentSpec] = &[
    dept("Sở Tư pháp", 3.0),                                 // 0
    merged("Sở Tài chính", 2.0, 3, 1),                       // 1
    merged("Sở Xây dựng", 2.0, 3, 1),                        // 2
    dept("Sở Y tế", 1.5),                                    // 3
    merged("Sở Nội vụ", 2.5, 3, 1),                          // 4
    dept("Sở Công Thương", 0.8),                             // 5
    dept("Sở Giáo dục và Đào tạo", 1.0),                     // 6
    merged("Sở Nông nghiệp và Môi trường", 6.0, 3, 1),       // 7
    merged("Sở Khoa học và Công nghệ", 0.3, 3, 1),           // 8
    dept("Sở Văn hóa, Thể thao và Du lịch", 0.4),            // 9
    dept("Sở Ngoại vụ", 0.1),                                // 10
    merged("Sở Dân tộc và Tôn giáo", 0.15, 3, 1),            // 11
    dept("Ban Quản lý các khu công nghiệp tỉnh", 0.3),       // 12
    dept("Công an tỉnh", 12.0),                              // 13
    DepartmentSpec { name: "Thanh tra tỉnh", weight: 0.1, scored: false, formed_2025: None }, // 14
    dept("Văn phòng UBND tỉnh", 0.1),                        // 15
    dept("Bảo hiểm xã hội tỉnh", 3.0),                       // 16
    merged("Thuế tỉnh", 2.0, 7, 1),                          // 17
];

/// Departments that ceased to exist on 1 March 2025, with the index of the
/// department that took them over (history links).
pub(crate) const FORMER_DEPARTMENTS: &[(&str, usize)] = &[
    ("Sở Kế hoạch và Đầu tư", 1),
    ("Sở Giao thông vận tải", 2),
    ("Sở Lao động - Thương binh và Xã hội", 4),
    ("Sở Tài nguyên và Môi trường", 7),
    ("Sở Nông nghiệp và Phát triển nông thôn", 7),
    ("Sở Thông tin và Truyền thông", 8),
    ("Ban Dân tộc", 11),
];

/// Former district-level units (cấp huyện, abolished on 1 July 2025): kind
/// ("thành phố" or "huyện"), name, and how many of today's communes lie on
/// their former territory. The first of those communes carries the
/// district's name and is its successor.
pub(crate) const FORMER_DISTRICTS: &[(&str, &str, usize)] = &[
    ("thành phố", "Sơn Thủy", 12),
    ("huyện", "Lạc Phong", 15),
    ("huyện", "Kim Thịnh", 14),
    ("huyện", "Đà Giang", 16),
    ("huyện", "Yên Hòa", 13),
    ("huyện", "Cao Lương", 15),
    ("huyện", "Mai Lâm", 15),
];

/// First and second syllables of commune and ward names.
pub(crate) const NAME_FIRST: &[&str] = &[
    "An", "Bình", "Cao", "Đông", "Hòa", "Hưng", "Kim", "Lạc", "Long", "Minh", "Nam", "Phú",
    "Quang", "Tân", "Thanh", "Thịnh", "Trung", "Vĩnh", "Xuân", "Yên", "Đại", "Hồng", "Phúc",
    "Thái", "Hợp", "Mỹ", "Ngọc", "Đức", "Hải", "Tiền", "Văn", "Quý", "Liên", "Tú", "Bảo",
];
pub(crate) const NAME_SECOND: &[&str] = &[
    "Lập", "Phong", "Sơn", "Thủy", "Hòa", "Lợi", "Thành", "Tiến", "Phú", "Hưng", "Thịnh", "Lạc",
    "Bình", "Lương", "Châu", "Khê", "Định", "Mỹ", "Xuân", "Đồng", "Quang", "Long", "Nghĩa", "Vinh",
    "Lâm", "Hà", "Trung", "Cường", "Yên", "Phúc", "An", "Tân", "Minh", "Giang",
];

/// Đối tượng thực hiện.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Who {
    Citizen,
    Business,
    Both,
}

/// Cơ quan thực hiện: one department, every commune, or one ministry (national picture).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    Department(usize),
    Communes,
    Ministry(usize),
}

/// One catalogue procedure.
pub(crate) struct ProcedureSpec {
    pub owner: Owner,
    pub field: &'static str,
    pub name: &'static str,
    /// Thời hạn giải quyết, working days.
    pub max_days: u32,
    /// Relative dossier volume within the units that handle it.
    pub popularity: f64,
    pub fee: bool,
    pub who: Who,
}

const fn d(
    dept: usize,
    field: &'static str,
    name: &'static str,
    max_days: u32,
    popularity: f64,
    fee: bool,
    who: Who,
) -> ProcedureSpec {
    ProcedureSpec {
        owner: Owner::Department(dept),
        field,
        name,
        max_days,
        popularity,
        fee,
        who,
    }
}

const fn c(
    field: &'static str,
    name: &'static str,
    max_days: u32,
    popularity: f64,
    fee: bool,
    who: Who,
) -> ProcedureSpec {
    ProcedureSpec {
        owner: Owner::Communes,
        field,
        name,
        max_days,
        popularity,
        fee,
        who,
    }
}

const fn m(
    ministry: usize,
    field: &'static str,
    name: &'static str,
    max_days: u32,
    popularity: f64,
    fee: bool,
    who: Who,
) -> ProcedureSpec {
    ProcedureSpec {
        owner: Owner::Ministry(ministry),
        field,
        name,
        max_days,
        popularity,
        fee,
        who,
    }
}

use Who::{Both, Business, Citizen};

/// Field name of certification procedures (chứng thực), counted in the
/// monthly certification figures of communes.
pub(crate) const CERTIFICATION_FIELD: &str = "Chứng thực";

#[rustfmt::skip]
pub(crate) const PROCEDURES: &[ProcedureSpec] = &[
    // Sở Tư pháp
    d(0, "Lý lịch tư pháp", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam", 10, 30.0, true, Citizen),
    d(0, "Lý lịch tư pháp", "Cấp Phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị, tổ chức chính trị - xã hội", 10, 3.0, false, Both),
    d(0, "Công chứng", "Đăng ký hành nghề và cấp Thẻ công chứng viên", 10, 0.5, false, Citizen),
    d(0, "Công chứng", "Thành lập Văn phòng công chứng", 20, 0.2, false, Business),
    d(0, "Luật sư", "Đăng ký hoạt động của tổ chức hành nghề luật sư", 10, 0.3, false, Business),
    d(0, "Đấu giá tài sản", "Đăng ký hoạt động của doanh nghiệp đấu giá tài sản", 10, 0.1, false, Business),
    // Sở Tài chính
    d(1, "Thành lập và hoạt động doanh nghiệp", "Đăng ký thành lập doanh nghiệp tư nhân", 3, 3.0, false, Business),
    d(1, "Thành lập và hoạt động doanh nghiệp", "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên", 3, 8.0, true, Business),
    d(1, "Thành lập và hoạt động doanh nghiệp", "Đăng ký thành lập công ty cổ phần", 3, 4.0, true, Business),
    d(1, "Thành lập và hoạt động doanh nghiệp", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp", 3, 15.0, true, Business),
    d(1, "Thành lập và hoạt động doanh nghiệp", "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo", 3, 5.0, false, Business),
    d(1, "Thành lập và hoạt động doanh nghiệp", "Đăng ký giải thể doanh nghiệp", 5, 2.0, false, Business),
    d(1, "Đầu tư tại Việt Nam", "Quyết định chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh", 30, 0.3, false, Business),
    d(1, "Đầu tư tại Việt Nam", "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp thuận chủ trương đầu tư", 15, 0.3, false, Business),
    // Sở Xây dựng
    d(2, "Hoạt động xây dựng", "Cấp giấy phép xây dựng mới đối với công trình cấp I, cấp II", 20, 1.0, true, Business),
    d(2, "Hoạt động xây dựng", "Thẩm định Báo cáo nghiên cứu khả thi đầu tư xây dựng", 30, 0.8, true, Business),
    d(2, "Hoạt động xây dựng", "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III", 20, 3.0, true, Citizen),
    d(2, "Đường bộ", "Cấp Giấy phép kinh doanh vận tải bằng xe ô tô", 5, 2.0, true, Business),
    d(2, "Đường bộ", "Cấp phù hiệu xe ô tô kinh doanh vận tải", 2, 12.0, false, Business),
    d(2, "Đường bộ", "Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn trên đường bộ", 2, 4.0, false, Business),
    // Sở Y tế
    d(3, "Khám bệnh, chữa bệnh", "Cấp mới giấy phép hành nghề khám bệnh, chữa bệnh", 20, 4.0, true, Citizen),
    d(3, "Khám bệnh, chữa bệnh", "Cấp mới giấy phép hoạt động đối với phòng khám chuyên khoa", 30, 0.6, true, Business),
    d(3, "Dược phẩm", "Cấp Chứng chỉ hành nghề dược", 20, 3.0, true, Citizen),
    d(3, "Dược phẩm", "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược đối với nhà thuốc", 20, 3.0, true, Business),
    d(3, "An toàn thực phẩm", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", 20, 2.0, true, Business),
    d(3, "An toàn thực phẩm", "Cấp Giấy tiếp nhận đăng ký bản công bố sản phẩm thực phẩm", 7, 1.5, true, Business),
    d(3, "Giám định y khoa", "Khám giám định y khoa lần đầu", 30, 1.0, false, Citizen),
    // Sở Nội vụ
    d(4, "Việc làm", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", 10, 2.0, true, Business),
    d(4, "Việc làm", "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động", 5, 0.8, false, Business),
    d(4, "Việc làm", "Giải quyết hưởng trợ cấp thất nghiệp", 20, 25.0, false, Citizen),
    d(4, "Lao động", "Đăng ký nội quy lao động của doanh nghiệp", 7, 1.0, false, Business),
    d(4, "Việc làm", "Cấp giấy phép hoạt động dịch vụ việc làm", 7, 0.1, true, Business),
    d(4, "Người có công", "Giải quyết chế độ ưu đãi đối với thân nhân liệt sĩ", 12, 1.0, false, Citizen),
    d(4, "Tổ chức phi chính phủ", "Công nhận ban vận động thành lập hội", 30, 0.1, false, Both),
    d(4, "Thi đua, khen thưởng", "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh", 20, 2.0, false, Both),
    // Sở Công Thương
    d(5, "Lưu thông hàng hóa trong nước", "Cấp Giấy phép bán buôn sản phẩm rượu", 15, 0.5, true, Business),
    d(5, "Kinh doanh xăng dầu", "Cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu", 15, 0.8, true, Business),
    d(5, "Lưu thông hàng hóa trong nước", "Cấp Giấy phép bán lẻ sản phẩm thuốc lá", 15, 0.5, true, Business),
    d(5, "Xúc tiến thương mại", "Đăng ký thực hiện khuyến mại", 5, 5.0, false, Business),
    d(5, "Điện", "Cấp Giấy phép hoạt động điện lực", 15, 0.3, true, Business),
    // Sở Giáo dục và Đào tạo
    d(6, "Văn bằng, chứng chỉ", "Chỉnh sửa nội dung văn bằng, chứng chỉ", 5, 2.0, false, Citizen),
    d(6, "Văn bằng, chứng chỉ", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", 3, 6.0, false, Citizen),
    d(6, "Văn bằng, chứng chỉ", "Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở giáo dục nước ngoài cấp", 20, 0.5, false, Citizen),
    d(6, "Giáo dục và Đào tạo", "Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục", 20, 0.3, false, Business),
    d(6, "Thi, tuyển sinh", "Phúc khảo bài thi tốt nghiệp trung học phổ thông", 10, 4.0, false, Citizen),
    // Sở Nông nghiệp và Môi trường
    d(7, "Đất đai", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do chuyển nhượng, tặng cho, thừa kế", 10, 40.0, true, Citizen),
    d(7, "Đất đai", "Cấp đổi, cấp lại Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", 7, 12.0, true, Citizen),
    d(7, "Đất đai", "Cung cấp thông tin, dữ liệu đất đai", 2, 10.0, true, Both),
    d(7, "Đăng ký biện pháp bảo đảm", "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", 1, 12.0, false, Both),
    d(7, "Môi trường", "Cấp giấy phép môi trường", 30, 0.5, true, Business),
    d(7, "Môi trường", "Thẩm định báo cáo đánh giá tác động môi trường", 25, 0.3, true, Business),
    d(7, "Tài nguyên nước", "Cấp giấy phép khai thác nước dưới đất", 20, 0.3, true, Business),
    d(7, "Thú y", "Cấp Giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn cấp tỉnh", 3, 3.0, true, Both),
    d(7, "Quản lý chất lượng nông lâm sản và thủy sản", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông, lâm, thủy sản", 15, 0.5, true, Business),
    // Sở Khoa học và Công nghệ
    d(8, "An toàn bức xạ và hạt nhân", "Cấp giấy phép tiến hành công việc bức xạ (sử dụng thiết bị X-quang chẩn đoán trong y tế)", 15, 0.5, true, Business),
    d(8, "Hoạt động khoa học và công nghệ", "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ", 10, 0.3, false, Both),
    d(8, "Báo chí", "Cấp giấy phép xuất bản bản tin", 15, 0.2, false, Business),
    d(8, "Phát thanh, truyền hình và thông tin điện tử", "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp", 10, 0.3, false, Business),
    d(8, "Bưu chính", "Cấp giấy phép bưu chính", 20, 0.1, true, Business),
    // Sở Văn hóa, Thể thao và Du lịch
    d(9, "Lữ hành", "Cấp Giấy phép kinh doanh dịch vụ lữ hành nội địa", 10, 0.4, true, Business),
    d(9, "Du lịch", "Công nhận hạng cơ sở lưu trú du lịch hạng 1 sao, 2 sao, 3 sao", 30, 0.2, true, Business),
    d(9, "Du lịch", "Cấp thẻ hướng dẫn viên du lịch tại điểm", 10, 1.0, true, Citizen),
    d(9, "Thể dục thể thao", "Cấp Giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", 7, 0.3, true, Business),
    // Sở Ngoại vụ
    d(10, "Hội nghị, hội thảo quốc tế", "Cho phép tổ chức hội nghị, hội thảo quốc tế thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân tỉnh", 15, 1.0, false, Both),
    d(10, "Ngoại vụ", "Cho chủ trương đón đoàn khách nước ngoài vào làm việc tại địa phương", 7, 0.5, false, Business),
    // Sở Dân tộc và Tôn giáo
    d(11, "Tôn giáo", "Chấp thuận tổ chức cuộc lễ ngoài cơ sở tôn giáo, địa điểm hợp pháp đã đăng ký", 15, 0.3, false, Both),
    d(11, "Tôn giáo", "Đăng ký người được bổ nhiệm, bầu cử, suy cử làm chức việc", 20, 0.2, false, Citizen),
    d(11, "Công tác dân tộc", "Công nhận người có uy tín trong đồng bào dân tộc thiểu số", 15, 0.3, false, Citizen),
    // Ban Quản lý các khu công nghiệp
    d(12, "Đầu tư tại Việt Nam", "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án trong khu công nghiệp", 15, 1.0, false, Business),
    d(12, "Đầu tư tại Việt Nam", "Điều chỉnh Giấy chứng nhận đăng ký đầu tư đối với dự án trong khu công nghiệp", 10, 2.0, false, Business),
    d(12, "Việc làm", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc trong khu công nghiệp", 10, 3.0, true, Business),
    // Công an tỉnh (including commune police stations)
    d(13, "Đăng ký, quản lý cư trú", "Đăng ký thường trú", 7, 20.0, true, Citizen),
    d(13, "Đăng ký, quản lý cư trú", "Đăng ký tạm trú", 3, 15.0, false, Citizen),
    d(13, "Cấp, quản lý căn cước", "Cấp thẻ căn cước cho công dân từ đủ 14 tuổi trở lên", 7, 30.0, true, Citizen),
    d(13, "Xuất nhập cảnh", "Cấp hộ chiếu phổ thông ở trong nước", 8, 12.0, true, Citizen),
    d(13, "Đường bộ", "Cấp đổi giấy phép lái xe", 5, 10.0, true, Citizen),
    d(13, "Đăng ký, quản lý phương tiện giao thông", "Đăng ký, cấp biển số xe lần đầu", 2, 15.0, true, Both),
    d(13, "Phòng cháy, chữa cháy", "Thẩm định thiết kế về phòng cháy và chữa cháy", 15, 1.0, true, Business),
    d(13, "Quản lý ngành, nghề kinh doanh có điều kiện về an ninh, trật tự", "Cấp Giấy chứng nhận đủ điều kiện về an ninh, trật tự để làm ngành, nghề đầu tư kinh doanh có điều kiện", 5, 1.5, false, Business),
    // Thanh tra tỉnh
    d(14, "Giải quyết khiếu nại", "Giải quyết khiếu nại lần hai tại cấp tỉnh", 30, 1.0, false, Both),
    d(14, "Giải quyết tố cáo", "Giải quyết tố cáo tại cấp tỉnh", 30, 0.5, false, Both),
    d(14, "Tiếp công dân", "Tiếp công dân tại cấp tỉnh", 1, 3.0, false, Both),
    // Văn phòng UBND tỉnh
    d(15, "Hợp tác quốc tế", "Cho phép sử dụng thẻ đi lại của doanh nhân APEC (thẻ ABTC)", 15, 1.0, false, Business),
    // Bảo hiểm xã hội tỉnh
    d(16, "Cấp sổ, thẻ", "Cấp lại, đổi, điều chỉnh thông tin trên sổ bảo hiểm xã hội, thẻ bảo hiểm y tế", 5, 20.0, false, Citizen),
    d(16, "Thu bảo hiểm xã hội, bảo hiểm y tế", "Đăng ký đóng, cấp thẻ bảo hiểm y tế đối với người chỉ tham gia bảo hiểm y tế", 5, 10.0, false, Citizen),
    d(16, "Thực hiện chính sách bảo hiểm xã hội", "Giải quyết hưởng chế độ thai sản", 6, 8.0, false, Citizen),
    d(16, "Thực hiện chính sách bảo hiểm xã hội", "Giải quyết hưởng lương hưu", 20, 2.0, false, Citizen),
    // Thuế tỉnh
    d(17, "Quản lý thuế", "Đăng ký thuế lần đầu đối với hộ kinh doanh, cá nhân kinh doanh", 3, 8.0, false, Citizen),
    d(17, "Lệ phí trước bạ", "Khai, nộp lệ phí trước bạ nhà, đất", 5, 15.0, true, Citizen),
    d(17, "Quản lý thuế", "Hoàn thuế thu nhập cá nhân", 6, 4.0, false, Citizen),
    // UBND cấp xã: hộ tịch
    c("Hộ tịch", "Đăng ký khai sinh", 1, 12.0, false, Citizen),
    c("Hộ tịch", "Đăng ký kết hôn", 3, 5.0, false, Citizen),
    c("Hộ tịch", "Đăng ký khai tử", 1, 3.0, false, Citizen),
    c("Hộ tịch", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", 3, 2.0, true, Citizen),
    c("Hộ tịch", "Cấp Giấy xác nhận tình trạng hôn nhân", 3, 8.0, false, Citizen),
    c("Hộ tịch", "Đăng ký nhận cha, mẹ, con", 3, 0.5, false, Citizen),
    c("Hộ tịch", "Cấp bản sao Trích lục hộ tịch", 1, 6.0, true, Citizen),
    c("Hộ tịch", "Đăng ký giám hộ", 3, 0.2, false, Citizen),
    c("Hộ tịch", "Đăng ký khai sinh có yếu tố nước ngoài", 3, 0.2, true, Citizen),
    c("Hộ tịch", "Đăng ký kết hôn có yếu tố nước ngoài", 10, 0.3, true, Citizen),
    c("Hộ tịch", "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", 3, 6.0, false, Citizen),
    // chứng thực
    c(CERTIFICATION_FIELD, "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp hoặc chứng nhận", 1, 40.0, true, Citizen),
    c(CERTIFICATION_FIELD, "Chứng thực chữ ký trong các giấy tờ, văn bản", 1, 10.0, true, Citizen),
    c(CERTIFICATION_FIELD, "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở", 2, 5.0, true, Citizen),
    c(CERTIFICATION_FIELD, "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử dụng đất, nhà ở", 3, 1.0, true, Citizen),
    c(CERTIFICATION_FIELD, "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực", 2, 0.5, true, Citizen),
    // đất đai, xây dựng
    c("Đất đai", "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho cá nhân", 20, 2.0, true, Citizen),
    c("Đất đai", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền đối với cá nhân", 15, 1.5, false, Citizen),
    c("Đất đai", "Giao đất, cho thuê đất không đấu giá quyền sử dụng đất đối với cá nhân", 20, 0.3, false, Citizen),
    c("Đất đai", "Hòa giải tranh chấp đất đai", 30, 0.5, false, Citizen),
    c("Hoạt động xây dựng", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", 15, 2.0, true, Citizen),
    c("Hoạt động xây dựng", "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ", 15, 0.5, true, Citizen),
    c("Hoạt động xây dựng", "Điều chỉnh giấy phép xây dựng đối với nhà ở riêng lẻ", 15, 0.2, false, Citizen),
    // hộ kinh doanh, thương mại, văn hóa
    c("Thành lập và hoạt động của hộ kinh doanh", "Đăng ký thành lập hộ kinh doanh", 3, 2.0, true, Citizen),
    c("Thành lập và hoạt động của hộ kinh doanh", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", 3, 1.0, true, Citizen),
    c("Thành lập và hoạt động của hộ kinh doanh", "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh của hộ kinh doanh", 3, 0.5, false, Citizen),
    c("Thành lập và hoạt động của hộ kinh doanh", "Chấm dứt hoạt động hộ kinh doanh", 3, 0.5, false, Citizen),
    c("Lưu thông hàng hóa trong nước", "Cấp Giấy phép bán lẻ rượu", 10, 0.3, true, Citizen),
    c("Văn hóa", "Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke", 5, 0.1, true, Business),
    c("Văn hóa", "Đăng ký tổ chức lễ hội", 15, 0.05, false, Both),
    // bảo trợ xã hội, người có công
    c("Bảo trợ xã hội", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng", 15, 2.0, false, Citizen),
    c("Bảo trợ xã hội", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", 5, 0.6, false, Citizen),
    c("Bảo trợ xã hội", "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật", 25, 0.6, false, Citizen),
    c("Giảm nghèo", "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", 10, 0.5, false, Citizen),
    c("Người có công", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", 12, 0.3, false, Citizen),
    c("Người có công", "Hỗ trợ người có công với cách mạng cải thiện nhà ở", 20, 0.1, false, Citizen),
    // giáo dục, y tế, nông nghiệp
    c("Giáo dục và Đào tạo", "Chuyển trường đối với học sinh trung học cơ sở", 3, 1.0, false, Citizen),
    c("Giáo dục và Đào tạo", "Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động giáo dục", 20, 0.05, false, Business),
    c("Giáo dục và Đào tạo", "Xét, duyệt chính sách hỗ trợ đối với học sinh bán trú", 15, 0.3, false, Citizen),
    c("An toàn thực phẩm", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở kinh doanh dịch vụ ăn uống", 15, 0.3, true, Business),
    c("Môi trường", "Đăng ký môi trường", 5, 0.2, false, Business),
    c("Phòng, chống thiên tai", "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai, dịch bệnh", 10, 0.2, false, Citizen),
    // tư pháp, tôn giáo, thi đua, khiếu nại
    c("Hòa giải ở cơ sở", "Công nhận hòa giải viên", 3, 0.05, false, Citizen),
    c("Tín ngưỡng, tôn giáo", "Đăng ký hoạt động tín ngưỡng", 15, 0.05, false, Both),
    c("Thi đua, khen thưởng", "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã", 20, 0.2, false, Both),
    c("Giải quyết khiếu nại", "Giải quyết khiếu nại lần đầu tại cấp xã", 30, 0.1, false, Both),
];

/// Procedures every commune handles (the rest: each commune handles most of them).
pub(crate) fn always_at_communes(field: &str) -> bool {
    matches!(
        field,
        "Hộ tịch" | CERTIFICATION_FIELD | "Đất đai" | "Hoạt động xây dựng" | "Bảo trợ xã hội"
    )
}

/// Fees and charges (phí, lệ phí) in VND for fee-bearing procedures.
pub(crate) const FEES: &[i64] = &[
    5_000, 8_000, 10_000, 20_000, 30_000, 50_000, 100_000, 150_000, 200_000, 500_000, 1_000_000,
];

/// A calendar day as (year, month, day).
pub(crate) type Ymd = (i32, u32, u32);

/// Ngày nghỉ lễ, Tết 2025 and 2026 (Bộ luật Lao động 2019, Điều 112, and the
/// government's yearly decisions): (first day, last day, name). Saturdays and
/// Sundays inside a block are listed too, as the decisions list them.
/// Compensatory Saturdays worked (làm bù) cannot be expressed by a holiday
/// list and are left out.
#[rustfmt::skip]
pub(crate) const HOLIDAYS: &[(Ymd, Ymd, &str)] = &[
    ((2025, 1, 1), (2025, 1, 1), "Tết Dương lịch"),
    ((2025, 1, 25), (2025, 2, 2), "Tết Nguyên đán Ất Tỵ"),
    ((2025, 4, 7), (2025, 4, 7), "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    ((2025, 4, 30), (2025, 4, 30), "Ngày Chiến thắng (30/4)"),
    ((2025, 5, 1), (2025, 5, 1), "Ngày Quốc tế Lao động (1/5)"),
    ((2025, 5, 2), (2025, 5, 2), "Nghỉ hoán đổi dịp 30/4 - 1/5"),
    ((2025, 9, 1), (2025, 9, 2), "Quốc khánh (2/9)"),
    ((2026, 1, 1), (2026, 1, 1), "Tết Dương lịch"),
    ((2026, 2, 14), (2026, 2, 22), "Tết Nguyên đán Bính Ngọ"),
    ((2026, 4, 26), (2026, 4, 26), "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    ((2026, 4, 27), (2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương"),
    ((2026, 4, 30), (2026, 4, 30), "Ngày Chiến thắng (30/4)"),
    ((2026, 5, 1), (2026, 5, 1), "Ngày Quốc tế Lao động (1/5)"),
    ((2026, 9, 1), (2026, 9, 2), "Quốc khánh (2/9)"),
];

/// Mùng 1 Tết (lunar new year's day) of the years covered.
pub(crate) const LUNAR_NEW_YEAR: &[Ymd] = &[(2025, 1, 29), (2026, 2, 17)];

// ---------------------------------------------------------------------------
// The national picture: today's 34 provincial-level units and the ministries.

/// A provincial-level unit of today (after the merger of 12 June 2025,
/// Nghị quyết 202/2025/QH15).
pub(crate) struct ProvinceSpec {
    /// "tỉnh" or "thành phố" (centrally-run city).
    pub kind: &'static str,
    pub name: &'static str,
    /// Last group of its codes (QCVN 102:2016/BTTTT): the code of the former
    /// province whose name it kept, in the standard's alphabetical numbering
    /// of the 63 former provinces (H53 Tây Ninh as in the project's fixtures).
    /// Plausible, not authoritative.
    pub suffix: &'static str,
    /// Communes, wards and special zones (xã, phường, đặc khu) in all.
    pub communes: usize,
    /// How many of them are wards (phường).
    pub wards: usize,
    /// Special zones (đặc khu), by name.
    pub special_zones: &'static [&'static str],
    /// Population, thousands (approximate, 2024, merged territories).
    pub population: u32,
}

const fn prov(
    kind: &'static str,
    name: &'static str,
    suffix: &'static str,
    communes: usize,
    wards: usize,
    special_zones: &'static [&'static str],
    population: u32,
) -> ProvinceSpec {
    ProvinceSpec {
        kind,
        name,
        suffix,
        communes,
        wards,
        special_zones,
        population,
    }
}

/// The 34 provincial-level units with their number of communes and wards
/// (3,321 in all, of which 13 special zones) after 1 July 2025.
#[rustfmt::skip]
pub(crate) const PROVINCES: &[ProvinceSpec] = &[
    prov("thành phố", "Hà Nội", "H24", 126, 51, &[], 8_700),
    prov("thành phố", "Huế", "H57", 40, 21, &[], 1_430),
    prov("tỉnh", "Lai Châu", "H35", 38, 2, &[], 480),
    prov("tỉnh", "Điện Biên", "H18", 45, 3, &[], 640),
    prov("tỉnh", "Sơn La", "H52", 75, 8, &[], 1_300),
    prov("tỉnh", "Lạng Sơn", "H37", 65, 4, &[], 810),
    prov("tỉnh", "Quảng Ninh", "H49", 54, 30, &["Vân Đồn", "Cô Tô"], 1_430),
    prov("tỉnh", "Thanh Hóa", "H56", 166, 19, &[], 3_760),
    prov("tỉnh", "Nghệ An", "H41", 130, 11, &[], 3_470),
    prov("tỉnh", "Hà Tĩnh", "H25", 69, 9, &[], 1_320),
    prov("tỉnh", "Cao Bằng", "H13", 56, 3, &[], 550),
    prov("tỉnh", "Tuyên Quang", "H60", 124, 7, &[], 1_870),
    prov("tỉnh", "Lào Cai", "H38", 99, 10, &[], 1_780),
    prov("tỉnh", "Thái Nguyên", "H55", 92, 15, &[], 1_800),
    prov("tỉnh", "Phú Thọ", "H44", 148, 15, &[], 4_020),
    prov("tỉnh", "Bắc Ninh", "H06", 99, 33, &[], 3_620),
    prov("tỉnh", "Hưng Yên", "H31", 104, 11, &[], 3_570),
    prov("thành phố", "Hải Phòng", "H27", 114, 45, &["Cát Hải", "Bạch Long Vĩ"], 4_660),
    prov("tỉnh", "Ninh Bình", "H42", 129, 32, &[], 4_410),
    prov("tỉnh", "Quảng Trị", "H50", 78, 8, &["Cồn Cỏ"], 1_890),
    prov("thành phố", "Đà Nẵng", "H15", 94, 23, &["Hoàng Sa"], 3_070),
    prov("tỉnh", "Quảng Ngãi", "H48", 96, 9, &["Lý Sơn"], 2_160),
    prov("tỉnh", "Gia Lai", "H21", 135, 25, &[], 3_580),
    prov("tỉnh", "Khánh Hòa", "H32", 65, 16, &["Trường Sa"], 2_240),
    prov("tỉnh", "Lâm Đồng", "H36", 124, 20, &["Phú Quý"], 3_870),
    prov("tỉnh", "Đắk Lắk", "H16", 102, 14, &[], 3_350),
    prov("thành phố", "Hồ Chí Minh", "H30", 168, 113, &["Côn Đảo"], 14_000),
    prov("tỉnh", "Đồng Nai", "H19", 95, 23, &[], 4_490),
    prov("tỉnh", "Tây Ninh", "H53", 96, 14, &[], 3_250),
    prov("thành phố", "Cần Thơ", "H14", 103, 31, &[], 4_200),
    prov("tỉnh", "Vĩnh Long", "H61", 124, 19, &[], 4_260),
    prov("tỉnh", "Đồng Tháp", "H20", 102, 20, &[], 4_370),
    prov("tỉnh", "Cà Mau", "H12", 64, 9, &[], 2_610),
    prov("tỉnh", "An Giang", "H01", 102, 14, &["Phú Quốc", "Kiên Hải", "Thổ Châu"], 4_950),
];

/// Departments (indices into [`DEPARTMENTS`]) that only some provinces
/// keep: Sở Ngoại vụ, Sở Dân tộc và Tôn giáo, the industrial-zone board.
pub(crate) const OPTIONAL_DEPARTMENTS: &[usize] = &[10, 11, 12];

/// Share of the nation's dossiers handled by the ministries themselves.
pub(crate) const MINISTRIES_SHARE: f64 = 0.03;

/// A ministry or ministerial-level agency (bộ, cơ quan ngang bộ) of today
/// (after the reorganisation of 1 March 2025): name, last group of its codes
/// (QCVN 102, the code of the ministry whose name or remit it kept;
/// plausible, not authoritative), relative dossier volume.
#[rustfmt::skip]
pub(crate) const MINISTRIES: &[(&str, &str, f64)] = &[
    ("Bộ Công an", "G01", 10.0),                          // 0
    ("Bộ Công Thương", "G02", 8.0),                       // 1
    ("Bộ Giáo dục và Đào tạo", "G03", 1.0),               // 2
    ("Bộ Khoa học và Công nghệ", "G06", 4.0),             // 3
    ("Bộ Ngoại giao", "G08", 3.0),                        // 4
    ("Bộ Nội vụ", "G09", 1.0),                            // 5
    ("Bộ Nông nghiệp và Môi trường", "G10", 4.0),         // 6
    ("Bộ Quốc phòng", "G11", 0.5),                        // 7
    ("Bộ Tài chính", "G12", 5.0),                         // 8
    ("Bộ Tư pháp", "G15", 3.0),                           // 9
    ("Bộ Văn hóa, Thể thao và Du lịch", "G16", 1.0),      // 10
    ("Bộ Xây dựng", "G17", 3.0),                          // 11
    ("Bộ Y tế", "G18", 3.0),                              // 12
    ("Ngân hàng Nhà nước Việt Nam", "G19", 0.5),          // 13
    ("Bộ Dân tộc và Tôn giáo", "G21", 0.2),               // 14
];

/// Procedures handled by the ministries themselves (cấp bộ).
#[rustfmt::skip]
pub(crate) const MINISTRY_PROCEDURES: &[ProcedureSpec] = &[
    m(0, "Xuất nhập cảnh", "Cấp hộ chiếu phổ thông tại Cục Quản lý xuất nhập cảnh", 8, 10.0, true, Citizen),
    m(0, "Xuất nhập cảnh", "Cấp thị thực điện tử cho người nước ngoài", 3, 20.0, true, Citizen),
    m(0, "Đăng ký, quản lý phương tiện giao thông", "Cấp đổi, cấp lại giấy phép lái xe quốc tế", 5, 2.0, true, Citizen),
    m(1, "Xuất nhập khẩu", "Cấp Giấy chứng nhận xuất xứ hàng hóa ưu đãi (C/O)", 1, 30.0, false, Business),
    m(1, "Xuất nhập khẩu", "Cấp Giấy phép nhập khẩu tự động", 7, 3.0, false, Business),
    m(1, "Hóa chất", "Cấp Giấy phép sản xuất, kinh doanh hóa chất hạn chế sản xuất, kinh doanh", 15, 0.5, true, Business),
    m(2, "Văn bằng, chứng chỉ", "Công nhận văn bằng do cơ sở giáo dục nước ngoài cấp", 20, 4.0, true, Citizen),
    m(2, "Giáo dục và Đào tạo", "Cho phép thành lập cơ sở giáo dục đại học có vốn đầu tư nước ngoài", 60, 0.05, false, Business),
    m(3, "Sở hữu trí tuệ", "Đăng ký nhãn hiệu", 30, 10.0, true, Business),
    m(3, "Sở hữu trí tuệ", "Đăng ký sáng chế", 30, 2.0, true, Business),
    m(3, "Viễn thông và Internet", "Cấp giấy phép thiết lập mạng viễn thông công cộng", 30, 0.2, true, Business),
    m(4, "Lãnh sự", "Chứng nhận lãnh sự giấy tờ, tài liệu tại Bộ Ngoại giao", 1, 15.0, true, Both),
    m(4, "Lãnh sự", "Hợp pháp hóa lãnh sự giấy tờ, tài liệu tại Bộ Ngoại giao", 1, 10.0, true, Both),
    m(5, "Tổ chức phi chính phủ", "Công nhận quỹ xã hội, quỹ từ thiện đủ điều kiện hoạt động phạm vi toàn quốc", 30, 0.1, false, Both),
    m(5, "Việc làm", "Cấp giấy phép hoạt động đưa người lao động đi làm việc ở nước ngoài", 20, 0.5, true, Business),
    m(6, "Bảo vệ thực vật", "Cấp Giấy chứng nhận kiểm dịch thực vật xuất khẩu", 1, 15.0, true, Business),
    m(6, "Môi trường", "Cấp giấy phép môi trường thuộc thẩm quyền của Bộ", 30, 0.5, true, Business),
    m(6, "Thú y", "Cấp Giấy chứng nhận kiểm dịch động vật, sản phẩm động vật nhập khẩu", 2, 5.0, true, Business),
    m(7, "Quản lý hoạt động bay", "Cấp phép bay cho tàu bay không người lái", 7, 1.0, false, Both),
    m(8, "Hải quan", "Khai hải quan đối với hàng hóa xuất khẩu, nhập khẩu", 1, 20.0, false, Business),
    m(8, "Kế toán, kiểm toán", "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dịch vụ kế toán", 15, 0.3, true, Business),
    m(8, "Bảo hiểm", "Cấp chứng chỉ đại lý bảo hiểm", 10, 2.0, true, Citizen),
    m(9, "Lý lịch tư pháp", "Cấp Phiếu lý lịch tư pháp tại Trung tâm Lý lịch tư pháp quốc gia", 10, 10.0, true, Citizen),
    m(9, "Quốc tịch", "Cấp Giấy xác nhận có quốc tịch Việt Nam ở trong nước", 20, 0.5, true, Citizen),
    m(10, "Điện ảnh", "Cấp giấy phép phân loại phim", 15, 1.0, true, Business),
    m(10, "Lữ hành", "Cấp Giấy phép kinh doanh dịch vụ lữ hành quốc tế", 10, 0.5, true, Business),
    m(11, "Đường bộ", "Cấp Giấy phép vận tải đường bộ quốc tế", 3, 3.0, true, Business),
    m(11, "Hoạt động xây dựng", "Cấp chứng chỉ năng lực hoạt động xây dựng hạng I", 20, 1.0, true, Business),
    m(12, "Dược phẩm", "Cấp giấy đăng ký lưu hành thuốc", 90, 2.0, true, Business),
    m(12, "Trang thiết bị y tế", "Cấp giấy phép nhập khẩu trang thiết bị y tế", 15, 3.0, true, Business),
    m(13, "Ngân hàng", "Cấp Giấy phép hoạt động cung ứng dịch vụ trung gian thanh toán", 60, 0.1, true, Business),
    m(13, "Ngoại hối", "Đăng ký khoản vay nước ngoài của doanh nghiệp", 12, 2.0, false, Business),
    m(14, "Tôn giáo", "Chấp thuận tổ chức hội nghị thường niên của tổ chức tôn giáo có địa bàn hoạt động ở nhiều tỉnh", 30, 0.1, false, Both),
];

/// Dossier and feedback id prefix of the national picture.
pub(crate) const NATIONAL_PREFIX: &str = "VN";

/// The catalogue of a picture: the province's procedures, and for the nation
/// the ministries' after them (so the province's codes stay the same).
pub(crate) fn procedure_specs(scope: crate::Scope) -> Vec<&'static ProcedureSpec> {
    let ministries = match scope {
        crate::Scope::Province => &[][..],
        crate::Scope::National => MINISTRY_PROCEDURES,
    };
    PROCEDURES.iter().chain(ministries).collect()
}
