//! Nothing outlives its task: descendants that left the task's process group
//! or session (`setsid`) and still hold its stdout are ended on a timeout, on
//! a stop signal and when the command exits; zombies do not hold a task up.

use crate::run_common;
use run_common::*;
use std::time::{Duration, Instant};

/// A handler whose grandchild detaches with `setsid`, keeps stdout open and
/// would live a minute; it writes its pid to `escaped.pid`.
const ESCAPES: &str = r#"
handler escapes {
  shell "setsid sh -c 'echo $$ > \"$PIPEC_WORK_DIR/escaped.pid\"; exec sleep 60' & touch \"$PIPEC_WORK_DIR/started\"; sleep 60"
}
"#;

fn escaped_pid(f: &Fixture) -> u32 {
    wait_until("the escaped pid", Duration::from_secs(10), || {
        std::fs::read_to_string(f.work("escaped.pid")).is_ok_and(|t| t.ends_with('\n'))
    });
    std::fs::read_to_string(f.work("escaped.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_timeout_ends_a_detached_grandchild_that_holds_stdout() {
    let f = Fixture::new(
        "tree-timeout",
        &format!("{ESCAPES}pipeline p {{ stage one {{ task t {{ run escapes  timeout 500ms  on_failure warn }} }} }}"),
    );
    let start = Instant::now();
    let out = f.run(&[]);
    // 500 ms, then 300 ms of grace, then a second at most: never the minute
    // the grandchild would have lived.
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(f.message("t"), "timed out after 500ms");
    let escaped = escaped_pid(&f);
    assert!(
        process_gone(escaped),
        "the setsid grandchild {escaped} survived"
    );
}

#[test]
fn a_command_that_exits_ends_its_detached_grandchild() {
    let f = Fixture::new(
        "tree-exit",
        r#"
handler detaches {
  shell "setsid sh -c 'echo $$ > \"$PIPEC_WORK_DIR/escaped.pid\"; exec sleep 60' & sleep 0.2; echo '{}'"
}
pipeline p { stage one { task t { run detaches } } }"#,
    );
    let start = Instant::now();
    let out = f.run(&[]);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(f.status("t"), "completed");
    let escaped = escaped_pid(&f);
    assert!(
        process_gone(escaped),
        "the setsid grandchild {escaped} survived"
    );
}

#[test]
fn sigterm_ends_the_run_and_the_detached_grandchild() {
    let f = Fixture::new(
        "tree-sigterm",
        &format!("{ESCAPES}pipeline p {{ stage one {{ task t {{ run escapes }} }} }}"),
    );
    let child = f
        .command(&[])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_until("the task to start", Duration::from_secs(10), || {
        f.work("started").exists()
    });
    let escaped = escaped_pid(&f);
    let start = Instant::now();
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(code(&out), 130);
    assert_eq!(f.status("t"), "cancelled");
    assert!(
        process_gone(escaped),
        "the setsid grandchild {escaped} survived"
    );
}

#[test]
fn a_zombie_in_the_group_does_not_hold_the_task_for_the_grace_period() {
    // `sleep 0.01` exits at once and stays a zombie: its parent execs
    // `sleep 60`, which never waits for children. The leader dies on SIGTERM;
    // the zombie must not count as a live process for the 20 s of grace.
    let f = Fixture::new(
        "tree-zombie",
        r#"
handler zombie_parent { shell "sleep 0.01 & exec sleep 60" }
pipeline p { stage one { task t { run zombie_parent  timeout 300ms  on_failure warn } } }"#,
    );
    let start = Instant::now();
    let out = crate::common::binary()
        .current_dir(&f.dir)
        .args([
            "run",
            "main.pipe",
            "--no-state",
            "--view",
            "quiet",
            "--grace-ms",
            "20000",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
}

/// Live processes whose command line is `sleep 59.123`: what the spawner
/// below starts, and nothing else on the machine.
fn spawned_sleeps() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c == b"sleep\x0059.123\x00")
                && !process_gone(pid)
        })
        .collect()
}

/// A handler that starts a process out of its group every 2 ms until its
/// timeout leaves none of them running: one caught in the middle of `exec`
/// is looked at again, and one started while the attempt's processes were
/// being ended is ended too.
#[test]
fn a_timeout_ends_every_process_a_handler_keeps_detaching() {
    let f = Fixture::new(
        "tree-spawner",
        r#"
handler spawner {
  shell "while :; do setsid sleep 59.123 & sleep 0.002; done"
}
pipeline p { stage one { task t { run spawner  timeout 300ms  on_failure warn } } }"#,
    );
    for round in 0..5 {
        // Without the store: each round runs the task again.
        let out = f.run(&["--no-state"]);
        assert_eq!(code(&out), 0, "round {round}: {}", text(&out.stderr));
        assert_eq!(f.message("t"), "timed out after 300ms", "round {round}");
        let left = crate::common::still_running_after(spawned_sleeps);
        assert!(
            left.is_empty(),
            "round {round}: left running after the timeout: {left:?}"
        );
    }
}
