//! Messages known to be weak, kept as they are today (as PRQL keeps its
//! `bad_error_messages.rs`): each test asserts the current message and says
//! what a good one would be. When a message is improved, its test fails: move
//! the case to `tests/check/err/` with its snapshot and count, and delete the
//! test here.

use crate::common;

fn messages(text: &str) -> Vec<(String, Option<String>)> {
    common::check_text(text)
        .into_iter()
        .map(|d| (d.message, d.help))
        .collect()
}

/// A made-up calendar code gets the nearest code by spelling, which is an
/// unrelated exchange. Good: no "did you mean" when nothing is near in
/// meaning, and the list of codes instead.
#[test]
fn an_unknown_code_is_matched_by_spelling_only() {
    let found = messages(
        "handler h { builtin noop }\npipeline p {\n  calendar XXXX\n  stage s { task h }\n}\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1.as_deref(), Some("did you mean `XASX`?"));
}
