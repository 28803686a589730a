//! Paused pipelines, kept in the store: their firings start nothing until
//! resumed, and a restarted daemon keeps them paused.

use super::{stamp, Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

impl Store {
    /// Pauses a pipeline's triggers; `false` if they already were.
    pub fn pause(&self, pipeline: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "INSERT INTO pauses (pipeline, paused_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![pipeline, stamp(at)],
        )?;
        Ok(n > 0)
    }

    /// Resumes a pipeline's triggers; `false` if they were not paused.
    pub fn resume_triggers(&self, pipeline: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM pauses WHERE pipeline = ?1", [pipeline])?;
        Ok(n > 0)
    }

    /// Since when a pipeline's triggers are paused, if they are.
    pub fn paused_since(&self, pipeline: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT paused_at FROM pauses WHERE pipeline = ?1",
                [pipeline],
                |r| r.get(0),
            )
            .optional()?)
    }
}
