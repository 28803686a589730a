//! One pass over the bytes before pest runs. It does two things pest cannot:
//! it bounds nesting, because pest's parser recurses once per bracket and
//! would overflow the native stack on hostile input; and it finds where
//! top-level items, stages and tasks begin, so that big files can be parsed in
//! parts on several threads (`split.rs`). It knows only strings, comments and
//! brackets; everything else is pest's to judge, and a wrong guess here is
//! caught there.

use std::ops::Range;

/// The deepest nesting of `(`, `[`, `{` and lambda arrows pest is asked to
/// parse. Real files nest about eight deep.
pub(crate) const MAX_NESTING: usize = 64;

/// What the scan found.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    /// `stage name … { … }` blocks directly inside a `pipeline` block, in order.
    pub stages: Vec<StageText>,
    /// Where each top-level `import`, `handler`, `days`, `notifier`,
    /// `executor` and `pipeline` keyword is.
    pub items: Vec<usize>,
}

/// Where a stage is: `whole` from the `stage` keyword to its closing brace,
/// `body` between its braces, and where each `task` keyword of the body is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StageText {
    pub whole: Range<usize>,
    pub body: Range<usize>,
    pub tasks: Vec<usize>,
}

/// Nesting went past [`MAX_NESTING`]; `at` is the byte offset of the bracket
/// or arrow that went too deep.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooDeep {
    pub at: usize,
    pub len: usize,
}

pub(crate) fn scan(text: &str) -> Result<Layout, TooDeep> {
    let bytes = text.as_bytes();
    let mut layout = Layout::default();
    // The depth before each open bracket: a close returns there, which also
    // drops the arrows of lambdas that ended inside the brackets.
    let mut opens: Vec<usize> = Vec::new();
    let mut depth = 0;
    // Whether the top-level block being read is a pipeline, and the start of
    // the stage whose braces are being read (or whose header is).
    let mut last_top_word: &[u8] = b"";
    let mut in_pipeline = false;
    let mut stage_start: Option<usize> = None;
    let mut body_start = 0;
    let mut tasks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = string_end(bytes, i + 1),
            b'#' => i = line_end(bytes, i),
            b'(' | b'[' | b'{' => {
                if opens.is_empty() {
                    in_pipeline = last_top_word == b"pipeline";
                }
                if opens.len() == 1 && stage_start.is_some() {
                    body_start = i + 1;
                }
                opens.push(depth);
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(TooDeep { at: i, len: 1 });
                }
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = opens.pop().unwrap_or(0);
                i += 1;
                if opens.len() == 1 && in_pipeline {
                    if let Some(start) = stage_start.take() {
                        layout.stages.push(StageText {
                            whole: start..i,
                            body: body_start..i - 1,
                            tasks: std::mem::take(&mut tasks),
                        });
                    }
                } else if opens.is_empty() {
                    stage_start = None;
                    tasks.clear();
                }
            }
            b'=' if bytes.get(i + 1) == Some(&b'>') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(TooDeep { at: i, len: 2 });
                }
                i += 2;
            }
            b if is_word_start(b) => {
                let start = i;
                while i < bytes.len() && is_word_char(bytes[i]) {
                    i += 1;
                }
                let word = &bytes[start..i];
                if opens.is_empty() {
                    if matches!(
                        word,
                        b"import"
                            | b"handler"
                            | b"days"
                            | b"notifier"
                            | b"executor"
                            | b"template"
                            | b"pipeline"
                            | b"source"
                    ) {
                        last_top_word = word;
                        layout.items.push(start);
                    }
                } else if opens.len() == 1
                    && in_pipeline
                    && word == b"stage"
                    && stage_start.is_none()
                {
                    stage_start = Some(start);
                } else if opens.len() == 2 && stage_start.is_some() && word == b"task" {
                    tasks.push(start);
                }
            }
            // A digit run is skipped whole so that `1s` is not read as the word `s`.
            b if b.is_ascii_digit() => {
                while i < bytes.len() && is_word_char(bytes[i]) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    Ok(layout)
}

/// Just past a string's closing quote; a string ends at a line's end too
/// (the grammar does not let it span lines).
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return i + 1,
            b'\n' => return i,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| i + n)
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_top_level_items() {
        let text = "import \"x.pipe\"\nhandler h { exec \"pipeline\" }\n# days\npipeline p { stage handler {} }\n";
        let layout = scan(text).expect("not too deep");
        let words: Vec<_> = layout.items.iter().map(|&at| &text[at..at + 4]).collect();
        assert_eq!(words, ["impo", "hand", "pipe"]);
    }

    #[test]
    fn a_notifier_is_a_top_level_item_and_has_no_stages() {
        // The scan does not judge the grammar: a `stage` word inside a
        // notifier is not a stage of the pipeline before it.
        let text = "pipeline p { stage a { task x } }\nnotifier ops { stage b {} }\nnotifier n { webhook \"u\" }\n";
        let layout = scan(text).expect("not too deep");
        let words: Vec<_> = layout.items.iter().map(|&at| &text[at..at + 10]).collect();
        assert_eq!(words, ["pipeline p", "notifier o", "notifier n"]);
        assert_eq!(layout.stages.len(), 1);
    }

    #[test]
    fn an_executor_is_a_top_level_item_only_at_top_level() {
        // Inside a pipeline, `executor` is a setting, not an item.
        let text = "executor c { ray \"http://h:8265\" }\npipeline p { executor c  stage a { executor local  task x } }\n";
        let layout = scan(text).expect("not too deep");
        let words: Vec<_> = layout.items.iter().map(|&at| &text[at..at + 10]).collect();
        assert_eq!(words, ["executor c", "pipeline p"]);
        assert_eq!(layout.stages.len(), 1);
        assert_eq!(layout.stages[0].tasks.len(), 1);
    }

    #[test]
    fn finds_the_tasks_of_stages() {
        let text = "pipeline p {\n  stage a {\n    task x { run task }\n    gate g { task > 0 }\n    task y\n  }\n}\n";
        let layout = scan(text).expect("not too deep");
        let words: Vec<_> = layout.stages[0]
            .tasks
            .iter()
            .map(|&at| &text[at..at + 6])
            .collect();
        assert_eq!(words, ["task x", "task y"]);
    }

    fn stages(text: &str) -> Vec<&str> {
        let layout = scan(text).expect("not too deep");
        layout
            .stages
            .iter()
            .map(|s| {
                assert_eq!(&text[s.body.end..s.whole.end], "}");
                assert_eq!(&text[s.body.start - 1..s.body.start], "{");
                &text[s.whole.clone()]
            })
            .collect()
    }

    #[test]
    fn finds_the_stages_of_pipelines_only() {
        let text = "handler stage { builtin noop }\n\
                    pipeline p \"t\" {\n  timeout 1s\n  stage a { task x { run y } }\n  \
                    trigger T { at 06:00 stages a }\n  stage b \"B\" {\n    gate g { n > 0 }\n  }\n}\n";
        assert_eq!(
            stages(text),
            [
                "stage a { task x { run y } }",
                "stage b \"B\" {\n    gate g { n > 0 }\n  }"
            ]
        );
    }

    #[test]
    fn strings_and_comments_hide_brackets_and_keywords() {
        let text = "pipeline p {\n  # stage c { \n  stage a \"}{ stage\" { task x }\n}\n";
        assert_eq!(stages(text), ["stage a \"}{ stage\" { task x }"]);
    }

    #[test]
    fn nesting_is_bounded_counting_arrows() {
        let ok = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(scan(&ok).is_ok());
        let deep = "(".repeat(MAX_NESTING + 1);
        assert_eq!(
            scan(&deep).unwrap_err(),
            TooDeep {
                at: MAX_NESTING,
                len: 1
            }
        );
        let arrows = format!("({}", "s => ".repeat(MAX_NESTING));
        assert_eq!(
            scan(&arrows).unwrap_err(),
            TooDeep {
                at: 1 + 5 * (MAX_NESTING - 1) + 2,
                len: 2
            }
        );
        // Arrows inside brackets end with them.
        let many = "(s => 1) ".repeat(MAX_NESTING * 2);
        assert!(scan(&many).is_ok());
    }

    #[test]
    fn an_unterminated_string_ends_at_the_line() {
        let text = "pipeline p {\n  description \"open\n  stage a { task x }\n}\n";
        assert_eq!(stages(text), ["stage a { task x }"]);
    }
}
