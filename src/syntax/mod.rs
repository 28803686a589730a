//! The front end's first phase: text to AST.

pub(crate) mod ast;
pub(crate) mod deferred;
mod expected;
mod grammar;
mod lexical;
mod literal;
mod parser;
mod pieces;
mod placement;
mod recover;
mod scan;
mod split;

pub(crate) use literal::format_duration;
pub use parser::parse;
pub(crate) use pieces::pieces;
