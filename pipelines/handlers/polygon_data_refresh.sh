#!/bin/sh
# polygon_data_refresh: pull the last 30 sessions of daily bars for the universe
# (synthetic, deterministic from the as-of date) into prices.csv.
set -eu
. "$(dirname "$0")/lib.sh"
gen_prices "$W/prices.csv" US 30
bars=$(($(wc -l < "$W/prices.csv") - 1))
symbols=$(awk -F, 'NR > 1 && !($2 in s) { s[$2] = 1; n++ } END { print n + 0 }' "$W/prices.csv")
log "refreshed $bars bars for $symbols symbols as of $ASOF"
printf '{"data_refreshed_at":"%s","bars":%d,"symbols":%d}\n' "$(now)" "$bars" "$symbols"
