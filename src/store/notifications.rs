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
    pub delivered: bool,
    pub attempts: u32,
    /// The last attempt's error, secrets masked.
    pub error: Option<String>,
    pub ended_at: DateTime<Utc>,
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
    pub(crate) fn record_delivery(&self, row: &DeliveryRow) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO notifications (at, pipeline, run_id, notifier, event, status, attempts, error, ended_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                stamp(row.at),
                row.pipeline,
                row.run_id,
                row.notifier,
                row.event,
                if row.delivered { "delivered" } else { "failed" },
                row.attempts,
                row.error,
                stamp(row.ended_at)
            ],
        )?;
        Ok(())
    }

    /// The latest deliveries, newest first; only failed ones with `failed_only`.
    pub fn deliveries(
        &self,
        failed_only: bool,
        limit: usize,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT at, pipeline, run_id, notifier, event, status, attempts, error, ended_at \
             FROM notifications WHERE (?1 = 0 OR status = 'failed') ORDER BY id DESC LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![failed_only, limit], |r| {
            Ok((
                r.get::<_, String>(0)?,
                DeliveryRow {
                    at: DateTime::<Utc>::MIN_UTC,
                    pipeline: r.get(1)?,
                    run_id: r.get(2)?,
                    notifier: r.get(3)?,
                    event: r.get(4)?,
                    delivered: r.get::<_, String>(5)? == "delivered",
                    attempts: r.get(6)?,
                    error: r.get(7)?,
                    ended_at: DateTime::<Utc>::MIN_UTC,
                },
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, mut row, ended_at) = row?;
            row.at = super::parse_stamp(&at).unwrap_or(row.at);
            row.ended_at = ended_at
                .as_deref()
                .and_then(super::parse_stamp)
                .unwrap_or(row.ended_at);
            out.push(row);
        }
        Ok(out)
    }

    /// The latest alerts, newest first.
    pub fn alerts(&self, limit: usize) -> Result<Vec<AlertRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT run_id, pipeline, kind, stage, task, at, detail FROM alerts ORDER BY id DESC LIMIT ?1",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map([limit], |r| {
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
