//! Helpers shared by the integration tests.
#![allow(dead_code)]

use pipec::compile::{compile_as_of, Compilation};
use std::path::{Path, PathBuf};

/// The repository root: paths in diagnostics and snapshots are relative to it.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `path` relative to the repository root, so snapshots do not depend on
/// where the checkout is.
pub(crate) fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(root())
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// The day tests compile as of, so look-ahead checks do not drift with the clock.
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("a valid date")
}

/// Compiles `path` by its path relative to the repository root, which is the
/// tests' working directory (cargo runs them there), so the paths in
/// diagnostics and IR snapshots are relative.
pub(crate) fn compile(path: &Path) -> Compilation {
    compile_as_of(&relative(path), today())
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Parses and, when the parse succeeds, checks `text` as one file: what a
/// `pipec check` does, without the file system. The diagnostics, sorted.
pub(crate) fn check_text(text: &str) -> Vec<pipec::diagnostic::Diagnostic> {
    use pipec::diagnostic::Diagnostics;
    use pipec::span::FileId;
    let (ast, found) = pipec::syntax::parse(text, FileId(0));
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(found);
    if let Some(ast) = ast {
        let mut sources = pipec::source::SourceMap::new();
        sources.add("text.pipe".into(), text.to_string());
        let mut loaded = pipec::loader::Loaded::default();
        loaded.sources = sources;
        loaded.files = vec![(FileId(0), ast)];
        pipec::check::check(&mut loaded, today(), &mut diagnostics)
            .expect("a file parsed whole leaves no stage body to parse");
    }
    diagnostics.into_sorted()
}

/// Snapshots live in the top-level `snapshots/` folder.
pub(crate) fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(true);
    settings
}

/// The binary under test, run from the repository's root.
pub(crate) fn pipec() -> std::process::Command {
    let mut command = binary();
    command.current_dir(root());
    command
}

/// `pipec <args>` from the repository's root, in UTC, which must succeed:
/// what it printed.
pub(crate) fn stdout_of(args: &[&str]) -> String {
    let output = pipec()
        .env("TZ", "UTC")
        .args(args)
        .output()
        .expect("pipec runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

/// The binary under test, without colour: every test starts pipec here.
pub(crate) fn binary() -> std::process::Command {
    let mut command = tool(env!("CARGO_BIN_EXE_pipec"));
    command.env("NO_COLOR", "1");
    command
}

/// A program a test runs: pipec through `binary`, or one that checks its
/// output (`promtool`). The one place tests start processes.
#[allow(clippy::disallowed_methods)]
pub(crate) fn tool(program: &str) -> std::process::Command {
    std::process::Command::new(program)
}

/// A fresh folder under the target directory holding `main.pipe`: where a
/// test runs the binary. The areas' fixtures (`run_common`,
/// `durable_common`) build on it.
pub(crate) struct Project {
    pub(crate) dir: PathBuf,
}

impl Project {
    pub(crate) fn new(area: &str, name: &str, pipe: &str) -> Project {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(area)
            .join(format!("{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("main.pipe"), pipe).unwrap();
        Project { dir }
    }

    /// Writes an executable script under the folder.
    pub(crate) fn script(&self, rel: &str, text: &str) -> &Self {
        use std::os::unix::fs::PermissionsExt;
        let path = self.write(rel, text);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        self
    }

    /// Writes a file under the folder; its path.
    pub(crate) fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// `pipec <args>` in the folder.
    pub(crate) fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = binary();
        command.current_dir(&self.dir).args(args);
        command
    }
}

/// What `find` still finds after waiting up to 2 s for it to find nothing:
/// processes a test expected gone. Each is killed, so a failing test leaves
/// nothing running behind it.
pub(crate) fn still_running_after(mut find: impl FnMut() -> Vec<u32>) -> Vec<u32> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let mut left = find();
    while !left.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        left = find();
    }
    for &pid in &left {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    left
}
