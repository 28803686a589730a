//! External commands: one process group per attempt, the context on stdin,
//! stdout kept (bounded) and both streams logged, the whole group stopped on
//! timeout, cancellation or when the command exits leaving children behind.

use super::stop::{Stop, StopReceiver};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;
use tokio::sync::oneshot;

pub struct Spec {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    pub env: Vec<(String, String)>,
    pub stdin: Vec<u8>,
    pub max_output: u64,
    pub stdout_log: PathBuf,
    pub stderr_log: PathBuf,
    pub timeout: Duration,
    pub grace: Duration,
}

pub enum Exit {
    /// Exit status 0: what it printed.
    Output(Vec<u8>),
    Failed(String),
    TimedOut,
    Cancelled(Stop),
}

/// How much of stderr's end is kept for failure messages.
const STDERR_TAIL: usize = 600;

pub async fn run(spec: Spec, mut stop: StopReceiver) -> Exit {
    let stdout_log = match std::fs::File::create(&spec.stdout_log) {
        Ok(f) => f,
        Err(e) => {
            return Exit::Failed(format!(
                "cannot create log `{}`: {e}",
                spec.stdout_log.display()
            ))
        }
    };
    let stderr_log = match std::fs::File::create(&spec.stderr_log) {
        Ok(f) => f,
        Err(e) => {
            return Exit::Failed(format!(
                "cannot create log `{}`: {e}",
                spec.stderr_log.display()
            ))
        }
    };
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .current_dir(&spec.cwd)
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return Exit::Failed(format!("cannot start `{}`: {e}", spec.program.display())),
    };
    let group = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .map(Pid::from_raw);

    // A handler that never reads stdin must not block us: write from a task,
    // ignore a closed pipe.
    let stdin = child.stdin.take();
    let input = spec.stdin;
    let writer = tokio::spawn(async move {
        if let Some(mut pipe) = stdin {
            let _ = pipe.write_all(&input).await;
            let _ = pipe.shutdown().await;
        }
    });
    let (over_tx, over_rx) = oneshot::channel();
    let stdout = child.stdout.take().map(|s| {
        tokio::spawn(keep_limited(
            s,
            spec.max_output,
            tokio::fs::File::from_std(stdout_log),
            over_tx,
        ))
    });
    let stderr = child
        .stderr
        .take()
        .map(|s| tokio::spawn(keep_tail(s, tokio::fs::File::from_std(stderr_log))));

    enum Waited {
        Exited(std::io::Result<ExitStatus>),
        TimedOut,
        TooLarge,
        Stopped(Stop),
    }
    let waited = tokio::select! {
        status = child.wait() => Waited::Exited(status),
        () = tokio::time::sleep(spec.timeout) => Waited::TimedOut,
        Ok(()) = over_rx => Waited::TooLarge,
        reason = stop.stopped() => Waited::Stopped(reason),
    };
    // Whatever happened, no process of the group outlives the attempt: this
    // also closes pipes a background grandchild still holds.
    terminate_group(group, &mut child, spec.grace).await;
    writer.abort();
    let (out, too_large) = match stdout {
        Some(task) => task.await.unwrap_or_default(),
        None => (Vec::new(), false),
    };
    let tail = match stderr {
        Some(task) => task.await.unwrap_or_default(),
        None => Vec::new(),
    };
    match waited {
        Waited::TimedOut => Exit::TimedOut,
        Waited::Stopped(reason) => Exit::Cancelled(reason),
        Waited::TooLarge => Exit::Failed(too_large_message(spec.max_output)),
        Waited::Exited(_) if too_large => Exit::Failed(too_large_message(spec.max_output)),
        Waited::Exited(Err(e)) => {
            Exit::Failed(format!("cannot wait for `{}`: {e}", spec.program.display()))
        }
        Waited::Exited(Ok(status)) if status.success() => Exit::Output(out),
        Waited::Exited(Ok(status)) => Exit::Failed(exit_message(status, &tail)),
    }
}

fn too_large_message(max: u64) -> String {
    format!(
        "the output is larger than the handler's max_output ({max} bytes); reading stopped there"
    )
}

fn exit_message(status: ExitStatus, stderr_tail: &[u8]) -> String {
    use std::os::unix::process::ExitStatusExt;
    let how = match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        _ => "ended abnormally".to_string(),
    };
    let text = String::from_utf8_lossy(stderr_tail);
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(str::trim);
    match last {
        Some(line) => format!("{how}: {line}"),
        None => how,
    }
}

/// SIGTERM to the group, SIGKILL to what is left after `grace`; reaps the leader.
async fn terminate_group(group: Option<Pid>, child: &mut tokio::process::Child, grace: Duration) {
    let Some(group) = group else {
        let _ = child.kill().await;
        return;
    };
    let alive = |child: &mut tokio::process::Child| {
        // The leader may be a zombie we have not reaped: reap it first so it
        // does not count as alive.
        let _ = child.try_wait();
        killpg(group, None).is_ok()
    };
    if !alive(child) {
        return;
    }
    let _ = killpg(group, Signal::SIGTERM);
    let deadline = tokio::time::Instant::now() + grace;
    let mut pause = Duration::from_millis(1);
    while alive(child) {
        if tokio::time::Instant::now() >= deadline {
            let _ = killpg(group, Signal::SIGKILL);
            break;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(20));
    }
    let _ = tokio::time::timeout(grace, child.wait()).await;
}

/// Keeps at most `max` bytes of stdout; past that, signals and stops reading
/// so memory stays bounded whatever the handler prints.
async fn keep_limited(
    mut pipe: impl AsyncRead + Unpin,
    max: u64,
    mut log: tokio::fs::File,
    over: oneshot::Sender<()>,
) -> (Vec<u8>, bool) {
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    let mut kept = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut logging = true;
    loop {
        let n = match pipe.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if logging && log.write_all(&chunk[..n]).await.is_err() {
            logging = false;
        }
        if kept.len() + n > limit {
            let _ = over.send(());
            let _ = log.flush().await;
            return (Vec::new(), true);
        }
        kept.extend_from_slice(&chunk[..n]);
    }
    let _ = log.flush().await;
    (kept, false)
}

/// Logs all of stderr, keeps its last bytes for the failure message.
async fn keep_tail(mut pipe: impl AsyncRead + Unpin, mut log: tokio::fs::File) -> Vec<u8> {
    let mut tail = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    let mut logging = true;
    loop {
        let n = match pipe.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if logging && log.write_all(&chunk[..n]).await.is_err() {
            logging = false;
        }
        tail.extend_from_slice(&chunk[..n]);
        if tail.len() > STDERR_TAIL * 2 {
            tail.drain(..tail.len() - STDERR_TAIL);
        }
    }
    let _ = log.flush().await;
    tail
}
