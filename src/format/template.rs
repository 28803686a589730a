//! Templates and their instances.

use super::items::{header, range};
use super::literal;
use super::printer::Printer;
use crate::span::Span;
use crate::syntax::ast::*;

/// An argument's value as written.
fn arg_value(value: &ArgValue) -> String {
    match value {
        ArgValue::Word(word) => word.clone(),
        ArgValue::Text(text) => literal::string(text),
        ArgValue::Duration(d) => literal::duration(*d),
        ArgValue::Number(n) => n.to_string(),
    }
}

impl Printer<'_> {
    /// Like a pipeline, with its parameters after the name.
    pub(super) fn template(&mut self, t: &Template) {
        let params: Vec<&str> = t.params.iter().map(|p| p.text.as_str()).collect();
        let name = Name {
            text: format!("{}({})", t.name.text, params.join(", ")),
            span: Span {
                end: t.params.last().map_or(t.name.span.end, |p| p.span.end),
                ..t.name.span
            },
        };
        let (text, _) = header(self, "template", &name, t.title.as_ref());
        let after_header = t
            .title
            .as_ref()
            .map_or(name.span.end, |title| title.span.end);
        let brace = self.find(after_header as usize, b'{');
        let (start, end) = range(t.span);
        self.block(
            0,
            text,
            (start, brace, end),
            &t.settings,
            |p, indent, s| match &s.node {
                TemplateSetting::Pipeline(setting) => p.pipeline_setting(indent, setting, s.span),
                TemplateSetting::Param(ParamSetting { place, param }) => {
                    let (start, end) = range(s.span);
                    p.push(
                        indent,
                        format!("{} ${}", place.keyword(), param.text),
                        start,
                        end,
                    );
                    false
                }
            },
        );
    }

    /// `pipeline name = template(a: 1, b: "x")` on one line by the one-line
    /// rule; otherwise one argument a line.
    pub(super) fn instance(&mut self, i: &Instance) {
        let (start, end) = range(i.span);
        let head = format!("pipeline {} = {}(", i.name.text, i.template.text);
        let args: Vec<String> = i
            .args
            .iter()
            .map(|a| format!("{}: {}", a.name.text, arg_value(&a.value.node)))
            .collect();
        let inline = format!("{head}{})", args.join(", "));
        if i.args.is_empty() || self.one_line(0, &inline, (start, end)) {
            self.push(0, inline, start, end);
            return;
        }
        let paren = self.find(i.template.span.end as usize, b'(');
        self.open(0, head, start, paren + 1);
        for (arg, text) in i.args.iter().zip(args) {
            let (arg_start, arg_end) = (arg.name.span.start as usize, arg.value.span.end as usize);
            self.push_element(1, format!("{text},"), arg_start, arg_end);
        }
        self.close(0, ")".to_string(), end);
    }
}
