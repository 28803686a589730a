//! Templates and their instances.

use super::{exact, next, Builder};
use crate::syntax::ast::*;
use crate::syntax::grammar::Rule;
use pest::iterators::Pair;

impl Builder {
    /// `template name(params) "Title"? { setting* }`.
    pub(super) fn template(&mut self, pair: Pair<Rule>) -> Template {
        let span = self.span(&pair);
        let mut name = None;
        let mut params = Vec::new();
        let mut title = None;
        let mut settings = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::name if name.is_none() => name = Some(self.name(p)),
                Rule::name => params.push(self.name(p)),
                Rule::string => title = Some(self.string(p)),
                _ => settings.push(self.spanned(p, Self::template_setting)),
            }
        }
        Template {
            name: name.unwrap_or_else(|| super::unreachable_name(self.file)),
            params,
            title,
            settings,
            span,
        }
    }

    fn template_setting(&mut self, pair: Pair<Rule>) -> TemplateSetting {
        if pair.as_rule() != Rule::param_setting {
            return TemplateSetting::Pipeline(self.pipeline_setting(pair));
        }
        let mut inner = pair.into_inner();
        let place = match next(&mut inner).as_str() {
            "calendar" => ParamPlace::Calendar,
            "timezone" => ParamPlace::Timezone,
            "concurrency" => ParamPlace::Concurrency,
            "timeout" => ParamPlace::Timeout,
            "run_timeout" => ParamPlace::RunTimeout,
            "pre_open" => ParamPlace::PreOpen,
            _ => ParamPlace::PostClose,
        };
        let param = next(&mut inner);
        let span = self.span(&param);
        let param = Name {
            text: param.as_str().trim_start_matches('$').to_string(),
            span,
        };
        TemplateSetting::Param(ParamSetting { place, param })
    }

    /// `pipeline name = template(arg: value, …)`.
    pub(super) fn instance(&mut self, pair: Pair<Rule>) -> Instance {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(next(&mut inner));
        let template = self.name(next(&mut inner));
        let args = exact(inner.map(|arg| {
            let mut parts = arg.into_inner();
            let name = self.name(next(&mut parts));
            let value = next(&mut parts);
            let value_span = self.span(&value);
            let value = match value.as_rule() {
                Rule::string => ArgValue::Text(self.string(value).node),
                Rule::duration => ArgValue::Duration(self.duration(value).node),
                Rule::integer => ArgValue::Number(self.integer(value).node),
                _ => ArgValue::Word(value.as_str().to_string()),
            };
            Argument {
                name,
                value: Spanned::new(value, value_span),
            }
        }));
        Instance {
            name,
            template,
            args,
            span,
        }
    }
}
