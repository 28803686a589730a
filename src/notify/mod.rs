//! Notifications: what a pipeline's `notify` lines ask to be told, delivered
//! to webhooks, Slack and commands without ever blocking or failing a run.
//!
//! `message.rs` is the JSON body (a public contract, docs/notifications.md);
//! `events.rs` turns a run's events into notifications; `deliver.rs` sends one
//! notification to one notifier with bounded retries and records the outcome
//! in the store.

mod deliver;
mod events;
mod message;

pub use message::Notification;

use crate::clock::Clock;
use crate::ir::{EnvValue, NotifierId, NotifyEvent, NotifyTarget, PipelineId, Program, Work};
use crate::run::Observer;
use std::collections::HashMap;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Sends a program's notifications. One per program, shared by its runs and
/// the daemon that fires them.
pub struct Dispatcher {
    program: Arc<Program>,
    /// Each webhook's and Slack notifier's URL, secrets read.
    urls: HashMap<NotifierId, String>,
    /// The secret values to mask in what is recorded of a failed delivery
    /// (an HTTP error names its URL).
    secrets: Vec<String>,
    /// The state store deliveries are recorded in; `None` with `--no-state`.
    state: Option<PathBuf>,
    clock: Arc<dyn Clock>,
    pending: Arc<Pending>,
}

/// Deliveries (and judgements that may lead to one) still under way, so a
/// process can wait for them before it exits.
#[derive(Default)]
struct Pending {
    count: AtomicUsize,
    done: tokio::sync::Notify,
}

/// One piece of work under way, counted from before its task is spawned
/// until it ends (or is dropped with the runtime).
struct Underway(Arc<Pending>);

impl Underway {
    fn new(pending: &Arc<Pending>) -> Underway {
        pending.count.fetch_add(1, Ordering::SeqCst);
        Underway(pending.clone())
    }
}

impl Drop for Underway {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.done.notify_waiters();
        }
    }
}

/// A notifier's secret that pipec's environment does not give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingSecret {
    pub notifier: String,
    pub secret: String,
}

impl std::fmt::Display for MissingSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "notifier `{}` needs the secret `{}`, but pipec's environment has no `{}` (or it is not UTF-8)",
            self.notifier, self.secret, self.secret
        )
    }
}

impl std::error::Error for MissingSecret {}

impl Dispatcher {
    /// Reads, once, the secrets of the notifiers that `pipelines` (and the
    /// pipelines they run) notify: a missing one is an error now, not a
    /// failed delivery on the day. A secret of another notifier is not read
    /// (a delivery to it fails, saying so).
    pub fn new(
        program: Arc<Program>,
        pipelines: &[PipelineId],
        state: Option<PathBuf>,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Dispatcher>, MissingSecret> {
        let mut urls = HashMap::new();
        let mut secrets = Vec::new();
        let notified = notified(&program, pipelines);
        for (i, notifier) in program.notifiers.iter().enumerate() {
            let id = NotifierId(i as u32);
            let used = notified.contains(&id);
            let url = match &notifier.target {
                NotifyTarget::Webhook { url } | NotifyTarget::Slack { url } => url,
                NotifyTarget::Exec { .. } => continue,
            };
            let url = match url {
                EnvValue::Text(text) => text.clone(),
                EnvValue::Secret(name) if used => {
                    let value = std::env::var(name).map_err(|_| MissingSecret {
                        notifier: notifier.name.clone(),
                        secret: name.clone(),
                    })?;
                    secrets.push(value.clone());
                    value
                }
                EnvValue::Secret(_) => continue,
            };
            urls.insert(id, url);
        }
        Ok(Arc::new(Dispatcher {
            program,
            urls,
            secrets,
            state,
            clock,
            pending: Arc::default(),
        }))
    }

    /// The observer that turns a run's events into notifications.
    pub fn observer(self: &Arc<Self>) -> Arc<dyn Observer> {
        Arc::new(events::RunNotices::new(self.clone()))
    }

    /// Whether any `notify` line of `pipeline` asks for `event`.
    pub(crate) fn wants(&self, pipeline: &str, event: NotifyEvent) -> bool {
        self.program
            .pipelines
            .iter()
            .filter(|p| p.name == pipeline)
            .any(|p| p.notify.iter().any(|n| n.events.contains(&event)))
    }

    /// Sends `notification` to every notifier its pipeline's `notify` lines
    /// name for its event, each in a task of its own: never waits.
    pub fn send(self: &Arc<Self>, notification: Notification) {
        let Some(p) = self
            .program
            .pipelines
            .iter()
            .find(|p| p.name == notification.pipeline)
        else {
            return;
        };
        let mut notifiers: Vec<NotifierId> = p
            .notify
            .iter()
            .filter(|n| n.events.contains(&notification.event))
            .map(|n| n.notifier)
            .collect();
        notifiers.sort_unstable();
        notifiers.dedup();
        let notification = Arc::new(notification);
        for notifier in notifiers {
            let underway = Underway::new(&self.pending);
            let dispatcher = self.clone();
            let notification = notification.clone();
            tokio::spawn(async move {
                deliver::deliver(&dispatcher, notifier, &notification).await;
                drop(underway);
            });
        }
    }

    /// Waits, at most `within`, for the deliveries under way; how many are
    /// still under way after that.
    pub async fn flush(&self, within: Duration) -> usize {
        let waited = tokio::time::timeout(within, async {
            loop {
                let done = self.pending.done.notified();
                if self.pending.count.load(Ordering::SeqCst) == 0 {
                    return;
                }
                done.await;
            }
        });
        let _ = waited.await;
        self.pending.count.load(Ordering::SeqCst)
    }
}

/// The notifiers `pipelines` and the pipelines they run name.
fn notified(program: &Program, pipelines: &[PipelineId]) -> HashSet<NotifierId> {
    let mut seen = HashSet::new();
    let mut todo = pipelines.to_vec();
    let mut out = HashSet::new();
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let p = program.pipeline(id);
        out.extend(p.notify.iter().map(|n| n.notifier));
        todo.extend(p.dag.node_weights().filter_map(|t| match t.work {
            Work::Pipeline(sub) => Some(sub),
            Work::Handler(_) => None,
        }));
    }
    out
}
