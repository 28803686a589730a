//! Gate expressions and `reads`: names bound to context keys, lambda variables
//! and tasks; every node typed; type errors reported where they are.

use super::suggest::did_you_mean;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{
    BinaryOp, Expr, ExprKind, Function, Pipeline, Program, Stage, StageId, Type, UnaryOp,
};
use crate::span::Span;
use crate::syntax::ast;
use std::collections::BTreeMap;

struct Env<'a> {
    pipeline: &'a Pipeline,
    stage: StageId,
    context: &'a BTreeMap<String, Type>,
    vars: Vec<(String, Type)>,
    diagnostics: &'a mut Diagnostics,
}

pub(crate) fn lower_gate(
    expr: &ast::Expr,
    pipeline: &Pipeline,
    stage: StageId,
    context: &BTreeMap<String, Type>,
    diagnostics: &mut Diagnostics,
) -> Expr {
    let mut env = Env {
        pipeline,
        stage,
        context,
        vars: Vec::new(),
        diagnostics,
    };
    let checked = env.lower(expr);
    if !matches!(checked.ty, Type::Bool | Type::Any) {
        env.diagnostics.push(
            Diagnostic::new(Code::GateNotBoolean, "a gate must be true or false")
                .label(
                    checked.span,
                    format!("this is {}", checked.ty.with_article()),
                )
                .help("compare it with something, e.g. `len(signals) > 0`"),
        );
    }
    checked
}

/// A task's `reads`, and the list a fan-out runs over, must name keys its
/// upstream declares: earlier stages, or tasks of its own stage it depends on.
pub(crate) fn check_reads(
    pipeline: &Pipeline,
    program: &Program,
    stage: &Stage,
    earlier: &BTreeMap<String, Type>,
    poisoned: &std::collections::HashSet<&str>,
    diagnostics: &mut Diagnostics,
) {
    for &task in &stage.tasks {
        if poisoned.contains(pipeline.task(task).name.as_str()) {
            continue;
        }
        let fan_out = pipeline.task(task).fan_out.as_deref();
        if pipeline.task(task).reads.is_empty() && fan_out.is_none() {
            continue;
        }
        let mut available = earlier.clone();
        let mut stack: Vec<_> = pipeline.dependencies(task).collect();
        let mut seen = std::collections::HashSet::new();
        while let Some(up) = stack.pop() {
            // Earlier stages' keys are all in `earlier` already: walk this stage only.
            if pipeline.task(up).stage != pipeline.task(task).stage || !seen.insert(up) {
                continue;
            }
            for (key, ty) in super::types::task_output(program, pipeline, up) {
                available.entry(key).or_insert(ty);
            }
            stack.extend(pipeline.dependencies(up));
        }
        if let Some(fan_out) = fan_out {
            super::fan_out::check_list(pipeline.task(task), fan_out, &available, diagnostics);
        }
        let t = pipeline.task(task);
        for (i, key) in t.reads.iter().enumerate() {
            let mut parts = key.split('.');
            let head = parts.next().unwrap_or_default();
            // A task of its own stage writes it but is not upstream of it: the
            // `after` is what is missing.
            let sibling = || {
                stage
                    .tasks
                    .iter()
                    .map(|&s| pipeline.task(s))
                    .find(|s| s.name != t.name && s.writes.iter().any(|w| w == head))
            };
            let (problem, help) = match available.get(head) {
                None => match sibling() {
                    Some(writer) => (
                        format!(
                            "`{head}` is written by `{}`, which `{}` does not run after",
                            writer.name, t.name
                        ),
                        format!("add `after {}` to `{}`", writer.name, t.name),
                    ),
                    None => (
                        format!("no upstream task of `{}` declares `{head}`", t.name),
                        did_you_mean(head, available.keys().map(String::as_str)).unwrap_or_else(|| {
                            "a key enters the context when an upstream handler declares it in `returns`".into()
                        }),
                    ),
                },
                Some(ty) => match field_type(ty, parts) {
                    Ok(_) => continue,
                    Err(problem) => (
                        problem,
                        "name a field its handler declares in `returns`".to_string(),
                    ),
                },
            };
            let span = t.read_spans.get(i).copied().unwrap_or(t.span);
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownContextKey,
                    format!("`{}` reads `{key}`: {problem}", t.name),
                )
                .label(span, "read here")
                .help(help),
            );
        }
    }
}

/// The type at the end of a field path into `ty`, or what is wrong with it.
pub(super) fn field_type<'a>(
    ty: &Type,
    parts: impl Iterator<Item = &'a str>,
) -> Result<Type, String> {
    let mut ty = ty.clone();
    for part in parts {
        ty = match ty {
            Type::Any => return Ok(Type::Any),
            Type::Object(fields) => match fields.into_iter().find(|(k, _)| k == part) {
                Some((_, t)) => t,
                None => return Err(format!("it has no field `{part}`")),
            },
            other => return Err(format!("{} has no field `{part}`", other.with_article())),
        };
    }
    Ok(ty)
}

impl Env<'_> {
    fn error(
        &mut self,
        code: Code,
        message: String,
        span: Span,
        label: String,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(code, message).label(span, label);
        if let Some(help) = help {
            d = d.help(help);
        }
        self.diagnostics.push(d);
    }

    fn lower(&mut self, expr: &ast::Expr) -> Expr {
        let span = expr.span;
        let (kind, ty) = match &expr.kind {
            ast::ExprKind::Null => (ExprKind::Literal(serde_json::Value::Null), Type::Null),
            ast::ExprKind::Bool(b) => (ExprKind::Literal((*b).into()), Type::Bool),
            ast::ExprKind::Int(n) => (ExprKind::Literal((*n).into()), Type::Int),
            ast::ExprKind::Float(f) => (
                ExprKind::Literal(
                    serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into),
                ),
                Type::Float,
            ),
            ast::ExprKind::String(s) => (ExprKind::Literal(s.clone().into()), Type::String),
            ast::ExprKind::Duration(d) => (ExprKind::Duration { millis: d.millis }, Type::Duration),
            ast::ExprKind::Name(name) => self.name(name, span),
            ast::ExprKind::Field(base, field) => {
                let base = self.lower(base);
                let ty = self.field_type(&base.ty, field);
                (ExprKind::Field(Box::new(base), field.text.clone()), ty)
            }
            ast::ExprKind::List(items) => {
                let items: Vec<Expr> = items.iter().map(|e| self.lower(e)).collect();
                let ty = items.first().map_or(Type::Any, |e| e.ty.clone());
                for item in &items[1.min(items.len())..] {
                    if !item.ty.comparable(&ty) {
                        self.error(
                            Code::TypeMismatch,
                            "a list's items must have one type".into(),
                            item.span,
                            format!(
                                "this is {}, the first item {}",
                                item.ty.with_article(),
                                ty.with_article()
                            ),
                            Some("write the items with one type, e.g. `[\"AAPL\", \"MSFT\"]` or `[1, 2]`".into()),
                        );
                    }
                }
                (ExprKind::List(items), Type::List(Box::new(ty)))
            }
            ast::ExprKind::Lambda(param, _) => {
                self.error(
                    Code::MisplacedLambda,
                    format!(
                        "`{} => …` can only be an argument of any, all or count",
                        param.text
                    ),
                    span,
                    "not allowed here".into(),
                    Some("write e.g. `any(signals, s => s.conf_score > 0.6)`".into()),
                );
                (ExprKind::Literal(serde_json::Value::Null), Type::Any)
            }
            ast::ExprKind::Call(name, args) => self.call(name, args, span),
            ast::ExprKind::Unary(op, operand) => {
                let operand = self.lower(operand);
                let ty = match op {
                    UnaryOp::Not => {
                        self.expect_bool(&operand, "`not`");
                        Type::Bool
                    }
                    UnaryOp::Neg => {
                        if !operand.ty.is_numeric() && operand.ty != Type::Duration {
                            self.mismatch(&operand, "a number", "`-`");
                        }
                        operand.ty.clone()
                    }
                };
                (ExprKind::Unary(*op, Box::new(operand)), ty)
            }
            ast::ExprKind::Binary(op, lhs, rhs) => {
                let (lhs, rhs) = (self.lower(lhs), self.lower(rhs));
                let ty = self.binary(*op, &lhs, &rhs);
                (ExprKind::Binary(*op, Box::new(lhs), Box::new(rhs)), ty)
            }
        };
        Expr { kind, ty, span }
    }

    fn name(&mut self, name: &str, span: Span) -> (ExprKind, Type) {
        if let Some((_, ty)) = self.vars.iter().rev().find(|(v, _)| v == name) {
            return (ExprKind::Var(name.to_string()), ty.clone());
        }
        if let Some(ty) = self.context.get(name) {
            return (ExprKind::Key(name.to_string()), ty.clone());
        }
        let candidates: Vec<&str> = self
            .context
            .keys()
            .map(String::as_str)
            .chain(self.vars.iter().map(|(v, _)| v.as_str()))
            .collect();
        let help = did_you_mean(name, candidates.iter().copied()).or_else(|| {
            Some(
                "a key enters the context when an upstream handler declares it in `returns`".into(),
            )
        });
        let stage = &self.pipeline.stage(self.stage).name;
        // Written, but by a task of a later stage: say so, and where to move the gate.
        let later = self
            .pipeline
            .dag
            .node_weights()
            .find(|t| t.stage > self.stage && t.writes.iter().any(|w| w == name));
        let (message, help) = match later {
            Some(task) => {
                let its = &self.pipeline.stage(task.stage).name;
                (
                    format!("`{name}` is written by `{}` of the later stage `{its}`", task.name),
                    Some(format!(
                        "a gate of stage `{stage}` sees what its stage and the stages before it write; move the gate to stage `{its}`"
                    )),
                )
            }
            None => (
                format!("no task up to stage `{stage}` produces `{name}`"),
                help,
            ),
        };
        self.error(
            Code::UnknownContextKey,
            message,
            span,
            "unknown context key".into(),
            help,
        );
        (ExprKind::Key(name.to_string()), Type::Any)
    }

    fn field_type(&mut self, base: &Type, field: &ast::Name) -> Type {
        match base {
            Type::Any => Type::Any,
            Type::Object(fields) => match fields.iter().find(|(k, _)| *k == field.text) {
                Some((_, ty)) => ty.clone(),
                None => {
                    let help = did_you_mean(&field.text, fields.iter().map(|(k, _)| k.as_str()));
                    self.error(
                        Code::UnknownContextKey,
                        format!("no field `{}` in {base}", field.text),
                        field.span,
                        "unknown field".into(),
                        help,
                    );
                    Type::Any
                }
            },
            other => {
                self.error(
                    Code::TypeMismatch,
                    format!("{} has no fields", other.with_article()),
                    field.span,
                    format!("`.{}` on {}", field.text, other.with_article()),
                    matches!(other, Type::List(_))
                        .then(|| "use any(), all() or count() to look inside a list".into()),
                );
                Type::Any
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr) -> Type {
        use BinaryOp::*;
        match op {
            And | Or => {
                self.expect_bool(lhs, op.symbol());
                self.expect_bool(rhs, op.symbol());
                Type::Bool
            }
            Eq | Ne => {
                if !lhs.ty.comparable(&rhs.ty) {
                    self.compare_error(op, lhs, rhs);
                }
                Type::Bool
            }
            Lt | Le | Gt | Ge => {
                let ordered = (lhs.ty.is_numeric() && rhs.ty.is_numeric())
                    || matches!((&lhs.ty, &rhs.ty), (Type::Any, _) | (_, Type::Any))
                    || (lhs.ty == rhs.ty
                        && matches!(lhs.ty, Type::Duration | Type::String | Type::Timestamp));
                if !ordered {
                    self.compare_error(op, lhs, rhs);
                }
                Type::Bool
            }
            In => {
                let fits = match &rhs.ty {
                    Type::List(item) => lhs.ty.comparable(item),
                    Type::String => matches!(lhs.ty, Type::String | Type::Any),
                    Type::Any => true,
                    _ => false,
                };
                if !fits {
                    self.error(
                        Code::TypeMismatch,
                        format!(
                            "cannot look for {} in {}",
                            lhs.ty.with_article(),
                            rhs.ty.with_article()
                        ),
                        lhs.span.to(rhs.span),
                        format!("{} in {}", lhs.ty, rhs.ty),
                        Some("`in` looks for an item in a list, or text in a string".into()),
                    );
                }
                Type::Bool
            }
            Add | Sub | Mul | Div => self.arithmetic(op, lhs, rhs),
        }
    }

    fn arithmetic(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr) -> Type {
        match (&lhs.ty, &rhs.ty) {
            (Type::Any, _) | (_, Type::Any) => Type::Any,
            (Type::Int, Type::Int) if op != BinaryOp::Div => Type::Int,
            (a, b) if a.is_numeric() && b.is_numeric() => Type::Float,
            (Type::Duration, Type::Duration) if matches!(op, BinaryOp::Add | BinaryOp::Sub) => {
                Type::Duration
            }
            (Type::Duration, b)
                if b.is_numeric() && matches!(op, BinaryOp::Mul | BinaryOp::Div) =>
            {
                Type::Duration
            }
            (a, b) => {
                self.error(
                    Code::TypeMismatch,
                    format!(
                        "cannot apply `{}` to {} and {}",
                        op.symbol(),
                        a.with_article(),
                        b.with_article()
                    ),
                    lhs.span.to(rhs.span),
                    format!("{a} {} {b}", op.symbol()),
                    Some("arithmetic works on numbers, and durations added or scaled".into()),
                );
                Type::Any
            }
        }
    }

    fn compare_error(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr) {
        self.error(
            Code::TypeMismatch,
            format!(
                "cannot compare {} with {}",
                lhs.ty.with_article(),
                rhs.ty.with_article()
            ),
            lhs.span.to(rhs.span),
            format!("{} {} {}", lhs.ty, op.symbol(), rhs.ty),
            Some(format!(
                "both sides of `{}` must have the same kind of value",
                op.symbol()
            )),
        );
    }

    fn expect_bool(&mut self, expr: &Expr, context: &str) {
        if !matches!(expr.ty, Type::Bool | Type::Any) {
            self.mismatch(expr, "true or false", context);
        }
    }

    fn mismatch(&mut self, expr: &Expr, wanted: &str, context: &str) {
        self.error(
            Code::TypeMismatch,
            format!("{context} needs {wanted}, not {}", expr.ty.with_article()),
            expr.span,
            format!("this is {}", expr.ty.with_article()),
            Some(format!(
                "give {context} {wanted}; a key's type is what its handler declares in `returns`"
            )),
        );
    }

    fn call(&mut self, name: &ast::Name, args: &[ast::Expr], span: Span) -> (ExprKind, Type) {
        let Some(function) = Function::from_name(&name.text) else {
            let help = did_you_mean(&name.text, Function::ALL.iter().map(|(n, _)| *n));
            self.error(
                Code::UnknownFunction,
                format!("unknown function `{}`", name.text),
                name.span,
                "not a function".into(),
                help.or_else(|| Some("see the functions in docs/language.md".into())),
            );
            // Its arguments are still checked, but a lambda among them is
            // what the unknown function was meant to take: not a second error.
            for arg in args {
                if !matches!(arg.kind, ast::ExprKind::Lambda(..)) {
                    self.lower(arg);
                }
            }
            return (ExprKind::Literal(serde_json::Value::Null), Type::Any);
        };
        let (lowered, ty) = match function {
            Function::Ok | Function::Warned | Function::Skipped | Function::Failed => {
                if args.is_empty() {
                    self.arity(name, span, "one or more task names");
                }
                (args.iter().map(|a| self.task_arg(a)).collect(), Type::Bool)
            }
            Function::StageOk => {
                if !args.is_empty() {
                    self.arity(name, span, "no arguments");
                }
                (Vec::new(), Type::Bool)
            }
            Function::Len => {
                let lowered = self.one_arg(name, args, span);
                if let Some(arg) = lowered.first() {
                    if !matches!(arg.ty, Type::List(_) | Type::String | Type::Any) {
                        self.mismatch(arg, "a list", "`len`");
                    }
                }
                (lowered, Type::Int)
            }
            Function::Age => {
                let lowered = self.one_arg(name, args, span);
                if let Some(arg) = lowered.first() {
                    if !matches!(arg.ty, Type::Timestamp | Type::Any) {
                        self.error(
                            Code::TypeMismatch,
                            format!("`age` needs a timestamp, not {}", arg.ty.with_article()),
                            arg.span,
                            format!("this is {}", arg.ty.with_article()),
                            Some(
                                "declare the field as `timestamp` in the handler's `returns`"
                                    .into(),
                            ),
                        );
                    }
                }
                (lowered, Type::Duration)
            }
            Function::Exists => {
                let lowered = self.one_arg(name, args, span);
                (lowered, Type::Bool)
            }
            Function::Any | Function::All | Function::Count => {
                let lowered = self.quantifier(name, args, span);
                let ty = if function == Function::Count {
                    Type::Int
                } else {
                    Type::Bool
                };
                (lowered, ty)
            }
        };
        (ExprKind::Call(function, lowered), ty)
    }

    fn arity(&mut self, name: &ast::Name, span: Span, wanted: &str) {
        self.error(
            Code::UnknownFunction,
            format!("`{}` takes {wanted}", name.text),
            span,
            "wrong arguments".into(),
            Some(format!(
                "call it with {wanted}; docs/language.md lists each function's arguments"
            )),
        );
    }

    fn one_arg(&mut self, name: &ast::Name, args: &[ast::Expr], span: Span) -> Vec<Expr> {
        if args.len() != 1 {
            self.arity(name, span, "one argument");
        }
        args.iter().map(|a| self.lower(a)).collect()
    }

    /// `ok(x)`: the argument names a task of the pipeline, not a context key.
    fn task_arg(&mut self, arg: &ast::Expr) -> Expr {
        let ast::ExprKind::Name(name) = &arg.kind else {
            self.error(
                Code::TypeMismatch,
                "expected a task name".into(),
                arg.span,
                "not a task name".into(),
                Some("name a task of the pipeline, e.g. `ok(fetch_prices)`".into()),
            );
            return Expr {
                kind: ExprKind::Literal(serde_json::Value::Null),
                ty: Type::Any,
                span: arg.span,
            };
        };
        match self.pipeline.find_task(name) {
            Some(task) if self.pipeline.task(task).stage > self.stage => {
                let stage = &self.pipeline.stage(self.stage).name;
                let its = &self.pipeline.stage(self.pipeline.task(task).stage).name;
                self.error(
                    Code::DependsOnLaterStage,
                    format!("a gate of stage `{stage}` reads `{name}`, a task of the later stage `{its}`"),
                    arg.span,
                    "not run yet when this gate is checked".into(),
                    Some(format!(
                        "a gate sees the tasks of its stage and the stages before it; move the gate to stage `{its}`"
                    )),
                );
                Expr {
                    kind: ExprKind::Literal(serde_json::Value::Null),
                    ty: Type::Task,
                    span: arg.span,
                }
            }
            Some(task) => Expr {
                kind: ExprKind::Task(task),
                ty: Type::Task,
                span: arg.span,
            },
            None => {
                let help = did_you_mean(
                    name,
                    self.pipeline.dag.node_weights().map(|t| t.name.as_str()),
                );
                self.error(
                    Code::UnknownTask,
                    format!("pipeline `{}` has no task `{name}`", self.pipeline.name),
                    arg.span,
                    "unknown task".into(),
                    help,
                );
                Expr {
                    kind: ExprKind::Literal(serde_json::Value::Null),
                    ty: Type::Any,
                    span: arg.span,
                }
            }
        }
    }

    /// `any(list, x => cond)`: the lambda's parameter is typed by the list's items.
    fn quantifier(&mut self, name: &ast::Name, args: &[ast::Expr], span: Span) -> Vec<Expr> {
        let [list, lambda] = args else {
            self.arity(
                name,
                span,
                "a list and a condition, e.g. `any(signals, s => s.conf_score > 0.6)`",
            );
            return args.iter().map(|a| self.lower(a)).collect();
        };
        let list = self.lower(list);
        let item = match &list.ty {
            Type::List(item) => (**item).clone(),
            Type::Any => Type::Any,
            _ => {
                self.mismatch(&list, "a list", &format!("`{}`", name.text));
                Type::Any
            }
        };
        let ast::ExprKind::Lambda(param, body) = &lambda.kind else {
            self.error(
                Code::TypeMismatch,
                format!(
                    "the second argument of `{}` is a condition `x => …`",
                    name.text
                ),
                lambda.span,
                "not a condition".into(),
                Some(format!("write `{}(list, x => x.field > 0)`", name.text)),
            );
            return vec![list, self.lower(lambda)];
        };
        self.vars.push((param.text.clone(), item));
        let body = self.lower(body);
        self.vars.pop();
        self.expect_bool(&body, "the condition");
        let lambda = Expr {
            kind: ExprKind::Lambda(param.text.clone(), Box::new(body)),
            ty: Type::Bool,
            span: lambda.span,
        };
        vec![list, lambda]
    }
}
