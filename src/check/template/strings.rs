//! The strings of a template's body, and `${name}` inside them.
//!
//! Every string a pipeline holds is visited: titles, descriptions, `args`,
//! calendar files, `cron` lines, gate descriptions and the strings of gate
//! expressions and `default` values. Names (of tasks, stages, handlers) are not
//! strings and are never replaced.

use crate::syntax::ast::{
    CalendarRef, Expr, ExprKind, PipelineSetting, Policy, Spanned, StageSetting, TaskSetting,
    TriggerSetting, Value,
};

/// One piece of a template string: text, or a parameter's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece<'a> {
    Text(&'a str),
    Param(&'a str),
}

/// Splits a string at `${name}`; `$${` is a literal `${`. A `${` without a
/// closing `}` or with something other than a name inside is text.
pub(super) fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        if at > 0 && rest.as_bytes()[at - 1] == b'$' {
            // `$${`: the text up to the first `$`, then `${` as it is.
            out.push(Piece::Text(&rest[..at - 1]));
            out.push(Piece::Text("${"));
            rest = &rest[at + 2..];
            continue;
        }
        let after = &rest[at + 2..];
        match after.find('}') {
            Some(end) if is_name(&after[..end]) => {
                out.push(Piece::Text(&rest[..at]));
                out.push(Piece::Param(&after[..end]));
                rest = &after[end + 1..];
            }
            _ => {
                out.push(Piece::Text(&rest[..at + 2]));
                rest = after;
            }
        }
    }
    out.push(Piece::Text(rest));
    out.retain(|p| *p != Piece::Text(""));
    out
}

fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Calls `visit` on every string of a pipeline setting.
pub(super) fn each_string(
    setting: &mut PipelineSetting,
    visit: &mut impl FnMut(&mut Spanned<String>),
) {
    match setting {
        PipelineSetting::Description(text) => visit(text),
        PipelineSetting::Calendar(calendar) => calendar_file(calendar, visit),
        PipelineSetting::OnFailure(policy) => policy_strings(&mut policy.node, visit),
        PipelineSetting::Stage(stage) => {
            if let Some(title) = &mut stage.title {
                visit(title);
            }
            for setting in &mut stage.settings {
                stage_strings(&mut setting.node, visit);
            }
        }
        PipelineSetting::Trigger(trigger) => {
            for setting in &mut trigger.settings {
                match &mut setting.node {
                    TriggerSetting::Cron(line) => visit(line),
                    TriggerSetting::Calendar(calendar) => calendar_file(calendar, visit),
                    TriggerSetting::At(_)
                    | TriggerSetting::Every { .. }
                    | TriggerSetting::In(_)
                    | TriggerSetting::On(_)
                    | TriggerSetting::Stages(_)
                    | TriggerSetting::Missed(_) => {}
                }
            }
        }
        PipelineSetting::Timezone(_)
        | PipelineSetting::Concurrency(_)
        | PipelineSetting::Timeout(_)
        | PipelineSetting::RunTimeout(_)
        | PipelineSetting::Priority(_)
        | PipelineSetting::Merge(_)
        | PipelineSetting::Cleanup(_)
        | PipelineSetting::PreOpen(_)
        | PipelineSetting::PostClose(_)
        | PipelineSetting::Source(_)
        | PipelineSetting::Notify(_)
        | PipelineSetting::Deadline(_)
        | PipelineSetting::Executor(_) => {}
    }
}

fn calendar_file(calendar: &mut CalendarRef, visit: &mut impl FnMut(&mut Spanned<String>)) {
    match calendar {
        CalendarRef::File(path) => visit(path),
        CalendarRef::Builtin(_) => {}
    }
}

fn stage_strings(setting: &mut StageSetting, visit: &mut impl FnMut(&mut Spanned<String>)) {
    match setting {
        StageSetting::OnFailure(policy) => policy_strings(&mut policy.node, visit),
        StageSetting::Task(task) => {
            for setting in task.settings.iter_mut().flatten() {
                task_strings(&mut setting.node, visit);
            }
        }
        StageSetting::Gate(gate) => {
            if let Some(description) = &mut gate.description {
                visit(description);
            }
            expr_strings(&mut gate.expr, visit);
        }
        StageSetting::BestEffort
        | StageSetting::Requires(_)
        | StageSetting::When(_)
        | StageSetting::Timeout(_)
        | StageSetting::Flow(_)
        | StageSetting::Deadline(_)
        | StageSetting::Executor(_) => {}
    }
}

fn task_strings(setting: &mut TaskSetting, visit: &mut impl FnMut(&mut Spanned<String>)) {
    match setting {
        TaskSetting::Args(args) => args.iter_mut().for_each(visit),
        TaskSetting::OnFailure(policy) => policy_strings(&mut policy.node, visit),
        TaskSetting::Run(_)
        | TaskSetting::RunPipeline(_)
        | TaskSetting::After(_)
        | TaskSetting::Joins(_)
        | TaskSetting::Reads(_)
        | TaskSetting::Timeout(_)
        | TaskSetting::Priority(_)
        | TaskSetting::Requires(_)
        | TaskSetting::When(_)
        | TaskSetting::Executor(_)
        | TaskSetting::Produces(_)
        | TaskSetting::ForEach(_)
        | TaskSetting::Gather(_)
        | TaskSetting::Concurrency(_)
        | TaskSetting::MaxFailures(_) => {}
    }
}

fn policy_strings(policy: &mut Policy, visit: &mut impl FnMut(&mut Spanned<String>)) {
    match policy {
        Policy::Default(value) => value_strings(value, visit),
        // A backoff holds durations only.
        Policy::Retry { then, .. } => {
            if let Some(then) = then {
                policy_strings(&mut then.node, visit);
            }
        }
        Policy::Abort | Policy::Fail | Policy::Warn | Policy::Skip => {}
    }
}

/// A string inside a value is visited as a string spanned like the value.
fn value_strings(value: &mut Spanned<Value>, visit: &mut impl FnMut(&mut Spanned<String>)) {
    match &mut value.node {
        Value::String(text) => {
            let mut spanned = Spanned::new(std::mem::take(text), value.span);
            visit(&mut spanned);
            *text = spanned.node;
        }
        Value::List(items) => {
            for item in items {
                value_strings(item, visit);
            }
        }
        Value::Object(fields) => {
            for (_, field) in fields {
                value_strings(field, visit);
            }
        }
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Duration(_) => {}
    }
}

/// A string literal of a gate expression, likewise.
fn expr_strings(expr: &mut Expr, visit: &mut impl FnMut(&mut Spanned<String>)) {
    match &mut expr.kind {
        ExprKind::String(text) => {
            let mut spanned = Spanned::new(std::mem::take(text), expr.span);
            visit(&mut spanned);
            *text = spanned.node;
        }
        ExprKind::Field(inner, _) | ExprKind::Lambda(_, inner) | ExprKind::Unary(_, inner) => {
            expr_strings(inner, visit);
        }
        ExprKind::Call(_, args) | ExprKind::List(args) => {
            for arg in args {
                expr_strings(arg, visit);
            }
        }
        ExprKind::Binary(_, left, right) => {
            expr_strings(left, visit);
            expr_strings(right, visit);
        }
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Duration(_)
        | ExprKind::Name(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_parameters_and_keeps_the_rest() {
        assert_eq!(
            pieces("Market DAG: ${region} (${zone})"),
            [
                Piece::Text("Market DAG: "),
                Piece::Param("region"),
                Piece::Text(" ("),
                Piece::Param("zone"),
                Piece::Text(")"),
            ]
        );
        assert_eq!(
            pieces("$${region}"),
            [Piece::Text("${"), Piece::Text("region}")]
        );
        assert_eq!(
            pieces("${ x } $5 ${"),
            [Piece::Text("${"), Piece::Text(" x } $5 ${")]
        );
        assert_eq!(pieces("plain"), [Piece::Text("plain")]);
    }
}
