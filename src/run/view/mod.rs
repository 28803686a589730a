//! What a person sees while a run goes and after: a live view on a terminal,
//! a line per event otherwise, and the summary table at the end.

mod live;
mod plain;
mod summary;

pub use live::LiveView;
pub use plain::PlainView;
pub use summary::summary_table;

/// `1.234s`, `56ms`: the duration format of every view.
pub(crate) fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else {
        format!("{}.{:03}s", ms / 1000, ms % 1000)
    }
}
