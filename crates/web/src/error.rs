//! Errors of the dashboard and the API: a stable machine-readable code, an
//! HTTP status and a Vietnamese message for people.
//!
//! The API renders an [`Error`] as `{"error": {"code": "...", "message": "..."}}`;
//! pages render it as an HTML page ([`crate::pages::error_page`]). Internal
//! failures (database, a panicking computation) are logged (`tracing`, with
//! the request id) with their whole chain and shown only as a generic message.
//! A write that waited its bounded turn behind another writer in vain is
//! `503` with `Retry-After` ([`Error::Busy`]), never a `500`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chiso_backend::BackendError as StoreError;
use chiso_core::engine::EngineError;
use chiso_core::period::NotJudgeable;
use chiso_core::time::Date;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A period the index cannot be computed for.
    #[error(
        "kỳ báo cáo '{0}' không hợp lệ: dùng 2026-03 (tháng), 2026-Q1 (quý), \
         2026-H1 (6 tháng), 2026 (năm), 2026-03:ytd (từ đầu năm) hoặc \
         2026-01-01..2026-02-15 (khoảng ngày), năm từ 2000 đến 2100"
    )]
    InvalidPeriod(String),
    /// A query or form parameter with a value that cannot be used.
    #[error("tham số '{name}' không hợp lệ: {message}")]
    InvalidParameter { name: &'static str, message: String },
    /// A unit that does not exist or that the caller may not see.
    #[error("không tìm thấy đơn vị '{0}' được chấm điểm trong kỳ này")]
    UnknownUnit(String),
    /// A criterion that the methodology in force does not have.
    #[error("bộ chỉ số {methodology} không có chỉ số '{criterion}'")]
    UnknownCriterion {
        criterion: String,
        methodology: String,
    },
    /// A methodology version that does not exist.
    #[error("không có bộ chỉ số '{0}'")]
    UnknownMethodology(String),
    /// No methodology version is in force at the period's end.
    #[error(
        "không có bộ chỉ số nào có hiệu lực ngày {0}: thêm tệp phương pháp tính bằng 'chiso \
         methodology add'"
    )]
    NoMethodology(Date),
    /// A period that starts after the data, or a store without records.
    #[error(transparent)]
    NotJudgeable(NotJudgeable),
    /// An upload that is not a readable file of its kind.
    #[error("{0}")]
    UnreadableFile(String),
    /// An upload larger than the server accepts.
    #[error("tệp tải lên quá lớn (tối đa {0} MB): chia nhỏ tệp hoặc dùng lệnh 'chiso import'")]
    PayloadTooLarge(usize),
    /// A route that needs a signed-in user or a token, asked by the public.
    #[error("cần đăng nhập (hoặc gửi token: Authorization: Bearer …) để dùng chức năng này")]
    Unauthenticated,
    /// A bearer token that is unknown or revoked.
    #[error("token không hợp lệ hoặc đã bị thu hồi: tạo token mới bằng 'chiso token create'")]
    BadToken,
    /// Signed in, but the role or its units do not allow the action.
    #[error("tài khoản của bạn không có quyền thực hiện chức năng này")]
    Forbidden,
    /// A state-changing request that did not come from this site.
    #[error("yêu cầu thay đổi dữ liệu không xuất phát từ trang chiso này (kiểm tra chống giả mạo yêu cầu): mở lại trang rồi thử lại")]
    CrossSite,
    /// No such page or API route.
    #[error("không có trang hoặc đường dẫn API này")]
    NotFound,
    /// The route exists but not with this HTTP method.
    #[error("đường dẫn này không hỗ trợ phương thức HTTP đã dùng")]
    MethodNotAllowed,
    /// Another writer (an import in another process) kept the database
    /// longer than a write may wait: the client retries after
    /// [`RETRY_AFTER_SECONDS`].
    #[error(
        "cơ sở dữ liệu đang bận ghi (một lần nhập khác đang chạy): thử lại sau {} giây",
        RETRY_AFTER_SECONDS
    )]
    Busy,
    /// More uploads at once than the server reads ([`crate::limits::UPLOAD_SLOTS`]).
    #[error(
        "máy chủ đang nhận {} tệp khác: thử lại sau {} giây",
        crate::limits::UPLOAD_SLOTS,
        RETRY_AFTER_SECONDS
    )]
    TooManyUploads,
    /// A request not finished within [`crate::limits::REQUEST_SECONDS`].
    #[error(
        "yêu cầu không hoàn tất trong {} giây (gửi dữ liệu quá chậm?): chia nhỏ tệp hoặc dùng \
         lệnh 'chiso import'",
        crate::limits::REQUEST_SECONDS
    )]
    Timeout,
    /// A period whose results were not published, asked by the public.
    #[error(
        "kết quả kỳ {period} chưa được công bố{}",
        latest.as_ref().map(|l| format!(": kỳ công bố gần nhất là {l} (xem /publications)")).unwrap_or_else(|| ": chưa kỳ nào được công bố".to_string())
    )]
    NotPublished {
        period: String,
        latest: Option<String>,
    },
    /// A republication without a reason, a period with nothing scored.
    #[error("{0}")]
    Unpublishable(String),
    /// Anything else: logged, never shown.
    #[error("lỗi nội bộ của máy chủ: vui lòng thử lại sau hoặc báo quản trị viên")]
    Internal(#[source] anyhow::Error),
}

/// The `Retry-After` of a [`Error::Busy`] answer, in seconds.
pub const RETRY_AFTER_SECONDS: u64 = 30;

impl Error {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidPeriod(_) => "invalid_period",
            Error::InvalidParameter { .. } => "invalid_parameter",
            Error::UnknownUnit(_) => "unknown_unit",
            Error::UnknownCriterion { .. } => "unknown_criterion",
            Error::UnknownMethodology(_) => "unknown_methodology",
            Error::NoMethodology(_) => "no_methodology",
            Error::NotJudgeable(NotJudgeable::AfterData { .. }) => "period_after_data",
            Error::NotJudgeable(NotJudgeable::NoData { .. }) => "no_data",
            Error::UnreadableFile(_) => "unreadable_file",
            Error::PayloadTooLarge(_) => "payload_too_large",
            Error::Unauthenticated => "unauthenticated",
            Error::BadToken => "invalid_token",
            Error::Forbidden => "forbidden",
            Error::CrossSite => "cross_site_request",
            Error::NotFound => "not_found",
            Error::MethodNotAllowed => "method_not_allowed",
            Error::Busy => "busy",
            Error::NotPublished { .. } => "not_published",
            Error::TooManyUploads => "too_many_uploads",
            Error::Timeout => "request_timeout",
            Error::Unpublishable(_) => "unpublishable",
            Error::Internal(_) => "internal_error",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::InvalidPeriod(_) | Error::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            Error::UnknownUnit(_)
            | Error::UnknownCriterion { .. }
            | Error::UnknownMethodology(_)
            | Error::NotFound
            | Error::NotPublished { .. } => StatusCode::NOT_FOUND,
            Error::NoMethodology(_) | Error::NotJudgeable(_) | Error::UnreadableFile(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Error::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Unauthenticated | Error::BadToken => StatusCode::UNAUTHORIZED,
            Error::Forbidden | Error::CrossSite => StatusCode::FORBIDDEN,
            Error::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Error::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Error::Unpublishable(_) => StatusCode::CONFLICT,
            Error::TooManyUploads => StatusCode::SERVICE_UNAVAILABLE,
            Error::Timeout => StatusCode::REQUEST_TIMEOUT,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn parameter(name: &'static str, message: impl Into<String>) -> Error {
        Error::InvalidParameter {
            name,
            message: message.into(),
        }
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Error {
        Error::Internal(e.into())
    }

    /// Logs internal errors (with their chain, in the request's span, so
    /// with its request id); others are the caller's.
    pub fn log(&self) {
        if let Error::Internal(e) = self {
            tracing::error!(error = format!("{e:#}"), "lỗi nội bộ");
        }
    }

    /// The JSON body `{"error": {"code", "message"}}`.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({ "error": { "code": self.code(), "message": self.to_string() } })
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        if e.is_busy() {
            Error::Busy
        } else {
            Error::internal(e)
        }
    }
}

impl From<EngineError<StoreError>> for Error {
    fn from(e: EngineError<StoreError>) -> Self {
        match e {
            EngineError::NoMethodology(d) => Error::NoMethodology(d),
            EngineError::UnknownUnit(code) => Error::UnknownUnit(code),
            EngineError::UnknownCriterion {
                criterion,
                methodology,
            } => Error::UnknownCriterion {
                criterion,
                methodology,
            },
            EngineError::NotJudgeable(n) => Error::NotJudgeable(n),
            EngineError::Store(e) => e.into(),
        }
    }
}

/// API rendering: JSON with the status of the error.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        self.log();
        let mut response = (self.status(), Json(self.body())).into_response();
        self.retry_after(&mut response);
        response
    }
}

impl Error {
    /// `Retry-After` on an answer that asks to retry.
    fn retry_after(&self, response: &mut Response) {
        if matches!(self, Error::Busy | Error::TooManyUploads) {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(RETRY_AFTER_SECONDS),
            );
        }
    }
}

/// An error rendered as an HTML page, for the dashboard's handlers.
#[derive(Debug)]
pub struct PageError(pub Error);

impl<E: Into<Error>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log();
        let mut response = (self.0.status(), crate::pages::error_page(&self.0)).into_response();
        self.0.retry_after(&mut response);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write that gave up waiting behind another writer is 503 with
    /// Retry-After, on the API and on pages, never a 500.
    #[test]
    fn a_busy_database_is_503_with_retry_after() {
        let busy = || Error::from(StoreError::Sqlite(chiso_store::StoreError::Busy));
        for response in [busy().into_response(), PageError(busy()).into_response()] {
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(
                response.headers()[axum::http::header::RETRY_AFTER],
                RETRY_AFTER_SECONDS.to_string()
            );
        }
        assert_eq!(busy().code(), "busy");
        let other = Error::from(StoreError::Sqlite(chiso_store::StoreError::Corrupt {
            table: "units",
            detail: "x".into(),
        }));
        assert_eq!(other.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(other.into_response().headers().get("retry-after").is_none());
    }
}
