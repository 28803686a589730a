//! Mistakes a syntax error is really about, found in the text itself: a
//! string left open, a brace never closed, a duration in words pipec does not
//! read. pest reports where parsing stopped, which is often a line later;
//! these say what the user wrote and where it began.

/// The opening quote of the first string that reaches the end of its line
/// unclosed, if it begins before `before` (strings cannot span lines).
pub(crate) fn unclosed_string(text: &str, before: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && i < before {
        match bytes[i] {
            b'#' => i = line_end(bytes, i),
            b'"' => match string_end(bytes, i) {
                Some(end) => i = end,
                None => return Some(i),
            },
            _ => i += 1,
        }
    }
    None
}

/// Past the closing quote of the string opening at `open`; `None` when the
/// line ends first.
fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    loop {
        match bytes.get(i) {
            None | Some(b'\n') => return None,
            Some(b'\\') => i += 2,
            Some(b'"') => return Some(i + 1),
            Some(_) => i += 1,
        }
    }
}

/// The innermost `{` still open at `at` (strings and comments skipped).
pub(crate) fn open_brace(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut open = Vec::new();
    let mut i = 0;
    while i < bytes.len() && i < at {
        match bytes[i] {
            b'#' => i = line_end(bytes, i),
            // A string left open ends at its line, for this count.
            b'"' => i = string_end(bytes, i).unwrap_or_else(|| line_end(bytes, i)),
            b'{' => {
                open.push(i);
                i += 1;
            }
            b'}' => {
                open.pop();
                i += 1;
            }
            _ => i += 1,
        }
    }
    open.pop()
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |n| from + n)
}

/// A duration written in words pipec does not read, around `at` (where the
/// parse stopped): its span and how to write it. `10sec` → `10s`, `5mins` →
/// `5m`, `1.5m` → `1m30s`.
pub(crate) fn duration_typo(text: &str, at: usize) -> Option<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'.';
    let mut start = at.min(bytes.len());
    while start > 0 && is_word(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = at.min(bytes.len());
    while end < bytes.len() && is_word(bytes[end]) {
        end += 1;
    }
    let word = text.get(start..end)?;
    let digits = word
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|n| *n > 0)?;
    let (number, unit) = word.split_at(digits);
    let millis_per = unit_millis(unit)?;
    let value: f64 = number.parse().ok()?;
    let total = value * millis_per as f64;
    if total.fract() != 0.0 || total <= 0.0 || total > 1e15 {
        return None;
    }
    let fix = crate::syntax::format_duration(total as u64);
    (fix != word).then_some((start, end, fix))
}

/// A time of day with a one-digit hour (`9:30`) around `at`: its span and the
/// two-digit spelling (`09:30`).
pub(crate) fn short_time(text: &str, at: usize) -> Option<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let mut start = at.min(bytes.len());
    while start > 0 && bytes[start - 1].is_ascii_digit() {
        start -= 1;
    }
    let mut end = start;
    while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b':') {
        end += 1;
    }
    let word = text.get(start..end)?;
    let (hour, rest) = word.split_once(':')?;
    (hour.len() == 1 && rest.len() >= 2).then(|| (start, end, format!("0{word}")))
}

/// Milliseconds in one of a unit, however it is spelt.
fn unit_millis(unit: &str) -> Option<u64> {
    Some(match unit.to_ascii_lowercase().as_str() {
        "ms" | "msec" | "msecs" | "millis" | "millisecond" | "milliseconds" => 1,
        "s" | "sec" | "secs" | "second" | "seconds" => 1_000,
        "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600_000,
        "d" | "day" | "days" => 86_400_000,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_string_is_found_at_its_quote() {
        let text = "handler h {\n  exec \"run.sh\n  returns { x: int }\n}\n";
        assert_eq!(unclosed_string(text, text.len()), text.find('"'));
        assert_eq!(unclosed_string("a \"b\" # \"c\n", 20), None);
    }

    #[test]
    fn the_innermost_open_brace_is_found() {
        let text = "p {\n  s {\n    t { }\n\nq {";
        assert_eq!(open_brace(text, text.len() - 3), Some(8));
    }

    #[test]
    fn a_one_digit_hour_gets_its_zero() {
        assert_eq!(short_time("at 9:30 }", 4), Some((3, 7, "09:30".into())));
        assert_eq!(short_time("at 09:30 }", 5), None);
    }

    #[test]
    fn durations_in_words_get_their_spelling() {
        let fix = |t: &str, at: usize| duration_typo(t, at).map(|(_, _, f)| f);
        assert_eq!(fix("timeout 10sec }", 11), Some("10s".into()));
        assert_eq!(fix("timeout 1.5m }", 9), Some("1m30s".into()));
        assert_eq!(fix("timeout 5mins", 10), Some("5m".into()));
        assert_eq!(fix("timeout 2hours", 9), Some("2h".into()));
        assert_eq!(fix("timeout 30s", 10), None);
        assert_eq!(fix("timeout 1.5ms", 9), None);
    }
}
