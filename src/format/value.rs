//! Values, shapes and `env` maps: on one line by the rule of
//! [`Printer::one_line`], otherwise one entry a line with a trailing comma.

use super::literal;
use super::printer::Printer;
use crate::syntax::ast::{EnvValue, Name, Prim, Shape, Spanned, Value};

pub(crate) fn value_inline(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => literal::float(*f),
        Value::String(s) => literal::string(s),
        Value::Duration(d) => literal::duration(*d),
        Value::List(items) => {
            let items: Vec<String> = items.iter().map(|i| value_inline(&i.node)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(fields) if fields.is_empty() => "{}".to_string(),
        Value::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}: {}", literal::key(k), value_inline(&v.node)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
    }
}

pub(crate) fn shape_inline(shape: &Shape) -> String {
    match shape {
        Shape::Prim(prim) => prim_name(*prim).to_string(),
        Shape::List(inner) => format!("[{}]", shape_inline(&inner.node)),
        Shape::Object(fields) if fields.is_empty() => "{}".to_string(),
        Shape::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}",
                        field_key(&f.key, f.optional),
                        shape_inline(&f.shape.node)
                    )
                })
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
    }
}

fn prim_name(prim: Prim) -> &'static str {
    match prim {
        Prim::String => "string",
        Prim::Int => "int",
        Prim::Float => "float",
        Prim::Bool => "bool",
        Prim::Timestamp => "timestamp",
        Prim::Any => "any",
    }
}

fn field_key(key: &Name, optional: bool) -> String {
    let mark = if optional { "?" } else { "" };
    format!("{}{mark}", literal::key(key))
}

pub(crate) fn env_inline(entries: &[(Name, EnvValue)]) -> String {
    if entries.is_empty() {
        return "env {}".to_string();
    }
    let entries: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{}: {}", literal::key(k), env_value(v)))
        .collect();
    format!("env {{ {} }}", entries.join(", "))
}

/// `"text"` or `secret "NAME"`.
pub(crate) fn env_value(v: &EnvValue) -> String {
    if v.secret {
        format!("secret {}", literal::string(&v.text.node))
    } else {
        literal::string(&v.text.node)
    }
}

impl Printer<'_> {
    /// `prefix VALUE suffix` starting a line at `indent`; the line's source
    /// range starts at `start`.
    pub(crate) fn value(
        &mut self,
        indent: usize,
        prefix: &str,
        start: usize,
        v: &Spanned<Value>,
        suffix: &str,
    ) {
        let (open, close) = match &v.node {
            Value::Object(_) => ("{", "}"),
            Value::List(_) => ("[", "]"),
            _ => ("", ""),
        };
        let inline = format!("{prefix}{}{suffix}", value_inline(&v.node));
        let end = v.span.end as usize;
        if open.is_empty() || self.one_line(indent, &inline, (v.span.start as usize, end)) {
            self.push(indent, inline, start, end);
            return;
        }
        self.open(
            indent,
            format!("{prefix}{open}"),
            start,
            v.span.start as usize + 1,
        );
        match &v.node {
            Value::Object(fields) => self.sequence(fields, |p, (key, value)| {
                let key_text = format!("{}: ", literal::key(key));
                p.value(indent + 1, &key_text, key.span.start as usize, value, ",");
                false
            }),
            Value::List(items) => self.sequence(items, |p, item| {
                p.value(indent + 1, "", item.span.start as usize, item, ",");
                false
            }),
            _ => {}
        }
        self.close(indent, format!("{close}{suffix}"), end);
    }

    /// `prefix SHAPE suffix`, like [`Printer::value`]. A list of objects
    /// opens as `[{` and closes as `}]`.
    pub(crate) fn shape(
        &mut self,
        indent: usize,
        prefix: &str,
        start: usize,
        shape: &Spanned<Shape>,
        suffix: &str,
    ) {
        let inline = format!("{prefix}{}{suffix}", shape_inline(&shape.node));
        let (shape_start, end) = (shape.span.start as usize, shape.span.end as usize);
        let breakable = !matches!(shape.node, Shape::Prim(_));
        if !breakable || self.one_line(indent, &inline, (shape_start, end)) {
            self.push(indent, inline, start, end);
            return;
        }
        match &shape.node {
            Shape::List(inner) => self.shape(
                indent,
                &format!("{prefix}["),
                start,
                inner,
                &format!("]{suffix}"),
            ),
            Shape::Object(fields) => {
                self.open(indent, format!("{prefix}{{"), start, shape_start + 1);
                self.sequence(fields, |p, field| {
                    let key = format!("{}: ", field_key(&field.key, field.optional));
                    p.shape(
                        indent + 1,
                        &key,
                        field.key.span.start as usize,
                        &field.shape,
                        ",",
                    );
                    false
                });
                self.close(indent, format!("}}{suffix}"), end);
            }
            Shape::Prim(_) => {}
        }
    }

    /// `env { KEY: "value", … }`; `start..end` is the whole setting.
    pub(crate) fn env(
        &mut self,
        indent: usize,
        (start, end): (usize, usize),
        entries: &[(Name, EnvValue)],
    ) {
        let inline = env_inline(entries);
        if self.one_line(indent, &inline, (start, end)) {
            self.push(indent, inline, start, end);
            return;
        }
        let brace = self.find(start, b'{');
        self.open(indent, "env {".to_string(), start, brace + 1);
        self.sequence(entries, |p, (key, value)| {
            let text = format!("{}: {},", literal::key(key), env_value(value));
            p.push(
                indent + 1,
                text,
                key.span.start as usize,
                value.span.end as usize,
            );
            false
        });
        self.close(indent, "}".to_string(), end);
    }
}
