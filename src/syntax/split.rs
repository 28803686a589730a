//! Big files parsed on several threads. pest parses one input on one thread,
//! and on a generated pipeline of 100,000 tasks it is most of `pipec check`'s
//! time; the bodies of stages are most of such a file.
//!
//! The stage bodies `scan.rs` found are cut into pieces before `task`
//! keywords, and the pieces are parsed on their own (rule `stage_body`) on
//! worker threads, while this thread parses the rest: the file with every
//! stage's body left out, each stage left as an empty `stage name {}`. The
//! settings of the pieces then fill the empty stages; a [`Placement`] turns
//! positions in each piece back into positions in the file.
//!
//! That gives the AST a parse of the whole file gives. Around the bodies the
//! two texts are the same, and the stages begin and end at the same braces.
//! Inside a body the whole parse reads settings one after another with blanks
//! between, as a piece's parse does; a piece ends just before a `task`
//! keyword, which no stage setting can take as a continuation of its own (none
//! ends in an optional name), so each setting ends in the same place in both.
//! Any other outcome (a syntax error, a wrong guess by the scan) falls back to
//! parsing the whole file, which also gives a syntax error its full detail.

use super::ast::{File, Item, PipelineSetting, Spanned, StageSetting};
use super::grammar::{PipeParser, Rule};
use super::parser::Builder;
use super::placement::Placement;
use super::scan::StageText;
use crate::diagnostic::Diagnostic;
use crate::span::FileId;
use pest::Parser;
use std::num::NonZeroUsize;
use std::ops::Range;

/// Below this size a file is parsed whole: threads would cost more than they save.
const MIN_BYTES: usize = 256 * 1024;

/// A thread is worth starting for this many bytes of stage bodies or more.
const MIN_BYTES_PER_THREAD: usize = 64 * 1024;

type Parsed = (Option<File>, Vec<Diagnostic>);

/// A part of one stage's body, from its start or a `task` keyword to the
/// next cut or the body's end.
#[derive(Debug)]
struct Piece {
    stage: usize,
    text: Range<usize>,
}

/// A piece parsed: its stage, its settings and what its literals reported.
type ParsedPiece = (usize, Vec<Spanned<StageSetting>>, Vec<Diagnostic>);

/// Parses a big `text` with its `stages`' bodies apart on the machine's
/// cores; `None` when the file must be parsed whole instead.
pub fn parse(text: &str, file: FileId, stages: &[StageText]) -> Option<Parsed> {
    if text.len() < MIN_BYTES {
        return None;
    }
    let body_bytes: usize = stages.iter().map(|s| s.body.len()).sum();
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    parse_on(
        text,
        file,
        stages,
        cores.min(body_bytes / MIN_BYTES_PER_THREAD),
    )
}

/// Parses `text` with its `stages`' bodies apart on up to `threads` threads,
/// whatever its size; `None` when the file must be parsed whole instead.
fn parse_on(text: &str, file: FileId, stages: &[StageText], threads: usize) -> Option<Parsed> {
    if threads < 2 || stages.is_empty() {
        return None;
    }
    let body_bytes: usize = stages.iter().map(|s| s.body.len()).sum();
    let (rest, placement) = leave_out_bodies(text, stages);
    // Several pieces a thread, so that one slow piece does not hold up the rest.
    let pieces = cut(stages, body_bytes / (threads * 4));
    // This thread parses the rest too, so it takes fewer pieces.
    let groups = balance(&pieces, threads, rest.len());
    let (mine, theirs) = groups.split_first()?;
    std::thread::scope(|scope| {
        // A group whose thread cannot be started (a process limit) is parsed
        // here, after this thread's own work.
        let workers: Vec<_> = theirs
            .iter()
            .map(|&group| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || parse_pieces(text, file, group))
                    .map_err(|_| group)
            })
            .collect();
        let rest = parse_rest(&rest, file, placement);
        let mut parsed = parse_pieces(text, file, mine);
        for worker in workers {
            let theirs = match worker {
                Ok(thread) => thread.join().unwrap_or(None),
                Err(group) => parse_pieces(text, file, group),
            };
            parsed = parsed.zip(theirs).map(|(mut all, more)| {
                all.extend(more);
                all
            });
        }
        let (mut ast, mut diagnostics) = rest?;
        let mut parsed = parsed?;
        for (_, _, found) in &mut parsed {
            diagnostics.append(found);
        }
        fill(&mut ast, stages, parsed)?;
        Some((Some(ast), diagnostics))
    })
}

/// The file without what is between each stage's braces, and where the
/// pieces that are left were in the file. A position of the rest that is
/// the closing brace of a stage or after it moves by the bodies left out
/// before it; no node of the rest starts or ends inside an empty stage's
/// braces, so no position is ambiguous.
fn leave_out_bodies(text: &str, stages: &[StageText]) -> (String, Placement) {
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

/// Each stage's body in pieces of at least `size` bytes (the last piece of a
/// body may be shorter), cut before `task` keywords.
fn cut(stages: &[StageText], size: usize) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for (stage, text) in stages.iter().enumerate() {
        let mut start = text.body.start;
        for &task in &text.tasks {
            if task - start >= size.max(1) {
                pieces.push(Piece {
                    stage,
                    text: start..task,
                });
                start = task;
            }
        }
        pieces.push(Piece {
            stage,
            text: start..text.body.end,
        });
    }
    pieces
}

/// Contiguous groups of pieces, at most `threads`, of about equal bytes when
/// the first group is counted `head_start` bytes more.
fn balance(pieces: &[Piece], threads: usize, head_start: usize) -> Vec<&[Piece]> {
    let total: usize = head_start + pieces.iter().map(|p| p.text.len()).sum::<usize>();
    let share = total.div_ceil(threads).max(1);
    let mut groups = Vec::with_capacity(threads);
    let (mut start, mut bytes) = (0, head_start);
    for (i, piece) in pieces.iter().enumerate() {
        bytes += piece.text.len();
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

fn parse_rest(rest: &str, file: FileId, placement: Placement) -> Option<(File, Vec<Diagnostic>)> {
    let root = PipeParser::parse(Rule::file, rest).ok()?.next()?;
    let mut builder = Builder::new(file, placement);
    let ast = builder.file(root);
    Some((ast, builder.diagnostics))
}

/// Parses each piece alone; `None` unless each is a run of stage settings.
fn parse_pieces(text: &str, file: FileId, pieces: &[Piece]) -> Option<Vec<ParsedPiece>> {
    let mut parsed = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let body = PipeParser::parse(Rule::stage_body, &text[piece.text.clone()])
            .ok()?
            .next()?;
        let mut builder = Builder::new(file, Placement::starting_at(piece.text.start));
        let settings = builder.stage_body(body);
        parsed.push((piece.stage, settings, builder.diagnostics));
    }
    Some(parsed)
}

/// Gives each empty stage of the rest the settings of its pieces; `None`
/// unless the rest has every stage the scan found, in order, each empty.
fn fill(ast: &mut File, stages: &[StageText], pieces: Vec<ParsedPiece>) -> Option<()> {
    let mut pieces = pieces.into_iter().peekable();
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
        while let Some((_, settings, _)) = pieces.next_if(|(stage, _, _)| *stage == index) {
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
        let cuts: Vec<_> = cut(&stages, 30)
            .into_iter()
            .map(|p| (p.stage, p.text))
            .collect();
        assert_eq!(cuts, [(0, 10..50), (0, 50..90), (0, 90..99), (1, 110..119)]);
    }

    #[test]
    fn groups_are_contiguous_and_about_equal() {
        let pieces: Vec<_> = (0..10)
            .map(|i| Piece {
                stage: i,
                text: i * 10..i * 10 + 10,
            })
            .collect();
        let sizes = |groups: Vec<&[Piece]>| groups.iter().map(|g| g.len()).collect::<Vec<_>>();
        assert_eq!(sizes(balance(&pieces, 3, 0)), [4, 4, 2]);
        assert_eq!(sizes(balance(&pieces, 2, 40)), [3, 7]);
        assert_eq!(balance(&pieces[..1], 4, 0).len(), 1);
    }

    /// The split parse on `threads` threads, whatever the file's size.
    fn split(text: &str, threads: usize) -> Option<Parsed> {
        let layout = scan(text).ok()?;
        parse_on(text, FileId(0), &layout.stages, threads)
    }

    /// Diagnostics in a fixed order: the two parses find them in different ones.
    fn sorted((ast, mut diagnostics): Parsed) -> Parsed {
        diagnostics.sort_by_key(|d| format!("{d:?}"));
        (ast, diagnostics)
    }

    fn corpus() -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "pipelines",
            "pipelines/shared",
            "tests/check/ok",
            "tests/check/err",
        ] {
            for entry in std::fs::read_dir(root.join(dir))
                .expect("a corpus folder")
                .flatten()
            {
                if entry.path().extension().is_some_and(|e| e == "pipe") {
                    let text = std::fs::read_to_string(entry.path()).expect("readable");
                    files.push((entry.path(), text));
                }
            }
        }
        files
    }

    #[test]
    fn every_file_with_stages_splits_into_the_same_ast() {
        let mut split_files = 0;
        for (path, text) in corpus() {
            let stages = scan(&text).map_or(0, |layout| layout.stages.len());
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
                    // Only a file that does not parse, or has no stages, is not split.
                    None => assert!(
                        stages == 0 || parse_whole(&text, FileId(0)).0.is_none(),
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
            let corpus = corpus();
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
