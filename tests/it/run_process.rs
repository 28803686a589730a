//! External commands: environment, stdin, arguments, logs, timeouts that kill
//! whole process trees, malformed output, and SIGTERM to pipec itself.

use crate::run_common;
use run_common::*;
use std::time::{Duration, Instant};

#[test]
fn commands_get_context_on_stdin_env_args_and_logs() {
    let f = Fixture::new(
        "env",
        r#"
handler produce { builtin emit { prices: [1, 2] } returns { prices: [int] } }
handler probe {
  exec "bin/probe.sh" "fixed"
  env { EXTRA: "yes" }
  returns { seen: int }
}
handler shelly { shell "echo \"$0:$1\" > \"$PIPEC_WORK_DIR/shell.txt\"" }
pipeline p {
  stage one {
    task produce
    task probe { args "--extra" after produce }
    task shelly { args "first" }
  }
}"#,
    );
    f.script(
        "bin/probe.sh",
        r#"#!/bin/sh
cat > "$PIPEC_WORK_DIR/stdin.json"
env | grep -E '^(PIPEC_|EXTRA=)' | sort > "$PIPEC_WORK_DIR/env.txt"
echo "$@" > "$PIPEC_WORK_DIR/args.txt"
pwd > "$PIPEC_WORK_DIR/pwd.txt"
echo "to stderr" >&2
echo '{"seen": 2}'
"#,
    );
    let out = f.run(&["--as-of", "2026-11-20"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdin = std::fs::read_to_string(f.work("stdin.json")).unwrap();
    assert_eq!(stdin, r#"{"prices":[1,2]}"#);
    let env = std::fs::read_to_string(f.work("env.txt")).unwrap();
    let summary = f.summary();
    for expected in [
        "EXTRA=yes".to_string(),
        "PIPEC_AS_OF=2026-11-20".to_string(),
        "PIPEC_ATTEMPT=1".to_string(),
        "PIPEC_PIPELINE=p".to_string(),
        "PIPEC_TASK=probe".to_string(),
        format!("PIPEC_RUN_ID={}", summary["run_id"].as_str().unwrap()),
        format!("PIPEC_TRACE_ID={}", summary["trace_id"].as_str().unwrap()),
        format!("PIPEC_WORK_DIR={}", f.run_dir().join("work").display()),
    ] {
        assert!(
            env.lines().any(|l| l == expected),
            "missing {expected} in\n{env}"
        );
    }
    // The span in the environment is the attempt's span in the events.
    let started = f
        .events_of("task_started")
        .into_iter()
        .find(|e| e["task"] == "probe")
        .unwrap();
    assert!(env.contains(&format!(
        "PIPEC_SPAN_ID={}",
        started["span_id"].as_str().unwrap()
    )));
    assert_eq!(
        std::fs::read_to_string(f.work("args.txt")).unwrap().trim(),
        "fixed --extra"
    );
    assert_eq!(
        std::fs::read_to_string(f.work("pwd.txt")).unwrap().trim(),
        f.dir.canonicalize().unwrap().display().to_string()
    );
    assert_eq!(
        std::fs::read_to_string(f.work("shell.txt")).unwrap().trim(),
        "shelly:first"
    );
    let logs = f.run_dir().join("logs/p");
    assert_eq!(
        std::fs::read_to_string(logs.join("probe.1.stderr")).unwrap(),
        "to stderr\n"
    );
    assert_eq!(
        std::fs::read_to_string(logs.join("probe.1.stdout")).unwrap(),
        "{\"seen\": 2}\n"
    );
    assert_eq!(summary["context"]["seen"], 2);
}

#[test]
fn a_timeout_kills_the_whole_process_tree() {
    let f = Fixture::new(
        "timeout",
        r#"
handler tree {
  shell "sleep 30 & echo $! > \"$PIPEC_WORK_DIR/grandchild.pid\"; echo $$ > \"$PIPEC_WORK_DIR/child.pid\"; sleep 30"
}
handler stubborn {
  shell "trap '' TERM; sleep 30 & echo $! > \"$PIPEC_WORK_DIR/stubborn.pid\"; while :; do sleep 1; done"
}
pipeline p {
  concurrency 2
  stage one {
    task tree { timeout 200ms }
    task stubborn { timeout 200ms on_failure warn }
  }
}"#,
    );
    let start = Instant::now();
    let out = f.run(&[]);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(code(&out), 1);
    assert_eq!(f.status("tree"), "timed_out");
    assert_eq!(f.message("tree"), "timed out after 200ms");
    assert_eq!(
        f.status("stubborn"),
        "warned",
        "a timeout under `warn` is a warning"
    );
    let timed_out = f.events_of("task_timed_out");
    assert_eq!(timed_out.len(), 1);
    assert_eq!(timed_out[0]["timeout_ms"], 200);
    for file in ["grandchild.pid", "child.pid", "stubborn.pid"] {
        let pid: u32 = std::fs::read_to_string(f.work(file))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        wait_until(
            &format!("{file} {pid} to die"),
            Duration::from_secs(3),
            || process_gone(pid),
        );
    }
}

#[test]
fn a_command_that_exits_leaves_no_background_process_behind() {
    let f = Fixture::new(
        "leftover",
        r#"
handler bg { shell "sleep 30 & echo $! > \"$PIPEC_WORK_DIR/bg.pid\"; echo '{}'" }
pipeline p { stage one { task bg } }"#,
    );
    let start = Instant::now();
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "the leftover must not hold stdout open"
    );
    let pid: u32 = std::fs::read_to_string(f.work("bg.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    wait_until(
        "the background sleep to die",
        Duration::from_secs(3),
        || process_gone(pid),
    );
}

#[test]
fn malformed_output_fails_with_a_clear_message() {
    let f = Fixture::new(
        "malformed",
        r#"
handler not_json { shell "echo 'hello world'" }
handler a_list { shell "echo '[1, 2]'" }
handler too_large { shell "head -c 3000000 /dev/zero | tr '\\0' 'a'" max_output 1KB }
handler wrong_shape {
  shell "echo '{\"signals\": [{\"symbol\": \"A\", \"conf_score\": \"high\"}]}'"
  returns { signals: [{ symbol: string, conf_score: float }] }
}
handler missing { shell "echo '{}'" returns { n: int } }
handler undeclared { shell "echo '{\"m\": 1, \"extra\": 2}'" returns { m: int } }
handler exit3 { shell "echo 'broker said no' >&2; exit 3" }
handler killed { shell "kill -9 $$" }
handler no_returns { shell "echo '{\"ignored\": true}'" }
pipeline p {
  stage one {
    task not_json task a_list task too_large task wrong_shape task missing task undeclared task exit3 task killed task no_returns
  }
}"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 1);
    assert!(
        f.message("not_json")
            .starts_with("the output is not JSON ("),
        "{}",
        f.message("not_json")
    );
    assert!(
        f.message("not_json")
            .ends_with("it starts with `hello world`"),
        "{}",
        f.message("not_json")
    );
    assert_eq!(
        f.message("a_list"),
        "the output is a list, not a JSON object"
    );
    assert_eq!(
        f.message("too_large"),
        "the output is larger than the handler's max_output (1024 bytes); reading stopped there"
    );
    assert_eq!(
        f.message("wrong_shape"),
        "the output does not match the `returns` of handler `wrong_shape`: `signals[0].conf_score` should be float but is the string \"high\""
    );
    assert_eq!(
        f.message("missing"),
        "the output does not match the `returns` of handler `missing`: `n` is missing"
    );
    assert!(
        f.message("undeclared").contains("`extra` is not declared"),
        "{}",
        f.message("undeclared")
    );
    assert_eq!(f.message("exit3"), "exited with status 3: broker said no");
    assert_eq!(f.message("killed"), "killed by signal 9");
    // Why each failed, as data on its event.
    let cause = |task: &str| {
        f.events_of("task_failed")
            .into_iter()
            .find(|e| e["task"] == task)
            .map(|e| e["cause"].clone())
            .unwrap_or_default()
    };
    let bad_output = serde_json::json!({ "kind": "bad_output" });
    for task in [
        "not_json",
        "a_list",
        "too_large",
        "wrong_shape",
        "missing",
        "undeclared",
    ] {
        assert_eq!(cause(task), bad_output, "{task}");
    }
    assert_eq!(
        cause("exit3"),
        serde_json::json!({ "kind": "exit", "code": 3 })
    );
    assert_eq!(
        cause("killed"),
        serde_json::json!({ "kind": "signal", "signal": 9 })
    );
    assert_eq!(f.status("no_returns"), "completed");
    assert!(
        f.summary()["context"].get("ignored").is_none(),
        "no `returns`: nothing enters the context"
    );
}

#[test]
fn sigterm_interrupts_the_run_with_exit_130() {
    let f = Fixture::new(
        "sigterm",
        r#"
handler long { shell "sleep 30 & echo $! > \"$PIPEC_WORK_DIR/sleep.pid\"; touch \"$PIPEC_WORK_DIR/started\"; wait" }
handler noop { builtin noop }
pipeline p {
  stage one { task long task waits { run noop after long } }
  stage two { task later { run noop } }
}"#,
    );
    let child = f
        .command(&[])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the task to start", Duration::from_secs(10), || {
        f.work("started").exists()
    });
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let start = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(code(&out), 130);
    assert_eq!(f.status("long"), "cancelled");
    assert_eq!(f.message("long"), "interrupted (SIGTERM)");
    assert_eq!(f.status("waits"), "skipped");
    assert_eq!(f.status("later"), "skipped");
    let end = f.events_of("run_interrupted");
    assert_eq!(end.len(), 1);
    assert_eq!(end[0]["interrupted"], serde_json::json!(["p/long"]));
    assert_eq!(f.summary()["status"], "interrupted");
    let sleeper: u32 = std::fs::read_to_string(f.work("sleep.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    wait_until("the task's sleep to die", Duration::from_secs(3), || {
        process_gone(sleeper)
    });
}

#[test]
fn the_stderr_log_is_bounded_by_max_output() {
    let f = Fixture::new(
        "stderr-cap",
        r#"
handler chatty {
  shell "i=0; while [ $i -lt 2000 ]; do echo 'a line of diagnostics that goes on and on' >&2; i=$((i+1)); done; echo 'last words' >&2; exit 1"
  max_output 1KB
}
pipeline p { stage one { task chatty { on_failure warn } } }"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // The whole stream was read: the failure message has its last line.
    assert_eq!(f.message("chatty"), "exited with status 1: last words");
    let log = std::fs::read_to_string(f.run_dir().join("logs/p/chatty.1.stderr")).unwrap();
    assert!(log.len() < 1024 + 200, "{} bytes logged", log.len());
    assert!(
        log.ends_with("it is longer than the handler's max_output of 1024 bytes]\n"),
        "{log}"
    );
}

/// Each attempt's first process is recorded with its start time as `/proc`
/// shows it (field 22 of `/proc/PID/stat`): the identity a resume uses to end
/// what a killed pipec left running, without taking a reused pid for it.
#[test]
fn the_recorded_start_time_is_the_one_proc_shows() {
    let tasks: String = (0..40)
        .map(|i| format!("    task t{i} {{ run probe }}\n"))
        .collect();
    let f = Fixture::new(
        "start-ticks",
        &format!(
            "handler probe {{ exec \"bin/probe.sh\" }}\npipeline p {{\n  concurrency 2\n  stage one {{\n{tasks}  }}\n}}\n"
        ),
    );
    f.script(
        "bin/probe.sh",
        r#"#!/bin/sh
echo "$$ $(awk '{print $22}' /proc/$$/stat)" > "$PIPEC_WORK_DIR/$PIPEC_TASK.ticks"
echo '{}'
"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let recorded = f.events_of("task_process");
    assert_eq!(recorded.len(), 40);
    for event in recorded {
        let task = event["task"].as_str().unwrap();
        let seen = std::fs::read_to_string(f.work(&format!("{task}.ticks"))).unwrap();
        let (pid, ticks) = seen.trim().split_once(' ').unwrap();
        assert_eq!(event["pid"].to_string(), pid, "{task}");
        assert_eq!(event["start_ticks"].to_string(), ticks, "{task}: {event}");
    }
}

/// A context larger than a pipe holds reaches the command whole (the part
/// the pipe does not take up front is written while it reads), and a command
/// that never reads such a context still ends the attempt.
#[test]
fn a_large_context_reaches_stdin_whole_and_an_unread_one_blocks_nothing() {
    let f = Fixture::new(
        "large-stdin",
        r#"
handler big { shell "printf '{\"blob\": \"%0300000d\"}' 0" returns { blob: string } }
handler count { shell "wc -c > \"$PIPEC_WORK_DIR/count.txt\"; echo '{}'" }
handler ignore { shell "echo '{}'" }
pipeline p {
  stage one {
    task big
    task count { after big }
    task ignore { after big }
  }
}"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let count: usize = std::fs::read_to_string(f.work("count.txt"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // {"blob":"<300,000 zeros>"} as compact JSON.
    assert_eq!(count, 300_000 + r#"{"blob":""}"#.len());
    assert_eq!(f.status("ignore"), "completed");
}
