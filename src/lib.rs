//! pipec: a compiler and interpreter for declarative trading-operations pipelines.
#![doc = include_str!("../docs/architecture.md")]

pub mod time;
