//! Every notification delivered or given up on, and what needs attention:
//! the rows `status`, the API and the metrics read.

use super::{stamp, Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

/// One notification's delivery to one notifier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryRow {
    /// When what it tells of happened.
    pub at: DateTime<Utc>,
    pub pipeline: String,
    pub run_id: Option<String>,
    pub notifier: String,
    pub event: String,
    /// `delivered`, `failed`, or `sending` (under way, or pipec stopped
    /// before it ended).
    pub status: String,
    pub attempts: u32,
    /// The last attempt's error, secrets masked.
    pub error: Option<String>,
    /// When the last attempt ended; `None` before the first.
    pub ended_at: Option<DateTime<Utc>>,
}

/// A deadline missed or at risk, or a stuck task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRow {
    pub run_id: String,
    pub pipeline: String,
    pub kind: String,
    pub stage: Option<String>,
    pub task: Option<String>,
    pub at: String,
    pub detail: Option<String>,
}

impl Store {
    /// A delivery about to be attempted, recorded `sending` (what stays if
    /// pipec stops before it ends); its row id.
    pub(crate) fn start_delivery(&self, row: &DeliveryRow) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO notifications (at, pipeline, run_id, notifier, event, status, attempts, error, ended_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, 'sending', 0, NULL, NULL)",
            params![
                stamp(row.at),
                row.pipeline,
                row.run_id,
                row.notifier,
                row.event,
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// After an attempt: how many were made, the last error, and whether it
    /// is over (`delivered`, `failed`) or will be tried again (`sending`).
    pub(crate) fn update_delivery(
        &self,
        id: i64,
        status: &str,
        attempts: u32,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE notifications SET status = ?2, attempts = ?3, error = ?4, ended_at = ?5 WHERE id = ?1",
            params![id, status, attempts, error, stamp(at)],
        )?;
        Ok(())
    }

    /// The latest deliveries, newest first, of one pipeline or all; only
    /// those not delivered with `undelivered_only`.
    pub fn deliveries(
        &self,
        pipeline: Option<&str>,
        undelivered_only: bool,
        limit: usize,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT at, pipeline, run_id, notifier, event, status, attempts, error, ended_at \
             FROM notifications WHERE (?1 IS NULL OR pipeline = ?1) \
             AND (?2 = 0 OR status != 'delivered') ORDER BY id DESC LIMIT ?3",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![pipeline, undelivered_only, limit], |r| {
            let at: String = r.get(0)?;
            let ended_at: Option<String> = r.get(8)?;
            Ok(DeliveryRow {
                at: super::parse_stamp(&at).unwrap_or(DateTime::<Utc>::MIN_UTC),
                pipeline: r.get(1)?,
                run_id: r.get(2)?,
                notifier: r.get(3)?,
                event: r.get(4)?,
                status: r.get(5)?,
                attempts: r.get(6)?,
                error: r.get(7)?,
                ended_at: ended_at.as_deref().and_then(super::parse_stamp),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The latest alerts, newest first, of one pipeline or all.
    pub fn alerts(
        &self,
        pipeline: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AlertRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT run_id, pipeline, kind, stage, task, at, detail FROM alerts \
             WHERE (?1 IS NULL OR pipeline = ?1) ORDER BY id DESC LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![pipeline, limit], |r| {
            Ok(AlertRow {
                run_id: r.get(0)?,
                pipeline: r.get(1)?,
                kind: r.get(2)?,
                stage: r.get(3)?,
                task: r.get(4)?,
                at: r.get(5)?,
                detail: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
