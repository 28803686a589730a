#!/bin/sh
# check_stops: a stop two daily volatilities (vol20) from each position's entry
# price, below a long and above a short, against the position's latest mark
# (synthetic: the entry price plus a seeded move). A mark through its stop is a hit.
set -eu
. "$(dirname "$0")/lib.sh"
need positions.csv monitor_positions
need indicators.csv indicator_precalc
awk -F, -v seed="$SEED" "$AWK_RNG"'
  BEGIN { s = seed % 2147483646 + 19; rnd() }
  FNR == NR { if (FNR > 1) vol[$1] = $4; next }
  FNR > 1 { long = $2 > 0; stop = $3 * (1 + (long ? -2 : 2) * vol[$1]); last = $3 * (1 + gauss() * vol[$1])
    hit = long ? last <= stop : last >= stop
    printf "%s,%.2f,%.2f,%s\n", $1, stop, last, hit ? "true" : "false" }' \
  "$W/indicators.csv" "$W/positions.csv" > "$W/stops.body"
{ echo "symbol,stop,last,hit"; cat "$W/stops.body"; } > "$W/stops.csv"
log "$(wc -l < "$W/stops.body" | tr -d ' ') position(s), $(grep -c ',true$' "$W/stops.body" || true) stop(s) hit"
printf '{"stops":%s}\n' "$(csv_json "$W/stops.csv" "symbol:s stop:n last:n hit:b")"
