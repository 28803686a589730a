//! Handlers, their shapes and day sets: AST to IR.

use super::declare::Scope;
use super::range;
use super::suggest::did_you_mean;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{Builtin, DaySet, EnvValue, Field, Handler, HandlerKind, Program, Shape, Work};
use crate::loader::Loaded;
use crate::span::Span;
use crate::syntax::ast::{self, HandlerSetting, Spanned};
use std::path::Path;

pub(crate) const DEFAULT_MAX_OUTPUT: u64 = 1 << 20;
const MAX_OUTPUT_LIMIT: u64 = 1 << 30;
const BUILTINS: [&str; 5] = ["noop", "sleep", "fail", "emit", "flaky"];

pub(crate) fn lower_all(
    scope: &Scope,
    loaded: &Loaded,
    diagnostics: &mut Diagnostics,
) -> Vec<Handler> {
    scope
        .handlers
        .iter()
        .map(|declared| {
            let dir = loaded.folder(declared.file);
            lower(declared.node, dir, diagnostics)
        })
        .collect()
}

fn lower(decl: &ast::Handler, dir: &Path, diagnostics: &mut Diagnostics) -> Handler {
    let mut kinds: Vec<(HandlerKind, Span)> = Vec::new();
    let mut returns = None;
    let mut env = Vec::new();
    let mut max_output = None;
    let mut seen = super::seen::Seen::default();
    // A builtin that was rejected still counts, so its handler is not also "empty".
    let mut rejected_builtin = false;
    for setting in &decl.settings {
        match &setting.node {
            HandlerSetting::Exec(argv) => {
                if let Some(program) = argv.first() {
                    super::exec_target::check(program, dir, diagnostics);
                }
                let mut argv = argv.iter().map(|a| a.node.clone());
                let program = argv.next().unwrap_or_default();
                kinds.push((
                    HandlerKind::Exec {
                        program,
                        args: argv.collect(),
                    },
                    setting.span,
                ));
            }
            HandlerSetting::Shell(command) => {
                kinds.push((
                    HandlerKind::Shell {
                        command: command.node.clone(),
                    },
                    setting.span,
                ));
            }
            HandlerSetting::Builtin { name, arg } => {
                match builtin(name, arg.as_ref(), diagnostics) {
                    Some(b) => kinds.push((HandlerKind::Builtin(b), setting.span)),
                    None => rejected_builtin = true,
                }
            }
            HandlerSetting::Returns(shape) => {
                if seen.first("returns", setting.span, diagnostics) {
                    returns = Some(lower_shape(&shape.node));
                }
            }
            HandlerSetting::Env(entries) => {
                env.extend(
                    entries
                        .iter()
                        .map(|(k, v)| (k.text.clone(), lower_env_value(v, diagnostics))),
                );
            }
            HandlerSetting::MaxOutput(bytes) => {
                if seen.first("max_output", setting.span, diagnostics)
                    && range::number(
                        bytes.node,
                        1,
                        MAX_OUTPUT_LIMIT,
                        "max_output",
                        Code::SizeOutOfRange,
                        bytes.span,
                        diagnostics,
                    )
                {
                    max_output = Some(bytes.node);
                }
            }
        }
    }
    let kind = match kinds.len() {
        1 => kinds.remove(0).0,
        0 if rejected_builtin => HandlerKind::Builtin(Builtin::Noop),
        0 => {
            diagnostics.push(
                Diagnostic::new(Code::HandlerWithoutCommand, format!("handler `{}` has nothing to run", decl.name.text))
                    .label(decl.name.span, "declared here")
                    .help("give it one of `exec \"program\" \"arg\"…`, `shell \"command\"` or `builtin noop`"),
            );
            HandlerKind::Builtin(Builtin::Noop)
        }
        _ => {
            let mut d = Diagnostic::new(
                Code::HandlerWithoutCommand,
                format!(
                    "handler `{}` says more than one thing to run",
                    decl.name.text
                ),
            );
            for (_, span) in &kinds {
                d = d.label(*span, "one of them");
            }
            diagnostics.push(d.help("keep exactly one of `exec`, `shell` or `builtin`"));
            kinds.remove(0).0
        }
    };
    if let HandlerKind::Builtin(Builtin::Emit { value }) = &kind {
        if let Some(shape) = &returns {
            if let Err(problem) = shape.check(value) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::BadBuiltin,
                        "the emitted value does not fit the declared `returns`",
                    )
                    .label(decl.name.span, problem)
                    .help("change the emitted value to fit `returns`, or `returns` to describe it"),
                );
            }
        }
    }
    Handler {
        name: decl.name.text.clone(),
        kind,
        returns,
        env,
        max_output: max_output.unwrap_or(DEFAULT_MAX_OUTPUT),
        base_dir: dir.to_path_buf(),
        span: decl.name.span,
    }
}

fn builtin(
    name: &ast::Name,
    arg: Option<&Spanned<ast::Value>>,
    diagnostics: &mut Diagnostics,
) -> Option<Builtin> {
    let bad = |message: String, help: &str| {
        Diagnostic::new(Code::BadBuiltin, message)
            .label(arg.map_or(name.span, |a| a.span), "here")
            .help(help.to_string())
    };
    let value = arg.map(|a| &a.node);
    let result = match (name.text.as_str(), value) {
        ("noop", None) => Ok(Builtin::Noop),
        ("noop", Some(_)) => Err(bad(
            "`noop` takes no argument".into(),
            "write `builtin noop`",
        )),
        ("sleep", Some(ast::Value::Duration(d))) if d.millis <= range::DAY_MILLIS => {
            Ok(Builtin::Sleep { millis: d.millis })
        }
        ("sleep", _) => Err(bad(
            "`sleep` takes a duration up to 1d".into(),
            "write `builtin sleep 50ms`",
        )),
        ("fail", None) => Ok(Builtin::Fail {
            message: "failed on purpose".into(),
        }),
        ("fail", Some(ast::Value::String(m))) => Ok(Builtin::Fail { message: m.clone() }),
        ("fail", Some(_)) => Err(bad(
            "`fail` takes a message string".into(),
            "write `builtin fail \"why\"`",
        )),
        ("emit", Some(v @ ast::Value::Object(_))) => Ok(Builtin::Emit {
            value: value_to_json(v),
        }),
        ("emit", _) => Err(bad(
            "`emit` takes an object".into(),
            "write `builtin emit { key: \"value\" }`",
        )),
        ("flaky", Some(ast::Value::Int(n))) if (0..=100).contains(n) => Ok(Builtin::Flaky {
            failures: *n as u32,
        }),
        ("flaky", _) => Err(bad(
            "`flaky` takes how many attempts fail, 0 to 100".into(),
            "write `builtin flaky 2`",
        )),
        (other, _) => Err(Diagnostic::new(
            Code::BadBuiltin,
            format!("unknown built-in handler `{other}`"),
        )
        .label(name.span, "not a built-in")
        .help(
            did_you_mean(other, BUILTINS)
                .unwrap_or_else(|| format!("built-ins are {}", BUILTINS.join(", "))),
        )),
    };
    result.map_err(|d| diagnostics.push(d)).ok()
}

pub(crate) fn lower_shape(shape: &ast::Shape) -> Shape {
    match shape {
        ast::Shape::Prim(p) => match p {
            ast::Prim::String => Shape::String,
            ast::Prim::Int => Shape::Int,
            ast::Prim::Float => Shape::Float,
            ast::Prim::Bool => Shape::Bool,
            ast::Prim::Timestamp => Shape::Timestamp,
            ast::Prim::Any => Shape::Any,
        },
        ast::Shape::List(item) => Shape::List(Box::new(lower_shape(&item.node))),
        ast::Shape::Object(fields) => Shape::Object(
            fields
                .iter()
                .map(|f| Field {
                    key: f.key.text.clone(),
                    optional: f.optional,
                    shape: lower_shape(&f.shape.node),
                })
                .collect(),
        ),
    }
}

pub(crate) fn value_to_json(value: &ast::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        ast::Value::Null => J::Null,
        ast::Value::Bool(b) => J::Bool(*b),
        ast::Value::Int(n) => J::from(*n),
        ast::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        ast::Value::String(s) => J::String(s.clone()),
        ast::Value::List(items) => J::Array(items.iter().map(|v| value_to_json(&v.node)).collect()),
        ast::Value::Duration(d) => J::from(d.millis),
        ast::Value::Object(fields) => J::Object(
            fields
                .iter()
                .map(|(k, v)| (k.text.clone(), value_to_json(&v.node)))
                .collect(),
        ),
    }
}

pub(crate) fn lower_day_sets(
    scope: &Scope,
    loaded: &Loaded,
    diagnostics: &mut Diagnostics,
) -> Vec<DaySet> {
    scope
        .day_sets
        .iter()
        .map(|declared| {
            let decl = declared.node;
            let dates = match &decl.source {
                ast::DaysSource::List(dates) => dates.iter().map(|d| d.node).collect(),
                ast::DaysSource::File(path) => {
                    let dir = loaded.folder(declared.file);
                    let full = dir.join(&path.node);
                    match loaded.project.admits(&full) {
                        Ok(()) => read_date_file(&full, path.span, diagnostics),
                        Err(why) => {
                            diagnostics.push(super::outside_project(&why, path.span));
                            Vec::new()
                        }
                    }
                }
            };
            DaySet {
                name: decl.name.text.clone(),
                dates,
                span: decl.name.span,
            }
        })
        .collect()
}

fn read_date_file(
    path: &Path,
    span: Span,
    diagnostics: &mut Diagnostics,
) -> Vec<chrono::NaiveDate> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::Io,
                    format!("cannot read `{}`: {error}", path.display()),
                )
                .label(span, "named here")
                .help("the path is relative to this file"),
            );
            return Vec::new();
        }
    };
    match crate::time::schedule::parse_date_list(&text) {
        Ok(dates) => dates.into_iter().collect(),
        Err(errors) => {
            for error in errors {
                diagnostics.push(
                    Diagnostic::new(
                        Code::BadDateList,
                        format!("{}:{}: {}", path.display(), error.line, error.message),
                    )
                    .label(span, "in the file named here")
                    .help("the file holds one YYYY-MM-DD date a line; `#` starts a comment"),
                );
            }
            Vec::new()
        }
    }
}

/// The handler names `pipeline`'s tasks run (with `run`, or by their own
/// name) that no handler has, for `warn_unused`: taken while the pipeline's
/// tasks are still there.
pub(crate) fn unresolved_runs(pipeline: &ast::Pipeline, scope: &Scope) -> Vec<String> {
    pipeline
        .settings
        .iter()
        .filter_map(|s| match &s.node {
            ast::PipelineSetting::Stage(stage) => Some(stage),
            _ => None,
        })
        .flat_map(|stage| &stage.settings)
        .filter_map(|s| match &s.node {
            ast::StageSetting::Task(task) => Some(task),
            _ => None,
        })
        .filter_map(|task| {
            let mut run = Some(task.name.text.as_str());
            for setting in task.settings.iter().flatten() {
                match &setting.node {
                    ast::TaskSetting::Run(name) => run = Some(name.text.as_str()),
                    ast::TaskSetting::RunPipeline(_) => run = None,
                    _ => {}
                }
            }
            run.filter(|name| scope.handler(name).is_none())
        })
        .map(str::to_string)
        .collect()
}

// During checking, a task whose handler did not resolve points nowhere.
fn mark(used: &mut [bool], handler: crate::ir::HandlerId) {
    if let Some(slot) = used.get_mut(handler.0 as usize) {
        *slot = true;
    }
}

/// A handler nothing runs is likely a typo or dead code. `unresolved` are
/// the handler names tasks run that no handler has (`unresolved_runs`).
pub(crate) fn warn_unused(
    scope: &Scope,
    program: &Program,
    unresolved: &[String],
    diagnostics: &mut Diagnostics,
) {
    let mut used = vec![false; program.handlers.len()];
    for pipeline in &program.pipelines {
        for task in pipeline.dag.node_weights() {
            if let Work::Handler(h) = task.work {
                mark(&mut used, h);
            }
        }
        if let Some(h) = pipeline.cleanup {
            mark(&mut used, h);
        }
    }
    // A task that names a handler that does not exist was already reported
    // with the nearest name; that handler is what it meant, so it is not
    // also reported unused.
    let names = scope.handler_names();
    for meant in unresolved
        .iter()
        .filter_map(|name| super::suggest::nearest(name, names.iter().copied()))
    {
        if let Some(i) = scope.handler(meant) {
            used[i] = true;
        }
    }
    for declared in super::declare::unused_in_root(scope, &scope.handlers, &used) {
        diagnostics.push(
            Diagnostic::new(
                Code::UnusedHandler,
                format!("handler `{}` is never used", declared.node.name.text),
            )
            .label(declared.node.name.span, "declared here")
            .help("remove it, or run it from a task with `run`"),
        );
    }
}

/// A text or a `secret "NAME"` (a handler's `env` value, a notifier's URL);
/// a secret's NAME must be one an environment variable can have.
pub(crate) fn lower_env_value(v: &ast::EnvValue, diagnostics: &mut Diagnostics) -> EnvValue {
    if !v.secret {
        return EnvValue::Text(v.text.node.clone());
    }
    if !valid_variable_name(&v.text.node) {
        diagnostics.push(
            Diagnostic::new(
                Code::BadSecretName,
                format!("`{}` cannot name an environment variable", v.text.node),
            )
            .label(v.text.span, "the variable a secret is read from")
            .help("write `secret \"NAME\"` with NAME made of letters, digits and `_`, not starting with a digit"),
        );
    }
    EnvValue::Secret(v.text.node.clone())
}

/// What a shell or `env` accepts as a variable's name.
fn valid_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
