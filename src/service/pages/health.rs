//! `/health`: the freshness board the master orchestrator printed, grouped
//! red, yellow, green, with ages in wall time and in sessions.

use super::html::{badge, esc, millis, stamp_in};
use super::{zone_of, Service};
use crate::health::Level;
use crate::service::ApiError;
use crate::store::Store;
use std::fmt::Write;

pub(super) fn page(s: &Service, store: &Store) -> Result<String, ApiError> {
    let now = s.clock.now();
    let mut all = Vec::new();
    for t in &s.targets {
        all.extend(
            crate::health::assess(&t.program, store, None, now).map_err(ApiError::internal)?,
        );
    }
    let mut body = String::new();
    if all.is_empty() {
        body.push_str(r#"<p class="muted">No pipeline declares a data source.</p>"#);
    }
    for level in [Level::Red, Level::Yellow, Level::Green] {
        let mine: Vec<_> = all.iter().filter(|h| h.level == level).collect();
        if mine.is_empty() {
            continue;
        }
        let _ = write!(
            body,
            r#"<h2>{} {}</h2><table><thead><tr><th>Source</th><th>Pipeline</th><th>Producer</th><th>Last produced</th><th>Age</th><th>Sessions</th><th>Thresholds</th></tr></thead><tbody>"#,
            badge(level.label()),
            mine.len()
        );
        for h in mine {
            let zone = zone_of(s, &h.pipeline);
            let produced = h.produced_at.map_or_else(
                || r#"<span class="muted">never</span>"#.to_string(),
                |at| stamp_in(&crate::store::stamp(at), zone),
            );
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{produced}</td><td>{}</td><td>{}</td><td>green {} · yellow {}</td></tr>",
                esc(&h.source),
                esc(&h.pipeline),
                esc(&h.producer),
                h.age_millis.map_or_else(String::new, millis),
                h.age_sessions.map_or_else(String::new, |n| n.to_string()),
                esc(&h.green),
                esc(&h.yellow),
            );
        }
        body.push_str("</tbody></table>");
    }
    Ok(super::layout::page("Data freshness", "/health", "", &body))
}
