//! pest's parse tree to the typed AST. This module and its submodules are
//! the only place that walks `Pairs`; a literal the grammar admits but that has no value (`25:00`, an
//! overlong number) becomes a diagnostic here, and parsing goes on.

mod expr;
mod items;
mod template;
mod values;

use super::ast::*;
use super::expected::syntax_error;
use super::grammar::{PipeParser, Rule};
use super::placement::Placement;
use super::scan::{self, MAX_NESTING};
use super::split;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser;

/// Parses one file. A syntax error ends the parse (pest does not recover), so
/// the AST is `None`; the file is then parsed again piece by piece
/// (`recover.rs`) so that each broken item or stage body is reported.
/// Nesting is bounded before pest runs (`scan.rs`); big files are parsed on
/// several threads (`split.rs`).
pub fn parse(text: &str, file: FileId) -> (Option<File>, Vec<Diagnostic>) {
    let layout = match scan::scan(text) {
        Ok(layout) => layout,
        Err(too_deep) => return (None, vec![nesting_error(&too_deep, file)]),
    };
    split::parse(text, file, &layout).unwrap_or_else(|| parse_whole(text, file))
}

/// Parses the file in one piece; also what the split parse falls back to.
pub(super) fn parse_whole(text: &str, file: FileId) -> (Option<File>, Vec<Diagnostic>) {
    match PipeParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let mut builder = Builder::new(file, Placement::default());
            let ast = pairs.next().map(|root| builder.file(root));
            (ast, builder.diagnostics)
        }
        Err(error) => {
            let first = syntax_error(&detailed(Rule::file, error, text), text, file);
            let mut errors = super::recover::more_errors(text, file, &first);
            errors.insert(0, first);
            (None, errors)
        }
    }
}

fn nesting_error(too_deep: &scan::TooDeep, file: FileId) -> Diagnostic {
    Diagnostic::new(
        Code::NestingTooDeep,
        format!("brackets and lambdas nest more than {MAX_NESTING} deep"),
    )
    .label(
        Span::new(file, too_deep.at, too_deep.at + too_deep.len),
        format!("nesting level {} starts here", MAX_NESTING + 1),
    )
    .help("flatten it: give a deep value its own handler, or split a gate into several")
}

/// pest lists what it expected only when it tracks every attempt, which makes
/// parsing several times slower; so a failed parse is repeated with tracking on.
/// Tracking is a process-wide switch and is never turned off again, so a
/// parse on another thread can never lose the detail of its error.
pub(super) fn detailed(
    rule: Rule,
    error: pest::error::Error<Rule>,
    text: &str,
) -> pest::error::Error<Rule> {
    pest::set_error_detail(true);
    PipeParser::parse(rule, text).err().unwrap_or(error)
}

/// Turns pairs into AST nodes.
pub(super) struct Builder {
    file: FileId,
    placement: Placement,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Builder {
    pub(super) fn new(file: FileId, placement: Placement) -> Builder {
        Builder {
            file,
            placement,
            diagnostics: Vec::new(),
        }
    }

    fn span(&self, pair: &Pair<Rule>) -> Span {
        self.placement.span(self.file, pair.as_span())
    }

    fn literal_error(&mut self, code: Code, span: Span, message: String, help: &str) {
        self.diagnostics.push(
            Diagnostic::new(code, message)
                .label(span, "here")
                .help(help),
        );
    }

    pub(super) fn file(&mut self, root: Pair<Rule>) -> File {
        let span = self.span(&root);
        let items = root
            .into_inner()
            .filter(|p| p.as_rule() != Rule::EOI)
            .map(|p| self.item(p))
            .collect();
        File { items, span }
    }

    fn item(&mut self, pair: Pair<Rule>) -> Item {
        match pair.as_rule() {
            Rule::import => {
                let span = self.span(&pair);
                let path = self.string(first(pair));
                Item::Import(Spanned::new(path.node, span))
            }
            Rule::handler => Item::Handler(self.handler(pair)),
            Rule::days => Item::Days(self.days(pair)),
            Rule::notifier => Item::Notifier(self.notifier(pair)),
            Rule::executor => Item::Executor(self.executor(pair)),
            Rule::template => Item::Template(self.template(pair)),
            Rule::instance => Item::Instance(self.instance(pair)),
            Rule::source => Item::Source(self.source(pair)),
            _ => Item::Pipeline(self.pipeline(pair)),
        }
    }

    /// `keyword name "Title"? { setting* }`: pipelines and stages, and without
    /// a title handlers, notifiers, executors and triggers.
    #[allow(clippy::type_complexity)]
    fn block<T>(
        &mut self,
        pair: Pair<Rule>,
        setting: fn(&mut Self, Pair<Rule>) -> T,
    ) -> (Name, Option<Spanned<String>>, Vec<Spanned<T>>, Span) {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().peekable();
        let name = self.name(next(&mut inner));
        let title = match inner.peek() {
            Some(p) if p.as_rule() == Rule::string => Some(self.string(next(&mut inner))),
            _ => None,
        };
        let settings = exact(inner.map(|p| self.spanned(p, setting)));
        (name, title, settings, span)
    }

    /// A setting with its span. pest skips the blanks and comments before an
    /// optional last part (`requires A, B` then an absent `wait`) even when
    /// the part is absent, so such a setting's span would run on over the
    /// comment after it: it ends at its last part instead.
    fn spanned<T>(&mut self, pair: Pair<Rule>, node: fn(&mut Self, Pair<Rule>) -> T) -> Spanned<T> {
        let whole = pair.as_span();
        let end = match pair.clone().into_inner().last() {
            Some(last) if only_trivia(&whole.as_str()[last.as_span().end() - whole.start()..]) => {
                last.as_span().end()
            }
            Some(_) | None => whole.end(),
        };
        let trimmed = pest::Span::new(pair.get_input(), whole.start(), end).unwrap_or(whole);
        let span = self.placement.span(self.file, trimmed);
        Spanned::new(node(self, pair), span)
    }
}

/// Blanks and `#` comments only.
fn only_trivia(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#')
    })
}

// The grammar guarantees the children these helpers take; an absent one would
// be a grammar/parser mismatch, which the tests over every rule would catch.
/// A vector of exactly the iterator's length: `collect` gives at least four
/// places, and most lists here (a task's settings, an `after`) hold one or two
/// of each of 100,000 tasks.
fn exact<T>(items: impl ExactSizeIterator<Item = T>) -> Vec<T> {
    let mut vec = Vec::with_capacity(items.len());
    vec.extend(items);
    vec
}

fn first(pair: Pair<Rule>) -> Pair<Rule> {
    let text = pair.clone();
    pair.into_inner().next().unwrap_or(text)
}

fn next<'i>(pairs: &mut impl Iterator<Item = Pair<'i, Rule>>) -> Pair<'i, Rule> {
    pairs
        .next()
        .expect("the grammar guarantees this child; the parser and grammar disagree")
}

fn unreachable_name(file: FileId) -> Name {
    Name {
        text: String::new(),
        span: Span::new(file, 0, 0),
    }
}
