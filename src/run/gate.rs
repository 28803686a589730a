//! Gate evaluation on the context and the task statuses at the end of a stage.

use super::status::TaskStatus;
use crate::ir::{BinaryOp, Expr, ExprKind, Function, Gate, Pipeline, Stage, TaskId, UnaryOp};
use chrono::{DateTime, Utc};
use serde_json::{Map, Number, Value};
use std::cmp::Ordering;

pub(crate) struct Env<'a> {
    pub context: &'a Map<String, Value>,
    pub pipeline: &'a Pipeline,
    pub stage: &'a Stage,
    pub status: &'a dyn Fn(TaskId) -> TaskStatus,
    /// Why a key is not in the context, for messages.
    pub why_absent: &'a dyn Fn(&str) -> String,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone)]
enum V {
    Json(Value),
    Millis(i64),
    Task(TaskId),
}

/// `Ok` when the gate holds; otherwise the message for the user.
pub(crate) fn check(gate: &Gate, env: &Env) -> Result<(), String> {
    let mut vars = Vec::new();
    match eval(&gate.expr, env, &mut vars) {
        Err(problem) => Err(format!("gate `{}` failed: {problem}", gate.name)),
        Ok(V::Json(Value::Bool(true))) => Ok(()),
        Ok(V::Json(Value::Bool(false))) => {
            let culprit = culprit(&gate.expr, env);
            let mut message = format!(
                "gate `{}` failed: {} was false",
                gate.name,
                render(env.pipeline, culprit)
            );
            let seen = seen(culprit, env);
            if !seen.is_empty() {
                message.push_str("; ");
                message.push_str(&seen.join(", "));
            }
            Err(message)
        }
        Ok(other) => Err(format!(
            "gate `{}` failed: it is {}, not true or false",
            gate.name,
            describe(env, &other)
        )),
    }
}

/// The smallest part of an `and` chain that is false.
fn culprit<'e>(expr: &'e Expr, env: &Env) -> &'e Expr {
    if let ExprKind::Binary(BinaryOp::And, left, right) = &expr.kind {
        let is_false = |e: &Expr| {
            matches!(
                eval(e, env, &mut Vec::new()),
                Ok(V::Json(Value::Bool(false)))
            )
        };
        if is_false(left) {
            return culprit(left, env);
        }
        if is_false(right) {
            return culprit(right, env);
        }
    }
    expr
}

/// `key = value` and `task is status` for what an expression read.
fn seen(expr: &Expr, env: &Env) -> Vec<String> {
    let mut keys = Vec::new();
    let mut tasks = Vec::new();
    collect(expr, &mut keys, &mut tasks);
    let mut out: Vec<String> = keys
        .iter()
        .map(|k| match lookup(env.context, k) {
            Some(v) => format!("{k} = {}", summary(v)),
            None => format!("{k} is absent"),
        })
        .collect();
    out.extend(tasks.iter().map(|t| {
        format!(
            "{} is {}",
            env.pipeline.task(*t).name,
            (env.status)(*t).label()
        )
    }));
    out
}

fn collect(expr: &Expr, keys: &mut Vec<String>, tasks: &mut Vec<TaskId>) {
    if let Some(path) = key_path(expr) {
        if !keys.contains(&path) {
            keys.push(path);
        }
        return;
    }
    match &expr.kind {
        ExprKind::Task(t) if !tasks.contains(t) => tasks.push(*t),
        ExprKind::Field(e, _) | ExprKind::Lambda(_, e) | ExprKind::Unary(_, e) => {
            collect(e, keys, tasks);
        }
        ExprKind::List(items) | ExprKind::Call(_, items) => {
            items.iter().for_each(|e| collect(e, keys, tasks));
        }
        ExprKind::Binary(_, l, r) => {
            collect(l, keys, tasks);
            collect(r, keys, tasks);
        }
        _ => {}
    }
}

/// `account.cash` for a field chain on a context key.
fn key_path(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Key(k) => Some(k.clone()),
        ExprKind::Field(inner, field) => key_path(inner).map(|p| format!("{p}.{field}")),
        _ => None,
    }
}

/// The value at a dotted path of the context.
fn lookup<'c>(context: &'c Map<String, Value>, path: &str) -> Option<&'c Value> {
    let mut parts = path.split('.');
    let mut value = context.get(parts.next()?)?;
    for part in parts {
        value = value.as_object()?.get(part)?;
    }
    Some(value)
}

/// A value in a few characters: lists and objects by size.
pub(crate) fn summary(value: &Value) -> String {
    match value {
        Value::Array(items) if items.is_empty() => "[]".into(),
        Value::Array(items) => format!(
            "[..{} item{}]",
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        ),
        Value::Object(map) => format!(
            "{{..{} key{}}}",
            map.len(),
            if map.len() == 1 { "" } else { "s" }
        ),
        Value::String(s) if s.chars().count() > 40 => {
            format!("\"{}…\"", s.chars().take(40).collect::<String>())
        }
        other => other.to_string(),
    }
}

fn describe(env: &Env, v: &V) -> String {
    match v {
        V::Json(j) => summary(j),
        V::Millis(ms) => duration_text(*ms),
        V::Task(t) => format!("task `{}`", env.pipeline.task(*t).name),
    }
}

pub(crate) fn duration_text(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    format!(
        "{sign}{}",
        crate::syntax::format_duration(ms.unsigned_abs())
    )
}

fn eval(expr: &Expr, env: &Env, vars: &mut Vec<(String, Value)>) -> Result<V, String> {
    Ok(match &expr.kind {
        ExprKind::Literal(v) => V::Json(v.clone()),
        ExprKind::Duration { millis } => V::Millis(i64::try_from(*millis).unwrap_or(i64::MAX)),
        ExprKind::Key(k) => match env.context.get(k) {
            Some(v) => V::Json(v.clone()),
            None => return Err(format!("key `{k}` is absent: {}", (env.why_absent)(k))),
        },
        ExprKind::Var(name) => match vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => V::Json(v.clone()),
            None => return Err(format!("`{name}` is not bound")),
        },
        ExprKind::Field(inner, field) => match eval(inner, env, vars)? {
            V::Json(Value::Object(map)) => match map.get(field) {
                Some(v) => V::Json(v.clone()),
                None => {
                    return Err(format!(
                        "field `{field}` of `{}` is absent",
                        render(env.pipeline, inner)
                    ));
                }
            },
            other => {
                return Err(format!(
                    "`{}` is {}, which has no field `{field}`",
                    render(env.pipeline, inner),
                    describe(env, &other)
                ))
            }
        },
        ExprKind::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(json(eval(item, env, vars)?, env)?);
            }
            V::Json(Value::Array(out))
        }
        ExprKind::Lambda(..) => return Err("a lambda outside any/all/count".into()),
        ExprKind::Task(t) => V::Task(*t),
        ExprKind::Call(f, args) => call(*f, args, env, vars)?,
        ExprKind::Unary(UnaryOp::Not, e) => {
            V::Json(Value::Bool(!truth(eval(e, env, vars)?, env, e)?))
        }
        ExprKind::Unary(UnaryOp::Neg, e) => match eval(e, env, vars)? {
            V::Millis(ms) => V::Millis(-ms),
            V::Json(Value::Number(n)) => V::Json(match n.as_i64() {
                Some(i) => Value::from(-i),
                None => float(-n.as_f64().unwrap_or(0.0)),
            }),
            other => return Err(format!("cannot negate {}", describe(env, &other))),
        },
        ExprKind::Binary(op, l, r) => binary(*op, l, r, env, vars)?,
    })
}

fn json(v: V, env: &Env) -> Result<Value, String> {
    match v {
        V::Json(j) => Ok(j),
        V::Millis(ms) => Ok(Value::from(ms)),
        V::Task(t) => Ok(Value::String(env.pipeline.task(t).name.clone())),
    }
}

fn truth(v: V, env: &Env, expr: &Expr) -> Result<bool, String> {
    match v {
        V::Json(Value::Bool(b)) => Ok(b),
        other => Err(format!(
            "`{}` is {}, not true or false",
            render(env.pipeline, expr),
            describe(env, &other)
        )),
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn binary(
    op: BinaryOp,
    l: &Expr,
    r: &Expr,
    env: &Env,
    vars: &mut Vec<(String, Value)>,
) -> Result<V, String> {
    // `and`/`or` short-circuit, so `exists(k) and k > 1` reads `k` only when present.
    match op {
        BinaryOp::And => {
            return Ok(V::Json(Value::Bool(
                truth(eval(l, env, vars)?, env, l)? && truth(eval(r, env, vars)?, env, r)?,
            )))
        }
        BinaryOp::Or => {
            return Ok(V::Json(Value::Bool(
                truth(eval(l, env, vars)?, env, l)? || truth(eval(r, env, vars)?, env, r)?,
            )))
        }
        _ => {}
    }
    let a = eval(l, env, vars)?;
    let b = eval(r, env, vars)?;
    let boolean = |x: bool| Ok(V::Json(Value::Bool(x)));
    match op {
        BinaryOp::Eq => boolean(compare(&a, &b) == Some(Ordering::Equal)),
        BinaryOp::Ne => boolean(compare(&a, &b) != Some(Ordering::Equal)),
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            let Some(ord) = compare(&a, &b) else {
                return Err(format!(
                    "cannot compare {} with {}",
                    describe(env, &a),
                    describe(env, &b)
                ));
            };
            boolean(match op {
                BinaryOp::Lt => ord == Ordering::Less,
                BinaryOp::Le => ord != Ordering::Greater,
                BinaryOp::Gt => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            })
        }
        BinaryOp::In => match (&a, &b) {
            (_, V::Json(Value::Array(items))) => boolean(
                items
                    .iter()
                    .any(|i| compare(&a, &V::Json(i.clone())) == Some(Ordering::Equal)),
            ),
            (V::Json(Value::String(needle)), V::Json(Value::String(hay))) => {
                boolean(hay.contains(needle.as_str()))
            }
            (V::Json(Value::String(key)), V::Json(Value::Object(map))) => {
                boolean(map.contains_key(key))
            }
            _ => Err(format!(
                "cannot look for {} in {}",
                describe(env, &a),
                describe(env, &b)
            )),
        },
        _ => arithmetic(op, a, b, env),
    }
}

fn arithmetic(op: BinaryOp, a: V, b: V, env: &Env) -> Result<V, String> {
    match (&a, &b) {
        (V::Millis(x), V::Millis(y)) => match op {
            BinaryOp::Add => Ok(V::Millis(x.saturating_add(*y))),
            BinaryOp::Sub => Ok(V::Millis(x.saturating_sub(*y))),
            _ => Err(format!(
                "cannot combine {} and {} that way",
                describe(env, &a),
                describe(env, &b)
            )),
        },
        (V::Json(Value::String(x)), V::Json(Value::String(y))) if op == BinaryOp::Add => {
            Ok(V::Json(Value::String(format!("{x}{y}"))))
        }
        (V::Json(Value::Number(x)), V::Json(Value::Number(y))) => {
            if let (Some(i), Some(j)) = (x.as_i64(), y.as_i64()) {
                let exact = match op {
                    BinaryOp::Add => i.checked_add(j),
                    BinaryOp::Sub => i.checked_sub(j),
                    BinaryOp::Mul => i.checked_mul(j),
                    _ if j != 0 && i % j == 0 => i.checked_div(j),
                    _ => None,
                };
                if let Some(v) = exact {
                    return Ok(V::Json(Value::from(v)));
                }
            }
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            let v = match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                _ if y == 0.0 => return Err("division by zero".into()),
                _ => x / y,
            };
            Ok(V::Json(float(v)))
        }
        _ => Err(format!(
            "cannot do arithmetic on {} and {}",
            describe(env, &a),
            describe(env, &b)
        )),
    }
}

/// Numbers by value, timestamps by instant, durations, strings, booleans, null;
/// lists and objects only for equality.
fn compare(a: &V, b: &V) -> Option<Ordering> {
    match (a, b) {
        (V::Millis(x), V::Millis(y)) => Some(x.cmp(y)),
        (V::Task(x), V::Task(y)) => (x == y).then_some(Ordering::Equal),
        (V::Json(x), V::Json(y)) => compare_json(x, y),
        _ => None,
    }
}

fn compare_json(x: &Value, y: &Value) -> Option<Ordering> {
    match (x, y) {
        (Value::Number(a), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(i), Some(j)) => Some(i.cmp(&j)),
            _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
        },
        (Value::String(a), Value::String(b)) => match (
            DateTime::parse_from_rfc3339(a),
            DateTime::parse_from_rfc3339(b),
        ) {
            (Ok(p), Ok(q)) => Some(p.cmp(&q)),
            _ => Some(a.cmp(b)),
        },
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        (Value::Null, _) | (_, Value::Null) => None,
        (a, b) => (a == b).then_some(Ordering::Equal),
    }
}

fn call(
    f: Function,
    args: &[Expr],
    env: &Env,
    vars: &mut Vec<(String, Value)>,
) -> Result<V, String> {
    let all_tasks =
        |test: fn(TaskStatus) -> bool, vars: &mut Vec<(String, Value)>| -> Result<V, String> {
            let mut result = true;
            for a in args {
                match eval(a, env, vars)? {
                    V::Task(t) => result &= test((env.status)(t)),
                    other => {
                        return Err(format!(
                            "{}() takes tasks, not {}",
                            f.name(),
                            describe(env, &other)
                        ))
                    }
                }
            }
            Ok(V::Json(Value::Bool(result)))
        };
    match f {
        Function::Ok => all_tasks(TaskStatus::is_ok, vars),
        Function::Warned => all_tasks(|s| s == TaskStatus::Warned, vars),
        Function::Skipped => all_tasks(|s| s == TaskStatus::Skipped, vars),
        Function::Failed => all_tasks(TaskStatus::is_failure, vars),
        Function::StageOk => Ok(V::Json(Value::Bool(
            env.stage.tasks.iter().all(|t| (env.status)(*t).is_ok()),
        ))),
        Function::Exists => {
            let mut present = true;
            for a in args {
                present &= match &a.kind {
                    ExprKind::Key(k) => env.context.contains_key(k),
                    _ => !matches!(eval(a, env, vars), Err(_) | Ok(V::Json(Value::Null))),
                };
            }
            Ok(V::Json(Value::Bool(present)))
        }
        Function::Len => match args.first().map(|a| eval(a, env, vars)).transpose()? {
            Some(V::Json(Value::Array(items))) => Ok(V::Json(Value::from(items.len()))),
            Some(V::Json(Value::String(s))) => Ok(V::Json(Value::from(s.chars().count()))),
            Some(V::Json(Value::Object(m))) => Ok(V::Json(Value::from(m.len()))),
            Some(other) => Err(format!("len() of {}", describe(env, &other))),
            None => Err("len() needs a list".into()),
        },
        Function::Age => match args.first().map(|a| eval(a, env, vars)).transpose()? {
            Some(V::Json(Value::String(s))) => match DateTime::parse_from_rfc3339(&s) {
                Ok(ts) => Ok(V::Millis(
                    (env.now - ts.with_timezone(&Utc)).num_milliseconds(),
                )),
                Err(_) => Err(format!(
                    "age() of \"{s}\", which is not an RFC 3339 timestamp"
                )),
            },
            Some(other) => Err(format!(
                "age() of {}, not a timestamp",
                describe(env, &other)
            )),
            None => Err("age() needs a timestamp".into()),
        },
        Function::Any | Function::All | Function::Count => {
            let [list, lambda] = args else {
                return Err(format!("{}() takes a list and a condition", f.name()));
            };
            let items = match eval(list, env, vars)? {
                V::Json(Value::Array(items)) => items,
                other => {
                    return Err(format!(
                        "{}() of {}, not a list",
                        f.name(),
                        describe(env, &other)
                    ))
                }
            };
            let ExprKind::Lambda(name, body) = &lambda.kind else {
                return Err(format!("{}() needs `x => condition`", f.name()));
            };
            let mut count = 0usize;
            for item in items {
                vars.push((name.clone(), item));
                let holds = eval(body, env, vars).and_then(|v| truth(v, env, body));
                vars.pop();
                if holds? {
                    count += 1;
                    if f == Function::Any {
                        break;
                    }
                } else if f == Function::All {
                    return Ok(V::Json(Value::Bool(false)));
                }
            }
            Ok(V::Json(match f {
                Function::Any => Value::Bool(count > 0),
                Function::All => Value::Bool(true),
                _ => Value::from(count),
            }))
        }
    }
}

/// The expression as written, lambdas shortened to `…`.
pub(crate) fn render(pipeline: &Pipeline, expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Literal(v) => v.to_string(),
        ExprKind::Duration { millis } => duration_text(i64::try_from(*millis).unwrap_or(i64::MAX)),
        ExprKind::Key(k) | ExprKind::Var(k) => k.clone(),
        ExprKind::Field(e, f) => format!("{}.{f}", render(pipeline, e)),
        ExprKind::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| render(pipeline, i))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ExprKind::Call(f, args) => {
            format!(
                "{}({})",
                f.name(),
                args.iter()
                    .map(|a| render(pipeline, a))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        ExprKind::Lambda(..) => "…".into(),
        ExprKind::Task(t) => pipeline.task(*t).name.clone(),
        ExprKind::Unary(UnaryOp::Not, e) => format!("not {}", operand(pipeline, e, 7, false)),
        ExprKind::Unary(UnaryOp::Neg, e) => format!("-{}", operand(pipeline, e, 7, false)),
        ExprKind::Binary(op, l, r) => format!(
            "{} {} {}",
            operand(pipeline, l, op.precedence(), false),
            op.symbol(),
            operand(pipeline, r, op.precedence(), true)
        ),
    }
}

/// Parenthesised only where the grammar needs it.
fn operand(pipeline: &Pipeline, e: &Expr, parent: u8, right: bool) -> String {
    match e.kind {
        ExprKind::Binary(op, ..)
            if op.precedence() < parent || (right && op.precedence() == parent) =>
        {
            format!("({})", render(pipeline, e))
        }
        _ => render(pipeline, e),
    }
}
