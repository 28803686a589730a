//! pest's parse tree to the typed AST. This is the only place that walks
//! `Pairs`; a literal the grammar admits but that has no value (`25:00`, an
//! overlong number) becomes a diagnostic here, and parsing goes on.

use super::ast::*;
use super::expected::syntax_error;
use super::grammar::{PipeParser, Rule};
use super::literal;
use super::placement::Placement;
use super::scan::{self, MAX_NESTING};
use super::split;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Span};
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;
use std::sync::LazyLock;

/// Parses one file. A syntax error ends the parse (pest does not recover), so
/// the AST is `None` and the one syntax diagnostic says where and what was expected.
/// Nesting is bounded before pest runs (`scan.rs`); big files are parsed on
/// several threads (`split.rs`).
pub fn parse(text: &str, file: FileId) -> (Option<File>, Vec<Diagnostic>) {
    let layout = match scan::scan(text) {
        Ok(layout) => layout,
        Err(too_deep) => return (None, vec![nesting_error(&too_deep, file)]),
    };
    split::parse(text, file, &layout).unwrap_or_else(|| parse_whole(text, file))
}

/// Parses the file in one piece; also what the split parse falls back to.
pub(super) fn parse_whole(text: &str, file: FileId) -> (Option<File>, Vec<Diagnostic>) {
    match PipeParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let mut builder = Builder::new(file, Placement::default());
            let ast = pairs.next().map(|root| builder.file(root));
            (ast, builder.diagnostics)
        }
        Err(error) => (None, vec![syntax_error(&detailed(error, text), text, file)]),
    }
}

fn nesting_error(too_deep: &scan::TooDeep, file: FileId) -> Diagnostic {
    Diagnostic::new(
        Code::NestingTooDeep,
        format!("brackets and lambdas nest more than {MAX_NESTING} deep"),
    )
    .label(
        Span::new(file, too_deep.at, too_deep.at + too_deep.len),
        format!("nesting level {} starts here", MAX_NESTING + 1),
    )
    .help("flatten it: give a deep value its own handler, or split a gate into several")
}

/// pest lists what it expected only when it tracks every attempt, which makes
/// parsing several times slower; so a failed parse is repeated with tracking on.
/// Tracking is a process-wide switch and is never turned off again, so a
/// parse on another thread can never lose the detail of its error.
fn detailed(error: pest::error::Error<Rule>, text: &str) -> pest::error::Error<Rule> {
    pest::set_error_detail(true);
    PipeParser::parse(Rule::file, text).err().unwrap_or(error)
}

/// The most operators one gate expression may have; see `Builder::gate_expr`.
pub const MAX_OPERATORS: usize = 100;

fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::or_op
            | Rule::and_op
            | Rule::eq_op
            | Rule::ne_op
            | Rule::le_op
            | Rule::ge_op
            | Rule::lt_op
            | Rule::gt_op
            | Rule::in_op
            | Rule::add_op
            | Rule::sub_op
            | Rule::mul_op
            | Rule::div_op
            | Rule::not_op
            | Rule::neg_op
            | Rule::field
    )
}

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or_op, Assoc::Left))
        .op(Op::infix(Rule::and_op, Assoc::Left))
        .op(Op::prefix(Rule::not_op))
        .op(Op::infix(Rule::eq_op, Assoc::Left)
            | Op::infix(Rule::ne_op, Assoc::Left)
            | Op::infix(Rule::lt_op, Assoc::Left)
            | Op::infix(Rule::le_op, Assoc::Left)
            | Op::infix(Rule::gt_op, Assoc::Left)
            | Op::infix(Rule::ge_op, Assoc::Left)
            | Op::infix(Rule::in_op, Assoc::Left))
        .op(Op::infix(Rule::add_op, Assoc::Left) | Op::infix(Rule::sub_op, Assoc::Left))
        .op(Op::infix(Rule::mul_op, Assoc::Left) | Op::infix(Rule::div_op, Assoc::Left))
        .op(Op::prefix(Rule::neg_op))
        .op(Op::postfix(Rule::field))
});

/// Turns pairs into AST nodes.
pub(super) struct Builder {
    file: FileId,
    placement: Placement,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Builder {
    pub(super) fn new(file: FileId, placement: Placement) -> Builder {
        Builder {
            file,
            placement,
            diagnostics: Vec::new(),
        }
    }

    fn span(&self, pair: &Pair<Rule>) -> Span {
        self.placement.span(self.file, pair.as_span())
    }

    fn literal_error(&mut self, code: Code, span: Span, message: String) {
        self.diagnostics
            .push(Diagnostic::new(code, message).label(span, "here"));
    }

    pub(super) fn file(&mut self, root: Pair<Rule>) -> File {
        let span = self.span(&root);
        let items = root
            .into_inner()
            .filter(|p| p.as_rule() != Rule::EOI)
            .map(|p| self.item(p))
            .collect();
        File { items, span }
    }

    fn item(&mut self, pair: Pair<Rule>) -> Item {
        match pair.as_rule() {
            Rule::import => {
                let span = self.span(&pair);
                let path = self.string(first(pair));
                Item::Import(Spanned::new(path.node, span))
            }
            Rule::handler => Item::Handler(self.handler(pair)),
            Rule::days => Item::Days(self.days(pair)),
            _ => Item::Pipeline(self.pipeline(pair)),
        }
    }

    // ------------------------------------------------------------ handlers

    fn handler(&mut self, pair: Pair<Rule>) -> Handler {
        let (name, _, settings, span) = self.block(pair, Self::handler_setting);
        Handler {
            name,
            settings,
            span,
        }
    }

    fn handler_setting(&mut self, pair: Pair<Rule>) -> HandlerSetting {
        match pair.as_rule() {
            Rule::exec => HandlerSetting::Exec(pair.into_inner().map(|p| self.string(p)).collect()),
            Rule::shell => HandlerSetting::Shell(self.string(first(pair))),
            Rule::builtin => {
                let mut inner = pair.into_inner();
                let name = self.name(next(&mut inner));
                let arg = inner.next().map(|p| self.value(p));
                HandlerSetting::Builtin { name, arg }
            }
            Rule::returns => HandlerSetting::Returns(self.shape(first(pair))),
            Rule::env => HandlerSetting::Env(
                pair.into_inner()
                    .map(|entry| {
                        let mut inner = entry.into_inner();
                        let key = self.key(next(&mut inner));
                        let value = next(&mut inner);
                        let span = self.span(&value);
                        let value = match value.as_rule() {
                            Rule::secret => EnvValue {
                                text: self.string(first(value)),
                                secret: true,
                                span,
                            },
                            _ => EnvValue {
                                text: self.string(value),
                                secret: false,
                                span,
                            },
                        };
                        (key, value)
                    })
                    .collect(),
            ),
            _ => {
                let p = first(pair);
                let span = self.span(&p);
                let bytes = literal::size(p.as_str()).unwrap_or_else(|message| {
                    self.literal_error(Code::SizeOutOfRange, span, message);
                    0
                });
                HandlerSetting::MaxOutput(Spanned::new(bytes, span))
            }
        }
    }

    fn shape(&mut self, pair: Pair<Rule>) -> Spanned<Shape> {
        let span = self.span(&pair);
        let shape = match pair.as_rule() {
            Rule::shape_object => Shape::Object(
                pair.into_inner()
                    .map(|field| {
                        let mut inner = field.into_inner();
                        let key = self.key(next(&mut inner));
                        let mut item = next(&mut inner);
                        let optional = item.as_rule() == Rule::optional_mark;
                        if optional {
                            item = next(&mut inner);
                        }
                        ShapeField {
                            key,
                            optional,
                            shape: self.shape(item),
                        }
                    })
                    .collect(),
            ),
            Rule::shape_list => Shape::List(Box::new(self.shape(first(pair)))),
            _ => Shape::Prim(match pair.as_str() {
                "string" => Prim::String,
                "int" => Prim::Int,
                "float" => Prim::Float,
                "bool" => Prim::Bool,
                "timestamp" => Prim::Timestamp,
                _ => Prim::Any,
            }),
        };
        Spanned::new(shape, span)
    }

    fn value(&mut self, pair: Pair<Rule>) -> Spanned<Value> {
        let span = self.span(&pair);
        let value = match pair.as_rule() {
            Rule::value_object => Value::Object(
                pair.into_inner()
                    .map(|field| {
                        let mut inner = field.into_inner();
                        let key = self.key(next(&mut inner));
                        (key, self.value(next(&mut inner)))
                    })
                    .collect(),
            ),
            Rule::value_list => Value::List(pair.into_inner().map(|p| self.value(p)).collect()),
            Rule::float | Rule::signed_float => Value::Float(self.float(&pair)),
            Rule::integer | Rule::signed_integer => Value::Int(self.signed(&pair)),
            Rule::string => Value::String(self.string(pair).node),
            Rule::boolean => Value::Bool(pair.as_str() == "true"),
            Rule::duration => Value::Duration(self.duration(pair).node),
            _ => Value::Null,
        };
        Spanned::new(value, span)
    }

    // ------------------------------------------------------------ day sets

    fn days(&mut self, pair: Pair<Rule>) -> Days {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(next(&mut inner));
        let source = next(&mut inner);
        let source = if source.as_rule() == Rule::string {
            DaysSource::File(self.string(source))
        } else {
            DaysSource::List(source.into_inner().map(|d| self.date(d)).collect())
        };
        Days { name, source, span }
    }

    // ------------------------------------------------------------ pipelines

    fn pipeline(&mut self, pair: Pair<Rule>) -> Pipeline {
        let (name, title, settings, span) = self.block(pair, Self::pipeline_setting);
        Pipeline {
            name,
            title,
            settings,
            span,
        }
    }

    /// `keyword name "Title"? { setting* }`: pipelines and stages, and without
    /// a title handlers and triggers.
    #[allow(clippy::type_complexity)]
    fn block<T>(
        &mut self,
        pair: Pair<Rule>,
        setting: fn(&mut Self, Pair<Rule>) -> T,
    ) -> (Name, Option<Spanned<String>>, Vec<Spanned<T>>, Span) {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().peekable();
        let name = self.name(next(&mut inner));
        let title = match inner.peek() {
            Some(p) if p.as_rule() == Rule::string => Some(self.string(next(&mut inner))),
            _ => None,
        };
        let settings = exact(inner.map(|p| self.spanned(p, setting)));
        (name, title, settings, span)
    }

    fn spanned<T>(&mut self, pair: Pair<Rule>, node: fn(&mut Self, Pair<Rule>) -> T) -> Spanned<T> {
        let span = self.span(&pair);
        Spanned::new(node(self, pair), span)
    }

    fn pipeline_setting(&mut self, pair: Pair<Rule>) -> PipelineSetting {
        match pair.as_rule() {
            Rule::description => PipelineSetting::Description(self.string(first(pair))),
            Rule::calendar => PipelineSetting::Calendar(self.calendar(first(pair))),
            Rule::timezone => PipelineSetting::Timezone(self.name(first(pair))),
            Rule::concurrency => PipelineSetting::Concurrency(self.integer(first(pair))),
            Rule::timeout => PipelineSetting::Timeout(self.duration(first(pair))),
            Rule::run_timeout => PipelineSetting::RunTimeout(self.duration(first(pair))),
            Rule::on_failure => PipelineSetting::OnFailure(Box::new(self.policy(first(pair)))),
            Rule::priority => PipelineSetting::Priority(self.priority(first(pair))),
            Rule::merge => PipelineSetting::Merge(self.name(first(pair))),
            Rule::cleanup => PipelineSetting::Cleanup(self.name(first(pair))),
            Rule::pre_open => PipelineSetting::PreOpen(self.duration(first(pair))),
            Rule::post_close => PipelineSetting::PostClose(self.duration(first(pair))),
            Rule::stage => PipelineSetting::Stage(self.stage(pair)),
            Rule::trigger => PipelineSetting::Trigger(self.trigger(pair)),
            _ => PipelineSetting::Source(self.source(pair)),
        }
    }

    fn calendar(&mut self, pair: Pair<Rule>) -> CalendarRef {
        if pair.as_rule() == Rule::string {
            CalendarRef::File(self.string(pair))
        } else {
            CalendarRef::Builtin(self.name(pair))
        }
    }

    fn priority(&mut self, pair: Pair<Rule>) -> Spanned<PriorityValue> {
        let span = self.span(&pair);
        let value = if pair.as_rule() == Rule::integer {
            PriorityValue::Number(self.integer(pair).node)
        } else {
            PriorityValue::Named(pair.as_str().to_string())
        };
        Spanned::new(value, span)
    }

    fn policy(&mut self, pair: Pair<Rule>) -> Spanned<Policy> {
        let span = self.span(&pair);
        let policy = match pair.as_rule() {
            Rule::abort => Policy::Abort,
            Rule::fail => Policy::Fail,
            Rule::warn => Policy::Warn,
            Rule::skip => Policy::Skip,
            Rule::default => Policy::Default(self.value(first(pair))),
            _ => {
                let mut inner = pair.into_inner();
                let attempts = self.integer(next(&mut inner));
                let mut backoff = None;
                let mut then = None;
                for p in inner {
                    if p.as_rule() == Rule::backoff {
                        backoff = Some(self.backoff(p));
                    } else {
                        then = Some(Box::new(self.policy(p)));
                    }
                }
                Policy::Retry {
                    attempts,
                    backoff,
                    then,
                }
            }
        };
        Spanned::new(policy, span)
    }

    fn backoff(&mut self, pair: Pair<Rule>) -> Spanned<Backoff> {
        let span = self.span(&pair);
        let body = first(pair);
        let backoff = if body.as_rule() == Rule::exponential {
            let mut inner = body.into_inner();
            let base = self.duration(next(&mut inner));
            let mut max = None;
            let mut jitter = false;
            for p in inner {
                if p.as_rule() == Rule::jitter {
                    jitter = true;
                } else {
                    max = Some(self.duration(p));
                }
            }
            Backoff::Exponential { base, max, jitter }
        } else {
            Backoff::Fixed(body.into_inner().map(|p| self.duration(p)).collect())
        };
        Spanned::new(backoff, span)
    }

    // ------------------------------------------------------------ stages and tasks

    /// The settings of a piece of a stage's body (`split.rs`).
    pub(super) fn stage_body(&mut self, body: Pair<Rule>) -> Vec<Spanned<StageSetting>> {
        let inner = body.into_inner();
        // Every pair but the last, `EOI`.
        let settings = inner.len().saturating_sub(1);
        exact(
            inner
                .take(settings)
                .map(|p| self.spanned(p, Self::stage_setting)),
        )
    }

    fn stage(&mut self, pair: Pair<Rule>) -> Stage {
        let (name, title, settings, span) = self.block(pair, Self::stage_setting);
        Stage {
            name,
            title,
            settings,
            span,
        }
    }

    fn stage_setting(&mut self, pair: Pair<Rule>) -> StageSetting {
        match pair.as_rule() {
            Rule::best_effort => StageSetting::BestEffort,
            Rule::requires => StageSetting::Requires(Box::new(self.requires(pair))),
            Rule::when => StageSetting::When(self.when(pair)),
            Rule::timeout => StageSetting::Timeout(self.duration(first(pair))),
            Rule::on_failure => StageSetting::OnFailure(Box::new(self.policy(first(pair)))),
            Rule::task => StageSetting::Task(self.task(pair)),
            Rule::flow => StageSetting::Flow(
                pair.into_inner()
                    .map(|step| {
                        let span = self.span(&step);
                        Spanned::new(self.names(step.into_inner()), span)
                    })
                    .collect(),
            ),
            _ => StageSetting::Gate(Box::new(self.gate(pair))),
        }
    }

    fn when(&mut self, pair: Pair<Rule>) -> When {
        let mut negated = false;
        let mut days = None;
        for p in pair.into_inner() {
            if p.as_rule() == Rule::negation {
                negated = true;
            } else {
                days = Some(self.name(p));
            }
        }
        When {
            negated,
            days: days.unwrap_or_else(|| unreachable_name(self.file)),
        }
    }

    fn task(&mut self, pair: Pair<Rule>) -> Task {
        let span = self.span(&pair);
        let text = pair.as_str();
        let mut inner = pair.into_inner();
        let name = self.name(next(&mut inner));
        let settings = exact(inner.map(|p| self.spanned(p, Self::task_setting)));
        // `task x {}` and `task x` mean the same but are kept apart for `fmt`.
        let braces = text.trim_end().ends_with('}');
        Task {
            name,
            settings: braces.then_some(settings),
            span,
        }
    }

    fn task_setting(&mut self, pair: Pair<Rule>) -> TaskSetting {
        match pair.as_rule() {
            Rule::run => {
                let target = first(pair);
                if target.as_rule() == Rule::run_pipeline {
                    TaskSetting::RunPipeline(self.name(first(target)))
                } else {
                    TaskSetting::Run(self.name(target))
                }
            }
            Rule::args => TaskSetting::Args(pair.into_inner().map(|p| self.string(p)).collect()),
            Rule::after => TaskSetting::After(self.names(pair.into_inner())),
            Rule::joins => TaskSetting::Joins(self.names(pair.into_inner())),
            Rule::reads => TaskSetting::Reads(self.names(pair.into_inner())),
            Rule::timeout => TaskSetting::Timeout(self.duration(first(pair))),
            Rule::on_failure => TaskSetting::OnFailure(Box::new(self.policy(first(pair)))),
            Rule::priority => TaskSetting::Priority(self.priority(first(pair))),
            Rule::requires => TaskSetting::Requires(Box::new(self.requires(pair))),
            _ => TaskSetting::When(self.when(pair)),
        }
    }

    fn gate(&mut self, pair: Pair<Rule>) -> Gate {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().peekable();
        let name = self.name(next(&mut inner));
        let description = match inner.peek() {
            Some(p) if p.as_rule() == Rule::string => Some(self.string(next(&mut inner))),
            _ => None,
        };
        let expr = self.gate_expr(next(&mut inner));
        Gate {
            name,
            description,
            expr,
            span,
        }
    }

    // ------------------------------------------------------------ triggers and sources

    fn trigger(&mut self, pair: Pair<Rule>) -> Trigger {
        let (name, _, settings, span) = self.block(pair, Self::trigger_setting);
        Trigger {
            name,
            settings,
            span,
        }
    }

    fn trigger_setting(&mut self, pair: Pair<Rule>) -> TriggerSetting {
        match pair.as_rule() {
            Rule::at => TriggerSetting::At(self.at(first(pair))),
            Rule::every => {
                let mut inner = pair.into_inner();
                let interval = self.duration(next(&mut inner));
                let window = next(&mut inner);
                let states: Vec<Name> = window.into_inner().map(|p| self.name(p)).collect();
                let from = states
                    .first()
                    .cloned()
                    .unwrap_or_else(|| unreachable_name(self.file));
                let to = states.get(1).cloned().unwrap_or_else(|| from.clone());
                TriggerSetting::Every { interval, from, to }
            }
            Rule::cron => TriggerSetting::Cron(self.string(first(pair))),
            Rule::in_zone => TriggerSetting::In(self.name(first(pair))),
            Rule::on_days => TriggerSetting::On(self.names(pair.into_inner())),
            Rule::stages => {
                let body = first_or_all(pair);
                TriggerSetting::Stages(match body {
                    StagesBody::Range(range) => {
                        let mut inner = range.into_inner();
                        let from = self.name(next(&mut inner));
                        let to = self.name(next(&mut inner));
                        StageSelection::Range(from, to)
                    }
                    StagesBody::List(pairs) => StageSelection::List(self.names(pairs.into_iter())),
                })
            }
            Rule::missed => {
                let body = first(pair);
                TriggerSetting::Missed(if body.as_rule() == Rule::missed_skip {
                    Missed::Skip
                } else {
                    Missed::RunLate(self.duration(first(body)))
                })
            }
            _ => TriggerSetting::Calendar(self.calendar(first(pair))),
        }
    }

    fn at(&mut self, pair: Pair<Rule>) -> At {
        if pair.as_rule() == Rule::time_of_day {
            return At::Clock(self.time(pair));
        }
        let mut inner = pair.into_inner();
        let anchor = next(&mut inner).as_str().to_string();
        let mut offset: i64 = 0;
        if let (Some(sign), Some(amount)) = (inner.next(), inner.next()) {
            let millis = i64::try_from(self.duration(amount).node.millis).unwrap_or(i64::MAX);
            offset = if sign.as_str() == "-" {
                -millis
            } else {
                millis
            };
        }
        if anchor == "open" {
            At::Open(offset)
        } else {
            At::Close(offset)
        }
    }

    fn source(&mut self, pair: Pair<Rule>) -> Source {
        let (name, _, settings, span) = self.block(pair, Self::source_setting);
        Source {
            name,
            settings,
            span,
        }
    }

    fn source_setting(&mut self, pair: Pair<Rule>) -> SourceSetting {
        match pair.as_rule() {
            Rule::producer => SourceSetting::Producer(self.name(first(pair))),
            Rule::green => SourceSetting::Green(self.age(first(pair))),
            _ => SourceSetting::Yellow(self.age(first(pair))),
        }
    }

    fn age(&mut self, pair: Pair<Rule>) -> Spanned<Age> {
        let span = self.span(&pair);
        let age = if pair.as_rule() == Rule::sessions {
            Age::Sessions(self.integer(first(pair)).node)
        } else {
            Age::Wall(self.duration(pair).node)
        };
        Spanned::new(age, span)
    }

    // ------------------------------------------------------------ expressions

    /// A gate's expression, unless it has so many operators that the trees
    /// built from it could be deep enough to overflow the stack of the
    /// recursive passes that follow (`scan.rs` bounds brackets, this bounds
    /// operator chains such as `not not … x` or `a + b + …`).
    fn gate_expr(&mut self, pair: Pair<Rule>) -> Expr {
        let operators = pair
            .clone()
            .into_inner()
            .flatten()
            .filter(|p| is_operator(p.as_rule()))
            .count();
        if operators <= MAX_OPERATORS {
            return self.expr(pair);
        }
        let span = self.span(&pair);
        self.diagnostics.push(
            Diagnostic::new(
                Code::ExpressionTooLong,
                format!("this expression has {operators} operators; at most {MAX_OPERATORS} are allowed"),
            )
            .label(span, "too many operators")
            .help("compute the value in a handler and test its output in the gate"),
        );
        Expr {
            kind: ExprKind::Bool(true),
            span,
        }
    }

    fn expr(&mut self, pair: Pair<Rule>) -> Expr {
        // The closures below cannot borrow `self`: `map_primary` has it.
        let (file, placement) = (self.file, self.placement.clone());
        let expr = PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| {
                let span = placement.span(file, op.as_span()).to(rhs.span);
                let op = if op.as_rule() == Rule::not_op {
                    UnaryOp::Not
                } else {
                    UnaryOp::Neg
                };
                Expr {
                    kind: ExprKind::Unary(op, Box::new(rhs)),
                    span,
                }
            })
            .map_postfix(|lhs, op| {
                let field_span = placement.span(file, op.as_span());
                let name = op.into_inner().next().map_or_else(
                    || unreachable_name(file),
                    |n| Name {
                        text: n.as_str().to_string(),
                        span: placement.span(file, n.as_span()),
                    },
                );
                let span = lhs.span.to(field_span);
                Expr {
                    kind: ExprKind::Field(Box::new(lhs), name),
                    span,
                }
            })
            .map_infix(|lhs, op, rhs| {
                let op = match op.as_rule() {
                    Rule::or_op => BinaryOp::Or,
                    Rule::and_op => BinaryOp::And,
                    Rule::eq_op => BinaryOp::Eq,
                    Rule::ne_op => BinaryOp::Ne,
                    Rule::lt_op => BinaryOp::Lt,
                    Rule::le_op => BinaryOp::Le,
                    Rule::gt_op => BinaryOp::Gt,
                    Rule::ge_op => BinaryOp::Ge,
                    Rule::in_op => BinaryOp::In,
                    Rule::add_op => BinaryOp::Add,
                    Rule::sub_op => BinaryOp::Sub,
                    Rule::mul_op => BinaryOp::Mul,
                    _ => BinaryOp::Div,
                };
                let span = lhs.span.to(rhs.span);
                Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            })
            .parse(pair.into_inner());
        expr
    }

    fn primary(&mut self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::expr => return self.expr(pair),
            Rule::lambda => {
                let mut inner = pair.into_inner();
                let param = self.name(next(&mut inner));
                ExprKind::Lambda(param, Box::new(self.expr(next(&mut inner))))
            }
            Rule::call => {
                let mut inner = pair.into_inner();
                let name = self.name(next(&mut inner));
                ExprKind::Call(name, inner.map(|p| self.expr(p)).collect())
            }
            Rule::list => ExprKind::List(pair.into_inner().map(|p| self.expr(p)).collect()),
            Rule::duration => ExprKind::Duration(self.duration(pair).node),
            Rule::float => ExprKind::Float(self.float(&pair)),
            Rule::integer => ExprKind::Int(self.signed(&pair)),
            Rule::string => ExprKind::String(self.string(pair).node),
            Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
            Rule::null => ExprKind::Null,
            _ => ExprKind::Name(pair.as_str().to_string()),
        };
        Expr { kind, span }
    }

    // ------------------------------------------------------------ tokens

    fn name(&mut self, pair: Pair<Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    /// An object key: a bare name or a quoted string.
    fn key(&mut self, pair: Pair<Rule>) -> Name {
        if pair.as_rule() == Rule::string {
            let s = self.string(pair);
            Name {
                text: s.node,
                span: s.span,
            }
        } else {
            self.name(pair)
        }
    }

    fn requires(&mut self, pair: Pair<Rule>) -> Requires {
        let mut states = Vec::new();
        let mut wait = None;
        for part in pair.into_inner() {
            if part.as_rule() == Rule::requires_wait {
                // `wait_word`, then the duration.
                if let Some(d) = part.into_inner().find(|p| p.as_rule() == Rule::duration) {
                    wait = Some(self.duration(d));
                }
            } else {
                states.push(self.name(part));
            }
        }
        Requires { states, wait }
    }

    fn names<'i>(&mut self, pairs: impl ExactSizeIterator<Item = Pair<'i, Rule>>) -> Vec<Name> {
        exact(pairs.map(|p| self.name(p)))
    }

    fn string(&mut self, pair: Pair<Rule>) -> Spanned<String> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().map_or("", |p| p.as_str());
        let text = literal::string(inner).unwrap_or_else(|message| {
            self.literal_error(Code::Syntax, span, message);
            String::new()
        });
        Spanned::new(text, span)
    }

    fn integer(&mut self, pair: Pair<Rule>) -> Spanned<u64> {
        let span = self.span(&pair);
        let n = literal::integer(pair.as_str()).unwrap_or_else(|message| {
            self.literal_error(Code::Syntax, span, message);
            0
        });
        Spanned::new(n, span)
    }

    fn signed(&mut self, pair: &Pair<Rule>) -> i64 {
        let span = self.span(pair);
        pair.as_str().parse().unwrap_or_else(|_| {
            self.literal_error(
                Code::Syntax,
                span,
                format!("`{}` is too large a number", pair.as_str()),
            );
            0
        })
    }

    fn float(&mut self, pair: &Pair<Rule>) -> f64 {
        // The grammar admits only digits, a point and digits, which always parse.
        pair.as_str().parse().unwrap_or(0.0)
    }

    fn duration(&mut self, pair: Pair<Rule>) -> Spanned<Duration> {
        let span = self.span(&pair);
        let d = literal::duration(pair.as_str()).unwrap_or_else(|message| {
            self.literal_error(Code::DurationOutOfRange, span, message);
            Duration { millis: 0 }
        });
        Spanned::new(d, span)
    }

    fn time(&mut self, pair: Pair<Rule>) -> Spanned<chrono::NaiveTime> {
        let span = self.span(&pair);
        let t = literal::time_of_day(pair.as_str()).unwrap_or_else(|message| {
            self.literal_error(Code::TimeOutOfRange, span, message);
            chrono::NaiveTime::MIN
        });
        Spanned::new(t, span)
    }

    fn date(&mut self, pair: Pair<Rule>) -> Spanned<chrono::NaiveDate> {
        let span = self.span(&pair);
        let d = literal::date(pair.as_str()).unwrap_or_else(|message| {
            self.literal_error(Code::TimeOutOfRange, span, message);
            chrono::NaiveDate::MIN
        });
        Spanned::new(d, span)
    }
}

enum StagesBody<'i> {
    Range(Pair<'i, Rule>),
    List(Vec<Pair<'i, Rule>>),
}

fn first_or_all(pair: Pair<'_, Rule>) -> StagesBody<'_> {
    let inner: Vec<_> = pair.into_inner().collect();
    match inner.first() {
        Some(p) if p.as_rule() == Rule::stage_range => StagesBody::Range(p.clone()),
        _ => StagesBody::List(inner),
    }
}

// The grammar guarantees the children these helpers take; an absent one would
// be a grammar/parser mismatch, which the tests over every rule would catch.
/// A vector of exactly the iterator's length: `collect` gives at least four
/// places, and most lists here (a task's settings, an `after`) hold one or two
/// of each of 100,000 tasks.
fn exact<T>(items: impl ExactSizeIterator<Item = T>) -> Vec<T> {
    let mut vec = Vec::with_capacity(items.len());
    vec.extend(items);
    vec
}

fn first(pair: Pair<Rule>) -> Pair<Rule> {
    let text = pair.clone();
    pair.into_inner().next().unwrap_or(text)
}

fn next<'i>(pairs: &mut impl Iterator<Item = Pair<'i, Rule>>) -> Pair<'i, Rule> {
    pairs
        .next()
        .expect("the grammar guarantees this child; the parser and grammar disagree")
}

fn unreachable_name(file: FileId) -> Name {
    Name {
        text: String::new(),
        span: Span::new(file, 0, 0),
    }
}
