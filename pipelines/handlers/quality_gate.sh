#!/bin/sh
# quality_gate: the signals good enough to trade: conf_score above 0.60 and, when
# the Markov scores are there, a Markov chain that does not point the other way
# (p_up at least 0.40 for a buy, at most 0.60 for a sell). Best first.
set -eu
. "$(dirname "$0")/lib.sh"
need signals.csv rank_signals
need markov.csv markov_scoring || log "no Markov scores: judging on conf_score alone"
touch "$W/markov.csv"
awk -F, 'FILENAME ~ /markov.csv$/ { if (FNR > 1) p[$1] = $2; next }
  FNR > 1 && $3 > 0.60 {
    if (($1 in p) && (($2 == "buy" && p[$1] < 0.40) || ($2 == "sell" && p[$1] > 0.60))) { print $1 ": Markov disagrees" > "/dev/stderr"; next }
    print }' "$W/markov.csv" "$W/signals.csv" > "$W/qualified.body"
{ echo "symbol,side,conf_score"; cat "$W/qualified.body"; } > "$W/qualified.csv"
log "$(wc -l < "$W/qualified.body" | tr -d ' ') signal(s) pass the quality gate"
printf '{"qualified":%s}\n' "$(csv_json "$W/qualified.csv" "symbol:s side:s conf_score:n")"
