//! `/`: every pipeline with its market's state, next firing, last run and
//! sources, and what needs attention.

use super::html::{badge, esc, link, millis, seg, stamp_in};
use super::{zone_of, Service};
use crate::service::reads::pipeline_views;
use crate::service::ApiError;
use crate::store::{RunFilter, RunRow, Store};
use std::fmt::Write;

/// How many items of each kind "needs attention" lists.
const ATTENTION: usize = 8;

pub(super) fn page(s: &Service, store: &Store) -> Result<String, ApiError> {
    let now = s.clock.now();
    let views = pipeline_views(s, store, now)?;
    let mut body = String::from(
        r#"<table><thead><tr><th>Pipeline</th><th>Market</th><th>Next firing</th><th>Last run</th><th>Duration</th><th>Sources</th></tr></thead><tbody>"#,
    );
    let mut red = Vec::new();
    for v in &views {
        let zone = zone_of(s, &v.name);
        let last = store.runs(Some(&v.name), 1).map_err(ApiError::store)?;
        let next = v.next_firings.first().map_or_else(
            || r#"<span class="muted">none</span>"#.to_string(),
            |f| format!("{} {}", stamp_in(&f.at, zone), esc(&f.trigger)),
        );
        let (last_run, duration) = match last.first() {
            Some(r) => (
                format!(
                    "{} {}",
                    badge(&r.status),
                    link(&format!("/runs/{}", seg(&r.run_id)), &r.run_id)
                ),
                run_millis(r).map_or_else(String::new, millis),
            ),
            None => (
                r#"<span class="muted">never</span>"#.to_string(),
                String::new(),
            ),
        };
        let mut sources = String::new();
        for src in &v.sources {
            if src.level == "red" {
                red.push((v.name.clone(), src.name.clone()));
            }
            let _ = write!(sources, "{} {} ", esc(&src.name), badge(&src.level));
        }
        let paused = v
            .paused_since
            .as_ref()
            .map_or_else(String::new, |_| format!(" {}", badge("paused")));
        let _ = write!(
            body,
            "<tr><td>{}{paused}</td><td>{} {}</td><td>{next}</td><td id=\"last-{}\">{last_run}</td><td>{duration}</td><td>{sources}</td></tr>",
            link(&format!("/pipelines/{}", seg(&v.name)), &v.name),
            esc(v.calendar.as_deref().unwrap_or("no calendar")),
            badge(&v.market_state),
            esc(&v.name),
        );
    }
    body.push_str("</tbody></table>");

    let mut items = Vec::new();
    let failed = RunFilter {
        status: Some("failed".to_string()),
        limit: ATTENTION,
        ..RunFilter::default()
    };
    for r in store.runs_page(&failed).map_err(ApiError::store)?.0 {
        let zone = zone_of(s, &r.pipeline);
        items.push(format!(
            "{} run {} of {} ({}){}",
            badge("failed"),
            link(&format!("/runs/{}", seg(&r.run_id)), &r.run_id),
            esc(&r.pipeline),
            stamp_in(&r.started_at, zone),
            r.reason
                .as_deref()
                .map_or_else(String::new, |why| format!(": {}", esc(why)))
        ));
    }
    for (pipeline, source) in &red {
        items.push(format!(
            "{} source {} of {}",
            badge("red"),
            esc(source),
            esc(pipeline)
        ));
    }
    for f in store.missed_firings(ATTENTION).map_err(ApiError::store)? {
        let zone = zone_of(s, &f.pipeline);
        items.push(format!(
            "{} firing {} of {} at {}",
            badge("missed"),
            esc(&f.trigger),
            esc(&f.pipeline),
            stamp_in(&f.fire_at, zone)
        ));
    }
    for a in store.alerts(None, ATTENTION).map_err(ApiError::store)? {
        let zone = zone_of(s, &a.pipeline);
        let place = [a.stage.as_deref(), a.task.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("/");
        items.push(format!(
            "{} {} {} in run {} ({})",
            badge(&a.kind),
            esc(&a.pipeline),
            esc(&place),
            link(&format!("/runs/{}", seg(&a.run_id)), &a.run_id),
            stamp_in(&a.at, zone)
        ));
    }
    body.push_str("<h2>Needs attention</h2>");
    if items.is_empty() {
        body.push_str(r#"<p class="muted">Nothing: no failed runs, red sources, missed firings or alerts.</p>"#);
    } else {
        body.push_str(r#"<ul class="attention">"#);
        for item in items {
            let _ = write!(body, "<li>{item}</li>");
        }
        body.push_str("</ul>");
    }
    Ok(super::layout::page("Pipelines", "/", "", &body))
}

/// How long a run took, once it ended.
pub(super) fn run_millis(r: &RunRow) -> Option<i64> {
    let start = crate::store::parse_stamp(&r.started_at)?;
    let end = crate::store::parse_stamp(r.ended_at.as_deref()?)?;
    Some((end - start).num_milliseconds())
}
