//! A pipeline's `calendar`: a built-in exchange code, or a calendar file read
//! and parsed here so that nothing after `check` reads a file.

use super::suggest::did_you_mean;
use super::zones;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::CalendarChoice;
use crate::syntax::ast;
use std::path::Path;
use std::sync::Arc;

/// A built-in calendar's code as written, or `None` with the diagnostic
/// (for a pipeline's, a trigger's or a shared source's `calendar`).
pub(super) fn builtin_calendar(code: &ast::Name, diagnostics: &mut Diagnostics) -> Option<String> {
    if zones::calendar_zone(&code.text).is_some() {
        return Some(code.text.clone());
    }
    let by_name = exchange_code(&code.text).map(|known| {
        format!(
            "`{}` is the exchange; its calendar's code is `{known}`",
            code.text
        )
    });
    let help = by_name
        .or_else(|| did_you_mean(&code.text, zones::calendar_codes()))
        .unwrap_or_else(|| {
            let codes: Vec<_> = zones::calendar_codes().collect();
            format!(
                "built-in calendars are {}; or name a calendar file in quotes",
                codes.join(", ")
            )
        });
    diagnostics.push(
        Diagnostic::new(
            Code::UnknownCalendar,
            format!("unknown calendar `{}`", code.text),
        )
        .label(code.span, "not a built-in calendar")
        .help(help),
    );
    None
}

pub(super) fn lower_calendar(
    calendar: &ast::CalendarRef,
    dir: &Path,
    project: &crate::project::Project,
    diagnostics: &mut Diagnostics,
) -> Option<(CalendarChoice, Option<Arc<crate::time::calendar::Calendar>>)> {
    match calendar {
        ast::CalendarRef::Builtin(code) => {
            builtin_calendar(code, diagnostics).map(|code| (CalendarChoice::Builtin(code), None))
        }
        ast::CalendarRef::File(path) => {
            let full = dir.join(&path.node);
            if let Err(why) = project.admits(&full) {
                diagnostics.push(super::outside_project(&why, path.span));
                return None;
            }
            let text = match std::fs::read_to_string(&full) {
                Ok(text) => text,
                Err(error) => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::Io,
                            format!("cannot read calendar file `{}`: {error}", full.display()),
                        )
                        .label(path.span, "named here")
                        .help("the path is relative to this file"),
                    );
                    return None;
                }
            };
            match crate::time::calendar::parse_calendar_file(&text) {
                Ok(parsed) => Some((CalendarChoice::File(full), Some(Arc::new(parsed)))),
                Err(errors) => {
                    for error in errors {
                        let mut d = Diagnostic::new(
                            Code::BadCalendarFile,
                            format!(
                                "{}:{}:{}: {}",
                                full.display(),
                                error.line,
                                error.column,
                                error.message
                            ),
                        )
                        .label(path.span, "in the calendar file named here");
                        if let Some(help) = error.help {
                            d = d.help(help);
                        }
                        diagnostics.push(d);
                    }
                    None
                }
            }
        }
    }
}

/// The calendar code of an exchange written by its common name (`NYSE`,
/// `NASDAQ`, `LSE`): the names users type before they know the ISO codes.
/// Only names that stand for one exchange.
fn exchange_code(name: &str) -> Option<&'static str> {
    const NAMES: [(&str, &str); 18] = [
        ("NYSE", "XNYS"),
        ("NASDAQ", "XNAS"),
        ("LSE", "XLON"),
        ("XETRA", "XETR"),
        ("JPX", "XTKS"),
        ("HKEX", "XHKG"),
        ("SEHK", "XHKG"),
        ("ASX", "XASX"),
        ("TSX", "XTSE"),
        ("SIX", "XSWX"),
        ("KRX", "XKRX"),
        ("TWSE", "XTAI"),
        ("SGX", "XSES"),
        ("JSE", "XJSE"),
        ("NZX", "XNZE"),
        ("BSE", "XBOM"),
        ("CME", "CMES"),
        ("GLOBEX", "CMES"),
    ];
    let upper = name.to_ascii_uppercase();
    NAMES
        .iter()
        .find(|(n, _)| *n == upper)
        .map(|(_, code)| *code)
}
