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

/// How many diagnostics each case under `err/` reports. A case is one
/// realistic mistake (or, where its comment says so, several): a cascade (a
/// second diagnostic for one mistake) changes its count and fails here. A new
/// case needs its line.
const DIAGNOSTIC_COUNTS: &[(&str, usize)] = &[
    ("E001_one_digit_hour", 1),
    ("E001_bad_escape", 1),
    ("E001_empty_after", 1),
    ("E001_unclosed_brace_then_more", 2),
    ("E001_several_syntax_errors", 4),
    ("E001_assignment_in_gate", 1),
    ("E001_duration_in_words", 1),
    ("E001_fractional_duration", 1),
    ("E001_missing_closing_brace", 1),
    ("E001_misspelt_keyword", 1),
    ("E001_unterminated_string", 1),
    ("E001_semicolon", 1),
    ("E001_unclosed_block", 1),
    ("E002_missing_import", 1),
    ("E003_nesting_too_deep", 1),
    ("E004_expression_too_long", 1),
    ("E005_import_not_a_pipe_file", 1),
    ("E010_duplicate_handler", 1),
    ("E010_duplicate_handler_no_unused_warning", 1),
    ("E010_duplicate_task", 1),
    ("E011_deadline_twice", 2),
    ("E011_setting_twice", 1),
    ("E012_misspelt_after_no_reads_error", 1),
    ("E012_unknown_task", 1),
    ("E012_unknown_task_in_gate", 1),
    ("E014_handler_not_declared", 2),
    ("E014_misspelt_handler_no_unused_warning", 1),
    ("E015_deadline_without_calendar", 2),
    ("E015_exchange_name_for_code", 1),
    ("E015_misspelt_calendar_once", 1),
    ("E015_trading_days_without_calendar", 1),
    ("E015_unknown_calendar", 1),
    ("E016_unknown_time_zone", 1),
    ("E017_misspelt_state_in_every_once", 1),
    ("E017_unknown_market_state", 1),
    ("E018_unknown_pipeline", 1),
    ("E019_unknown_day_set", 1),
    ("E020_bad_builtin", 3),
    ("E021_unknown_priority", 1),
    ("E022_unknown_merge_strategy", 1),
    ("E022_unknown_merge_strategy_once", 1),
    ("E023_handler_without_command", 2),
    ("E024_bad_secret_name", 1),
    ("E024_bad_secret_name_in_notifier", 1),
    ("E025_program_not_executable", 1),
    ("E030_dependency_cycle", 1),
    ("E031_pipeline_runs_itself", 1),
    ("E032_gate_reads_a_later_stage", 1),
    ("E032_depends_on_later_stage", 1),
    ("E040_string_compared_with_number", 2),
    ("E041_key_of_a_later_stage", 1),
    ("E041_reads_without_after", 1),
    ("E041_unknown_context_key", 2),
    ("E042_unknown_function", 2),
    ("E042_unknown_function_with_lambda_once", 1),
    ("E043_default_does_not_fit", 1),
    ("E044_gate_not_boolean", 1),
    ("E045_lambda_outside_quantifier", 1),
    ("E050_parallel_write_conflict", 1),
    ("E060_duration_out_of_range", 2),
    ("E061_retry_out_of_range", 1),
    ("E062_time_out_of_range_and_more", 2),
    ("E062_time_out_of_range", 2),
    ("E063_priority_out_of_range", 1),
    ("E064_concurrency_out_of_range", 1),
    ("E065_size_out_of_range", 1),
    ("E070_trigger_unknown_stage", 1),
    ("E070_unknown_stage_no_unreachable_warning", 1),
    ("E071_trigger_range_reversed", 1),
    ("E072_trigger_timing", 2),
    ("E073_bad_cron", 1),
    ("E074_bad_calendar_file", 5),
    ("E075_bad_date_file", 2),
    ("E076_source_without_thresholds", 2),
    ("E080_duplicate_notifier", 1),
    ("E081_unknown_notifier", 1),
    ("E082_unknown_notify_event", 2),
    ("E083_notifier_target", 3),
    ("E090_duplicate_executor", 2),
    ("E091_unknown_executor", 2),
    ("E092_bad_executor", 7),
    ("E130_fan_out_setting_without_for", 2),
    ("E130_fan_out_without_gather", 1),
    ("E131_fan_out_over_a_number", 1),
    ("E131_fan_out_over_unknown_key", 1),
    ("W001_unreachable_task", 1),
    ("W002_trigger_never_fires", 3),
    ("W003_calendar_range_exceeded", 2),
    ("W004_unused_handler", 1),
    ("W005_unused_notifier", 1),
    ("W006_deadline_cannot_fit", 1),
    ("W007_unused_executor", 1),
    ("many_problems_at_once", 7),
    ("E010_duplicate_handler_across_import", 1),
    ("E010_duplicate_source", 2),
    ("E010_instance_named_like_a_pipeline", 1),
    ("E110_unknown_template", 1),
    ("E111_bad_arguments", 3),
    ("E112_argument_kind", 2),
    ("E113_unknown_parameter", 3),
    ("E120_unknown_source", 1),
    ("E121_source_nobody_produces", 1),
    ("E122_bad_shared_source", 2),
    ("W010_unused_parameter", 1),
    ("W011_unused_template", 1),
    ("template_mistake_in_every_instance", 4),
    ("W008_program_not_found", 1),
];

/// Also: every diagnostic of every case has a help line.
#[test]
fn every_error_case_reports_exactly_its_count() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check/err");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pipe"))
        .collect();
    files.sort();
    let mut wrong = Vec::new();
    for path in &files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let diagnostics = common::compile(path).diagnostics;
        // Every diagnostic says the fix.
        for d in diagnostics.iter().filter(|d| d.help.is_none()) {
            wrong.push(format!(
                "{name}: {} `{}` has no help line",
                d.code.as_str(),
                d.message
            ));
        }
        let found = diagnostics.len();
        match DIAGNOSTIC_COUNTS.iter().find(|(n, _)| *n == name) {
            Some((_, expected)) if *expected == found => {}
            Some((_, expected)) => {
                wrong.push(format!("{name}: {found} diagnostics, expected {expected}"));
            }
            None => wrong.push(format!(
                "{name}: {found} diagnostics, and no line in DIAGNOSTIC_COUNTS"
            )),
        }
    }
    for (name, _) in DIAGNOSTIC_COUNTS {
        if !files
            .iter()
            .any(|p| p.file_stem().and_then(|s| s.to_str()) == Some(name))
        {
            wrong.push(format!("{name}: listed, but no such case"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
