#!/bin/sh
# polygon_data_refresh: pull the last 30 sessions of daily bars for the universe
# (synthetic, deterministic from the as-of date) into prices.csv. The vendor's
# rate limit is used up by the overnight batch pulls when the day starts, so the
# first attempt is refused (HTTP 429); the retry after the backoff gets the bars.
# This is the example's "flaky handler recovered by retry".
set -eu
. "$(dirname "$0")/lib.sh"
if [ "$ATTEMPT" -le 1 ]; then
  log "vendor refused the pull (HTTP 429 Too Many Requests); will retry after the backoff"
  exit 1
fi
gen_prices "$W/prices.csv" US 30
bars=$(($(wc -l < "$W/prices.csv") - 1))
symbols=$(awk -F, 'NR > 1 && !($2 in s) { s[$2] = 1; n++ } END { print n + 0 }' "$W/prices.csv")
log "refreshed $bars bars for $symbols symbols as of $ASOF"
printf '{"data_refreshed_at":"%s","bars":%d,"symbols":%d}\n' "$(now)" "$bars" "$symbols"
