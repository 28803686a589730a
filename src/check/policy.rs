//! Failure policies, priorities and backoff: AST to IR, with their limits.

use super::handlers::value_to_json;
use super::range::{self, DAY_MILLIS};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{Backoff, Policy, Shape};
use crate::syntax::ast::{self, Spanned};

pub(crate) const MAX_RETRIES: u64 = 100;
const DEFAULT_RETRY_WAIT_MILLIS: u64 = 1_000;

/// The IR policy; `shape` is the handler's declared output, for `default`.
pub(crate) fn lower(
    policy: &Spanned<ast::Policy>,
    shape: Option<&Shape>,
    diagnostics: &mut Diagnostics,
) -> Policy {
    match &policy.node {
        ast::Policy::Abort => Policy::Abort,
        ast::Policy::Fail => Policy::Fail,
        ast::Policy::Warn => Policy::Warn,
        ast::Policy::Skip => Policy::Skip,
        ast::Policy::Default(value) => {
            let json = value_to_json(&value.node);
            check_default(&json, value.span, shape, diagnostics);
            Policy::Default {
                value: Box::new(json),
            }
        }
        ast::Policy::Retry {
            attempts,
            backoff,
            then,
        } => {
            range::number(
                attempts.node,
                1,
                MAX_RETRIES,
                "retry count",
                Code::RetryOutOfRange,
                attempts.span,
                diagnostics,
            );
            let backoff = backoff.as_ref().map_or(
                Backoff::Fixed {
                    millis: vec![DEFAULT_RETRY_WAIT_MILLIS],
                },
                |b| lower_backoff(b, diagnostics),
            );
            let then = match then {
                Some(p) => lower(p, shape, diagnostics),
                None => Policy::Fail,
            };
            Policy::Retry {
                retries: u32::try_from(attempts.node).unwrap_or(u32::MAX),
                backoff: Box::new(backoff),
                then: Box::new(then),
            }
        }
    }
}

fn lower_backoff(backoff: &Spanned<ast::Backoff>, diagnostics: &mut Diagnostics) -> Backoff {
    match &backoff.node {
        ast::Backoff::Fixed(waits) => Backoff::Fixed {
            millis: waits
                .iter()
                .map(|w| {
                    range::duration(
                        w.node.millis,
                        0,
                        DAY_MILLIS,
                        "backoff wait",
                        w.span,
                        diagnostics,
                    );
                    w.node.millis
                })
                .collect(),
        },
        ast::Backoff::Exponential { base, max, jitter } => {
            range::duration(
                base.node.millis,
                1,
                DAY_MILLIS,
                "backoff base",
                base.span,
                diagnostics,
            );
            let max_millis = match max {
                Some(m) => {
                    range::duration(
                        m.node.millis,
                        base.node.millis,
                        DAY_MILLIS,
                        "backoff cap",
                        m.span,
                        diagnostics,
                    );
                    m.node.millis
                }
                None => DAY_MILLIS.min(base.node.millis.saturating_mul(64)),
            };
            Backoff::Exponential {
                base_millis: base.node.millis,
                max_millis,
                jitter: *jitter,
            }
        }
    }
}

/// A default stands in for the handler's output, so it must be an object that
/// fits the declared shape.
fn check_default(
    value: &serde_json::Value,
    span: crate::span::Span,
    shape: Option<&Shape>,
    diagnostics: &mut Diagnostics,
) {
    let problem = match shape {
        Some(shape) => shape.check(value).err(),
        None if !value.is_object() => Some("a handler's output is an object".to_string()),
        None => None,
    };
    if let Some(problem) = problem {
        let mut d = Diagnostic::new(
            Code::DefaultDoesNotFit,
            "the default value does not fit the handler's output",
        )
        .label(span, problem);
        if let Some(shape) = shape {
            d = d.help(format!("the handler returns {}", shape.describe()));
        }
        diagnostics.push(d);
    }
}

/// `critical` 100, `high` 75, `standard`/`medium` 50, `low` 25, `optional` 0, or 0..=100.
pub(crate) fn priority(value: &Spanned<ast::PriorityValue>, diagnostics: &mut Diagnostics) -> u8 {
    const NAMED: [(&str, u8); 6] = [
        ("critical", 100),
        ("high", 75),
        ("standard", 50),
        ("medium", 50),
        ("low", 25),
        ("optional", 0),
    ];
    match &value.node {
        ast::PriorityValue::Number(n) => {
            if range::number(
                *n,
                0,
                100,
                "priority",
                Code::PriorityOutOfRange,
                value.span,
                diagnostics,
            ) {
                *n as u8
            } else {
                50
            }
        }
        ast::PriorityValue::Named(name) => match NAMED.iter().find(|(n, _)| n == name) {
            Some((_, p)) => *p,
            None => {
                let mut d =
                    Diagnostic::new(Code::UnknownPriority, format!("unknown priority `{name}`"))
                        .label(value.span, "not a priority");
                d = d.help(
                    super::suggest::did_you_mean(name, NAMED.iter().map(|(n, _)| *n))
                        .unwrap_or_else(|| "priorities are critical, high, standard, medium, low, optional or 0 to 100".into()),
                );
                diagnostics.push(d);
                50
            }
        },
    }
}
