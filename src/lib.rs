//! pipec: a compiler and interpreter for declarative trading-operations pipelines.
#![doc = include_str!("../docs/architecture.md")]

// pest without its `std` feature names `alloc` in the parser it generates.
extern crate alloc;

pub mod check;
pub mod clock;
pub mod compile;
#[cfg(test)]
mod corpus;
pub mod daemon;
pub mod diagnostic;
pub mod firings;
pub mod format;
pub mod graph;
pub mod health;
pub mod ir;
pub mod loader;
pub mod notify;
pub(crate) mod procfs;
pub mod project;
pub mod run;
pub mod run_day;
pub mod service;
pub mod source;
pub mod span;
pub mod store;
pub(crate) mod sync;
pub mod syntax;
pub mod time;
