#!/bin/sh
# size_positions: risk 0.25% of cash per trade against a two-sigma daily move
# (qty = cash * 0.0025 / (2 * vol20 * price)), capped at 10% of cash per name.
set -eu
. "$(dirname "$0")/lib.sh"
need selected.csv select_candidates
need indicators.csv indicator_precalc
cash=$(ctx_num cash)
[ -n "$cash" ] || { cash=1000000; log "no account in the context: sizing against $cash"; }
awk -F, -v cash="$cash" 'FNR == NR { if (FNR > 1) { vol[$1] = $4; px[$1] = $5 } next }
  FNR > 1 { q = int(cash * 0.0025 / (2 * vol[$1] * px[$1])); cap = int(cash * 0.10 / px[$1]); if (q > cap) q = cap
    printf "%s,%s,%d,%.2f,%.2f\n", $1, $2, q, px[$1], q * px[$1] }' \
  "$W/indicators.csv" "$W/selected.csv" > "$W/sized.body"
{ echo "symbol,side,qty,price,notional"; cat "$W/sized.body"; } > "$W/sized.csv"
printf '{"sized":%s}\n' "$(csv_json "$W/sized.csv" "symbol:s side:s qty:n price:n notional:n")"
