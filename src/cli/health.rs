//! `pipec health`: each declared data source green, yellow or red, with its
//! age since its producer last succeeded. Exit 1 when anything is red.

use super::{exit, Format};
use chrono::{DateTime, Utc};
use pipec::clock::{Clock, SystemClock};
use pipec::compile::compile;
use pipec::health::{self, human_millis, Level, SourceHealth};
use pipec::store::{self, Store};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The `.pipe` file declaring the sources.
    file: PathBuf,
    /// Only this pipeline's sources.
    #[arg(long)]
    pipeline: Option<String>,
    /// The state database (default: `.pipec/state.db` beside the file).
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,
    /// Judge ages as of this RFC 3339 instant instead of now.
    #[arg(long)]
    now: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub(super) fn run(args: &Args) -> u8 {
    match check(args) {
        Ok((text, red)) => {
            print!("{text}");
            if red {
                exit::FAILED
            } else {
                exit::OK
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::USAGE
        }
    }
}

/// The sources of `file` as of `now`, from its store.
pub(super) fn sources(
    file: &std::path::Path,
    state: Option<&std::path::Path>,
    pipeline: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<SourceHealth>, String> {
    let compilation =
        compile(file).map_err(|e| format!("cannot read `{}`: {e}", file.display()))?;
    let program = compilation
        .program
        .filter(|_| {
            !compilation
                .diagnostics
                .iter()
                .any(pipec::diagnostic::Diagnostic::is_error)
        })
        .ok_or_else(|| format!("`{}` does not compile (see `pipec check`)", file.display()))?;
    if let Some(p) = pipeline {
        if program.find_pipeline(p).is_none() {
            return Err(format!("no pipeline `{p}` in `{}`", file.display()));
        }
    }
    let path = state.map_or_else(|| store::default_path(file), std::path::Path::to_path_buf);
    let db = Store::open(&path).map_err(|e| e.to_string())?;
    health::assess(&program, &db, pipeline, now).map_err(|e| e.to_string())
}

fn check(args: &Args) -> Result<(String, bool), String> {
    let now = match &args.now {
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| format!("`{s}` is not an RFC 3339 instant: {e}"))?,
        None => SystemClock.now(),
    };
    let all = sources(
        &args.file,
        args.state.as_deref(),
        args.pipeline.as_deref(),
        now,
    )?;
    let count = |l: Level| all.iter().filter(|s| s.level == l).count();
    let (green, yellow, red) = (count(Level::Green), count(Level::Yellow), count(Level::Red));
    let text = match args.format {
        Format::Json => {
            let v = serde_json::json!({
                "now": now,
                "sources": all,
                "summary": { "green": green, "yellow": yellow, "red": red },
            });
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n"
        }
        Format::Table => {
            let mut rows = vec![[
                "SOURCE".to_string(),
                "LEVEL".into(),
                "AGE".into(),
                "PRODUCER".into(),
                "GREEN ≤".into(),
                "YELLOW ≤".into(),
            ]];
            for s in &all {
                let age = match (s.age_millis, s.age_sessions) {
                    (None, _) => "never produced".to_string(),
                    (Some(ms), None) => human_millis(u64::try_from(ms).unwrap_or(0)),
                    (Some(ms), Some(n)) => format!(
                        "{} ({n} session{} closed)",
                        human_millis(u64::try_from(ms).unwrap_or(0)),
                        if n == 1 { "" } else { "s" }
                    ),
                };
                // A shared source is one line, with who produced it last;
                // a pipeline's own source is named with its pipeline.
                let (source, producer) = if s.shared {
                    (s.source.clone(), format!("{}/{}", s.pipeline, s.producer))
                } else {
                    (format!("{}/{}", s.pipeline, s.source), s.producer.clone())
                };
                rows.push([
                    source,
                    s.level.label().to_uppercase(),
                    age,
                    producer,
                    s.green.clone(),
                    s.yellow.clone(),
                ]);
            }
            let widths: Vec<usize> = (0..6)
                .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
                .collect();
            let mut out = String::new();
            for r in &rows {
                let cells: Vec<String> = r
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}"))
                    .collect();
                out.push_str(cells.join("  ").trim_end());
                out.push('\n');
            }
            out.push_str(&format!(
                "\n{} source(s): {green} green, {yellow} yellow, {red} red\n",
                all.len()
            ));
            out
        }
    };
    Ok((text, red > 0))
}
