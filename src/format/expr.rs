//! Gate expressions with the fewest parentheses that keep their meaning. The
//! AST has no parenthesis nodes; precedence comes from the parser's Pratt
//! table, lowest first: `or`, `and`, `not`, comparisons and `in`, `+ -`,
//! `* /`, unary `-`, field access.

use super::literal;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

/// Binding strength, as in the parser's Pratt table: binary operators take
/// theirs from [`BinaryOp::precedence`] (1 `or` to 6 `* /`). A lambda's body
/// runs as far as it can, so it binds loosest of all.
type Prec = u8;
const LAMBDA: Prec = 0;
const AND: Prec = 2;
const NOT: Prec = 3;
const NEG: Prec = 7;
const FIELD: Prec = 8;
const ATOM: Prec = 9;

pub(crate) fn binary_prec(op: BinaryOp) -> Prec {
    op.precedence()
}

/// A printed expression and what its neighbours must know about it.
struct Printed {
    text: String,
    /// How tightly its outermost operator binds.
    prec: Prec,
    /// A prefix operator (or lambda) whose operand reaches the right edge of
    /// the text: it would swallow any operator written after it that binds at
    /// least as tightly as itself (`not a` followed by `== b` reads as
    /// `not (a == b)`), so such an expression needs parentheses there.
    open: Option<Prec>,
}

impl Printed {
    fn atom(text: String) -> Printed {
        Printed {
            text,
            prec: ATOM,
            open: None,
        }
    }

    fn parenthesized(self) -> Printed {
        Printed::atom(format!("({})", self.text))
    }

    /// As the left operand of an operator of strength `prec` (or a postfix).
    fn before(self, prec: Prec) -> Printed {
        if self.prec < prec || self.open.is_some_and(|open| open <= prec) {
            self.parenthesized()
        } else {
            self
        }
    }
}

/// The expression on one line.
pub(crate) fn expr(e: &Expr) -> String {
    print(e).text
}

fn print(e: &Expr) -> Printed {
    match &e.kind {
        ExprKind::Null => Printed::atom("null".to_string()),
        ExprKind::Bool(b) => Printed::atom(b.to_string()),
        ExprKind::Int(n) => Printed::atom(n.to_string()),
        ExprKind::Float(f) => Printed::atom(literal::float(*f)),
        ExprKind::String(s) => Printed::atom(literal::string(s)),
        ExprKind::Duration(d) => Printed::atom(literal::duration(*d)),
        ExprKind::Name(name) => Printed::atom(name.clone()),
        ExprKind::Field(base, name) => {
            let base = print(base).before(FIELD);
            Printed {
                text: format!("{}.{}", base.text, name.text),
                prec: FIELD,
                open: None,
            }
        }
        ExprKind::Call(name, args) => {
            let args: Vec<String> = args.iter().map(expr).collect();
            Printed::atom(format!("{}({})", name.text, args.join(", ")))
        }
        ExprKind::List(items) => {
            let items: Vec<String> = items.iter().map(expr).collect();
            Printed::atom(format!("[{}]", items.join(", ")))
        }
        ExprKind::Lambda(param, body) => Printed {
            text: format!("{} => {}", param.text, expr(body)),
            prec: LAMBDA,
            open: Some(LAMBDA),
        },
        ExprKind::Unary(op, operand) => unary(*op, operand),
        ExprKind::Binary(op, lhs, rhs) => binary(*op, lhs, rhs),
    }
}

fn unary(op: UnaryOp, operand: &Expr) -> Printed {
    let (prec, symbol) = match op {
        UnaryOp::Not => (NOT, "not "),
        UnaryOp::Neg => (NEG, "-"),
    };
    let inner = print(operand);
    // A prefix operator's operand is everything binding at least as tightly
    // as the operator itself; a looser binary operator needs parentheses.
    // Prefix operators and lambdas nest without them.
    let inner = match &operand.kind {
        ExprKind::Binary(..) | ExprKind::Field(..) if inner.prec < prec => inner.parenthesized(),
        _ => inner,
    };
    // `- -a`, not `--a`.
    let space = if symbol == "-" && inner.text.starts_with('-') {
        " "
    } else {
        ""
    };
    Printed {
        text: format!("{symbol}{space}{}", inner.text),
        prec,
        open: Some(inner.open.map_or(prec, |open| open.min(prec))),
    }
}

fn binary(op: BinaryOp, lhs: &Expr, rhs: &Expr) -> Printed {
    let prec = binary_prec(op);
    let left = print(lhs).before(prec);
    let right = print(rhs);
    // Operators are left-associative: an equal-strength binary operator on
    // the right needs parentheses (`a - (b - c)`). A prefix operator or a
    // lambda on the right needs none: nothing follows it inside this operand.
    let right = match &rhs.kind {
        ExprKind::Binary(..) if right.prec <= prec => right.parenthesized(),
        _ => right,
    };
    Printed {
        text: format!("{} {} {}", left.text, op.symbol(), right.text),
        prec,
        open: right.open,
    }
}

/// One line of a gate broken over lines: its text, the operand it prints,
/// and how many levels deeper than the first line it is indented.
pub(crate) type Piece<'e> = (String, &'e Expr, usize);

/// The outermost `and`/`or` chain as the lines of a gate broken over lines:
/// the first operand, then `and operand` (or `or operand`) one level deeper.
/// In an `or` chain, an `and` chain operand that `split_inner` says must break
/// is split the same way one level deeper still, so depth follows binding.
/// Joined by spaces the pieces are exactly the one-line text, so breaking
/// cannot change how the expression reads. `None` when `e` is not such a
/// chain, or when an operand would swallow the operator after it (a lambda
/// in the middle), where the one-line text has parentheses spanning operands.
pub(crate) fn chain<'e>(
    e: &'e Expr,
    split_inner: &dyn Fn(&Expr, &str, usize) -> bool,
) -> Option<Vec<Piece<'e>>> {
    let ExprKind::Binary(op @ (BinaryOp::And | BinaryOp::Or), _, _) = &e.kind else {
        return None;
    };
    let mut pieces = Vec::new();
    split(e, *op, ("", 0), split_inner, &mut pieces)?;
    Some(pieces)
}

fn split<'e>(
    e: &'e Expr,
    op: BinaryOp,
    (lead, depth): (&str, usize),
    split_inner: &dyn Fn(&Expr, &str, usize) -> bool,
    out: &mut Vec<Piece<'e>>,
) -> Option<()> {
    let mut operands = Vec::new();
    collect(e, op, &mut operands);
    let prec = binary_prec(op);
    let last = operands.len() - 1;
    for (i, operand) in operands.into_iter().enumerate() {
        let printed = print(operand);
        let printed = if i == 0 {
            printed.before(prec)
        } else {
            match &operand.kind {
                ExprKind::Binary(..) if printed.prec <= prec => printed.parenthesized(),
                _ => printed,
            }
        };
        if i > 0 && i < last && printed.open.is_some_and(|open| open <= prec) {
            return None;
        }
        let (lead, depth) = if i == 0 {
            (lead.to_string(), depth)
        } else {
            (format!("{} ", op.symbol()), depth + 1)
        };
        let text = format!("{lead}{}", printed.text);
        if op == BinaryOp::Or && printed.prec == AND && split_inner(operand, &text, depth) {
            let before = out.len();
            split(operand, BinaryOp::And, (&lead, depth), split_inner, out)?;
            // The `and` lines sit one level below the `or` lines.
            let and_depth = if i == 0 { depth + 2 } else { depth + 1 };
            for piece in out.iter_mut().skip(before + 1) {
                piece.2 = and_depth;
            }
        } else {
            out.push((text, operand, depth));
        }
    }
    Some(())
}

fn collect<'e>(e: &'e Expr, op: BinaryOp, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        // Left-associative: the chain grows down the left; a same-operator
        // node on the right was parenthesized and stays one operand.
        ExprKind::Binary(inner, lhs, rhs) if *inner == op => {
            collect(lhs, op, out);
            out.push(rhs);
        }
        _ => out.push(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::verify::fingerprint;
    use crate::span::FileId;
    use crate::syntax::ast::{Item, PipelineSetting, StageSetting};
    use crate::syntax::parse;

    fn file_with_gate(text: &str) -> crate::syntax::ast::File {
        let source = format!("pipeline p {{ stage s {{ gate g {{ {text} }} }} }}");
        parse(&source, FileId(0)).0.expect("the expression parses")
    }

    /// The gate expression of a one-gate file.
    fn gate_expr(text: &str) -> Expr {
        let file = file_with_gate(text);
        let Some(Item::Pipeline(pipeline)) = file.items.into_iter().next() else {
            panic!("a pipeline");
        };
        for setting in pipeline.settings {
            if let PipelineSetting::Stage(stage) = setting.node {
                for s in stage.settings {
                    if let StageSetting::Gate(gate) = s.node {
                        return gate.expr;
                    }
                }
            }
        }
        panic!("a gate")
    }

    /// Printing keeps the tree and drops only the parentheses that do nothing.
    #[test]
    fn minimal_parentheses() {
        let cases = [
            ("((a))", "a"),
            ("(a + b) * c", "(a + b) * c"),
            ("a + (b * c)", "a + b * c"),
            ("a - (b - c)", "a - (b - c)"),
            ("(a - b) - c", "a - b - c"),
            ("(not a) == b", "(not a) == b"),
            ("not (a == b)", "not a == b"),
            ("not (a and b)", "not (a and b)"),
            ("(not a) and b", "not a and b"),
            ("(a * not b) == c", "(a * not b) == c"),
            ("a * (not b == c)", "a * not b == c"),
            ("-(a.b)", "-a.b"),
            ("(-a).b", "(-a).b"),
            ("-(-a)", "- -a"),
            ("-(a + b)", "-(a + b)"),
            ("(-a) * b", "-a * b"),
            (
                "any(xs, x => x > 1) and ok(t)",
                "any(xs, x => x > 1) and ok(t)",
            ),
            ("a or (b and c)", "a or b and c"),
            ("(a or b) and c", "(a or b) and c"),
            ("a in [1, (2 + 3)]", "a in [1, 2 + 3]"),
            ("(a < b) < c", "a < b < c"),
            ("a < (b < c)", "a < (b < c)"),
        ];
        for (input, expected) in cases {
            let printed = expr(&gate_expr(input));
            assert_eq!(printed, expected, "printing `{input}`");
            assert_eq!(
                fingerprint(&file_with_gate(&printed)),
                fingerprint(&file_with_gate(input)),
                "`{input}` reads the same"
            );
        }
    }

    #[test]
    fn chains_break_before_operators() {
        let tree = gate_expr("a and b or c and (d or e)");
        let pieces = chain(&tree, &|_, _, _| true).expect("a chain");
        let lines: Vec<(String, usize)> = pieces.into_iter().map(|(t, _, d)| (t, d)).collect();
        assert_eq!(
            lines,
            [
                ("a".to_string(), 0),
                ("and b".to_string(), 2),
                ("or c".to_string(), 1),
                ("and (d or e)".to_string(), 2),
            ]
        );
        assert!(chain(&gate_expr("a == b"), &|_, _, _| true).is_none());
    }
}
