//! Small pieces every page is made of: escaped text, states in colour and in
//! words, times in the market's zone with UTC on hover.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// `text` safe inside HTML text and attribute values.
pub(super) fn esc(text: &str) -> String {
    crate::graph::escape::html_text(text)
}

/// A state as a badge: its colour comes from its class, and the word is always
/// written (never colour alone).
pub(super) fn badge(state: &str) -> String {
    let word = state.replace('_', " ");
    format!(
        r#"<span class="st st-{}">{}</span>"#,
        esc(&state.to_ascii_lowercase()),
        esc(&word)
    )
}

/// An instant in `zone`, with the UTC time on hover.
pub(super) fn time_in(at: DateTime<Utc>, zone: Tz) -> String {
    format!(
        r#"<time datetime="{}" title="{} UTC">{}</time>"#,
        at.to_rfc3339(),
        at.format("%Y-%m-%d %H:%M:%S"),
        at.with_timezone(&zone).format("%a %Y-%m-%d %H:%M %Z")
    )
}

/// A stamp from the store (RFC 3339, UTC) shown in `zone`; as written if it
/// does not parse.
pub(super) fn stamp_in(stamp: &str, zone: Tz) -> String {
    match crate::store::parse_stamp(stamp) {
        Some(at) => time_in(at, zone),
        None => esc(stamp),
    }
}

/// Milliseconds as a short duration (`1m 30s`).
pub(super) fn millis(ms: i64) -> String {
    crate::ir::words::duration(u64::try_from(ms).unwrap_or(0))
}

/// A link.
pub(super) fn link(href: &str, text: &str) -> String {
    format!(r#"<a href="{}">{}</a>"#, esc(href), esc(text))
}

/// A path segment of a URL (names are identifiers, but be safe).
pub(super) fn seg(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
