//! A run's attempts on a time line: one row per task, a bar per attempt (its
//! state in colour and in its tooltip), and the waits between a task's
//! attempts (retry backoff) hatched.

use super::html::esc;
use crate::store::AttemptDetail;
use chrono::{DateTime, Utc};
use std::fmt::Write;

const ROW_H: i64 = 22;
const LABEL_W: i64 = 220;
const PLOT_W: i64 = 900;

pub(super) fn chart(attempts: &[AttemptDetail], now: DateTime<Utc>) -> String {
    let parsed: Vec<(&AttemptDetail, DateTime<Utc>, DateTime<Utc>)> = attempts
        .iter()
        .filter_map(|a| {
            let start = crate::store::parse_stamp(&a.started_at)?;
            let end = a
                .ended_at
                .as_deref()
                .and_then(crate::store::parse_stamp)
                .unwrap_or(now.max(start));
            Some((a, start, end))
        })
        .collect();
    let (Some(first), Some(last)) = (
        parsed.iter().map(|p| p.1).min(),
        parsed.iter().map(|p| p.2).max(),
    ) else {
        return r#"<p class="muted">No attempt has started.</p>"#.to_string();
    };
    let span = (last - first).num_milliseconds().max(1);
    let x = |t: DateTime<Utc>| LABEL_W + (t - first).num_milliseconds() * PLOT_W / span;
    let mut rows: Vec<(String, String)> = Vec::new();
    for (a, _, _) in &parsed {
        let key = (a.pipeline.clone(), a.task.clone());
        if !rows.contains(&key) {
            rows.push(key);
        }
    }
    let mut body = String::new();
    for (i, (pipeline, task)) in rows.iter().enumerate() {
        let y = 6 + i64::try_from(i).unwrap_or(0) * ROW_H;
        let _ = write!(
            body,
            r#"<text x="4" y="{}">{}</text>"#,
            y + 14,
            esc(&format!("{pipeline}/{task}"))
        );
        let mine: Vec<_> = parsed
            .iter()
            .filter(|(a, _, _)| &a.pipeline == pipeline && &a.task == task)
            .collect();
        for pair in mine.windows(2) {
            let (gap_from, gap_to) = (pair[0].2, pair[1].1);
            if gap_to > gap_from {
                let _ = write!(
                    body,
                    r#"<rect class="wait" x="{}" y="{}" width="{}" height="{}"><title>waiting to retry</title></rect>"#,
                    x(gap_from),
                    y + 5,
                    (x(gap_to) - x(gap_from)).max(1),
                    ROW_H - 12
                );
            }
        }
        for (a, start, end) in mine {
            let ms = (*end - *start).num_milliseconds();
            let _ = write!(
                body,
                r#"<rect class="bar {st}" data-task="{t}" x="{x}" y="{y}" width="{w}" height="{h}"><title>{t} attempt {n}: {st} ({ms} ms)</title></rect>"#,
                st = esc(&a.status),
                t = esc(&a.task),
                n = a.attempt,
                x = x(*start),
                y = y + 2,
                w = (x(*end) - x(*start)).max(2),
                h = ROW_H - 6,
            );
        }
    }
    let height = 12 + i64::try_from(rows.len()).unwrap_or(0) * ROW_H + 16;
    let _ = write!(
        body,
        r#"<text x="{LABEL_W}" y="{}" class="muted">{}</text><text x="{}" y="{}" text-anchor="end">+{} s</text>"#,
        height - 2,
        first.format("%H:%M:%S UTC"),
        LABEL_W + PLOT_W,
        height - 2,
        span / 1000
    );
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="gantt" role="img" aria-label="the run's attempts on a time line" width="{w}" height="{height}" viewBox="0 0 {w} {height}"><defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#b9c0c8" stroke-width="2"/></pattern></defs>{body}</svg>"##,
        w = LABEL_W + PLOT_W + 20,
    )
}
