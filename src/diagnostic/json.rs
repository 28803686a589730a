//! The `--format json` contract of `pipec check`. These types are the public
//! schema (documented in `docs/diagnostics.md`); change them only on purpose.

use super::{Diagnostic, Severity};
use crate::source::{Position, SourceMap};
use crate::span::Span;
use serde::Serialize;

/// Bumped whenever the schema changes incompatibly.
pub(crate) const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub format_version: u32,
    pub valid: bool,
    pub error_count: usize,
    pub warning_count: usize,
    pub diagnostics: Vec<JsonDiagnostic>,
}

#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The primary location; absent for problems with no place in a file.
    pub file: Option<String>,
    pub range: Option<JsonRange>,
    pub labels: Vec<JsonLabel>,
    pub help: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct JsonLabel {
    pub message: String,
    pub file: String,
    pub range: JsonRange,
}

#[derive(Debug, Serialize)]
pub struct JsonRange {
    pub start: Position,
    pub end: Position,
}

impl CheckReport {
    pub fn new(diagnostics: &[Diagnostic], sources: &SourceMap) -> CheckReport {
        let error_count = diagnostics.iter().filter(|d| d.is_error()).count();
        CheckReport {
            format_version: FORMAT_VERSION,
            valid: error_count == 0,
            error_count,
            warning_count: diagnostics.len() - error_count,
            diagnostics: diagnostics.iter().map(|d| convert(d, sources)).collect(),
        }
    }
}

fn convert(diagnostic: &Diagnostic, sources: &SourceMap) -> JsonDiagnostic {
    let primary = diagnostic.primary_span();
    JsonDiagnostic {
        code: diagnostic.code.as_str(),
        severity: diagnostic.severity(),
        message: diagnostic.message.clone(),
        file: primary.map(|s| path_of(s, sources)),
        range: primary.map(|s| range_of(s, sources)),
        labels: diagnostic
            .labels
            .iter()
            .map(|l| JsonLabel {
                message: l.message.clone(),
                file: path_of(l.span, sources),
                range: range_of(l.span, sources),
            })
            .collect(),
        help: diagnostic.help.clone(),
    }
}

fn path_of(span: Span, sources: &SourceMap) -> String {
    sources.get(span.file).path.display().to_string()
}

fn range_of(span: Span, sources: &SourceMap) -> JsonRange {
    let file = sources.get(span.file);
    JsonRange {
        start: file.position(span.start as usize),
        end: file.position(span.end as usize),
    }
}

impl CheckReport {
    /// One report for several checked files.
    pub fn combine(reports: impl IntoIterator<Item = CheckReport>) -> CheckReport {
        let mut all = CheckReport {
            format_version: FORMAT_VERSION,
            valid: true,
            error_count: 0,
            warning_count: 0,
            diagnostics: Vec::new(),
        };
        for report in reports {
            all.valid &= report.valid;
            all.error_count += report.error_count;
            all.warning_count += report.warning_count;
            all.diagnostics.extend(report.diagnostics);
        }
        all
    }
}
