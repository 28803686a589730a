//! Human-readable rendering through miette: graphical on a terminal, plain
//! (no colour, ASCII) when output is piped or `NO_COLOR` is set.

use super::{Diagnostic, Label, Severity};
use crate::source::SourceMap;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::fmt;

/// How to draw diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unicode and colour, for a terminal.
    Fancy,
    /// ASCII, no colour: pipes, CI logs and snapshots.
    Plain,
}

impl Style {
    /// Fancy only on a terminal and when `NO_COLOR` is not set.
    pub fn detect(is_terminal: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if is_terminal && !no_color {
            Style::Fancy
        } else {
            Style::Plain
        }
    }
}

/// Renders every diagnostic, each followed by a blank line.
pub fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    style: Style,
    width: usize,
) -> String {
    let theme = match style {
        Style::Fancy => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_context_lines(1);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(diagnostic, sources);
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String only fails on a formatter error; fall back
            // to the message so the problem is never lost.
            out.push_str(&diagnostic.message);
        }
        out.push('\n');
    }
    out
}

/// Lines longer than this are not quoted: the renderer cannot draw columns
/// past 65,535, and a snippet that wide is unreadable anyway.
const QUOTE_LIMIT: usize = 1_000;

/// A diagnostic joined with the source text of its primary file.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    /// Where the labels are, in words, when their lines are too long to quote.
    unquoted: Vec<String>,
}

impl<'a> Report<'a> {
    fn new(diagnostic: &'a Diagnostic, sources: &SourceMap) -> Report<'a> {
        let primary_file = diagnostic.primary_span().map(|s| s.file);
        let here: Vec<&Label> = diagnostic
            .labels
            .iter()
            .filter(|l| Some(l.span.file) == primary_file)
            .collect();
        let too_long =
            |l: &&Label| sources.get(l.span.file).line_len(l.span.start as usize) > QUOTE_LIMIT;
        if here.iter().any(too_long) {
            let unquoted = here
                .iter()
                .map(|l| {
                    let file = sources.get(l.span.file);
                    let at = file.position(l.span.start as usize);
                    let len = file.line_len(l.span.start as usize);
                    format!(
                        "  --> {}:{}:{}{}{} (line of {len} bytes, too long to quote)",
                        file.path.display(),
                        at.line,
                        at.column,
                        if l.message.is_empty() { "" } else { ": " },
                        l.message
                    )
                })
                .collect();
            return Report {
                diagnostic,
                source: None,
                labels: Vec::new(),
                unquoted,
            };
        }
        let source = primary_file.map(|id| {
            let file = sources.get(id);
            NamedSource::new(file.path.display().to_string(), file.text.clone())
        });
        // miette quotes one file per report: labels elsewhere are named in the text.
        let labels = here
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let text = Some(l.message.clone()).filter(|m| !m.is_empty());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(text, l.span)
                } else {
                    LabeledSpan::new_with_span(text, l.span)
                }
            })
            .collect();
        let elsewhere = diagnostic
            .labels
            .iter()
            .filter(|l| Some(l.span.file) != primary_file)
            .map(|l| {
                let file = sources.get(l.span.file);
                let at = file.position(l.span.start as usize);
                let note = if l.message.is_empty() { "" } else { ": " };
                format!(
                    "  --> {}:{}:{}{note}{}",
                    file.path.display(),
                    at.line,
                    at.column,
                    l.message
                )
            })
            .collect();
        Report {
            diagnostic,
            source,
            labels,
            unquoted: elsewhere,
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)?;
        for line in &self.unquoted {
            write!(f, "\n{line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}
