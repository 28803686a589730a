//! Syntax errors in words a user understands: pest's rule names are renamed,
//! and the keywords and punctuation it tried are listed as written.

use super::grammar::Rule;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Span};
use pest::error::{Error, InputLocation};
use std::collections::BTreeSet;

pub(crate) fn syntax_error(error: &Error<Rule>, text: &str, file: FileId) -> Diagnostic {
    let (mut start, end) = match error.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, e)) => (s, e),
    };
    let mut expected = BTreeSet::new();
    if let Some(attempts) = error.parse_attempts() {
        start = start.max(attempts.max_position);
        for token in attempts.expected_tokens() {
            let token = token.to_string();
            // Character ranges and built-in rules say nothing a user can act on.
            if !token.contains("..")
                && token != "BUILTIN_RULE"
                && token != "#"
                && !token.trim().is_empty()
            {
                expected.insert(format!("`{token}`"));
            }
        }
        for stack in attempts.call_stacks() {
            if let Some(word) = stack.deepest.get_rule().and_then(|r| describe(*r)) {
                expected.insert(word.to_string());
            }
        }
    }
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant {
        expected.extend(
            positives
                .iter()
                .filter_map(|r| describe(*r))
                .map(String::from),
        );
    }
    // `_` is how a name may begin, not a token of its own.
    if expected.contains("a name") {
        expected.remove("`_`");
    }
    let start = word_start(text, skip_blanks(text, start));
    if let Some(quote) = super::lexical::unclosed_string(text, start.max(1)) {
        return unclosed_string(text, quote, file);
    }
    let end = end.max(start);
    let found = found_at(text, start);
    let message = match &found {
        Some(token) => format!("unexpected `{token}`"),
        None => "unexpected end of file".to_string(),
    };
    let span = match &found {
        Some(token) => Span::new(file, start, (start + token.len()).max(end)),
        // Past the end there is nothing to underline: point at the last token.
        None => {
            let last = text.trim_end().len();
            let before = text[..last].chars().next_back().map_or(0, char::len_utf8);
            Span::new(file, last - before, last)
        }
    };
    let expected: Vec<String> = expected.into_iter().collect();
    let label = if expected.is_empty() {
        "not expected here".to_string()
    } else {
        let prefix = if found.is_none() {
            "the file ends here; "
        } else {
            ""
        };
        format!("{prefix}expected {}", one_of(&expected))
    };
    if expected.iter().any(|e| e.starts_with("a duration")) {
        if let Some((from, to, fix)) = super::lexical::duration_typo(text, start) {
            let word = &text[from..to];
            return Diagnostic::new(Code::Syntax, format!("`{word}` is not a duration pipec reads"))
                .label(Span::new(file, from, to), format!("write `{fix}`"))
                .help(format!(
                    "write `{fix}`: durations are whole numbers of `ms`, `s`, `m`, `h` or `d`, combined as in `1m30s`"
                ));
        }
    }
    if expected.iter().any(|e| e.starts_with("a time such as")) {
        if let Some((from, to, fix)) = super::lexical::short_time(text, start) {
            let word = &text[from..to];
            return Diagnostic::new(Code::Syntax, format!("`{word}` is not a time pipec reads"))
                .label(Span::new(file, from, to), format!("write `{fix}`"))
                .help(format!(
                    "write `{fix}`: times of day have two-digit hours, `HH:MM` or `HH:MM:SS`"
                ));
        }
    }
    let mut diagnostic = Diagnostic::new(Code::Syntax, message).label(span, label);
    let closes = expected.iter().any(|e| e == "`}`");
    if let Some(open) =
        super::lexical::open_brace(text, start).filter(|_| closes && ends_a_block(&found))
    {
        diagnostic = diagnostic
            .label(Span::new(file, open, open + 1), "this `{` is never closed")
            .help(match &found {
                Some(token) => format!("close it with `}}` before `{token}`"),
                None => "close it with `}` at the end of its block".to_string(),
            });
    } else if let Some(help) = hint(&found, &expected) {
        diagnostic = diagnostic.help(help);
    } else if let Some(example) = setting_example(text, start) {
        diagnostic = diagnostic.help(format!("it is written like {example}"));
    } else {
        diagnostic = diagnostic
            .help("write what the label expects; docs/language.md shows every item and setting");
    }
    diagnostic
}

/// How the setting whose keyword comes just before `at` is written, for a
/// setting left incomplete (`after` with no task, `timeout` with no value).
fn setting_example(text: &str, at: usize) -> Option<&'static str> {
    let before = text.get(..at)?.trim_end();
    let word = before
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()?;
    Some(match word {
        "after" => "`after fetch_prices, detect_regime`",
        "joins" => "`joins model_a, model_b`",
        "reads" => "`reads prices, regime.label`",
        "run" => "`run fetch_prices` or `run pipeline research`",
        "args" => "`args \"--lookback\" \"60\"`",
        "timeout" | "run_timeout" => "`timeout 30s`",
        "on_failure" => "`on_failure retry 3 backoff 10s then warn`",
        "backoff" => "`backoff 10s, 30s` or `backoff exponential 1s max 1m jitter`",
        "priority" => "`priority high` or `priority 75`",
        "requires" => "`requires SESSION, PRE_OPEN`",
        "when" => "`when trading_days` or `when not fomc`",
        "calendar" => "`calendar XNYS` or `calendar \"desk.cal\"`",
        "timezone" => "`timezone America/New_York`",
        "concurrency" => "`concurrency 4`",
        "merge" => "`merge last_wins`",
        "at" => "`at 09:30`, `at open + 5m` or `at close - 10m`",
        "every" => "`every 5m during SESSION`",
        "cron" => "`cron \"*/15 9-16 * * MON-FRI\"`",
        "stages" => "`stages data..signals` or `stages all`",
        "missed" => "`missed skip` or `missed run_late within 2h`",
        "deadline" => "`deadline 15:45` or `deadline close - 15m`",
        "notify" => "`notify ops on run_failed, task_failed`",
        "executor" => "`executor cluster`",
        "gather" => "`gather scores`",
        "for" => "`for symbol in universe`",
        "max_failures" => "`max_failures 2` or `max_failures 10%`",
        "produces" => "`produces price_data`",
        "returns" => "`returns { prices: [{ symbol: string, close: float }] }`",
        "exec" => "`exec \"handlers/fetch.sh\" \"--fast\"`",
        "shell" => "`shell \"curl -s $URL | jq .\"`",
        "builtin" => "`builtin noop` or `builtin sleep 5s`",
        "import" => "`import \"shared/handlers.pipe\"`",
        _ => return None,
    })
}

/// A string that runs to the end of its line, reported at its opening quote.
fn unclosed_string(text: &str, quote: usize, file: FileId) -> Diagnostic {
    let line_end = text[quote..].find('\n').map_or(text.len(), |n| quote + n);
    Diagnostic::new(Code::Syntax, "this string is not closed")
        .label(
            Span::new(file, quote, line_end),
            "the string starts here and runs to the end of the line",
        )
        .help("end it with `\"` on the same line: a string cannot span lines (write `\\n` for a line break)")
}

/// The end of the file, or a word that only starts an item of an outer block
/// (a top-level item, a pipeline's stage or trigger): where a missing `}` is
/// noticed.
fn ends_a_block(found: &Option<String>) -> bool {
    match found.as_deref() {
        None => true,
        Some(word) => matches!(
            word,
            "pipeline"
                | "handler"
                | "days"
                | "import"
                | "notifier"
                | "executor"
                | "template"
                | "source"
                | "stage"
                | "trigger"
        ),
    }
}

/// The token at a byte offset: a word, or one character of punctuation.
fn found_at(text: &str, at: usize) -> Option<String> {
    let rest = text.get(at..)?;
    let first = rest.chars().next()?;
    if first.is_alphanumeric() || first == '_' {
        Some(
            rest.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect(),
        )
    } else {
        Some(first.to_string())
    }
}

/// pest can stop inside a word (`intt` after the type `int`, `10sec` after
/// `10s`): the user wrote the whole word, so that is what is reported.
fn word_start(text: &str, at: usize) -> usize {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let inside = text[at..].starts_with(word) && text[..at].ends_with(word);
    if !inside {
        return at;
    }
    text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| word(*c))
        .last()
        .map_or(at, |(i, _)| i)
}

/// pest can stop before the blanks that precede the offending token.
fn skip_blanks(text: &str, at: usize) -> usize {
    text.get(at..)
        .map_or(at, |rest| at + (rest.len() - rest.trim_start().len()))
}

fn hint(found: &Option<String>, expected: &[String]) -> Option<String> {
    match found.as_deref() {
        Some(";") => Some("settings are separated by blanks or new lines, not `;`".into()),
        Some("=") if expected.iter().any(|e| e == "`==`") => {
            Some("did you mean `==`? `=` is not a comparison".into())
        }
        Some("=") => Some("settings are written `keyword value`, without `=`".into()),
        Some("//" | "/") => Some("comments start with `#`".into()),
        Some(word) if word.starts_with(|c: char| c.is_alphabetic() || c == '_') => {
            // A misspelt keyword or type: the nearest of the words that fit here.
            const TYPES: [&str; 6] = ["string", "int", "float", "bool", "timestamp", "any"];
            let types = expected
                .iter()
                .any(|e| e.starts_with("a type"))
                .then_some(TYPES)
                .into_iter()
                .flatten();
            let keywords = expected
                .iter()
                .filter_map(|e| e.strip_prefix('`')?.strip_suffix('`'))
                .filter(|k| k.starts_with(|c: char| c.is_alphabetic()))
                .chain(types);
            crate::check::suggest::nearest(word, keywords).map(|k| format!("did you mean `{k}`?"))
        }
        _ => None,
    }
}

fn one_of(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// The words for a rule in an "expected …" list; `None` for rules whose own
/// keywords already appear in the list.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::name => "a name",
        Rule::key_path => "a context key",
        Rule::string | Rule::string_inner => "a string",
        Rule::integer | Rule::signed_integer => "a whole number",
        Rule::float | Rule::signed_float => "a number",
        Rule::duration => "a duration such as `30s`",
        Rule::size => "a size such as `1MB`",
        Rule::time_of_day => "a time such as `09:30`",
        Rule::date => "a date such as `2026-01-28`",
        Rule::zone => "a time zone such as `America/New_York`",
        Rule::state => "a market state such as `SESSION`",
        Rule::event => "an event such as `run_failed`",
        Rule::shape_prim => "a type such as `string`",
        Rule::expr => "an expression",
        Rule::value_object | Rule::value_list => "a value",
        Rule::boolean => "`true` or `false`",
        Rule::EOI => "end of file",
        // A keyword's rule tried the keyword, which the list already shows
        // as written: words for the rule would say it twice.
        Rule::notifier
        | Rule::webhook
        | Rule::slack
        | Rule::notify
        | Rule::deadline
        | Rule::executor
        | Rule::ray
        | Rule::num_cpus
        | Rule::num_gpus
        | Rule::memory
        | Rule::run_on => return None,
        _ => return None,
    })
}
