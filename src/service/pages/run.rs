//! `/runs/RUN_ID`: the run's attempts on a time line, each task's state,
//! attempts, duration and message, the gates, the logs, and the buttons to
//! cancel, retry and run again (they need the token).

use super::html::{badge, esc, link, millis, seg, stamp_in};
use super::{zone_of, Service};
use crate::service::ApiError;
use crate::store::{AttemptDetail, Store};
use std::fmt::Write;

pub(super) fn page(s: &Service, store: &Store, run_id: &str) -> Result<String, ApiError> {
    let run = store
        .run(run_id)
        .map_err(ApiError::store)?
        .ok_or_else(|| ApiError::not_found(format!("no run `{run_id}`")))?;
    let zone = zone_of(s, &run.pipeline);
    let tasks = store.task_details(run_id).map_err(ApiError::store)?;
    let attempts = store.attempt_details(run_id).map_err(ApiError::store)?;
    let gates = store.gate_details(run_id).map_err(ApiError::store)?;
    let id = seg(run_id);
    let mut body = String::new();
    let _ = write!(
        body,
        "<p>{} of {} for {} (trigger {}), started {}{}{}</p>",
        badge(&run.status),
        link(&format!("/pipelines/{}", seg(&run.pipeline)), &run.pipeline),
        esc(&run.as_of),
        esc(if run.trigger.is_empty() {
            "none: all stages"
        } else {
            &run.trigger
        }),
        stamp_in(&run.started_at, zone),
        run.ended_at
            .as_deref()
            .map_or_else(String::new, |e| format!(", ended {}", stamp_in(e, zone))),
        run.reason.as_deref().map_or_else(String::new, |r| format!(
            r#"<br><span class="muted">{}</span>"#,
            esc(r)
        )),
    );
    body.push_str(r#"<div class="actions">"#);
    if run.status == "running" {
        let _ = write!(
            body,
            r#"<button class="danger" data-post="/api/v1/runs/{id}/cancel" data-done="cancelling">Cancel run</button>"#
        );
    }
    if run.status == "failed" || run.status == "interrupted" {
        let _ = write!(
            body,
            r#"<button data-post="/api/v1/runs/{id}/retry" data-follow="run" data-done="retrying">Retry what failed</button>"#
        );
    }
    let rerun = serde_json::json!({ "as_of": run.as_of, "force": true }).to_string();
    let _ = write!(
        body,
        r#"<button data-post="/api/v1/pipelines/{}/runs" data-body="{}" data-follow="run" data-done="started">Run again</button></div><p id="message" role="status"></p>"#,
        seg(&run.pipeline),
        esc(&rerun)
    );
    let _ = write!(
        body,
        r#"<h2>Time line</h2><div class="scroll">{}</div>"#,
        super::gantt::chart(&attempts, s.clock.now())
    );
    body.push_str(r#"<h2>Tasks</h2><table><thead><tr><th>Task</th><th>Status</th><th>Attempts</th><th>Duration</th><th>Why</th><th>Logs</th></tr></thead><tbody>"#);
    for t in &tasks {
        let logs: Vec<String> = attempts
            .iter()
            .filter(|a| a.pipeline == t.pipeline && a.task == t.task)
            .map(|a| {
                let base = format!(
                    "/api/v1/runs/{id}/attempts/{}/{}/{}",
                    seg(&a.pipeline),
                    seg(&a.task),
                    a.attempt
                );
                let at = a
                    .job
                    .as_deref()
                    .map_or_else(String::new, |job| format!(" on job {}", esc(job)));
                format!(
                    r#"#{}{at} <a href="{base}/stdout">out</a> <a href="{base}/stderr">err</a>"#,
                    a.attempt
                )
            })
            .collect();
        let why = [t.cause.as_deref(), t.message.as_deref()]
            .into_iter()
            .flatten()
            .map(esc)
            .collect::<Vec<_>>()
            .join(": ");
        let _ = write!(
            body,
            "<tr><td>{}/{}/{}</td><td>{}</td><td>{}</td><td>{}</td><td>{why}</td><td>{}</td></tr>",
            esc(&t.pipeline),
            esc(&t.stage),
            esc(&t.task),
            badge(&t.status),
            t.attempts,
            t.duration_ms.map_or_else(String::new, millis),
            logs.join("<br>")
        );
    }
    body.push_str("</tbody></table>");
    // What a failed task saw: the forensic capture the run wrote for it.
    for t in tasks
        .iter()
        .filter(|t| t.status == "failed" || t.status == "timed_out")
    {
        let Some(text) = forensics(&attempts, &t.pipeline, &t.task) else {
            continue;
        };
        let _ = write!(
            body,
            "<details><summary>Forensic context of {}/{}</summary><pre>{}</pre></details>",
            esc(&t.pipeline),
            esc(&t.task),
            esc(&text)
        );
    }
    if !gates.is_empty() {
        body.push_str(r#"<h2>Gates</h2><table><thead><tr><th>Gate</th><th>Result</th><th>Message</th><th>At</th></tr></thead><tbody>"#);
        for g in &gates {
            let _ = write!(
                body,
                "<tr><td>{}/{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&g.stage),
                esc(&g.gate),
                badge(if g.passed { "passed" } else { "failed" }),
                esc(g.message.as_deref().unwrap_or("")),
                stamp_in(&g.evaluated_at, zone)
            );
        }
        body.push_str("</tbody></table>");
    }
    if tasks
        .iter()
        .any(|t| t.status == "failed" || t.status == "timed_out")
    {
        body.push_str(r#"<p class="muted">Forensic context: the context a failed task was given, its attempts and its error, as the run wrote them to its folder.</p>"#);
    }
    let data = format!(r#"data-run="{}""#, esc(run_id));
    Ok(super::layout::page(
        &format!("Run {run_id}"),
        "",
        &data,
        &body,
    ))
}

/// The most of a forensic capture a page shows.
const FORENSICS_SHOWN: u64 = 32 * 1024;

/// `forensics/PIPELINE.TASK.json` in the folder of the task's last attempt,
/// found from what the store recorded, never from the URL.
fn forensics(attempts: &[AttemptDetail], pipeline: &str, task: &str) -> Option<String> {
    use std::io::Read;
    let dir = attempts
        .iter()
        .filter(|a| a.pipeline == pipeline && a.task == task)
        .filter_map(|a| a.run_dir.as_deref())
        .next_back()?;
    let path = std::path::Path::new(dir)
        .join("forensics")
        .join(format!("{pipeline}.{task}.json"));
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(FORENSICS_SHOWN)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}
