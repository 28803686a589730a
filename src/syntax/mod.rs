//! The front end's first phase: text to AST.

pub mod ast;
mod expected;
mod grammar;
mod literal;
mod parser;
mod placement;
mod scan;
mod split;

pub use literal::format_duration;
pub use parser::parse;
