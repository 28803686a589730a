//! What a fan-out needs apart from the scheduler: its list found in the
//! context, its instances' names, and why it failed.

use serde_json::{Map, Value};
use std::collections::HashSet;

/// The most instances one fan-out runs: a list longer than this is almost
/// certainly a mistake upstream, and every instance costs events and rows.
pub(crate) const MAX_INSTANCES: usize = 100_000;

/// Whether a task name is a fan-out instance's (`score[AAPL]`): task names
/// are plain words, so only an instance's has a bracket.
pub(crate) fn is_instance(task: &str) -> bool {
    task.contains('[')
}

/// SQL for the task a `task` column's row belongs to: an instance's fan-out
/// task, else the task itself.
pub(crate) const FAN_OUT_TASK: &str =
    "CASE WHEN instr(task, '[') > 0 THEN substr(task, 1, instr(task, '[') - 1) ELSE task END";

/// Items named in instance names are at most this long.
const MAX_NAMED_ITEM: usize = 32;

/// The list at `path` (a key, then fields) in the context a fan-out reads.
pub(crate) fn list_at<'a>(
    input: &'a Map<String, Value>,
    path: &[String],
) -> Result<&'a [Value], String> {
    let shown = path.join(".");
    let (head, fields) = path
        .split_first()
        .ok_or_else(|| "the fan-out names no list".to_string())?;
    let mut value = input.get(head).ok_or_else(|| {
        format!("the context has no `{head}` (its producer was skipped or failed)")
    })?;
    for field in fields {
        value = value
            .get(field)
            .ok_or_else(|| format!("`{shown}` is missing: there is no field `{field}`"))?;
    }
    match value {
        Value::Array(items) if items.len() > MAX_INSTANCES => Err(format!(
            "`{shown}` has {} items; a fan-out runs at most {MAX_INSTANCES} instances",
            items.len()
        )),
        Value::Array(items) => Ok(items),
        Value::Null => Err(format!("`{shown}` is null, not a list")),
        Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Object(_) => {
            Err(format!("`{shown}` is not a list: {}", short(value)))
        }
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// `task[item]` when every item is a short, distinct, plain string (a
/// symbol: `AAPL`, `BRK.B`, `^GSPC`); otherwise `task[index]` for all of
/// them, so one list never mixes the two.
pub(crate) fn instance_names(task: &str, items: &[Value]) -> Vec<String> {
    let labels: Option<Vec<&str>> = items
        .iter()
        .map(|item| match item {
            Value::String(s) if plain(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let distinct = |labels: &[&str]| labels.iter().collect::<HashSet<_>>().len() == labels.len();
    match labels {
        Some(labels) if distinct(&labels) => {
            labels.iter().map(|l| format!("{task}[{l}]")).collect()
        }
        Some(_) | None => (0..items.len()).map(|i| format!("{task}[{i}]")).collect(),
    }
}

/// Safe in file names, URLs and Ray submission ids, and short.
fn plain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_NAMED_ITEM
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '^' | '='))
}

/// The instances that failed, named, the first few of them.
pub(crate) fn failed_list(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut text = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn symbols_name_their_instances_and_anything_else_is_numbered() {
        let symbols = [json!("AAPL"), json!("BRK.B"), json!("^GSPC")];
        assert_eq!(
            instance_names("fetch", &symbols),
            ["fetch[AAPL]", "fetch[BRK.B]", "fetch[^GSPC]"]
        );
        let repeated = [json!("AAPL"), json!("AAPL")];
        assert_eq!(instance_names("fetch", &repeated), ["fetch[0]", "fetch[1]"]);
        let mixed = [json!("AAPL"), json!({"symbol": "MSFT"})];
        assert_eq!(instance_names("fetch", &mixed), ["fetch[0]", "fetch[1]"]);
        let spaced = [json!("a b")];
        assert_eq!(instance_names("fetch", &spaced), ["fetch[0]"]);
    }

    #[test]
    fn the_list_is_found_by_key_and_fields_or_said_why_not() {
        let input = json!({"data": {"symbols": ["A", "B"]}, "n": 3});
        let input = input.as_object().unwrap();
        let path = |p: &str| p.split('.').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(list_at(input, &path("data.symbols")).unwrap().len(), 2);
        assert!(list_at(input, &path("n"))
            .unwrap_err()
            .contains("not a list: 3"));
        assert!(list_at(input, &path("data.nope"))
            .unwrap_err()
            .contains("no field `nope`"));
        assert!(list_at(input, &path("gone"))
            .unwrap_err()
            .contains("has no `gone`"));
    }

    #[test]
    fn failed_instances_are_listed_briefly() {
        let names = ["a", "b", "c", "d", "e", "f", "g"];
        assert_eq!(failed_list(&names), "`a`, `b`, `c`, `d`, `e` and 2 more");
    }
}
