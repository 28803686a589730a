#!/bin/sh
# execute_trades: send the approved trades to the simulated broker as market orders.
# Client order ids are deterministic (date + symbol), so a second run of the stage
# the same day (a retry, a later trigger) is idempotent: the broker ignores ids it already has. The simulated
# broker fills each order at the reference price plus 2 bps of slippage and keeps
# its own position statement (broker_fills.csv, broker_positions.csv).
set -eu
. "$(dirname "$0")/lib.sh"
need approved.csv select_top_5_to_2
need indicators.csv indicator_precalc
touch "$W/broker_fills.csv"
awk -F, -v d="$SEED" -v fills="$W/broker_fills.csv" -v ind="$W/indicators.csv" 'FILENAME == fills { seen[$1] = 1; next }
  FILENAME == ind { if (FNR > 1) px[$1] = $5; next }
  FNR > 1 { id = "C" d "-" $1; q = ($2 == "buy" ? $3 : -$3); printf "%s,%s,%s,%d\n", id, $1, $2, $3
    if (!(id in seen)) printf "%s,%s,%d,%.4f\n", id, $1, q, px[$1] * (1 + (q > 0 ? 2 : -2) / 10000) >> fills }' \
  "$W/broker_fills.csv" "$W/indicators.csv" "$W/approved.csv" > "$W/orders.body"
awk -F, '{ pos[$2] += $3 } END { for (s in pos) print s "," pos[s] }' "$W/broker_fills.csv" | sort > "$W/broker_positions.csv"
{ echo "order_id,symbol,side,qty"; cat "$W/orders.body"; } > "$W/orders.csv"
log "submitted $(wc -l < "$W/orders.body") orders"
printf '{"orders":%s,"orders_needed":%d,"submitted_at":"%s"}\n' "$(csv_json "$W/orders.csv" "order_id:s symbol:s side:s qty:n")" \
  "$(($(wc -l < "$W/approved.csv") - 1))" "$(now)"
