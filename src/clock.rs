//! Time, injected: one clock for runs, the store, the daemon and the service.
//!
//! Everything pipec does with time goes through a [`Clock`]: the time of day
//! events are stamped with and market states are judged on, how long a task
//! took, the waits pipec chooses (a retry's backoff, a required market state,
//! a `sleep` built-in, the daemon's next firing) and the limits that race
//! work (a task's timeout, a run's `run_timeout`). Only this module reads the
//! machine's clock (clippy's `disallowed-methods` keeps it so), which is what
//! lets a test run a trading day on [`VirtualClock`] in milliseconds.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How many turns a virtual wait gives the other tasks before it moves the clock.
const SETTLE_TURNS: usize = 64;

/// A wait, as a future: resolves when the clock says the time has come.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

pub trait Clock: Send + Sync {
    /// The time of day.
    fn now(&self) -> DateTime<Utc>;
    /// Time since a fixed origin of this clock, never going back: task and
    /// stage durations are differences of two readings.
    fn monotonic(&self) -> Duration;
    /// A wait pipec chooses to make: a retry's backoff, a market state that
    /// begins later, a `sleep` built-in.
    fn sleep(&self, length: Duration) -> Sleep;
    /// Waits until `at` (at once when it has passed): the daemon's next firing.
    fn sleep_until(&self, at: DateTime<Utc>) -> Sleep;
    /// Resolves once `length` has passed, without moving the clock itself: a
    /// limit that races work, such as a timeout.
    fn limit(&self, length: Duration) -> Sleep;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        // The one place that reads the machine's time of day.
        #[allow(clippy::disallowed_methods)]
        Utc::now()
    }

    fn monotonic(&self) -> Duration {
        machine_monotonic()
    }

    fn sleep(&self, length: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(length))
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> Sleep {
        Box::pin(async move {
            // One sleep for the whole wait, re-checked against the wall clock
            // afterwards: the monotonic clock stops while a laptop sleeps, the
            // wall clock (what firings are in) does not.
            loop {
                let Ok(left) = (at - SystemClock.now()).to_std() else {
                    return;
                };
                if left.is_zero() {
                    return;
                }
                tokio::time::sleep(left).await;
            }
        })
    }

    fn limit(&self, length: Duration) -> Sleep {
        // Monotonic: a timeout must not fire early when the wall clock jumps.
        Box::pin(tokio::time::sleep(length))
    }
}

/// A run at a chosen instant (`pipec run --now`): the time of day stays at
/// that instant for the whole run, while durations, waits and limits are
/// the machine's, so a handler still gets its real timeout.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }

    fn monotonic(&self) -> Duration {
        machine_monotonic()
    }

    fn sleep(&self, length: Duration) -> Sleep {
        SystemClock.sleep(length)
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> Sleep {
        SystemClock.sleep((at - self.0).to_std().unwrap_or_default())
    }

    fn limit(&self, length: Duration) -> Sleep {
        SystemClock.limit(length)
    }
}

/// Virtual time for tests and replays. Only waits move it, and they take no
/// real time; work in between takes none of the clock's. A limit racing work
/// (a handler's timeout) fires once any concurrent wait moves the clock past
/// it, so a virtual clock suits runs whose time is spent in waits (built-ins,
/// retries, market waits, the daemon's firings), not long handler processes.
///
/// Every pending wait and limit is registered with its end. A wait moves the
/// clock to the earliest registered end, never past one, and only once every
/// wait and limit already due has ended, so concurrent waits end in order and
/// a timeout fires at its own time, before the wait it bounds would end.
/// Before it moves the clock a wait gives the other tasks many turns, so the
/// work of the current instant is done at that instant.
#[derive(Debug, Clone)]
pub struct VirtualClock(Arc<Virtual>);

#[derive(Debug)]
struct Virtual {
    start: DateTime<Utc>,
    now: watch::Sender<DateTime<Utc>>,
    /// The ends of the pending waits and limits, with how many end there.
    ends: Mutex<BTreeMap<DateTime<Utc>, usize>>,
}

impl VirtualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Virtual {
            start,
            now: watch::Sender::new(start),
            ends: Mutex::new(BTreeMap::new()),
        }))
    }

    fn end_of(&self, length: Duration) -> DateTime<Utc> {
        let length = chrono::Duration::from_std(length).unwrap_or(chrono::Duration::MAX);
        self.now()
            .checked_add_signed(length)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    fn wait_until(&self, end: DateTime<Utc>) -> Sleep {
        let pending = Pending::new(&self.0, end);
        Box::pin(async move {
            loop {
                // Let the work of the current instant run first (a message
                // on its way, a watch registering its next wake-up): the
                // runtime cannot say when it is idle, so the wait gives every
                // other task many turns before it moves the clock.
                for _ in 0..SETTLE_TURNS {
                    tokio::task::yield_now().await;
                }
                let now = *pending.clock.now.borrow();
                if now >= end {
                    return;
                }
                let next = {
                    let ends = crate::sync::lock(&pending.clock.ends, "the virtual clock");
                    let due = ends.range(..=now).next().is_some();
                    (!due).then(|| ends.keys().next().copied().unwrap_or(end))
                };
                if let Some(next) = next {
                    pending.clock.now.send_if_modified(|now| {
                        let later = next > *now;
                        if later {
                            *now = next;
                        }
                        later
                    });
                }
                tokio::task::yield_now().await;
            }
        })
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.now.borrow()
    }

    fn monotonic(&self) -> Duration {
        (self.now() - self.0.start).to_std().unwrap_or_default()
    }

    fn sleep(&self, length: Duration) -> Sleep {
        self.wait_until(self.end_of(length))
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> Sleep {
        self.wait_until(at)
    }

    fn limit(&self, length: Duration) -> Sleep {
        let end = self.end_of(length);
        let pending = Pending::new(&self.0, end);
        let mut now = self.0.now.subscribe();
        Box::pin(async move {
            if now.wait_for(|now| *now >= end).await.is_err() {
                // The clock is gone, so its time never comes.
                std::future::pending::<()>().await;
            }
            drop(pending);
        })
    }
}

/// A registered end, unregistered when its wait or limit ends or is dropped.
struct Pending {
    clock: Arc<Virtual>,
    end: DateTime<Utc>,
}

impl Pending {
    fn new(clock: &Arc<Virtual>, end: DateTime<Utc>) -> Self {
        *crate::sync::lock(&clock.ends, "the virtual clock")
            .entry(end)
            .or_insert(0) += 1;
        Self {
            clock: clock.clone(),
            end,
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let mut ends = crate::sync::lock(&self.clock.ends, "the virtual clock");
        if let Some(count) = ends.get_mut(&self.end) {
            *count -= 1;
            if *count == 0 {
                ends.remove(&self.end);
            }
        }
    }
}

fn machine_monotonic() -> Duration {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed()
}
