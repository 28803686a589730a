#!/bin/sh
# daily_reflection: a few notes on how the day went, from the day's files: how many
# signals the rules dropped, how many trades were not approved, the fill rate and
# whether the books matched.
set -eu
. "$(dirname "$0")/lib.sh"
touch "$W/rule_drops.csv" "$W/rejected.txt" "$W/breaks.csv"
fill=$(ctx_num fill_rate)
{
  echo "semantic rules dropped $(wc -l < "$W/rule_drops.csv" | tr -d ' ') signal(s)"
  echo "$(wc -l < "$W/rejected.txt" | tr -d ' ') sized trade(s) not approved"
  echo "fill rate ${fill:-unknown}"
  if [ "$(wc -l < "$W/breaks.csv")" -gt 1 ]; then echo "books did not match the broker"; else echo "books matched the broker"; fi
} > "$W/reflection.txt"
log "$(tr '\n' ';' < "$W/reflection.txt")"
printf '{"reflection":%s}\n' "$(awk 'BEGIN { printf "[" } { gsub(/"/, ""); printf "%s\"%s\"", (NR > 1 ? "," : ""), $0 } END { printf "]" }' "$W/reflection.txt")"
