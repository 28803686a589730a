#!/bin/sh
# select_candidates: the best five signals with conf_score above 0.60, leaving out
# any symbol with a CRITICAL catalyst today.
set -eu
. "$(dirname "$0")/lib.sh"
need signals.csv rank_signals
need catalysts.csv classify_catalysts
awk -F, 'FNR == NR { if ($3 == "CRITICAL") bad[$1] = 1; next }
  FNR > 1 && $3 > 0.60 && !($1 in bad) && n < 5 { print; n++ }' \
  "$W/catalysts.csv" "$W/signals.csv" > "$W/selected.body"
{ echo "symbol,side,conf_score"; cat "$W/selected.body"; } > "$W/selected.csv"
log "selected $(wc -l < "$W/selected.body")"
printf '{"selected":%s}\n' "$(cut -d, -f1 "$W/selected.body" | awk 'BEGIN { printf "[" } { printf "%s\"%s\"", (NR > 1 ? "," : ""), $1 } END { printf "]" }')"
