//! "Did you mean …?": the nearest known name by edit distance.

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub(crate) fn nearest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1) + 1;
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// A help line naming the nearest candidate, or listing a few when none is near.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut known: Vec<&str> = candidates.into_iter().collect();
    if let Some(near) = nearest(name, known.iter().copied()) {
        return Some(format!("did you mean `{near}`?"));
    }
    known.sort_unstable();
    known.dedup();
    match known.len() {
        0 => None,
        1..=8 => Some(format!(
            "known names: {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => None,
    }
}

/// Levenshtein distance over characters, case-insensitive so `SESSION`/`session` are near.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name_within_reach() {
        let names = ["scan_universe", "rank_signals", "detect_regime"];
        assert_eq!(nearest("scan_univers", names), Some("scan_universe"));
        assert_eq!(nearest("rank_signal", names), Some("rank_signals"));
        assert_eq!(nearest("completely_else", names), None);
    }

    #[test]
    fn case_differences_are_near() {
        assert_eq!(nearest("session", ["SESSION", "BREAK"]), Some("SESSION"));
    }
}
