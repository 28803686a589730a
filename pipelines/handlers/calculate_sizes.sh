#!/bin/sh
# calculate_sizes: risk 0.25% of cash per trade against a two-sigma daily move
# (qty = cash * 0.0025 / (2 * vol20 * price)), capped at 10% of cash per name, for
# the signals the semantic rules kept (ruled.csv) or, when those rules were skipped,
# every signal that passed the quality gate (qualified.csv).
set -eu
. "$(dirname "$0")/lib.sh"
need qualified.csv quality_gate
need indicators.csv indicator_precalc
need ruled.csv apply_semantic_rules || true
from="$W/ruled.csv"
[ -s "$from" ] || { from="$W/qualified.csv"; log "no semantic rules today: sizing every qualified signal"; }
cash=$(ctx_num cash)
[ -n "$cash" ] || { cash=1000000; log "no account in the context: sizing against $cash"; }
awk -F, -v cash="$cash" 'FNR == NR { if (FNR > 1) { vol[$1] = $4; px[$1] = $5 } next }
  FNR > 1 { q = int(cash * 0.0025 / (2 * vol[$1] * px[$1])); cap = int(cash * 0.10 / px[$1]); if (q > cap) q = cap
    printf "%s,%s,%d,%.2f,%.2f,%s\n", $1, $2, q, px[$1], q * px[$1], $3 }' \
  "$W/indicators.csv" "$from" > "$W/sized.body"
{ echo "symbol,side,qty,price,notional,conf_score"; cat "$W/sized.body"; } > "$W/sized.csv"
printf '{"sized":%s}\n' "$(csv_json "$W/sized.csv" "symbol:s side:s qty:n price:n notional:n conf_score:n")"
