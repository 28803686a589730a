//! `pipec daemon`: fires the triggers of the given pipeline files in market
//! time until SIGTERM or SIGINT.

use super::exit;
use pipec::clock::{Clock, SystemClock};
use pipec::compile::compile;
use pipec::daemon::{run_daemon, DaemonOptions, Target};
use pipec::ir::PipelineId;
use pipec::notify::Dispatcher;
use pipec::service::{Auth, Service};
use pipec::store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The `.pipe` files whose triggers to fire.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The state database (default: `.pipec/state.db` beside the first file).
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,
    /// Record each firing when it comes, and run nothing.
    #[arg(long)]
    dry_run: bool,
    /// Serve the operations API, /metrics and health checks at HOST:PORT (or PORT, on 127.0.0.1). Needs a token: PIPEC_API_TOKEN or --token-file.
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// A file holding the API's bearer token (instead of PIPEC_API_TOKEN).
    #[arg(long, value_name = "PATH", requires = "listen")]
    token_file: Option<PathBuf>,
    /// Let reads (GET) through without the token; writes still need it.
    #[arg(long, requires = "listen")]
    public_read: bool,
}

pub(super) fn run(args: &Args) -> u8 {
    let mut targets = Vec::new();
    let state = args
        .state
        .clone()
        .unwrap_or_else(|| store::default_path(&args.files[0]));
    for file in &args.files {
        let compilation = match compile(file) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", file.display());
                return exit::USAGE;
            }
        };
        let Some(program) = compilation.program.filter(|_| {
            !compilation
                .diagnostics
                .iter()
                .any(pipec::diagnostic::Diagnostic::is_error)
        }) else {
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
        let program = Arc::new(program);
        let notices = match Dispatcher::new(
            program.clone(),
            &pipelines,
            Some(state.clone()),
            Arc::new(SystemClock),
        ) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: `{}`: {e}", file.display());
                return exit::USAGE;
            }
        };
        targets.push(Target {
            file: file.clone(),
            program,
            pipelines,
            notices,
        });
    }
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
    let token = match &args.listen {
        Some(_) => match api_token(args) {
            Ok(token) => Some(token),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        },
        None => None,
    };
    super::run::adopt_orphans();
    let service_targets: Vec<Arc<Target>> = targets.iter().cloned().map(Arc::new).collect();
    let service_targets_for_next = service_targets.clone();
    runtime.block_on(async {
        let (tx, rx) = tokio::sync::watch::channel(false);
        listen_for_signals(tx);
        let alive = Arc::new(AtomicBool::new(true));
        if let (Some(addr), Some(token)) = (&args.listen, token) {
            let listener = match tokio::net::TcpListener::bind(listen_address(addr)).await {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("error: cannot listen on `{addr}`: {e}");
                    return exit::USAGE;
                }
            };
            if let Ok(local) = listener.local_addr() {
                eprintln!("pipec daemon: listening on http://{local}");
            }
            let service = Arc::new(Service {
                targets: service_targets,
                state: state.clone(),
                auth: Auth::new(token, args.public_read),
                clock: Arc::new(SystemClock),
                started: SystemClock.now(),
                alive: alive.clone(),
                grace: std::time::Duration::from_secs(2),
            });
            let stop = rx.clone();
            tokio::spawn(async move {
                if let Err(e) = pipec::service::serve(listener, service, stop).await {
                    eprintln!("error: the API server stopped: {e}");
                }
            });
        }
        let options = DaemonOptions {
            state: state.clone(),
            clock: Arc::new(SystemClock),
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
        if let Some(next) = next_firing(&service_targets_for_next) {
            eprintln!("pipec daemon: next firing {next}");
        }
        let result = run_daemon(targets, options).await;
        // Runs started through the API stop like the daemon's own: their
        // tasks get the grace period, and each records that it was interrupted.
        let left = pipec::store::durable::stop_all(
            "the daemon is stopping",
            std::time::Duration::from_secs(10),
        )
        .await;
        if left > 0 {
            eprintln!("warning: {left} run(s) had not recorded their end when the daemon stopped");
        }
        alive.store(false, Ordering::SeqCst);
        match result {
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

/// `PORT` alone listens on loopback: the API is never open to the network
/// unless an address says so.
fn listen_address(addr: &str) -> String {
    if addr.chars().all(|c| c.is_ascii_digit()) {
        format!("127.0.0.1:{addr}")
    } else {
        addr.to_string()
    }
}

/// The bearer token: `--token-file` or `PIPEC_API_TOKEN`; never empty.
fn api_token(args: &Args) -> Result<String, String> {
    let token = match &args.token_file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the token file `{}`: {e}", path.display()))?
            .trim()
            .to_string(),
        None => std::env::var("PIPEC_API_TOKEN").unwrap_or_default(),
    };
    if token.len() < 16 {
        return Err(
            "--listen needs a bearer token of at least 16 characters: set PIPEC_API_TOKEN or --token-file"
                .to_string(),
        );
    }
    Ok(token)
}

/// `trading_day/PREMARKET at 2026-12-01 06:00:00 EST`: the first firing to come.
fn next_firing(targets: &[Arc<Target>]) -> Option<String> {
    let now = SystemClock.now();
    targets
        .iter()
        .filter_map(|t| {
            pipec::firings::timeline(&t.program, &t.pipelines, now, None, 1)
                .ok()?
                .into_iter()
                .next()
        })
        .min_by_key(|f| f.at)
        .map(|f| {
            format!(
                "{}/{} at {}",
                f.pipeline,
                f.trigger,
                f.at.with_timezone(&f.zone).format("%Y-%m-%d %H:%M:%S %Z")
            )
        })
}
