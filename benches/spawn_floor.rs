//! The floor under pipec's process executor: COUNT `/bin/true`, CONCURRENCY
//! at a time, with nothing else (no scheduler, events, store or process-tree
//! sweep), started one of four ways (WAY):
//!
//! - `async` (the default): as pipec starts a task's command. stdin a pipe
//!   filled with `{}`, stdout and stderr pipes read to their end, a process
//!   group of its own, one variable added to the environment, waited for
//!   through tokio (its pidfd) on one thread.
//! - `blocking`: the same command, pipes and process group, read and waited
//!   for with blocking calls on CONCURRENCY threads of its own. At
//!   concurrency 1 its distance to `async` is what waiting through the event
//!   loop costs; above, its threads also start commands in parallel.
//! - `handoff`: as `blocking`, but one thread decides what runs next and
//!   hands each command to one of CONCURRENCY worker threads, which hands its
//!   end back: two wake-ups across threads per command, as in any executor
//!   whose scheduler runs on one thread and waits on others.
//! - `inherit`: as make starts a command. No pipes (the command inherits
//!   pipec's stdin, stdout and stderr), no process group, no variable added,
//!   a blocking wait. Its distance to `blocking` is what capturing the
//!   output and owning the process tree cost.
//!
//! `scripts/bench_run.sh` sets them beside `make -j2` and pipec on the wide
//! and chain graphs; it prints the seconds it took.
//!
//! `cargo bench --bench spawn_floor -- COUNT CONCURRENCY [async|blocking|handoff|inherit]`

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

enum Way {
    Async,
    Blocking,
    Handoff,
    Inherit,
}

impl Way {
    fn parse(word: &str) -> Option<Way> {
        match word {
            "async" => Some(Way::Async),
            "blocking" => Some(Way::Blocking),
            "handoff" => Some(Way::Handoff),
            "inherit" => Some(Way::Inherit),
            _ => None,
        }
    }
}

/// `/bin/true` as pipec's process executor starts a task's command: stdin,
/// stdout and stderr pipes, a process group of its own, one variable added.
fn pipec_command(index: usize) -> std::process::Command {
    #[allow(clippy::disallowed_methods)]
    let mut command = std::process::Command::new("/bin/true");
    command
        .env("PIPEC_SPAN_ID", index.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    command
}

/// `/bin/true` as make starts a command: everything inherited.
fn make_command() -> std::process::Command {
    #[allow(clippy::disallowed_methods)]
    std::process::Command::new("/bin/true")
}

async fn one_async(index: usize) -> std::io::Result<()> {
    // What pipec's process executor does for a task, without pipec.
    let mut child = tokio::process::Command::from(pipec_command(index)).spawn()?;
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

async fn all_async(count: usize, concurrency: usize) -> std::io::Result<()> {
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut started = Vec::with_capacity(count);
    for index in 0..count {
        let slot = slots
            .clone()
            .acquire_owned()
            .await
            .map_err(std::io::Error::other)?;
        started.push(tokio::spawn(async move {
            let done = one_async(index).await;
            drop(slot);
            done
        }));
    }
    for task in started {
        task.await.map_err(std::io::Error::other)??;
    }
    Ok(())
}

/// One command waited for with blocking calls: with pipec's pipes, process
/// group and variable (`as_pipec`), or as make starts it.
fn one_blocking(index: usize, as_pipec: bool) -> std::io::Result<()> {
    let mut command = if as_pipec {
        pipec_command(index)
    } else {
        make_command()
    };
    let mut child = command.spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(b"{}");
    }
    // One stream after the other: `/bin/true` prints nothing, so neither
    // pipe can fill while the other is read.
    let mut sink = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout.read_to_end(&mut sink)?;
    }
    if let Some(mut stderr) = child.stderr.take() {
        stderr.read_to_end(&mut sink)?;
    }
    child.wait()?;
    Ok(())
}

/// CONCURRENCY threads take the next command until COUNT have run.
fn all_blocking(count: usize, concurrency: usize, as_pipec: bool) -> std::io::Result<()> {
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..concurrency)
            .map(|_| {
                scope.spawn(|| loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        return Ok(());
                    }
                    one_blocking(index, as_pipec)?;
                })
            })
            .collect();
        workers.into_iter().try_for_each(|worker| {
            worker
                .join()
                .map_err(|_| std::io::Error::other("a worker thread panicked"))?
        })
    })
}

/// This thread hands each command to an idle worker and waits for one to end.
fn all_handed_off(count: usize, concurrency: usize) -> std::io::Result<()> {
    use std::sync::mpsc::channel;
    let (ended_tx, ended) = channel::<(usize, std::io::Result<()>)>();
    let mut workers = Vec::with_capacity(concurrency);
    let mut threads = Vec::with_capacity(concurrency);
    for worker in 0..concurrency {
        let (work_tx, work) = channel::<usize>();
        let ended_tx = ended_tx.clone();
        workers.push(work_tx);
        threads.push(std::thread::spawn(move || {
            for index in work {
                if ended_tx.send((worker, one_blocking(index, true))).is_err() {
                    return;
                }
            }
        }));
    }
    let gone = || std::io::Error::other("a worker thread is gone");
    let mut next = 0;
    for worker in &workers {
        if next < count {
            worker.send(next).map_err(|_| gone())?;
            next += 1;
        }
    }
    for _ in 0..count {
        let (worker, done) = ended.recv().map_err(|_| gone())?;
        done?;
        if next < count {
            workers[worker].send(next).map_err(|_| gone())?;
            next += 1;
        }
    }
    drop(workers);
    for thread in threads {
        thread.join().map_err(|_| gone())?;
    }
    Ok(())
}

fn run(count: usize, concurrency: usize, way: Way) -> std::io::Result<()> {
    match way {
        Way::Async => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| std::io::Error::other(format!("cannot start the runtime: {e}")))?
            .block_on(all_async(count, concurrency)),
        Way::Blocking => all_blocking(count, concurrency, true),
        Way::Inherit => all_blocking(count, concurrency, false),
        Way::Handoff => all_handed_off(count, concurrency),
    }
}

fn main() -> ExitCode {
    // `cargo bench` adds `--bench`: only the numbers and the way count.
    let words: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let numbers: Option<Vec<usize>> = words.iter().take(2).map(|w| w.parse().ok()).collect();
    let way = match words.get(2) {
        None => Some(Way::Async),
        Some(word) => Way::parse(word),
    };
    let (count, concurrency, way) = match (numbers.as_deref(), way, words.len()) {
        (Some(&[count, concurrency]), Some(way), 2 | 3) if concurrency > 0 => {
            (count, concurrency, way)
        }
        _ => {
            eprintln!("usage: spawn_floor COUNT CONCURRENCY [async|blocking|handoff|inherit]");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    if let Err(e) = run(count, concurrency, way) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    println!("{:.3}", start.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}
