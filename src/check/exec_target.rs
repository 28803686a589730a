//! An `exec` handler's program, looked at when the file is checked: a path
//! that is there but cannot run is an error (`pipe::E025`, with the fix); a
//! path that is not there yet is a warning (`pipe::W008`): a build or deploy
//! step may still put it there. A bare name (`python3`) is looked up on
//! `PATH` when the task runs, on the machine that runs it, and is not judged
//! here.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::syntax::ast::Spanned;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

pub(super) fn check(program: &Spanned<String>, dir: &Path, diagnostics: &mut Diagnostics) {
    let text = &program.node;
    if !text.contains('/') {
        return;
    }
    let path = crate::run::executor::process::program_path(dir, text);
    // As the user would type it from here, not the absolute path.
    let shown = if Path::new(text).is_absolute() {
        Path::new(text).to_path_buf()
    } else {
        dir.join(text)
    };
    let shown = shown.display();
    match std::fs::metadata(&path) {
        Err(_) => diagnostics.push(
            Diagnostic::new(Code::ProgramNotFound, format!("`{text}` does not exist"))
                .label(program.span, format!("not found at {shown}"))
                .help(match sibling(&path, text) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "a relative path is read from the folder of the file that declares \
                             the handler; fix the path, or ignore this if a build step creates the program"
                        .to_string(),
                }),
        ),
        Ok(meta) if meta.is_dir() => diagnostics.push(
            Diagnostic::new(Code::ProgramCannotRun, format!("`{text}` is a folder"))
                .label(program.span, "a folder, not a program")
                .help("name the program inside it"),
        ),
        Ok(meta) if meta.permissions().mode() & 0o111 == 0 => diagnostics.push(
            Diagnostic::new(Code::ProgramCannotRun, format!("`{text}` is not executable"))
                .label(program.span, "tasks running this handler would fail with \"Permission denied\"")
                .help(format!("make it executable: `chmod +x {shown}`")),
        ),
        Ok(_) => {}
    }
}

/// A file beside where the program was looked for, named nearly like it
/// (`fetch_pricse.sh` for `fetch_prices.sh`), written as the user wrote theirs.
fn sibling(path: &Path, text: &str) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let entries: Vec<String> = std::fs::read_dir(path.parent()?)
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    let near = super::suggest::nearest(name, entries.iter().map(String::as_str))?;
    Some(format!("{}{near}", text.strip_suffix(name)?))
}
