//! Secrets: `env { API_KEY: secret "BROKER_API_KEY" }` hands a handler the
//! value of pipec's own environment variable, read once when the run starts
//! (a missing one stops the run before any task). Every value is then
//! replaced by `***` in what handlers print, at the source (the pipes), so
//! the logs, events, store, summary, forensics, gate messages and terminal
//! never see it: they are all made of what handlers printed.

use super::error::{Error, SecretProblem};
use crate::ir::{EnvValue, PipelineId, Program, Work};
use std::collections::BTreeMap;

/// What stands for a secret in everything recorded or printed.
pub const MASK: &str = "***";

/// Values shorter than this cannot be hidden without mangling ordinary
/// output (a one-digit "secret" would mask every such digit): refused.
pub(crate) const SHORTEST: usize = 4;

/// The secrets a run's handlers use, by variable name.
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    values: BTreeMap<String, String>,
}

impl Secrets {
    /// Reads every secret the handlers of `pipeline` (and the pipelines it
    /// runs) use from pipec's environment. `Err` names what is missing.
    pub fn load(program: &Program, pipeline: PipelineId) -> Result<Secrets, Error> {
        let mut values = BTreeMap::new();
        let mut problems = Vec::new();
        let mut seen = vec![false; program.pipelines.len()];
        let mut todo = vec![pipeline];
        while let Some(id) = todo.pop() {
            if std::mem::replace(&mut seen[id.0 as usize], true) {
                continue;
            }
            let p = program.pipeline(id);
            let handlers = p.dag.node_weights().filter_map(|t| match t.work {
                Work::Handler(h) => Some(program.handler(h)),
                Work::Pipeline(sub) => {
                    todo.push(sub);
                    None
                }
            });
            let cleanup = p.cleanup.map(|h| program.handler(h));
            for handler in handlers.chain(cleanup) {
                for (_, value) in &handler.env {
                    let EnvValue::Secret(name) = value else {
                        continue;
                    };
                    if values.contains_key(name) {
                        continue;
                    }
                    match std::env::var(name) {
                        Ok(v) if v.len() >= SHORTEST => {
                            values.insert(name.clone(), v);
                        }
                        Ok(v) => problems.push(SecretProblem {
                            secret: name.clone(),
                            handler: handler.name.clone(),
                            length: Some(v.len()),
                        }),
                        Err(_) => problems.push(SecretProblem {
                            secret: name.clone(),
                            handler: handler.name.clone(),
                            length: None,
                        }),
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(Secrets { values })
        } else {
            problems.sort();
            problems.dedup();
            Err(Error::Secrets(problems))
        }
    }

    /// The value a handler's `env` entry stands for.
    pub(crate) fn resolve<'a>(&'a self, value: &'a EnvValue) -> &'a str {
        match value {
            EnvValue::Text(text) => text,
            EnvValue::Secret(name) => self.values.get(name).map_or("", String::as_str),
        }
    }

    /// The environment variables secrets are read from: no command inherits
    /// them from pipec; a handler gets a value only under its own `env` key.
    pub(crate) fn sources(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// A redactor for these values.
    pub(crate) fn redactor(&self) -> Redactor {
        let mut values: Vec<Vec<u8>> = self
            .values
            .values()
            .map(|v| v.as_bytes().to_vec())
            .collect();
        // Longest first, so a secret containing another is masked whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        Redactor { values }
    }
}

/// Replaces secret values by [`MASK`].
#[derive(Debug, Default, Clone)]
pub(crate) struct Redactor {
    values: Vec<Vec<u8>>,
}

impl Redactor {
    pub(crate) fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `bytes` with every secret masked.
    pub(crate) fn redact(&self, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        for value in &self.values {
            out = replace(&out, value, MASK.as_bytes());
        }
        out
    }

    /// How many bytes at the end of a stream may be the start of a secret
    /// not yet complete.
    pub(crate) fn holdback(&self) -> usize {
        self.values.first().map_or(0, |v| v.len() - 1)
    }
}

fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// A stream's bytes, masked as they pass: what might be the start of a
/// secret split between two reads is held back until the next read (or the
/// end) shows whether it is one.
#[derive(Debug, Default)]
pub(crate) struct RedactingStream {
    redactor: Redactor,
    pending: Vec<u8>,
}

impl RedactingStream {
    pub(crate) fn new(redactor: Redactor) -> Self {
        Self {
            redactor,
            pending: Vec::new(),
        }
    }

    /// Takes the next bytes; returns those that are safe to pass on.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Vec<u8> {
        if self.redactor.is_empty() {
            return bytes.to_vec();
        }
        self.pending.extend_from_slice(bytes);
        let masked = self.redactor.redact(&self.pending);
        let keep = self.redactor.holdback().min(masked.len());
        let (ready, held) = masked.split_at(masked.len() - keep);
        let ready = ready.to_vec();
        self.pending = held.to_vec();
        ready
    }

    /// The end of the stream: whatever was held back.
    pub(crate) fn finish(&mut self) -> Vec<u8> {
        let rest = std::mem::take(&mut self.pending);
        self.redactor.redact(&rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(values: &[&str]) -> Redactor {
        let secrets = Secrets {
            values: values
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("S{i}"), (*v).to_string()))
                .collect(),
        };
        secrets.redactor()
    }

    #[test]
    fn a_secret_split_across_reads_is_masked() {
        let mut stream = RedactingStream::new(redactor(&["tok-12345"]));
        let mut out = Vec::new();
        for piece in ["token=tok-1", "23", "45 and tok-", "12345\n"] {
            out.extend(stream.push(piece.as_bytes()));
        }
        out.extend(stream.finish());
        assert_eq!(String::from_utf8(out).unwrap(), "token=*** and ***\n");
    }

    #[test]
    fn the_longer_of_two_overlapping_secrets_is_masked_whole() {
        let r = redactor(&["abcd", "abcdef"]);
        assert_eq!(r.redact(b"xabcdefx abcd"), b"x***x ***");
    }
}
