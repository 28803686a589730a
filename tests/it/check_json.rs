//! `pipec check --format json` is a contract: the schema is re-declared here
//! with `deny_unknown_fields`, so any change to it fails this test.

use crate::common;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    format_version: u32,
    valid: bool,
    error_count: usize,
    warning_count: usize,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Diagnostic {
    code: String,
    severity: String,
    message: String,
    file: Option<String>,
    range: Option<Range>,
    labels: Vec<Label>,
    help: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Label {
    message: String,
    file: String,
    range: Range,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Position {
    line: usize,
    column: usize,
    byte: usize,
}

fn check_json(args: &[&str]) -> (Report, i32) {
    let output = common::pipec()
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("pipec runs");
    let report: Report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not the JSON report ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (report, output.status.code().unwrap_or(-1))
}

#[test]
fn errors_carry_code_severity_file_and_exact_spans() {
    let file = "tests/check/err/E012_unknown_task.pipe";
    let (report, code) = check_json(&[file]);
    assert_eq!(code, 1);
    assert_eq!(report.format_version, 1);
    assert!(!report.valid);
    assert_eq!((report.error_count, report.warning_count), (1, 0));
    let d = &report.diagnostics[0];
    assert_eq!(d.code, "pipe::E012");
    assert_eq!(d.severity, "error");
    assert_eq!(d.message, "pipeline `p` has no task `scan_univers`");
    assert_eq!(d.file.as_deref(), Some(file));
    assert_eq!(d.help.as_deref(), Some("did you mean `scan_universe`?"));
    let text = std::fs::read_to_string(common::root().join(file)).expect("fixture exists");
    let range = d.range.as_ref().expect("a range");
    // The span is exactly the misspelt name, line 6.
    assert_eq!(&text[range.start.byte..range.end.byte], "scan_univers");
    assert_eq!((range.start.line, range.start.column), (6, 23));
    assert_eq!((range.end.line, range.end.column), (6, 35));
    assert_eq!(d.labels[0].message, "unknown task");
    assert_eq!(d.labels[0].file, file);
    assert_eq!(
        (&d.labels[0].range.start, &d.labels[0].range.end),
        (&range.start, &range.end)
    );
}

#[test]
fn one_run_reports_every_problem_of_every_file() {
    let (report, code) = check_json(&[
        "tests/check/err/many_problems_at_once.pipe",
        "tests/check/err/W004_unused_handler.pipe",
        "tests/check/ok/minimal.pipe",
    ]);
    assert_eq!(code, 1);
    assert!(report.error_count >= 5, "{report:#?}");
    assert_eq!(report.warning_count, 1);
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    for expected in [
        "pipe::E015",
        "pipe::E064",
        "pipe::E063",
        "pipe::E012",
        "pipe::E014",
        "pipe::E040",
        "pipe::E070",
        "pipe::W004",
    ] {
        assert!(
            codes.contains(&expected),
            "{expected} missing from {codes:?}"
        );
    }
}

#[test]
fn warnings_alone_exit_zero_and_stay_valid() {
    let (report, code) = check_json(&["tests/check/err/W004_unused_handler.pipe"]);
    assert_eq!(code, 0);
    assert!(report.valid);
    assert_eq!(report.diagnostics[0].severity, "warning");
}

#[test]
fn an_unreadable_file_is_a_usage_error() {
    let output = common::pipec()
        .args(["check", "tests/check/no_such_file.pipe"])
        .output()
        .expect("pipec runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read"));
}

#[test]
fn human_output_is_plain_without_a_terminal() {
    let output = common::pipec()
        .args(["check", "tests/check/err/E012_unknown_task.pipe"])
        .output()
        .expect("pipec runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains('\u{1b}'),
        "no colour codes when piped:\n{stderr}"
    );
    assert!(stderr.contains("pipe::E012"));
    assert!(stderr.contains("checked 1 file: 1 error, 0 warnings"));
}

/// A hostile `.pipe` in CI cannot make `check` read and print a file outside
/// the project: the import or date list is refused (E005) without reading it.
#[test]
fn files_outside_the_project_are_not_read() {
    let dir = std::env::temp_dir().join(format!("pipec-outside-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.pipe"),
        "import \"/etc/passwd\"\npipeline p {}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.pipe"),
        "days d = dates \"/etc/passwd\"\npipeline p {}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("c.pipe"),
        "pipeline p { calendar \"../../../etc/passwd\" }\n",
    )
    .unwrap();
    for file in ["a.pipe", "b.pipe", "c.pipe"] {
        let out = common::pipec()
            .current_dir(&dir)
            .args(["check", "--format", "json", file])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{file}: {stdout}");
        assert!(stdout.contains("pipe::E005"), "{file}: {stdout}");
        assert!(
            stdout.contains("it is outside the project"),
            "{file}: {stdout}"
        );
        assert!(
            !stdout.contains("root:"),
            "{file} leaked /etc/passwd: {stdout}"
        );
    }
    // Allowed on the command line, the date list is read (and its first bad line quoted).
    let out = common::pipec()
        .current_dir(&dir)
        .args([
            "--allow-path",
            "/etc",
            "check",
            "--format",
            "json",
            "b.pipe",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("pipe::E005"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
