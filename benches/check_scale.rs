//! How `pipec check` scales: generated pipelines of 1k, 10k and 100k tasks,
//! checked end to end (read, parse, check, IR), in this process through the
//! library and as the real `pipec check` process (wall time: start, check,
//! report, exit). Run with `cargo bench --bench check_scale`; it prints the
//! best of three in milliseconds, and µs per task.

use std::fmt::Write as _;
use std::time::Instant;

/// A trading-day-like pipeline: stages of `per_stage` tasks in layers of
/// parallel branches, each layer after the one before, and per stage a
/// handler with typed output and a gate. `per_task_settings` gives every task
/// its own timeout and policy instead of the pipeline's defaults (about twice
/// the text to parse).
fn generate(tasks: usize, per_stage: usize, per_task_settings: bool) -> String {
    let per_stage = per_stage.min(tasks);
    let stages = tasks / per_stage;
    let mut out = String::with_capacity(tasks * 80);
    out.push_str("handler work { builtin noop }\n");
    for s in 0..stages {
        let _ = writeln!(
            out,
            "handler produce_{s} {{ builtin noop returns {{ count_{s}: int, items: [string] }} }}"
        );
    }
    out.push_str("pipeline generated {\n  calendar XNYS\n  concurrency 8\n  timeout 10s\n  on_failure retry 2\n");
    let settings = if per_task_settings {
        " timeout 10s on_failure retry 2"
    } else {
        ""
    };
    for s in 0..stages {
        let _ = writeln!(out, "  stage s{s} {{");
        let _ = writeln!(out, "    task t{s}_0 {{ run produce_{s} }}");
        for t in 1..per_stage {
            // Layers of 10 parallel branches, each depending on one task of the layer before.
            let dep = t.saturating_sub(10);
            let _ = writeln!(
                out,
                "    task t{s}_{t} {{ run work after t{s}_{dep}{settings} }}"
            );
        }
        let _ = writeln!(out, "    gate g{s} {{ count_{s} > 0 and len(items) >= 0 }}");
        out.push_str("  }\n");
    }
    out.push_str("  trigger OPEN { at open + 5m stages all }\n}\n");
    out
}

fn main() {
    let dir = std::env::temp_dir().join(format!("pipec-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date");
    println!(
        "{:>8} {:>10} {:>9} {:>10} {:>12} {:>12} {:>12}",
        "tasks", "per stage", "settings", "bytes", "library ms", "µs/task", "process ms"
    );
    for (tasks, per_stage, per_task) in [
        (1_000, 1_000, false),
        (10_000, 1_000, false),
        (100_000, 1_000, false),
        (100_000, 1_000, true),
        (100_000, 100_000, false),
        (100_000, 100, false),
        (100_000, 10, false),
    ] {
        let path = dir.join(format!("generated_{tasks}_{per_stage}.pipe"));
        let text = generate(tasks, per_stage, per_task);
        std::fs::write(&path, &text).expect("write the pipeline");
        let mut best = f64::MAX;
        let mut best_process = f64::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            let compilation = pipec::compile::compile_as_of(&path, today).expect("readable");
            let elapsed = start.elapsed().as_secs_f64();
            assert!(
                !compilation.has_errors(),
                "the generated pipeline checks clean: {:?}",
                compilation.diagnostics.first()
            );
            best = best.min(elapsed);
            let start = Instant::now();
            // Times the real binary.
            #[allow(clippy::disallowed_methods)]
            let status = std::process::Command::new(env!("CARGO_BIN_EXE_pipec"))
                .arg("check")
                .arg(&path)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("pipec runs");
            best_process = best_process.min(start.elapsed().as_secs_f64());
            assert!(status.success(), "pipec check exits 0");
        }
        let settings = if per_task { "per task" } else { "defaults" };
        println!(
            "{tasks:>8} {per_stage:>10} {settings:>9} {:>10} {:>12.1} {:>12.2} {:>12.1}",
            text.len(),
            best * 1e3,
            best * 1e6 / tasks as f64,
            best_process * 1e3,
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
