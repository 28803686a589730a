//! After downtime: the firings a trigger missed since the last one the daemon
//! recorded, and what its `missed` policy does with them. `skip` records them
//! as missed; `run_late within D` runs the latest one now if it is no older
//! than D (the older ones are recorded as missed). A trigger the store has
//! never seen fire missed nothing: the daemon starts from now.

use super::Error;
use crate::firings::{timeline, Firing};
use crate::ir::{Missed, PipelineId, Program};
use crate::store::Store;
use chrono::{DateTime, Utc};

pub(crate) struct Missing {
    /// Recorded as missed.
    pub missed: Vec<Firing>,
    /// Run now, late.
    pub late: Vec<Firing>,
}

pub(crate) fn missed_firings(
    program: &Program,
    pid: PipelineId,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Missing, Error> {
    let p = program.pipeline(pid);
    let mut out = Missing {
        missed: Vec::new(),
        late: Vec::new(),
    };
    for trigger in &p.triggers {
        let last = store.last_firing(&p.name, &trigger.name)?;
        let Some(last) = last else { continue };
        let mut gone: Vec<Firing> = timeline(program, &[pid], last, Some(now), 100_000)?
            .into_iter()
            .filter(|f| f.trigger == trigger.name)
            .collect();
        if let Missed::RunLate { within_millis } = trigger.missed {
            let within =
                chrono::Duration::milliseconds(i64::try_from(within_millis).unwrap_or(i64::MAX));
            if gone.last().is_some_and(|f| now - f.at <= within) {
                out.late.extend(gone.pop());
            }
        }
        out.missed.extend(gone);
    }
    Ok(out)
}

/// Whether a firing `late` past its instant still runs under its trigger's policy.
pub(crate) fn runs_late(
    program: &Program,
    pid: PipelineId,
    firing: &Firing,
    late: chrono::Duration,
) -> bool {
    let p = program.pipeline(pid);
    match p
        .triggers
        .iter()
        .find(|t| t.name == firing.trigger)
        .map(|t| &t.missed)
    {
        Some(Missed::RunLate { within_millis }) => {
            late <= chrono::Duration::milliseconds(
                i64::try_from(*within_millis).unwrap_or(i64::MAX),
            )
        }
        _ => false,
    }
}
