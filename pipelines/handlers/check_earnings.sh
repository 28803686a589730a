#!/bin/sh
# check_earnings: the names of the tradable universe that report earnings today, from
# the desk's earnings calendar (data/earnings_days.txt: a date a line, the reporters
# in its comment). A report today is a HIGH catalyst on that symbol (selection leaves
# it out), never a market-wide blocker.
set -eu
. "$(dirname "$0")/lib.sh"
need universe.csv universe_validation
reporters=$(awk -v d="$ASOF" '$1 == d { sub(/^[^#]*#/, ""); gsub(/,/, " "); for (i = 1; i <= NF; i++) if ($i ~ /^[A-Z]+$/ && $i !~ /^(Q[1-4]|FY[0-9]+)$/) print $i }' "$DATA/earnings_days.txt" | sort -u)
tail -n +2 "$W/universe.csv" | cut -d, -f1 | sort > "$W/universe.sorted"
printf '%s\n' $reporters | sort | comm -12 - "$W/universe.sorted" > "$W/earnings_today.txt"
awk '{ printf "%s,earnings,HIGH,false\n", $1 }' "$W/earnings_today.txt" > "$W/earnings.body"
{ echo "symbol,kind,severity,blocker"; cat "$W/earnings.body"; } > "$W/earnings_catalysts.csv"
log "$(wc -l < "$W/earnings_today.txt" | tr -d ' ') of the universe report today"
list() { awk 'BEGIN { printf "[" } { printf "%s\"%s\"", (NR > 1 ? "," : ""), $1 } END { printf "]" }'; }
printf '{"earnings_today":%s,"catalysts":%s}\n' "$(list < "$W/earnings_today.txt")" \
  "$(csv_json "$W/earnings_catalysts.csv" "symbol:s kind:s severity:s blocker:b")"
