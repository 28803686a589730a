//! Big files parsed on several threads. pest parses one input on one thread,
//! and on a generated pipeline of 100,000 tasks it is most of `pipec check`'s
//! time.
//!
//! The file is cut in two ways at places `scan.rs` found. The rest, which is
//! the file with every stage's body left out (each stage left as an empty
//! `stage name {}`), is cut before top-level items and each part is parsed as
//! a file. The stage bodies are cut before `task` keywords and each part is
//! parsed with the rule `stage_body`. The parts are spread over threads; the
//! items are put in order and the settings fill the empty stages. A
//! [`Placement`] turns positions in each part back into positions in the file.
//!
//! That gives the AST a parse of the whole file gives. Top-level items and
//! the settings of a body are read one after another with blanks between,
//! and a part ends just before an item's or a task's keyword, which nothing
//! before it can take as a continuation of its own (no item or setting ends
//! in an optional name); so each item and setting ends in the same place in
//! both parses. Around the bodies the texts are the same, and the stages begin
//! and end at the same braces. Any other outcome (a syntax error, a wrong
//! guess by the scan) falls back to parsing the whole file, which also gives
//! a syntax error its full detail.

use super::ast::{File, Item, PipelineSetting, Spanned, StageSetting};
use super::grammar::{PipeParser, Rule};
use super::parser::Builder;
use super::placement::Placement;
use super::scan::{Layout, StageText};
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use pest::Parser;
use std::num::NonZeroUsize;
use std::ops::Range;

/// Below this size a file is parsed whole: threads would cost more than they save.
pub(super) const MIN_BYTES: usize = 256 * 1024;

/// A thread is worth starting for this many bytes or more.
pub(super) const MIN_BYTES_PER_THREAD: usize = 64 * 1024;

pub(super) type Parsed = (Option<File>, Vec<Diagnostic>);

/// What one parse on a thread gets.
pub(super) enum Piece {
    /// Top-level items of the rest: a range of the rest.
    Items(Range<usize>),
    /// Part of the body of stage `stage`, from its start or a `task` keyword
    /// to the next cut or the body's end: a range of the file.
    Body { stage: usize, text: Range<usize> },
}

impl Piece {
    fn len(&self) -> usize {
        match self {
            Piece::Items(text) | Piece::Body { text, .. } => text.len(),
        }
    }
}

/// What a piece holds, parsed.
pub(super) enum Parts {
    Items(Vec<Item>),
    Body(usize, Vec<Spanned<StageSetting>>),
}

/// Parses a big `text` on the machine's cores; `None` when the file must be
/// parsed whole instead.
pub(crate) fn parse(text: &str, file: FileId, layout: &Layout) -> Option<Parsed> {
    if text.len() < MIN_BYTES {
        return None;
    }
    parse_on(text, file, layout, threads_for(text.len()))
}

/// How many threads `bytes` of text are worth: one a core, and one for each
/// [`MIN_BYTES_PER_THREAD`] or more; at least one.
pub(super) fn threads_for(bytes: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    cores.min(bytes / MIN_BYTES_PER_THREAD).max(1)
}

/// Parses `text` in pieces on up to `threads` threads, whatever its size;
/// `None` when the file must be parsed whole instead.
fn parse_on(text: &str, file: FileId, layout: &Layout, threads: usize) -> Option<Parsed> {
    if threads < 2 {
        return None;
    }
    let (rest, placement) = leave_out_bodies(text, &layout.stages);
    // Several pieces a thread, so that one slow piece does not hold up the rest.
    let size = text.len() / (threads * 4);
    let mut pieces = cut_rest(&rest, &rest_positions(&layout.items, &layout.stages), size);
    pieces.extend(cut_bodies(layout.stages.iter().enumerate(), size));
    let parsed = on_threads(&pieces, threads, |piece| {
        parse_piece(text, &rest, &placement, file, piece)
    })?;
    let mut items = Vec::new();
    let mut bodies = Vec::new();
    let mut diagnostics = Vec::new();
    for (parts, mut found) in parsed {
        match parts {
            Parts::Items(more) => items.extend(more),
            Parts::Body(stage, settings) => bodies.push((stage, settings)),
        }
        diagnostics.append(&mut found);
    }
    let mut ast = File {
        items,
        span: Span::new(file, 0, text.len()),
    };
    fill(&mut ast, &layout.stages, bodies)?;
    Some((Some(ast), diagnostics))
}

/// Parses `pieces` in contiguous groups on up to `threads` threads, this one
/// among them; the results in the pieces' order, or `None` if any failed.
pub(super) fn on_threads<P>(
    pieces: &[Piece],
    threads: usize,
    parse: P,
) -> Option<Vec<(Parts, Vec<Diagnostic>)>>
where
    P: Fn(&Piece) -> Option<(Parts, Vec<Diagnostic>)> + Sync,
{
    let groups = balance(pieces, threads.max(1));
    let parse_group = |group: &[Piece]| -> Option<Vec<(Parts, Vec<Diagnostic>)>> {
        group.iter().map(&parse).collect()
    };
    let Some((mine, theirs)) = groups.split_first() else {
        return Some(Vec::new());
    };
    std::thread::scope(|scope| {
        // A group whose thread cannot be started (a process limit) is parsed
        // here, after this thread's own work.
        let workers: Vec<_> = theirs
            .iter()
            .map(|&group| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || parse_group(group))
                    .map_err(|_| group)
            })
            .collect();
        let mut parsed = parse_group(mine);
        for worker in workers {
            let theirs = match worker {
                Ok(thread) => thread.join().unwrap_or(None),
                Err(group) => parse_group(group),
            };
            parsed = parsed.zip(theirs).map(|(mut all, more)| {
                all.extend(more);
                all
            });
        }
        parsed
    })
}

/// The file without what is between each stage's braces, and where the
/// pieces that are left were in the file. A position of the rest that is
/// the closing brace of a stage or after it moves by the bodies left out
/// before it; no node of the rest starts or ends inside an empty stage's
/// braces, so no position is ambiguous.
pub(super) fn leave_out_bodies(text: &str, stages: &[StageText]) -> (String, Placement) {
    let left_out: usize = stages.iter().map(|s| s.body.len()).sum();
    let mut rest = String::with_capacity(text.len() - left_out);
    let mut moves = Vec::with_capacity(stages.len());
    let mut kept_from = 0;
    for stage in stages {
        rest.push_str(&text[kept_from..stage.body.start]);
        kept_from = stage.body.end;
        moves.push((rest.len(), kept_from - rest.len()));
    }
    rest.push_str(&text[kept_from..]);
    (rest, Placement::moved(moves))
}

/// Where the top-level items start in the rest: the file's positions less
/// the bodies left out before them.
pub(super) fn rest_positions(items: &[usize], stages: &[StageText]) -> Vec<usize> {
    let mut bodies = stages.iter().peekable();
    let mut left_out = 0;
    items
        .iter()
        .map(|&at| {
            while let Some(body) = bodies.next_if(|s| s.body.end <= at) {
                left_out += body.body.len();
            }
            at - left_out
        })
        .collect()
}

/// The rest in pieces of at least `size` bytes (the last may be shorter),
/// cut before top-level items.
pub(super) fn cut_rest(rest: &str, items: &[usize], size: usize) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for &item in items {
        if item - start >= size.max(1) {
            pieces.push(Piece::Items(start..item));
            start = item;
        }
    }
    pieces.push(Piece::Items(start..rest.len()));
    pieces
}

/// Each stage's body (with its index) in pieces of at least `size` bytes
/// (the last piece of a body may be shorter), cut before `task` keywords.
pub(super) fn cut_bodies<'a>(
    stages: impl IntoIterator<Item = (usize, &'a StageText)>,
    size: usize,
) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for (stage, text) in stages {
        let mut start = text.body.start;
        for &task in &text.tasks {
            if task - start >= size.max(1) {
                pieces.push(Piece::Body {
                    stage,
                    text: start..task,
                });
                start = task;
            }
        }
        pieces.push(Piece::Body {
            stage,
            text: start..text.body.end,
        });
    }
    pieces
}

/// Contiguous groups of pieces, at most `threads`, of about equal bytes.
fn balance(pieces: &[Piece], threads: usize) -> Vec<&[Piece]> {
    let total: usize = pieces.iter().map(Piece::len).sum();
    let share = total.div_ceil(threads).max(1);
    let mut groups = Vec::with_capacity(threads);
    let (mut start, mut bytes) = (0, 0);
    for (i, piece) in pieces.iter().enumerate() {
        bytes += piece.len();
        if bytes >= share && groups.len() + 1 < threads {
            groups.push(&pieces[start..=i]);
            (start, bytes) = (i + 1, 0);
        }
    }
    if start < pieces.len() {
        groups.push(&pieces[start..]);
    }
    groups
}

/// Parses one piece; `None` unless it is a run of items or of stage settings.
pub(super) fn parse_piece(
    text: &str,
    rest: &str,
    placement: &Placement,
    file: FileId,
    piece: &Piece,
) -> Option<(Parts, Vec<Diagnostic>)> {
    match piece {
        Piece::Items(range) => {
            let root = PipeParser::parse(Rule::file, &rest[range.clone()])
                .ok()?
                .next()?;
            let mut builder = Builder::new(file, placement.from(range.start));
            let items = builder.file(root).items;
            Some((Parts::Items(items), builder.diagnostics))
        }
        Piece::Body { stage, text: range } => {
            let body = PipeParser::parse(Rule::stage_body, &text[range.clone()])
                .ok()?
                .next()?;
            let mut builder = Builder::new(file, Placement::starting_at(range.start));
            let settings = builder.stage_body(body);
            Some((Parts::Body(*stage, settings), builder.diagnostics))
        }
    }
}

/// Gives each empty stage of the rest the settings of its pieces; `None`
/// unless the rest has every stage the scan found, in order, each empty.
fn fill(
    ast: &mut File,
    stages: &[StageText],
    bodies: Vec<(usize, Vec<Spanned<StageSetting>>)>,
) -> Option<()> {
    let mut pieces = bodies.into_iter().peekable();
    let mut stages = stages.iter().enumerate().peekable();
    let empty_stages = ast
        .items
        .iter_mut()
        .filter_map(|item| match item {
            Item::Pipeline(pipeline) => Some(pipeline),
            _ => None,
        })
        .flat_map(|pipeline| &mut pipeline.settings)
        .filter_map(|setting| match &mut setting.node {
            PipelineSetting::Stage(stage) => Some(stage),
            _ => None,
        });
    for empty in empty_stages {
        let Some((index, _)) = stages
            .next_if(|(_, s)| (empty.span.start as usize..empty.span.end as usize) == s.whole)
        else {
            continue;
        };
        if !empty.settings.is_empty() {
            return None;
        }
        while let Some((_, settings)) = pieces.next_if(|(stage, _)| *stage == index) {
            if empty.settings.is_empty() {
                empty.settings = settings;
            } else {
                empty.settings.extend(settings);
            }
        }
    }
    (stages.peek().is_none() && pieces.peek().is_none()).then_some(())
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse_whole;
    use super::super::scan::scan;
    use super::*;
    use proptest::prelude::*;

    fn stage_at(text: &str, name: &str) -> StageText {
        let start = text.find(&format!("stage {name}")).expect("the stage");
        let open = start + text[start..].find('{').expect("a brace");
        let close = open + text[open..].find('}').expect("the closing brace");
        StageText {
            whole: start..close + 1,
            body: open + 1..close,
            tasks: Vec::new(),
        }
    }

    #[test]
    fn the_rest_keeps_empty_stages() {
        let text = "pipeline p {\n  stage a {\n    task x\n  } timeout 1s\n  stage b \"\u{e9}\" { task y }\n}\n";
        let stages = [stage_at(text, "a"), stage_at(text, "b")];
        let (rest, placement) = leave_out_bodies(text, &stages);
        assert_eq!(
            rest,
            "pipeline p {\n  stage a {} timeout 1s\n  stage b \"\u{e9}\" {}\n}\n"
        );
        let b_start = rest.find("stage b").expect("b in the rest");
        let b_end = b_start + rest[b_start..].find('}').expect("brace") + 1;
        let b = pest::Span::new(&rest, b_start, b_end).expect("a span");
        let span = placement.span(FileId(0), b);
        assert_eq!(span.start as usize..span.end as usize, stages[1].whole);
    }

    #[test]
    fn bodies_are_cut_before_tasks_into_pieces_of_at_least_a_size() {
        let stages = [
            StageText {
                whole: 0..100,
                body: 10..99,
                tasks: vec![12, 30, 50, 60, 90],
            },
            StageText {
                whole: 100..120,
                body: 110..119,
                tasks: vec![],
            },
        ];
        let cuts: Vec<_> = cut_bodies(stages.iter().enumerate(), 30)
            .into_iter()
            .map(|piece| match piece {
                Piece::Body { stage, text } => (stage, text),
                Piece::Items(_) => panic!("only bodies"),
            })
            .collect();
        assert_eq!(cuts, [(0, 10..50), (0, 50..90), (0, 90..99), (1, 110..119)]);
    }

    #[test]
    fn groups_are_contiguous_and_about_equal() {
        let pieces: Vec<_> = (0..10).map(|i| Piece::Items(i * 10..i * 10 + 10)).collect();
        let sizes = |groups: Vec<&[Piece]>| groups.iter().map(|g| g.len()).collect::<Vec<_>>();
        assert_eq!(sizes(balance(&pieces, 3)), [4, 4, 2]);
        assert_eq!(balance(&pieces[..1], 4).len(), 1);
    }

    #[test]
    fn the_rest_is_cut_before_items() {
        let text = "handler a { builtin noop }\npipeline p {\n  stage s {\n    task x { run a }\n  }\n}\nhandler b { builtin noop }\n";
        let layout = scan(text).expect("not too deep");
        let (rest, _) = leave_out_bodies(text, &layout.stages);
        let items = rest_positions(&layout.items, &layout.stages);
        let words: Vec<_> = items.iter().map(|&at| &rest[at..at + 9]).collect();
        assert_eq!(words, ["handler a", "pipeline ", "handler b"]);
        let cuts: Vec<_> = cut_rest(&rest, &items, 20)
            .into_iter()
            .map(|piece| match piece {
                Piece::Items(text) => &rest[text],
                Piece::Body { .. } => panic!("only items"),
            })
            .collect();
        assert_eq!(
            cuts,
            [
                "handler a { builtin noop }\n",
                "pipeline p {\n  stage s {}\n}\n",
                "handler b { builtin noop }\n"
            ]
        );
    }

    /// The split parse on `threads` threads, whatever the file's size.
    fn split(text: &str, threads: usize) -> Option<Parsed> {
        let layout = scan(text).ok()?;
        parse_on(text, FileId(0), &layout, threads)
    }

    /// Diagnostics in a fixed order: the two parses find them in different ones.
    fn sorted((ast, mut diagnostics): Parsed) -> Parsed {
        diagnostics.sort_by_key(|d| format!("{d:?}"));
        (ast, diagnostics)
    }

    #[test]
    fn every_file_splits_into_the_same_ast() {
        let mut split_files = 0;
        for (path, text) in crate::corpus::files() {
            for threads in [2, 3] {
                match split(&text, threads) {
                    Some(parsed) => {
                        assert_eq!(
                            sorted(parsed),
                            sorted(parse_whole(&text, FileId(0))),
                            "{path:?}"
                        );
                        split_files += 1;
                    }
                    // Only a file that nests too deep or does not parse is not split.
                    None => assert!(
                        scan(&text).is_err() || parse_whole(&text, FileId(0)).0.is_none(),
                        "{path:?} was not split"
                    ),
                }
            }
        }
        assert!(split_files >= 20, "only {split_files} splits");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// A split parse that succeeds is the whole parse, and a file that
        /// does not parse whole never parses split.
        #[test]
        fn a_split_parse_is_the_whole_parse(file in any::<prop::sample::Index>(),
                                            at in any::<prop::sample::Index>(),
                                            cut in 0usize..40,
                                            insert in "[ -~\n]{0,12}") {
            let corpus = crate::corpus::files();
            let (_, text) = &corpus[file.index(corpus.len())];
            let mut start = at.index(text.len().max(1)).min(text.len());
            while !text.is_char_boundary(start) { start -= 1; }
            let mut end = (start + cut).min(text.len());
            while !text.is_char_boundary(end) { end -= 1; }
            let mutated = format!("{}{}{}", &text[..start], insert, &text[end..]);
            if let Some(parsed) = split(&mutated, 2) {
                prop_assert_eq!(sorted(parsed), sorted(parse_whole(&mutated, FileId(0))));
            }
        }
    }
}
