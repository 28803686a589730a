//! Notifications and deadlines, as checked: who is told of what, and by when
//! a pipeline or a stage must be done, in market time.

use super::{At, EnvValue};
use crate::span::Span;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) struct NotifierId(pub(crate) u32);

/// `notifier ops { webhook "http://127.0.0.1:9000/hook" }`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Notifier {
    pub(crate) name: String,
    pub(crate) target: NotifyTarget,
    pub(crate) span: Span,
}

/// Where a notification goes. Every target gets the same JSON body
/// (docs/notifications.md); Slack gets it as an incoming-webhook message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NotifyTarget {
    /// POSTs the JSON body to the URL.
    Webhook { url: EnvValue },
    /// POSTs `{"text": …}` to a Slack incoming-webhook URL.
    Slack { url: EnvValue },
    /// Runs the command with the JSON body on stdin, from `base_dir` (the
    /// declaring file's folder).
    Exec {
        program: String,
        args: Vec<String>,
        base_dir: PathBuf,
    },
}

/// What a pipeline's `notify` lines can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyEvent {
    RunFailed,
    RunSucceeded,
    GateFailed,
    TaskFailed,
    DeadlineMissed,
    DeadlineAtRisk,
    SourceRed,
    TaskStuck,
    FiringMissed,
}

impl NotifyEvent {
    pub const ALL: [NotifyEvent; 9] = [
        NotifyEvent::RunFailed,
        NotifyEvent::RunSucceeded,
        NotifyEvent::GateFailed,
        NotifyEvent::TaskFailed,
        NotifyEvent::DeadlineMissed,
        NotifyEvent::DeadlineAtRisk,
        NotifyEvent::SourceRed,
        NotifyEvent::TaskStuck,
        NotifyEvent::FiringMissed,
    ];

    /// The word written in `notify … on`.
    pub fn name(self) -> &'static str {
        match self {
            NotifyEvent::RunFailed => "run_failed",
            NotifyEvent::RunSucceeded => "run_succeeded",
            NotifyEvent::GateFailed => "gate_failed",
            NotifyEvent::TaskFailed => "task_failed",
            NotifyEvent::DeadlineMissed => "deadline_missed",
            NotifyEvent::DeadlineAtRisk => "deadline_at_risk",
            NotifyEvent::SourceRed => "source_red",
            NotifyEvent::TaskStuck => "task_stuck",
            NotifyEvent::FiringMissed => "firing_missed",
        }
    }

    pub fn from_name(name: &str) -> Option<NotifyEvent> {
        NotifyEvent::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// `notify ops on run_failed, gate_failed`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Notify {
    pub(crate) notifier: NotifierId,
    pub(crate) events: Vec<NotifyEvent>,
    pub(crate) span: Span,
}

/// `deadline close - 15m` or `deadline 09:25 in America/New_York`: by when,
/// on the run's as-of day, the pipeline or the stage must have ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Deadline {
    /// A wall-clock time (in `zone`) or a session's open or close with an
    /// offset (in the pipeline's calendar).
    pub(crate) at: At,
    /// The zone a wall-clock time is read in: `in ZONE`, else the
    /// pipeline's timezone.
    pub(crate) zone: chrono_tz::Tz,
    pub(crate) span: Span,
}

impl Deadline {
    /// The deadline's instant on the as-of day: a wall-clock time read in
    /// its zone (the end of a DST gap for a time the gap skips), or the
    /// session's open or close plus the offset. `None` when the market has
    /// no session that day.
    pub(crate) fn on(
        &self,
        market: &super::Market,
        as_of: chrono::NaiveDate,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        let session = |offset_millis: i64, close: bool| {
            market.with_clock(|calendar, _| {
                calendar.session(as_of).map(|s| {
                    let anchor = if close { s.close } else { s.open };
                    anchor + chrono::Duration::milliseconds(offset_millis)
                })
            })
        };
        match self.at {
            At::Clock { time } => {
                crate::time::schedule::resolve_local(self.zone, as_of.and_time(time))
            }
            At::Open { offset_millis } => session(offset_millis, false),
            At::Close { offset_millis } => session(offset_millis, true),
        }
    }
}
