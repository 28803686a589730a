//! Which instance a diagnostic found in a template's text comes from.
//!
//! An instance's nodes keep the spans of the template's text, so a mistake
//! there is reported at the template; a second label, at the instance's
//! name, says which instance it was found in. A mistake that does not depend
//! on the arguments is found once per instance with the same words and
//! places: those are reported once, with a label at each instance.

use super::Instantiated;
use crate::diagnostic::{Diagnostic, Diagnostics, Label};
use crate::span::Span;

fn within(span: Span, outer: Span) -> bool {
    span.file == outer.file && span.start >= outer.start && span.end <= outer.end
}

fn label(made: &Instantiated) -> Label {
    Label {
        span: made.pipeline.name.span,
        message: format!(
            "in instance `{}` of template `{}`",
            made.pipeline.name.text, made.template
        ),
    }
}

fn is_instance_label(l: &Label, all: &[Instantiated]) -> bool {
    all.iter().any(|m| m.pipeline.name.span == l.span) && l.message.starts_with("in instance `")
}

/// Labels each diagnostic pushed since `start` (while the instance `made`
/// was checked) whose primary label lies in its template's text.
pub(crate) fn tag(diagnostics: &mut Diagnostics, start: usize, made: &Instantiated) {
    for d in diagnostics.since_mut(start) {
        if d.primary_span()
            .is_some_and(|s| within(s, made.template_span))
        {
            attribute(d, made);
        }
    }
}

/// Labels a diagnostic in a template's text with the instance it was found
/// in. It is about the template's text: where it says "pipeline
/// `market_us`" it says "template `market_dag`", so that every instance
/// finds it in the same words.
fn attribute(d: &mut Diagnostic, made: &Instantiated) {
    let instance = format!("pipeline `{}`", made.pipeline.name.text);
    let template = format!("template `{}`", made.template);
    let about_template = |text: &mut String| {
        if text.contains(&instance) {
            *text = text.replace(&instance, &template);
        }
    };
    about_template(&mut d.message);
    for l in &mut d.labels {
        about_template(&mut l.message);
    }
    if let Some(help) = &mut d.help {
        about_template(help);
    }
    d.labels.push(label(made));
}

/// Names the instances of diagnostics in a template's text that program-wide
/// passes found (by the instance's name in the message), then reports each
/// group of diagnostics that differ only in their instance once.
pub(crate) fn merge(diagnostics: &mut Diagnostics, made: &[Instantiated]) {
    if made.is_empty() {
        return;
    }
    let items = diagnostics.items_mut();
    for d in items.iter_mut() {
        let Some(primary) = d.primary_span() else {
            continue;
        };
        if d.labels.iter().any(|l| is_instance_label(l, made)) {
            continue;
        }
        for m in made {
            let named = format!("`{}`", m.pipeline.name.text);
            if within(primary, m.template_span) && d.message.contains(&named) {
                attribute(d, m);
            }
        }
    }
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(items.len());
    for d in items.drain(..) {
        let (instances, own): (Vec<Label>, Vec<Label>) = d
            .labels
            .iter()
            .cloned()
            .partition(|l| is_instance_label(l, made));
        let same = kept.iter_mut().find(|k| {
            !instances.is_empty()
                && k.code == d.code
                && k.message == d.message
                && k.help == d.help
                && k.labels
                    .iter()
                    .filter(|l| !is_instance_label(l, made))
                    .eq(own.iter())
        });
        match same {
            Some(k) => {
                for l in instances {
                    if !k.labels.contains(&l) {
                        k.labels.push(l);
                    }
                }
            }
            None => kept.push(d),
        }
    }
    *items = kept;
}
