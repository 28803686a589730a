//! The daemon's time, injected: the machine's clock in production, a virtual
//! clock in tests that jumps straight to the next firing (a week of firings
//! in milliseconds, deterministic).

use crate::run::{Clock, FixedClock, SystemClock};
use chrono::{DateTime, Utc};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

pub trait Timer: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    /// Resolves at `at` (at once when it has passed).
    fn sleep_until(&self, at: DateTime<Utc>) -> Pin<Box<dyn Future<Output = ()> + Send>>;
    /// The clock a run started now should use.
    fn clock(&self) -> Arc<dyn Clock>;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemTimer;

impl Timer for SystemTimer {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(async move {
            // One sleep for the whole wait, re-checked against the wall clock
            // afterwards: the monotonic clock stops while a laptop sleeps, the
            // wall clock (what firings are in) does not.
            loop {
                let left = at - Utc::now();
                let Ok(left) = left.to_std() else { return };
                if left.is_zero() {
                    return;
                }
                tokio::time::sleep(left).await;
            }
        })
    }

    fn clock(&self) -> Arc<dyn Clock> {
        Arc::new(SystemClock)
    }
}

/// Virtual time: `sleep_until` moves the clock to the instant and returns.
#[derive(Debug)]
pub struct VirtualTimer(Mutex<DateTime<Utc>>);

impl VirtualTimer {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Mutex::new(start))
    }
}

impl Timer for VirtualTimer {
    fn now(&self) -> DateTime<Utc> {
        *crate::sync::lock(&self.0, "the virtual clock")
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let mut t = crate::sync::lock(&self.0, "the virtual clock");
        *t = (*t).max(at);
        drop(t);
        Box::pin(tokio::task::yield_now())
    }

    fn clock(&self) -> Arc<dyn Clock> {
        Arc::new(FixedClock(self.now()))
    }
}
