//! Prometheus `/metrics`, in the text exposition format (0.0.4) that
//! Prometheus scrapes and `promtool check metrics` checks. Every value is read from the store (and the compiled pipelines)
//! at scrape time, so the daemon keeps no second set of books: counters are
//! the store's totals, which only grow.

use super::auth::Access;
use super::{ApiError, Service};
use crate::firings::timeline;
use crate::health::Level;
use crate::ir::PipelineId;
use crate::run::FAN_OUT_TASK;
use crate::store::Store;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

/// Task durations in seconds: from 10 ms to an hour.
const DURATION_BUCKETS: [f64; 12] = [
    0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0,
];

/// The Prometheus text exposition format (0.0.4), written by hand: it is
/// small, and exactly what `promtool check metrics` reads.
struct Exposition {
    text: String,
}

impl Exposition {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.text, "# HELP {name} {help}");
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        let _ = write!(self.text, "{name}");
        if !labels.is_empty() {
            let pairs: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                .collect();
            let _ = write!(self.text, "{{{}}}", pairs.join(","));
        }
        let _ = writeln!(self.text, " {value}");
    }

    /// A counter family from `(label values, count)` rows.
    fn counter(
        &mut self,
        name: &str,
        help: &str,
        label_names: &[&str],
        rows: &[(Vec<String>, i64)],
    ) {
        self.family(name, "counter", help);
        for (values, n) in rows {
            let labels: Vec<(&str, &str)> = label_names
                .iter()
                .copied()
                .zip(values.iter().map(String::as_str))
                .collect();
            self.sample(name, &labels, *n as f64);
        }
    }
}

/// Label values escape backslash, quote and newline.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub(crate) async fn scrape(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    s.auth.check(&headers, Access::Read)?;
    let service = s.clone();
    let text = s.with_store(move |store| render(&service, store)).await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    ))
}

fn render(s: &Service, store: &Store) -> Result<String, ApiError> {
    let e = ApiError::store;
    let mut out = Exposition {
        text: String::new(),
    };
    // From `endings`, which is only ever appended to: counters never fall,
    // although a resume rewrites a run's and its tasks' current status.
    out.counter(
        "pipec_runs_total",
        "Run endings, by pipeline and status (a resumed run ends again).",
        &["pipeline", "status"],
        &store
            .counts(
                "SELECT pipeline, status, COUNT(*) FROM endings WHERE kind = 'run' \
                 GROUP BY pipeline, status",
                2,
            )
            .map_err(e)?,
    );
    out.counter(
        "pipec_tasks_total",
        "Task endings, by pipeline, task and final status.",
        &["pipeline", "task", "status"],
        &store
            .counts(
                "SELECT pipeline, task, status, COUNT(*) FROM endings WHERE kind = 'task' \
                 AND instr(task, '[') = 0 GROUP BY pipeline, task, status",
                3,
            )
            .map_err(e)?,
    );
    // One series per task, not per item: a fan-out over the day's universe
    // would otherwise make a series per symbol.
    out.counter(
        "pipec_fan_out_instances_total",
        "Fan-out instance endings, by pipeline, fan-out task and final status.",
        &["pipeline", "task", "status"],
        &store
            .counts(
                &format!(
                    "SELECT pipeline, {FAN_OUT_TASK} AS fan_out, status, COUNT(*) FROM endings \
                     WHERE kind = 'task' AND instr(task, '[') > 0 GROUP BY pipeline, fan_out, status"
                ),
                3,
            )
            .map_err(e)?,
    );
    out.counter(
        "pipec_notifications_total",
        "Notifications delivered or given up on, by notifier, event and status (delivered, failed).",
        &["notifier", "event", "status"],
        &store
            .counts(
                "SELECT notifier, event, status, COUNT(*) FROM notifications \
                 GROUP BY notifier, event, status",
                3,
            )
            .map_err(e)?,
    );
    out.counter(
        "pipec_alerts_total",
        "Deadlines missed or at risk and stuck tasks, by pipeline and kind.",
        &["pipeline", "kind"],
        &store
            .counts(
                "SELECT pipeline, kind, COUNT(*) FROM alerts GROUP BY pipeline, kind",
                2,
            )
            .map_err(e)?,
    );
    out.counter(
        "pipec_task_attempts_total",
        "Attempts started, retries included; a fan-out's are its own start and its instances' attempts.",
        &["pipeline", "task"],
        &store
            .counts(
                &format!(
                    "SELECT pipeline, {FAN_OUT_TASK} AS t, COUNT(*) FROM attempts GROUP BY pipeline, t"
                ),
                2,
            )
            .map_err(e)?,
    );
    out.counter(
        "pipec_cluster_attempts_total",
        "Attempts that ran as jobs on a cluster (an `executor`), retries included.",
        &["pipeline", "task"],
        &store
            .counts(
                &format!(
                    "SELECT pipeline, {FAN_OUT_TASK} AS t, COUNT(*) FROM attempts \
                     WHERE job IS NOT NULL GROUP BY pipeline, t"
                ),
                2,
            )
            .map_err(e)?,
    );
    out.counter(
        "pipec_gate_failures_total",
        "Gates that evaluated false.",
        &["pipeline", "stage", "gate"],
        &store
            .counts(
                "SELECT pipeline, stage, gate, COUNT(*) FROM gates WHERE passed = 0 \
                 GROUP BY pipeline, stage, gate",
                3,
            )
            .map_err(e)?,
    );
    out.counter(
        "pipec_missed_firings_total",
        "Trigger firings the daemon missed.",
        &["pipeline", "trigger"],
        &store
            .counts(
                "SELECT pipeline, trigger, COUNT(*) FROM firings WHERE status = 'missed' \
                 GROUP BY pipeline, trigger",
                2,
            )
            .map_err(e)?,
    );

    // Task durations as a histogram per (pipeline, task).
    let mut histograms: BTreeMap<(String, String), (Vec<u64>, f64, u64)> = BTreeMap::new();
    for (pipeline, task, ms) in store.task_durations().map_err(e)? {
        let seconds = ms as f64 / 1000.0;
        let h = histograms
            .entry((pipeline, task))
            .or_insert_with(|| (vec![0; DURATION_BUCKETS.len()], 0.0, 0));
        for (count, bound) in h.0.iter_mut().zip(DURATION_BUCKETS) {
            if seconds <= bound {
                *count += 1;
            }
        }
        h.1 += seconds;
        h.2 += 1;
    }
    out.family(
        "pipec_task_duration_seconds",
        "histogram",
        "How long tasks took, from start to their final status.",
    );
    for ((pipeline, task), (buckets, sum, count)) in &histograms {
        for (n, bound) in buckets.iter().zip(DURATION_BUCKETS) {
            let le = bound.to_string();
            out.sample(
                "pipec_task_duration_seconds_bucket",
                &[("pipeline", pipeline), ("task", task), ("le", &le)],
                *n as f64,
            );
        }
        let both = [("pipeline", pipeline.as_str()), ("task", task.as_str())];
        out.sample(
            "pipec_task_duration_seconds_bucket",
            &[both[0], both[1], ("le", "+Inf")],
            *count as f64,
        );
        out.sample("pipec_task_duration_seconds_sum", &both, *sum);
        out.sample("pipec_task_duration_seconds_count", &both, *count as f64);
    }

    let running = store
        .counts(
            "SELECT 'all', COUNT(*) FROM tasks WHERE status IN ('running', 'retrying') \
             AND run_id IN (SELECT run_id FROM runs WHERE status = 'running')",
            1,
        )
        .map_err(e)?
        .first()
        .map_or(0, |(_, n)| *n);
    out.family("pipec_running_tasks", "gauge", "Tasks running now.");
    out.sample("pipec_running_tasks", &[], running as f64);

    let now = s.clock.now();
    let mut ages = Vec::new();
    let mut levels = Vec::new();
    let mut next = Vec::new();
    for target in &s.targets {
        let program = &target.program;
        for mut h in crate::health::assess(program, store, None, now).map_err(ApiError::internal)? {
            // A shared source belongs to no one pipeline: labelling it with
            // the last producer's would change its series whenever another
            // pipeline produced it. An empty label is no label.
            if h.shared {
                h.pipeline.clear();
            }
            if let Some(ms) = h.age_millis {
                ages.push((h.pipeline.clone(), h.source.clone(), ms as f64 / 1000.0));
            }
            let level = match h.level {
                Level::Green => 0.0,
                Level::Yellow => 1.0,
                Level::Red => 2.0,
            };
            levels.push((h.pipeline, h.source, level));
        }
        for (i, p) in program.pipelines.iter().enumerate() {
            let id = PipelineId(u32::try_from(i).unwrap_or(u32::MAX));
            if p.triggers.is_empty() {
                continue;
            }
            let upcoming = timeline(program, &[id], now, None, 4 * p.triggers.len())
                .map_err(ApiError::internal)?;
            for trigger in &p.triggers {
                if let Some(f) = upcoming.iter().find(|f| f.trigger == trigger.name) {
                    next.push((
                        p.name.clone(),
                        trigger.name.clone(),
                        f.at.timestamp() as f64,
                    ));
                }
            }
        }
    }
    out.family(
        "pipec_source_age_seconds",
        "gauge",
        "Time since each data source's producer last succeeded.",
    );
    for (pipeline, source, age) in &ages {
        out.sample(
            "pipec_source_age_seconds",
            &source_labels(pipeline, source),
            *age,
        );
    }
    out.family(
        "pipec_source_level",
        "gauge",
        "Each data source's freshness: 0 green, 1 yellow, 2 red.",
    );
    for (pipeline, source, level) in &levels {
        out.sample(
            "pipec_source_level",
            &source_labels(pipeline, source),
            *level,
        );
    }
    out.family(
        "pipec_next_firing_timestamp_seconds",
        "gauge",
        "When each trigger fires next, in Unix time.",
    );
    for (pipeline, trigger, at) in &next {
        out.sample(
            "pipec_next_firing_timestamp_seconds",
            &[("pipeline", pipeline), ("trigger", trigger)],
            *at,
        );
    }
    out.family(
        "pipec_daemon_start_time_seconds",
        "gauge",
        "When the daemon started, in Unix time.",
    );
    out.sample(
        "pipec_daemon_start_time_seconds",
        &[],
        s.started.timestamp() as f64,
    );
    Ok(out.text)
}

/// A source's labels: a pipeline's own source is labelled with its pipeline,
/// a shared one (no pipeline) with its name alone.
fn source_labels<'a>(pipeline: &'a str, source: &'a str) -> Vec<(&'a str, &'a str)> {
    if pipeline.is_empty() {
        vec![("source", source)]
    } else {
        vec![("pipeline", pipeline), ("source", source)]
    }
}
