//! Generated programs: formatting never panics, and what it formats it
//! formats idempotently, keeping the syntax tree and every comment.
//!
//! Programs are generated as token lists from the grammar (every construct,
//! expressions with random parentheses), then joined with random blanks,
//! newlines, blank lines and comments between any two tokens: the grammar
//! allows whitespace and comments between all of them.

use pipec::format::verify::{comment_texts, fingerprint};
use pipec::format::{format_source, FormatError};
use pipec::span::FileId;
use pipec::syntax::parse;
use proptest::prelude::*;

type Tokens = Vec<String>;

fn t(parts: &[&str]) -> Tokens {
    parts.iter().map(|s| (*s).to_string()).collect()
}

fn join(parts: Vec<Tokens>) -> Tokens {
    parts.into_iter().flatten().collect()
}

/// `a , b , c` from a list of token groups.
fn commas(items: Vec<Tokens>) -> Tokens {
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(",".to_string());
        }
        out.extend(item);
    }
    out
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a",
        "b",
        "prices",
        "x1",
        "_y",
        "regime",
        "SESSION",
        "a_name_long_enough_to_push_lines_past_the_width_limit",
    ])
    .prop_map(String::from)
}

fn string() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        r#""s""#,
        r#""a \"q\" b""#,
        r#""tab\there""#,
        r##""#x""##,
        r#""""#,
        r#""ünï""#,
    ])
    .prop_map(String::from)
}

fn duration() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["1s", "90s", "500ms", "1h30m", "2d", "0s", "24h"])
        .prop_map(String::from)
}

fn value() -> impl Strategy<Value = Tokens> {
    let leaf = prop_oneof![
        Just(t(&["null"])),
        Just(t(&["true"])),
        Just(t(&["12"])),
        Just(t(&["2.50"])),
        string().prop_map(|s| vec![s]),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|items| join(vec![
                t(&["["]),
                commas(items),
                t(&["]"])
            ])),
            prop::collection::vec((name(), inner), 0..3).prop_map(|fields| {
                let fields = fields
                    .into_iter()
                    .map(|(k, v)| join(vec![vec![k, ":".into()], v]))
                    .collect();
                join(vec![t(&["{"]), commas(fields), t(&["}"])])
            }),
        ]
    })
}

fn shape() -> impl Strategy<Value = Tokens> {
    let leaf = prop::sample::select(vec!["string", "int", "float", "bool", "timestamp", "any"])
        .prop_map(|s| vec![s.to_string()]);
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            inner
                .clone()
                .prop_map(|s| join(vec![t(&["["]), s, t(&["]"])])),
            prop::collection::vec((name(), any::<bool>(), inner), 0..3).prop_map(|fields| {
                let fields = fields
                    .into_iter()
                    .map(|(k, optional, s)| {
                        let mut f = vec![k];
                        if optional {
                            f.push("?".into());
                        }
                        f.push(":".into());
                        join(vec![f, s])
                    })
                    .collect();
                join(vec![t(&["{"]), commas(fields), t(&["}"])])
            }),
        ]
    })
}

fn expr() -> impl Strategy<Value = Tokens> {
    let leaf = prop_oneof![
        name().prop_map(|n| vec![n]),
        Just(t(&["1"])),
        Just(t(&["0.60"])),
        duration().prop_map(|d| vec![d]),
        string().prop_map(|s| vec![s]),
        name().prop_map(|n| vec!["ok".into(), "(".into(), n, ")".into()]),
        Just(t(&["stage_ok", "(", ")"])),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        let op = prop::sample::select(vec![
            "or", "and", "==", "!=", "<", "<=", ">", ">=", "in", "+", "-", "*", "/",
        ]);
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(l, op, r)| join(vec![
                l,
                vec![op.to_string()],
                r
            ])),
            (prop::sample::select(vec!["not", "-"]), inner.clone())
                .prop_map(|(op, e)| join(vec![vec![op.to_string()], e])),
            inner
                .clone()
                .prop_map(|e| join(vec![t(&["("]), e, t(&[")"])])),
            (inner.clone(), name()).prop_map(|(e, n)| join(vec![
                t(&["("]),
                e,
                t(&[")", "."]),
                vec![n]
            ])),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|items| join(vec![
                t(&["["]),
                commas(items),
                t(&["]"])
            ])),
            (name(), inner).prop_map(|(n, body)| join(vec![
                t(&["any", "(", "xs", ","]),
                vec![n, "=>".into()],
                body,
                t(&[")"])
            ])),
        ]
    })
}

fn policy() -> impl Strategy<Value = Tokens> {
    let last = prop_oneof![
        Just(t(&["abort"])),
        Just(t(&["fail"])),
        Just(t(&["warn"])),
        Just(t(&["skip"])),
        value().prop_map(|v| join(vec![t(&["default"]), v])),
    ];
    let backoff = prop_oneof![
        Just(vec![]),
        Just(t(&["backoff", "10s", ",", "30s", ",", "60s"])),
        Just(t(&["backoff", "exponential", "1s", "max", "60s", "jitter"])),
        Just(t(&["backoff", "exponential", "2s"])),
    ];
    prop_oneof![
        last.clone(),
        (backoff, prop::option::of(last)).prop_map(|(b, then)| {
            let then = then
                .map(|p| join(vec![t(&["then"]), p]))
                .unwrap_or_default();
            join(vec![t(&["retry", "3"]), b, then])
        }),
    ]
}

fn task() -> impl Strategy<Value = Tokens> {
    let setting = prop_oneof![
        name().prop_map(|n| vec!["run".into(), n]),
        name().prop_map(|n| vec!["run".into(), "pipeline".into(), n]),
        Just(t(&["args", "\"--x\"", "\"1\""])),
        Just(t(&["after", "a", ",", "b"])),
        Just(t(&["joins", "a"])),
        Just(t(&["produces", "prices", ",", "eod"])),
        Just(t(&["reads", "prices.close", ",", "regime"])),
        duration().prop_map(|d| vec!["timeout".into(), d]),
        policy().prop_map(|p| join(vec![t(&["on_failure"]), p])),
        Just(t(&["priority", "high"])),
        Just(t(&["priority", "75"])),
        Just(t(&["requires", "SESSION", ",", "PRE_OPEN"])),
        Just(t(&["when", "not", "fomc"])),
        run_on(),
        Just(t(&["for", "symbol", "in", "universe.symbols"])),
        Just(t(&["gather", "scores"])),
        Just(t(&["concurrency", "8"])),
        Just(t(&["max_failures", "2"])),
        Just(t(&["max_failures", "10%"])),
    ];
    (
        name(),
        prop::option::of(prop::collection::vec(setting, 0..4)),
    )
        .prop_map(|(n, body)| {
            let head = vec!["task".to_string(), n];
            match body {
                None => head,
                Some(settings) => join(vec![head, t(&["{"]), settings.concat(), t(&["}"])]),
            }
        })
}

fn stage() -> impl Strategy<Value = Tokens> {
    let setting = prop_oneof![
        Just(t(&["best_effort"])),
        Just(t(&["requires", "SESSION"])),
        Just(t(&["when", "fomc"])),
        duration().prop_map(|d| vec!["timeout".into(), d]),
        policy().prop_map(|p| join(vec![t(&["on_failure"]), p])),
        task(),
        task(),
        deadline(),
        run_on(),
        Just(t(&[
            "flow", "a", "->", "[", "b", ",", "c", "]", "->", "[", "d", "]"
        ])),
        (name(), prop::option::of(string()), expr()).prop_map(|(n, d, e)| {
            join(vec![
                vec!["gate".into(), n],
                d.into_iter().collect(),
                t(&["{"]),
                e,
                t(&["}"]),
            ])
        }),
    ];
    (
        name(),
        prop::option::of(string()),
        prop::collection::vec(setting, 0..5),
    )
        .prop_map(|(n, title, settings)| {
            join(vec![
                vec!["stage".into(), n],
                title.into_iter().collect(),
                t(&["{"]),
                settings.concat(),
                t(&["}"]),
            ])
        })
}

/// `executor NAME` or `executor local`: a pipeline, stage or task setting.
fn run_on() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        Just(t(&["executor", "local"])),
        name().prop_map(|n| vec!["executor".into(), n]),
    ]
}

fn deadline() -> impl Strategy<Value = Tokens> {
    prop::sample::select(vec![
        t(&["deadline", "09:25"]),
        t(&["deadline", "09:25:30", "in", "America/New_York"]),
        t(&["deadline", "open", "+", "30m"]),
        t(&["deadline", "close", "-", "900s"]),
        t(&["deadline", "close"]),
    ])
}

fn trigger() -> impl Strategy<Value = Tokens> {
    let setting = prop::sample::select(vec![
        t(&["at", "06:00"]),
        t(&["at", "06:00:30"]),
        t(&["at", "open", "+", "5m"]),
        t(&["at", "close", "-", "90s"]),
        t(&["at", "close"]),
        t(&["every", "1m", "during", "SESSION"]),
        t(&["every", "5m", "from", "PRE_OPEN", "to", "POST_CLOSE"]),
        t(&["cron", "\"*/5 * * * *\""]),
        t(&["in", "America/New_York"]),
        t(&["on", "trading_days", ",", "fomc"]),
        t(&["stages", "a", "..", "b"]),
        t(&["stages", "all"]),
        t(&["missed", "skip"]),
        t(&["missed", "run_late", "within", "2h"]),
        t(&["calendar", "XNYS"]),
    ]);
    (name(), prop::collection::vec(setting, 0..4)).prop_map(|(n, settings)| {
        join(vec![
            vec!["trigger".into(), n],
            t(&["{"]),
            settings.concat(),
            t(&["}"]),
        ])
    })
}

fn pipeline_setting() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        Just(t(&["description", "\"d\""])),
        Just(t(&["calendar", "XNYS"])),
        Just(t(&["calendar", "\"cal/x.cal\""])),
        Just(t(&["timezone", "Europe/London"])),
        Just(t(&["concurrency", "4"])),
        duration().prop_map(|d| vec!["timeout".into(), d]),
        policy().prop_map(|p| join(vec![t(&["on_failure"]), p])),
        Just(t(&["priority", "standard"])),
        Just(t(&["merge", "last_wins"])),
        Just(t(&["cleanup", "notify"])),
        Just(t(&["pre_open", "5h30m"])),
        Just(t(&["post_close", "4h"])),
        Just(t(&[
            "notify",
            "ops",
            "on",
            "run_failed",
            ",",
            "gate_failed"
        ])),
        Just(t(&["notify", "pager", "on", "deadline_missed"])),
        deadline(),
        run_on(),
        stage(),
        stage(),
        trigger(),
        Just(t(&[
            "source", "s", "{", "producer", "a", "green", "5m", "yellow", "2", "sessions", "}"
        ])),
    ]
}

fn pipeline() -> impl Strategy<Value = Tokens> {
    (
        name(),
        prop::option::of(string()),
        prop::collection::vec(pipeline_setting(), 0..6),
    )
        .prop_map(|(n, title, settings)| {
            join(vec![
                vec!["pipeline".into(), n],
                title.into_iter().collect(),
                t(&["{"]),
                settings.concat(),
                t(&["}"]),
            ])
        })
}

/// A template: a pipeline's settings, settings whose value is a parameter,
/// and strings holding `${name}`.
fn template() -> impl Strategy<Value = Tokens> {
    let setting = prop_oneof![
        Just(t(&["calendar", "$calendar"])),
        Just(t(&["timezone", "$zone"])),
        Just(t(&["concurrency", "$n"])),
        Just(t(&["timeout", "$t"])),
        Just(t(&["run_timeout", "$t"])),
        Just(t(&["pre_open", "$t"])),
        Just(t(&["post_close", "$t"])),
        Just(t(&["description", "\"about ${region} $${x}\""])),
        Just(t(&[
            "stage",
            "s",
            "\"S ${region}\"",
            "{",
            "task",
            "a",
            "{",
            "args",
            "\"--m\"",
            "\"${region}\"",
            "}",
            "}"
        ])),
        pipeline_setting(),
    ];
    (
        name(),
        prop::collection::vec(name(), 0..4),
        prop::option::of(Just("\"T: ${region}\"".to_string())),
        prop::collection::vec(setting, 0..6),
    )
        .prop_map(|(n, params, title, settings)| {
            let params = commas(params.into_iter().map(|p| vec![p]).collect());
            join(vec![
                vec!["template".into(), n, "(".into()],
                params,
                t(&[")"]),
                title.into_iter().collect(),
                t(&["{"]),
                settings.concat(),
                t(&["}"]),
            ])
        })
}

/// `pipeline NAME = TEMPLATE(arg: value, …)` with every kind of argument.
fn instance() -> impl Strategy<Value = Tokens> {
    let arg = prop_oneof![
        name().prop_map(|n| vec![n, ":".into(), "XNYS".into()]),
        name().prop_map(|n| vec![n, ":".into(), "America/New_York".into()]),
        (name(), string()).prop_map(|(n, s)| vec![n, ":".into(), s]),
        (name(), duration()).prop_map(|(n, d)| vec![n, ":".into(), d]),
        name().prop_map(|n| vec![n, ":".into(), "12".into()]),
    ];
    (
        name(),
        name(),
        prop::collection::vec(arg, 0..5),
        any::<bool>(),
    )
        .prop_map(|(n, template, args, trailing)| {
            let mut args = commas(args);
            if trailing && !args.is_empty() {
                args.push(",".into());
            }
            join(vec![
                vec!["pipeline".into(), n, "=".into(), template, "(".into()],
                args,
                t(&[")"]),
            ])
        })
}

fn handler() -> impl Strategy<Value = Tokens> {
    let setting = prop_oneof![
        Just(t(&["exec", "\"prog.sh\"", "\"--x\""])),
        string().prop_map(|s| vec!["shell".into(), s]),
        Just(t(&["builtin", "noop"])),
        duration().prop_map(|d| vec!["builtin".into(), "sleep".into(), d]),
        value().prop_map(|v| join(vec![t(&["builtin", "emit"]), v])),
        shape().prop_map(|s| join(vec![t(&["returns", "{", "k", ":"]), s, t(&["}"])])),
        Just(t(&[
            "env", "{", "A", ":", "\"1\"", ",", "\"B-C\"", ":", "\"2\"", ",", "}"
        ])),
        Just(t(&["max_output", "1024KB"])),
    ];
    (name(), prop::collection::vec(setting, 0..4)).prop_map(|(n, settings)| {
        join(vec![
            vec!["handler".into(), n],
            t(&["{"]),
            settings.concat(),
            t(&["}"]),
        ])
    })
}

fn notifier() -> impl Strategy<Value = Tokens> {
    let target = prop_oneof![
        string().prop_map(|s| vec!["webhook".into(), s]),
        Just(t(&["webhook", "secret", "\"OPS_URL\""])),
        Just(t(&["slack", "secret", "\"SLACK_URL\""])),
        Just(t(&["exec", "\"page.sh\"", "\"--urgent\""])),
    ];
    (name(), prop::collection::vec(target, 0..3)).prop_map(|(n, targets)| {
        join(vec![
            vec!["notifier".into(), n],
            t(&["{"]),
            targets.concat(),
            t(&["}"]),
        ])
    })
}

fn executor() -> impl Strategy<Value = Tokens> {
    let setting = prop_oneof![
        string().prop_map(|s| vec!["ray".into(), s]),
        Just(t(&["ray", "\"http://127.0.0.1:8265\""])),
        Just(t(&["num_cpus", "2"])),
        Just(t(&["num_cpus", "0.5"])),
        Just(t(&["num_gpus", "-1"])),
        Just(t(&["num_gpus", "1.0"])),
        Just(t(&["memory", "8GB"])),
        Just(t(&["memory", "1024MB"])),
    ];
    (name(), prop::collection::vec(setting, 0..4)).prop_map(|(n, settings)| {
        join(vec![
            vec!["executor".into(), n],
            t(&["{"]),
            settings.concat(),
            t(&["}"]),
        ])
    })
}

fn program() -> impl Strategy<Value = Tokens> {
    let item = prop_oneof![
        Just(t(&["import", "\"shared.pipe\""])),
        handler(),
        Just(t(&[
            "days",
            "fomc",
            "=",
            "dates",
            "[",
            "2026-01-28",
            ",",
            "2026-03-18",
            "]"
        ])),
        Just(t(&["days", "e", "=", "dates", "\"e.txt\""])),
        notifier(),
        executor(),
        pipeline(),
        template(),
        instance(),
        Just(t(&[
            "source", "prices", "{", "green", "5m", "yellow", "15m", "}"
        ])),
        Just(t(&[
            "source", "eod", "{", "calendar", "XNYS", "green", "1", "session", "yellow", "2",
            "sessions", "}"
        ])),
    ];
    prop::collection::vec(item, 1..5).prop_map(|items| items.concat())
}

/// Joins tokens with the separators picked by `seps` (cycled).
fn layout(tokens: &[String], seps: &[&str], picks: &[usize]) -> String {
    let mut text = String::new();
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 {
            text.push_str(seps[picks[i % picks.len()] % seps.len()]);
        }
        text.push_str(token);
    }
    text
}

const BLANKS: [&str; 6] = [" ", " ", " ", "\n", "\n\n\n", "\t "];
const WITH_COMMENTS: [&str; 8] = [
    " ",
    " ",
    " ",
    "\n",
    "\n\n",
    " # trailing\n",
    "\n  # own line\n",
    "\n\n# after a blank\n\n",
];

fn check_formatted(text: &str, formatted: &str) {
    assert_eq!(
        format_source(formatted, FileId(0)).as_deref(),
        Ok(formatted),
        "not idempotent:\n{text}"
    );
    let (Some(before), Some(after)) = (parse(text, FileId(0)).0, parse(formatted, FileId(0)).0)
    else {
        panic!("the input and output parse:\n{text}");
    };
    assert_eq!(
        fingerprint(&before),
        fingerprint(&after),
        "meaning changed:\n{text}"
    );
    assert_eq!(
        comment_texts(text),
        comment_texts(formatted),
        "comments changed:\n{text}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    /// Without comments every generated program formats.
    #[test]
    fn programs_without_comments_always_format(tokens in program(), picks in prop::collection::vec(0usize..16, 1..32)) {
        let text = layout(&tokens, &BLANKS, &picks);
        match format_source(&text, FileId(0)) {
            Ok(formatted) => check_formatted(&text, &formatted),
            Err(FormatError::Syntax(d)) => {
                // Only literals without a value (e.g. an out-of-range number) may fail.
                prop_assert!(parse(&text, FileId(0)).0.is_some(), "the generator wrote invalid syntax:\n{text}\n{d:?}");
            }
            Err(other) => prop_assert!(false, "refused:\n{text}\n{other:?}"),
        }
    }

    /// With comments between any tokens it never panics; it formats or, when
    /// a comment sits inside a one-line construct, refuses.
    #[test]
    fn programs_with_comments_format_or_refuse(tokens in program(), picks in prop::collection::vec(0usize..16, 1..32)) {
        let text = layout(&tokens, &WITH_COMMENTS, &picks);
        match format_source(&text, FileId(0)) {
            Ok(formatted) => check_formatted(&text, &formatted),
            Err(FormatError::Comment { .. }) => {}
            Err(FormatError::Syntax(d)) => {
                prop_assert!(parse(&text, FileId(0)).0.is_some(), "the generator wrote invalid syntax:\n{text}\n{d:?}");
            }
            Err(FormatError::Internal(message)) => prop_assert!(false, "{message}:\n{text}"),
        }
    }
}

/// Applies a unified diff to `old`, as `patch` would.
fn apply(old: &str, diff: &str) -> Vec<String> {
    let old: Vec<&str> = old.lines().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for line in diff.lines().skip(2) {
        if let Some(header) = line.strip_prefix("@@ -") {
            let start: usize = header
                .split(',')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("hunk start");
            let count: usize = header
                .split(',')
                .nth(1)
                .and_then(|n| n.split(' ').next())
                .and_then(|n| n.parse().ok())
                .expect("hunk length");
            // An empty old side names the line before the hunk.
            let first = if count == 0 { start } else { start - 1 };
            out.extend(old[at..first].iter().map(|s| (*s).to_string()));
            at = first;
        } else if let Some(kept) = line.strip_prefix(' ') {
            assert_eq!(old[at], kept, "context matches");
            out.push(kept.to_string());
            at += 1;
        } else if let Some(removed) = line.strip_prefix('-') {
            assert_eq!(old[at], removed, "removed line matches");
            at += 1;
        } else if let Some(added) = line.strip_prefix('+') {
            out.push(added.to_string());
        }
    }
    out.extend(old[at..].iter().map(|s| (*s).to_string()));
    out
}

proptest! {
    /// The `--check` diff turns the old text into the new one.
    #[test]
    fn the_check_diff_patches_old_into_new(
        old in prop::collection::vec(prop::sample::select(vec!["a", "b", "c", "", "d"]), 0..40),
        new in prop::collection::vec(prop::sample::select(vec!["a", "b", "c", "", "e"]), 0..40),
    ) {
        let old = old.iter().map(|l| format!("{l}\n")).collect::<String>();
        let new = new.iter().map(|l| format!("{l}\n")).collect::<String>();
        let diff = pipec::format::diff::unified("f", &old, &new);
        if old == new {
            prop_assert!(diff.is_empty());
        } else {
            let patched = apply(&old, &diff);
            let expected: Vec<String> = new.lines().map(String::from).collect();
            prop_assert_eq!(patched, expected, "diff:\n{}", diff);
        }
    }
}

/// Past the search limit the middle is replaced wholesale; the diff still
/// patches old into new, quickly.
#[test]
fn large_diffs_stay_correct() {
    let old: String = (0..3000).map(|i| format!("old {i}\n")).collect();
    let new: String = (0..3000)
        .map(|i| {
            if i % 7 == 0 {
                format!("old {i}\n")
            } else {
                format!("new {i}\n")
            }
        })
        .collect();
    let old = format!("same\n{old}same\n");
    let new = format!("same\n{new}same\n");
    let diff = pipec::format::diff::unified("f", &old, &new);
    let expected: Vec<String> = new.lines().map(String::from).collect();
    assert_eq!(apply(&old, &diff), expected);
}
