#!/bin/sh
# markov_scoring: a two-state (up day / down day) Markov chain per signalled symbol,
# fitted on the price history: p_up is P(up tomorrow | today's state).
set -eu
. "$(dirname "$0")/lib.sh"
need signals.csv rank_signals
ensure_prices
awk -F, 'FNR == NR { if (FNR > 1) want[$1] = 1; next }
  FNR > 1 && ($2 in want) { if ($2 in last) { st = $3 > last[$2] ? 1 : 0
      if ($2 in prev) { from[$2, prev[$2]]++; if (st) up[$2, prev[$2]]++ }
      prev[$2] = st }
    last[$2] = $3 }
  END {
    for (s in want) { t = prev[s]; p = from[s, t] ? (up[s, t] + 1) / (from[s, t] + 2) : 0.5
      printf "%s,%.4f\n", s, p } }' "$W/signals.csv" "$W/prices.csv" | sort > "$W/markov.body"
{ echo "symbol,p_up"; cat "$W/markov.body"; } > "$W/markov.csv"
printf '{"markov":%s}\n' "$(csv_json "$W/markov.csv" "symbol:s p_up:n")"
