//! Why a run stops early, shared by every task of it (sub-pipelines included).

use tokio::sync::watch;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Ctrl-C, SIGTERM, or [`Interrupt::interrupt`].
    Interrupted(String),
    /// A task whose policy is `abort` failed.
    Aborted { pipeline: String, task: String },
    /// The run took longer than its pipeline's `run_timeout`.
    RunTimedOut { limit_ms: u64 },
}

impl Stop {
    pub(crate) fn describe(&self) -> String {
        match self {
            Stop::Interrupted(why) => format!("interrupted ({why})"),
            Stop::Aborted { task, .. } => {
                format!("run aborted: task `{task}` failed and its policy is abort")
            }
            Stop::RunTimedOut { limit_ms } => format!(
                "run timed out: it ran longer than its run_timeout of {}",
                super::gate::duration_text(i64::try_from(*limit_ms).unwrap_or(i64::MAX))
            ),
        }
    }
}

/// A handle that stops a run from outside, e.g. from a signal handler.
#[derive(Debug, Clone)]
pub struct Interrupt(watch::Sender<Option<Stop>>);

impl Default for Interrupt {
    fn default() -> Self {
        Self(watch::channel(None).0)
    }
}

impl Interrupt {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops starting tasks and cancels running ones; the first reason wins.
    pub fn interrupt(&self, why: impl Into<String>) {
        self.stop(Stop::Interrupted(why.into()));
    }

    pub(crate) fn abort(&self, pipeline: &str, task: &str) {
        self.stop(Stop::Aborted {
            pipeline: pipeline.into(),
            task: task.into(),
        });
    }

    pub(crate) fn time_out(&self, limit_ms: u64) {
        self.stop(Stop::RunTimedOut { limit_ms });
    }

    /// The first reason wins.
    fn stop(&self, stop: Stop) {
        self.0.send_if_modified(|s| {
            if s.is_none() {
                *s = Some(stop);
                true
            } else {
                false
            }
        });
    }

    pub(crate) fn current(&self) -> Option<Stop> {
        self.0.borrow().clone()
    }

    pub(crate) fn subscribe(&self) -> StopReceiver {
        StopReceiver(self.0.subscribe())
    }
}

pub(crate) struct StopReceiver(watch::Receiver<Option<Stop>>);

impl StopReceiver {
    /// Resolves when the run is stopped (at once if it already is).
    pub(crate) async fn stopped(&mut self) -> Stop {
        let stop = self
            .0
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|s| s.clone());
        match stop {
            Some(stop) => stop,
            // The run is over and dropped its handle: never resolve.
            None => std::future::pending().await,
        }
    }
}
