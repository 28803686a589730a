//! `pipec run`: runs a pipeline now, or prints its plan.

use super::exit;
use chrono::{DateTime, NaiveDate, Utc};
use clap::ValueEnum;
use pipec::clock::{Clock, FixedClock, SystemClock};
use pipec::compile::compile;
use pipec::diagnostic::render::{render, Style};
use pipec::notify::Dispatcher;
use pipec::run::view::{summary_table, LiveView, PlainView};
use pipec::run::{self as interp, JsonlWriter, Observer, RunOptions, RunStatus};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Interrupted by Ctrl-C or SIGTERM.
pub(super) const INTERRUPTED: u8 = 130;
/// How long a run waits, after its end, for its notifications to be delivered
/// (each delivery makes at most three attempts, 2 s and 10 s apart).
const NOTIFY_WAIT: Duration = Duration::from_secs(30);

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The `.pipe` file.
    file: PathBuf,
    /// The pipeline to run (default: the file's first).
    #[arg(long)]
    pipeline: Option<String>,
    /// Run only the stages this trigger runs.
    #[arg(long, conflicts_with = "stages")]
    trigger: Option<String>,
    /// Run only these stages: `a..b`, `a,b` or `all`.
    #[arg(long)]
    stages: Option<String>,
    /// The date day conditions and handlers see (YYYY-MM-DD; default today, UTC).
    #[arg(long, value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Freeze the clock gates read (`age`) at this RFC 3339 instant.
    #[arg(long, value_parser = parse_instant)]
    now: Option<DateTime<Utc>>,
    /// Print the plan and run nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also write every event as a JSON line to this file.
    #[arg(long)]
    events: Option<PathBuf>,
    /// The run folder (default: `.pipec/runs/<run_id>/` beside the pipeline file).
    #[arg(long)]
    run_dir: Option<PathBuf>,
    /// Milliseconds between SIGTERM and SIGKILL when stopping a task's processes.
    #[arg(long, default_value_t = 2000)]
    grace_ms: u64,
    /// How to show progress.
    #[arg(long, value_enum, default_value_t = View::Auto)]
    view: View,
    /// Run tasks whatever the market's state: `requires` is not enforced (the run records that it was not).
    #[arg(long)]
    ignore_market_state: bool,
    /// Run on an as-of date none of the pipeline's triggers fires on (a holiday of its calendar, say).
    #[arg(long)]
    any_day: bool,
    #[command(flatten)]
    durable: super::durable::DurableArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum View {
    /// Live on a terminal, lines otherwise.
    Auto,
    Live,
    Lines,
    /// Only the summary.
    Quiet,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("`{s}` is not a YYYY-MM-DD date: {e}"))
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("`{s}` is not an RFC 3339 instant: {e}"))
}

pub(super) fn run(args: &Args) -> u8 {
    let compilation = match compile(&args.file) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", args.file.display());
            return exit::USAGE;
        }
    };
    let Some(program) = compilation.program.filter(|_| {
        !compilation
            .diagnostics
            .iter()
            .any(pipec::diagnostic::Diagnostic::is_error)
    }) else {
        let style = Style::detect(std::io::stderr().is_terminal());
        eprint!(
            "{}",
            render(&compilation.diagnostics, &compilation.sources, style, 100)
        );
        eprintln!(
            "error: `{}` does not compile; nothing ran",
            args.file.display()
        );
        return exit::USAGE;
    };
    let pipeline_id = match &args.pipeline {
        Some(name) => match program.find_pipeline(name) {
            Some(id) => id,
            None => {
                let known: Vec<&str> = program.pipelines.iter().map(|p| p.name.as_str()).collect();
                eprintln!(
                    "error: no pipeline `{name}` (pipelines: {})",
                    known.join(", ")
                );
                return exit::USAGE;
            }
        },
        None => match root_pipeline(&program, &args.file) {
            Some(id) => id,
            None => {
                eprintln!("error: `{}` declares no pipeline", args.file.display());
                return exit::USAGE;
            }
        },
    };
    let pipeline = program.pipeline(pipeline_id);
    let stages = match (&args.trigger, &args.stages) {
        (Some(t), _) => interp::plan::trigger_stages(pipeline, t),
        (None, Some(s)) => interp::plan::select_stages(pipeline, s),
        (None, None) => interp::plan::select_stages(pipeline, "all"),
    };
    let stages = match stages {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let clock: Arc<dyn Clock> = match args.now {
        Some(now) => Arc::new(FixedClock(now)),
        None => Arc::new(SystemClock),
    };
    let as_of = args.as_of.unwrap_or_else(|| clock.now().date_naive());
    if args.dry_run {
        print!(
            "{}",
            interp::plan::render(&program, pipeline, &stages, as_of)
        );
        return exit::OK;
    }
    if let Err(e) = interp::Secrets::load(&program, pipeline_id) {
        eprintln!("error: {e}; nothing ran");
        return exit::USAGE;
    }
    // A resumed run keeps the day it was started for (accepted then).
    if !args.any_day && args.durable.resume.is_none() {
        if let Err(e) = pipec::run_day::check(&program, pipeline_id, args.trigger.as_deref(), as_of)
        {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    }
    let stale =
        match super::durable::stale(&args.durable, &args.file, &program, pipeline_id, &*clock) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        };
    let stages = match &stale {
        Some(s) if s.producers.is_empty() => {
            eprintln!("nothing is stale: no producer to run");
            return exit::OK;
        }
        Some(s) => {
            eprintln!("stale: {}", s.sources.join(", "));
            s.stages.clone()
        }
        None => stages,
    };
    let program = Arc::new(program);
    let state = (!args.durable.no_state).then(|| {
        args.durable
            .state
            .clone()
            .unwrap_or_else(|| pipec::store::default_path(&args.file))
    });
    // A notifier's missing secret, like a handler's, stops the run before it starts.
    let notices = match Dispatcher::new(program.clone(), &[pipeline_id], state, clock.clone()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let interrupt = interp::Interrupt::new();
    let durable = if args.durable.no_state {
        None
    } else {
        match super::durable::begin(
            &args.durable,
            &args.file,
            &program,
            pipeline_id,
            pipec::store::durable::trigger_label(
                args.trigger.as_deref(),
                args.stages.as_deref(),
                args.durable.stale,
            ),
            as_of,
            &*clock,
            interrupt.clone(),
            stale.as_ref(),
        ) {
            Ok(d) => Some(d),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        }
    };
    if let Some(note) = durable.as_ref().and_then(|d| d.note.as_ref()) {
        eprintln!("{note}");
    }
    // Without the store, the run's id is new; with it, the claimed run's.
    let fresh_id = interp::new_run_id(&*clock);
    let run_dir = match (&args.run_dir, &durable) {
        (Some(dir), _) => dir.clone(),
        (None, Some(d)) => d.run.default_folder(&args.file),
        (None, None) => pipec::store::durable::run_folder(&args.file, &fresh_id, 0),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return exit::USAGE;
        }
    };
    runtime.block_on(async {
        let mut options = RunOptions::new(pipeline_id, run_dir);
        options.stages = Some(stages);
        options.as_of = Some(as_of);
        options.run_id = Some(fresh_id);
        options.interrupt = interrupt;
        options.ignore_market_state = args.ignore_market_state;
        if let Some(d) = &durable {
            d.run.wire(&mut options);
            // `--stale` restores through its own wrapper of the recorder.
            options.memo = Some(d.memo.clone());
        }
        options.clock = clock;
        options.grace = Duration::from_millis(args.grace_ms);
        options.observers.push(notices.observer());
        let mut events_file = None;
        if let Some(path) = &args.events {
            match JsonlWriter::create(path) {
                Ok(w) => {
                    let w = Arc::new(w);
                    events_file = Some(w.clone());
                    options.observers.push(w);
                }
                Err(e) => {
                    eprintln!("error: cannot create `{}`: {e}", path.display());
                    return exit::USAGE;
                }
            }
        }
        let view = match args.view {
            View::Auto if std::io::stderr().is_terminal() => View::Live,
            View::Auto => View::Lines,
            other => other,
        };
        let live = (view == View::Live).then(LiveView::start);
        if let Some(l) = &live {
            options.observers.push(l.clone());
        } else if view == View::Lines {
            let plain: Arc<dyn Observer> =
                Arc::new(PlainView::new(std::io::BufWriter::new(std::io::stderr())));
            options.observers.push(plain);
        }
        listen_for_signals(options.interrupt.clone());
        adopt_orphans();
        let report = interp::execute(program, options).await;
        if let Some(l) = &live {
            l.finish();
        }
        // Notifications are sent while the run goes on; what is still under
        // way gets a bounded wait, so a failed run's alert leaves the machine.
        let undelivered = notices.flush(NOTIFY_WAIT).await;
        if undelivered > 0 {
            eprintln!("warning: {undelivered} notification(s) still being delivered when pipec stopped waiting");
        }
        let report = match report {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        };
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(summary_table(&report).as_bytes());
        let _ = stdout.flush();
        if let Some(e) = events_file.and_then(|w| w.error()) {
            eprintln!("warning: {e}");
        }
        if let Some(e) = durable.as_ref().and_then(|d| d.run.recorder.error()) {
            eprintln!("error: cannot record the run: {e}");
            return exit::USAGE;
        }
        match report.status {
            RunStatus::Succeeded => exit::OK,
            RunStatus::Failed => exit::FAILED,
            RunStatus::Interrupted => INTERRUPTED,
        }
    })
}

/// The first pipeline declared in the file itself (imports come after it in
/// the program only when they declare pipelines too).
fn root_pipeline(
    program: &pipec::ir::Program,
    file: &std::path::Path,
) -> Option<pipec::ir::PipelineId> {
    let dir = std::fs::canonicalize(file)
        .ok()
        .and_then(|f| f.parent().map(std::path::Path::to_path_buf));
    program
        .pipelines
        .iter()
        .position(|p| {
            dir.as_ref()
                .is_some_and(|d| std::fs::canonicalize(&p.base_dir).ok().as_ref() == Some(d))
        })
        .or((!program.pipelines.is_empty()).then_some(0))
        .map(|i| pipec::ir::PipelineId(i as u32))
}

/// Ctrl-C and SIGTERM stop the run: no new tasks, running ones get the grace
/// period, the run ends interrupted (exit 130).
fn listen_for_signals(interrupt: interp::Interrupt) {
    use tokio::signal::unix::{signal, SignalKind};
    for (kind, name) in [
        (SignalKind::interrupt(), "SIGINT"),
        (SignalKind::terminate(), "SIGTERM"),
    ] {
        let Ok(mut stream) = signal(kind) else {
            continue;
        };
        let interrupt = interrupt.clone();
        tokio::spawn(async move {
            if stream.recv().await.is_some() {
                interrupt.interrupt(name);
            }
        });
    }
}

/// Handlers' detached descendants are handed to pipec, which ends them with
/// their task (see `pipec::run::adopt_orphans`). Where that is impossible
/// (not Linux), tasks end with their process group: say so once.
pub(crate) fn adopt_orphans() {
    if let Err(e) = interp::adopt_orphans() {
        eprintln!("warning: {e}; a task's processes that leave its process group may outlive it");
    }
}
