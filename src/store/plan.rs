//! The plan hash: what a run key's work is, so a resume never mixes two plans.
//! The pipeline's IR is serialized to JSON with every `span` removed (spans move
//! when comments change) and every `base_dir` (moving the project keeps the
//! plan), without triggers, sources and titles (they do not change the work),
//! then hashed with SHA-256. Each task also gets its own hash
//! (its IR, its handler's IR, its dependencies' names, and a sub-pipeline's
//! plan hash), so a refusal can say which tasks changed.

use crate::ir::{PipelineId, Program, Work};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Hex SHA-256 of the whole plan.
    pub hash: String,
    /// Task name → hex SHA-256 of the task; sub-pipeline tasks as `sub/task`.
    pub tasks: BTreeMap<String, String>,
}

/// What changed between a recorded plan and the current one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl PlanDiff {
    pub fn between(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Self {
        let mut d = PlanDiff::default();
        for (k, v) in new {
            match old.get(k) {
                None => d.added.push(k.clone()),
                Some(o) if o != v => d.changed.push(k.clone()),
                Some(_) => {}
            }
        }
        d.removed = old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect();
        d
    }

    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (label, names) in [
            ("added", &self.added),
            ("removed", &self.removed),
            ("changed", &self.changed),
        ] {
            if !names.is_empty() {
                parts.push(format!("{label}: {}", names.join(", ")));
            }
        }
        if parts.is_empty() {
            "stages, gates or pipeline settings changed (no task itself did)".into()
        } else {
            parts.join("; ")
        }
    }
}

pub fn plan_of(program: &Program, pipeline: PipelineId) -> Plan {
    plan_inner(program, pipeline, 0)
}

fn plan_inner(program: &Program, id: PipelineId, depth: u32) -> Plan {
    let p = program.pipeline(id);
    let mut tasks = BTreeMap::new();
    for t in p.dag.node_indices() {
        let task = p.task(t);
        let mut deps: Vec<&str> = p.dependencies(t).map(|d| p.task(d).name.as_str()).collect();
        deps.sort_unstable();
        let work = match task.work {
            Work::Handler(h) => to_clean_json(program.handler(h)),
            // The checker refuses cycles of sub-pipelines; the depth bound only
            // keeps a hand-built IR from recursing forever.
            Work::Pipeline(sub) if depth < 16 => {
                let inner = plan_inner(program, sub, depth + 1);
                for (k, v) in &inner.tasks {
                    tasks.insert(format!("{}/{k}", program.pipeline(sub).name), v.clone());
                }
                Value::String(inner.hash)
            }
            Work::Pipeline(_) => Value::Null,
        };
        let value = serde_json::json!({
            "task": to_clean_json(task),
            "stage": p.stage(task.stage).name,
            "after": deps,
            "work": work,
        });
        tasks.insert(task.name.clone(), sha256(&value));
    }
    let mut whole = to_clean_json(p);
    if let Value::Object(m) = &mut whole {
        for k in ["triggers", "sources", "title", "description"] {
            m.remove(k);
        }
    }
    let hash = sha256(&serde_json::json!({ "pipeline": whole, "tasks": tasks }));
    Plan { hash, tasks }
}

fn to_clean_json(v: &impl serde::Serialize) -> Value {
    let mut v = serde_json::to_value(v).unwrap_or(Value::Null);
    strip_spans(&mut v);
    v
}

fn strip_spans(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("span");
            // Where the project lives is not what it does: moving it keeps the plan.
            m.remove("base_dir");
            m.values_mut().for_each(strip_spans);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_spans),
        _ => {}
    }
}

fn sha256(v: &Value) -> String {
    let digest = Sha256::digest(v.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
