//! A unified diff of two texts, line by line, for `pipec fmt --check`.
//! Myers' algorithm: the shortest edit script, so the diff shows only what
//! the formatter would really change.

/// One step of an edit script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    Keep(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// `--- a/NAME`, `+++ b/NAME` and the hunks; empty when the texts are equal.
pub fn unified(name: &str, old: &str, new: &str) -> String {
    let mut out = Vec::new();
    // Writing to a `Vec` cannot fail, and every byte written is from the
    // texts or ASCII, so the result is UTF-8.
    let _ = write_unified(&mut out, name, old, new);
    String::from_utf8_lossy(&out).into_owned()
}

/// [`unified`], written to `out` a line at a time: the diff of a large file
/// is never held whole.
pub fn write_unified(
    out: &mut impl std::io::Write,
    name: &str,
    old: &str,
    new: &str,
) -> std::io::Result<()> {
    if old == new {
        return Ok(());
    }
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let edits = shortest_edit(&a, &b);
    write!(out, "--- a/{name}\n+++ b/{name}\n")?;
    let hunks = hunks(&edits);
    for hunk in &hunks {
        write_hunk(out, &edits[hunk.0..hunk.1], &a, &b)?;
    }
    if hunks.is_empty() {
        // Same lines: only line endings (`\r\n`) or the final newline differ.
        out.write_all(b"@@ only line endings or the final newline change @@\n")?;
    }
    Ok(())
}

/// Past this many differing lines, the middle of the texts is shown as
/// replaced wholesale: Myers' trace grows with the square of the distance.
const MAX_SEARCH: usize = 2000;

fn shortest_edit(a: &[&str], b: &[&str]) -> Vec<Edit> {
    // Equal lines at both ends are kept as they are; only the middle is searched.
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (middle_a, middle_b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut edits: Vec<Edit> = (0..prefix).map(|i| Edit::Keep(i, i)).collect();
    if middle_a.len() + middle_b.len() > MAX_SEARCH {
        edits.extend((0..middle_a.len()).map(|i| Edit::Delete(prefix + i)));
        edits.extend((0..middle_b.len()).map(|j| Edit::Insert(prefix + j)));
    } else {
        edits.extend(
            myers(middle_a, middle_b)
                .into_iter()
                .map(|edit| match edit {
                    Edit::Keep(i, j) => Edit::Keep(prefix + i, prefix + j),
                    Edit::Delete(i) => Edit::Delete(prefix + i),
                    Edit::Insert(j) => Edit::Insert(prefix + j),
                }),
        );
    }
    let (tail_a, tail_b) = (a.len() - suffix, b.len() - suffix);
    edits.extend((0..suffix).map(|n| Edit::Keep(tail_a + n, tail_b + n)));
    edits
}

fn myers(a: &[&str], b: &[&str]) -> Vec<Edit> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = n + m;
    let offset = max + 1;
    let index = |k: isize| (k + offset) as usize;
    let mut v = vec![0isize; 2 * (max as usize) + 3];
    // The frontier before each step d, only its diagonals -d..=d.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    'search: for d in 0..=max {
        trace.push(v[index(-d)..=index(d)].to_vec());
        let mut k = -d;
        while k <= d {
            let mut x = if k == -d || (k != d && v[index(k - 1)] < v[index(k + 1)]) {
                v[index(k + 1)]
            } else {
                v[index(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[index(k)] = x;
            if x >= n && y >= m {
                break 'search;
            }
            k += 2;
        }
    }
    // Walk back from the end through the saved frontiers.
    let mut edits = Vec::new();
    let (mut x, mut y) = (n, m);
    for (d, frontier) in trace.iter().enumerate().rev() {
        let d = d as isize;
        let at = |k: isize| frontier[(k + d) as usize];
        let k = x - y;
        let previous_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let previous_x = if d == 0 { 0 } else { at(previous_k) };
        let previous_y = previous_x - previous_k;
        while x > previous_x && y > previous_y {
            x -= 1;
            y -= 1;
            edits.push(Edit::Keep(x as usize, y as usize));
        }
        if d > 0 {
            if x == previous_x {
                edits.push(Edit::Insert(previous_y as usize));
            } else {
                edits.push(Edit::Delete(previous_x as usize));
            }
        }
        x = previous_x;
        y = previous_y;
    }
    edits.reverse();
    edits
}

/// Ranges of `edits` to print: each change with its context, neighbours merged.
fn hunks(edits: &[Edit]) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (i, edit) in edits.iter().enumerate() {
        if matches!(edit, Edit::Keep(..)) {
            continue;
        }
        let start = i.saturating_sub(CONTEXT);
        let end = (i + 1 + CONTEXT).min(edits.len());
        match ranges.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => ranges.push((start, end)),
        }
    }
    ranges
}

fn write_hunk(
    out: &mut impl std::io::Write,
    edits: &[Edit],
    a: &[&str],
    b: &[&str],
) -> std::io::Result<()> {
    // Where the hunk starts in each file, and how many lines it covers there.
    let mut old_start = None;
    let mut new_start = None;
    let (mut old_count, mut new_count) = (0, 0);
    for edit in edits {
        match *edit {
            Edit::Keep(i, j) => {
                old_start.get_or_insert(i);
                new_start.get_or_insert(j);
                old_count += 1;
                new_count += 1;
            }
            Edit::Delete(i) => {
                old_start.get_or_insert(i);
                old_count += 1;
            }
            Edit::Insert(j) => {
                new_start.get_or_insert(j);
                new_count += 1;
            }
        }
    }
    // Unified diff numbers lines from 1; an empty side names the line before.
    let position = |start: Option<usize>, count: usize| match start {
        Some(s) if count > 0 => s + 1,
        Some(s) => s,
        None => 0,
    };
    writeln!(
        out,
        "@@ -{},{} +{},{} @@",
        position(old_start, old_count),
        old_count,
        position(new_start, new_count),
        new_count
    )?;
    for edit in edits {
        let (sign, line) = match *edit {
            Edit::Keep(i, _) => (' ', a[i]),
            Edit::Delete(i) => ('-', a[i]),
            Edit::Insert(j) => ('+', b[j]),
        };
        writeln!(out, "{sign}{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("f", "a\nb\n", "a\nb\n"), "");
    }

    #[test]
    fn a_change_shows_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        let diff = unified("f.pipe", old, new);
        assert_eq!(
            diff,
            "--- a/f.pipe\n+++ b/f.pipe\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn insertions_into_an_empty_file() {
        assert_eq!(
            unified("f", "", "a\n"),
            "--- a/f\n+++ b/f\n@@ -0,0 +1,1 @@\n+a\n"
        );
    }
}
