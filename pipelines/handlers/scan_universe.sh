#!/bin/sh
# scan_universe: candidates are tradable symbols whose 20-session momentum is at
# least half a daily volatility per session's worth of drift (|mom20| > 2 * vol20).
set -eu
. "$(dirname "$0")/lib.sh"
need indicators.csv indicator_precalc
awk -F, 'NR == 1 { print; next } { m = $3 < 0 ? -$3 : $3; if (m > 2 * $4) print }' \
  "$W/indicators.csv" > "$W/candidates.csv"
n=$(($(wc -l < "$W/candidates.csv") - 1))
log "$n candidates"
printf '{"candidate_count":%d}\n' "$n"
