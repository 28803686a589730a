//! `pipec next`: the coming firings of a pipeline's triggers.

use super::{exit, when, Format};
use pipec::clock::{Clock, SystemClock};
use pipec::compile::compile;
use pipec::diagnostic::render::{render, Style};
use pipec::firings::{each_firing, Firing, TimelineError};
use pipec::ir::PipelineId;
use std::io::{IsTerminal, Write};
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
    // Streamed: however many firings there are, only a few are held at once.
    let each = |f: &mut dyn FnMut(Firing)| each_firing(program, &ids, after, to, limit, f);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match args.format {
        Format::Json => write_json(&mut out, each),
        Format::Table => write_table(&mut out, each),
    };
    match written {
        Ok(()) => exit::OK,
        Err(Failure::Timeline(e)) => {
            eprintln!("error: {e}");
            exit::USAGE
        }
        // The reader went away (`pipec next … | head`): nothing more to say.
        Err(Failure::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(Failure::Output(e)) => {
            eprintln!("error: cannot write the firings: {e}");
            exit::USAGE
        }
    }
}

enum Failure {
    Timeline(TimelineError),
    Output(std::io::Error),
}

/// Streams the firings given by `each` to `out`, feeding `f` each one, and
/// stops at the first write error.
fn stream(
    each: impl Fn(&mut dyn FnMut(Firing)) -> Result<(), TimelineError>,
    mut f: impl FnMut(&Firing) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let mut failed = None;
    each(&mut |firing| {
        if failed.is_none() {
            if let Err(e) = f(&firing) {
                failed = Some(e);
            }
        }
    })
    .map_err(Failure::Timeline)?;
    failed.map_or(Ok(()), |e| Err(Failure::Output(e)))
}

/// The same text as pretty-printing the whole list, one firing at a time.
fn write_json(
    out: &mut impl Write,
    each: impl Fn(&mut dyn FnMut(Firing)) -> Result<(), TimelineError>,
) -> Result<(), Failure> {
    let mut first = true;
    stream(each, |firing| {
        let json = serde_json::to_string_pretty(firing).map_err(std::io::Error::other)?;
        out.write_all(if first { b"[\n" } else { b",\n" })?;
        first = false;
        // A JSON text has no newline inside a string: indenting by line is safe.
        for (i, line) in json.lines().enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(b"  ")?;
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    })?;
    let end: &[u8] = if first { b"[]\n" } else { b"\n]\n" };
    out.write_all(end).map_err(Failure::Output)?;
    out.flush().map_err(Failure::Output)
}

/// Two passes over the timeline: the first measures the columns, the second
/// prints; neither keeps the firings.
fn write_table(
    out: &mut impl Write,
    each: impl Fn(&mut dyn FnMut(Firing)) -> Result<(), TimelineError>,
) -> Result<(), Failure> {
    let header: Vec<String> = [
        "WHEN (UTC)",
        "MARKET TIME",
        "LOCAL TIME",
        "PIPELINE",
        "TRIGGER",
        "RUNS",
    ]
    .iter()
    .map(|h| (*h).to_string())
    .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    let mut any = false;
    stream(&each, |firing| {
        any = true;
        for (w, cell) in widths.iter_mut().zip(cells(firing)) {
            *w = (*w).max(cell.chars().count());
        }
        Ok(())
    })?;
    out.write_all(super::table::line(&widths, &header).as_bytes())
        .map_err(Failure::Output)?;
    stream(&each, |firing| {
        out.write_all(super::table::line(&widths, &cells(firing)).as_bytes())
    })?;
    if !any {
        out.write_all(b"(no firings)\n").map_err(Failure::Output)?;
    }
    out.flush().map_err(Failure::Output)
}

fn cells(f: &Firing) -> Vec<String> {
    vec![
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
    ]
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
