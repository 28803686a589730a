//! The frame of every page: the head, the navigation and the assets, all
//! served by this binary (no build step, no CDN).

use super::html::esc;

pub(super) const CSS: &str = include_str!("assets/pipec.css");
pub(super) const JS: &str = include_str!("assets/pipec.js");

/// A whole page. `data` are attributes of `<body>` the script reads (which
/// pipeline or run the page shows, for live updates).
pub(super) fn page(title: &str, current: &str, data: &str, body: &str) -> String {
    let nav = [
        ("/", "Overview"),
        ("/health", "Health"),
        ("/calendar", "Calendar"),
    ]
    .iter()
    .map(|(href, text)| {
        let here = if *href == current {
            r#" aria-current="page""#
        } else {
            ""
        };
        format!(r#"<a href="{href}"{here}>{text}</a>"#)
    })
    .collect::<Vec<_>>()
    .join("");
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · pipec</title>
<link rel="stylesheet" href="/assets/pipec.css">
<script src="/assets/pipec.js" defer></script>
</head>
<body {data}>
<header><span class="brand">pipec</span><nav>{nav}</nav><span id="live" class="live" aria-live="polite">connecting…</span></header>
<main>
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"#,
        title = esc(title),
    )
}

/// What a page says without the token: reads need it unless the daemon runs
/// with `--public-read`. The script keeps it for the browser session.
pub(super) fn token_page() -> String {
    page(
        "Token needed",
        "",
        "",
        r#"<p>This daemon's pages need its API token (<code>PIPEC_API_TOKEN</code>), unless it runs with <code>--public-read</code>.</p>
<form id="token-form"><label>Token <input id="token" type="password" autocomplete="off" required></label> <button type="submit">Open</button></form>"#,
    )
}
