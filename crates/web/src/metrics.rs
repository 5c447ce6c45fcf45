//! The server's counters, written out in Prometheus' text exposition format
//! (version 0.0.4) at `/metrics`: HTTP requests by method, route (the matched
//! path, `/units/{code}`, never the raw URL) and status class, their latency
//! as a histogram, import rows accepted and rejected by record kind, hits and
//! misses of the result caches, and how far the data lags behind the clock.
//!
//! Written by hand rather than with a metrics crate: six fixed families whose
//! label sets are known here, counted under one mutex or an atomic, and a
//! line format that is stable and simple (`name{label="value"} number`);
//! `tests/ops.rs` parses every line of it.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{Method, StatusCode};

/// Upper bounds, in seconds, of the request latency histogram's buckets.
pub const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The route label of a request that matched no route (a 404 of the
/// fallback): raw URLs are never labels, so scanners cannot grow the series.
pub const UNMATCHED: &str = "unmatched";

/// The caches whose lookups are counted (see [`crate::state`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheKind {
    /// Every unit's score for a period.
    Sheet,
    /// The records behind one criterion of one unit.
    Explanation,
    /// Finished response bodies of the read-only routes.
    Response,
}

impl CacheKind {
    const ALL: [CacheKind; 3] = [
        CacheKind::Sheet,
        CacheKind::Explanation,
        CacheKind::Response,
    ];

    fn label(self) -> &'static str {
        match self {
            CacheKind::Sheet => "sheet",
            CacheKind::Explanation => "explanation",
            CacheKind::Response => "response",
        }
    }
}

/// Requests of one method and route.
#[derive(Default)]
struct RouteStats {
    /// Requests by status class, 1xx to 5xx.
    by_class: [u64; 5],
    /// Requests not slower than each bucket's bound (not yet cumulative).
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    seconds: f64,
}

/// The counters of one server; cheap to update from any thread.
pub struct Metrics {
    started: SystemTime,
    http: Mutex<BTreeMap<(&'static str, String), RouteStats>>,
    /// Rows accepted and rejected, by record kind.
    imports: Mutex<BTreeMap<String, [u64; 2]>>,
    /// Hits and misses, by [`CacheKind`].
    cache: [[AtomicU64; 2]; 3],
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started: SystemTime::now(),
            http: Mutex::default(),
            imports: Mutex::default(),
            cache: Default::default(),
        }
    }
}

/// The method as a label: the standard ones by name, any other as `OTHER`.
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        _ => "OTHER",
    }
}

fn seconds_since_epoch(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A label value with `\`, `"` and line feeds escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// One finished request; `route` is the matched path, if any.
    pub fn request(
        &self,
        method: &Method,
        route: Option<&str>,
        status: StatusCode,
        latency: Duration,
    ) {
        let seconds = latency.as_secs_f64();
        let key = (method_label(method), route.unwrap_or(UNMATCHED).to_string());
        let mut http = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        let stats = http.entry(key).or_default();
        let class = (status.as_u16() / 100).clamp(1, 5) as usize - 1;
        stats.by_class[class] += 1;
        if let Some(i) = LATENCY_BUCKETS.iter().position(|b| seconds <= *b) {
            stats.buckets[i] += 1;
        }
        stats.count += 1;
        stats.seconds += seconds;
    }

    /// Rows of one import (a file, an upload, a sync push, a feed).
    pub fn import_rows(&self, kind: &str, accepted: u64, rejected: u64) {
        let mut imports = self.imports.lock().unwrap_or_else(PoisonError::into_inner);
        let rows = imports.entry(kind.to_string()).or_default();
        rows[0] += accepted;
        rows[1] += rejected;
    }

    /// A lookup in one of the caches.
    pub fn cache(&self, kind: CacheKind, hit: bool) {
        let i = CacheKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.cache[i][usize::from(!hit)].fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition, with the data's as-of instant (Unix seconds) when the
    /// store has data, at `now`.
    pub fn render(&self, as_of: Option<i64>, now: SystemTime) -> String {
        let mut out = String::new();
        let family = |out: &mut String, name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
        };

        family(
            &mut out,
            "chiso_build_info",
            "gauge",
            "Phiên bản chiso đang chạy (giá trị luôn là 1).",
        );
        let _ = writeln!(
            out,
            "chiso_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        family(
            &mut out,
            "process_start_time_seconds",
            "gauge",
            "Thời điểm máy chủ khởi động (giây Unix).",
        );
        let _ = writeln!(
            out,
            "process_start_time_seconds {}",
            seconds_since_epoch(self.started).floor()
        );

        {
            let http = self.http.lock().unwrap_or_else(PoisonError::into_inner);
            family(
                &mut out,
                "chiso_http_requests_total",
                "counter",
                "Số yêu cầu HTTP theo phương thức, đường dẫn khớp và nhóm mã trạng thái.",
            );
            for ((method, route), stats) in http.iter() {
                for (i, n) in stats.by_class.iter().enumerate().filter(|(_, n)| **n > 0) {
                    let _ = writeln!(
                        out,
                        "chiso_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{}xx\"}} {n}",
                        escape(route),
                        i + 1
                    );
                }
            }
            family(
                &mut out,
                "chiso_http_request_duration_seconds",
                "histogram",
                "Thời gian trả lời yêu cầu HTTP (giây) theo phương thức và đường dẫn khớp.",
            );
            for ((method, route), stats) in http.iter() {
                let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
                let mut cumulative = 0;
                for (bound, n) in LATENCY_BUCKETS.iter().zip(stats.buckets) {
                    cumulative += n;
                    let _ = writeln!(
                        out,
                        "chiso_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                    );
                }
                let _ = writeln!(
                    out,
                    "chiso_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    stats.count
                );
                let _ = writeln!(
                    out,
                    "chiso_http_request_duration_seconds_sum{{{labels}}} {}",
                    stats.seconds
                );
                let _ = writeln!(
                    out,
                    "chiso_http_request_duration_seconds_count{{{labels}}} {}",
                    stats.count
                );
            }
        }

        family(
            &mut out,
            "chiso_import_rows_total",
            "counter",
            "Số dòng nhập qua máy chủ (tải lên, đồng bộ, luồng sự kiện) được nhận hoặc bị từ chối, theo loại dữ liệu.",
        );
        for (kind, rows) in self
            .imports
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            for (outcome, n) in ["accepted", "rejected"].iter().zip(rows) {
                let _ = writeln!(
                    out,
                    "chiso_import_rows_total{{kind=\"{}\",outcome=\"{outcome}\"}} {n}",
                    escape(kind)
                );
            }
        }

        for (name, i, help) in [
            (
                "chiso_cache_hits_total",
                0,
                "Số lần kết quả có sẵn trong bộ nhớ đệm, theo bộ nhớ đệm.",
            ),
            (
                "chiso_cache_misses_total",
                1,
                "Số lần phải tính kết quả (không có trong bộ nhớ đệm), theo bộ nhớ đệm.",
            ),
        ] {
            family(&mut out, name, "counter", help);
            for (kind, counters) in CacheKind::ALL.iter().zip(&self.cache) {
                let _ = writeln!(
                    out,
                    "{name}{{cache=\"{}\"}} {}",
                    kind.label(),
                    counters[i].load(Ordering::Relaxed)
                );
            }
        }

        if let Some(as_of) = as_of {
            family(
                &mut out,
                "chiso_data_as_of_seconds",
                "gauge",
                "Thời điểm muộn nhất dữ liệu ghi nhận (giây Unix): số liệu đến thời điểm này.",
            );
            let _ = writeln!(out, "chiso_data_as_of_seconds {as_of}");
            family(
                &mut out,
                "chiso_feed_lag_seconds",
                "gauge",
                "Độ trễ của dữ liệu: số giây từ thời điểm muộn nhất dữ liệu ghi nhận đến hiện tại.",
            );
            let _ = writeln!(
                out,
                "chiso_feed_lag_seconds {}",
                seconds_since_epoch(now).floor() as i64 - as_of
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_fall_in_their_bucket_and_class() {
        let m = Metrics::default();
        let route = Some("/units/{code}");
        m.request(
            &Method::GET,
            route,
            StatusCode::OK,
            Duration::from_millis(3),
        );
        m.request(
            &Method::GET,
            route,
            StatusCode::NOT_FOUND,
            Duration::from_millis(70),
        );
        m.request(
            &Method::from_bytes(b"BREW").expect("method"),
            None,
            StatusCode::NOT_FOUND,
            Duration::from_secs(30),
        );
        let text = m.render(Some(1_000), UNIX_EPOCH + Duration::from_secs(1_060));
        for line in [
            r#"chiso_http_requests_total{method="GET",route="/units/{code}",status="2xx"} 1"#,
            r#"chiso_http_requests_total{method="GET",route="/units/{code}",status="4xx"} 1"#,
            r#"chiso_http_request_duration_seconds_bucket{method="GET",route="/units/{code}",le="0.005"} 1"#,
            r#"chiso_http_request_duration_seconds_bucket{method="GET",route="/units/{code}",le="0.05"} 1"#,
            r#"chiso_http_request_duration_seconds_bucket{method="GET",route="/units/{code}",le="0.1"} 2"#,
            r#"chiso_http_request_duration_seconds_count{method="GET",route="/units/{code}"} 2"#,
            r#"chiso_http_requests_total{method="OTHER",route="unmatched",status="4xx"} 1"#,
            r#"chiso_http_request_duration_seconds_bucket{method="OTHER",route="unmatched",le="10"} 0"#,
            r#"chiso_http_request_duration_seconds_bucket{method="OTHER",route="unmatched",le="+Inf"} 1"#,
            "chiso_feed_lag_seconds 60",
            "chiso_data_as_of_seconds 1000",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        let m = Metrics::default();
        m.import_rows("do\"ssiers", 2, 1);
        let text = m.render(None, SystemTime::now());
        assert!(text.contains(r#"chiso_import_rows_total{kind="do\"ssiers",outcome="rejected"} 1"#));
        assert!(!text.contains("chiso_feed_lag_seconds"), "no data, no lag");
    }
}
