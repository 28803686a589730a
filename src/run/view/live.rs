//! The terminal view: a progress bar per stage, counts, retries and elapsed
//! time, redrawn in place ten times a second.

use super::duration;
use crate::run::events::{Event, EventKind, Observer, SkipCause};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct StageLine {
    name: String,
    total: usize,
    done: usize,
    failed: usize,
    running: usize,
    state: &'static str,
}

#[derive(Default)]
struct State {
    stages: Vec<StageLine>,
    pending: usize,
    running: usize,
    done: usize,
    failed: usize,
    retries: usize,
    drawn_lines: usize,
    last: Vec<String>,
    root: String,
}

pub struct LiveView {
    state: Arc<Mutex<State>>,
    started: Instant,
    ticker: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl LiveView {
    /// Starts redrawing on stderr; call inside a tokio runtime.
    pub fn start() -> Arc<Self> {
        let view = Arc::new(Self {
            state: Arc::default(),
            started: Instant::now(),
            ticker: Mutex::new(None),
        });
        let weak = Arc::downgrade(&view);
        let handle = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            loop {
                tick.tick().await;
                match weak.upgrade() {
                    Some(view) => view.draw(),
                    None => break,
                }
            }
        });
        *crate::sync::lock(&view.ticker, "the live view's ticker") = Some(handle);
        view
    }

    /// Stops redrawing after a last frame.
    pub fn finish(&self) {
        if let Some(handle) = crate::sync::lock(&self.ticker, "the live view's ticker").take() {
            handle.abort();
        }
        self.draw();
    }

    fn draw(&self) {
        let mut s = crate::sync::lock(&self.state, "the live view");
        let mut lines = Vec::new();
        for st in &s.stages {
            let width = 30usize;
            let filled = (st.done * width)
                .checked_div(st.total)
                .unwrap_or(width)
                .min(width);
            lines.push(format!(
                "{:<20} [{}{}] {:>4}/{:<4} {:>2} running {:>2} failed  {}",
                truncate(&st.name, 20),
                "#".repeat(filled),
                "-".repeat(width - filled),
                st.done,
                st.total,
                st.running,
                st.failed,
                st.state
            ));
        }
        lines.push(format!(
            "pending {}  running {}  done {}  failed {}  retries {}  elapsed {}",
            s.pending,
            s.running,
            s.done,
            s.failed,
            s.retries,
            duration(u64::try_from(self.started.elapsed().as_millis()).unwrap_or(0))
        ));
        // One terminal line each, or moving the cursor back up goes wrong.
        for l in &s.last {
            lines.push(format!("  {}", truncate(l, 100)));
        }
        let mut err = std::io::stderr().lock();
        let mut frame = String::new();
        if s.drawn_lines > 0 {
            frame.push_str(&format!("\x1b[{}A", s.drawn_lines));
        }
        for l in &lines {
            frame.push_str("\x1b[2K");
            frame.push_str(l);
            frame.push('\n');
        }
        let _ = err.write_all(frame.as_bytes());
        let _ = err.flush();
        s.drawn_lines = lines.len();
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(std::iter::once('…')).collect()
    }
}

impl Observer for LiveView {
    fn event(&self, event: &Event) {
        let mut s = crate::sync::lock(&self.state, "the live view");
        // Sub-pipelines' stages are told apart by their pipeline's name.
        let root = s.root.clone();
        let key = |stage: &str| {
            if event.pipeline == root || root.is_empty() {
                stage.to_string()
            } else {
                format!("{}/{stage}", event.pipeline)
            }
        };
        let find = |s: &mut State, stage: &str| {
            let k = key(stage);
            s.stages.iter().position(|x| x.name == k)
        };
        match &event.kind {
            EventKind::RunStarted { tasks, .. } => {
                s.pending += tasks;
                s.root = event.pipeline.clone();
            }
            EventKind::StageStarted { stage, tasks } => s.stages.push(StageLine {
                name: key(stage),
                total: *tasks,
                state: "running",
                ..StageLine::default()
            }),
            EventKind::StageCompleted { stage, .. } => {
                if let Some(i) = find(&mut s, stage) {
                    s.stages[i].state = "completed";
                }
            }
            EventKind::StageFailed { stage, .. } => {
                if let Some(i) = find(&mut s, stage) {
                    s.stages[i].state = "failed";
                }
            }
            EventKind::TaskStarted { stage, attempt, .. } if *attempt == 1 => {
                s.pending = s.pending.saturating_sub(1);
                s.running += 1;
                if let Some(i) = find(&mut s, stage) {
                    s.stages[i].running += 1;
                }
            }
            EventKind::TaskRetrying {
                stage, task, error, ..
            } => {
                s.retries += 1;
                let note = format!("{stage}/{task} retrying: {error}");
                push_last(&mut s, note);
            }
            EventKind::TaskCompleted { stage, .. }
            | EventKind::TaskWarned { stage, .. }
            | EventKind::TaskDefaulted { stage, .. } => {
                finished(&mut s, stage, &key(stage), false, true);
            }
            EventKind::TaskFailed {
                stage, task, error, ..
            } => {
                finished(&mut s, stage, &key(stage), true, true);
                push_last(&mut s, format!("{stage}/{task} failed: {error}"));
            }
            EventKind::TaskTimedOut { stage, .. } | EventKind::TaskCancelled { stage, .. } => {
                finished(&mut s, stage, &key(stage), true, true);
            }
            EventKind::TaskSkipped { stage, cause, .. } => {
                // A task skipped by its policy had started; one skipped before
                // starting was still pending.
                let started = *cause == SkipCause::Policy;
                finished(&mut s, stage, &key(stage), false, started);
            }
            EventKind::TaskRestored { stage, .. } => {
                finished(&mut s, stage, &key(stage), false, false);
            }
            // What needs attention shows among the last lines, as in the
            // plain view.
            EventKind::TaskStuck { .. }
            | EventKind::DeadlineMissed { .. }
            | EventKind::DeadlineAtRisk { .. } => {
                if let Some(line) = super::plain::line(event) {
                    push_last(&mut s, line);
                }
            }
            // Shown by the counts above, or not worth a line in a live view.
            EventKind::RunCompleted { .. }
            | EventKind::RunFailed { .. }
            | EventKind::RunInterrupted { .. }
            | EventKind::StageSkipped { .. }
            | EventKind::GatePassed { .. }
            | EventKind::GateFailed { .. }
            | EventKind::TaskQueued { .. }
            | EventKind::TaskStarted { .. }
            | EventKind::TaskProcess { .. }
            | EventKind::TaskSubmitted { .. }
            | EventKind::CleanupStarted { .. }
            | EventKind::CleanupFinished { .. } => {}
        }
    }
}

fn finished(s: &mut State, _stage: &str, key: &str, failed: bool, started: bool) {
    if started {
        s.running = s.running.saturating_sub(1);
    } else {
        s.pending = s.pending.saturating_sub(1);
    }
    if failed {
        s.failed += 1;
    } else {
        s.done += 1;
    }
    if let Some(st) = s.stages.iter_mut().find(|x| x.name == key) {
        st.done += 1;
        if failed {
            st.failed += 1;
        }
        if started {
            st.running = st.running.saturating_sub(1);
        }
    }
}

fn push_last(s: &mut State, note: String) {
    s.last.push(note);
    if s.last.len() > 3 {
        s.last.remove(0);
    }
}
