//! `/pipelines/NAME`: the DAG with the latest run's states (live), the run
//! history as a grid (runs × tasks, paged), and the triggers' next firings.

use super::html::{badge, esc, link, seg, time_in};
use super::Service;
use crate::firings::timeline;
use crate::service::ApiError;
use crate::store::{RunFilter, Store};
use std::collections::HashMap;
use std::fmt::Write;

/// Runs per page of the grid.
const GRID_RUNS: usize = 20;
/// Up to this many tasks the page draws and lists every task; a bigger
/// pipeline is drawn and listed by stage (how many tasks in each state), so
/// the page stays readable and well under 200 KB.
const DETAIL_TASKS: usize = 120;

pub(super) fn page(
    s: &Service,
    store: &Store,
    name: &str,
    offset: usize,
) -> Result<String, ApiError> {
    let Some((target, pid)) = s
        .targets
        .iter()
        .find_map(|t| t.program.find_pipeline(name).map(|id| (t, id)))
    else {
        return Err(ApiError::not_found(format!("no pipeline `{name}`")));
    };
    let program = &target.program;
    let p = program.pipeline(pid);
    let now = s.clock.now();
    let filter = RunFilter {
        pipeline: Some(name.to_string()),
        limit: GRID_RUNS,
        offset,
        ..RunFilter::default()
    };
    let (runs, total) = store.runs_page(&filter).map_err(ApiError::store)?;
    let detail = p.dag.node_count() <= DETAIL_TASKS;
    let mut statuses = HashMap::new();
    let mut grid_rows = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let tasks = store.tasks(&r.run_id).map_err(ApiError::store)?;
        let by_task: HashMap<String, String> = tasks
            .into_iter()
            .filter(|t| t.pipeline == name)
            .map(|t| (t.task, t.status))
            .collect();
        if i == 0 && offset == 0 {
            statuses.clone_from(&by_task);
        }
        grid_rows.push((r, by_task));
    }

    let mut body = String::new();
    let title = p.title.as_deref().unwrap_or(&p.name);
    let _ = write!(
        body,
        r#"<p>{} <span class="muted">{}</span></p><div class="actions"><button id="run-now" data-post="/api/v1/pipelines/{n}/runs" data-follow="stay" data-done="started">Run now</button><button data-post="/api/v1/pipelines/{n}/pause" data-done="paused">Pause triggers</button><button data-post="/api/v1/pipelines/{n}/resume" data-done="resumed">Resume triggers</button></div><p id="message" role="status"></p>"#,
        esc(title),
        esc(p.description.as_deref().unwrap_or("")),
        n = seg(name),
    );
    let latest = runs.first().filter(|_| offset == 0).map_or_else(
        || "none yet".to_string(),
        |r| {
            format!(
                "{} {}",
                link(&format!("/runs/{}", seg(&r.run_id)), &r.run_id),
                badge(&r.status)
            )
        },
    );
    let _ = write!(
        body,
        r#"<h2>Stages and tasks</h2><p>States of the latest run: <span id="latest-run">{latest}</span></p><div class="scroll">{}</div>"#,
        crate::graph::svg::pipeline(program, pid, &statuses, detail)
    );

    // The grid: one row per run, one column per task in stage order (per
    // stage, its worst state, for a pipeline too big to list every task).
    let columns: Vec<(&str, Vec<&str>)> = if detail {
        p.stages
            .iter()
            .flat_map(|st| {
                st.tasks
                    .iter()
                    .map(move |t| (st.name.as_str(), vec![p.task(*t).name.as_str()]))
            })
            .collect()
    } else {
        p.stages
            .iter()
            .map(|st| {
                let tasks = st.tasks.iter().map(|t| p.task(*t).name.as_str()).collect();
                (st.name.as_str(), tasks)
            })
            .collect()
    };
    body.push_str(r#"<h2>Run history</h2><div class="scroll"><table class="grid"><thead><tr><th>Run</th><th>As of</th><th>Status</th>"#);
    for (stage, tasks) in &columns {
        let head = if detail { tasks[0] } else { stage };
        let _ = write!(body, r#"<th title="{}">{}</th>"#, esc(stage), esc(head));
    }
    body.push_str("</tr></thead><tbody>");
    for (r, by_task) in &grid_rows {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td>",
            link(&format!("/runs/{}", seg(&r.run_id)), &r.run_id),
            esc(&r.as_of),
            badge(&r.status)
        );
        for (_, tasks) in &columns {
            let cell = worst(tasks.iter().filter_map(|t| by_task.get(*t)))
                .map_or_else(|| r#"<span class="muted">·</span>"#.to_string(), badge);
            let _ = write!(body, r#"<td class="cell">{cell}</td>"#);
        }
        body.push_str("</tr>");
    }
    body.push_str("</tbody></table></div>");
    let shown_to = offset + grid_rows.len();
    let _ = write!(
        body,
        r#"<p class="muted">Runs {}–{shown_to} of {total}. "#,
        offset.min(shown_to) + usize::from(shown_to > 0)
    );
    if offset > 0 {
        let back = offset.saturating_sub(GRID_RUNS);
        let _ = write!(
            body,
            r#"<a href="/pipelines/{}?offset={back}">Newer</a> "#,
            seg(name)
        );
    }
    if i64::try_from(shown_to).unwrap_or(i64::MAX) < total {
        let _ = write!(
            body,
            r#"<a href="/pipelines/{}?offset={shown_to}">Older</a>"#,
            seg(name)
        );
    }
    body.push_str("</p>");

    // Triggers and their next firings, in the trigger's zone with UTC on hover.
    body.push_str(r#"<h2>Triggers</h2><table><thead><tr><th>Trigger</th><th>Stages</th><th>Next firings</th></tr></thead><tbody>"#);
    let upcoming = timeline(program, &[pid], now, None, 3 * p.triggers.len().max(1))
        .map_err(ApiError::internal)?;
    for t in &p.triggers {
        let next: Vec<String> = upcoming
            .iter()
            .filter(|f| f.trigger == t.name)
            .map(|f| time_in(f.at, t.zone))
            .collect();
        let stages: Vec<&str> = t
            .stages
            .iter()
            .map(|sid| p.stage(*sid).name.as_str())
            .collect();
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&t.name),
            esc(&stages.join(", ")),
            if next.is_empty() {
                r#"<span class="muted">none ahead</span>"#.to_string()
            } else {
                next.join("<br>")
            }
        );
    }
    body.push_str("</tbody></table>");
    let data = format!(r#"data-pipeline="{}""#, esc(name));
    Ok(super::layout::page(
        &format!("Pipeline {name}"),
        "",
        &data,
        &body,
    ))
}

/// The state that says most of several tasks: a failure first, then what
/// needed a policy, what is under way, and success last.
fn worst<'a>(states: impl Iterator<Item = &'a String>) -> Option<&'a str> {
    const ORDER: [&str; 12] = [
        "failed",
        "timed_out",
        "interrupted",
        "cancelled",
        "warned",
        "defaulted",
        "running",
        "retrying",
        "skipped",
        "pending",
        "restored",
        "completed",
    ];
    let rank = |s: &str| ORDER.iter().position(|o| *o == s).unwrap_or(0);
    states.map(String::as_str).min_by_key(|s| rank(s))
}
