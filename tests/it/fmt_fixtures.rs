//! `pipec fmt` over every `.pipe` file of the repository (the examples under
//! `pipelines/` and every fixture under `tests/`): formatting is idempotent,
//! keeps every comment, and never changes meaning. Meaning is checked twice:
//! the syntax trees without spans are equal, and the checked programs (IR) of
//! the file and of its formatted text are equal with every `"span"` removed.
//! Files that do not check clean have no IR: for them the diagnostics (codes
//! and messages) must be the same, and the syntax trees must be equal.
//! Plus snapshots of the formatted fixtures under `tests/fmt/`.

use pipec::compile::compile;
use pipec::format::verify::{comment_texts, fingerprint};
use pipec::format::{diff, format_source, FormatError};
use pipec::span::FileId;
use pipec::syntax::parse;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.pipe` file under `dir`, sorted; hidden entries are skipped.
fn pipe_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "pipe") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn all_files() -> Vec<PathBuf> {
    let mut files = pipe_files(&root().join("pipelines"));
    files.extend(pipe_files(&root().join("tests")));
    files
}

fn format(text: &str) -> Result<String, FormatError> {
    format_source(text, FileId(0))
}

fn is_refused_fixture(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "refused")
}

/// Removes every `"span"` key, at any depth: spans move, nothing else may.
fn without_spans(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("span");
            map.values_mut().for_each(without_spans);
        }
        Value::Array(items) => items.iter_mut().for_each(without_spans),
        _ => {}
    }
}

/// The IR as JSON without spans, or the diagnostics when it does not check.
fn meaning(path: &Path) -> Result<Value, Vec<String>> {
    let compilation = compile(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match &compilation.program {
        Some(program) if !compilation.has_errors() => {
            let mut value = serde_json::to_value(program).expect("the IR serializes");
            without_spans(&mut value);
            Ok(value)
        }
        _ => {
            // Messages may quote positions: digits are masked, and the order
            // (by position) does not count.
            let mut found: Vec<String> = compilation
                .diagnostics
                .iter()
                .map(|d| {
                    let message: String = d
                        .message
                        .chars()
                        .map(|c| if c.is_ascii_digit() { '#' } else { c })
                        .collect();
                    format!("{:?}: {message}", d.code)
                })
                .collect();
            found.sort();
            Err(found)
        }
    }
}

/// Compiles `formatted` as if it were `path` (written next to it, so imports
/// and relative paths resolve the same) and compares with `path`.
fn assert_same_meaning(path: &Path, formatted: &str) {
    let stem = path.file_stem().map_or("x".into(), |s| s.to_string_lossy());
    let twin = path.with_file_name(format!(".{stem}.fmt-test-{}.tmp", std::process::id()));
    std::fs::write(&twin, formatted).expect("write the formatted twin");
    let (before, after) = (meaning(path), meaning(&twin));
    let _ = std::fs::remove_file(&twin);
    assert_eq!(
        before,
        after,
        "{}: formatting changed the meaning",
        path.display()
    );
}

#[test]
fn every_pipe_file_formats_idempotently_without_changing_meaning() {
    let files = all_files();
    assert!(files.len() >= 6, "the fixtures are found: {files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read a fixture");
        let name = path.display();
        let parsed = parse(&text, FileId(0));
        let formatted = match format(&text) {
            Ok(formatted) => formatted,
            // Files that do not parse (other suites' error fixtures) are
            // refused, which is right; they must really not parse.
            Err(FormatError::Syntax(_)) => {
                assert!(
                    parsed.0.is_none() || !parsed.1.is_empty(),
                    "{name}: refused but parses"
                );
                continue;
            }
            // A comment the formatter cannot place is a refusal, not a bug;
            // only this suite's own fixtures must all format.
            Err(FormatError::Comment { offset, reason }) => {
                let own = path.starts_with(root().join("tests/fmt"));
                assert!(
                    !own || is_refused_fixture(&path),
                    "{name}: refused at byte {offset}: {reason}"
                );
                eprintln!("note: {name} is not formatted: comment at byte {offset}: {reason}");
                continue;
            }
            Err(FormatError::Internal(message)) => panic!("{name}: {message}"),
        };
        assert!(
            !is_refused_fixture(&path),
            "{name}: should have been refused"
        );
        assert_eq!(
            format(&formatted).as_ref(),
            Ok(&formatted),
            "{name}: not idempotent"
        );
        let original = parsed.0.expect("it formatted, so it parsed");
        let again = parse(&formatted, FileId(0)).0.expect("the output parses");
        assert_eq!(
            fingerprint(&original),
            fingerprint(&again),
            "{name}: syntax tree changed"
        );
        assert_eq!(
            comment_texts(&text),
            comment_texts(&formatted),
            "{name}: comments changed"
        );
        assert_same_meaning(&path, &formatted);
    }
}

/// The formatted text of every fixture of `tests/fmt/`, and the `--check`
/// diff of the messy one.
#[test]
fn snapshots_of_formatted_fixtures() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    let _scope = settings.bind_to_scope();
    for path in pipe_files(&root().join("tests/fmt")) {
        if is_refused_fixture(&path) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read a fixture");
        let stem = path.file_stem().map_or("x".into(), |s| s.to_string_lossy());
        let formatted = format(&text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        insta::assert_snapshot!(format!("fmt_{stem}"), formatted);
        if stem == "messy" {
            insta::assert_snapshot!(
                "fmt_messy_check_diff",
                diff::unified("messy.pipe", &text, &formatted)
            );
        }
    }
}

#[test]
fn refused_files_say_why() {
    let text = std::fs::read_to_string(root().join("tests/fmt/refused/comment_inside_policy.pipe"))
        .expect("read");
    match format(&text) {
        Err(FormatError::Comment { offset, .. }) => assert_eq!(&text[offset..offset + 6], "# this"),
        other => panic!("expected a comment refusal, got {other:?}"),
    }
    let broken =
        std::fs::read_to_string(root().join("tests/fmt/refused/syntax_error.pipe")).expect("read");
    assert!(matches!(format(&broken), Err(FormatError::Syntax(d)) if !d.is_empty()));
}

#[test]
fn literal_errors_are_not_formatted() {
    // Parses, but the time has no value: formatting would print 00:00.
    let text = "pipeline p { trigger t { at 25:00 } }";
    assert!(matches!(format(text), Err(FormatError::Syntax(_))));
}

#[test]
fn small_layout_rules() {
    let cases = [
        // A bodyless task stays bodyless; an empty body stays empty.
        (
            "pipeline p { stage s { task a task b {} } }",
            "pipeline p {\n  stage s {\n    task a\n    task b {}\n  }\n}\n",
        ),
        // Durations are respelled largest unit first.
        (
            "pipeline p { timeout 90s }",
            "pipeline p {\n  timeout 1m30s\n}\n",
        ),
        // A body written over several lines stays so even when it would fit.
        (
            "pipeline p { stage s { task a {\ntimeout 5s } } }",
            "pipeline p {\n  stage s {\n    task a {\n      timeout 5s\n    }\n  }\n}\n",
        ),
        // Blank-line runs collapse to one; none after `{` or before `}`.
        (
            "import \"a\"\n\n\n\nimport \"b\"\n",
            "import \"a\"\n\nimport \"b\"\n",
        ),
        (
            "pipeline p {\n\n  timeout 1s\n\n}",
            "pipeline p {\n  timeout 1s\n}\n",
        ),
        // Windows line endings and tabs.
        (
            "pipeline p {\r\n\ttimeout 1s # c\r\n\r\n\r\n\ttimeout 2s\r\n}\r\n",
            "pipeline p {\n  timeout 1s  # c\n\n  timeout 2s\n}\n",
        ),
        // Empty file, and a file of comments only.
        ("", ""),
        ("  # only\n\n\n# comments  \n", "# only\n\n# comments\n"),
    ];
    for (input, expected) in cases {
        assert_eq!(format(input).as_deref(), Ok(expected), "input: {input:?}");
    }
}

#[test]
fn long_lines_break() {
    let long = "x".repeat(40);
    let text =
        format!("handler h {{ returns {{ {long}: int, {long}b: [{{ {long}c: string }}] }} }}");
    let formatted = format(&text).expect("formats");
    assert_eq!(
        formatted,
        format!("handler h {{\n  returns {{\n    {long}: int,\n    {long}b: [{{\n      {long}c: string,\n    }}],\n  }}\n}}\n")
    );
    // The `and` operand of the `or` is too long too: its lines go one level
    // deeper than the `or` lines, as `and` binds tighter.
    let long = "y".repeat(45);
    let gate = format!(
        "pipeline p {{ stage s {{ gate g {{ ok({long}) and ok({long}) or failed({long}) }} }} }}"
    );
    let formatted = format(&gate).expect("formats");
    assert!(
        formatted.contains(&format!(
            "      ok({long})\n          and ok({long})\n        or failed({long})\n"
        )),
        "{formatted}"
    );
}
