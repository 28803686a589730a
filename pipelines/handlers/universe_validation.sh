#!/bin/sh
# universe_validation: the tradable universe is every symbol with today's bar, a
# price of at least $5 and an average volume of at least 1M shares.
set -eu
. "$(dirname "$0")/lib.sh"
ensure_prices
awk -F, -v dropped="$W/dropped.txt" 'NR > 1 { vol[$2] += $4; n[$2]++; if ($1 == 0) { today[$2] = 1; px[$2] = $3 } }
  END { print "symbol,close"
    for (s in n) if ((s in today) && px[s] >= 5 && vol[s] / n[s] >= 1000000) print s "," px[s]
      else print s > dropped }' "$W/prices.csv" > "$W/universe.csv"
touch "$W/dropped.txt"
sort -o "$W/dropped.txt" "$W/dropped.txt"
[ -s "$W/dropped.txt" ] && log "dropped: $(tr '\n' ' ' < "$W/dropped.txt")"
list() { awk 'BEGIN { printf "[" } { printf "%s\"%s\"", (NR > 1 ? "," : ""), $1 } END { printf "]" }'; }
printf '{"universe":%s,"dropped":%s}\n' \
  "$(tail -n +2 "$W/universe.csv" | cut -d, -f1 | sort | list)" "$(list < "$W/dropped.txt")"
