//! `pipec status`: the runs the state store knows, their states, and the tasks
//! that failed and why.

use super::{exit, Format};
use pipec::clock::{Clock, SystemClock};
use pipec::store::{self, Store};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The `.pipe` file whose state to show (its store is `.pipec/state.db` beside it).
    file: Option<PathBuf>,
    /// Only this pipeline's runs.
    #[arg(long)]
    pipeline: Option<String>,
    /// The state database (default: beside FILE, or `.pipec/state.db` here).
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,
    /// How many runs to show, newest first.
    #[arg(short = 'n', long, default_value_t = 10)]
    limit: usize,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Show each task's statistics (runs, success rate, average runtime, consecutive failures, last error) and the missed firings instead of the runs.
    #[arg(long)]
    tasks: bool,
}

pub(super) fn run(args: &Args) -> u8 {
    let path = args.state.clone().unwrap_or_else(|| match &args.file {
        Some(f) => store::default_path(f),
        None => PathBuf::from(".pipec").join("state.db"),
    });
    if !path.exists() {
        eprintln!(
            "no state store at `{}`: nothing has run with it yet",
            path.display()
        );
        return exit::OK;
    }
    match show(args, &path) {
        Ok(text) => {
            print!("{text}");
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::USAGE
        }
    }
}

fn show(args: &Args, path: &std::path::Path) -> Result<String, String> {
    if args.tasks {
        let db = Store::open(path).map_err(|e| e.to_string())?;
        return task_statistics(args, &db).map_err(|e| e.context_string(path));
    }
    let mut db = Store::open(path).map_err(|e| e.to_string())?;
    // Runs whose process died still say `running`: settle them first, so
    // what is shown is true.
    db.reap_dead(SystemClock.now())
        .map_err(|e| e.context_string(path))?;
    let runs = db
        .runs(args.pipeline.as_deref(), args.limit)
        .map_err(|e| e.context_string(path))?;
    let mut views = Vec::new();
    for run in runs {
        let tasks = db.tasks(&run.run_id).map_err(|e| e.context_string(path))?;
        views.push((run, tasks));
    }
    match args.format {
        Format::Json => {
            let json: Vec<serde_json::Value> = views
                .iter()
                .map(|(r, tasks)| {
                    serde_json::json!({
                        "run_id": r.run_id,
                        "pipeline": r.pipeline,
                        "trigger": r.trigger,
                        "as_of": r.as_of,
                        "status": r.status,
                        "reason": r.reason,
                        "started_at": r.started_at,
                        "ended_at": r.ended_at,
                        "resumes": r.resumes,
                        "plan_hash": r.plan_hash,
                        "tasks": tasks.iter().map(|t| serde_json::json!({
                            "pipeline": t.pipeline,
                            "stage": t.stage,
                            "task": t.task,
                            "status": t.status,
                            "attempts": t.attempts,
                            "message": t.message,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&json)
                .map(|s| s + "\n")
                .map_err(|e| e.to_string())
        }
        Format::Table => {
            let attention = attention(args, &db).map_err(|e| e.context_string(path))?;
            let remote = on_clusters(&db, &views).map_err(|e| e.context_string(path))?;
            Ok(table(&views) + &remote + &attention.text())
        }
    }
}

/// Which attempts of the runs shown ran as jobs on a cluster, and as which.
fn on_clusters(
    db: &Store,
    views: &[(store::RunRow, Vec<store::TaskRow>)],
) -> Result<String, store::StoreError> {
    let mut out = String::new();
    for (r, _) in views {
        for a in db.attempt_details(&r.run_id)? {
            if let Some(job) = &a.job {
                if out.is_empty() {
                    out.push_str("\nran on a cluster:\n");
                }
                out.push_str(&format!(
                    "  {} {}/{} attempt {}: job {job}\n",
                    r.run_id, a.pipeline, a.task, a.attempt
                ));
            }
        }
    }
    Ok(out)
}

/// How many alerts and failed notifications `status` shows.
const ATTENTION: usize = 10;

/// What needs attention: the latest deadlines missed or at risk, stuck
/// tasks, and notifications that could not be delivered.
struct Attention {
    alerts: Vec<store::AlertRow>,
    failed: Vec<store::DeliveryRow>,
}

fn attention(args: &Args, db: &Store) -> Result<Attention, store::StoreError> {
    let pipeline = args.pipeline.as_deref();
    Ok(Attention {
        alerts: db.alerts(pipeline, ATTENTION)?,
        failed: db.deliveries(pipeline, true, ATTENTION)?,
    })
}

impl Attention {
    fn text(&self) -> String {
        let mut out = String::new();
        if !self.alerts.is_empty() {
            out.push_str(&format!("\nalerts (latest {}):\n", self.alerts.len()));
            for a in &self.alerts {
                let place = [
                    Some(a.pipeline.as_str()),
                    a.stage.as_deref(),
                    a.task.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("/");
                let detail = a.detail.as_deref().unwrap_or("");
                out.push_str(&format!(
                    "  {} {} {place} ({detail}) run {}\n",
                    a.at, a.kind, a.run_id
                ));
            }
        }
        if !self.failed.is_empty() {
            out.push_str(&format!(
                "\nnotifications not delivered (latest {}):\n",
                self.failed.len()
            ));
            for d in &self.failed {
                out.push_str(&format!(
                    "  {} {} {} to `{}` for {}, {} attempt(s): {}\n",
                    d.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    d.status,
                    d.event,
                    d.notifier,
                    d.pipeline,
                    d.attempts,
                    d.error.as_deref().unwrap_or("")
                ));
            }
        }
        out
    }
}

fn table(views: &[(store::RunRow, Vec<store::TaskRow>)]) -> String {
    if views.is_empty() {
        return "no runs recorded\n".into();
    }
    let mut rows = vec![[
        "RUN".to_string(),
        "PIPELINE".into(),
        "TRIGGER".into(),
        "AS OF".into(),
        "STATUS".into(),
        "TASKS".into(),
        "STARTED".into(),
    ]];
    for (r, tasks) in views {
        let done = tasks.iter().filter(|t| t.status == "completed").count();
        rows.push([
            r.run_id.clone(),
            r.pipeline.clone(),
            if r.trigger.is_empty() {
                "-".into()
            } else {
                r.trigger.clone()
            },
            r.as_of.clone(),
            r.status.clone(),
            format!("{done}/{} completed", tasks.len()),
            r.started_at.clone(),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    for (r, tasks) in views {
        let bad: Vec<&store::TaskRow> = tasks
            .iter()
            .filter(|t| {
                matches!(
                    t.status.as_str(),
                    "failed" | "timed_out" | "cancelled" | "interrupted"
                )
            })
            .collect();
        if r.status == "succeeded" && bad.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{} {}", r.run_id, r.status));
        if let Some(reason) = &r.reason {
            out.push_str(&format!(": {reason}"));
        }
        out.push('\n');
        for t in bad {
            out.push_str(&format!(
                "  {}/{}/{} {} after {} attempt(s): {}\n",
                t.pipeline,
                t.stage,
                t.task,
                t.status,
                t.attempts,
                t.message.as_deref().unwrap_or("-")
            ));
        }
    }
    out
}

/// Each task's statistics, then the firings the daemon missed.
fn task_statistics(args: &Args, db: &Store) -> Result<String, store::StoreError> {
    let stats = db.all_task_stats(args.pipeline.as_deref())?;
    let missed: Vec<store::FiringRow> = db
        .firings()?
        .into_iter()
        .filter(|f| f.status == "missed")
        .filter(|f| args.pipeline.as_deref().map_or(true, |p| p == f.pipeline))
        .collect();
    let attention = attention(args, db)?;
    if let Format::Json = args.format {
        let json = serde_json::json!({
            "alerts": attention.alerts,
            "failed_notifications": attention.failed,
            "tasks": stats,
            "missed_firings": missed.iter().map(|f| serde_json::json!({
                "pipeline": f.pipeline, "trigger": f.trigger, "fire_at": f.fire_at,
            })).collect::<Vec<_>>(),
        });
        return Ok(serde_json::to_string_pretty(&json).unwrap_or_default() + "\n");
    }
    let mut table = super::table::Table::new(&[
        "PIPELINE",
        "TASK",
        "RUNS",
        "SUCCESS",
        "AVG",
        "FAILING",
        "LAST SUCCESS",
        "LAST ERROR",
    ]);
    for s in &stats {
        table.row(vec![
            s.pipeline.clone(),
            s.task.clone(),
            s.runs.to_string(),
            s.success_rate
                .map_or("-".into(), |r| format!("{:.0}%", r * 100.0)),
            s.average_ms.map_or("-".into(), |ms| {
                pipec::ir::words::duration(u64::try_from(ms).unwrap_or(0))
            }),
            if s.consecutive_failures > 0 {
                format!("{} in a row", s.consecutive_failures)
            } else {
                "-".into()
            },
            s.last_success.clone().unwrap_or_else(|| "never".into()),
            s.last_error
                .as_deref()
                .filter(|_| s.consecutive_failures > 0)
                .map_or(String::new(), |e| e.chars().take(80).collect()),
        ]);
    }
    let mut out = if stats.is_empty() {
        "no task statistics recorded\n".to_string()
    } else {
        table.render()
    };
    if !missed.is_empty() {
        out.push_str(&format!("\nmissed firings ({}):\n", missed.len()));
        for f in &missed {
            out.push_str(&format!("  {} {}/{}\n", f.fire_at, f.pipeline, f.trigger));
        }
    }
    out.push_str(&attention.text());
    Ok(out)
}
