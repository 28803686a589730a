//! The front end's first phase: text to AST.

pub mod ast;
mod expected;
mod grammar;
mod literal;
mod parser;

pub use literal::format_duration;
pub use parser::parse;
