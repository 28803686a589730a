//! Pipelines' settings held apart from the files' syntax trees, so each
//! pipeline's tasks exist only while the pipeline is lowered: the syntax
//! tree of a big file and its IR are then never whole at once.
//!
//! `detach` takes every pipeline's settings out of the loaded files, leaving
//! the heads (name, title, span) that the program-wide scope refers to. A big
//! file's pipelines come from the loader with their stages empty
//! (`syntax::deferred`): `take` parses their bodies, a few pipelines at a
//! time in the order of the file, when the first of them is reached. Once a
//! pipeline is lowered, `keep` holds on to what the later passes read of its
//! settings: all but its stages' tasks and flows (gates read their stage's
//! gates; reachability counts the triggers). What later passes read of the
//! tasks themselves is taken before they are dropped (`Lowered`).

use super::declare::Declared;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::loader::Loaded;
use crate::span::FileId;
use crate::syntax::ast::{self, PipelineSetting, Spanned, StageSetting};
use crate::syntax::deferred::{self, Deferred};
use std::collections::HashMap;

type Settings = Vec<Spanned<PipelineSetting>>;

/// The bytes of stage bodies parsed at once (at least one pipeline's): enough
/// for every core to have several pieces, little next to a big file (the
/// tree of 1 MiB of tasks is several MiB).
const BATCH_BYTES: usize = 1024 * 1024;

/// A stage body left out of a big file's tree did not parse: the file has a
/// syntax error, which a parse of the whole file reports.
#[derive(Debug)]
pub struct Unparsed;

/// A pipeline whose stage bodies are still text.
struct Unread {
    /// Its file, an index of `Bodies::deferred`.
    file: usize,
    /// Its index among the file's top-level items.
    item: usize,
    /// Its place in `Bodies::order`.
    at: usize,
}

/// Detached settings by the address of the pipeline they were taken from:
/// the loaded files are not moved while the checker runs. Empty when the
/// syntax tree is kept whole (`check_keeping_ast`).
#[derive(Default)]
pub(super) struct Bodies {
    settings: HashMap<usize, Settings>,
    /// The files whose stage bodies were left out.
    deferred: Vec<(FileId, Deferred)>,
    /// The pipelines whose bodies are still text, by key.
    unread: HashMap<usize, Unread>,
    /// The keys of the pipelines with bodies left out, in the files' order.
    order: Vec<usize>,
    /// Bodies parsed with an earlier pipeline's, not yet taken.
    parsed: HashMap<usize, deferred::Bodies>,
    /// The diagnostics of the bodies' parses (literals with no value).
    found: Vec<Diagnostic>,
    /// How many bytes of bodies to parse at once: [`BATCH_BYTES`].
    batch: usize,
}

/// A stage's gates, in a vector of their size: collected in place, they would
/// keep the room of every task of the stage.
fn gates_of(settings: Vec<Spanned<StageSetting>>) -> Vec<Spanned<StageSetting>> {
    let mut gates: Vec<_> = settings
        .into_iter()
        .filter(|s| matches!(s.node, StageSetting::Gate(_)))
        .collect();
    gates.shrink_to_fit();
    gates
}

fn key(pipeline: &ast::Pipeline) -> usize {
    std::ptr::from_ref(pipeline) as usize
}

impl Bodies {
    /// Takes the settings of every pipeline of `loaded`, and the stage
    /// bodies its big files left out.
    pub(super) fn detach(loaded: &mut Loaded) -> Bodies {
        let mut bodies = Bodies {
            deferred: std::mem::take(&mut loaded.deferred),
            batch: BATCH_BYTES,
            ..Bodies::default()
        };
        for (id, file) in &mut loaded.files {
            let deferred = bodies.deferred.iter().position(|(d, _)| d == id);
            for (item_index, item) in file.items.iter_mut().enumerate() {
                if let ast::Item::Pipeline(p) = item {
                    bodies
                        .settings
                        .insert(key(p), std::mem::take(&mut p.settings));
                    let Some(file) = deferred else {
                        continue;
                    };
                    if !bodies.deferred[file].1.stages_of(item_index).is_empty() {
                        let at = bodies.order.len();
                        bodies.order.push(key(p));
                        bodies.unread.insert(
                            key(p),
                            Unread {
                                file,
                                item: item_index,
                                at,
                            },
                        );
                    }
                }
            }
        }
        bodies
    }

    /// The whole pipeline `declared` was taken from, to lower, and the
    /// detached settings no longer held here; `None` when they were not
    /// detached (the declaration is whole). Its stage bodies are parsed now
    /// if they were left out.
    pub(super) fn take(
        &mut self,
        declared: &Declared<ast::Pipeline>,
        loaded: &Loaded,
    ) -> Result<Option<ast::Pipeline>, Unparsed> {
        let head = declared.node;
        let Some(mut settings) = self.settings.remove(&key(head)) else {
            return Ok(None);
        };
        if let Some(unread) = self.unread.remove(&key(head)) {
            let stages = self.deferred[unread.file].1.stages_of(unread.item);
            let places: Vec<usize> = stages.iter().map(|&(at, _)| at).collect();
            let mut filled = match self.parsed.remove(&key(head)) {
                Some(filled) => filled,
                None => self.read_from(&unread, loaded)?,
            };
            for (at, body) in places.into_iter().zip(filled.drain(..)) {
                if let PipelineSetting::Stage(stage) = &mut settings[at].node {
                    stage.settings = body;
                }
            }
        }
        Ok(Some(ast::Pipeline {
            name: head.name.clone(),
            title: head.title.clone(),
            settings,
            span: head.span,
        }))
    }

    /// Parses the bodies of `first` and of the unread pipelines after it in
    /// its file, up to `batch` bytes; returns `first`'s and keeps the others'.
    fn read_from(&mut self, first: &Unread, loaded: &Loaded) -> Result<deferred::Bodies, Unparsed> {
        let (id, deferred) = &self.deferred[first.file];
        let numbers = |item: usize| deferred.stages_of(item).iter().map(|&(_, n)| n);
        let mut batch = vec![(self.order[first.at], first.item)];
        let mut stages: Vec<usize> = numbers(first.item).collect();
        for &next in &self.order[first.at + 1..] {
            if deferred.len(&stages) >= self.batch {
                break;
            }
            match self.unread.get(&next) {
                Some(unread) if unread.file == first.file && !self.parsed.contains_key(&next) => {
                    batch.push((next, unread.item));
                    stages.extend(numbers(unread.item));
                }
                _ => break,
            }
        }
        let text = &loaded.sources.get(*id).text;
        let (mut parsed, mut found) = deferred.parse(text, *id, &stages).ok_or(Unparsed)?;
        self.found.append(&mut found);
        // `parsed` holds each stage's body in the order of `stages`: the
        // batch's pipelines', one after another.
        let mut first_bodies = None;
        for (key, item) in batch.into_iter().rev() {
            let count = deferred.stages_of(item).len();
            let bodies = parsed.split_off(parsed.len() - count);
            if first_bodies.is_none() && key == self.order[first.at] {
                first_bodies = Some(bodies);
            } else {
                self.parsed.insert(key, bodies);
            }
        }
        Ok(first_bodies.unwrap_or_default())
    }

    /// Parses the bodies of the pipelines no pass took (one declared twice
    /// is not lowered), a batch at a time, so that their syntax errors and
    /// literals are found as a parse of the whole file finds them; the
    /// settings they hold are dropped.
    pub(super) fn read_rest(&mut self, loaded: &Loaded) -> Result<(), Unparsed> {
        for at in 0..self.order.len() {
            let key = self.order[at];
            if self.parsed.remove(&key).is_some() {
                self.unread.remove(&key);
            } else if let Some(unread) = self.unread.remove(&key) {
                self.read_from(&unread, loaded)?;
            }
        }
        Ok(())
    }

    /// Puts the diagnostics of the bodies' parses where the loader's are,
    /// `loaded` being how many the loader pushed: the order a parse of the
    /// whole file would have given them.
    pub(super) fn report(&mut self, diagnostics: &mut Diagnostics, loaded: usize) {
        let found = std::mem::take(&mut self.found);
        let items = diagnostics.items_mut();
        let at = loaded.min(items.len());
        items.splice(at..at, found);
    }

    /// Keeps what the passes after lowering read of `whole`'s settings, for
    /// `get`.
    pub(super) fn keep(&mut self, declared: &Declared<ast::Pipeline>, whole: ast::Pipeline) {
        let kept = whole
            .settings
            .into_iter()
            .map(|setting| match setting.node {
                PipelineSetting::Stage(stage) => Spanned::new(
                    PipelineSetting::Stage(ast::Stage {
                        settings: gates_of(stage.settings),
                        ..stage
                    }),
                    setting.span,
                ),
                _ => setting,
            })
            .collect();
        self.settings.insert(key(declared.node), kept);
    }

    /// The settings the passes after lowering read: what `keep` kept, or the
    /// declaration's own when it is whole.
    pub(super) fn get<'a>(
        &'a self,
        declared: &Declared<'a, ast::Pipeline>,
    ) -> &'a [Spanned<PipelineSetting>] {
        self.settings
            .get(&key(declared.node))
            .map_or(declared.node.settings.as_slice(), Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax;

    /// The diagnostics and the IR of `text` checked as one file: parsed
    /// whole, or with its stage bodies left for `Bodies` to parse `batch`
    /// bytes at a time (`None` when the file cannot be parsed so, or a body
    /// did not parse).
    fn checked(text: &str, deferred: Option<usize>) -> Option<(Vec<Diagnostic>, String)> {
        let file = FileId(0);
        let mut diagnostics = Diagnostics::default();
        let mut loaded = Loaded::default();
        loaded.sources.add("main.pipe".into(), text.to_string());
        let ast = match deferred {
            Some(_) => {
                let (ast, found, left_out) = syntax::deferred::parse_rest(text, file)?;
                diagnostics.extend(found);
                loaded.deferred.push((file, left_out));
                Some(ast)
            }
            None => {
                let (ast, found) = syntax::parse(text, file);
                diagnostics.extend(found);
                ast
            }
        };
        let program = match ast {
            Some(ast) => {
                loaded.files.push((file, ast));
                let mut bodies = Bodies::detach(&mut loaded);
                bodies.batch = deferred.unwrap_or(BATCH_BYTES);
                let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date");
                super::super::check_with(&loaded, bodies, today, &mut diagnostics).ok()?
            }
            None => None,
        };
        Some((diagnostics.into_sorted(), format!("{program:#?}")))
    }

    /// Every file of the repository checks the same with its bodies parsed
    /// as the checker reaches them, a pipeline at a time or all at once, as
    /// parsed whole; a file whose deferred check gives up has a syntax
    /// error in a stage body, which the whole parse reports.
    #[test]
    fn deferred_bodies_check_as_the_whole_file_does() {
        let mut deferred_files = 0;
        for (path, text) in crate::corpus::files() {
            let whole = checked(&text, None).expect("a whole check");
            for batch in [0, BATCH_BYTES] {
                match checked(&text, Some(batch)) {
                    Some(deferred) => {
                        assert_eq!(deferred, whole, "{path:?}, batch {batch}");
                        deferred_files += 1;
                    }
                    None => assert!(
                        syntax::parse(&text, FileId(0)).0.is_none(),
                        "{path:?} was not checked deferred but parses"
                    ),
                }
            }
        }
        assert!(
            deferred_files >= 100,
            "only {deferred_files} deferred checks"
        );
    }

    /// Several pipelines, a literal with no value in a body and a mistake
    /// the checker finds, in batches of every size: the diagnostics and IR
    /// of the whole parse.
    #[test]
    fn batches_of_any_size_give_the_whole_check() {
        let mut text = String::from("handler work { builtin noop }\n");
        for p in 0..6 {
            text.push_str(&format!("\npipeline p{p} {{\n"));
            for s in 0..3 {
                text.push_str(&format!("  stage s{s} {{\n"));
                for t in 0..4 {
                    let extra = match (p, s, t) {
                        (1, 2, 3) => "  timeout 99999999999999999999999s",
                        (4, 0, 1) => "  after nobody",
                        _ => "",
                    };
                    text.push_str(&format!("    task t{s}_{t} {{ run work{extra} }}\n"));
                }
                text.push_str("  }\n");
            }
            text.push_str("}\n");
        }
        let whole = checked(&text, None).expect("a whole check");
        assert!(whole.0.len() >= 2, "{:?}", whole.0);
        for batch in [0, 100, 250, 1000, BATCH_BYTES] {
            assert_eq!(
                checked(&text, Some(batch)),
                Some(whole.clone()),
                "batch {batch}"
            );
        }
        let broken = text.replace("t2_2 { run work }", "t2_2 { run work,, }");
        assert_eq!(checked(&broken, Some(0)), None, "a broken body gives up");
    }

    /// A pipeline declared twice is not lowered: its bodies are still
    /// parsed, so a syntax error in them gives up (the whole parse reports
    /// it) and a literal with no value in them is reported, in batches of
    /// every size.
    #[test]
    fn the_bodies_of_a_pipeline_not_lowered_are_parsed_too() {
        let mut text = String::from("handler work { builtin noop }\n");
        for p in ["a", "b", "a", "c"] {
            text.push_str(&format!("\npipeline {p} {{\n  stage one {{\n"));
            for t in 0..4 {
                text.push_str(&format!("    task t{t} {{ run work }}\n"));
            }
            text.push_str("  }\n}\n");
        }
        let second_a = text.match_indices("pipeline a").nth(1).expect("a twice").0;
        let (head, tail) = text.split_at(second_a);
        let literal = format!(
            "{head}{}",
            tail.replacen(
                "t2 { run work }",
                "t2 { run work  timeout 99999999999999999999999s }",
                1
            )
        );
        let whole = checked(&literal, None).expect("a whole check");
        assert!(
            whole
                .0
                .iter()
                .any(|d| d.message.contains("99999999999999999999999")),
            "{:?}",
            whole.0
        );
        let broken = format!(
            "{head}{}",
            tail.replacen("t2 { run work }", "t2 { frobnicate 1 }", 1)
        );
        assert!(syntax::parse(&broken, FileId(0)).0.is_none());
        for batch in [0, 100, 1000, BATCH_BYTES] {
            assert_eq!(
                checked(&literal, Some(batch)),
                Some(whole.clone()),
                "batch {batch}"
            );
            assert_eq!(checked(&broken, Some(batch)), None, "batch {batch}");
        }
    }
}
