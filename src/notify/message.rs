//! The JSON body of a notification: what a webhook receives, what an `exec`
//! notifier reads on stdin, and what a Slack message is written from. A
//! public contract (docs/notifications.md): add fields, never rename.

use crate::ir::NotifyEvent;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// The body's version; it changes only if a field changes meaning.
pub(crate) const NOTIFICATION_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notification {
    pub notification_version: u32,
    /// The same for every delivery of one notification, retries included: a
    /// receiver that was sent it twice can tell.
    pub id: String,
    pub event: NotifyEvent,
    pub pipeline: String,
    /// The run it is about; `None` for a missed firing (no run started).
    pub run_id: Option<String>,
    pub as_of: Option<NaiveDate>,
    /// When it happened, on the run's (or the daemon's) clock.
    pub at: DateTime<Utc>,
    /// One line a person can read.
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// What else is known, by event (docs/notifications.md).
    pub details: serde_json::Value,
}

impl Notification {
    pub fn new(
        id: String,
        event: NotifyEvent,
        pipeline: &str,
        at: DateTime<Utc>,
        summary: String,
    ) -> Self {
        Notification {
            notification_version: NOTIFICATION_VERSION,
            id,
            event,
            pipeline: pipeline.to_string(),
            run_id: None,
            as_of: None,
            at,
            summary,
            stage: None,
            task: None,
            details: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    /// The Slack incoming-webhook message.
    pub(crate) fn slack(&self) -> serde_json::Value {
        serde_json::json!({ "text": format!("pipec {}: {}", self.event.name(), self.summary) })
    }
}
