//! Our built-in calendars against sessions generated from the Python package
//! `exchange_calendars` (scripts/calendar_reference.py). Every difference must
//! be listed below with its reason; an unexplained one fails the test.

use chrono::{Datelike, NaiveDate};
use pipec::time::calendar::{builtin, BUILTIN_CODES};
use pipec::time::session::SessionCalendar;
use std::collections::BTreeMap;

/// One session as the reference file writes it: UTC instants `YYYY-MM-DDTHH:MMZ`.
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
        let day = date(f[0]);
        rows.insert(
            day,
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
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%MZ").to_string();
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
    let &(_, first, last, _, _) = EXPECTED
        .iter()
        .find(|e| e.0 == code)
        .unwrap_or_else(|| panic!("{code}: no EXPECTED entry"));
    let (first, last) = (date(first), date(last));
    let mut diffs = Vec::new();
    let mut day = first;
    while day <= last {
        let mine = ours(code, day);
        let theirs = reference.get(&day).cloned();
        if mine != theirs {
            diffs.push((day, mine, theirs));
        }
        day = day.succ_opt().expect("date");
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
    /// Both have a session with the same open; the close differs.
    CloseOnly,
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
    Allowed {
        code: "CMES",
        from: "2005-01-01",
        to: "2035-12-31",
        kind: Kind::CloseOnly,
        reason: "reference closes each trade date at 17:00, when the next one opens; \
                 Globex equity-index futures close at 16:00 CT and halt until 17:00 \
                 (holiday halts at 12:00 agree)",
    },
];

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date in ALLOWED")
}

fn kind_of(mine: &Option<Row>, theirs: &Option<Row>) -> Option<Kind> {
    match (mine, theirs) {
        (Some(a), Some(b)) if a.open == b.open && a.close == b.close => Some(Kind::BreakOnly),
        (Some(a), Some(b)) if a.open == b.open => Some(Kind::CloseOnly),
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

/// Per calendar: the reference's first and last date, the sessions compared,
/// and how many dates differ (all explained in `ALLOWED`). Keep in step with
/// the table in docs/calendars.md.
const EXPECTED: &[(&str, &str, &str, usize, usize)] = &[
    ("XNZE", "2005-01-01", "2035-12-31", 7767, 0),
    ("XASX", "2005-01-01", "2035-12-31", 7844, 0),
    ("XTKS", "2005-01-01", "2035-12-31", 7583, 1688),
    ("XKRX", "2005-01-01", "2035-12-31", 7639, 0),
    ("XTAI", "2005-01-01", "2035-12-31", 7599, 0),
    ("XSES", "2005-01-01", "2026-12-31", 5520, 0),
    ("XSHG", "2005-01-01", "2026-12-31", 5343, 0),
    ("XHKG", "2005-01-01", "2035-12-31", 7643, 1774),
    ("XBOM", "2005-01-01", "2026-12-31", 5422, 0),
    ("XJSE", "2005-01-01", "2035-12-31", 7755, 0),
    ("XHEL", "2005-01-01", "2035-12-31", 7788, 0),
    ("XSTO", "2005-01-01", "2035-12-31", 7788, 0),
    ("XWBO", "2005-01-01", "2035-12-31", 7782, 0),
    ("XCSE", "2005-01-01", "2035-12-31", 7758, 0),
    ("XOSL", "2005-01-01", "2035-12-31", 7783, 0),
    ("XMIL", "2005-01-01", "2035-12-31", 7871, 0),
    ("XETR", "2005-01-01", "2035-12-31", 7880, 0),
    ("XSWX", "2005-01-01", "2035-12-31", 7788, 0),
    ("XAMS", "2005-01-01", "2035-12-31", 7936, 0),
    ("XBRU", "2005-01-01", "2035-12-31", 7936, 0),
    ("XPAR", "2005-01-01", "2035-12-31", 7936, 0),
    ("XMAD", "2005-01-01", "2035-12-31", 7924, 0),
    ("XLON", "2005-01-01", "2035-12-31", 7833, 0),
    ("XLIS", "2005-01-01", "2035-12-31", 7936, 0),
    ("XNYS", "2005-01-01", "2035-12-31", 7793, 0),
    ("XNAS", "2005-01-01", "2035-12-31", 7793, 0),
    ("XTSE", "2005-01-01", "2035-12-31", 7779, 0),
    ("CMES", "2005-01-01", "2035-12-31", 7995, 7761),
    ("CRYPTO", "2005-01-01", "2035-12-31", 11322, 0),
];

/// Built-in calendars with no counterpart in exchange_calendars, and why.
const NO_REFERENCE: &[(&str, &str)] = &[(
    "FX",
    "a market convention, not an exchange; the library's 24/5 calendar is \
     Monday to Friday in UTC, not 17:00 to 17:00 New York time",
)];

fn expected(code: &str) -> (usize, usize) {
    let &(_, _, _, sessions, diffs) = EXPECTED
        .iter()
        .find(|e| e.0 == code)
        .unwrap_or_else(|| panic!("{code}: no EXPECTED entry"));
    (sessions, diffs)
}

macro_rules! reference_test {
    ($name:ident, $code:literal) => {
        #[test]
        fn $name() {
            assert_eq!(compare($code), expected($code), "{}", $code);
        }
    };
}

reference_test!(xnze_matches_reference, "XNZE");
reference_test!(xasx_matches_reference, "XASX");
reference_test!(xtks_matches_reference, "XTKS");
reference_test!(xkrx_matches_reference, "XKRX");
reference_test!(xtai_matches_reference, "XTAI");
reference_test!(xses_matches_reference, "XSES");
reference_test!(xshg_matches_reference, "XSHG");
reference_test!(xhkg_matches_reference, "XHKG");
reference_test!(xbom_matches_reference, "XBOM");
reference_test!(xjse_matches_reference, "XJSE");
reference_test!(xhel_matches_reference, "XHEL");
reference_test!(xsto_matches_reference, "XSTO");
reference_test!(xwbo_matches_reference, "XWBO");
reference_test!(xcse_matches_reference, "XCSE");
reference_test!(xosl_matches_reference, "XOSL");
reference_test!(xmil_matches_reference, "XMIL");
reference_test!(xetr_matches_reference, "XETR");
reference_test!(xswx_matches_reference, "XSWX");
reference_test!(xams_matches_reference, "XAMS");
reference_test!(xbru_matches_reference, "XBRU");
reference_test!(xpar_matches_reference, "XPAR");
reference_test!(xmad_matches_reference, "XMAD");
reference_test!(xlon_matches_reference, "XLON");
reference_test!(xlis_matches_reference, "XLIS");
reference_test!(xnys_matches_reference, "XNYS");
reference_test!(xnas_matches_reference, "XNAS");
reference_test!(xtse_matches_reference, "XTSE");
reference_test!(cmes_matches_reference, "CMES");
reference_test!(crypto_matches_reference, "CRYPTO");

/// Every built-in calendar has reference data and an entry above, in
/// `BUILTIN_CODES` order, or is listed without one with its reason; each file
/// covers exactly the range stated.
#[test]
fn every_builtin_has_reference_data_over_its_range() {
    let codes: Vec<&str> = BUILTIN_CODES
        .iter()
        .copied()
        .filter(|c| !NO_REFERENCE.iter().any(|n| n.0 == *c))
        .collect();
    assert_eq!(EXPECTED.iter().map(|e| e.0).collect::<Vec<_>>(), codes);
    for (code, reason) in NO_REFERENCE {
        assert!(BUILTIN_CODES.contains(code) && !reason.is_empty(), "{code}");
    }
    for &(code, first, last, _, _) in EXPECTED {
        let path = format!(
            "{}/tests/data/calendars/{}.tsv",
            env!("CARGO_MANIFEST_DIR"),
            code.to_ascii_lowercase()
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let header = text.lines().next().unwrap_or_default();
        assert!(
            header.starts_with(&format!("# {code} sessions {first}..{last} ")),
            "{code}: {header}"
        );
        let rows = load(code);
        let years = (
            rows.keys().next().expect("rows").year(),
            rows.keys().next_back().expect("rows").year(),
        );
        assert_eq!(years, (date(first).year(), date(last).year()), "{code}");
    }
}
