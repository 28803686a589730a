//! Files, items and blocks: which settings go where, and which blocks may
//! sit on one line.

use super::expr;
use super::literal;
use super::printer::Printer;
use super::settings::{self, Piece};
use super::value::{env_inline, env_value, shape_inline, value_inline};
use crate::span::Span;
use crate::syntax::ast::*;

pub(super) fn range(span: Span) -> (usize, usize) {
    (span.start as usize, span.end as usize)
}

/// `keyword name` or `keyword name "title"`, and where its `{` is.
pub(super) fn header(
    p: &Printer,
    keyword: &str,
    name: &Name,
    title: Option<&Spanned<String>>,
) -> (String, usize) {
    match title {
        Some(title) => (
            format!("{keyword} {} {}", name.text, literal::string(&title.node)),
            p.find(title.span.end as usize, b'{'),
        ),
        None => (
            format!("{keyword} {}", name.text),
            p.find(name.span.end as usize, b'{'),
        ),
    }
}

/// A handler setting on one line.
fn handler_setting(s: &HandlerSetting) -> String {
    match s {
        HandlerSetting::Exec(args) => format!("exec {}", settings::strings(args)),
        HandlerSetting::Shell(command) => format!("shell {}", literal::string(&command.node)),
        HandlerSetting::Builtin { name, arg: None } => format!("builtin {}", name.text),
        HandlerSetting::Builtin {
            name,
            arg: Some(arg),
        } => format!("builtin {} {}", name.text, value_inline(&arg.node)),
        HandlerSetting::Returns(shape) => format!("returns {}", shape_inline(&shape.node)),
        HandlerSetting::Env(entries) => env_inline(entries),
        HandlerSetting::MaxOutput(bytes) => format!("max_output {}", literal::size(bytes.node)),
    }
}

/// A notifier's target on one line.
fn notifier_target(t: &NotifierTarget) -> String {
    match t {
        NotifierTarget::Webhook(url) => format!("webhook {}", env_value(url)),
        NotifierTarget::Slack(url) => format!("slack {}", env_value(url)),
        NotifierTarget::Exec(argv) => format!("exec {}", settings::strings(argv)),
    }
}

/// An executor's setting on one line.
fn executor_setting(s: &ExecutorSetting) -> String {
    match s {
        ExecutorSetting::Ray(address) => format!("ray {}", literal::string(&address.node)),
        ExecutorSetting::NumCpus(n) => format!("num_cpus {}", literal::number(n.node)),
        ExecutorSetting::NumGpus(n) => format!("num_gpus {}", literal::number(n.node)),
        ExecutorSetting::Memory(bytes) => format!("memory {}", literal::size(bytes.node)),
    }
}

impl Printer<'_> {
    pub(crate) fn file(&mut self, file: &File) {
        self.sequence(&file.items, super::printer::Printer::item);
    }

    /// Some top-level items of a file, after those `state` has seen.
    pub(crate) fn items(&mut self, items: &[Item], state: &mut super::printer::SequenceState) {
        self.sequence_on(state, items, super::printer::Printer::item);
    }

    fn item(&mut self, item: &Item) -> bool {
        match item {
            Item::Import(path) => {
                let (start, end) = range(path.span);
                self.push(
                    0,
                    format!("import {}", literal::string(&path.node)),
                    start,
                    end,
                );
                false
            }
            Item::Handler(h) => {
                self.handler(h);
                true
            }
            Item::Days(d) => {
                self.days(d);
                true
            }
            Item::Notifier(n) => {
                self.notifier(n);
                true
            }
            Item::Executor(e) => {
                self.executor(e);
                true
            }
            Item::Pipeline(pipeline) => {
                self.pipeline(pipeline);
                true
            }
            Item::Template(template) => {
                self.template(template);
                true
            }
            Item::Instance(instance) => {
                self.instance(instance);
                true
            }
            Item::Source(source) => {
                self.source(0, source);
                true
            }
        }
    }

    /// A piece: its text, or its text followed by a value that may break.
    fn piece(&mut self, indent: usize, span: Span, piece: &Piece) {
        let (start, end) = range(span);
        match piece.value {
            Some(value) => self.value(indent, &piece.text, start, value, ""),
            None => self.push(indent, piece.text.clone(), start, end),
        }
    }

    /// A one-line setting with comments among its parts (`exec` strings,
    /// `after` names, `flow` steps), spread out so that each comment keeps its
    /// place: the keyword and the first part on one line, each other part on
    /// a line of its own one level deeper. `parts` are the texts and source
    /// ranges; the first line's range starts at `start`, the keyword.
    fn spread(&mut self, indent: usize, keyword: &str, start: usize, parts: Vec<(String, Span)>) {
        for (n, (text, span)) in parts.into_iter().enumerate() {
            let (part_start, end) = range(span);
            if n == 0 {
                self.push(indent, format!("{keyword} {text}"), start, end);
            } else {
                self.push(indent + 1, text, part_start, end);
            }
        }
    }

    /// `after a, b` and the like, spread: `a,` then `b` below it.
    fn spread_names(&mut self, indent: usize, keyword: &str, start: usize, names: &[Name]) {
        let last = names.len().saturating_sub(1);
        let parts = names
            .iter()
            .enumerate()
            .map(|(n, name)| {
                let comma = if n < last { "," } else { "" };
                (format!("{}{comma}", name.text), name.span)
            })
            .collect();
        self.spread(indent, keyword, start, parts);
    }

    /// `requires A, B wait 2h` spread: the wait stays after the last state.
    fn spread_requires(&mut self, indent: usize, start: usize, r: &Requires) {
        let last = r.states.len().saturating_sub(1);
        let parts = r
            .states
            .iter()
            .enumerate()
            .map(|(n, name)| {
                let text = match (&r.wait, n < last) {
                    (_, true) => format!("{},", name.text),
                    (Some(wait), false) => {
                        format!("{} wait {}", name.text, literal::duration(wait.node))
                    }
                    (None, false) => name.text.clone(),
                };
                let span = match (&r.wait, n < last) {
                    (Some(wait), false) => Span {
                        end: wait.span.end,
                        ..name.span
                    },
                    _ => name.span,
                };
                (text, span)
            })
            .collect();
        self.spread(indent, "requires", start, parts);
    }

    fn spread_strings(
        &mut self,
        indent: usize,
        keyword: &str,
        start: usize,
        strings: &[Spanned<String>],
    ) {
        let parts = strings
            .iter()
            .map(|s| (literal::string(&s.node), s.span))
            .collect();
        self.spread(indent, keyword, start, parts);
    }

    /// `flow a -> b`, spread: `flow a` then `-> b` below it.
    fn spread_flow(&mut self, indent: usize, start: usize, steps: &[Spanned<Vec<Name>>]) {
        let parts = steps
            .iter()
            .enumerate()
            .map(|(n, step)| {
                let arrow = if n == 0 { "" } else { "-> " };
                (
                    format!("{arrow}{}", settings::flow_step(&step.node)),
                    step.span,
                )
            })
            .collect();
        self.spread(indent, "flow", start, parts);
    }

    fn handler(&mut self, h: &Handler) {
        let (text, brace) = header(self, "handler", &h.name, None);
        let (start, end) = range(h.span);
        let inline: Vec<String> = h
            .settings
            .iter()
            .map(|s| handler_setting(&s.node))
            .collect();
        if self.block_on_one_line(0, &text, (start, end), &inline) {
            return;
        }
        self.block(0, text, (start, brace, end), &h.settings, |p, indent, s| {
            let (start, end) = range(s.span);
            match &s.node {
                HandlerSetting::Builtin {
                    name,
                    arg: Some(arg),
                } => {
                    p.value(indent, &format!("builtin {} ", name.text), start, arg, "");
                }
                HandlerSetting::Returns(shape) => p.shape(indent, "returns ", start, shape, ""),
                HandlerSetting::Env(entries) => p.env(indent, (start, end), entries),
                HandlerSetting::Exec(args) if p.has_comments(start, end) => {
                    p.spread_strings(indent, "exec", start, args);
                }
                other => p.push(indent, handler_setting(other), start, end),
            }
            false
        });
    }

    /// Like a handler: on one line by the one-line rule, else one target a line.
    fn notifier(&mut self, n: &Notifier) {
        let (text, brace) = header(self, "notifier", &n.name, None);
        let (start, end) = range(n.span);
        let inline: Vec<String> = n.targets.iter().map(|t| notifier_target(&t.node)).collect();
        if self.block_on_one_line(0, &text, (start, end), &inline) {
            return;
        }
        self.block(0, text, (start, brace, end), &n.targets, |p, indent, t| {
            let (start, end) = range(t.span);
            match &t.node {
                NotifierTarget::Exec(argv) if p.has_comments(start, end) => {
                    p.spread_strings(indent, "exec", start, argv);
                }
                other => p.push(indent, notifier_target(other), start, end),
            }
            false
        });
    }

    /// Like a notifier: on one line by the one-line rule, else one setting a line.
    fn executor(&mut self, e: &Executor) {
        let (text, brace) = header(self, "executor", &e.name, None);
        let (start, end) = range(e.span);
        let inline: Vec<String> = e
            .settings
            .iter()
            .map(|s| executor_setting(&s.node))
            .collect();
        if self.block_on_one_line(0, &text, (start, end), &inline) {
            return;
        }
        self.block(0, text, (start, brace, end), &e.settings, |p, indent, s| {
            let (start, end) = range(s.span);
            p.push(indent, executor_setting(&s.node), start, end);
            false
        });
    }

    fn days(&mut self, d: &Days) {
        let (start, end) = range(d.span);
        let head = format!("days {} = dates ", d.name.text);
        match &d.source {
            DaysSource::File(path) => self.push(
                0,
                format!("{head}{}", literal::string(&path.node)),
                start,
                end,
            ),
            DaysSource::List(dates) => {
                let texts: Vec<String> = dates.iter().map(|d| literal::date(d.node)).collect();
                let inline = format!("{head}[{}]", texts.join(", "));
                if self.one_line(0, &inline, (start, end)) {
                    self.push(0, inline, start, end);
                    return;
                }
                let bracket = self.find(d.name.span.end as usize, b'[');
                self.open(0, format!("{head}["), start, bracket + 1);
                self.fill_dates(dates);
                self.close(0, "]".to_string(), end);
            }
        }
    }

    /// Dates spread out fill their lines, as many as fit in 100 columns; a
    /// line ends early where a comment sits between two dates, so that the
    /// comment keeps its place.
    fn fill_dates(&mut self, dates: &[Spanned<chrono::NaiveDate>]) {
        let mut line: Option<(String, usize, usize)> = None;
        for date in dates {
            let (start, end) = range(date.span);
            let text = format!("{},", literal::date(date.node));
            if let Some((current, first, last)) = line.take() {
                let joined = format!("{current} {text}");
                if self.has_comments(last, start) || !self.fits(1, &joined) {
                    self.push_element(1, current, first, last);
                    line = Some((text, start, end));
                } else {
                    line = Some((joined, first, end));
                }
            } else {
                line = Some((text, start, end));
            }
        }
        if let Some((current, first, last)) = line {
            self.push_element(1, current, first, last);
        }
    }

    fn pipeline(&mut self, pipeline: &Pipeline) {
        let (text, brace) = header(self, "pipeline", &pipeline.name, pipeline.title.as_ref());
        let (start, end) = range(pipeline.span);
        self.block(
            0,
            text,
            (start, brace, end),
            &pipeline.settings,
            |p, indent, s| p.pipeline_setting(indent, &s.node, s.span),
        );
    }

    /// A setting of a pipeline or a template; answers whether it is a block.
    pub(super) fn pipeline_setting(
        &mut self,
        indent: usize,
        setting: &PipelineSetting,
        span: Span,
    ) -> bool {
        let (start, end) = range(span);
        match setting {
            PipelineSetting::Stage(stage) => self.stage(indent, stage),
            PipelineSetting::Trigger(trigger) => self.trigger(indent, trigger),
            PipelineSetting::Source(source) => self.source(indent, source),
            PipelineSetting::Notify(n) if self.has_comments(start, end) => {
                let keyword = format!("notify {} on", n.notifier.text);
                self.spread_names(indent, &keyword, start, &n.events);
                return false;
            }
            other => {
                if let Some(piece) = settings::pipeline(other) {
                    self.piece(indent, span, &piece);
                }
                return false;
            }
        }
        true
    }

    fn stage(&mut self, indent: usize, stage: &Stage) {
        let (text, brace) = header(self, "stage", &stage.name, stage.title.as_ref());
        let (start, end) = range(stage.span);
        self.block(
            indent,
            text,
            (start, brace, end),
            &stage.settings,
            |p, indent, s| {
                let (start, end) = range(s.span);
                match &s.node {
                    StageSetting::Task(task) => p.task(indent, task),
                    StageSetting::Gate(gate) => p.gate(indent, gate),
                    StageSetting::Flow(steps) if p.has_comments(start, end) => {
                        p.spread_flow(indent, start, steps);
                        return false;
                    }
                    StageSetting::Requires(r) if p.has_comments(start, end) => {
                        p.spread_requires(indent, start, r);
                        return false;
                    }
                    other => {
                        if let Some(piece) = settings::stage(other) {
                            p.piece(indent, s.span, &piece);
                        }
                        return false;
                    }
                }
                true
            },
        );
    }

    fn task(&mut self, indent: usize, task: &Task) {
        let (start, end) = range(task.span);
        let head = format!("task {}", task.name.text);
        let Some(task_settings) = &task.settings else {
            // `task x` with no body stays bodyless.
            self.push(indent, head, start, end);
            return;
        };
        let pieces: Vec<Piece> = task_settings
            .iter()
            .map(|s| settings::task(&s.node))
            .collect();
        let inline: Vec<String> = pieces.iter().map(Piece::inline).collect();
        if self.block_on_one_line(indent, &head, (start, end), &inline) {
            return;
        }
        let brace = self.find(task.name.span.end as usize, b'{');
        let settings: Vec<(&Spanned<TaskSetting>, Piece)> =
            task_settings.iter().zip(pieces).collect();
        self.block(
            indent,
            head,
            (start, brace, end),
            &settings,
            |p, indent, (setting, piece)| {
                let (start, end) = range(setting.span);
                match &setting.node {
                    _ if !p.has_comments(start, end) => p.piece(indent, setting.span, piece),
                    TaskSetting::Args(args) => p.spread_strings(indent, "args", start, args),
                    TaskSetting::After(names) => p.spread_names(indent, "after", start, names),
                    TaskSetting::Joins(names) => p.spread_names(indent, "joins", start, names),
                    TaskSetting::Reads(names) => p.spread_names(indent, "reads", start, names),
                    TaskSetting::Produces(names) => {
                        p.spread_names(indent, "produces", start, names);
                    }
                    TaskSetting::Requires(r) => p.spread_requires(indent, start, r),
                    _ => p.piece(indent, setting.span, piece),
                }
                false
            },
        );
    }

    fn trigger(&mut self, indent: usize, trigger: &Trigger) {
        let (start, end) = range(trigger.span);
        let head = format!("trigger {}", trigger.name.text);
        let texts: Vec<String> = trigger
            .settings
            .iter()
            .map(|s| settings::trigger(&s.node))
            .collect();
        self.simple_block(
            indent,
            &head,
            (start, end),
            &trigger.name,
            trigger.settings.iter().map(|s| s.span),
            texts,
        );
    }

    fn source(&mut self, indent: usize, source: &Source) {
        let (start, end) = range(source.span);
        let head = format!("source {}", source.name.text);
        let texts: Vec<String> = source
            .settings
            .iter()
            .map(|s| settings::source(&s.node))
            .collect();
        self.simple_block(
            indent,
            &head,
            (start, end),
            &source.name,
            source.settings.iter().map(|s| s.span),
            texts,
        );
    }

    /// A block whose settings are all one-line text: on one line if it fits.
    fn simple_block(
        &mut self,
        indent: usize,
        head: &str,
        (start, end): (usize, usize),
        name: &Name,
        spans: impl Iterator<Item = Span>,
        texts: Vec<String>,
    ) {
        if self.block_on_one_line(indent, head, (start, end), &texts) {
            return;
        }
        let brace = self.find(name.span.end as usize, b'{');
        let lines: Vec<(Span, String)> = spans.zip(texts).collect();
        self.block(
            indent,
            head.to_string(),
            (start, brace, end),
            &lines,
            |p, indent, (span, text)| {
                let (start, end) = range(*span);
                p.push(indent, text.clone(), start, end);
                false
            },
        );
    }

    /// `gate name "what" { expr }` on one line by the rule of
    /// [`Printer::one_line`]; otherwise the expression on its own line, and an
    /// `and`/`or` chain that cannot stay on one line broken before each operator.
    fn gate(&mut self, indent: usize, gate: &Gate) {
        let (start, end) = range(gate.span);
        let (head, brace) = header(self, "gate", &gate.name, gate.description.as_ref());
        let one_line = expr::expr(&gate.expr);
        let inline = format!("{head} {{ {one_line} }}");
        if self.one_line(indent, &inline, (start, end)) {
            self.push(indent, inline, start, end);
            return;
        }
        self.open(indent, format!("{head} {{"), start, brace + 1);
        let (expr_start, expr_end) = range(gate.expr.span);
        let keep = self.one_line(indent + 1, &one_line, (expr_start, expr_end));
        let split_inner = |operand: &Expr, text: &str, depth: usize| {
            let (start, end) = range(operand.span);
            self.has_comments(start, end) || !self.fits(indent + 1 + depth, text)
        };
        let pieces = if keep {
            None
        } else {
            expr::chain(&gate.expr, &split_inner)
        };
        match pieces {
            Some(pieces) => {
                for (text, operand, depth) in pieces {
                    let (start, end) = range(operand.span);
                    self.push(indent + 1 + depth, text, start, end);
                }
            }
            None => self.push(indent + 1, one_line, expr_start, expr_end),
        }
        self.close(indent, "}".to_string(), end);
    }
}
