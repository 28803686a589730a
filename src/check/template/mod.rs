//! Templates: each checked once, then made into one pipeline per instance.
//!
//! A template is a pipeline's body with parameters. What does not depend on
//! the arguments is judged here, once per template (a parameter used but not
//! declared, one declared but never used, a template nobody instantiates);
//! each instance's arguments are judged against the places their parameters
//! take. Each instance then becomes a plain `ast::Pipeline` (the instance's
//! name, the template's settings with the arguments in place) that the rest of
//! the checker lowers like any other. Its nodes keep the template's spans, so a
//! mistake in the template's text is reported there; `attribute.rs` names the
//! instance it was found in, and reports a mistake every instance shares once.

pub(crate) mod attribute;
mod strings;

use super::declare::duplicate;
use super::suggest::did_you_mean;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::loader::Loaded;
use crate::span::{FileId, Span};
use crate::syntax::ast::{
    self, ArgValue, Argument, CalendarRef, Instance, ParamPlace, PipelineSetting, Spanned,
    Template, TemplateSetting,
};
use std::collections::HashMap;
use strings::Piece;

/// A pipeline made from a template.
pub(crate) struct Instantiated {
    pub pipeline: ast::Pipeline,
    /// The template's file: its body's paths are read from there.
    pub file: FileId,
    pub template: String,
    /// The template's whole text: a diagnostic there came from its body.
    pub template_span: Span,
}

/// Where a parameter is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Setting(ParamPlace),
    /// Inside a string, as `${name}`.
    Text,
}

impl Place {
    /// What the place takes, in words.
    fn wants(self) -> &'static str {
        match self {
            Place::Setting(ParamPlace::Calendar) => {
                "a calendar code such as `XNYS`, or a calendar file's path as a string"
            }
            Place::Setting(ParamPlace::Timezone) => "a time zone such as `America/New_York`",
            Place::Setting(ParamPlace::Concurrency) => "a whole number",
            Place::Setting(
                ParamPlace::Timeout
                | ParamPlace::RunTimeout
                | ParamPlace::PreOpen
                | ParamPlace::PostClose,
            ) => "a duration such as `30s`",
            Place::Text => "any value",
        }
    }

    fn accepts(self, value: &ArgValue) -> bool {
        match self {
            Place::Setting(ParamPlace::Calendar) => {
                matches!(value, ArgValue::Word(_) | ArgValue::Text(_))
            }
            Place::Setting(ParamPlace::Timezone) => matches!(value, ArgValue::Word(_)),
            Place::Setting(ParamPlace::Concurrency) => matches!(value, ArgValue::Number(_)),
            Place::Setting(
                ParamPlace::Timeout
                | ParamPlace::RunTimeout
                | ParamPlace::PreOpen
                | ParamPlace::PostClose,
            ) => matches!(value, ArgValue::Duration(_)),
            Place::Text => true,
        }
    }

    fn describe(self) -> String {
        match self {
            Place::Setting(place) => format!("the value of `{}`", place.keyword()),
            Place::Text => "text inside a string".to_string(),
        }
    }
}

/// One use of a parameter in a template's body.
struct Use {
    param: String,
    place: Place,
    span: Span,
}

/// A declared template, with what its body uses.
struct Declared<'a> {
    template: &'a Template,
    file: FileId,
    uses: Vec<Use>,
    instances: usize,
}

/// Checks every template and instance of the loaded files and makes each
/// instance a pipeline. An instance of an unknown template makes none.
pub(crate) fn expand(loaded: &Loaded, diagnostics: &mut Diagnostics) -> Vec<Instantiated> {
    let mut templates: Vec<Declared> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (file, ast) in &loaded.files {
        for item in &ast.items {
            if let ast::Item::Template(template) = item {
                let name = template.name.text.as_str();
                if let Some(&first) = index.get(name) {
                    let first = templates[first].template.name.span;
                    diagnostics.push(duplicate("template", &template.name, first));
                    continue;
                }
                index.insert(name, templates.len());
                templates.push(Declared {
                    template,
                    file: *file,
                    uses: check_template(template, diagnostics),
                    instances: 0,
                });
            }
        }
    }
    let mut made = Vec::new();
    for (_, ast) in &loaded.files {
        for item in &ast.items {
            let ast::Item::Instance(instance) = item else {
                continue;
            };
            let Some(&at) = index.get(instance.template.text.as_str()) else {
                diagnostics.push(unknown_template(instance, &index));
                continue;
            };
            let declared = &mut templates[at];
            declared.instances += 1;
            let args = check_arguments(instance, declared, diagnostics);
            made.push(Instantiated {
                pipeline: instantiate(declared.template, instance, &args),
                file: declared.file,
                template: declared.template.name.text.clone(),
                template_span: declared.template.span,
            });
        }
    }
    warn_uninstantiated(loaded, &templates, diagnostics);
    made
}

/// The uses of a template's parameters; reports a parameter declared twice,
/// one used but not declared, and one declared but never used.
fn check_template(template: &Template, diagnostics: &mut Diagnostics) -> Vec<Use> {
    let mut declared: HashMap<&str, Span> = HashMap::new();
    for param in &template.params {
        if let Some(&first) = declared.get(param.text.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownParameter,
                    format!("the parameter `{}` is declared twice", param.text),
                )
                .label(param.span, "declared again here")
                .label(first, "first declared here")
                .help("remove one, or rename it if two values were meant"),
            );
        } else {
            declared.insert(&param.text, param.span);
        }
    }
    let uses = uses(template);
    for u in &uses {
        if !declared.contains_key(u.param.as_str()) {
            let names = template.params.iter().map(|p| p.text.as_str());
            let mut diagnostic = Diagnostic::new(
                Code::UnknownParameter,
                format!(
                    "`{}` is not a parameter of the template `{}`",
                    u.param, template.name.text
                ),
            )
            .label(u.span, "used here");
            diagnostic = match did_you_mean(&u.param, names) {
                Some(help) => diagnostic.help(help),
                None => diagnostic.help(format!(
                    "declare it: `template {}({})`",
                    template.name.text, u.param
                )),
            };
            diagnostics.push(diagnostic);
        }
    }
    for param in &template.params {
        if !uses.iter().any(|u| u.param == param.text) {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnusedParameter,
                    format!(
                        "the parameter `{}` of the template `{}` is never used",
                        param.text, template.name.text
                    ),
                )
                .label(param.span, "declared here")
                .help(format!(
                    "use it as `${}` or `${{{}}}` in a string, or remove it",
                    param.text, param.text
                )),
            );
        }
    }
    uses
}

/// Every `$name` of a template's settings and `${name}` of its strings, in order.
fn uses(template: &Template) -> Vec<Use> {
    let mut uses = Vec::new();
    if let Some(title) = &template.title {
        text_uses(title, &mut uses);
    }
    for setting in &template.settings {
        match &setting.node {
            TemplateSetting::Pipeline(s) => {
                // The walk visits strings to change them; this one only reads.
                let mut s = s.clone();
                strings::each_string(&mut s, &mut |text| text_uses(text, &mut uses));
            }
            TemplateSetting::Param(p) => uses.push(Use {
                param: p.param.text.clone(),
                place: Place::Setting(p.place),
                span: p.param.span,
            }),
        }
    }
    uses
}

fn text_uses(text: &Spanned<String>, uses: &mut Vec<Use>) {
    for piece in strings::pieces(&text.node) {
        if let Piece::Param(param) = piece {
            uses.push(Use {
                param: param.to_string(),
                place: Place::Text,
                span: text.span,
            });
        }
    }
}

/// The instance's arguments by parameter, those that fit every place their
/// parameter is used in; reports an argument given twice or naming no
/// parameter, a missing one, and one of the wrong kind.
fn check_arguments<'i>(
    instance: &'i Instance,
    declared: &Declared,
    diagnostics: &mut Diagnostics,
) -> HashMap<&'i str, &'i Argument> {
    let template = declared.template;
    let mut args: HashMap<&str, &Argument> = HashMap::new();
    // Parameters a misspelt argument meant (`calender:` for `calendar`): the
    // misspelling is reported, not also the parameter as missing.
    let mut meant: Vec<&str> = Vec::new();
    for arg in &instance.args {
        let name = arg.name.text.as_str();
        if let Some(first) = args.get(name) {
            diagnostics.push(
                Diagnostic::new(
                    Code::BadArguments,
                    format!("the argument `{name}` is given twice"),
                )
                .label(arg.name.span, "given again here")
                .label(first.name.span, "first given here")
                .help("keep one; each parameter takes one argument"),
            );
        } else if !template.params.iter().any(|p| p.text == name) {
            let names = template.params.iter().map(|p| p.text.as_str());
            let mut diagnostic = Diagnostic::new(
                Code::BadArguments,
                format!(
                    "the template `{}` has no parameter `{name}`",
                    template.name.text
                ),
            )
            .label(arg.name.span, "no such parameter")
            .label(template.name.span, "the template");
            if let Some(help) = did_you_mean(name, names.clone()) {
                diagnostic = diagnostic.help(help);
            }
            meant.extend(crate::check::suggest::nearest(name, names));
            diagnostics.push(diagnostic);
        } else {
            args.insert(name, arg);
        }
    }
    for param in &template.params {
        if !args.contains_key(param.text.as_str()) && !meant.contains(&param.text.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::BadArguments,
                    format!(
                        "the instance `{}` gives no argument for the parameter `{}`",
                        instance.name.text, param.text
                    ),
                )
                .label(instance.template.span, "missing an argument")
                .label(param.span, "the parameter")
                .help(format!("add `{}: VALUE` to the arguments", param.text)),
            );
        }
    }
    let mut wrong = Vec::new();
    for u in &declared.uses {
        let Some(arg) = args.get(u.param.as_str()) else {
            continue;
        };
        if !u.place.accepts(&arg.value.node) && !wrong.contains(&u.param.as_str()) {
            wrong.push(u.param.as_str());
            diagnostics.push(
                Diagnostic::new(
                    Code::ArgumentKind,
                    format!(
                        "the argument `{}` is {}, but the template uses it where {} is wanted",
                        u.param,
                        kind(&arg.value.node),
                        u.place.wants()
                    ),
                )
                .label(arg.value.span, kind(&arg.value.node))
                .label(u.span, format!("used here as {}", u.place.describe()))
                .help(format!("pass {} for `{}`", u.place.wants(), u.param)),
            );
        }
    }
    args.retain(|name, _| !wrong.contains(name));
    args
}

fn kind(value: &ArgValue) -> &'static str {
    match value {
        ArgValue::Word(_) => "a word",
        ArgValue::Text(_) => "a string",
        ArgValue::Duration(_) => "a duration",
        ArgValue::Number(_) => "a whole number",
    }
}

/// The pipeline an instance makes: its name, the template's settings with
/// each argument in place. A setting whose argument is missing or of the
/// wrong kind (already reported) is left out; `${name}` without an argument
/// stays as written.
fn instantiate(
    template: &Template,
    instance: &Instance,
    args: &HashMap<&str, &Argument>,
) -> ast::Pipeline {
    let mut replace = |s: &mut Spanned<String>| {
        let pieces = strings::pieces(&s.node);
        if !pieces
            .iter()
            .any(|p| matches!(p, Piece::Param(_)) || *p == Piece::Text("${"))
        {
            return;
        }
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Param(name) => match args.get(name) {
                    Some(arg) => out.push_str(&as_text(&arg.value.node)),
                    None => {
                        out.push_str("${");
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
        s.node = out;
    };
    let mut title = template.title.clone();
    if let Some(title) = &mut title {
        replace(title);
    }
    let mut settings = Vec::with_capacity(template.settings.len());
    for setting in &template.settings {
        let node = match &setting.node {
            TemplateSetting::Pipeline(s) => {
                let mut s = s.clone();
                strings::each_string(&mut s, &mut replace);
                Some(s)
            }
            TemplateSetting::Param(p) => args
                .get(p.param.text.as_str())
                .and_then(|arg| substitute(p.place, &arg.value)),
        };
        if let Some(node) = node {
            settings.push(Spanned::new(node, setting.span));
        }
    }
    ast::Pipeline {
        name: instance.name.clone(),
        title,
        settings,
        span: template.span,
    }
}

/// An argument as text, inside a string.
fn as_text(value: &ArgValue) -> String {
    match value {
        ArgValue::Word(text) | ArgValue::Text(text) => text.clone(),
        ArgValue::Duration(d) => crate::syntax::format_duration(d.millis),
        ArgValue::Number(n) => n.to_string(),
    }
}

/// The setting `place` with the argument as its value, spanned at the
/// argument (a bad value, such as an unknown zone, is reported there).
fn substitute(place: ParamPlace, value: &Spanned<ArgValue>) -> Option<PipelineSetting> {
    let span = value.span;
    let name = |text: &str| ast::Name {
        text: text.to_string(),
        span,
    };
    Some(match (place, &value.node) {
        (ParamPlace::Calendar, ArgValue::Word(code)) => {
            PipelineSetting::Calendar(CalendarRef::Builtin(name(code)))
        }
        (ParamPlace::Calendar, ArgValue::Text(path)) => {
            PipelineSetting::Calendar(CalendarRef::File(Spanned::new(path.clone(), span)))
        }
        (ParamPlace::Timezone, ArgValue::Word(zone)) => PipelineSetting::Timezone(name(zone)),
        (ParamPlace::Concurrency, ArgValue::Number(n)) => {
            PipelineSetting::Concurrency(Spanned::new(*n, span))
        }
        (ParamPlace::Timeout, ArgValue::Duration(d)) => {
            PipelineSetting::Timeout(Spanned::new(*d, span))
        }
        (ParamPlace::RunTimeout, ArgValue::Duration(d)) => {
            PipelineSetting::RunTimeout(Spanned::new(*d, span))
        }
        (ParamPlace::PreOpen, ArgValue::Duration(d)) => {
            PipelineSetting::PreOpen(Spanned::new(*d, span))
        }
        (ParamPlace::PostClose, ArgValue::Duration(d)) => {
            PipelineSetting::PostClose(Spanned::new(*d, span))
        }
        _ => return None,
    })
}

fn unknown_template(instance: &Instance, index: &HashMap<&str, usize>) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        Code::UnknownTemplate,
        format!("no template is named `{}`", instance.template.text),
    )
    .label(instance.template.span, "not a declared template");
    diagnostic = match did_you_mean(&instance.template.text, index.keys().copied()) {
        Some(help) => diagnostic.help(help),
        None => diagnostic
            .help("declare it (`template NAME(PARAMS) { … }`) here or in an imported file"),
    };
    diagnostic
}

/// A template of the checked file that no instance uses. Files with no
/// pipeline or instance (libraries of templates) are exempt.
fn warn_uninstantiated(loaded: &Loaded, templates: &[Declared], diagnostics: &mut Diagnostics) {
    let root_has_pipelines = loaded.files.iter().any(|(file, ast)| {
        file.0 == 0
            && ast
                .items
                .iter()
                .any(|i| matches!(i, ast::Item::Pipeline(_) | ast::Item::Instance(_)))
    });
    if !root_has_pipelines {
        return;
    }
    for declared in templates {
        if declared.file.0 == 0 && declared.instances == 0 {
            let name = &declared.template.name;
            diagnostics.push(
                Diagnostic::new(
                    Code::UnusedTemplate,
                    format!("the template `{}` is never instantiated", name.text),
                )
                .label(name.span, "declared here")
                .help(format!(
                    "make a pipeline of it (`pipeline NAME = {}(…)`), or remove it",
                    name.text
                )),
            );
        }
    }
}
