//! A corrupt or unusable state database is a clear error (exit 2), never a panic.

mod durable_common;

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
    let conn = rusqlite::Connection::open(f.state()).unwrap();
    conn.execute("INSERT INTO schema_version (version) VALUES (99)", [])
        .unwrap();
    drop(conn);
    let out = f.run(&["--force"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer than this pipec"));
}
