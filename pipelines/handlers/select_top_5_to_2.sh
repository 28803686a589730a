#!/bin/sh
# select_top_5_to_2: the five sized trades with the best conf_score are the
# short list; the risk checks go down it, best first (a positive quantity, at most
# 10% of cash per name, at most 35% gross exposure in total), and approve the first
# two that pass. Approved trades go to approved.csv for execution.
set -eu
. "$(dirname "$0")/lib.sh"
need sized.csv calculate_sizes
cash=$(ctx_num cash); cash=${cash:-1000000}
tail -n +2 "$W/sized.csv" | sort -t, -k6,6nr | head -n 5 > "$W/top5.csv"
: > "$W/rejected.txt"
awk -F, -v cash="$cash" -v rej="$W/rejected.txt" '{
    if (n == 2) { print $1 ": not in the top two" > rej; next }
    if ($3 <= 0) { print $1 ": zero size" > rej; next }
    if ($5 > cash * 0.10) { print $1 ": over the 10% name limit" > rej; next }
    if (gross + $5 > cash * 0.35) { print $1 ": over the 35% gross limit" > rej; next }
    gross += $5; n++; printf "%s,%s,%d,%.2f\n", $1, $2, $3, $5 }' "$W/top5.csv" > "$W/approved.body"
[ -s "$W/rejected.txt" ] && log "not approved: $(tr '\n' ';' < "$W/rejected.txt")"
{ echo "symbol,side,qty,notional"; cat "$W/approved.body"; } > "$W/approved.csv"
printf '{"approved":%s,"rejected":%d}\n' "$(csv_json "$W/approved.csv" "symbol:s side:s qty:n notional:n")" "$(wc -l < "$W/rejected.txt")"
