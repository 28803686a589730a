//! Gate expressions: operator precedence, calls, lambdas and their bound.

use super::{next, unreachable_name, Builder};
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::*;
use crate::syntax::grammar::Rule;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

/// The most operators one gate expression may have; see `Builder::gate_expr`.
const MAX_OPERATORS: usize = 100;

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

impl Builder {
    /// A gate's expression, unless it has so many operators that the trees
    /// built from it could be deep enough to overflow the stack of the
    /// recursive passes that follow (`scan.rs` bounds brackets, this bounds
    /// operator chains such as `not not … x` or `a + b + …`).
    pub(super) fn gate_expr(&mut self, pair: Pair<Rule>) -> Expr {
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
}
