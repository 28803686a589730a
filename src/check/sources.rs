//! Data sources (`source`): their producer task and freshness thresholds.

use super::dependencies;
use super::seen::Seen;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{Age, Pipeline, Source};
use crate::syntax::ast::{self, SourceSetting};

pub(super) fn lower_source(
    decl: &ast::Source,
    pipeline: &Pipeline,
    diagnostics: &mut Diagnostics,
) -> Option<Source> {
    let mut seen = Seen::default();
    let (mut producer, mut green, mut yellow) = (None, None, None);
    for setting in &decl.settings {
        match &setting.node {
            SourceSetting::Producer(name) if seen.first("producer", setting.span, diagnostics) => {
                producer = dependencies::resolve_task(
                    name,
                    pipeline,
                    &dependencies::task_index(pipeline),
                    diagnostics,
                );
            }
            SourceSetting::Green(age) if seen.first("green", setting.span, diagnostics) => {
                green = Some(*age);
            }
            SourceSetting::Yellow(age) if seen.first("yellow", setting.span, diagnostics) => {
                yellow = Some(*age);
            }
            _ => {}
        }
    }
    let (Some(green), Some(yellow)) = (green, yellow) else {
        diagnostics.push(
            Diagnostic::new(
                Code::SourceWithoutProducer,
                format!(
                    "data source `{}` needs `green` and `yellow`",
                    decl.name.text
                ),
            )
            .label(decl.name.span, "declared here")
            .help("write e.g. `green 5m yellow 15m`: green under 5m, yellow under 15m, red beyond"),
        );
        return None;
    };
    if producer.is_none()
        && !decl
            .settings
            .iter()
            .any(|s| matches!(s.node, SourceSetting::Producer(_)))
    {
        diagnostics.push(
            Diagnostic::new(
                Code::SourceWithoutProducer,
                format!("data source `{}` has no producer", decl.name.text),
            )
            .label(decl.name.span, "declared here")
            .help("name the task that refreshes it: `producer fetch_prices`"),
        );
    }
    let green_age = lower_age(green.node);
    let yellow_age = lower_age(yellow.node);
    if !age_before(green_age, yellow_age) {
        diagnostics.push(
            Diagnostic::new(
                Code::DurationOutOfRange,
                "the yellow threshold must be longer than the green one",
            )
            .label(yellow.span, "not longer than green")
            .label(green.span, "green"),
        );
    }
    Some(Source {
        name: decl.name.text.clone(),
        producer: producer?,
        green: green_age,
        yellow: yellow_age,
        span: decl.name.span,
    })
}

fn lower_age(age: ast::Age) -> Age {
    match age {
        ast::Age::Wall(d) => Age::Millis(d.millis),
        ast::Age::Sessions(n) => Age::Sessions(u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

/// Whether `green` is a shorter threshold than `yellow`; mixed units are not compared.
fn age_before(green: Age, yellow: Age) -> bool {
    match (green, yellow) {
        (Age::Millis(g), Age::Millis(y)) => g < y,
        (Age::Sessions(g), Age::Sessions(y)) => g < y,
        (Age::Millis(_), Age::Sessions(_)) | (Age::Sessions(_), Age::Millis(_)) => true,
    }
}
