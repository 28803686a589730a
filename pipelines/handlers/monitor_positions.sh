#!/bin/sh
# monitor_positions: match our orders to the broker's fills, book the fills into our
# own position file (positions.csv) and report the fill rate.
set -eu
. "$(dirname "$0")/lib.sh"
need orders.csv execute_trades
touch "$W/broker_fills.csv"
awk -F, -v fills="$W/broker_fills.csv" -v totals="$W/fill_totals" 'FILENAME == fills { filled[$1] = $3; price[$1] = $4; next }
  FNR > 1 { want += $4; if ($1 in filled) { got += $4; printf "%s,%d,%.4f\n", $2, filled[$1], price[$1] } }
  END { printf "%d %d\n", got, want > totals }' "$W/broker_fills.csv" "$W/orders.csv" | sort > "$W/positions.body"
read got want < "$W/fill_totals"
{ echo "symbol,qty,avg_price"; cat "$W/positions.body"; } > "$W/positions.csv"
rate=$(awk -v g="$got" -v w="$want" 'BEGIN { printf "%.4f", w ? g / w : 1 }')
log "filled $got of $want shares"
printf '{"fills":%s,"fill_rate":%s}\n' "$(csv_json "$W/positions.csv" "symbol:s qty:n avg_price:n")" "$rate"
