//! The front end's first phase: text to AST.

pub mod ast;
mod expected;
mod grammar;
mod literal;
mod parser;

pub use parser::parse;
