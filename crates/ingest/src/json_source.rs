//! JSON Lines: one object per line, keys named like CSV columns (aliases
//! allowed); values are strings, numbers, booleans or null; a portal
//! record's nested lists are read for the facts they carry (`portal.rs`).
//! Blank lines are skipped; a line that is not a JSON object is a rejected row.
//! [`record_item`] reads one JSON record, for this source and for JSON
//! documents (`json_doc.rs`) alike.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use serde_json::{Map, Value};

use crate::columns::{find_column, MAX_COLUMNS};
use crate::{portal, Ctx, IngestError, Item, RecordKind};

/// Which column each key seen so far names, so that a key is folded once per file.
#[derive(Default)]
pub(crate) struct KeyCache(HashMap<String, Option<usize>>);

impl KeyCache {
    fn column(&mut self, ctx: &mut Ctx, key: &str) -> Option<usize> {
        if let Some(c) = self.0.get(key) {
            return *c;
        }
        let c = find_column(ctx.cols, key);
        if c.is_none() {
            ctx.note_extra(key);
        }
        if self.0.len() < 10_000 {
            self.0.insert(key.to_string(), c);
        }
        c
    }
}

/// Reads one JSON record into an item. `sync`: the record came in a
/// synchronisation payload (so it reached the portal: `synced`).
pub(crate) fn record_item(
    ctx: &mut Ctx,
    keys: &mut KeyCache,
    line: usize,
    map: &Map<String, Value>,
    sync: bool,
    raw: &dyn Fn() -> String,
) -> Item {
    let mut cells: [Cow<'_, str>; MAX_COLUMNS] = std::array::from_fn(|_| Cow::Borrowed(""));
    let mut given = [false; MAX_COLUMNS];
    for (key, v) in map {
        let Some(i) = keys.column(ctx, key) else {
            continue;
        };
        let col = ctx.cols[i].name;
        let Some(t) = cell(v) else {
            return ctx.reject(
                line,
                Some(col),
                format!("giá trị ở cột {col} (khóa {key}) phải là chuỗi, số, true/false hoặc null"),
                raw(),
            );
        };
        if given[i] && cells[i].trim() != t.trim() {
            return ctx.reject(
                line,
                Some(col),
                format!(
                    "cột {col} có hai giá trị khác nhau (tên tiếng Anh và tên đồng bộ): chỉ giữ một"
                ),
                raw(),
            );
        }
        given[i] = true;
        cells[i] = t;
        ctx.saw_column(i);
    }
    let derived = match ctx.kind {
        RecordKind::Dossiers => portal::dossier(map, sync || portal::is_sync_record(map)),
        RecordKind::Procedures => Ok(portal::procedure(map)),
        _ => Ok(Vec::new()),
    };
    match derived {
        Ok(d) => {
            for (i, _, _) in &d {
                ctx.saw_column(*i);
            }
            portal::merge_into(&mut cells, d);
        }
        Err(e) => return ctx.reject(line, Some(e.column), e.reason, raw()),
    }
    let vals: [&str; MAX_COLUMNS] = std::array::from_fn(|i| cells[i].as_ref());
    let n = ctx.cols.len();
    ctx.finish(line, &vals[..n], raw)
}

pub(crate) struct JsonSource {
    input: BufReader<Box<dyn Read + Send>>,
    buf: Vec<u8>,
    line: usize,
    keys: KeyCache,
    /// `buf` holds line `line`, read but not yet given out.
    pending: bool,
    done: bool,
}

/// A line without its line end, blanks around it and (on line 1) a byte-order mark.
fn line_text(buf: &[u8], line: usize) -> &[u8] {
    let text = if line == 1 {
        buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf)
    } else {
        buf
    };
    text.trim_ascii()
}

/// A JSON value as cell text; `None` for arrays and objects.
fn cell(value: &Value) -> Option<Cow<'_, str>> {
    Some(match value {
        Value::Null => Cow::Borrowed(""),
        Value::String(s) => Cow::Borrowed(s.as_str()),
        Value::Bool(true) => Cow::Borrowed("true"),
        Value::Bool(false) => Cow::Borrowed("false"),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Cow::Owned(u.to_string()),
            (_, Some(i), _) => Cow::Owned(i.to_string()),
            (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => {
                Cow::Owned(format!("{}", f as i64))
            }
            _ => Cow::Owned(n.to_string()),
        },
        Value::Array(_) | Value::Object(_) => return None,
    })
}

impl JsonSource {
    /// Reads up to the first line that is not blank, so that the columns the
    /// file lacks are known before the rows are (by that line's keys; later
    /// lines can only shorten the list).
    pub fn open(ctx: &mut Ctx, input: Box<dyn Read + Send>) -> Result<JsonSource, IngestError> {
        let mut src = JsonSource {
            input: BufReader::with_capacity(1 << 16, input),
            buf: Vec::new(),
            line: 0,
            keys: KeyCache::default(),
            pending: false,
            done: false,
        };
        loop {
            src.buf.clear();
            let n = src
                .input
                .read_until(b'\n', &mut src.buf)
                .map_err(|source| IngestError::Io {
                    file: ctx.file.clone(),
                    source,
                })?;
            if n == 0 {
                break;
            }
            src.line += 1;
            let text = line_text(&src.buf, src.line);
            if text.is_empty() {
                continue;
            }
            src.pending = true;
            if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(text) {
                for key in map.keys() {
                    if let Some(i) = find_column(ctx.cols, key) {
                        ctx.json_seen[i] = true;
                    }
                }
            }
            break;
        }
        ctx.update_missing();
        Ok(src)
    }

    pub fn next(&mut self, ctx: &mut Ctx) -> Option<Item> {
        if self.done {
            return None;
        }
        loop {
            if self.pending {
                self.pending = false;
            } else {
                self.buf.clear();
                match self.input.read_until(b'\n', &mut self.buf) {
                    Ok(0) => {
                        self.done = true;
                        return None;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        self.done = true;
                        return Some(ctx.failure(self.line + 1, &e));
                    }
                }
                self.line += 1;
            }
            let line = self.line;
            let text = line_text(&self.buf, line);
            if text.is_empty() {
                continue;
            }
            let raw = || String::from_utf8_lossy(text).into_owned();
            let value: Value = match serde_json::from_slice(text) {
                Ok(v) => v,
                Err(e) => {
                    return Some(ctx.reject(
                        line,
                        None,
                        format!(
                            "dòng {line} không phải JSON hợp lệ ({e}): mỗi dòng phải là một đối tượng JSON"
                        ),
                        raw(),
                    ))
                }
            };
            let Value::Object(map) = &value else {
                return Some(
                    ctx.reject(
                        line,
                        None,
                        "dòng không phải một đối tượng JSON {…}: mỗi dòng phải là một đối tượng"
                            .to_string(),
                        raw(),
                    ),
                );
            };
            return Some(record_item(ctx, &mut self.keys, line, map, false, &raw));
        }
    }
}
