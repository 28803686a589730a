//! `when` day conditions, evaluated on the run's as-of date against the
//! pipeline's calendar (built in or from a file). The day sets themselves are
//! the time module's, so `pipec run`, `pipec next` and the checker agree on
//! what a trading day, a monthly expiration or a first trading day is.

use crate::ir::{self, DayCondition, DayRef, Market, Pipeline, Program};
use chrono::NaiveDate;

/// `Ok` when every condition holds on `date`, else why the task does not run.
pub(crate) fn check_when(
    program: &Program,
    pipeline: &Pipeline,
    when: &[DayCondition],
    date: NaiveDate,
) -> Result<(), String> {
    if when.is_empty() {
        return Ok(());
    }
    let market = Market::load(pipeline, None)
        .map_err(|e| format!("cannot evaluate `when` on {date}: {e}"))?;
    for condition in when {
        let set = ir::day_set(std::slice::from_ref(condition), program);
        if !market.with_clock(|cal, _| set.contains(date, cal)) {
            return Err(format!(
                "`when {}` does not hold on {} ({})",
                describe(program, condition),
                date,
                date.format("%A")
            ));
        }
    }
    Ok(())
}

pub(crate) fn describe(program: &Program, condition: &DayCondition) -> String {
    let names: Vec<String> = condition
        .any_of
        .iter()
        .map(|day| match day {
            DayRef::Listed(id) => program.day_set(*id).name.clone(),
            other => DayRef::BUILTIN
                .iter()
                .find(|(_, d)| d == other)
                .map_or_else(|| "?".to_string(), |(n, _)| (*n).to_string()),
        })
        .collect();
    format!(
        "{}{}",
        if condition.negated { "not " } else { "" },
        names.join(", ")
    )
}
