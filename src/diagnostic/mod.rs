//! Diagnostics are values: built without source text by every phase, collected,
//! and rendered once at the end (graphical, plain or JSON).

mod code;
pub mod json;
pub mod render;

pub use code::{Code, Severity};

use crate::span::Span;

/// One problem found in a pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    /// The first label is the primary one: it says where the problem is.
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

/// A span with a short note on what is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }

    pub(crate) fn label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    pub(crate) fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
}

/// Where a phase puts what it finds; phases never stop at the first problem.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// How many have been pushed: where [`Diagnostics::since_mut`] starts.
    pub(crate) fn count(&self) -> usize {
        self.items.len()
    }

    /// Those pushed since the count was `start`.
    pub(crate) fn since_mut(&mut self, start: usize) -> &mut [Diagnostic] {
        let start = start.min(self.items.len());
        &mut self.items[start..]
    }

    pub(crate) fn items_mut(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.items
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// In source order, errors and warnings interleaved, so output is stable.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by_key(|d| (d.primary_span(), d.code));
        self.items.dedup();
        self.items
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }
}
