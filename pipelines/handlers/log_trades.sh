#!/bin/sh
# log_trades: write the day's trades, each order with its fill, to the trade
# journal (trade_log.csv in the run's work dir), replacing the day's earlier
# entries so that logging twice changes nothing.
set -eu
. "$(dirname "$0")/lib.sh"
need orders.csv execute_trades
touch "$W/broker_fills.csv"
awk -F, -v d="$ASOF" 'FILENAME ~ /broker_fills.csv$/ { price[$1] = $4; next }
  FNR > 1 { printf "%s,%s,%s,%s,%d,%s\n", d, $1, $2, $3, $4, ($1 in price) ? price[$1] : "" }' \
  "$W/broker_fills.csv" "$W/orders.csv" > "$W/trade_log.body"
{ echo "date,order_id,symbol,side,qty,fill_price"; cat "$W/trade_log.body"; } > "$W/trade_log.csv"
rows=$(wc -l < "$W/trade_log.body" | tr -d ' ')
log "$rows trade(s) logged"
printf '{"trade_log":{"path":"%s","rows":%d}}\n' "$W/trade_log.csv" "$rows"
