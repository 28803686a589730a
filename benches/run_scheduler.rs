//! Scheduler overhead: 10,000 built-in `noop` tasks in three shapes (a chain,
//! all independent, 10 layers with 3 random dependencies each), executed by
//! the library with its run folder and events file, timed per task.
//!
//!     cargo bench --bench run_scheduler            # 10,000 tasks
//!     BENCH_TASKS=100000 cargo bench --bench run_scheduler

use pipec::run::{execute, RunOptions, RunStatus};
use std::fmt::Write;
use std::sync::Arc;
use std::time::Instant;

fn graph(shape: &str, n: usize) -> String {
    let mut seed: u64 = 42;
    let mut rnd = move || {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        seed as usize
    };
    let mut text = String::from(
        "handler work { builtin noop }\npipeline graph {\n  concurrency 4\n  stage all {\n",
    );
    let width = (n / 10).max(1);
    for i in 0..n {
        let mut deps: Vec<usize> = Vec::new();
        match shape {
            "chain" if i > 0 => deps.push(i - 1),
            "layered" if i >= width => {
                let base = (i / width - 1) * width;
                while deps.len() < 3.min(width) {
                    let d = base + rnd() % width;
                    if !deps.contains(&d) {
                        deps.push(d);
                    }
                }
            }
            _ => {}
        }
        if deps.is_empty() {
            let _ = writeln!(text, "    task t{i} {{ run work }}");
        } else {
            let after: Vec<String> = deps.iter().map(|d| format!("t{d}")).collect();
            let _ = writeln!(
                text,
                "    task t{i} {{ run work after {} }}",
                after.join(", ")
            );
        }
    }
    text.push_str("  }\n}\n");
    text
}

fn main() {
    let n: usize = std::env::var("BENCH_TASKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let root = std::env::temp_dir().join(format!("pipec-bench-{}", std::process::id()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "{:<8} {:>7} {:>12} {:>10} {:>10}",
        "shape", "tasks", "compile ms", "run ms", "µs/task"
    );
    for shape in ["chain", "wide", "layered"] {
        let dir = root.join(shape);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("graph.pipe");
        std::fs::write(&file, graph(shape, n)).unwrap();
        let t = Instant::now();
        let compilation = pipec::compile::compile(&file).unwrap();
        let compile_ms = t.elapsed().as_secs_f64() * 1e3;
        let program = Arc::new(compilation.program.expect("the generated graph compiles"));
        let options = RunOptions::new(pipec::ir::PipelineId(0), dir.join("run"));
        let t = Instant::now();
        let report = runtime.block_on(execute(program, options)).unwrap();
        let run = t.elapsed();
        assert_eq!(report.status, RunStatus::Succeeded);
        println!(
            "{shape:<8} {n:>7} {compile_ms:>12.1} {:>10.1} {:>10.2}",
            run.as_secs_f64() * 1e3,
            run.as_secs_f64() * 1e6 / n as f64
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}
