//! Names, keys, literals, values and `returns` shapes.

use super::{exact, first, next, Builder};
use crate::diagnostic::Code;
use crate::syntax::ast::*;
use crate::syntax::grammar::Rule;
use crate::syntax::literal;
use pest::iterators::Pair;

impl Builder {
    pub(super) fn name(&mut self, pair: Pair<Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    /// An object key: a bare name or a quoted string.
    pub(super) fn key(&mut self, pair: Pair<Rule>) -> Name {
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

    pub(super) fn names<'i>(
        &mut self,
        pairs: impl ExactSizeIterator<Item = Pair<'i, Rule>>,
    ) -> Vec<Name> {
        exact(pairs.map(|p| self.name(p)))
    }

    pub(super) fn string(&mut self, pair: Pair<Rule>) -> Spanned<String> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().map_or("", |p| p.as_str());
        let text = literal::string(inner).unwrap_or_else(|message| {
            self.literal_error(
                Code::Syntax,
                span,
                message,
                "the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash",
            );
            String::new()
        });
        Spanned::new(text, span)
    }

    pub(super) fn integer(&mut self, pair: Pair<Rule>) -> Spanned<u64> {
        let span = self.span(&pair);
        let n = literal::integer(pair.as_str()).unwrap_or_else(|message| {
            self.literal_error(
                Code::Syntax,
                span,
                message,
                "write a whole number from 0 to 18446744073709551615",
            );
            0
        });
        Spanned::new(n, span)
    }

    /// `max_failures`: a count (`2`) or a percentage of the instances (`10%`).
    pub(super) fn tolerance(&mut self, pair: Pair<Rule>) -> Spanned<Tolerance> {
        let percent = pair.as_rule() == Rule::percent;
        let span = self.span(&pair);
        let digits = pair.as_str().trim_end_matches('%');
        let n = literal::integer(digits).unwrap_or_else(|message| {
            self.literal_error(
                Code::Syntax,
                span,
                message,
                "write a whole number from 0 to 18446744073709551615",
            );
            0
        });
        let tolerance = if percent {
            Tolerance::Percent(n)
        } else {
            Tolerance::Count(n)
        };
        Spanned::new(tolerance, span)
    }

    pub(super) fn signed(&mut self, pair: &Pair<Rule>) -> i64 {
        let span = self.span(pair);
        pair.as_str().parse().unwrap_or_else(|_| {
            self.literal_error(
                Code::Syntax,
                span,
                format!("`{}` is too large a number", pair.as_str()),
                "write a number from -9223372036854775808 to 9223372036854775807",
            );
            0
        })
    }

    pub(super) fn float(&mut self, pair: &Pair<Rule>) -> f64 {
        // The grammar admits only digits, a point and digits, which always parse.
        pair.as_str().parse().unwrap_or(0.0)
    }

    pub(super) fn duration(&mut self, pair: Pair<Rule>) -> Spanned<Duration> {
        let span = self.span(&pair);
        let d = literal::duration(pair.as_str()).unwrap_or_else(|message| {
            self.literal_error(
                Code::DurationOutOfRange,
                span,
                message,
                "write a shorter duration, such as `30s`, `15m` or `2h`",
            );
            Duration { millis: 0 }
        });
        Spanned::new(d, span)
    }

    pub(super) fn time(&mut self, pair: Pair<Rule>) -> Spanned<chrono::NaiveTime> {
        let span = self.span(&pair);
        let t = literal::time_of_day(pair.as_str()).unwrap_or_else(|message| {
            self.literal_error(
                Code::TimeOutOfRange,
                span,
                message,
                "times of day run from 00:00 to 23:59:59; midnight is `00:00`, and a time after it is written `00:30`",
            );
            chrono::NaiveTime::MIN
        });
        Spanned::new(t, span)
    }

    pub(super) fn date(&mut self, pair: Pair<Rule>) -> Spanned<chrono::NaiveDate> {
        let span = self.span(&pair);
        let d = literal::date(pair.as_str()).unwrap_or_else(|message| {
            self.literal_error(
                Code::TimeOutOfRange,
                span,
                message,
                "a date is YYYY-MM-DD with a month from 01 to 12 and a day that month has",
            );
            chrono::NaiveDate::MIN
        });
        Spanned::new(d, span)
    }

    pub(super) fn shape(&mut self, pair: Pair<Rule>) -> Spanned<Shape> {
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

    pub(super) fn value(&mut self, pair: Pair<Rule>) -> Spanned<Value> {
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
}
