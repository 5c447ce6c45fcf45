//! Structured logs (`tracing`) to standard error, as text or JSON, filtered
//! by the configuration's `log` (`CHISO_LOG`, `RUST_LOG`, `--log`). The
//! server logs one line per request (id, method, route, status, latency) at
//! `info`; the other commands log their timing at `debug` only, so their
//! output stays what the user asked for.

use tracing_subscriber::layer::SubscriberExt;

use crate::config::{log_filter, Config, LogFormat};

/// Installs the process's subscriber. The filter was checked when the
/// configuration was resolved; a filter that still fails to parse, or a
/// subscriber already installed, leaves logging off rather than stopping
/// the command.
pub fn init(config: &Config) {
    let Ok(filter) = log_filter(&config.log.value) else {
        return;
    };
    let installed = match config.log_format.value {
        LogFormat::Text => tracing::subscriber::set_global_default(
            tracing_subscriber::fmt()
                .with_writer(std::io::stderr)
                // The filter below decides; the builder's own ceiling is info.
                .with_max_level(tracing::Level::TRACE)
                .with_target(true)
                .finish()
                .with(filter),
        ),
        LogFormat::Json => tracing::subscriber::set_global_default(
            tracing_subscriber::fmt()
                .with_writer(std::io::stderr)
                // The filter below decides; the builder's own ceiling is info.
                .with_max_level(tracing::Level::TRACE)
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .finish()
                .with(filter),
        ),
    };
    if installed.is_err() {
        eprintln!("chiso: không bật được nhật ký (đã có bộ ghi nhật ký khác)");
    }
}
