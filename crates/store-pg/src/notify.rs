//! Change notification across processes and nodes: every committed write
//! bumps `data_version` and sends `NOTIFY chiso_changes, '<version>'` in its
//! transaction (delivered when it commits, never for a rollback). A
//! [`ChangeListener`] holds a connection of its own (`LISTEN` belongs to a
//! session, so it cannot come from the pool) and blocks until a notification
//! arrives: a web node drops its caches then, instead of asking the database
//! on every request.

use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};

use crate::{describe, PgError, Result};

/// The channel every write notifies.
pub const CHANNEL: &str = "chiso_changes";

pub struct ChangeListener {
    client: Client,
}

impl ChangeListener {
    pub(crate) fn connect(config: &postgres::Config, url: &str) -> Result<ChangeListener> {
        let mut client = config.connect(NoTls).map_err(|e| PgError::Connect {
            url: url.to_string(),
            detail: describe(&e),
        })?;
        client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        Ok(ChangeListener { client })
    }

    /// Blocks until a write commits (on any connection, process or node) or
    /// `timeout` passes; returns the data version the write announced, the
    /// latest one when several arrived, or `None` after the timeout. An
    /// error means the connection was lost: make a new listener (and treat
    /// the data as changed, since notifications may have been missed).
    pub fn wait(&mut self, timeout: Duration) -> Result<Option<u64>> {
        let mut notifications = self.client.notifications();
        let first = notifications.timeout_iter(timeout).next()?;
        let Some(first) = first else {
            return Ok(None);
        };
        let mut latest = version(first.payload())?;
        // Those already received as well: one wake-up for a burst of writes.
        let mut queued = notifications.iter();
        while let Some(n) = queued.next()? {
            latest = latest.max(version(n.payload())?);
        }
        Ok(Some(latest))
    }
}

fn version(payload: &str) -> Result<u64> {
    payload.parse().map_err(|_| PgError::Corrupt {
        table: "data_version",
        detail: format!("thông báo {CHANNEL} không phải số phiên bản: '{payload}'"),
    })
}
