//! `pipec daemon`: fires the triggers of compiled pipelines in market time
//! until told to stop. It sleeps exactly until the next firing of the merged
//! timeline (`firings::timeline`), never polls; runs the stages each firing
//! selects as a durable run (`store`); never runs one run key twice at once;
//! applies each trigger's missed-firing policy after downtime; and on stop
//! interrupts its runs, waits for them to record it, and releases its lock.

mod error;
mod fire;
mod lock;
mod missed;

pub use error::Error;
pub(crate) use fire::run_key;
pub use lock::DaemonLock;

use crate::clock::Clock;
use crate::firings::{timeline, Firing};
use crate::ir::NotifyEvent;
use crate::ir::{PipelineId, Program};
use crate::notify::{Dispatcher, Notification};
use crate::run::Interrupt;
use crate::store::Store;
use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The pipelines of one `.pipe` file the daemon drives.
#[derive(Clone)]
pub struct Target {
    pub file: PathBuf,
    pub program: Arc<Program>,
    pub pipelines: Vec<PipelineId>,
    /// Sends the program's notifications: its runs' and its missed firings'.
    pub notices: Arc<Dispatcher>,
}

pub struct DaemonOptions {
    pub state: PathBuf,
    /// Drives the daemon and every run it starts.
    pub clock: Arc<dyn Clock>,
    /// Record firings without running anything.
    pub dry_run: bool,
    /// Stop before the first firing after this instant (tests, replays).
    pub until: Option<DateTime<Utc>>,
    /// Send `true` to stop (SIGTERM).
    pub stop: watch::Receiver<bool>,
    /// Told each firing as it is handled (`started`, `missed`, …) and again
    /// when its run ends (`run RUN_ID succeeded`, …).
    pub on_firing: Option<OnFiring>,
}

/// Told each firing as it is handled, with its status.
pub(crate) type OnFiring = Arc<dyn Fn(&Firing, &str) + Send + Sync>;

/// What a daemon did before it stopped.
#[derive(Debug, Default, Clone)]
pub struct DaemonReport {
    pub fired: usize,
    pub missed: usize,
    pub overlapped: usize,
}

/// How late a firing may start and still count as on time.
const LATE_TOLERANCE: Duration = Duration::seconds(60);

type InFlight = Arc<Mutex<HashSet<(String, String, String)>>>;
/// The interrupt of each run in flight, by run key.
type Interrupts = Arc<Mutex<HashMap<(String, String, String), Interrupt>>>;

pub async fn run_daemon(
    targets: Vec<Target>,
    mut options: DaemonOptions,
) -> Result<DaemonReport, Error> {
    let _lock = DaemonLock::acquire(&options.state)?;
    let targets: Vec<Arc<Target>> = targets.into_iter().map(Arc::new).collect();
    let mut db = Store::open(&options.state)?;
    let mut report = DaemonReport::default();
    let inflight: InFlight = Arc::default();
    let mut runs: JoinSet<()> = JoinSet::new();
    let interrupts: Interrupts = Arc::default();
    let notify = options.on_firing.clone();
    let tell = |f: &Firing, s: &str| {
        if let Some(n) = &notify {
            n(f, s);
        }
    };

    // After downtime: the missed-firing policies.
    let start = options.clock.now();
    for t in &targets {
        for &pid in &t.pipelines {
            let m = missed::missed_firings(&t.program, pid, &db, start)?;
            for f in &m.missed {
                db.record_firing(&f.pipeline, &f.trigger, f.at, None, "missed")?;
                tell(f, "missed");
                // A paused pipeline's firings start nothing: nobody waits for them.
                if db.paused_since(&f.pipeline)?.is_none() {
                    notify_missed(t, f, start);
                }
                report.missed += 1;
            }
            for f in m.late {
                fire(
                    t,
                    pid,
                    f,
                    &options,
                    &mut db,
                    &inflight,
                    &mut runs,
                    &interrupts,
                    &mut report,
                    &tell,
                )?;
            }
        }
    }

    let mut cursor = start;
    loop {
        if *options.stop.borrow() {
            break;
        }
        // The next instant anything fires, over every file.
        let mut next: Option<DateTime<Utc>> = None;
        for t in &targets {
            if let Some(f) = timeline(&t.program, &t.pipelines, cursor, None, 1)?.first() {
                next = Some(next.map_or(f.at, |n| n.min(f.at)));
            }
        }
        let Some(at) = next else {
            // Nothing will fire again: stay until told to stop (runs may still
            // be started through the operations service), unless replaying.
            if options.until.is_none() {
                let _ = options.stop.wait_for(|s| *s).await;
            }
            break;
        };
        if options.until.is_some_and(|u| at > u) {
            break;
        }
        tokio::select! {
            () = options.clock.sleep_until(at) => {}
            _ = options.stop.wait_for(|s| *s) => break,
        }
        runs_reap(&mut runs);
        for t in &targets {
            let due = timeline(
                &t.program,
                &t.pipelines,
                cursor,
                Some(at + Duration::milliseconds(1)),
                10_000,
            )?;
            for f in due.into_iter().filter(|f| f.at == at) {
                let Some(pid) = t.program.find_pipeline(&f.pipeline) else {
                    continue;
                };
                // Woken long after the instant (the machine slept, the process
                // was stopped): the firing was missed, and its policy decides.
                let late = options.clock.now() - f.at;
                if late > LATE_TOLERANCE && !missed::runs_late(&t.program, pid, &f, late) {
                    db.record_firing(&f.pipeline, &f.trigger, f.at, None, "missed")?;
                    tell(&f, "missed");
                    if db.paused_since(&f.pipeline)?.is_none() {
                        notify_missed(t, &f, options.clock.now());
                    }
                    report.missed += 1;
                    continue;
                }
                fire(
                    t,
                    pid,
                    f,
                    &options,
                    &mut db,
                    &inflight,
                    &mut runs,
                    &interrupts,
                    &mut report,
                    &tell,
                )?;
            }
        }
        cursor = at;
    }

    // Wait for the runs in flight; told to stop (now or while waiting),
    // interrupt them and wait until each has recorded it.
    let mut interrupted = false;
    loop {
        if !interrupted && *options.stop.borrow() {
            interrupted = true;
            for i in crate::sync::lock(&interrupts, "the daemon's runs").values() {
                i.interrupt("the daemon is stopping");
            }
        }
        tokio::select! {
            done = runs.join_next() => if done.is_none() { break },
            _ = options.stop.wait_for(|s| *s), if !interrupted => {}
        }
    }
    // What the last runs and missed firings sent gets a bounded wait.
    for t in &targets {
        t.notices.flush(NOTICES_WAIT).await;
    }
    Ok(report)
}

/// How long a stopping daemon waits for notifications still being delivered.
const NOTICES_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

fn runs_reap(runs: &mut JoinSet<()>) {
    while runs.try_join_next().is_some() {}
}

#[allow(clippy::too_many_arguments)]
fn fire(
    target: &Arc<Target>,
    pid: PipelineId,
    firing: Firing,
    options: &DaemonOptions,
    db: &mut Store,
    inflight: &InFlight,
    runs: &mut JoinSet<()>,
    interrupts: &Interrupts,
    report: &mut DaemonReport,
    tell: &dyn Fn(&Firing, &str),
) -> Result<(), Error> {
    let key = run_key(target, pid, &firing);
    let k = (
        key.pipeline.clone(),
        key.trigger.clone(),
        key.as_of.to_string(),
    );
    let record = |db: &mut Store, status: &str| {
        db.record_firing(&firing.pipeline, &firing.trigger, firing.at, None, status)
    };
    if options.dry_run {
        record(db, "dry")?;
        tell(&firing, "dry");
        report.fired += 1;
        return Ok(());
    }
    if db.paused_since(&firing.pipeline)?.is_some() {
        record(db, "paused")?;
        tell(&firing, "paused");
        return Ok(());
    }
    let fresh = crate::sync::lock(inflight, "the daemon's run keys").insert(k.clone());
    if !fresh {
        record(db, "overlapped")?;
        tell(&firing, "overlapped");
        report.overlapped += 1;
        return Ok(());
    }
    record(db, "started")?;
    tell(&firing, "started");
    report.fired += 1;
    let interrupt = Interrupt::new();
    crate::sync::lock(interrupts, "the daemon's runs").insert(k.clone(), interrupt.clone());
    let interrupts = interrupts.clone();
    let state = options.state.clone();
    let clock = options.clock.clone();
    let target = target.clone();
    let inflight = inflight.clone();
    let on_end = options.on_firing.clone();
    runs.spawn(async move {
        let (run_id, status) =
            fire::run_firing(target, pid, firing.clone(), &state, clock, interrupt).await;
        let recorded = Store::open(&state).and_then(|mut db| {
            db.record_firing(
                &firing.pipeline,
                &firing.trigger,
                firing.at,
                run_id.as_deref(),
                &status,
            )
        });
        if let Some(tell) = &on_end {
            let run = run_id.as_deref().unwrap_or("-");
            match recorded {
                Ok(()) => tell(&firing, &format!("run {run} {status}")),
                Err(e) => tell(
                    &firing,
                    &format!("run {run} {status}; cannot record the firing: {e}"),
                ),
            }
        }
        crate::sync::lock(&inflight, "the daemon's run keys").remove(&k);
        crate::sync::lock(&interrupts, "the daemon's runs").remove(&k);
    });
    Ok(())
}

/// `firing_missed`, for the pipelines that ask for it.
fn notify_missed(target: &Target, firing: &Firing, now: DateTime<Utc>) {
    if !target
        .notices
        .wants(&firing.pipeline, NotifyEvent::FiringMissed)
    {
        return;
    }
    let summary = format!(
        "trigger `{}` of `{}` did not fire at {}: the daemon was not running, or woke too late",
        firing.trigger, firing.pipeline, firing.at
    );
    let id = format!(
        "{}/{}@{}",
        firing.pipeline,
        firing.trigger,
        crate::store::stamp(firing.at)
    );
    let mut n = Notification::new(
        id,
        NotifyEvent::FiringMissed,
        &firing.pipeline,
        now,
        summary,
    );
    n.as_of = Some(firing.at.with_timezone(&firing.zone).date_naive());
    n.details = serde_json::json!({ "trigger": firing.trigger, "fire_at": firing.at });
    target.notices.send(n);
}
