//! `pipec next`: the coming firings of a pipeline's triggers.

use super::{exit, when, Format};
use pipec::clock::{Clock, SystemClock};
use pipec::compile::compile;
use pipec::diagnostic::render::{render, Style};
use pipec::firings::timeline;
use pipec::ir::PipelineId;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The `.pipe` file.
    file: PathBuf,
    /// How many firings to show (default 20; 1000 with `--to`).
    #[arg(short = 'n', long)]
    count: Option<usize>,
    /// Start here instead of now (`2026-03-06`, `2026-03-06T09:00`, RFC 3339), in the pipeline's zone.
    #[arg(long)]
    from: Option<String>,
    /// Stop here (exclusive).
    #[arg(long)]
    to: Option<String>,
    /// Only this pipeline (default: every pipeline of the file).
    #[arg(long)]
    pipeline: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub(super) fn run(args: &Args) -> u8 {
    let compilation = match compile(&args.file) {
        Ok(c) => c,
        Err(error) => {
            eprintln!("error: cannot read `{}`: {error}", args.file.display());
            return exit::USAGE;
        }
    };
    let Some(program) = &compilation.program else {
        let style = Style::detect(std::io::stderr().is_terminal());
        eprint!(
            "{}",
            render(&compilation.diagnostics, &compilation.sources, style, 100)
        );
        return exit::FAILED;
    };
    let ids: Vec<PipelineId> = match &args.pipeline {
        Some(name) => match program.find_pipeline(name) {
            Some(id) => vec![id],
            None => {
                eprintln!("error: `{}` has no pipeline `{name}`", args.file.display());
                return exit::USAGE;
            }
        },
        None => (0..program.pipelines.len() as u32)
            .map(PipelineId)
            .filter(|id| program.pipeline(*id).span.file.0 == 0)
            .collect(),
    };
    let zone: chrono_tz::Tz = ids
        .first()
        .map_or(chrono_tz::UTC, |id| program.pipeline(*id).timezone);
    let now = SystemClock.now();
    let parse = |text: &Option<String>| {
        text.as_deref()
            .map(|t| when::parse_instant(t, zone, now))
            .transpose()
    };
    let (from, to) = match (parse(&args.from), parse(&args.to)) {
        (Ok(from), Ok(to)) => (from.unwrap_or(now), to),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let limit = args.count.unwrap_or(if to.is_some() { 1000 } else { 20 });
    // `--from` is inclusive: look from just before it.
    let after = from - chrono::Duration::nanoseconds(1);
    let firings = match timeline(program, &ids, after, to, limit) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&firings) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        },
        Format::Table => {
            let mut table = super::table::Table::new(&[
                "WHEN (UTC)",
                "MARKET TIME",
                "LOCAL TIME",
                "PIPELINE",
                "TRIGGER",
                "RUNS",
            ]);
            for f in &firings {
                table.row(vec![
                    f.at.format("%a %Y-%m-%d %H:%M:%S").to_string(),
                    f.at.with_timezone(&f.zone)
                        .format("%H:%M:%S %Z")
                        .to_string(),
                    f.at.with_timezone(&chrono::Local)
                        .format("%H:%M:%S %:z")
                        .to_string(),
                    f.pipeline.clone(),
                    f.trigger.clone(),
                    stage_summary(&f.stages),
                ]);
            }
            print!("{}", table.render());
            if firings.is_empty() {
                println!("(no firings)");
            }
        }
    }
    exit::OK
}

fn stage_summary(stages: &[String]) -> String {
    match stages {
        [] => "-".into(),
        [one] => one.clone(),
        [first, .., last] if stages.len() > 3 => {
            format!("{first}..{last} ({} stages)", stages.len())
        }
        _ => stages.join(", "),
    }
}

/// `2h 5m`, `45s`: how long until something happens.
pub(super) fn human_wait(delta: chrono::Duration) -> String {
    let seconds = delta.num_seconds().max(0);
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h {m}m"),
    }
}
