//! Handler answers: one JSON object, checked against the handler's `returns`.

use crate::ir::Handler;
use serde_json::{Map, Value};

/// The keys a handler's answer adds to the context. Without `returns` that is
/// nothing: the answer is still logged but no later task may rely on it.
pub(crate) fn from_bytes(bytes: &[u8], handler: &Handler) -> Result<Map<String, Value>, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return from_value(Value::Object(Map::new()), handler);
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => from_value(value, handler),
        Err(e) => Err(format!(
            "the output is not JSON ({e}); it starts with `{}`",
            preview(bytes)
        )),
    }
}

pub(crate) fn from_value(value: Value, handler: &Handler) -> Result<Map<String, Value>, String> {
    let Value::Object(map) = value else {
        return Err(format!("the output is {}, not a JSON object", kind(&value)));
    };
    match &handler.returns {
        None => Ok(Map::new()),
        Some(shape) => {
            let object = Value::Object(map);
            shape.check(&object).map_err(|why| {
                format!(
                    "the output does not match the `returns` of handler `{}`: {why}",
                    handler.name
                )
            })?;
            match object {
                Value::Object(map) => Ok(map),
                _ => Ok(Map::new()),
            }
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn preview(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]);
    text.trim().replace('\n', " ")
}
