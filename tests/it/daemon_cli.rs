//! The real `pipec daemon`: holds its lock, refuses a second daemon on the
//! same store, and stops cleanly on SIGTERM.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const NOOP: &str = r#"
handler ping { builtin noop }
pipeline daily {
  calendar XNYS
  stage morning {
    task ping
  }
  trigger MORNING { at 09:00 stages morning }
}
"#;

#[test]
fn sigterm_stops_the_daemon_and_a_second_one_is_refused() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("daemon-cli")
        .join(format!("term-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.pipe"), NOOP).unwrap();
    let first = crate::common::binary()
        .current_dir(&dir)
        .args(["daemon", "main.pipe", "--dry-run"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lock = dir.join(".pipec/state.db.daemon.lock");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !lock.exists() {
        assert!(Instant::now() < deadline, "the daemon never took its lock");
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = crate::common::binary()
        .current_dir(&dir)
        .args(["daemon", "main.pipe", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(2));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("another daemon"), "{err}");

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(first.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let out = first.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("pipec daemon stopped"), "{err}");
    assert!(!lock.exists(), "the lock is released");
}
