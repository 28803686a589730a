//! The state store: every run, stage, task attempt, gate evaluation and data
//! freshness mark in one embedded SQLite database (`.pipec/state.db` beside the
//! pipeline by default). Written so that a crash or `kill -9` at any instant
//! leaves a prefix of the run's events and loses no reported end: WAL journal,
//! `synchronous=FULL`, group commit by one writer thread. See `docs/durability.md`.

mod create;
pub mod durable;
mod ending;
mod error;
mod firings;
mod fold;
mod notifications;
mod pauses;
pub(crate) mod plan;
mod queries;
mod record;
mod rows;
mod runs;
mod schema;
mod stats;

#[cfg(test)]
mod fold_test;
#[cfg(test)]
mod full_disk_test;

pub use error::StoreError;
pub use firings::FiringRow;
pub use notifications::{AlertRow, DeliveryRow};
pub use plan::{plan_of, Plan, PlanDiff};
pub use queries::AttemptDetail;
pub(crate) use queries::{GateDetail, RunFilter, StageDetail, TaskDetail};
pub(crate) use record::Recorder;
pub use runs::{alive as process_alive, AttemptRow, Begin, RunKey, RunRow, TaskRow};
pub use schema::VERSION as SCHEMA_VERSION;
pub(crate) use stats::TaskStats;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// An open state database.
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens and migrates the database, creating it (and its folder) when
    /// there is no file. A file that is there but is not a pipec store (an
    /// empty one included: a truncated copy must not pass for a new store,
    /// which would run every finished task again) is refused; so is one that
    /// fails SQLite's quick integrity check.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::new(format!("cannot create `{}`: {e}", dir.display())))?;
        }
        if !path.exists() {
            create::new_store(path)?;
        }
        Self::open_existing(path)
    }

    fn open_existing(path: &Path) -> Result<Store, StoreError> {
        let size = std::fs::metadata(path)
            .map_err(|e| StoreError::new(format!("cannot read `{}`: {e}", path.display())))?
            .len();
        if size == 0 {
            return Err(StoreError::new(
                "the file is empty, not a pipec state store (truncated or copied badly?); \
                 nothing was changed: restore it, or start a new store with --new-store",
            )
            .context(path));
        }
        let conn = Connection::open(path).map_err(|e| StoreError::at(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure().map_err(|e| e.context(path))?;
        create::check_is_store(&store.conn, path).map_err(|e| e.context(path))?;
        schema::migrate(&mut store.conn).map_err(|e| e.context(path))?;
        Ok(store)
    }

    /// Moves whatever is at `path` aside (to `<path>.bad-<time>`, with its
    /// `-wal` and `-shm` files) and opens a new store there: `--new-store`.
    /// Returns the store and where the old file went.
    /// A store that opens fine is not moved: `--new-store` is for a file that
    /// is not a usable store.
    pub fn start_anew(
        path: &Path,
        now: DateTime<Utc>,
    ) -> Result<(Store, Option<PathBuf>), StoreError> {
        if path.exists() && Self::open_existing(path).is_ok() {
            return Err(StoreError::new(
                "the store is fine: --new-store only replaces a file that is not a usable store",
            )
            .context(path));
        }
        let moved = create::move_aside(path, now)?;
        Ok((Self::open(path)?, moved))
    }

    /// `wal` once opened.
    pub fn journal_mode(&self) -> Result<String, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))?)
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))?)
    }

    /// A run's gate evaluations in order: (stage, gate, passed).
    pub fn gates(&self, run_id: &str) -> Result<Vec<(String, String, bool)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT stage, gate, passed FROM gates WHERE run_id = ?1 ORDER BY id")?;
        let rows = stmt.query_map([run_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&self) -> Result<(), StoreError> {
        // Another process holding the write lock (a daemon and a manual run)
        // waits its turn instead of failing at once.
        self.conn.busy_timeout(Duration::from_secs(10))?;
        // WAL: readers (`pipec status`) never block the run; FULL: a commit is
        // on disk before it returns, so "done" survives a power cut too.
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::new(format!(
                "cannot switch the journal to WAL (got `{mode}`)"
            )));
        }
        self.conn.execute_batch("PRAGMA synchronous=FULL;")?;
        Ok(())
    }
}

/// Runs a statement prepared once per connection (a run repeats the same
/// few statements for every task).
pub(crate) fn exec(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// Instants are stored as RFC 3339 UTC text with milliseconds: readable, and
/// they sort as text in time order.
pub(crate) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The default database: `.pipec/state.db` beside the pipeline file.
pub fn default_path(pipeline_file: &Path) -> PathBuf {
    let base = pipeline_file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    base.join(".pipec").join("state.db")
}
