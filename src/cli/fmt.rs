//! `pipec fmt`: rewrite `.pipe` files in the canonical layout, or, with
//! `--check`, only say (as a diff) what would change.

use super::exit;
use pipec::diagnostic::render::{render, Style};
use pipec::format::{diff, format_file, FormatError, Formatted};
use pipec::source::SourceMap;
use pipec::span::FileId;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Files, or folders to format every `.pipe` file under; `-` formats stdin to stdout.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Change nothing: print a unified diff of what would change, and exit 1 if anything would.
    #[arg(long)]
    check: bool,
}

/// What happened to one file; the worst decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Unchanged,
    Changed,
    /// Not formatted: a syntax error or a comment it cannot place.
    Refused,
    Io,
}

pub(super) fn run(args: &Args) -> u8 {
    let mut outcomes = Vec::new();
    for path in &args.paths {
        if path.as_os_str() == "-" {
            outcomes.push(stdin(args.check));
            continue;
        }
        match files_under(path) {
            Ok(files) => outcomes.extend(files.iter().map(|f| file(f, args.check))),
            Err(error) => {
                eprintln!("error: cannot read `{}`: {error}", path.display());
                outcomes.push(Outcome::Io);
            }
        }
    }
    let changed = outcomes.iter().filter(|o| **o == Outcome::Changed).count();
    if changed > 0 && args.paths.iter().any(|p| p.as_os_str() != "-") {
        let verb = if args.check {
            "would reformat"
        } else {
            "reformatted"
        };
        let files = if changed == 1 { "file" } else { "files" };
        eprintln!("{verb} {changed} of {} {files}", outcomes.len());
    }
    match outcomes.iter().max() {
        Some(Outcome::Io) => exit::USAGE,
        Some(Outcome::Refused) => exit::FAILED,
        Some(Outcome::Changed) if args.check => exit::FAILED,
        _ => exit::OK,
    }
}

/// `path` itself when it is a file; every `.pipe` file under it, sorted, when
/// it is a folder. Hidden entries and symbolic links to folders are skipped.
fn files_under(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !std::fs::metadata(path)?.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type()?;
            let full = entry.path();
            if kind.is_dir() {
                pending.push(full);
            } else if full.extension().is_some_and(|e| e == "pipe") && !kind.is_dir() {
                found.push(full);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn file(path: &Path, check: bool) -> Outcome {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: cannot read `{}`: {error}", path.display());
            return Outcome::Io;
        }
    };
    let formatted = match formatted(path, &text) {
        Some(Formatted::Changed(formatted)) => formatted,
        Some(Formatted::Unchanged) => return Outcome::Unchanged,
        None => return Outcome::Refused,
    };
    if check {
        // Not `print!`: it panics when stdout is closed (`fmt --check | head`).
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        let written =
            diff::write_unified(&mut stdout, &path.display().to_string(), &text, &formatted)
                .and_then(|()| stdout.flush());
        if let Err(error) = written {
            eprintln!("error: cannot write stdout: {error}");
            return Outcome::Io;
        }
        return Outcome::Changed;
    }
    match write_atomically(path, &formatted) {
        Ok(()) => Outcome::Changed,
        Err(error) => {
            eprintln!("error: cannot write `{}`: {error}", path.display());
            Outcome::Io
        }
    }
}

fn stdin(check: bool) -> Outcome {
    let mut text = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("error: cannot read stdin: {error}");
        return Outcome::Io;
    }
    let (formatted, changed) = match formatted(Path::new("<stdin>"), &text) {
        Some(Formatted::Changed(formatted)) => (formatted, true),
        Some(Formatted::Unchanged) => (text.clone(), false),
        None => return Outcome::Refused,
    };
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let written = if check {
        diff::write_unified(&mut stdout, "<stdin>", &text, &formatted)
    } else {
        stdout.write_all(formatted.as_bytes())
    };
    if let Err(error) = written.and_then(|()| stdout.flush()) {
        eprintln!("error: cannot write stdout: {error}");
        return Outcome::Io;
    }
    if changed {
        Outcome::Changed
    } else {
        Outcome::Unchanged
    }
}

/// The file formatted, or `None` after telling why it is left alone. The
/// text is copied into a source map only to quote it in an error: a copy of
/// a big file would double what formatting it costs.
fn formatted(path: &Path, text: &str) -> Option<Formatted> {
    let id = FileId(0);
    let error = match format_file(text, id) {
        Ok(formatted) => return Some(formatted),
        Err(error) => error,
    };
    let mut sources = SourceMap::new();
    sources.add(path.to_path_buf(), text.to_string());
    match error {
        FormatError::Syntax(diagnostics) => {
            let stderr = std::io::stderr();
            let style = Style::detect(stderr.is_terminal());
            eprint!("{}", render(&diagnostics, &sources, style, 100));
            eprintln!(
                "error: `{}` was not formatted: it has syntax errors",
                path.display()
            );
            None
        }
        FormatError::Comment { offset, reason } => {
            let at = sources.get(id).position(offset);
            eprintln!(
                "error: `{}` was not formatted: cannot keep the comment at {}:{}: {reason}; move it before or after the setting",
                path.display(),
                at.line,
                at.column
            );
            None
        }
        FormatError::Internal(message) => {
            eprintln!(
                "error: `{}` was not formatted: {message} (a pipec bug; please report it with the file)",
                path.display()
            );
            None
        }
    }
}

/// Writes a temporary file next to `path` and renames it over `path`, so a
/// crash or a full disk leaves either the old text or the new, never half.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    // Through a symbolic link, replace the file it points to, not the link.
    let real = std::fs::canonicalize(path)?;
    let path = real.as_path();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy());
    let temp = dir.join(format!(".{name}.pipec-fmt-{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        // Keep the original's permissions.
        let permissions = std::fs::metadata(path)?.permissions();
        std::fs::set_permissions(&temp, permissions)?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
