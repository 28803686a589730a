//! The table printed when a run ends.

use super::duration;
use crate::run::report::RunReport;
use crate::run::status::RunStatus;

/// Task, stage, status, attempts, duration and a note, one row a task, then a
/// closing line with the outcome.
pub fn summary_table(report: &RunReport) -> String {
    let nested = report.tasks.iter().any(|t| t.pipeline != report.pipeline);
    let name = |t: &crate::run::report::TaskReport| {
        if nested && t.pipeline != report.pipeline {
            format!("{}/{}", t.pipeline, t.task)
        } else {
            t.task.clone()
        }
    };
    let header = ["TASK", "STAGE", "STATUS", "ATTEMPTS", "DURATION", "NOTE"];
    let rows: Vec<[String; 6]> = report
        .tasks
        .iter()
        .map(|t| {
            [
                name(t),
                t.stage.clone(),
                if t.restored {
                    format!("{} (RESTORED)", t.status.label().to_uppercase())
                } else {
                    t.status.label().to_uppercase()
                },
                if t.restored {
                    "-".to_string()
                } else {
                    t.attempts.to_string()
                },
                t.duration_ms.map_or_else(|| "-".into(), duration),
                t.message.as_deref().map(one_line).unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut push_row = |cells: [&str; 6]| {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i == 5 {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    push_row(header);
    for row in &rows {
        push_row([&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]]);
    }
    let status = match report.status {
        RunStatus::Succeeded if report.warnings.is_empty() => "succeeded".to_string(),
        RunStatus::Succeeded => format!("succeeded with {} warning(s)", report.warnings.len()),
        other => other.label().to_string(),
    };
    out.push_str(&format!(
        "\nrun {} {status} in {}: {}",
        report.run_id,
        duration(report.duration_ms),
        report.counts.describe()
    ));
    if let Some(reason) = &report.reason {
        out.push_str(&format!("\n{}", one_line(reason)));
    }
    out.push('\n');
    for w in &report.warnings {
        out.push_str(&format!("warning: {}\n", one_line(w)));
    }
    out.push_str(&format!("run folder: {}\n", report.run_dir.display()));
    out
}

fn one_line(text: &str) -> String {
    let flat = text.replace('\n', " ");
    if flat.chars().count() > 120 {
        format!("{}…", flat.chars().take(119).collect::<String>())
    } else {
        flat
    }
}
