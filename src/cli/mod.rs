//! The command line: one module per subcommand, each a thin client of the library.

mod calendar;
mod check;
mod daemon;
mod durable;
mod fmt;
mod graph;
mod health;
mod next;
mod run;
mod status;
mod table;
mod when;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// pipec: compile, check, draw and run trading-operations pipelines.
#[derive(Debug, Parser)]
#[command(name = "pipec", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Also let pipelines read imports, date lists and calendar files below DIR (by default only the project's own: the nearest folder with `.pipec-project` or `.git`, else the file's folder).
    #[arg(long, global = true, value_name = "DIR")]
    allow_path: Vec<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check pipelines and report every problem (exit 1 on errors).
    Check(check::Args),
    /// Run a pipeline now, or print its plan with --dry-run.
    Run(run::Args),
    /// Draw pipelines as a Mermaid flowchart or a Graphviz DOT digraph.
    Graph(graph::Args),
    /// Show an exchange calendar's month, or a market's state and next transition.
    Calendar(calendar::Args),
    /// List the coming firings of a pipeline's triggers, in market and local time.
    Next(next::Args),
    /// Show recorded runs, their states and the tasks that failed and why.
    Status(status::Args),
    /// Each data source green, yellow or red by its age (exit 1 when any is red).
    Health(health::Args),
    /// Fire the triggers of pipeline files in market time until SIGTERM; with --listen, serve the operations API.
    Daemon(daemon::Args),
    /// Rewrite .pipe files in the canonical layout (--check: only show the diff).
    Fmt(fmt::Args),
}

/// Output of the commands that print tables.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

/// Exit codes shared by every subcommand.
pub(crate) mod exit {
    /// Success; warnings allowed.
    pub(crate) const OK: u8 = 0;
    /// Errors found, or the run failed.
    pub(crate) const FAILED: u8 = 1;
    /// Bad usage or an I/O error.
    pub(crate) const USAGE: u8 = 2;
}

/// `pipec calendar XNYS --from … | head`: when the reader goes away, a command
/// that only prints ends silently with 141 (128 + SIGPIPE), as Unix tools do.
/// Rust ignores SIGPIPE, so `println!` panics on the closed pipe; that one
/// panic is turned into the quiet exit, every other panic is reported as
/// usual. `run` and `daemon` are left alone: they own handlers and sockets.
fn die_quietly_on_a_closed_pipe() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        report(info);
    }));
}

pub(crate) fn main() -> ExitCode {
    let cli = Cli::parse();
    pipec::project::allow(cli.allow_path);
    let prints_only = !matches!(cli.command, Command::Run(_) | Command::Daemon(_));
    if prints_only {
        die_quietly_on_a_closed_pipe();
    }
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Calendar(args) => calendar::run(&args),
        Command::Next(args) => next::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Health(args) => health::run(&args),
        Command::Daemon(args) => daemon::run(&args),
    };
    ExitCode::from(code)
}
