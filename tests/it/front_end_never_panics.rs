//! Arbitrary input never panics the front end: random bytes, and real files
//! cut, spliced and mutated (which reach deeper than random bytes do).

use crate::common;

use proptest::prelude::*;

/// Everything a `pipec check` of one file does, without the file system:
/// parse, check, and render the diagnostics both ways.
fn front_end(text: &str) {
    use pipec::diagnostic::render::{render, Style};
    let diagnostics = common::check_text(text);
    let mut sources = pipec::source::SourceMap::new();
    sources.add("text.pipe".into(), text.to_string());
    for style in [Style::Plain, Style::Fancy] {
        render(&diagnostics, &sources, style, 100);
    }
}

fn corpus() -> Vec<String> {
    let mut texts = Vec::new();
    for dir in ["tests/check/ok", "tests/check/err", "pipelines"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for entry in std::fs::read_dir(path).expect("corpus folder").flatten() {
            if entry.path().extension().is_some_and(|e| e == "pipe") {
                texts.push(std::fs::read_to_string(entry.path()).expect("readable"));
            }
        }
    }
    texts
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]


    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        front_end(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_real_files(file in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(),
                          cut in 0usize..40, insert in "[ -~\n]{0,12}") {
        let corpus = corpus();
        let text = &corpus[file.index(corpus.len())];
        let mut start = at.index(text.len().max(1)).min(text.len());
        while !text.is_char_boundary(start) { start -= 1; }
        let mut end = (start + cut).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        let mutated = format!("{}{}{}", &text[..start], insert, &text[end..]);
        front_end(&mutated);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Columns past 65,535 once panicked the renderer.
    #[test]
    fn very_long_lines(file in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(),
                       width in 60_000usize..140_000, filler in "[ a;{]") {
        let corpus = corpus();
        let text = &corpus[file.index(corpus.len())];
        let mut start = at.index(text.len().max(1)).min(text.len());
        while !text.is_char_boundary(start) { start -= 1; }
        let long = format!("{}{}{}", &text[..start], filler.repeat(width), &text[start..]);
        front_end(&long);
    }
}

#[test]
fn every_prefix_of_a_real_file() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/check/ok/every_construct.pipe"
    ))
    .expect("fixture");
    for end in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
        front_end(&text[..end]);
    }
}

/// The binary, not just the library: `check` of a diagnostic at column 70,014
/// reports it (exit 1) instead of panicking (exit 101).
#[test]
fn check_reports_a_problem_far_along_a_line() {
    let dir = std::env::temp_dir().join(format!("pipec-long-line-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("x.pipe");
    std::fs::write(&file, format!("pipeline p {{}}{};\n", " ".repeat(70_000))).expect("write");
    for args in [vec!["check"], vec!["graph"], vec!["fmt", "--check"]] {
        let out = common::pipec()
            .args(&args)
            .arg(&file)
            .output()
            .expect("pipec runs");
        // The report wraps its message at the terminal's width; where it
        // wraps depends on how many items the grammar lists as expected.
        let stderr = String::from_utf8_lossy(&out.stderr).replace("\n  | ", " ");
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {stderr}");
        assert!(stderr.contains("x.pipe:1:70014"), "{args:?}: {stderr}");
        assert!(stderr.contains("too long to quote"), "{args:?}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
