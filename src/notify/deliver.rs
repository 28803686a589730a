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

pub(super) async fn deliver(dispatcher: &Dispatcher, id: NotifierId, notification: &Notification) {
    let notifier = dispatcher.program.notifier(id);
    let mut attempts = 0;
    let mut error = None;
    for wait in std::iter::once(None).chain(WAITS.iter().map(Some)) {
        if let Some(wait) = wait {
            dispatcher.clock.sleep(*wait).await;
        }
        attempts += 1;
        match attempt(dispatcher, id, &notifier.target, notification).await {
            Ok(()) => {
                error = None;
                break;
            }
            Err(e) => error = Some(mask(&e, &dispatcher.secrets)),
        }
    }
    let Some(state) = dispatcher.state.clone() else {
        return;
    };
    let row = DeliveryRow {
        at: notification.at,
        pipeline: notification.pipeline.clone(),
        run_id: notification.run_id.clone(),
        notifier: notifier.name.clone(),
        event: notification.event.name().to_string(),
        delivered: error.is_none(),
        attempts,
        error,
        ended_at: dispatcher.clock.now(),
    };
    // The store may be busy or gone; a delivery is never worth failing for.
    let _ = tokio::task::spawn_blocking(move || {
        Store::open(&state).and_then(|store| store.record_delivery(&row))
    })
    .await;
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
async fn exec(
    program: &str,
    args: &[String],
    base_dir: &std::path::Path,
    body: Vec<u8>,
) -> Result<(), String> {
    // A notifier's command is not a task: it is not tracked as a task's
    // process tree, only bounded in time and killed with its handle.
    // The folder of a file named without one is the working directory.
    let base_dir = if base_dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        base_dir
    };
    // A path with a slash is the declaring file's folder's, as for handlers.
    let path = if program.contains('/') {
        base_dir.join(program)
    } else {
        std::path::PathBuf::from(program)
    };
    #[allow(clippy::disallowed_methods)]
    let mut command = tokio::process::Command::new(path);
    command
        .args(args)
        .current_dir(base_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start `{program}`: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its stdin is not a failure.
        let _ = stdin.write_all(&body).await;
    }
    let output = tokio::time::timeout(EXEC_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| format!("`{program}` ran past {} s", EXEC_TIMEOUT.as_secs()))?
        .map_err(|e| format!("cannot wait for `{program}`: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
    Err(match (output.status.code(), last) {
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
