//! Big files parsed a stage per thread. pest parses one input on one thread,
//! and on a generated pipeline of 100,000 tasks it is most of `pipec check`'s
//! time; stages are most of such a file and independent of one another.
//!
//! The stages `scan.rs` found are parsed on their own, on worker threads,
//! while this thread parses the rest: the file with the inside of every
//! stage's braces left out, each stage left as an empty `stage name {}`.
//! The stages parsed apart then take the empty ones' places; a [`Placement`]
//! turns positions in each piece back into positions in the file.
//!
//! That gives the AST a parse of the whole file gives. In both parses a stage
//! begins at the same `stage` keyword, which no other pipeline setting can
//! take as its own (each begins with its own keyword and none ends in an
//! optional name), and ends at the same closing brace, beyond which the stage
//! rule does not look; around the stages the two texts are the same. Any other
//! outcome (a syntax error, a wrong guess by the scan) falls back to parsing
//! the whole file, which also gives a syntax error its full detail.

use super::ast::{File, Item, PipelineSetting, Stage};
use super::grammar::{PipeParser, Rule};
use super::parser::Builder;
use super::placement::Placement;
use super::scan::StageText;
use crate::diagnostic::Diagnostic;
use crate::span::FileId;
use pest::Parser;
use std::num::NonZeroUsize;

/// Below this size a file is parsed whole: threads would cost more than they save.
pub const MIN_BYTES: usize = 256 * 1024;

/// How many threads a parse may use.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

type Parsed = (Option<File>, Vec<Diagnostic>);

/// A stage parsed alone: its AST and what its literals reported.
type ParsedStage = (Stage, Vec<Diagnostic>);

/// Parses `text` with its `stages` apart on up to `threads` threads; `None`
/// when the file must be parsed whole instead.
pub fn parse(text: &str, file: FileId, stages: &[StageText], threads: usize) -> Option<Parsed> {
    if threads < 2 || stages.len() < 2 {
        return None;
    }
    let (rest, placement) = leave_out_bodies(text, stages);
    let groups = balance(stages, threads);
    let (mine, theirs) = groups.split_first()?;
    std::thread::scope(|scope| {
        let workers: Vec<_> = theirs
            .iter()
            .map(|group| scope.spawn(move || parse_stages(text, file, group)))
            .collect();
        let rest = parse_rest(&rest, file, placement);
        let mut parsed = parse_stages(text, file, mine);
        for worker in workers {
            let theirs = worker.join().unwrap_or(None);
            parsed = parsed.zip(theirs).map(|(mut all, more)| {
                all.extend(more);
                all
            });
        }
        let (mut ast, mut diagnostics) = rest?;
        let parsed = parsed?;
        // A stage's name and title are in the rest too; their stage reports them.
        diagnostics.retain(|d| {
            let at = d.primary_span().map_or(0, |span| span.start as usize);
            !stages.iter().any(|stage| stage.whole.contains(&at))
        });
        for (_, found) in &parsed {
            diagnostics.extend_from_slice(found);
        }
        put_back(&mut ast, parsed.into_iter().map(|(stage, _)| stage))?;
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

/// Contiguous groups of stages, at most `threads`, of about equal bytes.
fn balance(stages: &[StageText], threads: usize) -> Vec<&[StageText]> {
    let total: usize = stages.iter().map(|s| s.whole.len()).sum();
    let share = total.div_ceil(threads).max(1);
    let mut groups = Vec::with_capacity(threads);
    let (mut start, mut bytes) = (0, 0);
    for (i, stage) in stages.iter().enumerate() {
        bytes += stage.whole.len();
        if bytes >= share && groups.len() + 1 < threads {
            groups.push(&stages[start..=i]);
            (start, bytes) = (i + 1, 0);
        }
    }
    if start < stages.len() {
        groups.push(&stages[start..]);
    }
    groups
}

fn parse_rest(rest: &str, file: FileId, placement: Placement) -> Option<(File, Vec<Diagnostic>)> {
    let root = PipeParser::parse(Rule::file, rest).ok()?.next()?;
    let mut builder = Builder::new(file, placement);
    let ast = builder.file(root);
    Some((ast, builder.diagnostics))
}

/// Parses each stage alone; `None` unless each is one whole stage.
fn parse_stages(text: &str, file: FileId, stages: &[StageText]) -> Option<Vec<ParsedStage>> {
    let mut parsed = Vec::with_capacity(stages.len());
    for stage in stages {
        let source = &text[stage.whole.clone()];
        let pair = PipeParser::parse(Rule::stage, source).ok()?.next()?;
        if pair.as_span().end() != source.len() {
            return None;
        }
        let mut builder = Builder::new(file, Placement::starting_at(stage.whole.start));
        let ast = builder.stage(pair);
        parsed.push((ast, builder.diagnostics));
    }
    Some(parsed)
}

/// Puts each stage parsed apart in the place of the empty stage the rest
/// has at the same span; `None` unless every one finds its place.
fn put_back(ast: &mut File, stages: impl Iterator<Item = Stage>) -> Option<()> {
    let mut stages = stages.peekable();
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
        if stages.peek().is_some_and(|s| s.span == empty.span) {
            if !empty.settings.is_empty() {
                return None;
            }
            *empty = stages.next()?;
        }
    }
    stages.peek().is_none().then_some(())
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
    fn groups_are_contiguous_and_about_equal() {
        let stages: Vec<_> = (0..10)
            .map(|i| StageText {
                whole: i * 10..i * 10 + 10,
                body: i * 10 + 5..i * 10 + 9,
            })
            .collect();
        let groups = balance(&stages, 3);
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [4, 4, 2]
        );
        assert_eq!(balance(&stages[..1], 4).len(), 1);
    }

    /// The split parse on `threads` threads, whatever the file's size.
    fn split(text: &str, threads: usize) -> Option<Parsed> {
        let layout = scan(text).ok()?;
        parse(text, FileId(0), &layout.stages, threads)
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
                    // Only a file that does not parse, or has too few stages, is not split.
                    None => assert!(
                        stages < 2 || parse_whole(&text, FileId(0)).0.is_none(),
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
