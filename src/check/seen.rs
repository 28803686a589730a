//! Single-valued settings given more than once in one block.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::span::Span;

/// Remembers which single-valued settings a block has given, to report a second one.
/// A block has a handful of settings, so a list beats a map (one per task).
#[derive(Default)]
pub(super) struct Seen {
    first: Vec<(&'static str, Span)>,
}

impl Seen {
    /// True the first time `keyword` is seen; reports every later time.
    pub(super) fn first(
        &mut self,
        keyword: &'static str,
        span: Span,
        diagnostics: &mut Diagnostics,
    ) -> bool {
        if let Some((_, first)) = self.first.iter().find(|(k, _)| *k == keyword) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateSetting,
                    format!("`{keyword}` is given twice"),
                )
                .label(span, "given again here")
                .label(*first, "first given here")
                .help(format!("keep one `{keyword}`")),
            );
            return false;
        }
        self.first.push((keyword, span));
        true
    }
}
