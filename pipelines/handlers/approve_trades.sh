#!/bin/sh
# approve_trades: the risk desk's pre-trade checks: a positive quantity, at most 10%
# of cash per name and at most 35% gross exposure in total (checked in order).
set -eu
. "$(dirname "$0")/lib.sh"
need sized.csv size_positions
cash=$(ctx_num cash); cash=${cash:-1000000}
awk -F, -v cash="$cash" -v rej="$W/rejected.txt" 'NR > 1 {
    if ($3 <= 0) { print $1 ": zero size" > rej; next }
    if ($5 > cash * 0.10) { print $1 ": over the 10% name limit" > rej; next }
    if (gross + $5 > cash * 0.35) { print $1 ": over the 35% gross limit" > rej; next }
    gross += $5; printf "%s,%s,%d,%.2f\n", $1, $2, $3, $5 }' "$W/sized.csv" > "$W/approved.body"
touch "$W/rejected.txt"; [ -s "$W/rejected.txt" ] && log "rejected: $(tr '\n' ';' < "$W/rejected.txt")"
{ echo "symbol,side,qty,notional"; cat "$W/approved.body"; } > "$W/approved.csv"
printf '{"approved":%s,"rejected":%d}\n' "$(csv_json "$W/approved.csv" "symbol:s side:s qty:n notional:n")" "$(wc -l < "$W/rejected.txt")"
