//! Big files parsed without their pipelines' stage bodies, each body parsed
//! only when the checker reaches its pipeline (`check/bodies.rs`), so that
//! `pipec check` never holds the syntax tree of a whole big file: the
//! bodies are nearly all of it (a task's tree is several times its text).
//!
//! The first parse is the rest of `split.rs` (the file with every stage's
//! body left out), which gives every top-level item, each pipeline's stages
//! empty. [`Deferred`] remembers where each of those stages' bodies is; its
//! `parse` parses the bodies of some pipelines, cut and spread over threads
//! as `split.rs` cuts them, which gives the settings a parse of the whole
//! file gives, for the reason `split.rs` gives.
//!
//! A body with a syntax error is only found when it is parsed: the caller
//! then parses the whole file again, as `syntax::parse` does, which reports
//! the error in full (`compile.rs`).

use super::ast::{File, Item, PipelineSetting, Spanned, StageSetting};
use super::placement::Placement;
use super::scan::{self, StageText};
use super::split::{self, Parts};
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

/// The stage bodies a parse left out, and the stages they fill.
#[derive(Debug)]
pub(crate) struct Deferred {
    stages: Vec<StageText>,
    /// By top-level item, each of its stages left empty: the stage's index
    /// among the pipeline's settings and in `stages`.
    items: Vec<Vec<(usize, usize)>>,
}

/// The settings of stages' bodies, in the order they were asked for.
pub(crate) type Bodies = Vec<Vec<Spanned<StageSetting>>>;

/// Parses `text` as `syntax::parse` does, except that a big file's
/// pipelines' stages are left empty and their bodies are described by the
/// `Deferred`. A file too small to be worth it, or that the scan or the rest's
/// parse cannot take apart, is parsed whole (no `Deferred`).
pub(crate) fn parse(text: &str, file: FileId) -> (Option<File>, Vec<Diagnostic>, Option<Deferred>) {
    if text.len() >= split::MIN_BYTES {
        if let Some((ast, diagnostics, deferred)) = parse_rest(text, file) {
            return (Some(ast), diagnostics, Some(deferred));
        }
    }
    let (ast, diagnostics) = super::parse(text, file);
    (ast, diagnostics, None)
}

/// The items of `text` with every pipeline's stages empty, whatever its
/// size; `None` when it must be parsed whole.
pub(crate) fn parse_rest(text: &str, file: FileId) -> Option<(File, Vec<Diagnostic>, Deferred)> {
    let layout = scan::scan(text).ok()?;
    let (rest, placement) = split::leave_out_bodies(text, &layout.stages);
    let threads = split::threads_for(rest.len());
    let pieces = split::cut_rest(
        &rest,
        &split::rest_positions(&layout.items, &layout.stages),
        rest.len() / (threads * 4),
    );
    let parsed = split::on_threads(&pieces, threads, |piece| {
        split::parse_piece(text, &rest, &placement, file, piece)
    })?;
    let mut items = Vec::new();
    let mut diagnostics = Vec::new();
    for (parts, mut found) in parsed {
        match parts {
            Parts::Items(more) => items.extend(more),
            Parts::Body(..) => return None,
        }
        diagnostics.append(&mut found);
    }
    let empty = empty_stages(&items, &layout.stages)?;
    let ast = File {
        items,
        span: Span::new(file, 0, text.len()),
    };
    Some((
        ast,
        diagnostics,
        Deferred {
            stages: layout.stages,
            items: empty,
        },
    ))
}

/// For each item, its stages that are the scan's stages, in order; `None`
/// unless every stage the scan found is one of them and empty (as
/// `split::fill` requires).
fn empty_stages(items: &[Item], stages: &[StageText]) -> Option<Vec<Vec<(usize, usize)>>> {
    let mut scanned = stages.iter().enumerate().peekable();
    let mut found = Vec::with_capacity(items.len());
    for item in items {
        let mut mine = Vec::new();
        if let Item::Pipeline(pipeline) = item {
            for (at, setting) in pipeline.settings.iter().enumerate() {
                let PipelineSetting::Stage(stage) = &setting.node else {
                    continue;
                };
                let whole = stage.span.start as usize..stage.span.end as usize;
                let Some((index, _)) = scanned.next_if(|(_, s)| s.whole == whole) else {
                    continue;
                };
                if !stage.settings.is_empty() {
                    return None;
                }
                mine.push((at, index));
            }
        }
        found.push(mine);
    }
    scanned.peek().is_none().then_some(found)
}

impl Deferred {
    /// The stages of top-level item `item` whose bodies were left out: each
    /// stage's index among the pipeline's settings, and the stage's number
    /// for `parse`.
    pub(crate) fn stages_of(&self, item: usize) -> &[(usize, usize)] {
        self.items.get(item).map_or(&[], Vec::as_slice)
    }

    /// The bytes of the bodies of stages `stages`.
    pub(crate) fn len(&self, stages: &[usize]) -> usize {
        stages.iter().map(|&s| self.stages[s].body.len()).sum()
    }

    /// Parses the bodies of stages `stages` (numbers from `stages_of`, in
    /// increasing order) of `text`, the file's text, on the machine's cores:
    /// each stage's settings, in that order, and the diagnostics of
    /// literals that have no value. `None` when one does not parse.
    pub(crate) fn parse(
        &self,
        text: &str,
        file: FileId,
        stages: &[usize],
    ) -> Option<(Bodies, Vec<Diagnostic>)> {
        let threads = split::threads_for(self.len(stages));
        let pieces = split::cut_bodies(
            stages.iter().map(|&s| (s, &self.stages[s])),
            self.len(stages) / (threads * 4),
        );
        let no_rest = Placement::default();
        let parsed = split::on_threads(&pieces, threads, |piece| {
            split::parse_piece(text, "", &no_rest, file, piece)
        })?;
        let mut bodies: Bodies = stages.iter().map(|_| Vec::new()).collect();
        let mut diagnostics = Vec::new();
        for (parts, mut found) in parsed {
            match parts {
                Parts::Body(stage, settings) => {
                    let slot = &mut bodies[stages.binary_search(&stage).ok()?];
                    if slot.is_empty() {
                        *slot = settings;
                    } else {
                        slot.extend(settings);
                    }
                }
                Parts::Items(_) => return None,
            }
            diagnostics.append(&mut found);
        }
        Some((bodies, diagnostics))
    }
}
