//! Uploads: a CSV, JSON Lines or XLSX file of one record kind, read by
//! `chiso-ingest` and imported by the store exactly as `chiso import` does;
//! the summary and every row rejected by this upload come back.

use axum::extract::multipart::{Multipart, MultipartError};
use axum::http::StatusCode;
use chiso_app::ImportSummary;
use chiso_backend::Backend;
use chiso_core::engine::IndexStore;
use chiso_core::storage::QuarantinedRow;
use chiso_core::storage::Storage;
use chiso_ingest::{Format, RecordKind};

use crate::error::Error;
use crate::state::Ctx;

/// Largest upload accepted, in bytes.
pub const UPLOAD_LIMIT: usize = 256 * 1024 * 1024;

/// A file to import.
pub struct Upload {
    pub name: String,
    pub kind: RecordKind,
    /// What the name or `Content-Type` suggests; the content decides.
    pub format: Option<Format>,
    pub bytes: Vec<u8>,
    /// The unit of dossiers that name none (`?MaDinhDanhDV=`).
    pub unit: Option<String>,
    /// A synchronisation push arrived at this instant: the data is
    /// declared complete up to it (the as-of instant of the real-inputs issue).
    pub arrived_at: Option<chiso_core::time::Instant>,
    /// Who sent it, for the audit log.
    pub by: Actor,
}

/// Who sent an upload and how, as the audit log records it.
#[derive(Clone, Debug)]
pub struct Actor {
    pub who: String,
    pub from: String,
    /// `import` (a file) or `push` (a sync push, a feed event).
    pub action: &'static str,
    /// The unit subtrees whose records the sender may write (`None`: all).
    pub roots: Option<Vec<String>>,
}

impl Actor {
    pub fn of(caller: &crate::access::Caller, action: &'static str) -> Actor {
        let policy = if action == "push" {
            chiso_core::accounts::Action::Push
        } else {
            chiso_core::accounts::Action::Import
        };
        Actor {
            who: caller.principal.actor(),
            from: caller.from.clone(),
            action,
            // The unauthenticated sync pushes (a server option) write anywhere.
            roots: if caller.principal.is_signed_in() {
                caller.principal.roots(policy)
            } else {
                None
            },
        }
    }
}

/// What an import did.
pub struct Outcome {
    pub summary: ImportSummary,
    /// The rows this upload put in quarantine, with their reasons.
    pub rejected: Vec<QuarantinedRow>,
}

/// Parses a record kind given by a person or a client.
pub fn record_kind(text: Option<&str>) -> Result<RecordKind, Error> {
    let text = text.ok_or_else(|| {
        Error::parameter(
            "kind",
            "chọn loại dữ liệu: units, procedures, dossiers, feedback, counts hoặc holidays",
        )
    })?;
    RecordKind::parse(text).ok_or_else(|| {
        Error::parameter(
            "kind",
            format!(
                "loại dữ liệu '{text}' không có: dùng units, procedures, \
                 dossiers, feedback, counts hoặc holidays"
            ),
        )
    })
}

/// The format named explicitly, or else by the file name's extension.
pub fn file_format(explicit: Option<&str>, name: &str) -> Result<Format, Error> {
    match explicit {
        Some(f) => Format::parse(f).ok_or_else(|| {
            Error::parameter(
                "format",
                format!(
                    "định dạng '{f}' không có: dùng \
                     csv, jsonl, json, xlsx, xls hoặc html"
                ),
            )
        }),
        None => Format::from_path(std::path::Path::new(name)).ok_or_else(|| {
            Error::parameter(
                "format",
                format!(
                    "không biết định dạng của tệp '{name}': dùng đuôi \
                     .csv, .jsonl hoặc .xlsx, hoặc chọn định dạng"
                ),
            )
        }),
    }
}

/// Imports an upload (one at a time) and collects the rows it rejected;
/// the rows are counted in the server's metrics (every upload and sync push
/// of the server comes here).
pub fn import(ctx: &Ctx<'_>, upload: Upload) -> Result<Outcome, Error> {
    let hash = chiso_core::accounts::content_hash(&upload.bytes);
    let by = upload.by.clone();
    ctx.importing(|store| {
        let before = quarantine_mark(store)?;
        let options = chiso_app::read_options(&*store, upload.unit)?;
        let reader = chiso_ingest::from_reader_with(
            upload.kind,
            &upload.name,
            upload.format,
            std::io::Cursor::new(upload.bytes),
            &options,
        )
        .map_err(|e| Error::UnreadableFile(e.to_string()))?;
        let summary = match &by.roots {
            None => chiso_app::import(store, reader, |_, _| {})?,
            Some(roots) => {
                let hierarchy = store.hierarchy()?;
                let allows = |unit: &str| roots.iter().any(|r| hierarchy.within(r, unit));
                chiso_app::import_within(
                    store,
                    reader,
                    &chiso_app::Within::Units(&allows),
                    |_, _| {},
                )?
            }
        };
        ctx.metrics()
            .import_rows(&summary.kind, summary.accepted(), summary.rejected);
        if let Some(at) = upload.arrived_at.filter(|_| summary.accepted() > 0) {
            store.declare_as_of(at)?;
        }
        let rejected = quarantined_since(store, before, &summary.file, &summary.kind)?;
        chiso_app::accounts::audit(
            &*store,
            crate::access::now(),
            &by.who,
            &by.from,
            by.action,
            &format!(
                "kind={} file={} sha256={hash} read={} accepted={} rejected={}",
                summary.kind,
                summary.file.replace(' ', "_"),
                summary.read,
                summary.accepted(),
                summary.rejected
            ),
        )?;
        Ok(Outcome { summary, rejected })
    })
}

/// The newest quarantine row's id, taken before an import so that its own
/// rejections can be told apart afterwards.
pub fn quarantine_mark(store: &Backend) -> Result<i64, Error> {
    Ok(store.quarantine()?.last().map_or(0, |r| r.id))
}

/// The rows one import (of `file`, `kind`) put in quarantine after `mark`.
pub fn quarantined_since(
    store: &Backend,
    mark: i64,
    file: &str,
    kind: &str,
) -> Result<Vec<QuarantinedRow>, Error> {
    Ok(store
        .quarantine()?
        .into_iter()
        .filter(|r| r.id > mark && r.file == file && r.kind == kind)
        .collect())
}

/// The fields of a multipart upload: `kind`, optional `format`, and `file`.
#[derive(Default)]
pub struct Form {
    /// The anti-forgery field of the page's form.
    pub csrf: Option<String>,
    pub kind: Option<String>,
    pub format: Option<String>,
    pub file: Option<(String, Vec<u8>)>,
}

impl Form {
    pub async fn read(mut multipart: Multipart) -> Result<Form, Error> {
        let mut form = Form::default();
        while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
            match field.name().unwrap_or("") {
                "kind" => form.kind = Some(field.text().await.map_err(multipart_error)?),
                "csrf" => form.csrf = Some(field.text().await.map_err(multipart_error)?),
                "format" => {
                    form.format = Some(field.text().await.map_err(multipart_error)?)
                        .filter(|f| !f.trim().is_empty())
                }
                "file" => {
                    let name = field
                        .file_name()
                        .map(str::to_string)
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| "tai-len".into());
                    let bytes = field.bytes().await.map_err(multipart_error)?;
                    form.file = Some((name, bytes.to_vec()));
                }
                _ => {}
            }
        }
        Ok(form)
    }

    /// The upload the form describes.
    pub fn upload(self, by: Actor) -> Result<Upload, Error> {
        let kind = record_kind(self.kind.as_deref())?;
        let (name, bytes) = self
            .file
            .ok_or_else(|| Error::parameter("file", "chưa chọn tệp để tải lên"))?;
        let format = match self.format.as_deref() {
            Some(f) => Some(file_format(Some(f), &name)?),
            None => Format::from_path(std::path::Path::new(&name)),
        };
        Ok(Upload {
            name,
            kind,
            format,
            bytes,
            unit: None,
            arrived_at: None,
            by,
        })
    }
}

fn multipart_error(e: MultipartError) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::PayloadTooLarge(UPLOAD_LIMIT / (1024 * 1024))
    } else {
        Error::parameter(
            "file",
            format!("không đọc được dữ liệu tải lên ({})", e.body_text()),
        )
    }
}
