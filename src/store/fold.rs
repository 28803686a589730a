//! Fewer statements per task: within one commit, a task's `queued` row is
//! written together with its start, its first process (pid and start time)
//! with its attempt's row, and an attempt's end with its start (the task's
//! row, the attempt's and the statistics one statement each, the end's entry
//! in `endings` still where the end comes, so that `endings` keeps the order
//! of events); across commits, an attempt's row is found by its id rather
//! than searched for. The rows the store ends up with are the ones
//! event-by-event writing gives (`fold_test.rs`); only a folded task's
//! `tasks` row is inserted when it starts rather than when it is queued,
//! which decides nothing but the order of tasks that started in the same
//! millisecond.

use super::ending::Ending;
use crate::run::{Event, EventKind};
use std::collections::HashMap;

/// What a batch's events fold into, found before any of them is written.
#[derive(Default)]
pub(super) struct Folds {
    /// Events written as part of an earlier one of the batch.
    folded: Vec<bool>,
    /// A start (by index) whose task's `queued` was folded into it: it
    /// clears the message as the `queued` would have.
    after_queued: Vec<bool>,
    /// A start (by index) with its first process, folded into it.
    process: HashMap<usize, (i32, Option<u64>)>,
    /// A start (by index) with its attempt's end (by index), folded into it.
    ends: HashMap<usize, usize>,
    /// An end whose rows its start wrote, but for its entry in `endings`.
    with_start: Vec<bool>,
}

impl Folds {
    pub(super) fn of<T>(batch: &[(Event, T)]) -> Folds {
        let mut folds = Folds {
            folded: vec![false; batch.len()],
            after_queued: vec![false; batch.len()],
            process: HashMap::new(),
            ends: HashMap::new(),
            with_start: vec![false; batch.len()],
        };
        // The task's last event, when it may take the next one in: any
        // other event of the task in between breaks the fold.
        let mut open: HashMap<(&str, &str, &str), (usize, Open)> = HashMap::new();
        for (i, (event, _)) in batch.iter().enumerate() {
            let Some(task) = event.kind.task() else {
                continue;
            };
            let key = (event.run_id.as_str(), event.pipeline.as_str(), task);
            let before = open.remove(&key);
            match (&event.kind, before) {
                (EventKind::TaskQueued { .. }, _) => {
                    open.insert(key, (i, Open::Queued));
                }
                (EventKind::TaskStarted { attempt, .. }, before) => {
                    if let (1, Some((queued, Open::Queued))) = (*attempt, before) {
                        folds.folded[queued] = true;
                        folds.after_queued[i] = true;
                    }
                    open.insert(key, (i, Open::Started(*attempt)));
                }
                (
                    EventKind::TaskProcess {
                        attempt,
                        pid,
                        start_ticks,
                        ..
                    },
                    Some((started, Open::Started(of))),
                ) if *attempt == of => {
                    folds.folded[i] = true;
                    folds.process.insert(started, (*pid, *start_ticks));
                    // The attempt's end may still be folded into its start.
                    open.insert(key, (started, Open::Started(of)));
                }
                (kind, Some((started, Open::Started(of))))
                    if Ending::of(kind, None).map(|e| e.attempt) == Some(of) =>
                {
                    folds.ends.insert(started, i);
                    folds.with_start[i] = true;
                }
                _ => {}
            }
        }
        folds
    }

    /// Whether the event at `i` was written with an earlier one.
    pub(super) fn folded(&self, i: usize) -> bool {
        self.folded.get(i).copied().unwrap_or(false)
    }

    pub(super) fn after_queued(&self, i: usize) -> bool {
        self.after_queued.get(i).copied().unwrap_or(false)
    }

    pub(super) fn process(&self, i: usize) -> Option<(i32, Option<u64>)> {
        self.process.get(&i).copied()
    }

    /// The end folded into the start at `i`, if any.
    pub(super) fn end_of(&self, i: usize) -> Option<usize> {
        self.ends.get(&i).copied()
    }

    /// Whether the end at `i` was written with its start.
    pub(super) fn with_start(&self, i: usize) -> bool {
        self.with_start.get(i).copied().unwrap_or(false)
    }
}

#[derive(Clone, Copy)]
enum Open {
    Queued,
    Started(u32),
}

/// The row id and number of each attempt this writer started and has not
/// ended, by run, pipeline and task.
#[derive(Default)]
pub(super) struct AttemptIds(HashMap<String, (i64, u32)>);

impl AttemptIds {
    pub(super) fn started(&mut self, at: TaskAt<'_>, attempt: u32, id: i64) {
        self.0.insert(at.key(), (id, attempt));
    }

    /// The row of the task's attempt `attempt`, if it is the one running.
    pub(super) fn running(&self, at: TaskAt<'_>, attempt: u32) -> Option<i64> {
        match self.0.get(&at.key()) {
            Some(&(id, of)) if of == attempt => Some(id),
            Some(_) | None => None,
        }
    }

    /// The row of the task's running attempt, which is ending.
    pub(super) fn ending(&mut self, at: TaskAt<'_>) -> Option<i64> {
        self.0.remove(&at.key()).map(|(id, _)| id)
    }
}

/// One task of one run.
#[derive(Clone, Copy)]
pub(super) struct TaskAt<'a> {
    pub(super) run: &'a str,
    pub(super) pipeline: &'a str,
    pub(super) task: &'a str,
}

impl TaskAt<'_> {
    fn key(self) -> String {
        [self.run, self.pipeline, self.task].join("\0")
    }
}
