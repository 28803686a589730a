//! A corrupt or unusable state database is a clear error (exit 2), never a panic.

use crate::durable_common;

use durable_common::{text, Fixture, TEN_TASKS};

#[test]
fn a_corrupt_database_is_a_clear_error() {
    let f = Fixture::new("corrupt", TEN_TASKS);
    std::fs::create_dir_all(f.state().parent().unwrap()).unwrap();
    std::fs::write(f.state(), vec![0x42u8; 8192]).unwrap();
    for args in [
        vec!["run", "main.pipe", "--view", "quiet"],
        vec!["status", "main.pipe"],
    ] {
        let out = f.command(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("state.db") && err.contains("not a pipec state database"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(f.count("a1"), 0, "nothing ran");
}

#[test]
fn an_unusable_state_path_is_a_clear_error() {
    let f = Fixture::new("unusable", TEN_TASKS);
    f.write("file", "");
    let out = f
        .command(&[
            "run",
            "main.pipe",
            "--view",
            "quiet",
            "--state",
            "file/state.db",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("file"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_newer_schema_is_refused() {
    let f = Fixture::new("newer", TEN_TASKS);
    assert!(f.run(&[]).status.success());
    f.edit_store("INSERT INTO schema_version (version) VALUES (99)");
    let out = f.run(&["--force"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer than this pipec"));
}

#[test]
fn an_empty_or_foreign_store_file_is_refused_and_new_store_moves_it_aside() {
    let f = Fixture::new("empty-store", TEN_TASKS);
    // A key that succeeded, then a store truncated to zero bytes.
    assert!(f.run(&[]).status.success());
    assert_eq!(f.count("a1"), 1);
    std::fs::write(f.state(), b"").unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", f.state().display()));
    }
    for args in [
        vec![
            "run",
            "main.pipe",
            "--as-of",
            "2026-11-20",
            "--view",
            "quiet",
        ],
        vec!["status", "main.pipe"],
        vec!["health", "main.pipe"],
    ] {
        let out = f.command(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("the file is empty, not a pipec state store"),
            "{err}"
        );
    }
    assert_eq!(f.count("a1"), 1, "refused: nothing ran again");
    assert_eq!(
        std::fs::metadata(f.state()).unwrap().len(),
        0,
        "left as it was"
    );

    // Another program's database is refused too.
    std::fs::remove_file(f.state()).unwrap();
    let other = rusqlite::Connection::open(f.state()).unwrap();
    other
        .execute_batch("CREATE TABLE prices (x INTEGER)")
        .unwrap();
    drop(other);
    let out = f.run(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("1 table(s) that are not pipec's"),
        "{}",
        text(&out)
    );

    // --new-store keeps the old file, renamed, and starts afresh.
    let out = f.run(&["--new-store"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("moved the old state store aside"),
        "{}",
        text(&out)
    );
    let aside: Vec<_> = std::fs::read_dir(f.state().parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("state.db.bad-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(f.count("a1"), 2);
    // A store that is fine is never moved aside.
    let out = f.run(&["--new-store"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("the store is fine"), "{}", text(&out));
}

/// Run ids name folders: one read back from the store that pipec would never
/// make is refused before it becomes a path.
#[test]
fn a_run_id_from_the_store_is_checked_before_it_names_a_folder() {
    let f = Fixture::new("bad-run-id", TEN_TASKS);
    assert!(f.run(&[]).status.success());
    f.edit_store(
        "PRAGMA foreign_keys = OFF; UPDATE runs SET run_id = '../../escaped', status = 'failed'",
    );
    let out = f.run(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("refusing to use it as a folder name"),
        "{}",
        text(&out)
    );
    assert!(!f.dir.join(".pipec").join("escaped").exists());
    assert!(!f.dir.join("escaped").exists());
}

/// Damage in the middle of the database (not its header) is noticed when the
/// store is opened, by `status` and `health` as by `run`.
#[test]
fn damage_in_the_middle_of_the_store_is_reported() {
    let f = Fixture::new("damaged", TEN_TASKS);
    for day in ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19"] {
        assert!(f
            .command(&["run", "main.pipe", "--as-of", day, "--view", "quiet"])
            .output()
            .unwrap()
            .status
            .success());
    }
    // Fold the WAL into the file, then overwrite the middle of it.
    f.edit_store("PRAGMA wal_checkpoint(TRUNCATE)");
    let mut bytes = std::fs::read(f.state()).unwrap();
    assert!(bytes.len() >= 4 * 4096, "{} bytes", bytes.len());
    let middle = bytes.len() / 2 / 4096 * 4096;
    for b in &mut bytes[middle..middle + 4096] {
        *b = 0x5a;
    }
    std::fs::write(f.state(), &bytes).unwrap();
    for args in [
        vec!["status", "main.pipe"],
        vec!["health", "main.pipe"],
        vec!["run", "main.pipe", "--view", "quiet"],
    ] {
        let out = f.command(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("damaged") || err.contains("corrupt") || err.contains("malformed"),
            "{args:?}: {err}"
        );
    }
}
