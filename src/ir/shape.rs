//! Declared JSON shapes of handler output.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    String,
    Int,
    Float,
    Bool,
    Timestamp,
    Any,
    List(Box<Shape>),
    Object(Vec<Field>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub key: String,
    pub optional: bool,
    pub shape: Shape,
}

impl Shape {
    /// How the shape is written in `.pipe` syntax, for messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Shape::String => "string".into(),
            Shape::Int => "int".into(),
            Shape::Float => "float".into(),
            Shape::Bool => "bool".into(),
            Shape::Timestamp => "timestamp".into(),
            Shape::Any => "any".into(),
            Shape::List(item) => format!("[{}]", item.describe()),
            Shape::Object(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        let mark = if f.optional { "?" } else { "" };
                        format!("{}{mark}: {}", f.key, f.shape.describe())
                    })
                    .collect();
                format!("{{ {} }}", inner.join(", "))
            }
        }
    }

    /// Whether a JSON value fits; on a mismatch, the path and the reason.
    pub(crate) fn check(&self, value: &serde_json::Value) -> Result<(), String> {
        self.check_at(value, "")
    }

    fn check_at(&self, value: &serde_json::Value, path: &str) -> Result<(), String> {
        use serde_json::Value as J;
        let here = || {
            if path.is_empty() {
                "the output".to_string()
            } else {
                format!("`{path}`")
            }
        };
        let fits = match (self, value) {
            (Shape::Any, _) => true,
            (Shape::String, J::String(_)) | (Shape::Bool, J::Bool(_)) => true,
            (Shape::Timestamp, J::String(s)) => {
                if chrono::DateTime::parse_from_rfc3339(s).is_err() {
                    return Err(format!("{} is \"{s}\", not an RFC 3339 timestamp", here()));
                }
                true
            }
            (Shape::Int, J::Number(n)) => n.is_i64() || n.is_u64(),
            (Shape::Float, J::Number(_)) => true,
            (Shape::List(item), J::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    item.check_at(v, &format!("{path}[{i}]"))?;
                }
                true
            }
            (Shape::Object(fields), J::Object(map)) => {
                for field in fields {
                    let sub = if path.is_empty() {
                        field.key.clone()
                    } else {
                        format!("{path}.{}", field.key)
                    };
                    match map.get(&field.key) {
                        Some(v) => field.shape.check_at(v, &sub)?,
                        None if field.optional => {}
                        None => return Err(format!("`{sub}` is missing")),
                    }
                }
                if let Some(extra) = map.keys().find(|k| fields.iter().all(|f| &f.key != *k)) {
                    let sub = if path.is_empty() {
                        extra.clone()
                    } else {
                        format!("{path}.{extra}")
                    };
                    return Err(format!(
                        "`{sub}` is not declared in the handler's `returns`"
                    ));
                }
                true
            }
            _ => false,
        };
        if fits {
            Ok(())
        } else {
            Err(format!(
                "{} should be {} but is {}",
                here(),
                self.describe(),
                json_kind(value)
            ))
        }
    }
}

fn json_kind(value: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match value {
        J::Null => "null".into(),
        J::Bool(b) => format!("the boolean {b}"),
        J::Number(n) => format!("the number {n}"),
        J::String(s) if s.len() <= 40 => format!("the string \"{s}\""),
        J::String(_) => "a string".into(),
        J::Array(_) => "a list".into(),
        J::Object(_) => "an object".into(),
    }
}
