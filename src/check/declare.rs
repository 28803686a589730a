//! The program-wide names: handlers, day sets, notifiers, executors and
//! pipelines from every loaded file. A name declared twice is reported once,
//! at its second declaration. Notifiers and executors have namespaces of
//! their own.

use super::template::Instantiated;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::loader::Loaded;
use crate::span::{FileId, Span};
use crate::syntax::ast;
use std::collections::HashMap;

/// A declaration and the file it came from.
pub(crate) struct Declared<'a, T> {
    pub node: &'a T,
    pub file: FileId,
    pub name: &'a ast::Name,
}

pub(crate) struct Scope<'a> {
    pub handlers: Vec<Declared<'a, ast::Handler>>,
    pub day_sets: Vec<Declared<'a, ast::Days>>,
    pub notifiers: Vec<Declared<'a, ast::Notifier>>,
    pub executors: Vec<Declared<'a, ast::Executor>>,
    pub pipelines: Vec<Declared<'a, ast::Pipeline>>,
    /// Shared data sources (`source` at top level).
    pub sources: Vec<Declared<'a, ast::Source>>,
    source_index: HashMap<&'a str, usize>,
    handler_index: HashMap<&'a str, usize>,
    day_set_index: HashMap<&'a str, usize>,
    notifier_index: HashMap<&'a str, usize>,
    executor_index: HashMap<&'a str, usize>,
    pipeline_index: HashMap<&'a str, usize>,
}

impl<'a> Scope<'a> {
    pub(crate) fn handler(&self, name: &str) -> Option<usize> {
        self.handler_index.get(name).copied()
    }

    pub(crate) fn day_set(&self, name: &str) -> Option<usize> {
        self.day_set_index.get(name).copied()
    }

    pub(crate) fn notifier(&self, name: &str) -> Option<usize> {
        self.notifier_index.get(name).copied()
    }

    pub(crate) fn executor(&self, name: &str) -> Option<usize> {
        self.executor_index.get(name).copied()
    }

    pub(crate) fn pipeline(&self, name: &str) -> Option<usize> {
        self.pipeline_index.get(name).copied()
    }

    pub(crate) fn source(&self, name: &str) -> Option<usize> {
        self.source_index.get(name).copied()
    }

    pub(crate) fn handler_names(&self) -> Vec<&str> {
        self.handlers
            .iter()
            .map(|d| d.node.name.text.as_str())
            .collect()
    }

    pub(crate) fn day_set_names(&self) -> Vec<&str> {
        self.day_sets
            .iter()
            .map(|d| d.node.name.text.as_str())
            .collect()
    }

    pub(crate) fn notifier_names(&self) -> Vec<&str> {
        self.notifiers
            .iter()
            .map(|d| d.node.name.text.as_str())
            .collect()
    }

    pub(crate) fn executor_names(&self) -> Vec<&str> {
        self.executors
            .iter()
            .map(|d| d.node.name.text.as_str())
            .collect()
    }

    pub(crate) fn pipeline_names(&self) -> Vec<&str> {
        self.pipelines
            .iter()
            .map(|d| d.node.name.text.as_str())
            .collect()
    }
}

/// `made` are the pipelines of the files' instances (`template.rs`), in the
/// order of their instances: each is declared where its instance is.
pub(crate) fn collect<'a>(
    loaded: &'a Loaded,
    made: &'a [Instantiated],
    diagnostics: &mut Diagnostics,
) -> Scope<'a> {
    let mut made = made.iter().peekable();
    let mut scope = Scope {
        handlers: Vec::new(),
        day_sets: Vec::new(),
        notifiers: Vec::new(),
        executors: Vec::new(),
        pipelines: Vec::new(),
        sources: Vec::new(),
        source_index: HashMap::new(),
        handler_index: HashMap::new(),
        day_set_index: HashMap::new(),
        notifier_index: HashMap::new(),
        executor_index: HashMap::new(),
        pipeline_index: HashMap::new(),
    };
    for (file, ast) in &loaded.files {
        for item in &ast.items {
            match item {
                ast::Item::Handler(h) => declare(
                    &mut scope.handlers,
                    &mut scope.handler_index,
                    h,
                    &h.name,
                    *file,
                    ("handler", Code::DuplicateName),
                    diagnostics,
                ),
                ast::Item::Days(d) => declare(
                    &mut scope.day_sets,
                    &mut scope.day_set_index,
                    d,
                    &d.name,
                    *file,
                    ("day set", Code::DuplicateName),
                    diagnostics,
                ),
                ast::Item::Notifier(n) => declare(
                    &mut scope.notifiers,
                    &mut scope.notifier_index,
                    n,
                    &n.name,
                    *file,
                    ("notifier", Code::DuplicateNotifier),
                    diagnostics,
                ),
                // `executor local` means this machine: no executor may take the name.
                ast::Item::Executor(e) if e.name.text == "local" => {
                    diagnostics.push(local_executor(&e.name));
                }
                ast::Item::Executor(e) => declare(
                    &mut scope.executors,
                    &mut scope.executor_index,
                    e,
                    &e.name,
                    *file,
                    ("executor", Code::DuplicateExecutor),
                    diagnostics,
                ),
                ast::Item::Pipeline(p) => declare(
                    &mut scope.pipelines,
                    &mut scope.pipeline_index,
                    p,
                    &p.name,
                    *file,
                    ("pipeline", Code::DuplicateName),
                    diagnostics,
                ),
                ast::Item::Instance(instance) => {
                    // An instance of an unknown template made no pipeline.
                    if let Some(m) = made.next_if(|m| m.pipeline.name.span == instance.name.span) {
                        declare(
                            &mut scope.pipelines,
                            &mut scope.pipeline_index,
                            &m.pipeline,
                            &m.pipeline.name,
                            m.file,
                            ("pipeline", Code::DuplicateName),
                            diagnostics,
                        );
                    }
                }
                ast::Item::Source(s) => declare(
                    &mut scope.sources,
                    &mut scope.source_index,
                    s,
                    &s.name,
                    *file,
                    ("data source", Code::DuplicateName),
                    diagnostics,
                ),
                // Templates are declared and checked by `template.rs`.
                ast::Item::Import(_) | ast::Item::Template(_) => {}
            }
        }
    }
    scope
}

/// Adds a declaration, or reports a duplicate of an earlier one with the
/// code of its kind.
fn declare<'a, T>(
    list: &mut Vec<Declared<'a, T>>,
    index: &mut HashMap<&'a str, usize>,
    node: &'a T,
    name: &'a ast::Name,
    file: FileId,
    (kind, code): (&str, Code),
    diagnostics: &mut Diagnostics,
) {
    if let Some(&first) = index.get(name.text.as_str()) {
        let first_span = list[first].name.span;
        diagnostics.push(duplicate_as(code, kind, name, first_span));
        return;
    }
    index.insert(&name.text, list.len());
    list.push(Declared { node, file, name });
}

/// An executor named `local`, the word for this machine.
fn local_executor(name: &ast::Name) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateExecutor,
        "an executor cannot be named `local`",
    )
    .label(name.span, "`local` is reserved")
    .help("`executor local` means this machine; give the executor another name, such as `cluster`")
}

/// The diagnostic for a second declaration of a name.
pub(crate) fn duplicate(kind: &str, name: &ast::Name, first: Span) -> Diagnostic {
    duplicate_as(Code::DuplicateName, kind, name, first)
}

fn duplicate_as(code: Code, kind: &str, name: &ast::Name, first: Span) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        code,
        format!("the {kind} `{}` is declared twice", name.text),
    );
    // Across files, the primary label is on the importing file's line (files
    // are numbered as loaded: the root first, then what it imports), which is
    // the user's own; the imported one is the other.
    let labelled = if first.file < name.span.file {
        diagnostic
            .label(first, "declared here")
            .label(name.span, "and again in this imported file")
    } else {
        diagnostic
            .label(name.span, "declared again here")
            .label(first, "first declared here")
    };
    labelled.help(format!("rename one of them; {kind} names must be unique"))
}

/// The declarations of the root file that nothing uses (`used` is indexed
/// like `declared`). None when the root file has no pipeline: a file of
/// shared declarations is a library, and nothing in it is dead.
pub(crate) fn unused_in_root<'s, 'a, T>(
    scope: &Scope<'_>,
    declared: &'s [Declared<'a, T>],
    used: &'s [bool],
) -> impl Iterator<Item = &'s Declared<'a, T>> {
    let has_pipeline = scope.pipelines.iter().any(|p| p.file.0 == 0);
    declared
        .iter()
        .zip(used)
        .filter(move |(d, used)| has_pipeline && !**used && d.file.0 == 0)
        .map(|(d, _)| d)
}
