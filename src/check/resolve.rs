//! Names to what they name: handlers, pipelines, time zones, market states
//! and day sets, each with a "did you mean" when the name is unknown.

use super::declare::Scope;
use super::suggest::did_you_mean;
use super::zones;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{DayRef, HandlerId, Work};
use crate::syntax::ast;
use crate::time::market_state::MarketState;

/// `task x` with no `run` runs the handler named `x`.
pub(super) fn implicit_handler(
    decl: &ast::Task,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<Work> {
    if let Some(i) = scope.handler(&decl.name.text) {
        return Some(Work::Handler(HandlerId(i as u32)));
    }
    let mut d = Diagnostic::new(
        Code::UnknownHandler,
        format!(
            "task `{}` runs handler `{}`, which is not declared",
            decl.name.text, decl.name.text
        ),
    )
    .label(
        decl.name.span,
        "no `run`, so it runs the handler of its own name",
    );
    d = d.help(match did_you_mean(&decl.name.text, scope.handler_names()) {
        Some(near) => format!("{near} (write `run` with the handler's name)"),
        None => format!(
            "declare `handler {} {{ … }}` or give the task `run <handler>`",
            decl.name.text
        ),
    });
    diagnostics.push(d);
    None
}

pub(super) fn resolve_handler(
    name: &ast::Name,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<usize> {
    resolve(
        name,
        scope.handler(&name.text),
        Code::UnknownHandler,
        "handler",
        "used here",
        || scope.handler_names(),
        || {
            format!(
                "declare it: `handler {} {{ exec \"…\" }}`, here or in an imported file",
                name.text
            )
        },
        diagnostics,
    )
}

pub(super) fn resolve_pipeline(
    name: &ast::Name,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<usize> {
    resolve(
        name,
        scope.pipeline(&name.text),
        Code::UnknownPipeline,
        "pipeline",
        "run here",
        || scope.pipeline_names(),
        || "declare it with `pipeline`, here or in an imported file".to_string(),
        diagnostics,
    )
}

/// `found`, or a diagnostic that names the nearest `known` name (else says
/// `fallback`). Both are only worked out for a name that is not found: a
/// pipeline of 100,000 tasks resolves 100,000 names.
#[allow(clippy::too_many_arguments)]
fn resolve<'a>(
    name: &ast::Name,
    found: Option<usize>,
    code: Code,
    kind: &str,
    label: &str,
    known: impl FnOnce() -> Vec<&'a str>,
    fallback: impl FnOnce() -> String,
    diagnostics: &mut Diagnostics,
) -> Option<usize> {
    if found.is_none() {
        diagnostics.push(
            Diagnostic::new(code, format!("{kind} `{}` is not declared", name.text))
                .label(name.span, label)
                .help(did_you_mean(&name.text, known()).unwrap_or_else(fallback)),
        );
    }
    found
}

pub(super) fn lower_zone(zone: &ast::Name, diagnostics: &mut Diagnostics) -> Option<chrono_tz::Tz> {
    let found = zones::resolve_zone(&zone.text);
    if found.is_none() {
        let mut d = Diagnostic::new(
            Code::UnknownTimeZone,
            format!("unknown time zone `{}`", zone.text),
        )
        .label(zone.span, "not an IANA time zone or calendar code");
        d = d.help(
            did_you_mean(&zone.text, zones::zone_suggestions()).unwrap_or_else(|| {
                "use an IANA name such as `America/New_York`, or a calendar code such as `XNYS`"
                    .into()
            }),
        );
        diagnostics.push(d);
    }
    found
}

pub(super) fn lower_states(
    states: &[ast::Name],
    diagnostics: &mut Diagnostics,
) -> Vec<MarketState> {
    states
        .iter()
        .filter_map(|s| lower_state(s, diagnostics))
        .collect()
}

pub(super) fn lower_state(state: &ast::Name, diagnostics: &mut Diagnostics) -> Option<MarketState> {
    let found = MarketState::from_name(&state.text);
    if found.is_none() {
        let names = MarketState::ALL.map(MarketState::name);
        let mut d = Diagnostic::new(
            Code::UnknownMarketState,
            format!("unknown market state `{}`", state.text),
        )
        .label(state.span, "not a market state");
        d = d.help(
            did_you_mean(&state.text, names)
                .unwrap_or_else(|| format!("market states are {}", names.join(", "))),
        );
        diagnostics.push(d);
    }
    found
}

pub(super) fn lower_day_ref(
    name: &ast::Name,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<DayRef> {
    if let Some(i) = scope.day_set(&name.text) {
        return Some(DayRef::Listed(crate::ir::DaySetId(i as u32)));
    }
    if let Some(builtin) = DayRef::builtin(&name.text) {
        return Some(builtin);
    }
    let mut d = Diagnostic::new(
        Code::UnknownDaySet,
        format!("unknown day set `{}`", name.text),
    )
    .label(name.span, "not a day set");
    d = d.help(
        did_you_mean(&name.text, {
            let mut names = scope.day_set_names();
            for builtin in DayRef::builtin_names() {
                names.push(builtin);
            }
            names
        })
        .unwrap_or_else(|| format!("declare it: `days {} = dates [2026-01-28]`", name.text)),
    );
    diagnostics.push(d);
    None
}
