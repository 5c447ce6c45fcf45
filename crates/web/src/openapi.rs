//! The OpenAPI 3 document of the API, served at `/api/openapi.json`.
//!
//! Written by hand next to the DTOs of [`crate::api`]; the route tests check
//! that every route of [`crate::api::routes`] is described here and that
//! every response they receive matches its schema, and schemathesis
//! (`tests/api/run.sh`) fuzzes a running server against it.

use serde_json::{json, Map, Value};

use crate::params::MAX_PER_PAGE;

/// The demo province's code (`chiso demo`), for examples.
const DEMO_PROVINCE: &str = "000.00.00.H99";
const RECORD_KINDS: &[&str] = &[
    "units",
    "procedures",
    "dossiers",
    "feedback",
    "counts",
    "holidays",
];
const FORMATS: &[&str] = &["csv", "jsonl", "json", "xlsx", "xls", "html"];
const ERROR_CODES: &[&str] = &[
    "invalid_period",
    "invalid_parameter",
    "unknown_unit",
    "unknown_criterion",
    "unknown_methodology",
    "no_methodology",
    "period_after_data",
    "no_data",
    "unreadable_file",
    "payload_too_large",
    "unauthenticated",
    "invalid_token",
    "not_published",
    "unpublishable",
    "too_many_uploads",
    "request_timeout",
    "forbidden",
    "cross_site_request",
    "not_found",
    "method_not_allowed",
    "busy",
    "internal_error",
];

fn nullable(schema: Value) -> Value {
    let mut s = schema;
    if let Some(o) = s.as_object_mut() {
        o.insert("nullable".into(), Value::Bool(true));
    }
    s
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// An object whose properties are all required (the DTOs always write
/// every field, `null` included).
fn record(properties: &[(&str, Value)]) -> Value {
    let required: Vec<&str> = properties.iter().map(|(k, _)| *k).collect();
    let properties: Map<String, Value> = properties
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    json!({ "type": "object", "required": required, "properties": properties })
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn date() -> Value {
    json!({ "type": "string", "format": "date" })
}

fn one_of(values: &[&str]) -> Value {
    json!({ "type": "string", "enum": values })
}

fn integer() -> Value {
    json!({ "type": "integer", "format": "int64" })
}

fn number() -> Value {
    json!({ "type": "number", "format": "double" })
}

fn boolean() -> Value {
    json!({ "type": "boolean" })
}

fn array(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

/// A map from years ("2024") to ratios.
fn by_year() -> Value {
    json!({ "type": "object", "additionalProperties": number() })
}

fn query(name: &str, required: bool, description: &str, schema: Value) -> Value {
    json!({
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    })
}

fn period_param() -> Value {
    query(
        "period",
        false,
        "Kỳ báo cáo: 2026-03 (tháng), 2026-Q1 (quý), 2026-H1 (6 tháng), 2026 (năm), \
         2026-03:ytd (từ đầu năm), 2026-01-01..2026-02-15 (khoảng ngày). \
         Mặc định: tháng mới nhất có dữ liệu.",
        example("2026-10"),
    )
}

fn kind_param() -> Value {
    query(
        "kind",
        false,
        "Loại đơn vị: province, ministry, department, district, commune, other (hoặc all).",
        example("commune"),
    )
}

fn parent_param() -> Value {
    query(
        "parent",
        false,
        "Chỉ các đơn vị trực thuộc đơn vị có mã này.",
        example(DEMO_PROVINCE),
    )
}

/// A string schema with an example (used by schemathesis's examples phase).
fn example(value: &str) -> Value {
    json!({ "type": "string", "example": value })
}

/// A response with a JSON body of `schema`.
fn ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn operation(
    summary: &str,
    parameters: Vec<Value>,
    success: Value,
    error_statuses: &[&str],
) -> Value {
    let mut responses: Map<String, Value> = error_statuses
        .iter()
        .map(|s| {
            let description = match *s {
                "400" => "Tham số không hợp lệ (invalid_period, invalid_parameter)",
                "404" => "Không tìm thấy (unknown_unit, unknown_criterion)",
                "413" => "Tệp quá lớn (payload_too_large)",
                "503" => {
                    "Cơ sở dữ liệu đang bận ghi cho một lần nhập khác (busy): thử lại sau số giây \
                     trong Retry-After"
                }
                "422" => {
                    "Không xử lý được (no_methodology, period_after_data, no_data, unreadable_file)"
                }
                _ => "Lỗi nội bộ (internal_error)",
            };
            (s.to_string(), ok(description, schema_ref("Error")))
        })
        .collect();
    responses.insert("200".into(), success);
    json!({ "summary": summary, "parameters": parameters, "responses": responses })
}

fn schemas() -> Value {
    let error = record(&[(
        "error",
        record(&[("code", one_of(ERROR_CODES)), ("message", string())]),
    )]);
    let period = record(&[
        ("code", string()),
        ("label", string()),
        ("from", date()),
        ("to", date()),
    ]);
    let health = record(&[
        ("status", one_of(&["ok"])),
        ("version", string()),
        (
            "database",
            record(&[
                ("units", integer()),
                ("procedures", integer()),
                ("dossiers", integer()),
                ("feedback", integer()),
                ("quarantined", integer()),
                ("first_received", nullable(string())),
                ("latest_received", nullable(string())),
            ]),
        ),
    ]);
    let unit_node = record(&[
        ("code", string()),
        ("name", string()),
        ("kind", string()),
        ("kind_label", string()),
        ("parent", nullable(string())),
        ("valid_from", nullable(string())),
        ("valid_to", nullable(string())),
        ("successor", nullable(string())),
        ("scored", boolean()),
        ("children", array(schema_ref("UnitNode"))),
    ]);
    let methodology = record(&[
        ("id", string()),
        ("name", string()),
        ("valid_from", nullable(string())),
        ("valid_to", nullable(string())),
        ("source", string()),
        ("total", number()),
        (
            "groups",
            array(record(&[
                ("id", string()),
                ("name", string()),
                ("name_en", string()),
                ("max", number()),
            ])),
        ),
        (
            "criteria",
            array(record(&[
                ("id", string()),
                ("group", string()),
                ("code", nullable(string())),
                ("name", string()),
                ("name_en", string()),
                ("numerator", string()),
                ("denominator", string()),
                ("rule", one_of(&["linear", "threshold", "target"])),
                ("threshold", nullable(number())),
                ("targets", by_year()),
                ("max", number()),
                ("no_data", one_of(&["exclude", "full", "zero"])),
                ("levels", array(string())),
                ("goals", by_year()),
                ("source", string()),
                ("provisional", boolean()),
            ])),
        ),
    ]);
    let group_entry = record(&[
        ("id", string()),
        ("points", nullable(number())),
        ("max", number()),
    ]);
    let score_document = record(&[
        ("methodology", string()),
        ("period", record(&[("from", string()), ("to", string())])),
        ("as_of", nullable(string())),
        (
            "units",
            array(record(&[
                ("code", string()),
                ("name", string()),
                ("kind", string()),
                ("parent", nullable(string())),
                ("total", nullable(number())),
                ("rank", nullable(integer())),
                ("rank_of", integer()),
                ("previous_total", nullable(number())),
                ("delta", nullable(number())),
                ("groups", array(schema_ref("GroupEntry"))),
                (
                    "criteria",
                    array(record(&[
                        ("id", string()),
                        ("numerator", nullable(integer())),
                        ("denominator", nullable(integer())),
                        ("ratio", nullable(number())),
                        ("points", nullable(number())),
                        ("max", number()),
                    ])),
                ),
            ])),
        ),
    ]);
    let ranked_unit = record(&[
        ("position", integer()),
        ("code", string()),
        ("name", string()),
        ("total", nullable(number())),
        ("rank", nullable(integer())),
        ("rank_of", integer()),
        ("previous_total", nullable(number())),
        ("delta", nullable(number())),
        ("previous_rank", nullable(integer())),
        ("rank_change", nullable(integer())),
        ("groups", array(schema_ref("GroupEntry"))),
    ]);
    let ranking = record(&[
        ("methodology", string()),
        ("period", schema_ref("Period")),
        ("as_of", nullable(string())),
        ("previous_period", schema_ref("Period")),
        (
            "groups",
            array(record(&[
                ("id", string()),
                ("name", string()),
                ("max", number()),
            ])),
        ),
        (
            "sections",
            array(record(&[
                ("kind", string()),
                ("kind_label", string()),
                ("parent", nullable(string())),
                ("parent_name", nullable(string())),
                ("peers_average", nullable(number())),
                ("group_averages", array(nullable(number()))),
                ("units", array(ranked_unit)),
            ])),
        ),
    ]);
    let explanation = record(&[
        ("methodology", string()),
        ("period", schema_ref("Period")),
        ("as_of", nullable(string())),
        ("unit", string()),
        ("criterion", string()),
        ("criterion_name", string()),
        ("computed_at", string()),
        (
            "record_kind",
            one_of(&[
                "dossier",
                "feedback",
                "procedure",
                "catalogue",
                "unit_counts",
            ]),
        ),
        ("total", integer()),
        ("failed", integer()),
        ("page", integer()),
        ("per_page", integer()),
        ("pages", integer()),
        (
            "items",
            array(record(&[
                ("record", string()),
                ("id", string()),
                ("unit", string()),
                ("label", string()),
                ("received_at", nullable(string())),
                ("in_numerator", boolean()),
                ("failed", boolean()),
                ("reason", nullable(string())),
            ])),
        ),
    ]);
    let figure = record(&[
        ("portal", nullable(number())),
        ("chiso", nullable(number())),
        ("difference", nullable(number())),
    ]);
    let reconciliation = record(&[
        ("methodology", string()),
        ("period", schema_ref("Period")),
        (
            "units",
            array(record(&[
                ("code", string()),
                ("name", string()),
                ("portal_name", string()),
                ("scored", boolean()),
                ("examined", boolean()),
                ("total", figure),
                (
                    "groups",
                    array(record(&[
                        ("id", string()),
                        (
                            "column",
                            one_of(&["CKMB", "TDGQ", "TTTT", "CLGQ", "MDHL", "MDSH"]),
                        ),
                        ("name", string()),
                        ("max", number()),
                        ("portal", nullable(number())),
                        ("chiso", nullable(number())),
                        ("difference", nullable(number())),
                    ])),
                ),
                ("received", integer()),
                ("unsynced", integer()),
                ("largest_group", nullable(string())),
                ("reading", nullable(string())),
                ("notes", array(string())),
                (
                    "criteria",
                    array(record(&[
                        ("id", string()),
                        ("name", string()),
                        ("numerator", nullable(integer())),
                        ("denominator", nullable(integer())),
                        ("ratio", nullable(number())),
                        ("points", nullable(number())),
                        ("max", number()),
                        ("lost", number()),
                        ("no_data", nullable(one_of(&["exclude", "full", "zero"]))),
                        ("note", nullable(string())),
                        ("explained", boolean()),
                        ("failed", integer()),
                        (
                            "examples",
                            array(record(&[
                                ("record", string()),
                                ("id", string()),
                                ("unit", string()),
                                ("label", string()),
                                ("received_at", nullable(string())),
                                ("reason", nullable(string())),
                            ])),
                        ),
                    ])),
                ),
            ])),
        ),
    ]);
    let import_result = record(&[
        (
            "summary",
            record(&[
                ("file", string()),
                ("kind", string()),
                ("read", integer()),
                ("inserted", integer()),
                ("replaced", integer()),
                ("rejected", integer()),
                ("missing_columns", array(string())),
            ]),
        ),
        ("rejected", array(rejected_row())),
    ]);
    json!({
        "Error": error,
        "Period": period,
        "Health": health,
        "UnitNode": unit_node,
        "UnitTree": record(&[("units", array(schema_ref("UnitNode")))]),
        "Methodology": methodology,
        "MethodologyList": record(&[
            ("period", schema_ref("Period")),
            ("in_force", nullable(string())),
            ("versions", array(schema_ref("Methodology"))),
        ]),
        "GroupEntry": group_entry,
        "ScoreDocument": score_document,
        "Ranking": ranking,
        "Explanation": explanation,
        "Reconciliation": reconciliation,
        "Publication": publication(),
        "PublicationList": record(&[("publications", array(schema_ref("Publication")))]),
        "AtRisk": at_risk(),
        "WhatIfOutcome": what_if_outcome(),
        "WhatIfPlan": what_if_plan(),
        "ImportResult": import_result,
        "FeedResult": record(&[
            ("read", integer()),
            ("new", integer()),
            ("duplicates", integer()),
            (
                "rejected",
                array(rejected_row()),
            ),
            ("dossiers", integer()),
            ("waiting", array(record(&[("dossier_id", string()), ("reason", string())]))),
        ]),
    })
}

/// A rejected row as imports and the event feed report it.
/// `warn::document::AtRiskDocument` (`chiso watch --format json`).
fn at_risk() -> Value {
    let who = || nullable(string());
    record(&[
        ("unit", string()),
        ("name", string()),
        ("methodology", string()),
        ("as_of", string()),
        ("horizon_days", integer()),
        ("horizon_end", date()),
        ("total_now", nullable(number())),
        ("timeliness_now", nullable(number())),
        ("points_at_risk_timeliness", number()),
        ("points_at_risk_total", number()),
        (
            "dossiers",
            array(record(&[
                ("id", string()),
                ("unit", string()),
                ("procedure_code", string()),
                ("procedure_name", nullable(string())),
                ("received_at", string()),
                ("due_at", nullable(string())),
                ("late_at", string()),
                ("working_days_left", integer()),
                ("status", string()),
                ("officer", who()),
                ("department", who()),
                ("this_month", boolean()),
                ("points_timeliness", number()),
                ("points_total", number()),
            ])),
        ),
        (
            "feedback",
            array(record(&[
                ("id", string()),
                ("unit", string()),
                ("received_at", string()),
                ("late_at", string()),
                ("working_days_left", integer()),
                ("this_month", boolean()),
                ("points_total", number()),
            ])),
        ),
        (
            "waiting",
            array(record(&[
                ("id", string()),
                ("unit", string()),
                ("procedure_code", string()),
                ("procedure_name", nullable(string())),
                ("requested_at", nullable(string())),
                ("working_days_waiting", integer()),
                ("officer", who()),
                ("department", who()),
            ])),
        ),
    ])
}

/// `whatif::document::OutcomeDocument`.
fn what_if_outcome() -> Value {
    record(&[
        ("unit", string()),
        ("total_before", nullable(number())),
        ("total_after", nullable(number())),
        ("rank_before", nullable(integer())),
        ("rank_after", nullable(integer())),
        ("rank_of", integer()),
        (
            "criteria",
            array(record(&[
                ("id", string()),
                ("before", nullable(number())),
                ("after", nullable(number())),
                ("ratio_before", nullable(number())),
                ("ratio_after", nullable(number())),
                ("max", number()),
            ])),
        ),
        ("dossiers", array(string())),
        ("skipped", array(string())),
        ("needed", nullable(integer())),
    ])
}

/// `whatif::document::PlanDocument`.
fn what_if_plan() -> Value {
    record(&[
        ("unit", string()),
        ("total_before", nullable(number())),
        ("target", number()),
        ("reached", boolean()),
        (
            "steps",
            array(record(&[
                (
                    "lever",
                    one_of(&["on-time", "online", "paid-online", "e-result", "digitized"]),
                ),
                ("dossiers", integer()),
                ("available", integer()),
                ("points_per_dossier", number()),
                ("total_after", nullable(number())),
            ])),
        ),
    ])
}

/// The unit of a `/api/v1/units/{code}/…` path.
fn code_param() -> Value {
    json!({
        "name": "code",
        "in": "path",
        "required": true,
        "description": "Mã định danh của đơn vị.",
        "schema": example(DEMO_PROVINCE),
    })
}

fn rejected_row() -> Value {
    record(&[
        ("line", integer()),
        ("column", nullable(string())),
        ("reason", string()),
        ("raw", string()),
    ])
}

fn events_operation() -> Value {
    let mut op = operation(
        "Luồng sự kiện hồ sơ theo thời gian thực (JSON Lines): áp dụng theo seq, bỏ qua sự kiện trùng",
        vec![query("name", false, "Tên nguồn gửi, ghi vào danh sách bản ghi bị từ chối.", string())],
        ok("Kết quả áp dụng", schema_ref("FeedResult")),
        &["413", "500", "503"],
    );
    op["requestBody"] = json!({
        "required": true,
        "content": {
            "application/x-ndjson": { "schema": string() },
            "text/plain": { "schema": string() },
        },
    });
    op
}

fn sync_operation(summary: &str) -> Value {
    let answer = record(&[
        ("error_code", string()),
        ("message", string()),
        ("read", integer()),
        ("accepted", integer()),
        ("rejected", array(rejected_row())),
    ]);
    let mut op = operation(
        summary,
        vec![query(
            "MaDinhDanhDV",
            false,
            "Mã định danh của đơn vị gửi, cho hồ sơ không ghi đơn vị.",
            string(),
        )],
        ok(
            "Kết quả theo kiểu Cổng DVCQG (error_code 0: thành công)",
            answer.clone(),
        ),
        &["413", "500", "503"],
    );
    op["responses"]["400"] = json!({ "description": "Thân yêu cầu không đọc được", "content": { "application/json": { "schema": answer.clone() } } });
    op["responses"]["403"] = json!({ "description": "Chưa bật nhận đồng bộ", "content": { "application/json": { "schema": answer } } });
    op["requestBody"] = json!({
        "required": true,
        "content": { "application/json": { "schema": { "type": "object" } } },
    });
    op
}

fn import_operation() -> Value {
    let mut op = operation(
        "Nhập một tệp dữ liệu (CSV, JSON Lines, XLSX); trả về tóm tắt và mọi dòng bị từ chối",
        vec![
            query(
                "kind",
                false,
                "Loại dữ liệu khi gửi tệp trực tiếp trong thân yêu cầu.",
                one_of(RECORD_KINDS),
            ),
            query(
                "format",
                false,
                "Định dạng khi gửi tệp trực tiếp (mặc định theo tên tệp, rồi CSV).",
                one_of(FORMATS),
            ),
            query(
                "name",
                false,
                "Tên tệp ghi vào danh sách bản ghi bị từ chối.",
                string(),
            ),
        ],
        ok("Kết quả nhập", schema_ref("ImportResult")),
        &["400", "413", "422", "500", "503"],
    );
    let form = json!({
        "type": "object",
        "required": ["kind", "file"],
        "properties": {
            "kind": one_of(RECORD_KINDS),
            "format": one_of(FORMATS),
            "file": { "type": "string", "format": "binary" },
        },
    });
    let text = json!({ "schema": string() });
    op["requestBody"] = json!({
        "required": true,
        "content": {
            "multipart/form-data": { "schema": form },
            "text/csv": text,
            "application/x-ndjson": text,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": { "type": "string", "format": "binary" },
            },
        },
    });
    op
}

/// The whole document.
pub fn document() -> Value {
    let unit = |required, description| query("unit", required, description, example(DEMO_PROVINCE));
    let paging = vec![
        query(
            "page",
            false,
            "Trang, từ 1.",
            json!({ "type": "integer", "minimum": 1, "maximum": 1_000_000 }),
        ),
        query(
            "per_page",
            false,
            "Số bản ghi mỗi trang.",
            json!({ "type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE }),
        ),
    ];
    let explain_params = [
        vec![
            period_param(),
            unit(true, "Mã định danh của đơn vị."),
            query("criterion", true, "Mã chỉ số, ví dụ 2.1.", example("2.1")),
        ],
        paging,
    ]
    .concat();
    let paths = json!({
        "/api/v1/health": { "get": operation(
            "Tình trạng máy chủ và độ mới của dữ liệu",
            vec![],
            ok("Máy chủ hoạt động", schema_ref("Health")),
            &["500"],
        ) },
        "/api/v1/units": { "get": operation(
            "Cây đơn vị",
            vec![],
            ok("Các đơn vị gốc và đơn vị trực thuộc", schema_ref("UnitTree")),
            &["500"],
        ) },
        "/api/v1/methodologies": { "get": operation(
            "Các phiên bản bộ chỉ số và phiên bản có hiệu lực trong kỳ",
            vec![period_param()],
            ok("Các phiên bản", schema_ref("MethodologyList")),
            &["400", "500"],
        ) },
        "/api/v1/scores": { "get": operation(
            "Điểm của các đơn vị (như 'chiso score --format json')",
            vec![
                period_param(),
                unit(false, "Chỉ một đơn vị (mã định danh)."),
                kind_param(),
                parent_param(),
            ],
            ok("Điểm", schema_ref("ScoreDocument")),
            &["400", "404", "422", "500"],
        ) },
        "/api/v1/ranking": { "get": operation(
            "Bảng xếp hạng theo cấp, có điểm trung bình cùng cấp",
            vec![period_param(), kind_param(), parent_param()],
            ok("Bảng xếp hạng", schema_ref("Ranking")),
            &["400", "422", "500"],
        ) },
        "/api/v1/explain": { "get": operation(
            "Giải trình: các hồ sơ (thủ tục, phản ánh) tính vào một chỉ số, không đạt trước",
            explain_params,
            ok("Một trang giải trình", schema_ref("Explanation")),
            &["400", "404", "422", "500"],
        ) },
        "/api/v1/reconcile": { "get": operation(
            "Đối chiếu điểm Cổng DVCQG công bố với điểm chiso: chênh lệch theo đơn vị, nhóm \
             (chiso − Cổng), lớn nhất trước; các chênh lệch lớn nhất kèm chỉ số, hồ sơ giải trình",
            vec![period_param(), unit(false, "Chỉ một đơn vị có kết quả công bố (mã định danh).")],
            ok(
                "Đối chiếu (không có đơn vị nào khi chưa nhập kết quả công bố của kỳ)",
                schema_ref("Reconciliation"),
            ),
            &["400", "404", "422", "500"],
        ) },
        "/api/v1/units/{code}/at-risk": { "get": operation(
            "Cảnh báo sớm: hồ sơ, phản ánh sắp trễ hạn trong N ngày làm việc (hạn sớm nhất trước), \
             điểm sẽ mất trong tháng nếu trễ hạn, hồ sơ chờ bổ sung (như 'chiso watch --format json')",
            vec![
                code_param(),
                query(
                    "days",
                    false,
                    "Số ngày làm việc tới (mặc định 2).",
                    json!({ "type": "integer", "minimum": 1, "maximum": crate::warn::MAX_HORIZON_DAYS }),
                ),
                query("at", false, "Ngày xem: số liệu như tại cuối ngày đó (mặc định: số liệu mới nhất).", date()),
            ],
            ok("Cảnh báo sớm của đơn vị", schema_ref("AtRisk")),
            &["400", "404", "422", "500"],
        ) },
        "/api/v1/units/{code}/what-if": { "get": operation(
            "Giả định: điểm, tổng điểm, hạng nếu các hồ sơ khác đi (on_time, lever và n, criterion và \
             percent); hoặc với target, cách ít hồ sơ nhất để đạt tổng điểm đó",
            vec![
                code_param(),
                query("on_time", false, "Mã các hồ sơ giải quyết đúng hạn, cách nhau bởi dấu phẩy.", string()),
                query(
                    "lever",
                    false,
                    "Thêm n hồ sơ của tháng: nộp trực tuyến, thanh toán trực tuyến, kết quả điện tử, số hoá, đúng hạn.",
                    one_of(&["on-time", "online", "paid-online", "e-result", "digitized"]),
                ),
                query("n", false, "Số hồ sơ cho lever (mặc định 1).", json!({ "type": "integer", "minimum": 0 })),
                query("criterion", false, "Mã chỉ số cho percent, ví dụ 3.3.", string()),
                query("percent", false, "Tỷ lệ (phần trăm) chỉ số đạt.", json!({ "type": "number", "minimum": 0, "maximum": 100 })),
                query("target", false, "Tổng điểm muốn đạt.", json!({ "type": "number", "minimum": 0, "maximum": 100 })),
                query("at", false, "Ngày xem: số liệu như tại cuối ngày đó.", date()),
            ],
            ok(
                "Kết quả giả định (WhatIfOutcome), hoặc với target, kế hoạch (WhatIfPlan)",
                json!({ "oneOf": [schema_ref("WhatIfOutcome"), schema_ref("WhatIfPlan")] }),
            ),
            &["400", "404", "422", "500"],
        ) },
        "/api/v1/publications": {
            "get": operation(
                "Các kỳ đã công bố và mọi phiên bản (kỳ mới nhất trước): bộ chỉ số, thời điểm số \
                 liệu, người công bố, lý do công bố lại, mã băm SHA-256 của bảng điểm đóng băng",
                vec![],
                ok("Danh sách bản công bố", schema_ref("PublicationList")),
                &["500"],
            ),
            "post": publish_operation(),
        },
        "/api/v1/imports": { "post": import_operation() },
        "/api/v1/events": { "post": events_operation() },
        "/api/v1/sync/DongBoHoSoMC": { "post": sync_operation(
            "Đồng bộ hồ sơ như Cổng DVCQG (DongBoHoSoMC): gói {session, madonvi, service, isUpdating, data} hoặc mảng hồ sơ") },
        "/api/v1/sync/CapNhatTienDoHoSoMC": { "post": sync_operation(
            "Cập nhật tiến độ xử lý hồ sơ như Cổng DVCQG (CapNhatTienDoHoSoMC): gói hoặc mảng các bước xử lý") },
        "/api/openapi.json": { "get": {
            "summary": "Tài liệu OpenAPI này",
            "responses": { "200": ok("Tài liệu OpenAPI 3", json!({ "type": "object" })) },
        } },
    });
    let mut paths = paths;
    protect(&mut paths);
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "chiso API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg): \
                            điểm, xếp hạng, giải trình và nhập dữ liệu. \
                            Lỗi trả về {\"error\": {\"code\", \"message\"}}.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Token của hệ thống hoặc kịch bản: chiso token create --name TÊN --role VAI_TRÒ [--unit MÃ]",
                },
            },
        },
    })
}

/// Marks the operations the access policy does not open to the public:
/// a bearer token (or a session) is needed, and they may answer 401 and 403.
fn protect(paths: &mut Value) {
    let Some(paths) = paths.as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let method = axum::http::Method::from_bytes(method.to_uppercase().as_bytes())
                .unwrap_or(axum::http::Method::GET);
            let public = crate::access::action_of(&method, path)
                .is_none_or(|a| a == chiso_core::accounts::Action::ReadPublic);
            if public {
                continue;
            }
            op["security"] = json!([{ "bearer": [] }]);
            op["responses"]["401"] = ok(
                "Cần đăng nhập hoặc token (unauthenticated, invalid_token)",
                schema_ref("Error"),
            );
            op["responses"]["403"] = ok(
                "Không có quyền, hoặc yêu cầu từ trang khác (forbidden, cross_site_request)",
                schema_ref("Error"),
            );
        }
    }
}

fn publication() -> Value {
    record(&[
        ("period", string()),
        ("version", json!({ "type": "integer", "minimum": 1 })),
        ("methodology", string()),
        ("as_of", nullable(string())),
        ("published_at", string()),
        ("published_by", string()),
        ("reason", nullable(string())),
        ("content_hash", string()),
        ("units", integer()),
    ])
}

/// `POST /api/v1/publications`: publish a period (administrators).
fn publish_operation() -> Value {
    let mut op = operation(
        "Công bố kết quả một kỳ: đóng băng bảng điểm hiện tại; công bố lại cần lý do và tạo \
         phiên bản mới, giữ phiên bản cũ",
        vec![],
        ok("Đã công bố: phiên bản mới", schema_ref("Publication")),
        &["400", "422", "500"],
    );
    if let Some(responses) = op["responses"].as_object_mut() {
        responses.insert(
            "409".into(),
            ok(
                "Không công bố được (unpublishable): công bố lại thiếu lý do, kỳ chưa có đơn vị \
                 nào được chấm điểm, người khác vừa công bố",
                schema_ref("Error"),
            ),
        );
    }
    op["requestBody"] = json!({
        "required": true,
        "content": { "application/json": { "schema": {
            "type": "object",
            "required": ["period"],
            "properties": {
                "period": { "type": "string", "description": "Kỳ: 2026-10, 2026-Q3, 2026-H1, 2026…" },
                "reason": { "type": "string", "maxLength": 1000, "description": "Lý do công bố lại (bắt buộc khi kỳ đã công bố)." },
            },
        } } },
    });
    op
}
