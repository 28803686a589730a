//! Pipelines' settings held apart from the files' syntax trees, so each
//! pipeline's tasks can be freed as soon as the pipeline is lowered: the
//! syntax tree of a big file and its IR are then never whole at once.
//!
//! `detach` takes every pipeline's settings out of the loaded files, leaving
//! the heads (name, title, span) that the program-wide scope refers to. Once a
//! pipeline is lowered, `keep` holds on to what the later passes read of its
//! settings: all but its stages' tasks and flows (gates read their stage's
//! gates; reachability counts the triggers). What later passes read of the
//! tasks themselves is taken before they are dropped (`Lowered`).

use super::declare::Declared;
use crate::loader::Loaded;
use crate::syntax::ast::{self, PipelineSetting, Spanned, StageSetting};
use std::collections::HashMap;

type Settings = Vec<Spanned<PipelineSetting>>;

/// Detached settings by the address of the pipeline they were taken from:
/// the loaded files are not moved while the checker runs. Empty when the
/// syntax tree is kept whole (`check_keeping_ast`).
#[derive(Default)]
pub(super) struct Bodies {
    settings: HashMap<usize, Settings>,
}

fn key(pipeline: &ast::Pipeline) -> usize {
    std::ptr::from_ref(pipeline) as usize
}

impl Bodies {
    /// Takes the settings of every pipeline of `loaded`.
    pub(super) fn detach(loaded: &mut Loaded) -> Bodies {
        let mut settings = HashMap::new();
        for (_, file) in &mut loaded.files {
            for item in &mut file.items {
                if let ast::Item::Pipeline(p) = item {
                    settings.insert(key(p), std::mem::take(&mut p.settings));
                }
            }
        }
        Bodies { settings }
    }

    /// The whole pipeline `declared` was taken from, to lower, and the
    /// detached settings no longer held here; `None` when they were not
    /// detached (the declaration is whole).
    pub(super) fn take(&mut self, declared: &Declared<ast::Pipeline>) -> Option<ast::Pipeline> {
        let head = declared.node;
        self.settings
            .remove(&key(head))
            .map(|settings| ast::Pipeline {
                name: head.name.clone(),
                title: head.title.clone(),
                settings,
                span: head.span,
            })
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
                        settings: stage
                            .settings
                            .into_iter()
                            .filter(|s| matches!(s.node, StageSetting::Gate(_)))
                            .collect(),
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
