#!/bin/sh
# ingest: load the universe's price history for the alpha run (prices.csv).
set -eu
. "$(dirname "$0")/lib.sh"
gen_prices "$W/prices.csv" US 60
n=$(awk -F, 'NR > 1 && !($2 in s) { s[$2] = 1; n++ } END { print n + 0 }' "$W/prices.csv")
log "$n symbols, 60 sessions"
printf '{"universe_size":%d,"audit":%s}\n' "$n" "$(audit)"
