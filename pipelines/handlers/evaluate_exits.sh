#!/bin/sh
# evaluate_exits: which positions to close, and why: a stop hit, or a mark three
# daily volatilities in the position's favour (take the profit). It decides and
# lists the exits (exits.csv); this example sends no exit orders.
set -eu
. "$(dirname "$0")/lib.sh"
need stops.csv check_stops
need positions.csv monitor_positions
need indicators.csv indicator_precalc
awk -F, 'FILENAME ~ /indicators.csv$/ { if (FNR > 1) vol[$1] = $4; next }
  FILENAME ~ /positions.csv$/ { if (FNR > 1) { qty[$1] = $2; entry[$1] = $3 } next }
  FNR > 1 { gain = (qty[$1] > 0 ? 1 : -1) * ($3 / entry[$1] - 1)
    if ($4 == "true") printf "%s,%d,stop hit\n", $1, qty[$1]
    else if (gain > 3 * vol[$1]) printf "%s,%d,profit target\n", $1, qty[$1] }' \
  "$W/indicators.csv" "$W/positions.csv" "$W/stops.csv" > "$W/exits.body"
{ echo "symbol,qty,reason"; cat "$W/exits.body"; } > "$W/exits.csv"
log "$(wc -l < "$W/exits.body" | tr -d ' ') exit(s)"
printf '{"exits":%s}\n' "$(csv_json "$W/exits.csv" "symbol:s qty:n reason:s")"
