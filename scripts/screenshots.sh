#!/usr/bin/env bash
# Regenerates the dashboard's screenshots in docs/screenshots/: a daemon on the
# bundled trading day (in a scratch copy, so the repository's state is not
# touched) with one run, each page taken by headless Chromium at 1400x900.
# Needs Debian's chromium and a built pipec (PIPEC, default target/debug/pipec).
set -euo pipefail
cd "$(dirname "$0")/.."
PIPEC="${PIPEC:-$PWD/target/debug/pipec}"
out="$PWD/docs/screenshots"
mkdir -p "$out"
scratch="$(mktemp -d)"
trap 'kill "$daemon" 2>/dev/null || true; rm -rf "$scratch"' EXIT
cp -r pipelines "$scratch/"
cd "$scratch"
export PIPEC_API_TOKEN="screenshot-token-0123456789"
"$PIPEC" daemon pipelines/trading_day.pipe --listen 127.0.0.1:0 --public-read 2> daemon.log &
daemon=$!
for _ in $(seq 100); do
  addr="$(sed -n 's/^pipec daemon: listening on //p' daemon.log)"
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { cat daemon.log; exit 1; }
run="$(curl -sf -X POST -H "Authorization: Bearer $PIPEC_API_TOKEN" -H 'content-type: application/json' \
  -d '{"as_of":"2026-11-20","any_day":true}' "$addr/api/v1/pipelines/trading_day/runs" |
  sed -n 's/.*"run_id":"\([^"]*\)".*/\1/p')"
for _ in $(seq 200); do
  curl -sf "$addr/api/v1/runs/$run" | grep -q '"status":"running"' || break
  sleep 0.1
done
shoot() {
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --timeout=3000 \
    --window-size=1400,900 --screenshot="$out/$1.png" "$addr$2" 2>/dev/null
}
shoot overview /
shoot pipeline /pipelines/trading_day
shoot run "/runs/$run"
shoot health /health
shoot calendar /calendar
echo "screenshots in $out"
