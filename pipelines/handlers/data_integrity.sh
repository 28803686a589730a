#!/bin/sh
# data_integrity: every symbol has today's bar, prices are positive, no day-over-day
# jump beyond 25%. Issues are written to integrity.csv and the task fails, which the
# pipeline records as a warning (the synthetic vendor always misses one bar).
set -eu
. "$(dirname "$0")/lib.sh"
ensure_prices
awk -F, 'NR > 1 { sym[$2] = 1
    if ($3 <= 0) bad[$2] = "non-positive close"
    if (($2 in last) && ($3 / last[$2] > 1.25 || $3 / last[$2] < 0.75)) bad[$2] = "jump over 25%"
    last[$2] = $3; if ($1 == 0) today[$2] = 1 }
  END { print "symbol,issue"
    for (s in sym) { if (!(s in today)) bad[s] = "missing day-0 bar"; if (s in bad) print s "," bad[s] } }' \
  "$W/prices.csv" > "$W/integrity.csv"
symbols=$(awk -F, 'NR > 1 && !($2 in s) { s[$2] = 1; n++ } END { print n + 0 }' "$W/prices.csv")
issues=$(($(wc -l < "$W/integrity.csv") - 1))
if [ "$issues" -gt 0 ]; then
  log "$issues integrity issue(s) in $symbols symbols:"
  tail -n +2 "$W/integrity.csv" >&2
  exit 1
fi
printf '{"integrity_issues":0,"checked_symbols":%d}\n' "$symbols"
