//! Limits on numbers the language accepts, each with its own code.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::span::Span;

pub(crate) const DAY_MILLIS: u64 = 86_400_000;

/// Accepts a duration in `min..=max` milliseconds, otherwise reports it.
pub(crate) fn duration(
    millis: u64,
    min: u64,
    max: u64,
    what: &str,
    span: Span,
    diagnostics: &mut Diagnostics,
) -> bool {
    let ok = (min..=max).contains(&millis);
    if !ok {
        let (lo, hi, got) = (
            show_duration(min),
            show_duration(max),
            show_duration(millis),
        );
        diagnostics.push(out_of_range(
            Code::DurationOutOfRange,
            what,
            &lo,
            &hi,
            &got,
            span,
        ));
    }
    ok
}

/// A task timeout: 1ms to a day.
pub(crate) fn timeout(
    d: &crate::syntax::ast::Spanned<crate::syntax::ast::Duration>,
    diagnostics: &mut Diagnostics,
) -> bool {
    duration(d.node.millis, 1, DAY_MILLIS, "timeout", d.span, diagnostics)
}

/// How long a whole run may take: 1 s to a week.
pub(crate) fn run_timeout(
    d: &crate::syntax::ast::Spanned<crate::syntax::ast::Duration>,
    diagnostics: &mut Diagnostics,
) -> bool {
    duration(
        d.node.millis,
        1_000,
        7 * DAY_MILLIS,
        "run_timeout",
        d.span,
        diagnostics,
    )
}

/// How long a task may wait for a market state: 1 ms to a day.
pub(crate) fn requires_wait(
    d: &crate::syntax::ast::Spanned<crate::syntax::ast::Duration>,
    diagnostics: &mut Diagnostics,
) -> bool {
    duration(
        d.node.millis,
        1,
        DAY_MILLIS,
        "requires … wait",
        d.span,
        diagnostics,
    )
}

/// Accepts a number in `min..=max`, otherwise reports it with `code`.
pub(crate) fn number(
    value: u64,
    min: u64,
    max: u64,
    what: &str,
    code: Code,
    span: Span,
    diagnostics: &mut Diagnostics,
) -> bool {
    let ok = (min..=max).contains(&value);
    if !ok {
        let (lo, hi, got) = (min.to_string(), max.to_string(), value.to_string());
        diagnostics.push(out_of_range(code, what, &lo, &hi, &got, span));
    }
    ok
}

fn out_of_range(code: Code, what: &str, lo: &str, hi: &str, got: &str, span: Span) -> Diagnostic {
    Diagnostic::new(code, format!("{what} out of range"))
        .label(span, format!("this is {got}"))
        .help(format!("a {what} must be from {lo} to {hi}"))
}

fn show_duration(millis: u64) -> String {
    crate::syntax::format_duration(millis)
}

#[cfg(test)]
mod tests {
    use super::show_duration;

    #[test]
    fn durations_print_as_written() {
        assert_eq!(show_duration(90_000), "1m30s");
        assert_eq!(show_duration(86_400_000), "24h");
        assert_eq!(show_duration(1_500), "1s500ms");
    }
}
