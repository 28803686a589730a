//! The process's live event feed: every event of the runs that publish to it
//! (the daemon's, and those started through the operations service), each
//! with a feed-wide id, the latest ones kept so a client that lost its
//! connection resumes where it was (`Last-Event-ID`).

use super::events::{Event, Observer};
use crate::clock::Clock;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::broadcast;

/// How many of the latest events are kept for clients that resume.
const KEPT: usize = 10_000;

/// One event as the feed sends it: its feed-wide id and its JSON.
#[derive(Debug, Clone)]
pub(crate) struct FeedEvent {
    pub id: u64,
    pub json: Arc<str>,
}

pub(crate) struct Hub {
    /// When this process's feed began (Unix milliseconds): ids of another
    /// process's feed are told apart by it.
    epoch: i64,
    next_id: AtomicU64,
    kept: Mutex<VecDeque<FeedEvent>>,
    live: broadcast::Sender<FeedEvent>,
}

/// The process's hub.
pub(crate) fn hub() -> Arc<Hub> {
    static HUB: OnceLock<Arc<Hub>> = OnceLock::new();
    HUB.get_or_init(|| {
        Arc::new(Hub {
            epoch: crate::clock::SystemClock.now().timestamp_millis(),
            next_id: AtomicU64::new(1),
            kept: Mutex::new(VecDeque::with_capacity(KEPT)),
            live: broadcast::channel(4096).0,
        })
    })
    .clone()
}

impl Hub {
    pub(crate) fn epoch(&self) -> i64 {
        self.epoch
    }

    /// The kept events after `after`, and a receiver for what comes next,
    /// taken together so that nothing falls between them.
    pub(crate) fn subscribe(&self, after: u64) -> (Vec<FeedEvent>, broadcast::Receiver<FeedEvent>) {
        let kept = crate::sync::lock(&self.kept, "the live event feed");
        let receiver = self.live.subscribe();
        let missed = kept.iter().filter(|e| e.id > after).cloned().collect();
        (missed, receiver)
    }
}

impl Observer for Hub {
    fn event(&self, event: &Event) {
        let Ok(json) = serde_json::to_string(event) else {
            return;
        };
        let mut kept = crate::sync::lock(&self.kept, "the live event feed");
        let feed = FeedEvent {
            id: self.next_id.fetch_add(1, Ordering::SeqCst),
            json: json.into(),
        };
        if kept.len() == KEPT {
            kept.pop_front();
        }
        kept.push_back(feed.clone());
        // Nobody listening is fine: the event is kept for whoever comes.
        let _ = self.live.send(feed);
    }
}
