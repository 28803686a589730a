//! `GET /api/v1/events`: the live events of this daemon's runs as
//! server-sent events, each with the `--events` JSON schema as its data and a
//! feed-wide id `EPOCH-N`; a client that reconnects with `Last-Event-ID`
//! first gets what it missed (of the latest 10,000).

use super::auth::Access;
use super::{ApiError, Service};
use crate::run::hub::{hub, FeedEvent};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

pub(crate) async fn events(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    s.auth.check(&headers, Access::Read)?;
    // Ids are `EPOCH-N`: an id from another process (the daemon restarted)
    // says nothing of this one's events, so everything kept is sent.
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once('-'))
        .filter(|(epoch, _)| *epoch == hub().epoch().to_string())
        .and_then(|(_, n)| n.parse::<u64>().ok())
        .unwrap_or(0);
    let (missed, receiver) = hub().subscribe(after);
    let replayed_up_to = missed.last().map_or(after, |e| e.id);
    let replay = stream::iter(missed.into_iter().map(|e| Ok(sse(&e))));
    let live = stream::unfold(
        (receiver, replayed_up_to),
        |(mut rx, mut last)| async move {
            loop {
                match rx.recv().await {
                    // Already sent from the kept events.
                    Ok(e) if e.id <= last => {}
                    Ok(e) => {
                        last = e.id;
                        return Some((Ok(sse(&e)), (rx, last)));
                    }
                    // Too slow a client: it skips ahead, and its ids show the gap.
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    );
    Ok(Sse::new(stream::StreamExt::chain(replay, live)).keep_alive(KeepAlive::default()))
}

fn sse(e: &FeedEvent) -> Event {
    Event::default()
        .id(format!("{}-{}", hub().epoch(), e.id))
        .data(&*e.json)
}
