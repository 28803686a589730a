//! Where a task runs: here (the default, `executor local`) or on a cluster
//! declared at top level (`executor cluster { ray "http://…:8265" }`).

use crate::span::Span;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) struct ExecutorId(pub(crate) u32);

/// `executor NAME { ray "URL" num_cpus 2 num_gpus 0 memory 4GB }`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Executor {
    pub(crate) name: String,
    pub(crate) kind: ExecutorKind,
    pub(crate) span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ExecutorKind {
    /// A Ray cluster, reached through its dashboard's Jobs REST API.
    Ray {
        /// The dashboard's address, `http://HOST:8265`, without a trailing `/`.
        address: String,
        resources: Resources,
    },
}

/// What each job asks of the cluster (Ray's `entrypoint_num_cpus`, …).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Resources {
    pub(crate) num_cpus: Option<f64>,
    pub(crate) num_gpus: Option<f64>,
    pub(crate) memory_bytes: Option<u64>,
}
