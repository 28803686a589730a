//! Locks that fail loudly. A poisoned mutex means a thread panicked while
//! holding it: a bug. Skipping the work behind the lock would lose events or
//! records without a word (the store promises a run is interrupted when it
//! cannot record), so a poisoned lock panics again, with what it guards.

use std::sync::{Mutex, MutexGuard};

pub(crate) fn lock<'a, T>(mutex: &'a Mutex<T>, what: &str) -> MutexGuard<'a, T> {
    mutex.lock().unwrap_or_else(|_| {
        panic!("internal error: the lock of {what} was poisoned by an earlier panic")
    })
}
