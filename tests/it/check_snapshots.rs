//! Every file under `tests/check/` is one case: its rendered diagnostics are
//! snapshotted, files under `err/` must report the code their name starts
//! with, and files under `ok/` must report no error.

use crate::common;

use pipec::diagnostic::render::{render, Style};

#[test]
fn every_case_renders_its_diagnostics() {
    insta::glob!("..", "check/**/*.pipe", |path| {
        let compilation = common::compile(path);
        let rendered = render(
            &compilation.diagnostics,
            &compilation.sources,
            Style::Plain,
            100,
        );
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let in_err = path.parent().is_some_and(|p| p.ends_with("err"));
        if in_err {
            if let Some(expected) = name.split('_').next().filter(|c| is_code(c)) {
                let code = format!("pipe::{expected}");
                assert!(
                    compilation
                        .diagnostics
                        .iter()
                        .any(|d| d.code.as_str() == code),
                    "{name}: expected {code}, got:\n{rendered}"
                );
            } else {
                assert!(compilation.has_errors(), "{name}: expected errors");
            }
        } else {
            assert!(
                !compilation.has_errors(),
                "{name}: expected no error, got:\n{rendered}"
            );
        }
        common::settings().bind(|| insta::assert_snapshot!(rendered));
    });
}

/// `E014` or `W001`: the file is the example of that code.
fn is_code(word: &str) -> bool {
    word.len() == 4
        && (word.starts_with('E') || word.starts_with('W'))
        && word[1..].bytes().all(|b| b.is_ascii_digit())
}
