#!/bin/sh
# check_political: scheduled political events that move the whole market (elections,
# funding deadlines, tariff decisions), from data/political_events.csv. An event
# today is a market-wide catalyst ("MARKET") with the file's severity; a CRITICAL
# one is a blocker. Optional: without the file it fails, and its policy skips it.
set -eu
. "$(dirname "$0")/lib.sh"
events="$DATA/political_events.csv"
[ -r "$events" ] || { log "no political calendar at $events"; exit 1; }
awk -F, -v d="$ASOF" '$1 == d { printf "MARKET,political,%s,%s\n", $3, ($3 == "CRITICAL" ? "true" : "false") }' \
  "$events" > "$W/political.body"
awk -F, -v d="$ASOF" '$1 == d { print $2 " (" $3 ")" }' "$events" | while read -r e; do log "today: $e"; done
{ echo "symbol,kind,severity,blocker"; cat "$W/political.body"; } > "$W/political_catalysts.csv"
n=$(wc -l < "$W/political.body" | tr -d ' ')
log "$n political event(s) today"
printf '{"political_events":%d,"catalysts":%s}\n' "$n" \
  "$(csv_json "$W/political_catalysts.csv" "symbol:s kind:s severity:s blocker:b")"
