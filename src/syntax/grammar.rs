//! The pest parser generated from `grammar/pipe.pest`. Nothing outside
//! `syntax` sees `Rule` or `Pairs`: the parser turns them into the AST.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/pipe.pest"]
pub(crate) struct PipeParser;
