//! Checked gate expressions: names are bound to context keys, lambda variables
//! or tasks, and every node carries its type.

use super::TaskId;
use crate::span::Span;
use serde::{Deserialize, Serialize};
use std::fmt;

pub(crate) use crate::syntax::ast::{BinaryOp, UnaryOp};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExprKind {
    Literal(serde_json::Value),
    Duration {
        millis: u64,
    },
    /// A top-level context key.
    Key(String),
    /// The parameter of the enclosing lambda.
    Var(String),
    Field(Box<Expr>, String),
    List(Vec<Expr>),
    Call(Function, Vec<Expr>),
    /// Only as the last argument of `any`, `all` and `count`.
    Lambda(String, Box<Expr>),
    Task(TaskId),
    Unary(#[serde(with = "unary_op")] UnaryOp, Box<Expr>),
    Binary(#[serde(with = "binary_op")] BinaryOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Function {
    Ok,
    Warned,
    Skipped,
    Failed,
    StageOk,
    Len,
    Any,
    All,
    Count,
    Age,
    Exists,
}

impl Function {
    pub(crate) const ALL: [(&'static str, Function); 11] = [
        ("ok", Function::Ok),
        ("warned", Function::Warned),
        ("skipped", Function::Skipped),
        ("failed", Function::Failed),
        ("stage_ok", Function::StageOk),
        ("len", Function::Len),
        ("any", Function::Any),
        ("all", Function::All),
        ("count", Function::Count),
        ("age", Function::Age),
        ("exists", Function::Exists),
    ];

    pub(crate) fn from_name(name: &str) -> Option<Function> {
        Function::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
    }

    pub(crate) fn name(self) -> &'static str {
        Function::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(n, _)| n)
    }
}

/// The static type of an expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    Null,
    Bool,
    Int,
    Float,
    String,
    Timestamp,
    Duration,
    List(Box<Type>),
    Object(Vec<(String, Type)>),
    Task,
    /// Unknown statically (`any` in a shape): checked at run time.
    Any,
}

impl Type {
    pub(crate) fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Float | Type::Any)
    }

    /// Whether values of the two types can be compared with `==`.
    pub(crate) fn comparable(&self, other: &Type) -> bool {
        match (self, other) {
            (Type::Any | Type::Null, _) | (_, Type::Any | Type::Null) => true,
            (a, b) if a.is_numeric() && b.is_numeric() => true,
            (Type::Timestamp, Type::String) | (Type::String, Type::Timestamp) => true,
            (Type::List(a), Type::List(b)) => a.comparable(b),
            (a, b) => a == b,
        }
    }
}

impl Type {
    /// The type with its article, for sentences: "an int", "a string".
    pub(crate) fn with_article(&self) -> String {
        let text = self.to_string();
        let vowel = matches!(text.chars().next(), Some('a' | 'e' | 'i' | 'o' | 'u'));
        format!("{} {text}", if vowel { "an" } else { "a" })
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Null => f.write_str("null"),
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Float => f.write_str("float"),
            Type::String => f.write_str("string"),
            Type::Timestamp => f.write_str("timestamp"),
            Type::Duration => f.write_str("duration"),
            Type::List(item) => write!(f, "[{item}]"),
            Type::Object(fields) => {
                f.write_str("{ ")?;
                for (i, (k, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {t}")?;
                }
                f.write_str(" }")
            }
            Type::Task => f.write_str("task"),
            Type::Any => f.write_str("any"),
        }
    }
}

macro_rules! op_serde {
    ($module:ident, $ty:ty, [$($variant:ident),*]) => {
        mod $module {
            use super::*;
            pub(crate) fn serialize<S: serde::Serializer>(op: &$ty, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(match op { $(<$ty>::$variant => stringify!($variant),)* })
            }
            pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                let name = String::deserialize(d)?;
                match name.as_str() {
                    $(stringify!($variant) => Ok(<$ty>::$variant),)*
                    other => Err(serde::de::Error::custom(format!("unknown operator {other}"))),
                }
            }
        }
    };
}

op_serde!(unary_op, UnaryOp, [Not, Neg]);
op_serde!(
    binary_op,
    BinaryOp,
    [Or, And, Eq, Ne, Lt, Le, Gt, Ge, In, Add, Sub, Mul, Div]
);
