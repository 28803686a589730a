// pipec's pages: the token for the browser session, the buttons, and live
// updates from /api/v1/events. Plain JavaScript, no build step.
"use strict";
(function () {
  const KEY = "pipec_token";
  function token(ask) {
    let t = sessionStorage.getItem(KEY);
    if (!t && ask) {
      t = window.prompt("This needs the daemon's API token (PIPEC_API_TOKEN):");
      if (t) keep(t);
    }
    return t;
  }
  function keep(t) {
    sessionStorage.setItem(KEY, t);
    // Reads (pages, the event stream) send it as a cookie; writes send it as a
    // header, which another site cannot make a browser send.
    document.cookie = KEY + "=" + encodeURIComponent(t) + "; path=/; SameSite=Strict";
  }
  function say(text) {
    const m = document.getElementById("message");
    if (m) m.textContent = text;
  }

  const form = document.getElementById("token-form");
  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      keep(document.getElementById("token").value);
      location.reload();
    });
  }

  // Buttons: data-post="URL" (a JSON body of {} unless data-body), then go to
  // the run the answer names, or reload.
  document.querySelectorAll("button[data-post]").forEach(function (b) {
    b.addEventListener("click", async function () {
      const t = token(true);
      if (!t) return;
      b.disabled = true;
      say("…");
      try {
        const r = await fetch(b.dataset.post, {
          method: "POST",
          headers: { "Authorization": "Bearer " + t, "Content-Type": "application/json" },
          body: b.dataset.body || "{}",
        });
        const answer = await r.json().catch(function () { return {}; });
        if (r.status === 401) sessionStorage.removeItem(KEY);
        if (!r.ok) { say(answer.error || ("refused: " + r.status)); b.disabled = false; return; }
        say((b.dataset.done || "done") + (answer.run_id ? ": run " + answer.run_id : ""));
        if (b.dataset.follow === "run" && answer.run_id) {
          location.href = "/runs/" + encodeURIComponent(answer.run_id);
        } else if (b.dataset.follow === "stay") {
          b.disabled = false; // the page follows the run live
        } else {
          setTimeout(function () { location.reload(); }, 400);
        }
      } catch (err) {
        say("cannot reach the daemon: " + err);
        b.disabled = false;
      }
    });
  });

  // Live: task nodes of the pipeline shown change state as events arrive;
  // other pages refresh (once a second at most) when something ends.
  const live = document.getElementById("live");
  const pipeline = document.body.dataset.pipeline;
  const run = document.body.dataset.run;
  const status = {
    task_queued: "pending", task_started: "running", task_retrying: "retrying",
    task_completed: "completed", task_warned: "warned", task_defaulted: "defaulted",
    task_failed: "failed", task_timed_out: "timed_out", task_skipped: "skipped",
    task_cancelled: "cancelled", task_restored: "restored",
  };
  let pending = null;
  function refreshSoon() {
    if (pending) return;
    pending = setTimeout(function () { location.reload(); }, 1000);
  }
  if (window.EventSource && live) {
    const source = new EventSource("/api/v1/events");
    source.onopen = function () { live.textContent = "live"; };
    source.onerror = function () { live.textContent = "reconnecting…"; };
    source.onmessage = function (m) {
      let e;
      try { e = JSON.parse(m.data); } catch (_) { return; }
      live.textContent = "live · " + (e.event || "").replace(/_/g, " ");
      if (pipeline && e.pipeline === pipeline && status[e.event]) {
        document.querySelectorAll('.node[data-task="' + CSS.escape(e.task) + '"]').forEach(function (n) {
          n.dataset.status = status[e.event];
          const w = n.querySelector("text.word");
          if (w) w.textContent = status[e.event].replace(/_/g, " ");
        });
        const latest = document.getElementById("latest-run");
        if (latest && e.run_id) latest.innerHTML = '<a href="/runs/' + encodeURIComponent(e.run_id) + '">' + e.run_id + "</a> (live)";
      }
      if (run && e.run_id === run) refreshSoon();
      if (!pipeline && !run && /^run_/.test(e.event || "")) refreshSoon();
    };
  }
})();
