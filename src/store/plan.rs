//! The plan hash: what a run key's work is, so a resume never mixes two plans.
//! It is computed from the public, versioned IR (`ir::public`), never from the
//! internal types, so an upgrade that changes how pipec lays out its IR keeps
//! every recorded hash valid. The pipeline's public form is serialized to
//! JSON without triggers, sources, notify lines, deadlines, title,
//! description and template (they do not change the work) and hashed with SHA-256; spans and folders are not in that form,
//! so comments, formatting and moving the project keep the plan. Each task
//! also gets its own hash (its public form with its dependencies' names, its
//! handler's public form, a sub-pipeline's plan hash), so a refusal can say
//! which tasks changed. The hash is written `v1:<hex>`: the form's version.

use crate::ir::{public, HandlerId, PipelineId, Program, Work};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

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
    pub(crate) fn between(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Self {
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

    pub(crate) fn describe(&self) -> String {
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

/// The form hashed, with its version, so a hash never silently means
/// something else: `v1:` + hex SHA-256.
pub(crate) const HASH_PREFIX: &str = "v1:";

fn plan_inner(program: &Program, id: PipelineId, depth: u32) -> Plan {
    let p = program.pipeline(id);
    let public = public::Pipeline::of(program, p);
    let mut tasks = BTreeMap::new();
    // Many tasks run one handler: its public form is made once.
    let mut handlers: HashMap<HandlerId, Value> = HashMap::new();
    for (stage, ir_stage) in public.stages.iter().zip(&p.stages) {
        for (task, &t) in stage.tasks.iter().zip(&ir_stage.tasks) {
            let sub_hash;
            let work: &Value = match p.task(t).work {
                Work::Handler(h) => handlers.entry(h).or_insert_with(|| {
                    serde_json::to_value(public::Handler::of(program.handler(h)))
                        .unwrap_or(Value::Null)
                }),
                // The checker refuses cycles of sub-pipelines; the depth bound only
                // keeps a hand-built IR from recursing forever.
                Work::Pipeline(sub) if depth < 16 => {
                    let inner = plan_inner(program, sub, depth + 1);
                    for (k, v) in &inner.tasks {
                        tasks.insert(format!("{}/{k}", program.pipeline(sub).name), v.clone());
                    }
                    sub_hash = Value::String(inner.hash);
                    &sub_hash
                }
                Work::Pipeline(_) => &Value::Null,
            };
            let form = TaskForm {
                task,
                stage: &stage.name,
                work,
            };
            tasks.insert(task.name.clone(), sha256(&form));
        }
    }
    // What the run does, not when it runs, whom it tells or how it is
    // described: triggers, sources, notify lines, deadlines, titles,
    // descriptions and the template a pipeline was made from are left out.
    // The stages are the bulk of the form: they are written straight from
    // the public types, and only the rest becomes a map to remove keys from.
    let mut public = public;
    let mut stages = std::mem::take(&mut public.stages);
    for stage in &mut stages {
        // A stage's last key, left out when empty: as if removed.
        stage.deadline = None;
    }
    let mut rest = match serde_json::to_value(&public) {
        Ok(Value::Object(map)) => map,
        Ok(_) | Err(_) => Map::new(),
    };
    // `template` first: it is the form's last key, and a map that keeps
    // its order removes a key by moving the last one into its place, so
    // removing it first leaves the order of a pipeline written out.
    for k in [
        "template",
        "triggers",
        "sources",
        "notify",
        "deadline",
        "title",
        "description",
    ] {
        rest.remove(k);
    }
    let form = PlanForm {
        pipeline: PipelineForm {
            rest: &rest,
            stages: &stages,
        },
        tasks: &tasks,
    };
    let hash = format!("{HASH_PREFIX}{}", sha256(&form));
    Plan { hash, tasks }
}

/// What a plan's hash is of: `{"pipeline": …, "tasks": {name: hash, …}}`.
#[derive(Serialize)]
struct PlanForm<'a> {
    pipeline: PipelineForm<'a>,
    tasks: &'a BTreeMap<String, String>,
}

/// A pipeline's public form without the keys left out of its plan: the map
/// `rest`, in its order, with the stages written where its `stages` key is.
struct PipelineForm<'a> {
    rest: &'a Map<String, Value>,
    stages: &'a [public::Stage],
}

impl Serialize for PipelineForm<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.rest.len()))?;
        for (key, value) in self.rest {
            if key == "stages" {
                map.serialize_entry(key, self.stages)?;
            } else {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// What a task's hash is of: its JSON text is that of the map
/// `{"task", "stage", "work"}` in this order.
#[derive(Serialize)]
struct TaskForm<'a> {
    task: &'a public::Task,
    stage: &'a str,
    work: &'a Value,
}

/// Hex SHA-256 of a value's compact JSON text, written straight into the
/// hash (a plan of thousands of tasks is hashed at every run's start).
fn sha256(value: &impl Serialize) -> String {
    struct Hashing(Sha256);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(Sha256::new());
    // Writing into a hash cannot fail, and the public forms always serialize.
    let _ = serde_json::to_writer(&mut hashing, value);
    let digest = hashing.0.finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(byte & 15), 16).unwrap_or('0'));
    }
    hex
}
