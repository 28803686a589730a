//! A new store appears whole: it is built in a private file and hard-linked
//! into place, which fails if another process got there first. So nobody
//! ever opens a half-made store, and an empty or foreign file at the store's
//! path is always a mistake to report, never a store to start.

use super::{schema, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub(super) fn new_store(path: &Path) -> Result<(), StoreError> {
    let mut private = path.as_os_str().to_owned();
    // Unique per call: two threads of one process (the daemon and its
    // service) may both be the first to open the store.
    private.push(format!(
        ".new-{}-{:016x}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let private = PathBuf::from(private);
    let made = (|| -> Result<(), StoreError> {
        let mut conn = Connection::open(&private)?;
        // Nobody sees the private file before it is linked, and a crash
        // leaves only a private file behind: neither the switch to WAL nor
        // the schema needs an fsync of its own; the whole file is synced
        // once, before it is linked.
        conn.execute_batch("PRAGMA synchronous = OFF")?;
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::new(format!(
                "cannot switch the journal to WAL (got `{mode}`)"
            )));
        }
        schema::create(&mut conn)?;
        // Closing the only connection checkpoints the WAL into the file.
        conn.close().map_err(|(_, e)| StoreError::from(e))?;
        std::fs::File::open(&private)
            .and_then(|file| file.sync_all())
            .map_err(|e| StoreError::new(format!("cannot write it to disk: {e}")))?;
        Ok(())
    })();
    let linked = made.and_then(|()| match std::fs::hard_link(&private, path) {
        Ok(()) => Ok(()),
        // Another process made it first: theirs is as good as ours.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::new(format!("cannot create it: {e}"))),
    });
    for suffix in ["", "-wal", "-shm"] {
        let mut file = private.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(file));
    }
    linked.map_err(|e| e.context(path))
}

/// Stores this process has already integrity-checked: the check reads the
/// whole file, so a daemon (and its service, which opens the store per
/// request) pays it once, not on every open.
static CHECKED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// A pipec store has the `schema_version` table; anything else with tables
/// is some other program's database. The first open in a process also runs
/// SQLite's quick integrity check.
pub(super) fn check_is_store(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let (tables, ours): (i64, bool) = conn.query_row(
        "SELECT COUNT(*), COALESCE(SUM(name = 'schema_version'), 0) > 0 \
         FROM sqlite_master WHERE type = 'table'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if !ours {
        let what = if tables == 0 {
            "an empty SQLite database".to_string()
        } else {
            format!("a SQLite database with {tables} table(s) that are not pipec's")
        };
        return Err(StoreError::new(format!(
            "the file is {what}, not a pipec state store; nothing was changed: \
             point --state elsewhere, or start a new store here with --new-store"
        )));
    }
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if crate::sync::lock(&CHECKED, "the checked stores").contains(&key) {
        return Ok(());
    }
    let verdict: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
    if verdict != "ok" {
        return Err(StoreError::new(format!(
            "the database is damaged (SQLite's quick check: {verdict}); \
             restore a backup, or move it aside with --new-store"
        )));
    }
    crate::sync::lock(&CHECKED, "the checked stores").insert(key);
    Ok(())
}

/// Renames the file at `path` and its WAL companions to `<path>.bad-<time>…`.
pub(super) fn move_aside(path: &Path, now: DateTime<Utc>) -> Result<Option<PathBuf>, StoreError> {
    if !path.exists() {
        return Ok(None);
    }
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(
        ".bad-{}-{:04x}",
        now.format("%Y%m%dT%H%M%SZ"),
        fastrand::u16(..)
    ));
    let aside = PathBuf::from(aside);
    for suffix in ["", "-wal", "-shm"] {
        let mut from = path.as_os_str().to_owned();
        from.push(suffix);
        let mut to = aside.as_os_str().to_owned();
        to.push(suffix);
        let from = PathBuf::from(from);
        if from.exists() {
            std::fs::rename(&from, PathBuf::from(to)).map_err(|e| {
                StoreError::new(format!("cannot move `{}` aside: {e}", from.display()))
            })?;
        }
    }
    Ok(Some(aside))
}
