//! Handlers written in Rust: a program embedding pipec registers async
//! functions by handler name; they replace the declared handler of that name
//! (its `exec`, `shell` or `builtin`) while keeping its `returns`, timeout and
//! failure policy.

use chrono::NaiveDate;
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

/// What a Rust handler receives: the same facts a command gets on stdin and in
/// its environment.
#[derive(Debug, Clone)]
pub struct HandlerContext {
    /// The context the task reads (a JSON object).
    pub context: Value,
    pub pipeline: String,
    pub task: String,
    /// 1-based.
    pub attempt: u32,
    /// The task's `args`.
    pub args: Vec<String>,
    pub run_id: String,
    pub trace_id: String,
    pub span_id: String,
    pub as_of: NaiveDate,
    /// The scratch folder shared by all tasks of the run.
    pub work_dir: PathBuf,
}

/// The answer: a JSON object (checked against `returns`), or a failure message.
pub type HandlerResult = Result<Value, String>;
pub type HandlerFuture = Pin<Box<dyn Future<Output = HandlerResult> + Send>>;
type HandlerFn = Arc<dyn Fn(HandlerContext) -> HandlerFuture + Send + Sync>;

#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, HandlerFn>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `handler` under `name`; a later registration of the same name wins.
    ///
    /// ```
    /// let mut registry = pipec::run::Registry::new();
    /// registry.register("fetch_prices", |ctx| async move {
    ///     Ok(serde_json::json!({ "task": ctx.task }))
    /// });
    /// ```
    pub fn register<F, Fut>(&mut self, name: impl Into<String>, handler: F) -> &mut Self
    where
        F: Fn(HandlerContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let f: HandlerFn = Arc::new(move |ctx| Box::pin(handler(ctx)));
        self.handlers.insert(name.into(), f);
        self
    }

    /// [`Registry::register`], by value, for building a registry in one expression.
    pub fn with<F, Fut>(mut self, name: impl Into<String>, handler: F) -> Self
    where
        F: Fn(HandlerContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.register(name, handler);
        self
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.handlers.contains_key(name)
    }

    pub(crate) fn call(&self, name: &str, ctx: HandlerContext) -> Option<HandlerFuture> {
        self.handlers.get(name).map(|f| f(ctx))
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.handlers.keys().collect();
        names.sort();
        f.debug_struct("Registry")
            .field("handlers", &names)
            .finish()
    }
}
