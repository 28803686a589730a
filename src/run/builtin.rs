//! Built-in handlers, run inside pipec.

use crate::ir::Builtin;
use serde_json::{Map, Value};
use std::time::Duration;

/// The answer of a built-in that needs no waiting, or `None` for `sleep`.
pub fn instant(builtin: &Builtin, attempt: u32) -> Option<Result<Value, String>> {
    Some(match builtin {
        Builtin::Noop => Ok(Value::Object(Map::new())),
        Builtin::Emit { value } => Ok(value.clone()),
        Builtin::Fail { message } => Err(if message.is_empty() {
            "failed (builtin fail)".into()
        } else {
            message.clone()
        }),
        Builtin::Flaky { failures } => {
            if attempt <= *failures {
                Err(format!(
                    "flaky: attempt {attempt} fails (the first {failures} do)"
                ))
            } else {
                Ok(Value::Object(Map::new()))
            }
        }
        Builtin::Sleep { .. } => return None,
    })
}

/// Runs a built-in; cancellation and timeouts drop this future.
pub async fn run(builtin: &Builtin, attempt: u32) -> Result<Value, String> {
    match builtin {
        Builtin::Sleep { millis } => {
            tokio::time::sleep(Duration::from_millis(*millis)).await;
            Ok(Value::Object(Map::new()))
        }
        other => instant(other, attempt).unwrap_or_else(|| Ok(Value::Object(Map::new()))),
    }
}
