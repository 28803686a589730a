//! The floor under pipec's process executor: COUNT `/bin/true`, CONCURRENCY
//! at a time, started as pipec starts a task's command and with nothing else
//! (no scheduler, events, store or process-tree sweep): stdin a pipe filled
//! with `{}`, stdout and stderr pipes read to their end, a process group of
//! its own, one variable added to the environment, waited for through tokio
//! on one thread. `scripts/bench_run.sh` sets it beside `make -j2` and pipec
//! on the wide and chain graphs; it prints the seconds it took.
//!
//! `cargo bench --bench spawn_floor -- COUNT CONCURRENCY`

use std::process::{ExitCode, Stdio};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn one(index: usize) -> std::io::Result<()> {
    // What pipec's process executor does for a task, without pipec.
    #[allow(clippy::disallowed_methods)]
    let mut command = tokio::process::Command::new("/bin/true");
    command
        .env("PIPEC_SPAN_ID", index.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = command.spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that exits without reading its stdin closes the pipe.
        let _ = stdin.write_all(b"{}").await;
    }
    let (mut out, mut err) = (Vec::new(), Vec::new());
    if let (Some(stdout), Some(stderr)) = (child.stdout.as_mut(), child.stderr.as_mut()) {
        let (read_out, read_err) =
            tokio::join!(stdout.read_to_end(&mut out), stderr.read_to_end(&mut err));
        read_out?;
        read_err?;
    }
    child.wait().await?;
    Ok(())
}

async fn all(count: usize, concurrency: usize) -> std::io::Result<()> {
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut started = Vec::with_capacity(count);
    for index in 0..count {
        let slot = slots
            .clone()
            .acquire_owned()
            .await
            .map_err(std::io::Error::other)?;
        started.push(tokio::spawn(async move {
            let done = one(index).await;
            drop(slot);
            done
        }));
    }
    for task in started {
        task.await.map_err(std::io::Error::other)??;
    }
    Ok(())
}

fn main() -> ExitCode {
    // `cargo bench` adds `--bench`: only the numbers count.
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (count, concurrency) = match numbers[..] {
        [count, concurrency] if concurrency > 0 => (count, concurrency),
        _ => {
            eprintln!("usage: spawn_floor COUNT CONCURRENCY");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    if let Err(e) = runtime.block_on(all(count, concurrency)) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    println!("{:.3}", start.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}
