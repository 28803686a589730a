//! The front end's limits on nesting (`E003`) and on operators (`E004`): a
//! file at the limits checks clean in a thread with a 2 MB stack (what test
//! threads and tokio's workers get), even in a debug build; one past them is
//! reported, never a stack overflow.

use crate::common;

use pipec::diagnostic::Code;

/// The codes a `pipec check` of `text` reports, run on a 2 MB stack.
fn codes(text: String) -> Vec<Code> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || common::check_text(&text).iter().map(|d| d.code).collect())
        .expect("a thread")
        .join()
        .expect("no panic")
}

/// A pipeline whose one stage has `gates`; the pipeline, stage and gate
/// braces are three levels of nesting.
fn with_gates(gates: &[String]) -> String {
    let mut text = String::from(
        "handler count { builtin noop returns { n: int } }\npipeline p {\n  stage a {\n    task count\n",
    );
    for (i, gate) in gates.iter().enumerate() {
        text.push_str(&format!("    gate g{i} {{ {gate} }}\n"));
    }
    text.push_str("  }\n}\n");
    text
}

fn brackets(levels: usize) -> String {
    format!("{}n{} > 0", "(n + ".repeat(levels), ")".repeat(levels))
}

fn lambdas(levels: usize) -> String {
    format!(
        "{}true{}",
        "any([1], s => ".repeat(levels),
        ")".repeat(levels)
    )
}

#[test]
fn at_the_limits_everything_checks() {
    let gates = [
        // 99 negations and `>`: 100 operators.
        format!("{}n > 0", "-".repeat(99)),
        "not ".repeat(100) + "true",
        format!("{}n > 0", "n + ".repeat(99)),
        // 61 brackets inside three braces: 64 levels, and 62 operators.
        format!("{}{}", "not ".repeat(38), brackets(61)),
        // Each lambda is a bracket and an arrow: 3 + 2 × 30 = 63 levels, and
        // the `[` of the innermost makes 64.
        lambdas(30),
    ];
    assert_eq!(codes(with_gates(&gates)), []);
}

#[test]
fn one_operator_more_is_e004() {
    let gates = [format!("{}n > 0", "-".repeat(100))];
    assert_eq!(codes(with_gates(&gates)), [Code::ExpressionTooLong]);
}

#[test]
fn one_level_more_is_e003() {
    assert_eq!(codes(with_gates(&[brackets(62)])), [Code::NestingTooDeep]);
    assert_eq!(codes(with_gates(&[lambdas(31)])), [Code::NestingTooDeep]);
}

#[test]
fn far_past_the_limits_is_still_a_report() {
    let deep = format!("{}1{}", "(".repeat(200_000), ")".repeat(200_000));
    assert_eq!(codes(with_gates(&[deep])), [Code::NestingTooDeep]);
    let long = format!("{}1 > 0", "1 + ".repeat(100_000));
    assert_eq!(codes(with_gates(&[long])), [Code::ExpressionTooLong]);
    let values = format!(
        "pipeline p {{ stage a {{ task x {{ on_failure default {} }} }} }}",
        "[".repeat(100_000)
    );
    assert_eq!(codes(values), [Code::NestingTooDeep]);
}
