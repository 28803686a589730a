//! External commands (`exec`, `shell`): one process group per attempt, the
//! context on stdin, stdout kept (bounded) and both streams logged (secrets
//! masked), the whole process tree stopped on timeout, cancellation or when
//! the command exits leaving processes behind.

use super::stdin;
use super::tree::{self, Tree};
use super::{Attempt, AttemptFuture, Call, Executor, Failure};
use crate::clock::Sleep;
use crate::ir::{HandlerKind, Work};
use crate::run::output;
use crate::run::scheduler::Shared;
use crate::run::secrets::{RedactingStream, Redactor};
use crate::run::stop::{Stop, StopReceiver};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;
use tokio::sync::oneshot;

pub(crate) struct Process;

impl Executor for Process {
    fn run<'a>(
        &'a self,
        shared: &'a Arc<Shared>,
        call: Call<'a>,
        stop: StopReceiver,
    ) -> AttemptFuture<'a> {
        Box::pin(async move {
            let spec = match spec(shared, call) {
                Ok(spec) => spec,
                Err(message) => return Attempt::Failed(Failure::Error(message)),
            };
            let timeout_millis = spec.timeout_millis;
            let handler = spec.handler;
            match run(spec, stop).await {
                Exit::Output(bytes) => {
                    match output::from_bytes(&bytes, shared.program.handler(handler)) {
                        Ok(map) => Attempt::Ok(map),
                        Err(e) => Attempt::Failed(Failure::BadOutput(e)),
                    }
                }
                Exit::Failed(e) => Attempt::Failed(Failure::Error(e)),
                Exit::BadOutput(e) => Attempt::Failed(Failure::BadOutput(e)),
                Exit::Status {
                    code,
                    signal,
                    message,
                } => Attempt::Failed(Failure::Exited {
                    code,
                    signal,
                    message,
                }),
                Exit::TimedOut => Attempt::Failed(Failure::TimedOut(timeout_millis)),
                Exit::Cancelled(stop) => Attempt::Cancelled(stop),
            }
        })
    }
}

/// The program a declared command names: a path with a slash is the
/// declaring file's folder's, made absolute since the child runs elsewhere
/// (a relative program is looked up after the change of folder); a bare name
/// is looked up in `PATH`.
pub(crate) fn program_path(base_dir: &Path, program: &str) -> PathBuf {
    let path = PathBuf::from(program);
    if program.contains('/') && path.is_relative() {
        let joined = base_dir.join(path);
        std::path::absolute(&joined).unwrap_or(joined)
    } else {
        path
    }
}

/// The folder a declared command runs in: the declaring file's (the working
/// folder for a file named without one).
pub(crate) fn working_dir(base_dir: &Path) -> PathBuf {
    if base_dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base_dir.to_path_buf()
    }
}

/// The variables a task's command gets: who and when it is (for a fan-out's
/// instance, its item and index too), then the handler's own `env` (secrets
/// resolved).
pub(crate) fn task_env(
    shared: &Shared,
    call: &Call<'_>,
    handler: &crate::ir::Handler,
) -> Vec<(String, String)> {
    let mut env = vec![
        ("PIPEC_RUN_ID".to_string(), shared.emitter.run_id.clone()),
        ("PIPEC_TRACE_ID".into(), shared.emitter.trace_id.clone()),
        ("PIPEC_SPAN_ID".into(), call.span.to_string()),
        ("PIPEC_PIPELINE".into(), call.pipeline.name.clone()),
        ("PIPEC_STAGE".into(), call.stage.to_string()),
        ("PIPEC_TASK".into(), call.task.to_string()),
        ("PIPEC_ATTEMPT".into(), call.attempt.to_string()),
        (
            "PIPEC_AS_OF".into(),
            shared.as_of.format("%Y-%m-%d").to_string(),
        ),
        (
            "PIPEC_WORK_DIR".into(),
            shared.rundir.work_dir().display().to_string(),
        ),
    ];
    if let Some((index, item)) = call.item {
        // A string item as it is (a symbol), anything else as JSON.
        let text = match item {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        env.push(("PIPEC_ITEM".into(), text));
        env.push(("PIPEC_ITEM_INDEX".into(), index.to_string()));
    }
    env.extend(
        handler
            .env
            .iter()
            .map(|(k, v)| (k.clone(), shared.secrets.resolve(v).to_string())),
    );
    env
}

/// What the command of `call` is, and with what it runs.
fn spec(shared: &Shared, call: Call<'_>) -> Result<Spec, String> {
    let Work::Handler(id) = call.work else {
        return Err("a sub-pipeline was routed to the process executor".to_string());
    };
    let handler = shared.program.handler(id);
    let (program, mut args) = match &handler.kind {
        HandlerKind::Exec { program, args } => {
            (program_path(&handler.base_dir, program), args.clone())
        }
        // `$0` is the task's name and the task's args are `$1`…: no quoting
        // problems, and the script can use "$@".
        HandlerKind::Shell { command } => (
            PathBuf::from("/bin/sh"),
            vec!["-c".into(), command.clone(), call.task.to_string()],
        ),
        HandlerKind::Builtin(_) => {
            return Err(format!(
                "the built-in handler `{}` was routed to the process executor",
                handler.name
            ))
        }
    };
    args.extend(call.args.iter().cloned());
    let (stdout_log, stderr_log) = shared
        .rundir
        .logs(&call.pipeline.name, call.task, call.attempt);
    let env = task_env(shared, &call, handler);
    Ok(Spec {
        handler: id,
        program,
        args,
        cwd: working_dir(&call.pipeline.base_dir),
        env,
        env_removed: shared
            .secrets
            .sources()
            .map(str::to_string)
            .chain(std::iter::once("PIPEC_API_TOKEN".to_string()))
            .collect(),
        stdin: serde_json::to_vec(&**call.input).unwrap_or_else(|_| b"{}".to_vec()),
        max_output: handler.max_output,
        stdout_log,
        stderr_log,
        timeout: shared
            .clock
            .limit(Duration::from_millis(call.timeout_millis)),
        timeout_millis: call.timeout_millis,
        grace: shared.grace,
        span: call.span.to_string(),
        spawned: call.spawned,
        redactor: shared.redactor.clone(),
    })
}

struct Spec {
    handler: crate::ir::HandlerId,
    program: PathBuf,
    args: Vec<String>,
    cwd: PathBuf,
    env: Vec<(String, String)>,
    /// Variables of pipec's own environment the command must not inherit:
    /// secrets' sources and the API token.
    env_removed: Vec<String>,
    stdin: Vec<u8>,
    max_output: u64,
    stdout_log: PathBuf,
    stderr_log: PathBuf,
    /// Resolves when the attempt's time is up, on the run's clock.
    timeout: Sleep,
    timeout_millis: u64,
    grace: Duration,
    /// The attempt's span id, which its processes inherit as `PIPEC_SPAN_ID`.
    span: String,
    /// Told the first process's pid and start time once it runs.
    spawned: Box<dyn FnOnce(i32, Option<u64>) + Send>,
    /// Masks the run's secrets in what the command prints.
    redactor: Redactor,
}

enum Exit {
    /// Exit status 0: what it printed.
    Output(Vec<u8>),
    Failed(String),
    /// Printed more than the handler's `max_output`.
    BadOutput(String),
    /// Exited non-zero (`code`) or killed by a signal (`signal`).
    Status {
        code: Option<i32>,
        signal: Option<i32>,
        message: String,
    },
    TimedOut,
    Cancelled(Stop),
}

/// How much a stream is read at a time: most commands print less, and a
/// larger buffer is only memory to clear for every attempt.
const CHUNK: usize = 8 * 1024;

/// How much of stderr's end is kept for failure messages.
const STDERR_TAIL: usize = 600;

/// How long the output is still read once every process of the attempt is
/// gone. A process pipec could not find (one that left the tree and cleared
/// its environment) may hold the pipe open forever: nobody waits for it.
const DRAIN: Duration = Duration::from_millis(250);

async fn run(spec: Spec, mut stop: StopReceiver) -> Exit {
    let stdout_log = Log::new(spec.stdout_log.clone());
    let stderr_log = Log::new(spec.stderr_log.clone());
    let (input, rest) = match stdin::prepare(&spec.stdin) {
        Ok(prepared) => prepared,
        Err(e) => return Exit::Failed(format!("cannot make the command's stdin: {e}")),
    };
    // The one place pipec starts a process.
    #[allow(clippy::disallowed_methods)]
    let mut command = Command::new(&spec.program);
    command.args(&spec.args).current_dir(&spec.cwd);
    for name in &spec.env_removed {
        command.env_remove(name);
    }
    command
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let (mut child, start_ticks) = match tree::spawn(&mut command) {
        Ok(spawned) => spawned,
        Err(e) => return Exit::Failed(format!("cannot start `{}`: {e}", spec.program.display())),
    };
    // It holds pipec's copy of the command's end of stdin: without it the
    // command alone keeps the pipe open.
    drop(command);
    let leader = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .unwrap_or(0);
    (spec.spawned)(leader, start_ticks);
    let mut tree = Tree::new(leader, &spec.span);

    let writer = rest.map(stdin::Rest::write);
    let (over_tx, over_rx) = oneshot::channel();
    let (give_up_tx, give_up) = tokio::sync::watch::channel(false);
    // Both streams are read by one task: a task less per attempt.
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let (max_output, redactor) = (spec.max_output, spec.redactor.clone());
    let reading = tokio::spawn(async move {
        let out = async {
            match stdout {
                Some(pipe) => {
                    keep_limited(
                        pipe,
                        max_output,
                        stdout_log,
                        over_tx,
                        give_up.clone(),
                        RedactingStream::new(redactor.clone()),
                    )
                    .await
                }
                None => (Vec::new(), false),
            }
        };
        let err = async {
            match stderr {
                Some(pipe) => {
                    keep_tail(
                        pipe,
                        stderr_log,
                        give_up.clone(),
                        RedactingStream::new(redactor.clone()),
                        max_output,
                    )
                    .await
                }
                None => Vec::new(),
            }
        };
        tokio::join!(out, err)
    });

    enum Waited {
        Exited(std::io::Result<ExitStatus>),
        TimedOut,
        TooLarge,
        Stopped(Stop),
    }
    let waited = tokio::select! {
        status = child.wait() => Waited::Exited(status),
        () = spec.timeout => Waited::TimedOut,
        Ok(()) = over_rx => Waited::TooLarge,
        reason = stop.stopped() => Waited::Stopped(reason),
    };
    // Whatever happened, no process of the attempt outlives it: its group,
    // and descendants that left the group, background ones included.
    if matches!(waited, Waited::Exited(Ok(_))) {
        tree.leader_reaped();
    }
    tree.end(spec.grace).await;
    if !matches!(waited, Waited::Exited(_)) {
        // Dead by now; a second at most in case the kernel is slow to say so.
        let _ = tokio::time::timeout(Duration::from_secs(1), child.wait()).await;
    }
    tree::reaped(leader);
    if let Some(writer) = writer {
        writer.abort();
    }
    // Whatever is still in the pipes is read at once; nothing waits longer.
    tokio::pin!(reading);
    let read = match tokio::time::timeout(DRAIN, &mut reading).await {
        Ok(done) => done,
        Err(_) => {
            let _ = give_up_tx.send(true);
            reading.await
        }
    };
    let ((out, too_large), tail) = read.unwrap_or_default();
    match waited {
        Waited::TimedOut => Exit::TimedOut,
        Waited::Stopped(reason) => Exit::Cancelled(reason),
        Waited::TooLarge => Exit::BadOutput(too_large_message(spec.max_output)),
        Waited::Exited(_) if too_large => Exit::BadOutput(too_large_message(spec.max_output)),
        Waited::Exited(Err(e)) => {
            Exit::Failed(format!("cannot wait for `{}`: {e}", spec.program.display()))
        }
        Waited::Exited(Ok(status)) if status.success() => Exit::Output(out),
        Waited::Exited(Ok(status)) => Exit::Status {
            code: status.code(),
            signal: std::os::unix::process::ExitStatusExt::signal(&status),
            message: exit_message(status, &tail),
        },
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

/// Keeps at most `max` bytes of stdout; past that, signals and stops reading
/// so memory stays bounded whatever the handler prints.
async fn keep_limited(
    mut pipe: impl AsyncRead + Unpin,
    max: u64,
    mut log: Log,
    over: oneshot::Sender<()>,
    mut give_up: tokio::sync::watch::Receiver<bool>,
    mut clean: RedactingStream,
) -> (Vec<u8>, bool) {
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    let mut kept = Vec::new();
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let Some(n) = read_or_give_up(&mut pipe, &mut chunk, &mut give_up).await else {
            break;
        };
        let bytes = clean.push(&chunk[..n]);
        log.write(&bytes);
        if kept.len() + bytes.len() > limit {
            let _ = over.send(());
            log.write(&clean.finish());
            return (Vec::new(), true);
        }
        kept.extend_from_slice(&bytes);
    }
    let rest = clean.finish();
    log.write(&rest);
    kept.extend_from_slice(&rest);
    (kept, false)
}

/// Logs all of stderr, keeps its last bytes for the failure message.
/// The log holds at most `max` bytes (the handler's `max_output`, like
/// stdout): past that stderr is still read, so the handler never blocks on
/// a full pipe, but only its tail is kept.
async fn keep_tail(
    mut pipe: impl AsyncRead + Unpin,
    mut log: Log,
    mut give_up: tokio::sync::watch::Receiver<bool>,
    mut clean: RedactingStream,
    max: u64,
) -> Vec<u8> {
    let mut tail = Vec::new();
    let mut logged: u64 = 0;
    let mut truncated = false;
    let mut chunk = vec![0u8; CHUNK];
    let mut keep = |bytes: &[u8], log: &mut Log, tail: &mut Vec<u8>| {
        let room = usize::try_from(max.saturating_sub(logged)).unwrap_or(usize::MAX);
        let (logged_now, over) = bytes.split_at(bytes.len().min(room));
        log.write(logged_now);
        logged += logged_now.len() as u64;
        if !over.is_empty() && !truncated {
            truncated = true;
            let note = format!(
                "\n[pipec: the rest of stderr is not logged: it is longer than the handler's max_output of {max} bytes]\n"
            );
            log.write(note.as_bytes());
        }
        tail.extend_from_slice(bytes);
        if tail.len() > STDERR_TAIL * 2 {
            tail.drain(..tail.len() - STDERR_TAIL);
        }
    };
    loop {
        let Some(n) = read_or_give_up(&mut pipe, &mut chunk, &mut give_up).await else {
            break;
        };
        let bytes = clean.push(&chunk[..n]);
        keep(&bytes, &mut log, &mut tail);
    }
    let rest = clean.finish();
    keep(&rest, &mut log, &mut tail);
    tail
}

/// The next bytes, or `None` at the end of the stream, on an error, or once
/// told to give up.
async fn read_or_give_up(
    pipe: &mut (impl AsyncRead + Unpin),
    chunk: &mut [u8],
    give_up: &mut tokio::sync::watch::Receiver<bool>,
) -> Option<usize> {
    tokio::select! {
        read = pipe.read(chunk) => match read {
            Ok(0) | Err(_) => None,
            Ok(n) => Some(n),
        },
        _ = give_up.wait_for(|g| *g) => None,
    }
}

/// A log file created on the first byte: a silent command leaves no empty
/// files behind, and file creation (slow on a busy disk) is skipped for it.
/// Writes go straight to the page cache; a failing disk stops the logging,
/// never the task.
struct Log {
    path: PathBuf,
    file: Option<std::fs::File>,
    broken: bool,
}

impl Log {
    fn new(path: PathBuf) -> Self {
        Self {
            path,
            file: None,
            broken: false,
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        use std::io::Write;
        if self.broken || bytes.is_empty() {
            return;
        }
        if self.file.is_none() {
            if let Some(dir) = self.path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            match std::fs::File::create(&self.path) {
                Ok(f) => self.file = Some(f),
                Err(_) => {
                    self.broken = true;
                    return;
                }
            }
        }
        if let Some(f) = self.file.as_mut() {
            if f.write_all(bytes).is_err() {
                self.broken = true;
            }
        }
    }
}
