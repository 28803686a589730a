#!/bin/sh
# reconcile_broker: compare our book (positions.csv) with the broker's statement
# (broker_positions.csv), symbol by symbol. Differences are breaks; the EOD gate
# requires none.
set -eu
. "$(dirname "$0")/lib.sh"
need positions.csv monitor_positions
touch "$W/broker_positions.csv"
awk -F, -v broker_file="$W/broker_positions.csv" 'FILENAME == broker_file { broker[$1] = $2; all[$1] = 1; next }
  FNR > 1 { ours[$1] += $2; all[$1] = 1 }
  END { for (s in all) if (ours[s] + 0 != broker[s] + 0) printf "%s,%d,%d\n", s, ours[s], broker[s] }' \
  "$W/broker_positions.csv" "$W/positions.csv" | sort > "$W/breaks.body"
{ echo "symbol,ours,broker"; cat "$W/breaks.body"; } > "$W/breaks.csv"
n=$(wc -l < "$W/breaks.body")
match=$([ "$n" -eq 0 ] && echo true || echo false)
log "$n break(s)"
printf '{"breaks":%s,"positions_match":%s}\n' "$(csv_json "$W/breaks.csv" "symbol:s ours:n broker:n")" "$match"
