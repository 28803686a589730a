//! A file big enough to be parsed on several threads (`src/syntax/split.rs`)
//! reports what a small one does, at the same places: a problem found while
//! checking a task deep in a stage, and one found while reading a literal.

use crate::common;

use std::fmt::Write as _;

/// 40 stages of 200 tasks: about 330 KB. Stage 17's task 150 runs a handler
/// nobody declared, and stage 31's task 60 has a timeout past the limit.
/// Returns the text and the 1-based lines of those two tasks.
fn generate() -> (String, usize, usize) {
    let mut text = String::from("handler work { builtin noop }\npipeline big {\n");
    let (mut unknown, mut too_long) = (0, 0);
    let mut line = 2;
    for s in 0..40 {
        let _ = writeln!(text, "  stage s{s} {{");
        line += 1;
        for t in 0..200 {
            line += 1;
            let body = match (s, t) {
                (17, 150) => {
                    unknown = line;
                    "run missing_handler".to_string()
                }
                (31, 60) => {
                    too_long = line;
                    "run work timeout 400d".to_string()
                }
                (_, 0) => "run work".to_string(),
                _ => format!("run work after t{s}_{}", t - 1),
            };
            let _ = writeln!(text, "    task t{s}_{t} {{ {body} }}");
        }
        text.push_str("  }\n");
        line += 1;
    }
    text.push_str("}\n");
    (text, unknown, too_long)
}

#[test]
fn a_big_file_reports_problems_where_they_are() {
    let (text, unknown, too_long) = generate();
    assert!(
        text.len() > 300_000,
        "{} bytes is too small to split",
        text.len()
    );
    let dir = std::env::temp_dir().join(format!("pipec-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let path = dir.join("big.pipe");
    std::fs::write(&path, &text).expect("write");
    let output = common::pipec()
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .expect("pipec runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let found: Vec<(String, u64)> = report["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().expect("a code").to_string(),
                d["range"]["start"]["line"].as_u64().expect("a line"),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("pipe::E014".to_string(), unknown as u64),
            ("pipe::E060".to_string(), too_long as u64)
        ]
    );
}
