//! Our built-in calendars against sessions generated from the Python package
//! `exchange_calendars` (scripts/calendar_reference.py). Every difference must
//! be listed below with its reason; an unexplained one fails the test.

use chrono::{Datelike, NaiveDate};
use pipec::time::calendar::builtin;
use pipec::time::session::SessionCalendar;
use std::collections::BTreeMap;

/// One session as the reference file writes it: UTC HH:MM on the session date.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    open: String,
    close: String,
    break_start: String,
    break_end: String,
}

fn load(code: &str) -> BTreeMap<NaiveDate, Row> {
    let path = format!(
        "{}/tests/data/calendars/{}.tsv",
        env!("CARGO_MANIFEST_DIR"),
        code.to_ascii_lowercase()
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut rows = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 5, "bad line in {path}: {line:?}");
        let date = NaiveDate::parse_from_str(f[0], "%Y-%m-%d").expect("date");
        rows.insert(
            date,
            Row {
                open: f[1].into(),
                close: f[2].into(),
                break_start: f[3].into(),
                break_end: f[4].into(),
            },
        );
    }
    rows
}

fn ours(code: &str, date: NaiveDate) -> Option<Row> {
    let cal = builtin(code).expect("builtin");
    let s = cal.session(date)?;
    let fmt = |t: chrono::DateTime<chrono::Utc>| {
        assert_eq!(
            t.date_naive(),
            date,
            "{code} {date}: instant off the session date"
        );
        t.time().format("%H:%M").to_string()
    };
    Some(Row {
        open: fmt(s.open),
        close: fmt(s.close),
        break_start: s.lunch.map(|l| fmt(l.start)).unwrap_or_default(),
        break_end: s.lunch.map(|l| fmt(l.end)).unwrap_or_default(),
    })
}

/// A date whose session differs: (date, ours, reference).
type Difference = (NaiveDate, Option<Row>, Option<Row>);

fn differences(code: &str) -> (usize, Vec<Difference>) {
    let reference = load(code);
    let first = *reference.keys().next().expect("rows");
    let last = *reference.keys().next_back().expect("rows");
    let mut diffs = Vec::new();
    let mut date = first;
    while date <= last {
        let mine = ours(code, date);
        let theirs = reference.get(&date).cloned();
        if mine != theirs {
            diffs.push((date, mine, theirs));
        }
        date = date.succ_opt().expect("date");
    }
    (reference.len(), diffs)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Both have a session with the same open and close; the lunch break differs.
    BreakOnly,
    /// We are closed; the reference has a session.
    WeClose,
    /// We have a session; the reference is closed.
    WeOpen,
}

/// One explained difference (or run of them). Every entry must match at least
/// one actual difference, so a stale entry fails as loudly as a new difference.
struct Allowed {
    code: &'static str,
    from: &'static str,
    to: &'static str,
    kind: Kind,
    reason: &'static str,
}

/// Keep in step with "Reference comparison" in docs/calendars.md.
const ALLOWED: &[Allowed] = &[
    Allowed {
        code: "XHKG",
        from: "2005-01-01",
        to: "2012-03-02",
        kind: Kind::BreakOnly,
        reason: "reference uses the 12:00-13:00 lunch for all years; HKEX lunch was \
                 12:30-14:30 until 2011-03-04 and 12:00-13:30 until 2012-03-02",
    },
    Allowed {
        code: "XTKS",
        from: "2005-01-01",
        to: "2011-11-18",
        kind: Kind::BreakOnly,
        reason: "reference uses the 11:30 morning close for all years; TSE's morning \
                 session ended at 11:00 until 2011-11-18",
    },
    Allowed {
        code: "XHKG",
        from: "2023-09-01",
        to: "2023-09-01",
        kind: Kind::WeClose,
        reason: "Typhoon Saola: trading cancelled all day; missing from the reference",
    },
    Allowed {
        code: "XHKG",
        from: "2023-09-08",
        to: "2023-09-08",
        kind: Kind::WeClose,
        reason: "black rainstorm: trading cancelled all day; missing from the reference",
    },
    Allowed {
        code: "XHKG",
        from: "2029-09-24",
        to: "2029-09-24",
        kind: Kind::WeClose,
        reason: "day following Mid-Autumn falls on Sunday 2029-09-23; since 2011 the \
                 holiday moves to Monday (the reference only hand-lists 2022-09-12)",
    },
    Allowed {
        code: "XHKG",
        from: "2033-10-03",
        to: "2033-10-03",
        kind: Kind::WeClose,
        reason: "Chung Yeung and National Day both fall on Saturday 2033-10-01; the \
                 clashing holiday moves to the next non-Sunday, Monday 2033-10-03",
    },
    Allowed {
        code: "XHKG",
        from: "2034-01-01",
        to: "2034-12-31",
        kind: Kind::WeOpen,
        reason: "reference's lunisolar table puts the 2033 leap month wrongly, so its \
                 2034 Buddha's Birthday, Tuen Ng, Mid-Autumn and Chung Yeung are a month early",
    },
    Allowed {
        code: "XHKG",
        from: "2034-01-01",
        to: "2034-12-31",
        kind: Kind::WeClose,
        reason: "the true 2034 dates of the same four festivals (HKO conversion table)",
    },
];

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date in ALLOWED")
}

fn kind_of(mine: &Option<Row>, theirs: &Option<Row>) -> Option<Kind> {
    match (mine, theirs) {
        (Some(a), Some(b)) if a.open == b.open && a.close == b.close => Some(Kind::BreakOnly),
        (None, Some(_)) => Some(Kind::WeClose),
        (Some(_), None) => Some(Kind::WeOpen),
        _ => None,
    }
}

/// Compares one calendar; returns how many reference sessions were compared
/// and how many differences were explained.
fn compare(code: &str) -> (usize, usize) {
    let (count, diffs) = differences(code);
    let mut used = vec![0usize; ALLOWED.len()];
    let mut unexplained = Vec::new();
    for (day, mine, theirs) in &diffs {
        let kind = kind_of(mine, theirs);
        let hit = ALLOWED.iter().position(|a| {
            a.code == code && date(a.from) <= *day && *day <= date(a.to) && Some(a.kind) == kind
        });
        match hit {
            Some(i) => used[i] += 1,
            None => unexplained.push(format!("{day}: ours {mine:?}, reference {theirs:?}")),
        }
    }
    assert!(
        unexplained.is_empty(),
        "{code}: {} unexplained differences:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    for (a, n) in ALLOWED.iter().zip(&used) {
        if a.code == code {
            assert!(
                *n > 0,
                "{code}: allowed difference no longer occurs: {}",
                a.reason
            );
        }
    }
    eprintln!(
        "{code}: {count} sessions compared, {} explained differences",
        diffs.len()
    );
    (count, diffs.len())
}

#[test]
fn xnys_matches_reference() {
    assert_eq!(compare("XNYS"), (7793, 0));
}

#[test]
fn xnas_matches_reference() {
    assert_eq!(compare("XNAS"), (7793, 0));
}

#[test]
fn xlon_matches_reference() {
    assert_eq!(compare("XLON"), (7833, 0));
}

#[test]
fn xetr_matches_reference() {
    assert_eq!(compare("XETR"), (7880, 0));
}

#[test]
fn xtks_matches_reference_except_explained() {
    let (count, _) = compare("XTKS");
    assert_eq!(count, 7583);
}

#[test]
fn xhkg_matches_reference_except_explained() {
    let (count, _) = compare("XHKG");
    assert_eq!(count, 7643);
}

#[test]
fn reference_covers_2005_to_2035() {
    for code in ["XNYS", "XNAS", "XLON", "XETR", "XTKS", "XHKG"] {
        let rows = load(code);
        let first = rows.keys().next().expect("rows").year();
        let last = rows.keys().next_back().expect("rows").year();
        assert_eq!((first, last), (2005, 2035), "{code}");
    }
}
