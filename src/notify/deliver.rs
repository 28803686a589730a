//! One notification to one notifier: a webhook or Slack POST, or a command
//! with the body on stdin. Bounded retries with backoff on the dispatcher's
//! clock; the outcome is recorded in the store, never raised to the run.

use super::{Dispatcher, Notification};
use crate::ir::{NotifierId, NotifyTarget};
use crate::store::{DeliveryRow, Store};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Attempts per delivery, and the waits between them.
const WAITS: [Duration; 2] = [Duration::from_secs(2), Duration::from_secs(10)];
/// How long one HTTP request may take.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// How long an `exec` notifier may run.
const EXEC_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of an `exec` notifier's stderr is kept for its error.
const STDERR_KEPT: u64 = 64 * 1024;

pub(super) async fn deliver(dispatcher: &Dispatcher, id: NotifierId, notification: &Notification) {
    let notifier = dispatcher.program.notifier(id);
    // Recorded before the first attempt and after each one, so a delivery
    // that outlives the process still shows (as `sending`).
    let record = Record {
        state: dispatcher.state.clone(),
        row: None,
    };
    let record = record
        .start(DeliveryRow {
            at: notification.at,
            pipeline: notification.pipeline.clone(),
            run_id: notification.run_id.clone(),
            notifier: notifier.name.clone(),
            event: notification.event.name().to_string(),
            status: "sending".to_string(),
            attempts: 0,
            error: None,
            ended_at: None,
        })
        .await;
    let waits = std::iter::once(None).chain(WAITS.iter().map(Some));
    let tries = u32::try_from(WAITS.len()).unwrap_or(u32::MAX) + 1;
    for (n, wait) in (1u32..).zip(waits) {
        if let Some(wait) = wait {
            dispatcher.clock.sleep(*wait).await;
        }
        let (status, error) = match attempt(dispatcher, id, &notifier.target, notification).await {
            Ok(()) => ("delivered", None),
            Err(e) if n < tries => ("sending", Some(mask(&e, &dispatcher.secrets))),
            Err(e) => ("failed", Some(mask(&e, &dispatcher.secrets))),
        };
        record
            .update(status, n, error, dispatcher.clock.now())
            .await;
        if status != "sending" {
            return;
        }
    }
}

/// Where a delivery is recorded: its row in the store, if there is a store
/// and the row could be written (a delivery is never worth failing for).
struct Record {
    state: Option<std::path::PathBuf>,
    row: Option<i64>,
}

impl Record {
    async fn start(mut self, row: DeliveryRow) -> Record {
        let Some(state) = self.state.clone() else {
            return self;
        };
        self.row = tokio::task::spawn_blocking(move || {
            Store::open(&state).and_then(|store| store.start_delivery(&row))
        })
        .await
        .ok()
        .and_then(Result::ok);
        self
    }

    async fn update(
        &self,
        status: &'static str,
        attempts: u32,
        error: Option<String>,
        at: chrono::DateTime<chrono::Utc>,
    ) {
        let (Some(state), Some(id)) = (self.state.clone(), self.row) else {
            return;
        };
        let _ = tokio::task::spawn_blocking(move || {
            Store::open(&state)
                .and_then(|store| store.update_delivery(id, status, attempts, error.as_deref(), at))
        })
        .await;
    }
}

async fn attempt(
    dispatcher: &Dispatcher,
    id: NotifierId,
    target: &NotifyTarget,
    notification: &Notification,
) -> Result<(), String> {
    match target {
        NotifyTarget::Webhook { .. } => {
            let body = serde_json::to_value(notification).map_err(|e| e.to_string())?;
            post(url(dispatcher, id)?, body).await
        }
        NotifyTarget::Slack { .. } => post(url(dispatcher, id)?, notification.slack()).await,
        NotifyTarget::Exec {
            program,
            args,
            base_dir,
        } => {
            let body = serde_json::to_vec(notification).map_err(|e| e.to_string())?;
            exec(program, args, base_dir, body).await
        }
    }
}

fn url(dispatcher: &Dispatcher, id: NotifierId) -> Result<String, String> {
    dispatcher
        .urls
        .get(&id)
        .cloned()
        .ok_or_else(|| "the notifier's URL was not read at start".to_string())
}

/// POSTs JSON; a 2xx answer is a delivery.
async fn post(url: String, body: serde_json::Value) -> Result<(), String> {
    tokio::task::spawn_blocking(move || {
        let agent = ureq::AgentBuilder::new().timeout(HTTP_TIMEOUT).build();
        match agent.post(&url).send_json(body) {
            Ok(_) => Ok(()),
            Err(ureq::Error::Status(code, response)) => Err(format!(
                "the server answered {code} {}",
                response.status_text()
            )),
            Err(ureq::Error::Transport(e)) => Err(e.to_string()),
        }
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Runs the command with the body on stdin; exit status 0 is a delivery.
/// Bounded as a whole (writing stdin included), judged on its exit status, not
/// on its output's end (a background child may keep stderr open).
async fn exec(
    program: &str,
    args: &[String],
    base_dir: &std::path::Path,
    body: Vec<u8>,
) -> Result<(), String> {
    use crate::run::executor::process::{program_path, working_dir};
    use tokio::io::AsyncReadExt;
    // A notifier's command is not a task: it is not tracked as a task's
    // process tree, only bounded in time and killed with its handle.
    #[allow(clippy::disallowed_methods)]
    let mut command = tokio::process::Command::new(program_path(base_dir, program));
    command
        .args(args)
        .current_dir(working_dir(base_dir))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start `{program}`: {e}"))?;
    let stdin = child.stdin.take();
    let stderr = child.stderr.take();
    let tail = tokio::spawn(async move {
        let mut kept = Vec::new();
        if let Some(stderr) = stderr {
            let _ = stderr.take(STDERR_KEPT).read_to_end(&mut kept).await;
        }
        kept
    });
    let ran = tokio::time::timeout(EXEC_TIMEOUT, async {
        if let Some(mut stdin) = stdin {
            // A command that does not read its stdin is not a failure.
            let _ = stdin.write_all(&body).await;
        }
        child.wait().await
    })
    .await;
    let status = match ran {
        Ok(Ok(status)) => status,
        Ok(Err(e)) => return Err(format!("cannot wait for `{program}`: {e}")),
        Err(_) => return Err(format!("`{program}` ran past {} s", EXEC_TIMEOUT.as_secs())),
    };
    if status.success() {
        tail.abort();
        return Ok(());
    }
    let kept = tokio::time::timeout(Duration::from_millis(250), tail)
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let stderr = String::from_utf8_lossy(&kept);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
    Err(match (status.code(), last) {
        (Some(code), Some(line)) => {
            format!("`{program}` exited with status {code}: {}", line.trim())
        }
        (Some(code), None) => format!("`{program}` exited with status {code}"),
        (None, _) => format!("`{program}` was killed by a signal"),
    })
}

/// `text` with every secret value replaced by `***`.
fn mask(text: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .fold(text.to_string(), |t, s| t.replace(s.as_str(), "***"))
}
