//! Where a task and a run are in their lifecycle.

use serde::{Deserialize, Serialize};

/// PENDING → QUEUED → RUNNING → (RETRYING → RUNNING)* → one final status.
///
/// A failure handled by `warn` ends WARNED, by `skip` SKIPPED, by `default`
/// DEFAULTED: the final status always says which policy decided, and the gate
/// functions `ok`, `warned`, `skipped` and `failed` read exactly these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    #[default]
    Pending,
    Queued,
    Running,
    Retrying,
    Completed,
    Warned,
    Defaulted,
    Skipped,
    Failed,
    TimedOut,
    /// Stopped by an `abort` elsewhere or by an interrupt while running.
    Cancelled,
}

impl TaskStatus {
    pub(crate) fn is_final(self) -> bool {
        !matches!(
            self,
            Self::Pending | Self::Queued | Self::Running | Self::Retrying
        )
    }

    /// What `ok(t)` means: completed or took its default.
    pub(crate) fn is_ok(self) -> bool {
        matches!(self, Self::Completed | Self::Defaulted)
    }

    /// What `failed(t)` means, and what fails a stage.
    pub(crate) fn is_failure(self) -> bool {
        matches!(self, Self::Failed | Self::TimedOut | Self::Cancelled)
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Retrying => "retrying",
            Self::Completed => "completed",
            Self::Warned => "warned",
            Self::Defaulted => "defaulted",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
            Self::TimedOut => "timed_out",
            Self::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Succeeded,
    Failed,
    Interrupted,
}

impl RunStatus {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }
}
