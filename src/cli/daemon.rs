//! `pipec daemon`: fires the triggers of the given pipeline files in market
//! time until SIGTERM or SIGINT.

use super::exit;
use pipec::compile::compile;
use pipec::daemon::{run_daemon, DaemonOptions, SystemTimer, Target};
use pipec::ir::PipelineId;
use pipec::store;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The `.pipe` files whose triggers to fire.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The state database (default: `.pipec/state.db` beside the first file).
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,
    /// Record each firing when it comes, and run nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: &Args) -> u8 {
    let mut targets = Vec::new();
    for file in &args.files {
        let compilation = match compile(file) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", file.display());
                return exit::USAGE;
            }
        };
        let Some(program) = compilation
            .program
            .filter(|_| !compilation.diagnostics.iter().any(|d| d.is_error()))
        else {
            eprintln!(
                "error: `{}` does not compile (see `pipec check`)",
                file.display()
            );
            return exit::USAGE;
        };
        let pipelines: Vec<PipelineId> = (0..program.pipelines.len())
            .map(|i| PipelineId(i as u32))
            .filter(|id| !program.pipeline(*id).triggers.is_empty())
            .collect();
        // A secret missing now would fail every firing later: say so at once.
        for &id in &pipelines {
            if let Err(e) = pipec::run::Secrets::load(&program, id) {
                eprintln!("error: `{}`: {e}", file.display());
                return exit::USAGE;
            }
        }
        targets.push(Target {
            file: file.clone(),
            program: Arc::new(program),
            pipelines,
        });
    }
    let state = args
        .state
        .clone()
        .unwrap_or_else(|| store::default_path(&args.files[0]));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return exit::USAGE;
        }
    };
    super::run::adopt_orphans();
    runtime.block_on(async {
        let (tx, rx) = tokio::sync::watch::channel(false);
        listen_for_signals(tx);
        let options = DaemonOptions {
            state: state.clone(),
            timer: Arc::new(SystemTimer),
            dry_run: args.dry_run,
            until: None,
            stop: rx,
            on_firing: Some(Arc::new(|f, status| {
                eprintln!(
                    "{} {}/{}: {status}",
                    f.at.with_timezone(&f.zone).format("%Y-%m-%d %H:%M:%S %Z"),
                    f.pipeline,
                    f.trigger
                );
            })),
        };
        eprintln!("pipec daemon: driving `{}`", state.display());
        match run_daemon(targets, options).await {
            Ok(report) => {
                eprintln!(
                    "pipec daemon stopped: {} fired, {} missed, {} overlapped",
                    report.fired, report.missed, report.overlapped
                );
                exit::OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                exit::USAGE
            }
        }
    })
}

fn listen_for_signals(tx: tokio::sync::watch::Sender<bool>) {
    use tokio::signal::unix::{signal, SignalKind};
    let tx = Arc::new(tx);
    for kind in [SignalKind::interrupt(), SignalKind::terminate()] {
        let Ok(mut stream) = signal(kind) else {
            continue;
        };
        let tx = tx.clone();
        tokio::spawn(async move {
            if stream.recv().await.is_some() {
                let _ = tx.send(true);
            }
        });
    }
}
