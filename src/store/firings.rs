//! Trigger firings the daemon handled: what ran, what was missed, so the
//! missed-firing policy knows where the daemon left off after downtime.

use super::{stamp, Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::params;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiringRow {
    pub pipeline: String,
    pub trigger: String,
    pub fire_at: String,
    pub run_id: Option<String>,
    /// `started`, `dry`, `missed`, `overlapped`, `refused: …`, or the run's end status.
    pub status: String,
}

impl Store {
    /// Records (or updates) one firing, in its own transaction.
    pub(crate) fn record_firing(
        &mut self,
        pipeline: &str,
        trigger: &str,
        at: DateTime<Utc>,
        run_id: Option<&str>,
        status: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO firings (pipeline, trigger, fire_at, run_id, status) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT DO UPDATE SET run_id = COALESCE(?4, run_id), status = ?5",
            params![pipeline, trigger, stamp(at), run_id, status],
        )?;
        Ok(())
    }

    /// The latest firing of a trigger the daemon handled (in any way).
    pub(crate) fn last_firing(
        &self,
        pipeline: &str,
        trigger: &str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let last: Option<String> = self.conn.query_row(
            "SELECT MAX(fire_at) FROM firings WHERE pipeline = ?1 AND trigger = ?2",
            params![pipeline, trigger],
            |r| r.get(0),
        )?;
        Ok(last.as_deref().and_then(super::parse_stamp))
    }

    /// The latest missed firings, newest first.
    pub(crate) fn missed_firings(&self, limit: usize) -> Result<Vec<FiringRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, trigger, fire_at, run_id, status FROM firings \
             WHERE status = 'missed' ORDER BY fire_at DESC, rowid DESC LIMIT ?1",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map([limit], firing_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every recorded firing in time order.
    pub fn firings(&self) -> Result<Vec<FiringRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, trigger, fire_at, run_id, status FROM firings ORDER BY fire_at, rowid",
        )?;
        let rows = stmt.query_map([], firing_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A `firings` row selected as `pipeline, trigger, fire_at, run_id, status`.
fn firing_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FiringRow> {
    Ok(FiringRow {
        pipeline: r.get(0)?,
        trigger: r.get(1)?,
        fire_at: r.get(2)?,
        run_id: r.get(3)?,
        status: r.get(4)?,
    })
}
